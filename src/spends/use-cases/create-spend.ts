import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Approval } from '../../approvals/approval.entity';
import { AuditService } from '../../audit/audit.service';
import type { Actor } from '../../common/auth/roles';
import { CreateSpendDto } from '../dto/spend-input.dto';
import { Spend } from '../spend.entity';
import { SpendsRepository } from '../spends.repository';
import { SpendFields } from './spend-fields';
import { Submission } from './submission';

/** A spend just created, with the approval steps its submission made (none for a draft). */
export interface CreatedSpend {
  spend: Spend;
  approvals: Approval[];
}

/** `POST /spends`: one transaction from the insert to the approval steps and the outbox. */
@Injectable()
export class CreateSpend {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly spends: SpendsRepository,
    private readonly fields: SpendFields,
    private readonly submission: Submission,
    private readonly audit: AuditService,
  ) {}

  async execute(actor: Actor, dto: CreateSpendDto): Promise<CreatedSpend> {
    return this.dataSource.transaction(async (tx) => {
      const spend = Object.assign(new Spend(), {
        id: randomUUID(),
        organizationId: actor.organizationId,
        userId: actor.userId,
        status: 'draft',
        source: dto.source ?? 'manual',
        teamId: null,
        categoryId: null,
        vendorId: null,
        merchant: null,
        description: null,
        policyEvaluation: null,
        computation: null,
        systemFlags: [],
        flags: [],
        receiptCount: 0,
        receiptVerified: false,
        approvalRound: 0,
        submittedAt: null,
        decidedAt: null,
        paidAt: null,
        paidBy: null,
        paymentReference: null,
      });
      await this.fields.apply(tx, spend, dto);
      const submitted = dto.draft === true ? undefined : await this.submission.evaluate(tx, spend);
      await this.spends.insert(tx, spend);
      await this.audit.record(tx, actor, {
        action: 'spend.created',
        entityType: 'spend',
        entityId: spend.id,
        metadata: {
          amount_minor: spend.amountMinor,
          currency: spend.currency,
          spend_date: spend.spendDate,
          merchant: spend.merchant,
          draft: dto.draft === true,
        },
      });
      const approvals = submitted ? await this.submission.record(tx, actor, spend, submitted) : [];
      return { spend, approvals };
    });
  }
}
