/**
 * The policy rule language: its fields, operators, actions and types, and how a test's key is
 * parsed. Its save-time validation is rule-validation.ts. Pure.
 */

export const OPERATORS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'not_in', 'contains'] as const;
export type Operator = (typeof OPERATORS)[number];

export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export const SOURCES = ['manual', 'ocr', 'import', 'card', 'mileage', 'per_diem'] as const;
export const USER_ROLES = ['employee', 'manager', 'finance', 'admin'] as const;

export type FieldKind = 'number' | 'string' | 'id' | 'boolean' | 'list';

/**
 * What a rule judges: a spend (the default, and every rule written before advances existed) or
 * a cash advance. A rule is evaluated for its own subject only, so a spend rule never fires on an
 * advance and the reverse; each subject tests its own fields.
 */
export const RULE_SUBJECTS = ['spend', 'advance'] as const;
export type RuleSubject = (typeof RULE_SUBJECTS)[number];

/** Every field a condition may test, with its kind (which decides the operators it takes). */
export const FIELDS = {
  amount: 'number',
  days_since_spend: 'number',
  distance: 'number',
  per_diem_days: 'number',
  report_total: 'number',
  report_days: 'number',
  report_spend_count: 'number',
  user_category_total_day: 'number',
  user_category_total_month: 'number',
  team_total_period: 'number',
  budget_remaining: 'number',
  budget_used_pct: 'number',
  same_merchant_count_7d: 'number',
  same_merchant_count_30d: 'number',
  currency: 'string',
  category: 'string',
  merchant: 'string',
  description: 'string',
  user_role: 'string',
  source: 'string',
  weekday: 'string',
  category_id: 'id',
  vendor_id: 'id',
  team_id: 'id',
  user_id: 'id',
  has_receipt: 'boolean',
  receipt_verified: 'boolean',
  flags: 'list',
  advance_amount: 'number',
} as const satisfies Record<string, FieldKind>;
export type Field = keyof typeof FIELDS;

/** The fields an advance rule tests: `advance_amount` is in minor units of the base currency. */
export const ADVANCE_FIELDS: readonly Field[] = ['advance_amount', 'currency', 'user_id', 'user_role'];
/** The fields a spend rule tests: every field but the advance's. */
export const SPEND_FIELDS: readonly Field[] = (Object.keys(FIELDS) as Field[]).filter((f) => f !== 'advance_amount');
/**
 * The spend fields computed from other spends (and budgets) inside the evaluation's transaction.
 * They cost queries and locks, so they are computed only when an active policy tests one of them.
 */
export const AGGREGATE_FIELDS = [
  'user_category_total_day',
  'user_category_total_month',
  'team_total_period',
  'budget_remaining',
  'budget_used_pct',
  'same_merchant_count_7d',
  'same_merchant_count_30d',
] as const satisfies readonly Field[];
export type AggregateField = (typeof AGGREGATE_FIELDS)[number];

/** The aggregate fields the rules' conditions test (rules are validated: every key parses). */
export function aggregateFieldsOf(rules: readonly Rule[]): AggregateField[] {
  const found = new Set<AggregateField>();
  const visit = (condition: unknown): void => {
    if (typeof condition !== 'object' || condition === null) return;
    for (const [key, value] of Object.entries(condition)) {
      if (key === 'all' || key === 'any') (value as unknown[]).forEach(visit);
      else if (key === 'not') visit(value);
      else {
        const field = parseKey(key)?.field;
        if (field && (AGGREGATE_FIELDS as readonly string[]).includes(field)) found.add(field as AggregateField);
      }
    }
  };
  for (const rule of rules) visit(rule.condition);
  return AGGREGATE_FIELDS.filter((f) => found.has(f));
}

export const FIELDS_OF: Record<RuleSubject, readonly Field[]> = { spend: SPEND_FIELDS, advance: ADVANCE_FIELDS };
/** An advance is approved, sent for approval or blocked; it carries no flags and no receipt. */
export const ACTIONS_OF: Record<RuleSubject, readonly Action['type'][]> = {
  spend: ['require_approval', 'auto_approve', 'block', 'flag', 'require_receipt'],
  advance: ['require_approval', 'auto_approve', 'block'],
};

export const OPERATORS_BY_KIND: Record<FieldKind, readonly Operator[]> = {
  number: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'not_in'],
  string: ['eq', 'ne', 'in', 'not_in', 'contains'],
  id: ['eq', 'ne', 'in', 'not_in'],
  boolean: ['eq', 'ne'],
  list: ['contains', 'in', 'not_in'],
};

/** Closed value sets, checked at save time. */
export const ALLOWED_VALUES: Partial<Record<Field, readonly string[]>> = {
  user_role: USER_ROLES,
  source: SOURCES,
  weekday: WEEKDAYS,
};

export type Comparison = { field: Field; operator: Operator; value: unknown };
export type Condition =
  { all: Condition[] } | { any: Condition[] } | { not: Condition } | { [fieldOperator: string]: unknown };

export type Approver = 'manager' | 'finance' | 'admin' | 'team_lead' | `user:${string}`;
export type Action =
  | { type: 'require_approval'; approver: Approver }
  | { type: 'auto_approve' }
  | { type: 'block'; message: string }
  | { type: 'flag'; flag: string }
  | { type: 'require_receipt' };

export interface Rule {
  id: string;
  /** Absent on spend rules (stored as they always were); `advance` on advance rules. */
  subject?: RuleSubject;
  priority: number;
  condition: Condition;
  action: Action;
  description?: string;
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const RULE_ID = /^[A-Za-z0-9_.-]{1,64}$/;
export const FLAG = /^[a-z][a-z0-9_]{0,49}$/;
export const MAX_RULES = 100;
/** Longest first, so that `not_in` is tried before `in`. */
const OPERATORS_LONGEST_FIRST = [...OPERATORS].sort((a, b) => b.length - a.length);
/**
 * Parsed keys, by key: the engine parses every test of every rule for every spend it judges (a
 * backtest of 100,000 spends spent a third of its time here). Bounded: only keys of the first
 * `MAX_PARSED_KEYS` distinct tests are kept, which is more than any organization's rules hold, and none longer than 64 characters.
 */
const PARSED_KEYS = new Map<string, { field: Field; operator: Operator } | null>();
const MAX_PARSED_KEYS = 10_000;

/** Splits `category_id_not_in` into field `category_id` and operator `not_in`. */
export function parseKey(key: string): { field: Field; operator: Operator } | null {
  const known = PARSED_KEYS.get(key);
  if (known !== undefined) return known;
  let parsed: { field: Field; operator: Operator } | null = null;
  for (const operator of OPERATORS_LONGEST_FIRST) {
    if (key.endsWith(`_${operator}`)) {
      const field = key.slice(0, -(operator.length + 1));
      if (field in FIELDS) {
        parsed = { field: field as Field, operator };
        break;
      }
    }
  }
  // Never a client's long junk (a refused policy's keys): a real key is a field and an operator.
  if (key.length <= 64 && PARSED_KEYS.size < MAX_PARSED_KEYS) PARSED_KEYS.set(key, parsed);
  return parsed;
}
