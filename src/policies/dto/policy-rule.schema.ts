import type { SchemaObject } from '@nestjs/swagger';
import { namedSchema, schemaRef } from '../../common/swagger/named-schemas';
import {
  ALLOWED_VALUES,
  Field,
  FIELDS,
  FieldKind,
  MAX_RULES,
  Operator,
  OPERATORS_BY_KIND,
  RULE_ID,
  RULE_SUBJECTS,
} from '../engine/rules';

/**
 * The policy rule grammar of `engine/rules.ts` as OpenAPI schemas, built from the engine's own
 * tables (fields, their kinds, the operators each kind takes, the closed value sets), so that
 * the document and the validator cannot drift apart. The validator stays the judge: it also
 * checks what a schema cannot say well (nesting depth, test count, duplicate rule ids).
 */

const CONDITION = 'PolicyCondition';
const ACTION = 'PolicyAction';

function scalarSchema(field: Field, kind: Exclude<FieldKind, 'list'>): SchemaObject {
  switch (kind) {
    case 'number':
      return { type: 'number' };
    case 'boolean':
      return { type: 'boolean' };
    case 'id':
      return { type: 'string', format: 'uuid' };
    case 'string': {
      const allowed = ALLOWED_VALUES[field];
      if (allowed) return { type: 'string', enum: [...allowed] };
      if (field === 'currency') return { type: 'string', pattern: '^[A-Z]{3}$', example: 'EUR' };
      return { type: 'string', minLength: 1, maxLength: 200 };
    }
  }
}

/**
 * What the aggregate fields are, with an example value: computed from other spends and budgets
 * (docs/spends-and-policies.md#budget-and-aggregate-fields), so the name alone does not say it.
 */
const AGGREGATE_NOTES: Partial<Record<Field, { note: string; example: number }>> = {
  user_category_total_day: {
    note: "the owner's pending, approved and paid spends in the spend's category on its date, this one included, in the base currency; absent without a category",
    example: 75,
  },
  user_category_total_month: {
    note: "as user_category_total_day, over the calendar month of the spend's date",
    example: 600,
  },
  team_total_period: {
    note: "the spend's team's pending, approved and paid spends in the period of the team's budget (else the calendar month), this one included; absent without a team",
    example: 10000,
  },
  budget_remaining: {
    note: 'what is left of the most constraining budget that applies (lowest remaining) once this spend is counted; negative when over; absent when no budget applies',
    example: 0,
  },
  budget_used_pct: {
    note: 'the percentage of that budget used once this spend is counted (two decimals); absent when no budget applies',
    example: 80,
  },
  same_merchant_count_7d: {
    note: "the owner's other pending, approved and paid spends at the same merchant (case-insensitive) dated at most 7 days before or after; absent without a merchant",
    example: 2,
  },
  same_merchant_count_30d: { note: 'as same_merchant_count_7d, within 30 days', example: 3 },
};

function testSchema(field: Field, operator: Operator): SchemaObject {
  const kind = FIELDS[field];
  const notes = AGGREGATE_NOTES[field];
  const scalar = {
    ...scalarSchema(field, kind === 'list' ? 'string' : kind),
    ...(notes && operator !== 'in' && operator !== 'not_in' ? { example: notes.example } : {}),
  };
  const description = `${field} ${operator.replace('_', ' ')} the value${notes ? `: ${notes.note}` : ''}`;
  if (operator === 'in' || operator === 'not_in') {
    return { type: 'array', items: scalar, minItems: 1, maxItems: 500, description };
  }
  return { ...scalar, description };
}

/** Every `field_operator` test the engine accepts, as the properties of one condition object. */
function testProperties(): Record<string, SchemaObject> {
  const properties: Record<string, SchemaObject> = {};
  for (const field of Object.keys(FIELDS) as Field[]) {
    for (const operator of OPERATORS_BY_KIND[FIELDS[field]])
      properties[`${field}_${operator}`] = testSchema(field, operator);
  }
  return properties;
}

export const POLICY_CONDITION = namedSchema(CONDITION, {
  type: 'object',
  description:
    'Every test and combinator in one object must hold. A test is `<field>_<operator>: value` (`amount_gt: 500`, ' +
    '`category_in: ["Travel"]`); `all` and `any` take non-empty arrays of conditions, `not` one condition. ' +
    'Conditions nest 8 deep and hold 200 tests at most.',
  minProperties: 1,
  additionalProperties: false,
  properties: {
    all: { type: 'array', minItems: 1, items: schemaRef(CONDITION), description: 'Every condition holds' },
    any: { type: 'array', minItems: 1, items: schemaRef(CONDITION), description: 'At least one condition holds' },
    not: { allOf: [schemaRef(CONDITION)], description: 'The condition does not hold' },
    ...testProperties(),
  },
  example: { all: [{ category_eq: 'Travel' }, { amount_gt: 2000 }] },
});

