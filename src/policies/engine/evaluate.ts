import {
  Action,
  AGGREGATE_FIELDS,
  Approver,
  Condition,
  Field,
  FIELDS,
  Operator,
  parseKey,
  Rule,
  RuleSubject,
} from './rules';

/**
 * Runs an organization's active rules over the facts of one spend. Pure and deterministic:
 * the same rules and facts always give the same evaluation, which is stored with the spend.
 */

/** What rules can test about a spend. `amount` is in the organization's base currency. */
export interface SpendFacts {
  amount: number;
  currency: string;
  category: string | null;
  category_id: string | null;
  vendor_id: string | null;
  team_id: string | null;
  user_id: string;
  merchant: string | null;
  description: string | null;
  user_role: string;
  source: string;
  has_receipt: boolean;
  receipt_verified: boolean;
  weekday: string;
  days_since_spend: number;
  /** A mileage spend's distance in km (miles converted); 0 for every other spend. */
  distance: number;
  /** A per diem spend's number of days (full and partial); 0 for every other spend. */
  per_diem_days: number;
  /**
   * Set only while a spend is evaluated as a line of an expense report: the report's total in
   * the base currency, its days (starts_on to ends_on, both counted) and its number of lines.
   * Absent for a spend on its own, where a comparison with them never holds (only `ne` and
   * `not_in` do, as for any absent value).
   */
  report_total?: number;
  report_days?: number;
  report_spend_count?: number;
  /**
   * Computed from the organization's other spends and budgets, only when an active policy tests
   * one of them (AGGREGATE_FIELDS). Money in major units of the base currency, like `amount`;
   * this spend is counted in. Absent when they do not apply (no category, no team, no merchant,
   * no budget), where a comparison never holds (only `ne` and `not_in` do).
   */
  user_category_total_day?: number;
  user_category_total_month?: number;
  team_total_period?: number;
  budget_remaining?: number;
  budget_used_pct?: number;
  same_merchant_count_7d?: number;
  same_merchant_count_30d?: number;
  flags: string[];
}

/** What advance rules test about a cash advance. `advance_amount` is in minor units of the base currency. */
export interface AdvanceFacts {
  advance_amount: number;
  currency: string;
  user_id: string;
  user_role: string;
}

/** The facts of either subject; a rule only ever reads its own subject's fields (checked when it is saved). */
export type Facts = SpendFacts | AdvanceFacts;

/** One version of one policy, as stored when it was saved. */
export interface PolicySnapshot {
  policyId: string;
  policyVersion: number;
  rules: Rule[];
}

export interface MatchedRule {
  policy_id: string;
  policy_version: number;
  rule_id: string;
  priority: number;
  action: Action;
  /** Why the condition held, with the spend's own values: `amount 650.00 > 500 and category eq "Travel"`. */
  reason: string;
  /** Set when a rule matched but its action gave way to another (a higher auto_approve). */
  overridden_by?: string;
}

export interface ApprovalRequirement {
  approver: Approver;
  policy_id: string;
  rule_id: string;
  priority: number;
}

export interface Evaluation {
  decision: 'approved' | 'pending_approval' | 'blocked';
  matched_rules: MatchedRule[];
  /** The approval chain, in order. Approvers are resolved to people by the caller. */
  approvals: ApprovalRequirement[];
  flags: string[];
  /** A require_receipt rule matched and the spend has no receipt yet. */
  awaiting_receipt: boolean;
  block_message: string | null;
}

/**
 * Rules run by priority (lower first; ties keep policy and rule order). A block wins over
 * everything. An auto_approve drops the approvals of rules with a larger priority number
 * than its own. Every other matched require_approval adds a step, in priority order, once
 * per distinct approver. Flags are collected; require_receipt without a receipt adds the
 * `missing_receipt` flag and keeps the spend pending until one arrives.
 */
export function evaluate(policies: PolicySnapshot[], facts: SpendFacts): Evaluation;
export function evaluate(policies: PolicySnapshot[], facts: AdvanceFacts, subject: 'advance'): Evaluation;
export function evaluate(policies: PolicySnapshot[], facts: Facts, subject: RuleSubject = 'spend'): Evaluation {
  const ordered = policies
    .flatMap((policy, policyIndex) =>
      policy.rules.map((rule, ruleIndex) => ({ policy, rule, order: policyIndex * 10_000 + ruleIndex })),
    )
    // Only the rules of the subject judged: a spend rule never fires on an advance, nor the reverse.
    .filter(({ rule }) => (rule.subject ?? 'spend') === subject)
    .sort((a, b) => a.rule.priority - b.rule.priority || a.order - b.order);

  const matched: MatchedRule[] = [];
  const flags = new Set<string>('flags' in facts ? facts.flags : []);
  const approvals: ApprovalRequirement[] = [];
  let blockMessage: string | null = null;
  let autoApprovedAt: { priority: number; ruleId: string } | null = null;
  let awaitingReceipt = false;

  for (const { policy, rule } of ordered) {
    if (!holds(rule.condition, facts)) continue;
    const match: MatchedRule = {
      policy_id: policy.policyId,
      policy_version: policy.policyVersion,
      rule_id: rule.id,
      priority: rule.priority,
      action: rule.action,
      reason: explain(rule.condition, facts),
    };
    matched.push(match);
    switch (rule.action.type) {
      case 'block':
        blockMessage ??= rule.action.message;
        break;
      case 'flag':
        flags.add(rule.action.flag);
        break;
      case 'require_receipt':
        if (!('has_receipt' in facts && facts.has_receipt)) {
          awaitingReceipt = true;
          flags.add('missing_receipt');
        }
        break;
      case 'auto_approve':
        autoApprovedAt ??= { priority: rule.priority, ruleId: rule.id };
        break;
      case 'require_approval': {
        if (autoApprovedAt && rule.priority > autoApprovedAt.priority) {
          match.overridden_by = autoApprovedAt.ruleId;
          break;
        }
        const approver = rule.action.approver;
        if (!approvals.some((a) => a.approver === approver)) {
          approvals.push({ approver, policy_id: policy.policyId, rule_id: rule.id, priority: rule.priority });
        }
        break;
      }
    }
  }

  const decision =
    blockMessage !== null ? 'blocked' : approvals.length > 0 || awaitingReceipt ? 'pending_approval' : 'approved';
  return {
    decision,
    matched_rules: matched,
    approvals: decision === 'blocked' ? [] : approvals,
    flags: [...flags].sort(),
    awaiting_receipt: awaitingReceipt,
    block_message: blockMessage,
  };
}

