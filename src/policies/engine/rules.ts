/**
 * The policy rule language: types, and the validation that runs when a policy is saved, so that
 * an unknown field or operator is a 422 then and never a surprise at evaluation. Pure.
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

export interface RuleProblem {
  /** Where in the submitted policy, e.g. `rules[0].condition.any[1].amount_gtt`. */
  path: string;
  message: string;
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const RULE_ID = /^[A-Za-z0-9_.-]{1,64}$/;
export const FLAG = /^[a-z][a-z0-9_]{0,49}$/;
export const MAX_RULES = 100;
const MAX_DEPTH = 8;
const MAX_NODES = 200;

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

/** Validates raw rules; answers the normalized rules (ids assigned) or every problem found. */
export function validateRules(raw: unknown): { rules: Rule[]; problems: RuleProblem[] } {
  const problems: RuleProblem[] = [];
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > MAX_RULES) {
    return { rules: [], problems: [{ path: 'rules', message: `must be an array of 1 to ${MAX_RULES} rules` }] };
  }
  const seenIds = new Set<string>();
  const rules = raw.map((input, index): Rule => {
    const path = `rules[${index}]`;
    if (!isObject(input)) {
      problems.push({ path, message: 'must be an object with condition, action and priority' });
      return { id: `rule-${index + 1}`, priority: 0, condition: {}, action: { type: 'auto_approve' } };
    }
    for (const key of Object.keys(input)) {
      if (!['id', 'subject', 'priority', 'condition', 'action', 'description'].includes(key))
        problems.push({ path: `${path}.${key}`, message: 'is not a rule property' });
    }
    const id = input.id === undefined ? `rule-${index + 1}` : input.id;
    if (typeof id !== 'string' || !RULE_ID.test(id))
      problems.push({ path: `${path}.id`, message: 'must be 1-64 letters, digits, . _ or -' });
    else if (seenIds.has(id)) problems.push({ path: `${path}.id`, message: `duplicates another rule's id "${id}"` });
    seenIds.add(String(id));
    const priority = input.priority ?? 100;
    if (!Number.isInteger(priority) || (priority as number) < 0 || (priority as number) > 10_000) {
      problems.push({ path: `${path}.priority`, message: 'must be an integer from 0 to 10000 (lower runs first)' });
    }
    if (input.description !== undefined && (typeof input.description !== 'string' || input.description.length > 500)) {
      problems.push({ path: `${path}.description`, message: 'must be a string of at most 500 characters' });
    }
    const subject = input.subject ?? 'spend';
    if (!RULE_SUBJECTS.includes(subject as RuleSubject)) {
      problems.push({ path: `${path}.subject`, message: `must be one of ${RULE_SUBJECTS.join(', ')}` });
    }
    const judged: RuleSubject = subject === 'advance' ? 'advance' : 'spend';
    const counter = { nodes: 0 };
    validateCondition(input.condition, `${path}.condition`, 0, counter, problems, judged);
    validateAction(input.action, `${path}.action`, problems, judged);
    return {
      id: String(id),
      ...(judged === 'advance' ? { subject: judged } : {}),
      priority: priority as number,
      condition: input.condition as Condition,
      action: input.action as Action,
      ...(typeof input.description === 'string' ? { description: input.description } : {}),
    };
  });
  return { rules, problems };
}

function validateCondition(
  condition: unknown,
  path: string,
  depth: number,
  counter: { nodes: number },
  problems: RuleProblem[],
  subject: RuleSubject,
): void {
  counter.nodes += 1;
  if (depth > MAX_DEPTH || counter.nodes > MAX_NODES) {
    if (counter.nodes === MAX_NODES + 1 || depth === MAX_DEPTH + 1)
      problems.push({ path, message: `conditions nest ${MAX_DEPTH} deep and hold ${MAX_NODES} tests at most` });
    return;
  }
  if (!isObject(condition) || Object.keys(condition).length === 0) {
    problems.push({ path, message: 'must be an object of field_operator: value tests, or all / any / not' });
    return;
  }
  for (const [key, value] of Object.entries(condition)) {
    const at = `${path}.${key}`;
    if (key === 'all' || key === 'any') {
      if (!Array.isArray(value) || value.length === 0)
        problems.push({ path: at, message: 'must be a non-empty array of conditions' });
      else value.forEach((child, i) => validateCondition(child, `${at}[${i}]`, depth + 1, counter, problems, subject));
      continue;
    }
    if (key === 'not') {
      validateCondition(value, at, depth + 1, counter, problems, subject);
      continue;
    }
    const parsed = parseKey(key);
    if (!parsed) {
      problems.push({ path: at, message: unknownKeyMessage(key) });
      continue;
    }
    if (!FIELDS_OF[subject].includes(parsed.field)) {
      problems.push({
        path: at,
        message:
          subject === 'advance'
            ? `${parsed.field} is not a field of advance rules; they test ${ADVANCE_FIELDS.join(', ')}`
            : `${parsed.field} is a field of advance rules; give the rule subject: advance`,
      });
      continue;
    }
    const kind = FIELDS[parsed.field];
    if (!OPERATORS_BY_KIND[kind].includes(parsed.operator)) {
      problems.push({
        path: at,
        message: `${parsed.field} takes ${OPERATORS_BY_KIND[kind].join(', ')}; not ${parsed.operator}`,
      });
      continue;
    }
    const valueProblem = checkValue(parsed.field, parsed.operator, value);
    if (valueProblem) problems.push({ path: at, message: valueProblem });
  }
}

