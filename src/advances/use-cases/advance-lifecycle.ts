import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { advanceSubject } from '../../approvals/approval-subject';
import { ApprovalsService } from '../../approvals/approvals.service';
import { AuditService } from '../../audit/audit.service';
import type { Actor } from '../../common/auth/roles';
import { OutboxService } from '../../common/outbox/outbox.service';
import type { Advance } from '../advance';
import { AdvanceAccess } from '../advance-access';
import { AdvanceReportGate } from '../advance-report-gate';
import { AdvanceErrors } from '../advances.errors';
import { AdvancesRepository } from '../advances.repository';
import { PayAdvanceDto } from '../dto/advance.dto';
import { advanceEvent } from './advance-events';

/**
 * The owner withdraws a requested advance; finance pays an approved one out, exactly once.
 * Each use case locks the advance and answers 409 for a transition its status does not allow.
 */
@Injectable()
export class AdvanceLifecycle {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly advances: AdvancesRepository,
    private readonly access: AdvanceAccess,
    private readonly approvals: ApprovalsService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly reportGate: AdvanceReportGate,
  ) {}

  async cancel(actor: Actor, id: string): Promise<Advance> {
    await this.assertVisible(actor, id);
    return this.dataSource.transaction(async (tx) => {
      const advance = await this.lock(tx, actor, id);
      if (advance.userId !== actor.userId)
        throw AdvanceErrors.NOT_ADVANCE_OWNER("Only the advance's owner may withdraw it");
      if (advance.status !== 'requested')
        throw AdvanceErrors.ADVANCE_NOT_CANCELLABLE(
          `An advance can be withdrawn while requested; this one is ${advance.status}`,
        );
      advance.status = 'cancelled';
      advance.decidedAt = new Date();
      await this.approvals.cancelOpen(tx, advance.organizationId, advanceSubject(advance.id));
      await this.advances.saveOutcome(tx, advance);
      await this.audit.record(tx, actor, {
        action: 'advance.cancelled',
        entityType: 'advance',
        entityId: id,
        metadata: { from: 'requested' },
      });
      await this.outbox.enqueue(tx, advance.organizationId, 'advance.cancelled', advanceEvent(advance));
      return advance;
    });
  }

  /**
   * Finance and admin (enforced on the route); never one's own advance, nor one whose expense
   * report is decided: the report's payout was worked out without it, so paying it now would
   * reimburse the same money twice. The linked report is locked before the advance, as linking
   * and payouts lock them, so that neither can slip between the check and the payment.
   */
  async pay(actor: Actor, id: string, dto: PayAdvanceDto): Promise<Advance> {
    const visible = await this.assertVisible(actor, id);
    return this.dataSource.transaction(async (tx) => {
      const reportId = visible.expenseReportId;
      const closed = reportId
        ? await this.reportGate.closedStatus(tx, actor.organizationId, visible.userId, reportId)
        : null;
      const advance = await this.lock(tx, actor, id);
      if (advance.expenseReportId !== reportId)
        throw AdvanceErrors.ADVANCE_NOT_PAYABLE('The advance was moved to another expense report meanwhile; try again');
      if (closed)
        throw AdvanceErrors.ADVANCE_REPORT_CLOSED(
          `The advance is linked to expense report ${reportId}, which is ${closed}: its reimbursement no longer offsets advances, so the advance is not paid out`,
        );
      if (advance.userId === actor.userId)
        throw AdvanceErrors.ADVANCE_SELF_PAYMENT_FORBIDDEN(
          'Nobody pays out their own advance; ask another finance user',
        );
      if (advance.status === 'paid')
        throw AdvanceErrors.ADVANCE_ALREADY_PAID(
          `This advance was paid on ${advance.paidAt!.toISOString()} with reference ${advance.paidReference}`,
        );
      if (advance.status !== 'approved')
        throw AdvanceErrors.ADVANCE_NOT_PAYABLE(`Only approved advances can be paid; this one is ${advance.status}`);
      advance.status = 'paid';
      advance.paidAt = dto.paid_at ? new Date(dto.paid_at) : new Date();
      advance.paidBy = actor.userId;
      advance.paidReference = dto.reference;
      await this.advances.savePayment(tx, advance);
      await this.audit.record(tx, actor, {
        action: 'advance.paid',
        entityType: 'advance',
        entityId: id,
        metadata: {
          paid_at: advance.paidAt.toISOString(),
          reference: advance.paidReference,
          amount_minor: advance.amountMinor,
          currency: advance.currency,
        },
      });
      await this.outbox.enqueue(tx, advance.organizationId, 'advance.paid', {
        ...advanceEvent(advance),
        reference: dto.reference,
      });
      return advance;
    });
  }

  /** Visibility is settled before the transaction opens; not visible is 404, whether it exists or not. */
  private async assertVisible(actor: Actor, id: string): Promise<Advance> {
    const advance = await this.advances.findVisible(actor.organizationId, await this.access.scopeFor(actor), id);
    if (!advance) throw AdvanceErrors.ADVANCE_NOT_FOUND(`Advance ${id} does not exist`);
    return advance;
  }

  private async lock(tx: EntityManager, actor: Actor, id: string): Promise<Advance> {
    const advance = await this.advances.lockById(tx, actor.organizationId, id);
    if (!advance) throw AdvanceErrors.ADVANCE_NOT_FOUND(`Advance ${id} does not exist`);
    return advance;
  }
}
