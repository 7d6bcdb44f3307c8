import { Global, Module } from '@nestjs/common';
import { AuditLogController } from './audit-log.controller';
import { AuditLogRepository } from './audit-log.repository';
import { AuditKeys } from './audit-keys';
import { AuditLogService } from './audit-log.service';
import { AuditService } from './audit.service';
import { ChainKeying } from './chain-keying';

/**
 * Global because every module that changes state writes to the audit log (AuditService).
 * Reading, verifying and exporting it is this module's own HTTP API.
 */
@Global()
@Module({
  controllers: [AuditLogController],
  providers: [AuditKeys, AuditService, AuditLogRepository, AuditLogService, ChainKeying],
  exports: [AuditService, ChainKeying],
})
export class AuditModule {}
