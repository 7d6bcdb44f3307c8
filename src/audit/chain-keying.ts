import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditLogRepository } from './audit-log.repository';
import { AuditKeys } from './audit-keys';
import { AuditService } from './audit.service';

/**
 * Closes the gap keying leaves: entries written before the chain was keyed are plain SHA-256,
 * which the database's owner could rewrite (and re-hash) until a keyed entry covers their last
 * hash. At start, each organization whose chain still ends in an unkeyed entry gets an
 * `audit.chain_keyed` entry, whose HMAC covers it. One process of an installation does it; the
 * others, starting at the same moment, skip (and find nothing to do on their next start).
 */
@Injectable()
export class ChainKeying {
  private readonly logger = new Logger('AuditChain');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly entries: AuditLogRepository,
    private readonly audit: AuditService,
    private readonly keys: AuditKeys,
  ) {}

  async keyUnkeyedChains(): Promise<number> {
    // One transaction, on one connection: the lock ends with it.
    const keyed = await this.dataSource.transaction(async (tx) => {
      if (!(await this.entries.tryKeyingLock(tx))) return 0;
      const organizations = await this.entries.organizationsWithUnkeyedHead(tx);
      for (const organizationId of organizations) {
        await this.audit.record(
          tx,
          { organizationId, userId: null },
          {
            action: 'audit.chain_keyed',
            entityType: 'organization',
            entityId: organizationId,
            metadata: { key_id: this.keys.current.id },
          },
        );
      }
      return organizations.length;
    });
    if (keyed > 0)
      this.logger.log(`Keyed the audit chains of ${keyed} organization(s) with key ${this.keys.current.id}`);
    return keyed;
  }
}
