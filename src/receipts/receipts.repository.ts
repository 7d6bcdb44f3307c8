import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { Receipt } from './receipt.entity';

/** Receipts, always scoped by organization id. */
@Injectable()
export class ReceiptsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  findById(organizationId: string, id: string, tx: EntityManager = this.dataSource.manager): Promise<Receipt | null> {
    return tx.findOne(Receipt, { where: { organizationId, id } });
  }

  lockById(tx: EntityManager, organizationId: string, id: string): Promise<Receipt | null> {
    return tx.getRepository(Receipt).createQueryBuilder('r').setLock('pessimistic_write')
      .where('r.organization_id = :organizationId AND r.id = :id', { organizationId, id }).getOne();
  }

  /** The first receipt of the organization with these bytes, if any. */
  findFirstWithHash(tx: EntityManager, organizationId: string, sha256: string): Promise<Receipt | null> {
    return tx.findOne(Receipt, { where: { organizationId, sha256 }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  forSpends(organizationId: string, spendIds: string[], tx: EntityManager = this.dataSource.manager): Promise<Receipt[]> {
    return tx.find(Receipt, { where: { organizationId, spendId: In(spendIds) }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  async anyOtherVerified(tx: EntityManager, organizationId: string, spendId: string, exceptId: string): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `SELECT 1 FROM receipts WHERE organization_id = $1 AND spend_id = $2 AND id <> $3 AND verified LIMIT 1`,
      [organizationId, spendId, exceptId],
    );
    return rows.length > 0;
  }
}
