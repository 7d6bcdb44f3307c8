import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '../../common/auth/roles';
import { daysBetween } from '../../common/dates';
import { formatAmount } from '../../common/money/money';
import { evaluate, Evaluation } from '../../policies/engine/evaluate';
import { aggregateFieldsOf } from '../../policies/engine/rules';
import { PoliciesService } from '../../policies/policies.service';
import { OrganizationsService } from '../../organizations/organizations.service';
import { BudgetsRepository } from '../budgets/budgets.repository';
import { normalizeMerchant } from '../budgets/earlier-lines';
import { spendFacts } from '../spend-facts';
import { BacktestAggregates, JudgedSpend, windowFor } from './backtest-aggregates';
import { SpendErrors } from '../spends.errors';
import { BacktestRequestDto, BacktestResponseDto, BacktestSampleDto } from './backtest.dto';
import { BacktestRepository, BacktestRow, DirectoryMaps } from './backtest.repository';
import { resolveInBulk } from './bulk-approvers';
import { BacktestTally, decisiveRule, Judged, outcomeOf } from './comparison';

/** The longest period one backtest replays. */
export const MAX_BACKTEST_DAYS = 366;

/**
 * Replays a draft policy (or a change to one) over a past period's submitted spends: each is
 * judged by the same pure engine twice, with the active policies and with the draft applied,
 * and the differences are counted. Runs in a read-only REPEATABLE READ transaction that is
 * rolled back: it stores nothing, audits nothing and emits no event.
 */
@Injectable()
export class PolicyBacktest {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly policies: PoliciesService,
    private readonly organizations: OrganizationsService,
    private readonly backtest: BacktestRepository,
    private readonly budgets: BudgetsRepository,
  ) {}

  /**
   * The index of the aggregate rule fields, read once: today's budgets and the counted spends of
   * every date a spend of the period can reach (its months, budget periods and rollover periods,
   * 30 days either side for the same-merchant counts). Only when a rule tests one of the fields.
   */
  private async aggregates(
    tx: EntityManager,
    organizationId: string,
    baseCurrency: string,
    period: { from: string; to: string },
  ): Promise<BacktestAggregates> {
    const budgets = await this.budgets.allActive(tx, organizationId, baseCurrency);
    const window = windowFor(budgets, period.from, period.to);
    return new BacktestAggregates(budgets, await this.backtest.counted(tx, organizationId, window, baseCurrency));
  }

  async run(actor: Actor, dto: BacktestRequestDto): Promise<BacktestResponseDto> {
    const started = performance.now();
    const draft = draftOf(dto);
    checkPeriod(dto.from, dto.to);
    const sampleSize = dto.sample_size ?? 20;
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction('REPEATABLE READ');
    try {
      const tx = runner.manager;
      await this.backtest.readOnly(tx);
      const organizationId = actor.organizationId;
      const active = await this.policies.activeSnapshots(tx, organizationId);
      const { snapshots, draftPolicyId } = await this.policies.draftSnapshots(tx, organizationId, draft, active);
      const baseCurrency = await this.organizations.baseCurrency(tx, organizationId);
      const aggregates = [...active, ...snapshots].some((p) => aggregateFieldsOf(p.rules).length > 0)
        ? await this.aggregates(tx, organizationId, baseCurrency, dto)
        : null;
      const maps = await this.backtest.directory(tx, organizationId);
      const tally = new BacktestTally();
      const sample: BacktestSampleDto[] = [];
      for await (const page of this.backtest.pages(tx, organizationId, dto)) {
        for (const row of page) {
          const facts = aggregates
            ? { ...spendFacts(row, row.submittedOn), ...aggregates.factsOf(judgedOf(row)) }
            : spendFacts(row, row.submittedOn);
          const before = evaluate(active, facts);
          const after = evaluate(snapshots, facts);
          const [was, becomes] = [judged(maps, row, before), judged(maps, row, after)];
          if (!tally.add(was, becomes, BigInt(row.baseAmountMinor)) || sample.length >= sampleSize) continue;
          const rule = decisiveRule(before, after, draftPolicyId);
          sample.push({
            spend_id: row.id,
            spend_date: row.spendDate,
            amount: `${formatAmount(BigInt(row.amountMinor), row.currency)} ${row.currency}`,
            base_amount: formatAmount(BigInt(row.baseAmountMinor), row.baseCurrency),
            from: was.outcome,
            to: becomes.outcome,
            rule_id: rule?.rule_id ?? null,
            rule_reason: rule?.rule_reason ?? null,
          });
        }
      }
      const money = (minor: bigint) => formatAmount(minor, baseCurrency);
      return {
        period: { from: dto.from, to: dto.to },
        base_currency: baseCurrency,
        spends_evaluated: tally.evaluated,
        changed: {
          count: tally.changedCount,
          amount_base: money(tally.changedAmount),
          by_transition: tally
            .byTransition()
            .map((t) => ({ from: t.from, to: t.to, count: t.count, amount_base: money(t.amount) })),
        },
        approvers_asked: tally.approversAsked(),
        sample,
        unchanged_count: tally.evaluated - tally.changedCount,
        duration_ms: Math.round(performance.now() - started),
      };
    } finally {
      // Nothing was written; the transaction only gave every page one consistent view.
      await runner.rollbackTransaction();
      await runner.release();
    }
  }
}

/** The row as the aggregate index asks for it (the merchant compared as at submission: normalizeMerchant). */
function judgedOf(row: BacktestRow): JudgedSpend {
  return { ...row, merchant: normalizeMerchant(row.merchant) };
}

function judged(maps: DirectoryMaps, row: BacktestRow, evaluation: Evaluation): Judged {
  return {
    outcome: outcomeOf(evaluation),
    approvers: resolveInBulk(maps, { ownerId: row.userId, teamId: row.teamId }, evaluation.approvals),
  };
}

function draftOf(dto: BacktestRequestDto): { policyId: string | null; rules: unknown[] } {
  if (dto.policy && dto.policy_id === undefined && dto.rules === undefined) {
    return { policyId: null, rules: dto.policy.rules };
  }
  if (!dto.policy && dto.policy_id !== undefined && dto.rules !== undefined) {
    return { policyId: dto.policy_id, rules: dto.rules };
  }
  throw SpendErrors.BACKTEST_DRAFT_INVALID(
    'Give either policy (a draft) or policy_id with rules (a change), not both',
    {
      errors: [{ field: 'policy', message: 'give either policy, or policy_id with rules' }],
    },
  );
}

function checkPeriod(from: string, to: string): void {
  const days = daysBetween(from, to);
  if (days < 0 || days >= MAX_BACKTEST_DAYS) {
    throw SpendErrors.BACKTEST_PERIOD_INVALID(
      `The period ${from} to ${to} must run forward and span at most ${MAX_BACKTEST_DAYS} days`,
      { errors: [{ field: 'to', message: `must be on or after from, at most ${MAX_BACKTEST_DAYS} days in` }] },
    );
  }
}