const actions: Record<string, SchemaObject> = {
  PolicyActionRequireApproval: {
    type: 'object',
    description: 'Adds an approval step, in priority order',
    required: ['type', 'approver'],
    additionalProperties: false,
    properties: {
      type: { type: 'string', enum: ['require_approval'] },
      approver: {
        type: 'string',
        description: 'manager, finance, admin, team_lead, or one user as `user:<uuid>`',
        pattern:
          '^(manager|finance|admin|team_lead|user:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$',
        example: 'manager',
      },
    },
  },
  PolicyActionAutoApprove: {
    type: 'object',
    description: 'Drops the approvals of rules with a larger priority number',
    required: ['type'],
    additionalProperties: false,
    properties: { type: { type: 'string', enum: ['auto_approve'] } },
  },
  PolicyActionBlock: {
    type: 'object',
    description: 'Blocks the spend; wins over everything',
    required: ['type', 'message'],
    additionalProperties: false,
    properties: {
      type: { type: 'string', enum: ['block'] },
      message: { type: 'string', minLength: 1, maxLength: 500, example: 'Gambling is never reimbursed' },
    },
  },
  PolicyActionFlag: {
    type: 'object',
    description: 'Adds a flag to the spend',
    required: ['type', 'flag'],
    additionalProperties: false,
    properties: {
      type: { type: 'string', enum: ['flag'] },
      flag: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,49}$', example: 'over_budget' },
    },
  },
  PolicyActionRequireReceipt: {
    type: 'object',
    description: 'Keeps the spend waiting until it has a receipt',
    required: ['type'],
    additionalProperties: false,
    properties: { type: { type: 'string', enum: ['require_receipt'] } },
  },
};

const ACTION_TYPES: Record<string, string> = {
  require_approval: 'PolicyActionRequireApproval',
  auto_approve: 'PolicyActionAutoApprove',
  block: 'PolicyActionBlock',
  flag: 'PolicyActionFlag',
  require_receipt: 'PolicyActionRequireReceipt',
};

export const POLICY_ACTION = namedSchema(ACTION, {
  description: 'What a matched rule does',
  oneOf: Object.entries(actions).map(([name, schema]) => namedSchema(name, schema)),
  discriminator: {
    propertyName: 'type',
    mapping: Object.fromEntries(
      Object.entries(ACTION_TYPES).map(([type, name]) => [type, `#/components/schemas/${name}`]),
    ),
  },
});

/** A rule as sent: `id` and `priority` may be left out (the server assigns `rule-<n>` and 100). */
export const POLICY_RULE_INPUT = namedSchema('PolicyRuleInput', {
  type: 'object',
  required: ['condition', 'action'],
  additionalProperties: false,
  properties: {
    id: {
      type: 'string',
      pattern: RULE_ID.source,
      description: 'Unique in the policy; `rule-<n>` (its position, from 1) when left out',
      example: 'big-spend',
    },
    subject: {
      type: 'string',
      enum: [...RULE_SUBJECTS],
      default: 'spend',
      description:
        'What the rule judges. Spend rules test spend fields; advance rules test advance_amount (minor units of the ' +
        'base currency), currency, user_id and user_role, and take require_approval, auto_approve or block',
      example: 'spend',
    },
    priority: {
      type: 'integer',
      minimum: 0,
      maximum: 10_000,
      default: 100,
      description: 'Lower runs first',
      example: 1,
    },
    condition: POLICY_CONDITION,
    action: POLICY_ACTION,
    description: { type: 'string', maxLength: 500, example: 'Spends over 500 need the manager' },
  },
});

/** A rule as stored and answered: id and priority always present. */
export const POLICY_RULE = namedSchema('PolicyRule', {
  type: 'object',
  required: ['id', 'priority', 'condition', 'action'],
  properties: {
    id: { type: 'string', example: 'big-spend' },
    subject: {
      type: 'string',
      enum: ['advance'],
      description: 'Present on advance rules only; a rule without it judges spends',
      example: 'advance',
    },
    priority: { type: 'integer', minimum: 0, maximum: 10_000, example: 1 },
    condition: POLICY_CONDITION,
    action: POLICY_ACTION,
    description: { type: 'string', example: 'Spends over 500 need the manager' },
  },
});

export const RULES_LIMITS = { minItems: 1, maxItems: MAX_RULES };
