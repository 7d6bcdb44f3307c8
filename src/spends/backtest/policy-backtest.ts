import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor } from '../../common/auth/roles';
import { daysBetween } from '../../common/dates';
import { formatAmount } from '../../common/money/money';
import { evaluate, Evaluation, PolicySnapshot } from '../../policies/engine/evaluate';
import { aggregateFieldsOf } from '../../policies/engine/rules';
import { PoliciesService } from '../../policies/policies.service';
import { OrganizationsService } from '../../organizations/organizations.service';
import { spendFacts } from '../spend-facts';
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
  ) {}

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
      refuseAggregateFields([...active, ...snapshots]);
      const baseCurrency = await this.organizations.baseCurrency(tx, organizationId);
      const maps = await this.backtest.directory(tx, organizationId);
      const tally = new BacktestTally();
      const sample: BacktestSampleDto[] = [];
      for await (const page of this.backtest.pages(tx, organizationId, dto)) {
        for (const row of page) {
          const facts = spendFacts(row, row.submittedOn);
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

/**
 * The aggregate fields (budget_remaining, user_category_total_day, …) depend on which other spends
 * were counted at each submission, which the backtest does not replay: rules testing them, in the
 * draft or in an active policy, are refused rather than judged on facts that would be wrong.
 */
function refuseAggregateFields(snapshots: PolicySnapshot[]): void {
  for (const snapshot of snapshots) {
    const fields = aggregateFieldsOf(snapshot.rules);
    if (fields.length > 0)
      throw SpendErrors.BACKTEST_AGGREGATE_FIELDS(
        `Policy ${snapshot.policyId} tests ${fields.join(', ')}, which a backtest does not compute; try the rule with POST /policies/simulate`,
        { errors: [{ field: 'rules', message: `tests ${fields.join(', ')}` }] },
      );
  }
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
