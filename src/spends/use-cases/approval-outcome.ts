import { Injectable, OnModuleInit } from '@nestjs/common';
import { ApprovalDecided, ApprovalEvents } from '../../approvals/approval-events';
import { AuditService } from '../../audit/audit.service';
import { OutboxService } from '../../common/outbox/outbox.service';
import { SpendsRepository } from '../spends.repository';

/**
 * Moves a spend when its approval chain ends: the last approval approves it, a rejection
 * rejects it. Runs inside the decision's transaction (see ApprovalEvents).
 */
@Injectable()
export class ApprovalOutcome implements OnModuleInit {
  constructor(
    private readonly events: ApprovalEvents,
    private readonly spends: SpendsRepository,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  onModuleInit(): void {
    this.events.onDecided('spend', (event) => this.apply(event));
  }

  private async apply({
    tx,
    actor,
    organizationId,
    subjectId: spendId,
    outcome,
    comment,
  }: ApprovalDecided): Promise<string> {
    if (outcome === 'advanced') return 'pending_approval';
    const spend = await this.spends.lockById(tx, organizationId, spendId);
    if (!spend || spend.status !== 'pending_approval') {
      throw new Error(`Approval chain of spend ${spendId} ended while the spend is ${spend?.status ?? 'missing'}`);
    }
    if (outcome === 'approved' && spend.policyEvaluation?.awaiting_receipt) {
      // Every approver said yes, but a policy wants a receipt first: the spend stays pending
      // and is approved when a receipt arrives (see Reevaluation).
      await this.audit.record(tx, actor, {
        action: 'spend.awaiting_receipt',
        entityType: 'spend',
        entityId: spendId,
        metadata: { comment },
      });
      return spend.status;
    }
    spend.status = outcome === 'approved' ? 'approved' : 'rejected';
    spend.decidedAt = new Date();
    await this.spends.saveOutcome(tx, spend);
    await this.audit.record(tx, actor, {
      action: `spend.${spend.status}`,
      entityType: 'spend',
      entityId: spendId,
      metadata: { comment },
    });
    await this.outbox.enqueue(tx, organizationId, outcome === 'approved' ? 'spend.approved' : 'spend.rejected', {
      spend_id: spendId,
      user_id: spend.userId,
      comment,
    });
    return spend.status;
  }
}
