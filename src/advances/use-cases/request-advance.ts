import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Approval } from '../../approvals/approval.entity';
import { advanceSubject } from '../../approvals/approval-subject';
import { ApprovalsService } from '../../approvals/approvals.service';
import { AuditService } from '../../audit/audit.service';
import type { Actor } from '../../common/auth/roles';
import { todayUtc } from '../../common/dates';
import { CommonErrors } from '../../common/errors/common.errors';
import { convert, formatRate, parseAmount } from '../../common/money/money';
import { OutboxService } from '../../common/outbox/outbox.service';
import { isForeignKeyViolation } from '../../database/pg-errors';
import { ExchangeRatesService } from '../../exchange-rates/exchange-rates.service';
import { OrganizationsService } from '../../organizations/organizations.service';
import type { Advance } from '../advance';
import { AdvanceReportGate } from '../advance-report-gate';
import { AdvanceErrors } from '../advances.errors';
import { AdvancesRepository } from '../advances.repository';
import { CreateAdvanceDto } from '../dto/advance.dto';
import { advanceEvent } from './advance-events';
import { AdvancePolicy } from './advance-policy';

const MAX_BIGINT = 2n ** 63n - 1n;

export interface RequestedAdvance {
  advance: Advance;
  approvals: Approval[];
}

/**
 * `POST /advances`: the employee asks for money ahead of spending it. One transaction converts
 * the amount into the base currency at today's rate, runs the advance rules, and stores the
 * advance with its approval chain, audit entries and outbox rows. A `block` refuses the request
 * (422, nothing stored); `require_approval` rules make the chain; when no rule asks for an
 * approval the advance is approved at once, as a spend no rule objects to is.
 */
@Injectable()
export class RequestAdvance {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly advances: AdvancesRepository,
    private readonly policy: AdvancePolicy,
    private readonly approvals: ApprovalsService,
    private readonly organizations: OrganizationsService,
    private readonly rates: ExchangeRatesService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly reportGate: AdvanceReportGate,
  ) {}

  async execute(actor: Actor, dto: CreateAdvanceDto): Promise<RequestedAdvance> {
    return this.dataSource.transaction(async (tx) => {
      if (dto.needed_by !== undefined && dto.needed_by < todayUtc()) {
        throw CommonErrors.VALIDATION_FAILED(`needed_by ${dto.needed_by} is in the past`, {
          errors: [{ field: 'needed_by', message: 'cannot be in the past' }],
        });
      }
      const amountMinor = parseAmount(dto.amount, dto.currency);
      const baseCurrency = await this.organizations.baseCurrency(tx, actor.organizationId);
      const { rate } = await this.rates.rateFor(tx, actor.organizationId, dto.currency, baseCurrency, todayUtc());
      const base = convert(amountMinor, dto.currency, baseCurrency, rate);
      // A huge amount at a huge rate (many units of the currency to one of the base) would not fit bigint.
      if (base > MAX_BIGINT) {
        const message = `converted into ${baseCurrency} at ${formatRate(rate)}, it is larger than any advance Spendin accepts`;
        throw CommonErrors.VALIDATION_FAILED(`amount: ${message}`, { errors: [{ field: 'amount', message }] });
      }
      const facts = {
        organizationId: actor.organizationId,
        userId: actor.userId,
        currency: dto.currency,
        baseAmountMinor: base.toString(),
      };
      const { evaluation, chain, stored } = await this.policy.run(tx, facts);
      if (evaluation.decision === 'blocked') {
        throw AdvanceErrors.ADVANCE_BLOCKED_BY_POLICY(evaluation.block_message ?? 'A policy refuses this advance', {
          body: {
            matched_rules: evaluation.matched_rules.filter((r) => r.action.type === 'block').map((r) => r.rule_id),
          },
        });
      }
      const approved = chain.length === 0;
      const advance: Advance = {
        ...facts,
        id: randomUUID(),
        amountMinor: amountMinor.toString(),
        baseCurrency,
        exchangeRate: formatRate(rate),
        purpose: dto.purpose,
        neededBy: dto.needed_by ?? null,
        status: approved ? 'approved' : 'requested',
        policyEvaluation: stored,
        approvalRound: 1,
        decidedAt: approved ? new Date() : null,
        paidAt: null,
        paidBy: null,
        paidReference: null,
        expenseReportId: dto.expense_report_id ?? null,
        createdAt: new Date(),
        updatedAt: new Date(),
      };
      if (dto.expense_report_id) {
        const closed = await this.reportGate.closedStatus(
          tx,
          actor.organizationId,
          actor.userId,
          dto.expense_report_id,
        );
        if (closed)
          throw AdvanceErrors.ADVANCE_REPORT_CLOSED(
            `Expense report ${dto.expense_report_id} is ${closed} and takes no more advances`,
          );
      }
      // Advances cannot read expense reports (they sit below them): the foreign key on
      // (organization_id, expense_report_id, user_id) decides whether the report is the caller's own.
      await this.advances.insert(tx, advance).catch((error: unknown) => {
        if (isForeignKeyViolation(error, 'advances_expense_report_fk'))
          throw AdvanceErrors.ADVANCE_REPORT_NOT_FOUND(
            `Expense report ${dto.expense_report_id} is not one of your expense reports`,
            { errors: [{ field: 'expense_report_id', message: 'is not one of your expense reports' }] },
          );
        throw error;
      });
      await this.audit.record(tx, actor, {
        action: 'advance.requested',
        entityType: 'advance',
        entityId: advance.id,
        metadata: {
          amount_minor: advance.amountMinor,
          currency: advance.currency,
          base_amount_minor: advance.baseAmountMinor,
          base_currency: advance.baseCurrency,
          purpose: advance.purpose,
          needed_by: advance.neededBy,
          expense_report_id: advance.expenseReportId,
          status: advance.status,
          matched_rules: stored.matched_rules.map((r) => r.rule_id),
        },
      });
      if (advance.expenseReportId)
        await this.audit.record(tx, actor, {
          action: 'expense_report.advances_linked',
          entityType: 'expense_report',
          entityId: advance.expenseReportId,
          metadata: { advance_ids: [advance.id] },
        });
      const steps = approved
        ? []
        : await this.approvals.request(
            tx,
            actor,
            {
              organizationId: advance.organizationId,
              ownerId: advance.userId,
              teamId: null,
              subject: advanceSubject(advance.id),
              round: advance.approvalRound,
            },
            chain,
          );
      const event = advanceEvent(advance);
      await this.outbox.enqueue(tx, advance.organizationId, 'advance.requested', event);
      if (approved) {
        await this.audit.record(tx, actor, {
          action: 'advance.approved',
          entityType: 'advance',
          entityId: advance.id,
          metadata: { by: 'policy', comment: null },
        });
        await this.outbox.enqueue(tx, advance.organizationId, 'advance.approved', { ...event, comment: null });
      }
      return { advance, approvals: steps };
    });
  }
}