function unknownKeyMessage(key: string): string {
  const operator = OPERATORS.find((op) => key.endsWith(`_${op}`));
  if (operator)
    return `unknown field "${key.slice(0, -(operator.length + 1))}"; fields are ${Object.keys(FIELDS).join(', ')}`;
  return `unknown test "${key}"; write field_operator with an operator of ${OPERATORS.join(', ')}, or all / any / not`;
}

function checkValue(field: Field, operator: Operator, value: unknown): string | null {
  const kind = FIELDS[field];
  if (operator === 'in' || operator === 'not_in') {
    if (!Array.isArray(value) || value.length === 0 || value.length > 500)
      return 'must be a non-empty array (500 values at most)';
    for (const item of value) {
      const problem = checkScalar(field, kind === 'list' ? 'string' : kind, item);
      if (problem) return `each value ${problem}`;
    }
    return null;
  }
  return checkScalar(field, kind === 'list' ? 'string' : kind, value);
}

function checkScalar(field: Field, kind: Exclude<FieldKind, 'list'>, value: unknown): string | null {
  switch (kind) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? null : 'must be a number';
    case 'boolean':
      return typeof value === 'boolean' ? null : 'must be true or false';
    case 'id':
      return typeof value === 'string' && UUID.test(value) ? null : 'must be a UUID';
    case 'string': {
      if (typeof value !== 'string' || value.length === 0 || value.length > 200)
        return 'must be a string of 1 to 200 characters';
      const allowed = ALLOWED_VALUES[field];
      if (allowed && !allowed.includes(value.toLowerCase())) return `must be one of ${allowed.join(', ')}`;
      if (field === 'currency' && !/^[A-Z]{3}$/.test(value)) return 'must be an ISO-4217 code such as USD';
      return null;
    }
  }
}

function validateAction(action: unknown, path: string, problems: RuleProblem[], subject: RuleSubject): void {
  if (!isObject(action) || typeof action.type !== 'string') {
    problems.push({
      path,
      message: 'must be an object with a type: require_approval, auto_approve, block, flag or require_receipt',
    });
    return;
  }
  const allowedKeys: Record<string, string[]> = {
    require_approval: ['type', 'approver'],
    auto_approve: ['type'],
    block: ['type', 'message'],
    flag: ['type', 'flag'],
    require_receipt: ['type'],
  };
  const keys = allowedKeys[action.type];
  if (!keys) {
    problems.push({
      path: `${path}.type`,
      message: `unknown action "${action.type}"; actions are ${Object.keys(allowedKeys).join(', ')}`,
    });
    return;
  }
  if (!(ACTIONS_OF[subject] as readonly string[]).includes(action.type)) {
    problems.push({
      path: `${path}.type`,
      message: `${action.type} is not an action of ${subject} rules; they take ${ACTIONS_OF[subject].join(', ')}`,
    });
    return;
  }
  for (const key of Object.keys(action))
    if (!keys.includes(key)) problems.push({ path: `${path}.${key}`, message: `is not a property of ${action.type}` });
  if (action.type === 'require_approval') {
    const approver = action.approver;
    const ok =
      typeof approver === 'string' &&
      (['manager', 'finance', 'admin', 'team_lead'].includes(approver) ||
        (approver.startsWith('user:') && UUID.test(approver.slice(5))));
    if (!ok)
      problems.push({ path: `${path}.approver`, message: 'must be manager, finance, admin, team_lead or user:<uuid>' });
  }
  if (
    action.type === 'block' &&
    (typeof action.message !== 'string' || action.message.trim() === '' || action.message.length > 500)
  ) {
    problems.push({ path: `${path}.message`, message: 'must say why, in 1 to 500 characters' });
  }
  if (action.type === 'flag' && (typeof action.flag !== 'string' || !FLAG.test(action.flag))) {
    problems.push({ path: `${path}.flag`, message: 'must be a snake_case name such as over_budget' });
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