export function holds(condition: Condition, facts: Facts): boolean {
  return Object.entries(condition).every(([key, value]) => {
    if (key === 'all') return (value as Condition[]).every((c) => holds(c, facts));
    if (key === 'any') return (value as Condition[]).some((c) => holds(c, facts));
    if (key === 'not') return !holds(value as Condition, facts);
    const parsed = parseKey(key);
    if (!parsed) throw new Error(`Unvalidated condition key ${key}`);
    return compare(parsed.field, parsed.operator, factOf(facts, parsed.field), value);
  });
}

function compare(field: Field, operator: Operator, actual: unknown, expected: unknown): boolean {
  if (FIELDS[field] === 'list') {
    const list = (actual as string[]).map(lower);
    if (operator === 'contains') return list.includes(lower(expected));
    const any = (expected as unknown[]).some((v) => list.includes(lower(v)));
    return operator === 'in' ? any : !any;
  }
  if (actual === null || actual === undefined) return operator === 'ne' || operator === 'not_in';
  const a = normalize(actual);
  switch (operator) {
    case 'eq':
      return a === normalize(expected);
    case 'ne':
      return a !== normalize(expected);
    case 'gt':
      return (a as number) > (expected as number);
    case 'gte':
      return (a as number) >= (expected as number);
    case 'lt':
      return (a as number) < (expected as number);
    case 'lte':
      return (a as number) <= (expected as number);
    case 'in':
      return (expected as unknown[]).map(normalize).includes(a);
    case 'not_in':
      return !(expected as unknown[]).map(normalize).includes(a);
    case 'contains':
      return String(a).includes(String(normalize(expected)));
  }
}

/** A fact the subject does not have (a spend field on an advance) reads as absent. */
function factOf(facts: Facts, field: Field): unknown {
  return (facts as unknown as Record<string, unknown>)[field];
}

/** Text compares case-insensitively; numbers and booleans as they are. */
const normalize = (value: unknown) => (typeof value === 'string' ? value.toLowerCase() : value);
const lower = (value: unknown) => String(value).toLowerCase();

const SYMBOLS: Record<Operator, string> = {
  eq: '=',
  ne: '≠',
  gt: '>',
  gte: '≥',
  lt: '<',
  lte: '≤',
  in: 'in',
  not_in: 'not in',
  contains: 'contains',
};

/**
 * Explains why a condition holds, naming the spend's own values. An aggregate field's value is
 * left out (the condition alone is stated): it is made of other people's spends or of a budget
 * the spend's owner may not read, and the reason is stored on the owner's spend.
 */
export function explain(condition: Condition, facts: Facts): string {
  const parts = Object.entries(condition).map(([key, value]) => {
    if (key === 'all') return (value as Condition[]).map((c) => explain(c, facts)).join(' and ');
    if (key === 'any') {
      const first = (value as Condition[]).find((c) => holds(c, facts));
      return first ? explain(first, facts) : 'none of the alternatives';
    }
    if (key === 'not') return `not (${describe(value as Condition)})`;
    const { field, operator } = parseKey(key)!;
    if (HIDDEN.has(field)) return `${field} ${SYMBOLS[operator]} ${show(value)}`;
    return `${field} ${show(factOf(facts, field))} ${SYMBOLS[operator]} ${show(value)}`;
  });
  return parts.join(' and ');
}

const HIDDEN: ReadonlySet<Field> = new Set<Field>(AGGREGATE_FIELDS);

/** The condition itself, without values (for `not`, where the spend's values explain nothing). */
function describe(condition: Condition): string {
  return Object.entries(condition)
    .map(([key, value]) => {
      if (key === 'all') return (value as Condition[]).map(describe).join(' and ');
      if (key === 'any') return (value as Condition[]).map(describe).join(' or ');
      if (key === 'not') return `not (${describe(value as Condition)})`;
      const { field, operator } = parseKey(key)!;
      return `${field} ${SYMBOLS[operator]} ${show(value)}`;
    })
    .join(' and ');
}

function show(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(show).join(', ')}]`;
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}
