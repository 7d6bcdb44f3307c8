import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { AuditKey, auditKeyOf } from './audit-hash';

/** The key new audit entries are hashed with, and every key the chain's entries may name. */
@Injectable()
export class AuditKeys {
  readonly current: AuditKey;
  readonly all: ReadonlyMap<string, AuditKey>;

  constructor(config: AppConfig) {
    this.current = auditKeyOf(config.audit.key);
    const keys = [this.current, ...config.audit.previousKeys.map(auditKeyOf)];
    this.all = new Map(keys.map((key) => [key.id, key]));
  }
}
