import { Injectable, OnModuleInit } from '@nestjs/common';
import { ApprovalDecided, ApprovalEvents } from '../../approvals/approval-events';
import { AuditService } from '../../audit/audit.service';
import { OutboxService } from '../../common/outbox/outbox.service';
import { AdvancesRepository } from '../advances.repository';
import { advanceEvent } from './advance-events';

/**
 * Moves an advance when its approval chain ends: the last approval approves it, a rejection
 * rejects it. Runs inside the decision's transaction (ApprovalEvents), which also refused a
 * self-approval, a step out of order and a caller the step is not assigned to.
 */
@Injectable()
export class AdvanceApprovalOutcome implements OnModuleInit {
  constructor(
    private readonly events: ApprovalEvents,
    private readonly advances: AdvancesRepository,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  onModuleInit(): void {
    this.events.onDecided('advance', (event) => this.apply(event));
  }

  private async apply({ tx, actor, organizationId, subjectId, outcome, comment }: ApprovalDecided): Promise<string> {
    if (outcome === 'advanced') return 'requested';
    const advance = await this.advances.lockById(tx, organizationId, subjectId);
    if (!advance || advance.status !== 'requested') {
      throw new Error(
        `Approval chain of advance ${subjectId} ended while the advance is ${advance?.status ?? 'missing'}`,
      );
    }
    advance.status = outcome === 'approved' ? 'approved' : 'rejected';
    advance.decidedAt = new Date();
    await this.advances.saveOutcome(tx, advance);
    await this.audit.record(tx, actor, {
      action: `advance.${advance.status}`,
      entityType: 'advance',
      entityId: advance.id,
      metadata: { comment },
    });
    await this.outbox.enqueue(tx, organizationId, outcome === 'approved' ? 'advance.approved' : 'advance.rejected', {
      ...advanceEvent(advance),
      comment,
    });
    return advance.status;
  }
}
