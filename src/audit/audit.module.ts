import { Global, Module } from '@nestjs/common';
import { AuditService } from './audit.service';

/** Global because every module that changes state writes to the audit log. */
@Global()
@Module({ providers: [AuditService], exports: [AuditService] })
export class AuditModule {}
