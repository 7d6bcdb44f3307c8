import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import { CatalogService } from '../../catalog/catalog.service';
import { CATEGORIES } from '../../catalog/catalog-kind';
import type { Actor } from '../../common/auth/roles';
import { readsWholeOrganization } from '../../common/auth/roles';
import { daysBetween, todayUtc } from '../../common/dates';
import { formatAmount, MoneyError, parseAmount } from '../../common/money/money';
import { Page } from '../../common/pagination/page';
import { OrganizationsService } from '../../organizations/organizations.service';
import { Directory } from '../../users/directory';
import type { Budget, BudgetScope } from './budget';
import { BudgetResponseDto, CreateBudgetDto, UpdateBudgetDto } from './budget.dto';
import { windowOf } from './budget-facts';
import { budgetFigures } from './budget-period';
import { BudgetErrors } from './budgets.errors';
import { BudgetsRepository } from './budgets.repository';

const MAX_CUSTOM_DAYS = 731;
const PAGE = 500;

/** A budget's answer and its figures in minor units of its currency. */
export interface VisibleBudget {
  response: BudgetResponseDto;
  minor: { amount: bigint; spent: bigint; committed: bigint };
}

/**
 * Budgets: finance and admins make, change and archive them; everyone reads those that concern
 * them (see docs/budgets.md). Figures are computed from spends on every read, one statement per page.
 */
