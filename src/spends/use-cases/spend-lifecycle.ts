import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ApprovalsService } from '../../approvals/approvals.service';
import { spendSubject } from '../../approvals/approval-subject';
import { AuditService } from '../../audit/audit.service';
import type { Actor } from '../../common/auth/roles';
import { diff } from '../../common/changes';
import { OutboxService } from '../../common/outbox/outbox.service';
import { RecodeSpendDto, UpdateSpendDto } from '../dto/spend-input.dto';
import { Spend, SpendStatus } from '../spend.entity';
import { ReportLineGate } from '../report-line-gate';
import { SpendAccess } from '../spend-access';
import { SpendErrors } from '../spends.errors';
import { SpendsRepository } from '../spends.repository';
import { SpendFields } from './spend-fields';
import { Submission } from './submission';

const EDITABLE: SpendStatus[] = ['draft', 'rejected'];
const CANCELLABLE: SpendStatus[] = ['draft', 'pending_approval', 'rejected'];

/**
 * The owner edits, submits and cancels; finance recodes (paying is SpendPayment's). Each use case
 * locks the spend, checks who may act and in which status, and answers 409 for a transition its
 * status does not allow.
 */
@Injectable()
export class SpendLifecycle {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly spends: SpendsRepository,
    private readonly access: SpendAccess,
    private readonly fields: SpendFields,
    private readonly submission: Submission,
    private readonly approvals: ApprovalsService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly reportLines: ReportLineGate,
  ) {}

  async edit(actor: Actor, id: string, dto: UpdateSpendDto): Promise<Spend> {
    return this.asOwner(actor, id, async (tx, spend) => {
      if (!EDITABLE.includes(spend.status))
        throw SpendErrors.SPEND_NOT_EDITABLE(
          `A spend is editable while draft or rejected; this one is ${spend.status}`,
        );
      const reportStatus =
        spend.expenseReportId && (await this.reportLines.closedStatus(tx, spend.organizationId, spend.expenseReportId));
      if (reportStatus)
        throw SpendErrors.SPEND_IN_EXPENSE_REPORT(
          `This spend is a line of expense report ${spend.expenseReportId}, which is ${reportStatus}: a decided report's lines no longer change`,
        );
      const before = { ...spend };
      await this.fields.apply(tx, spend, dto);
      await this.spends.saveFields(tx, spend);
      const changes = diff(before, spend, [
        'amountMinor',
        'currency',
        'spendDate',
        'categoryId',
        'vendorId',
        'merchant',
        'description',
        'teamId',
        'source',
        'baseAmountMinor',
      ]);
      await this.audit.record(tx, actor, {
        action: 'spend.updated',
        entityType: 'spend',
        entityId: id,
        metadata: { changes },
      });
      return spend;
    });
  }

  /**
   * Finance, admin and the accountant (enforced on the route) correct the category and vendor
   * the books use, in any status. Policies are not run again: the approvals stay as decided.
   */
  async recode(actor: Actor, id: string, dto: RecodeSpendDto): Promise<Spend> {
    await this.assertVisible(actor, id);
    return this.dataSource.transaction(async (tx) => {
      const spend = await this.lock(tx, actor, id);
      const before = { ...spend };
      await this.fields.applyCoding(tx, spend, dto);
      const changes = diff(before, spend, ['categoryId', 'vendorId']);
      if (Object.keys(changes).length === 0) return spend;
      await this.spends.saveCoding(tx, spend);
      await this.audit.record(tx, actor, {
        action: 'spend.recoded',
        entityType: 'spend',
        entityId: id,
        metadata: { changes, status: spend.status },
      });
      return spend;
    });
  }

  async submit(actor: Actor, id: string): Promise<Spend> {
    return this.asOwner(actor, id, async (tx, spend) => {
      inNoReport(spend, 'submitted');
      if (!EDITABLE.includes(spend.status))
        throw SpendErrors.SPEND_NOT_SUBMITTABLE(
          `Drafts and rejected spends can be submitted; this one is ${spend.status}`,
        );
      // The rate of the day may have been added or corrected since the draft was saved.
      await this.fields.convert(tx, spend);
      await this.submission.submit(tx, actor, spend);
      return spend;
    });
  }

  async cancel(actor: Actor, id: string): Promise<Spend> {
    return this.asOwner(actor, id, async (tx, spend) => {
      inNoReport(spend, 'withdrawn');
      if (!CANCELLABLE.includes(spend.status))
        throw SpendErrors.SPEND_NOT_CANCELLABLE(`A ${spend.status} spend can no longer be withdrawn`);
      const from = spend.status;
      spend.status = 'cancelled';
      spend.decidedAt = new Date();
      await this.approvals.cancelOpen(tx, spend.organizationId, spendSubject(spend.id));
      await this.spends.saveOutcome(tx, spend);
      await this.audit.record(tx, actor, {
        action: 'spend.cancelled',
        entityType: 'spend',
        entityId: id,
        metadata: { from },
      });
      await this.outbox.enqueue(tx, spend.organizationId, 'spend.cancelled', {
        spend_id: spend.id,
        user_id: spend.userId,
      });
      return spend;
    });
  }

  private async asOwner(
    actor: Actor,
    id: string,
    work: (tx: EntityManager, spend: Spend) => Promise<Spend>,
  ): Promise<Spend> {
    await this.assertVisible(actor, id);
    return this.dataSource.transaction(async (tx) => {
      const spend = await this.lock(tx, actor, id);
      if (spend.userId !== actor.userId) throw SpendErrors.NOT_SPEND_OWNER("Only the spend's owner may do this");
      return work(tx, spend);
    });
  }

  /**
   * Who may see the spend is settled before the transaction opens, so that the transaction
   * never waits for a second pool connection. Not visible is 404, whether it exists or not.
   */
  private async assertVisible(actor: Actor, id: string): Promise<void> {
    if (!(await this.spends.findVisible(actor.organizationId, await this.access.scopeFor(actor), id))) {
      throw SpendErrors.SPEND_NOT_FOUND(`Spend ${id} does not exist`);
    }
  }

  private async lock(tx: EntityManager, actor: Actor, id: string): Promise<Spend> {
    const spend = await this.spends.lockById(tx, actor.organizationId, id);
    if (!spend) throw SpendErrors.SPEND_NOT_FOUND(`Spend ${id} does not exist`);
    return spend;
  }
}

/** A line of an expense report moves with its report (submitted, recalled, decided, paid), never alone. */
function inNoReport(spend: Spend, verb: string): void {
  if (spend.expenseReportId)
    throw SpendErrors.SPEND_IN_EXPENSE_REPORT(
      `This spend is a line of expense report ${spend.expenseReportId}; it is ${verb} with its report (or removed from it first)`,
    );
}
