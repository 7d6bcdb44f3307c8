/**
 * Save-time validation of the rule language (src/policies/engine/rules.ts): an unknown field,
 * operator or value is a 422 when a policy is saved, never a surprise at evaluation. Pure.
 */
import {
  ACTIONS_OF,
  ADVANCE_FIELDS,
  OPERATORS,
  Action,
  ALLOWED_VALUES,
  Condition,
  Field,
  FieldKind,
  FIELDS,
  FIELDS_OF,
  FLAG,
  MAX_RULES,
  Operator,
  OPERATORS_BY_KIND,
  parseKey,
  Rule,
  RULE_ID,
  RULE_SUBJECTS,
  RuleSubject,
  UUID,
} from './rules';

export interface RuleProblem {
  /** Where in the submitted policy, e.g. `rules[0].condition.any[1].amount_gtt`. */
  path: string;
  message: string;
}

const MAX_DEPTH = 8;
const MAX_NODES = 200;

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