@Injectable()
export class BudgetsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly budgets: BudgetsRepository,
    private readonly organizations: OrganizationsService,
    private readonly directory: Directory,
    private readonly catalog: CatalogService,
    private readonly audit: AuditService,
  ) {}

  async create(actor: Actor, dto: CreateBudgetDto): Promise<BudgetResponseDto> {
    const budget = await this.dataSource.transaction(async (tx) => {
      const currency = await this.organizations.baseCurrency(tx, actor.organizationId);
      await this.assertScope(tx, actor.organizationId, dto.scope, dto.scope_id ?? null);
      const range = checkedPeriod(dto.period, dto.starts_on ?? null, dto.ends_on ?? null, dto.rollover ?? false);
      const created = await this.budgets.insert(tx, {
        organizationId: actor.organizationId,
        name: dto.name,
        scope: dto.scope,
        scopeId: dto.scope_id ?? null,
        period: dto.period,
        startsOn: range?.startsOn ?? null,
        endsOn: range?.endsOn ?? null,
        amountMinor: checkedAmount(dto.amount, currency),
        currency,
        countsPending: checkedCounts(dto.counts),
        rollover: dto.rollover ?? false,
        createdBy: actor.userId,
      });
      await this.audit.record(tx, actor, {
        action: 'budget.created',
        entityType: 'budget',
        entityId: created.id,
        metadata: auditOf(created),
      });
      return created;
    });
    return (await this.respond([budget], todayUtc()))[0];
  }

  async list(
    actor: Actor,
    query: { on?: string; scope?: BudgetScope; limit: number; offset: number },
  ): Promise<Page<BudgetResponseDto>> {
    const { total, items } = await this.budgets.listVisible(
      actor.organizationId,
      actor.userId,
      readsWholeOrganization(actor.role),
      query.scope ?? null,
      query,
    );
    return { total, items: await this.respond(items, query.on ?? todayUtc()), next_cursor: null };
  }

  /** Every budget the caller reads, with its figures on `on`: pages of 500, one consumption statement each. */
  /** Every budget the caller reads with its figures, and those figures in minor units (totals add those, not the text). */
  async allVisible(actor: Actor, on: string, scope: BudgetScope | null): Promise<VisibleBudget[]> {
    const all: VisibleBudget[] = [];
    for (let offset = 0; ; offset += PAGE) {
      const { items } = await this.budgets.listVisible(
        actor.organizationId,
        actor.userId,
        readsWholeOrganization(actor.role),
        scope,
        { limit: PAGE, offset },
      );
      all.push(...(await this.withFigures(items, on)));
      if (items.length < PAGE) return all;
    }
  }

  async get(actor: Actor, id: string, on?: string): Promise<BudgetResponseDto> {
    const budget = await this.visible(actor, id);
    return (await this.respond([budget], on ?? todayUtc()))[0];
  }

  async update(actor: Actor, id: string, dto: UpdateBudgetDto): Promise<BudgetResponseDto> {
    const budget = await this.dataSource.transaction(async (tx) => {
      const current = await this.budgets.findForUpdate(tx, actor.organizationId, id);
      if (!current) throw notFound(id);
      const rollover = dto.rollover ?? current.rollover;
      const range =
        dto.starts_on !== undefined || dto.ends_on !== undefined || rollover !== current.rollover
          ? checkedPeriod(current.period, dto.starts_on ?? current.startsOn, dto.ends_on ?? current.endsOn, rollover)
          : current.startsOn && current.endsOn
            ? { startsOn: current.startsOn, endsOn: current.endsOn }
            : null;
      const next: Budget = {
        ...current,
        name: dto.name ?? current.name,
        amountMinor: dto.amount === undefined ? current.amountMinor : checkedAmount(dto.amount, current.currency),
        countsPending: dto.counts === undefined ? current.countsPending : checkedCounts(dto.counts),
        rollover,
        startsOn: range?.startsOn ?? null,
        endsOn: range?.endsOn ?? null,
      };
      const updated = await this.budgets.update(tx, next);
      await this.audit.record(tx, actor, {
        action: 'budget.updated',
        entityType: 'budget',
        entityId: id,
        metadata: { before: auditOf(current), after: auditOf(updated) },
      });
      return updated;
    });
    return (await this.respond([budget], todayUtc()))[0];
  }

  /** Archives: the budget is no longer listed nor applied to rules; its audit trail stays. */
  async archive(actor: Actor, id: string): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      const current = await this.budgets.findForUpdate(tx, actor.organizationId, id);
      if (!current) throw notFound(id);
      await this.budgets.archive(tx, actor.organizationId, id);
      await this.audit.record(tx, actor, {
        action: 'budget.archived',
        entityType: 'budget',
        entityId: id,
        metadata: auditOf(current),
      });
    });
  }

  /** A budget the caller may read, else 404 (as for another organization's). */
  private async visible(actor: Actor, id: string): Promise<Budget> {
    const budget = await this.budgets.findById(actor.organizationId, id);
    if (!budget) throw notFound(id);
    if (
      !readsWholeOrganization(actor.role) &&
      !(await this.budgets.isVisibleTo(actor.organizationId, actor.userId, id))
    )
      throw notFound(id);
    return budget;
  }

  private async assertScope(tx: EntityManager, organizationId: string, scope: BudgetScope, scopeId: string | null) {
    if (scope === 'organization') {
      if (scopeId !== null) throw scopeProblem('an organization budget takes no scope_id');
      return;
    }
    if (scopeId === null) throw scopeProblem(`a ${scope} budget names its ${scope} in scope_id`);
    const exists =
      scope === 'team'
        ? await this.directory.teamExists(organizationId, scopeId, tx)
        : scope === 'category'
          ? (await this.catalog.findActive(CATEGORIES, organizationId, scopeId, tx)) !== null
          : (await this.directory.user(organizationId, scopeId, tx)) !== null;
    if (!exists) throw scopeProblem(`${scopeId} is not a ${scope} of this organization`);
  }

  /** The answers for budgets, with the figures of the period containing `on`: one consumption statement for all of them. */
  private async respond(budgets: Budget[], on: string): Promise<BudgetResponseDto[]> {
    return (await this.withFigures(budgets, on)).map((b) => b.response);
  }

  private async withFigures(budgets: Budget[], on: string): Promise<VisibleBudget[]> {
    const windows = budgets.map((b) => ({ budgetId: b.id, ...windowOf(b, on) }));
    const consumption = await this.budgets.consumption(budgets[0]?.organizationId ?? '', windows, null);
    return budgets.map((b, i) => {
      const c = consumption.get(b.id);
      const figures = budgetFigures({
        amountMinor: b.amountMinor,
        countsPending: b.countsPending,
        spentMinor: c?.spentMinor ?? 0n,
        committedMinor: c?.committedMinor ?? 0n,
        previousConsumedMinor: c?.previousMinor ?? null,
      });
      const money = (minor: bigint) => formatAmount(minor, b.currency);
      const minor = { amount: b.amountMinor, spent: figures.spentMinor, committed: figures.committedMinor };
      const response: BudgetResponseDto = {
        id: b.id,
        name: b.name,
        scope: b.scope,
        scope_id: b.scopeId,
        period: b.period,
        starts_on: b.startsOn,
        ends_on: b.endsOn,
        amount: money(b.amountMinor),
        currency: b.currency,
        counts: countsOf(b),
        rollover: b.rollover,
        on,
        period_start: windows[i].current.start,
        period_end: windows[i].current.end,
        rolled_over: money(figures.rolledOverMinor),
        spent: money(figures.spentMinor),
        committed: money(figures.committedMinor),
        remaining: money(figures.remainingMinor),
        used_pct: figures.usedPct,
        created_by: b.createdBy,
        created_at: b.createdAt.toISOString(),
        updated_at: b.updatedAt.toISOString(),
      };
      return { response, minor };
    });
  }
}

