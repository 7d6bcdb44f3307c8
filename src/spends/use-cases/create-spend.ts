import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import type { Actor } from '../../common/auth/roles';
import { CreateSpendDto } from '../dto/spend-input.dto';
import { Spend } from '../spend.entity';
import { SpendFields } from './spend-fields';
import { Submission } from './submission';

/** `POST /spends`: one transaction from the insert to the approval steps and the outbox. */
@Injectable()
export class CreateSpend {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly fields: SpendFields,
    private readonly submission: Submission,
    private readonly audit: AuditService,
  ) {}

  async execute(actor: Actor, dto: CreateSpendDto): Promise<Spend> {
    return this.dataSource.transaction(async (tx) => {
      const spend = tx.create(Spend, {
        organizationId: actor.organizationId,
        userId: actor.userId,
        status: 'draft',
        source: dto.source ?? 'manual',
        teamId: null, categoryId: null, vendorId: null, merchant: null, description: null,
        systemFlags: [], flags: [], receiptCount: 0, receiptVerified: false, approvalRound: 0,
      });
      await this.fields.apply(tx, spend, dto);
      await tx.save(spend);
      await this.audit.record(tx, actor, {
        action: 'spend.created', entityType: 'spend', entityId: spend.id,
        metadata: { amount_minor: spend.amountMinor, currency: spend.currency, spend_date: spend.spendDate, merchant: spend.merchant, draft: dto.draft === true },
      });
      if (dto.draft !== true) await this.submission.submit(tx, actor, spend);
      return spend;
    });
  }
}