const notFound = (id: string) => BudgetErrors.BUDGET_NOT_FOUND(`Budget ${id} does not exist`);
const scopeProblem = (message: string) =>
  BudgetErrors.BUDGET_SCOPE_INVALID(`The budget's scope is invalid: ${message}`, {
    errors: [{ field: 'scope_id', message }],
  });

function checkedPeriod(
  period: Budget['period'],
  startsOn: string | null,
  endsOn: string | null,
  rollover: boolean,
): { startsOn: string; endsOn: string } | null {
  const fail = (field: string, message: string) =>
    BudgetErrors.BUDGET_PERIOD_INVALID(`The budget's period is invalid: ${message}`, { errors: [{ field, message }] });
  if (period !== 'custom') {
    if (startsOn !== null || endsOn !== null)
      throw fail('starts_on', `a ${period} budget recurs; starts_on and ends_on are for custom ones`);
    return null;
  }
  if (rollover) throw fail('rollover', 'a custom budget has one period: nothing rolls over');
  if (startsOn === null || endsOn === null) throw fail('ends_on', 'a custom budget has starts_on and ends_on');
  const days = daysBetween(startsOn, endsOn);
  if (days < 0) throw fail('ends_on', 'ends_on is before starts_on');
  if (days > MAX_CUSTOM_DAYS) throw fail('ends_on', 'a custom period lasts at most two years');
  return { startsOn, endsOn };
}

function checkedAmount(amount: string | number, currency: string): bigint {
  let minor: bigint;
  try {
    minor = parseAmount(amount, currency);
  } catch (error) {
    const message = error instanceof MoneyError ? error.message : 'must be a decimal amount';
    throw BudgetErrors.BUDGET_AMOUNT_INVALID(`amount: ${message}`, { errors: [{ field: 'amount', message }] });
  }
  if (minor <= 0n)
    throw BudgetErrors.BUDGET_AMOUNT_INVALID('amount: must be greater than 0', {
      errors: [{ field: 'amount', message: 'must be greater than 0' }],
    });
  return minor;
}

/** Whether pending spends consume the budget: the default and pending+approved+paid say yes, approved+paid no. */
function checkedCounts(counts: string[] | undefined): boolean {
  if (counts === undefined) return true;
  const set = [...new Set(counts)].sort().join(',');
  if (set === 'approved,paid,pending_approval') return true;
  if (set === 'approved,paid') return false;
  const message = 'must be [pending_approval, approved, paid] or [approved, paid]';
  throw BudgetErrors.BUDGET_COUNTS_INVALID(`counts ${message}`, { errors: [{ field: 'counts', message }] });
}

const countsOf = (b: Budget) => (b.countsPending ? ['pending_approval', 'approved', 'paid'] : ['approved', 'paid']);

function auditOf(b: Budget) {
  return {
    name: b.name,
    scope: b.scope,
    scope_id: b.scopeId,
    period: b.period,
    starts_on: b.startsOn,
    ends_on: b.endsOn,
    amount_minor: b.amountMinor.toString(),
    currency: b.currency,
    counts: countsOf(b),
    rollover: b.rollover,
  };
}
