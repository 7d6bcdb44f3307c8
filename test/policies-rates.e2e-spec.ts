import request from 'supertest';
import type { LadderRole } from '../src/common/auth/roles';
import type { TestOrganization, TestUser } from './helpers/given';
import { bearer, expectProblem } from './helpers/problems';
import type { Caller } from './helpers/requests';
import { createTestApp, TestApp } from './helpers/test-app';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

interface Listed {
  total: number;
  items: Array<{ id: string; [field: string]: unknown }>;
  next_cursor: string | null;
}

interface PolicyBody {
  id: string;
  name: string;
  is_active: boolean;
  version: number;
  rules: Array<Record<string, unknown>>;
  created_at: string;
  updated_at: string;
}

/**
 * The rules an organization runs over every spend (policies, and what a spend would get from
 * them), and the exchange rates that turn a spend's amount into the base currency the rules see.
 */
describe('Policies and exchange rates', () => {
  let t: TestApp;
  let acme: TestOrganization;
  let globex: TestOrganization;
  let employee: TestUser;
  let manager: TestUser;
  let finance: TestUser;
  const byRole = (role: LadderRole): TestUser => ({ employee, manager, finance, admin: acme.admin })[role];
  const today = new Date().toISOString().slice(0, 10);

  beforeAll(async () => {
    t = await createTestApp();
    acme = await t.given.organization('Acme');
    globex = await t.given.organization('Globex');
    manager = await t.given.user(acme, 'manager');
    employee = await t.given.user(acme, 'employee', { manager_id: manager.id });
    finance = await t.given.user(acme, 'finance');
  });
  afterAll(() => t.close());

  /** A CSV import of exchange rates by `caller`; `.send(text)` it. */
  const importCsv = (caller: Caller) =>
    request(t.http)
      .post('/api/v1/exchange-rates/import')
      .set(bearer(caller.accessToken))
      .set('Content-Type', 'text/csv');

  const auditActions = async (organizationId: string, entityId: string): Promise<string[]> => {
    const rows: Array<{ action: string }> = await t.dataSource.query(
      `SELECT action FROM audit_logs WHERE organization_id = $1 AND entity_id = $2 ORDER BY seq`,
      [organizationId, entityId],
    );
    return rows.map((r) => r.action);
  };
  const count = async (sql: string, params: unknown[] = []) => Number((await t.dataSource.query(sql, params))[0].count);
  const fieldsOf = (errors: Array<{ field: string }>) => [...new Set(errors.map((e) => e.field))].sort();
  const unique = (name: string) => `${name} ${Math.random().toString(16).slice(2, 8)}`;

  const bigSpendRule = {
    condition: { amount_gt: 500 },
    action: { type: 'require_approval', approver: 'manager' },
    priority: 1,
  };

  describe('policies', () => {
    describe('creating', () => {
      it('creates a policy: 201 with its normalized rules at version 1, readable by id, versioned and audited', async () => {
        const response = await t
          .as(acme.admin)
          .post('/policies', {
            name: '  High Value  ',
            rules: [
              bigSpendRule,
              {
                id: 'no-casinos',
                condition: {
                  any: [{ merchant_contains: 'casino' }, { not: { source_in: ['manual', 'ocr', 'card'] } }],
                },
                action: { type: 'block', message: 'Not reimbursed' },
                priority: 0,
                description: 'House rule',
              },
              { condition: { has_receipt_eq: false }, action: { type: 'flag', flag: 'no_receipt' } },
            ],
          })
          .expect(201);
        expect(response.body).toEqual({
          id: expect.stringMatching(UUID),
          name: 'High Value',
          is_active: true,
          version: 1,
          rules: [
            {
              id: 'rule-1',
              priority: 1,
              condition: { amount_gt: 500 },
              action: { type: 'require_approval', approver: 'manager' },
            },
            {
              id: 'no-casinos',
              priority: 0,
              description: 'House rule',
              condition: { any: [{ merchant_contains: 'casino' }, { not: { source_in: ['manual', 'ocr', 'card'] } }] },
              action: { type: 'block', message: 'Not reimbursed' },
            },
            // Without a priority a rule runs late (100); without an id it is named by its position.
            {
              id: 'rule-3',
              priority: 100,
              condition: { has_receipt_eq: false },
              action: { type: 'flag', flag: 'no_receipt' },
            },
          ],
          created_at: expect.stringMatching(ISO_TIMESTAMP),
          updated_at: expect.stringMatching(ISO_TIMESTAMP),
        });
        const id = response.body.id;
        expect((await t.as(acme.admin).get(`/policies/${id}`).expect(200)).body).toEqual(response.body);

        const versions = await t.dataSource.query(
          `SELECT version, name, is_active, rules, created_by FROM policy_versions WHERE policy_id = $1 ORDER BY version`,
          [id],
        );
        expect(versions).toEqual([
          { version: 1, name: 'High Value', is_active: true, rules: response.body.rules, created_by: acme.admin.id },
        ]);
        expect(await auditActions(acme.id, id)).toEqual(['policy.created']);
      });

      it('creates an inactive policy when asked', async () => {
        const policy = await t.given.policy(acme.admin, [bigSpendRule], { is_active: false });
        expect(policy).toMatchObject({ is_active: false, version: 1 });
      });

      it('refuses a name already used in the organization, whatever its case: 409 POLICY_NAME_TAKEN; another organization may use it', async () => {
        const existing = await t.given.policy(acme.admin, [bigSpendRule], {});
        const response = await t.as(acme.admin).post('/policies', {
          name: ` ${existing.name.toUpperCase()} `,
          rules: [bigSpendRule],
        });
        expectProblem(response, 409, 'POLICY_NAME_TAKEN');
        expect(
          await count(`SELECT count(*) FROM policies WHERE organization_id = $1 AND lower(name) = lower($2)`, [
            acme.id,
            existing.name,
          ]),
        ).toBe(1);
        await t
          .as(globex.admin)
          .post('/policies', { name: existing.name, rules: [bigSpendRule] })
          .expect(201);
      });

      it('replays a create sent again with the same Idempotency-Key, creating one policy', async () => {
        const body = { name: unique('Idempotent'), rules: [bigSpendRule] };
        const send = () =>
          request(t.http)
            .post('/api/v1/policies')
            .set(bearer(acme.admin.accessToken))
            .set('Idempotency-Key', `policy-${body.name.replace(/\W/g, '-')}`)
            .send(body);
        const first = await send().expect(201);
        const replay = await send().expect(201);
        expect(replay.headers['idempotent-replayed']).toBe('true');
        expect(replay.body).toEqual(first.body);
        expect(await count(`SELECT count(*) FROM policies WHERE name = $1`, [body.name])).toBe(1);
      });

      it('refuses a body that is not a policy with 422 VALIDATION_FAILED naming each field', async () => {
        const response = await t.as(acme.admin).post('/policies', {
          name: '',
          is_active: 'yes',
          rules: { amount_gt: 1 },
          priority: 1,
        });
        expectProblem(response, 422, 'VALIDATION_FAILED');
        expect(fieldsOf(response.body.errors)).toEqual(['is_active', 'name', 'priority', 'rules']);
        expect(response.body.errors).toEqual(
          expect.arrayContaining([{ field: 'priority', message: 'is not a recognised field' }]),
        );

        const missing = await t.as(acme.admin).post('/policies', {});
        expectProblem(missing, 422, 'VALIDATION_FAILED');
        expect(missing.body.errors).toEqual(
          expect.arrayContaining([
            { field: 'name', message: 'is required' },
            { field: 'rules', message: 'is required' },
          ]),
        );
      });

      it('refuses malformed JSON with 400 MALFORMED_JSON', async () => {
        const response = await request(t.http)
          .post('/api/v1/policies')
          .set(bearer(acme.admin.accessToken))
          .set('Content-Type', 'application/json')
          .send('{"name": "Broken",');
        expectProblem(response, 400, 'MALFORMED_JSON');
      });
    });

    describe('invalid rules are refused when saved: 422 INVALID_POLICY_RULE naming where', () => {
      const attempt = (rules: unknown) => t.as(acme.admin).post('/policies', { name: unique('Invalid'), rules });

      it.each<[string, unknown[], Array<{ field: string; message: string }>]>([
        [
          'an unknown field',
          [{ condition: { colour_eq: 'red' }, action: { type: 'auto_approve' } }],
          [
            {
              field: 'rules[0].condition.colour_eq',
              message: expect.stringMatching(/^unknown field "colour"; fields are amount, /),
            },
          ],
        ],
        [
          'an unknown operator',
          [{ condition: { amount_gtt: 500 }, action: { type: 'auto_approve' } }],
          [{ field: 'rules[0].condition.amount_gtt', message: expect.stringMatching(/^unknown test "amount_gtt"/) }],
        ],
        [
          'an operator the field does not take',
          [{ condition: { has_receipt_gt: 1 }, action: { type: 'auto_approve' } }],
          [{ field: 'rules[0].condition.has_receipt_gt', message: 'has_receipt takes eq, ne; not gt' }],
        ],
        [
          'a value of the wrong type',
          [{ condition: { amount_gt: '500' }, action: { type: 'auto_approve' } }],
          [{ field: 'rules[0].condition.amount_gt', message: 'must be a number' }],
        ],
        [
          'a value outside a closed set',
          [{ condition: { user_role_eq: 'boss' }, action: { type: 'auto_approve' } }],
          [{ field: 'rules[0].condition.user_role_eq', message: 'must be one of employee, manager, finance, admin' }],
        ],
        [
          'an id that is not a UUID',
          [{ condition: { category_id_in: ['travel'] }, action: { type: 'auto_approve' } }],
          [{ field: 'rules[0].condition.category_id_in', message: 'each value must be a UUID' }],
        ],
        [
          'a problem deep inside combinators',
          [
            {
              condition: {
                all: [{ amount_gt: 1 }, { any: [{ merchant_contains: 'x' }, { not: { weekday_eq: 'someday' } }] }],
              },
              action: { type: 'auto_approve' },
            },
          ],
          [
            {
              field: 'rules[0].condition.all[1].any[1].not.weekday_eq',
              message: expect.stringMatching(/^must be one of monday, /),
            },
          ],
        ],
        [
          'an empty condition',
          [{ condition: {}, action: { type: 'auto_approve' } }],
          [{ field: 'rules[0].condition', message: expect.any(String) }],
        ],
        [
          'an unknown action',
          [{ condition: { amount_gt: 1 }, action: { type: 'escalate' } }],
          [{ field: 'rules[0].action.type', message: expect.stringMatching(/^unknown action "escalate"/) }],
        ],
        [
          'an unknown approver',
          [{ condition: { amount_gt: 1 }, action: { type: 'require_approval', approver: 'ceo' } }],
          [{ field: 'rules[0].action.approver', message: 'must be manager, finance, admin, team_lead or user:<uuid>' }],
        ],
        [
          'a block without a message',
          [{ condition: { amount_gt: 1 }, action: { type: 'block' } }],
          [{ field: 'rules[0].action.message', message: 'must say why, in 1 to 500 characters' }],
        ],
        [
          'a flag that is not snake_case',
          [{ condition: { amount_gt: 1 }, action: { type: 'flag', flag: 'Over Budget' } }],
          [{ field: 'rules[0].action.flag', message: 'must be a snake_case name such as over_budget' }],
        ],
        [
          'a property an action does not have',
          [{ condition: { amount_gt: 1 }, action: { type: 'auto_approve', approver: 'manager' } }],
          [{ field: 'rules[0].action.approver', message: 'is not a property of auto_approve' }],
        ],
        [
          'a property a rule does not have',
          [{ when: { amount_gt: 1 }, condition: { amount_gt: 1 }, action: { type: 'auto_approve' } }],
          [{ field: 'rules[0].when', message: 'is not a rule property' }],
        ],
        [
          'a negative priority',
          [{ condition: { amount_gt: 1 }, action: { type: 'auto_approve' }, priority: -1 }],
          [{ field: 'rules[0].priority', message: 'must be an integer from 0 to 10000 (lower runs first)' }],
        ],
        [
          'two rules with one id',
          [
            { id: 'same', condition: { amount_gt: 1 }, action: { type: 'auto_approve' } },
            { id: 'same', condition: { amount_gt: 2 }, action: { type: 'auto_approve' } },
          ],
          [{ field: 'rules[1].id', message: 'duplicates another rule\'s id "same"' }],
        ],
        ['no rules at all', [], [{ field: 'rules', message: 'must be an array of 1 to 100 rules' }]],
        [
          'a rule that is not an object',
          ['amount > 500'],
          [{ field: 'rules[0]', message: 'must be an object with condition, action and priority' }],
        ],
      ])('refuses %s', async (_, rules, errors) => {
        const response = await attempt(rules);
        expectProblem(response, 422, 'INVALID_POLICY_RULE');
        expect(response.body.errors).toEqual(errors);
      });

      it('names every problem of every rule at once, and saves nothing', async () => {
        const name = unique('Many Problems');
        const response = await t.as(acme.admin).post('/policies', {
          name,
          rules: [
            bigSpendRule,
            {
              condition: { amount_gt: 'lots', currency_eq: 'usd' },
              action: { type: 'require_approval', approver: 'user:not-a-uuid' },
              priority: 1.5,
            },
          ],
        });
        expectProblem(response, 422, 'INVALID_POLICY_RULE');
        expect(response.body.detail).toBe('4 problems in the rules; nothing was saved');
        expect(response.body.errors).toEqual([
          { field: 'rules[1].priority', message: 'must be an integer from 0 to 10000 (lower runs first)' },
          { field: 'rules[1].condition.amount_gt', message: 'must be a number' },
          { field: 'rules[1].condition.currency_eq', message: 'must be an ISO-4217 code such as USD' },
          { field: 'rules[1].action.approver', message: 'must be manager, finance, admin, team_lead or user:<uuid>' },
        ]);
        expect(await count(`SELECT count(*) FROM policies WHERE name = $1`, [name])).toBe(0);
      });

      it('refuses an invalid rule on change too, and keeps the policy as it was', async () => {
        const policy = await t.given.policy(acme.admin, [bigSpendRule], {});
        const response = await t.as(acme.admin).patch(`/policies/${policy.id}`, {
          name: 'Renamed',
          rules: [{ condition: { amount_between: [1, 2] }, action: { type: 'auto_approve' } }],
        });
        expectProblem(response, 422, 'INVALID_POLICY_RULE');
        expect(response.body.errors).toEqual([
          { field: 'rules[0].condition.amount_between', message: expect.any(String) },
        ]);
        expect((await t.as(acme.admin).get(`/policies/${policy.id}`).expect(200)).body).toEqual(policy);
        expect(await count(`SELECT count(*) FROM policy_versions WHERE policy_id = $1`, [policy.id])).toBe(1);
      });
    });

    describe('listing', () => {
      let org: TestOrganization;
      let first: PolicyBody;
      let second: PolicyBody;
      let third: PolicyBody;

      beforeAll(async () => {
        org = await t.given.organization('Policy Lister');
        first = await t.given.policy(org.admin, [bigSpendRule], { name: 'Zeta' });
        second = await t.given.policy(org.admin, [bigSpendRule], { name: 'Alpha', is_active: false });
        third = await t.given.policy(org.admin, [bigSpendRule], { name: 'Mid' });
      });

      it("lists the organization's policies oldest first, inactive ones included, nobody else's", async () => {
        const response = await t.as(org.admin).get('/policies').expect(200);
        expect(response.body).toEqual({ total: 3, items: [first, second, third], next_cursor: null });
      });

      it('pages with limit and offset', async () => {
        const page = await t.as(org.admin).get('/policies?limit=2&offset=1').expect(200);
        expect(page.body.total).toBe(3);
        expect(page.body.items.map((p: PolicyBody) => p.id)).toEqual([second.id, third.id]);
        expectProblem(await t.as(org.admin).get('/policies?limit=0'), 422, 'VALIDATION_FAILED');
        expectProblem(await t.as(org.admin).get('/policies?limit=101'), 422, 'VALIDATION_FAILED');
        const unknown = await t.as(org.admin).get('/policies?is_active=true');
        expectProblem(unknown, 422, 'VALIDATION_FAILED');
        expect(unknown.body.errors).toEqual([{ field: 'is_active', message: 'is not a recognised field' }]);
      });

      it('leaves deleted policies out', async () => {
        const doomed = await t.given.policy(org.admin, [bigSpendRule], { name: 'Doomed' });
        expect((await t.as(org.admin).get('/policies').expect(200)).body.total).toBe(4);
        await t.as(org.admin).delete(`/policies/${doomed.id}`).expect(200);
        const response = await t.as(org.admin).get('/policies').expect(200);
        expect(response.body.total).toBe(3);
        expect(response.body.items.map((p: PolicyBody) => p.id)).not.toContain(doomed.id);
      });
    });

    describe('changing', () => {
      it('changes name, activity and rules, each change a new version kept in policy_versions', async () => {
        const policy = await t.given.policy(acme.admin, [bigSpendRule], { name: unique('Changing') });
        const renamed = await t
          .as(acme.admin)
          .patch(`/policies/${policy.id}`, { name: ' Renamed Policy ' })
          .expect(200);
        expect(renamed.body).toMatchObject({
          id: policy.id,
          name: 'Renamed Policy',
          version: 2,
          rules: policy.rules,
          is_active: true,
        });
        const newRules = [
          {
            id: 'huge',
            condition: { amount_gte: 10_000 },
            action: { type: 'require_approval', approver: 'finance' },
            priority: 3,
          },
        ];
        const retuned = await t
          .as(acme.admin)
          .patch(`/policies/${policy.id}`, { rules: newRules, is_active: false })
          .expect(200);
        expect(retuned.body).toMatchObject({ name: 'Renamed Policy', version: 3, is_active: false, rules: newRules });
        expect(retuned.body.created_at).toBe(policy.created_at);
        expect((await t.as(acme.admin).get(`/policies/${policy.id}`).expect(200)).body).toEqual(retuned.body);

        const versions = await t.dataSource.query(
          `SELECT version, name, is_active FROM policy_versions WHERE policy_id = $1 ORDER BY version`,
          [policy.id],
        );
        expect(versions).toEqual([
          { version: 1, name: policy.name, is_active: true },
          { version: 2, name: 'Renamed Policy', is_active: true },
          { version: 3, name: 'Renamed Policy', is_active: false },
        ]);
        expect(await auditActions(acme.id, policy.id)).toEqual(['policy.created', 'policy.updated', 'policy.updated']);
        const [audit] = await t.dataSource.query(
          `SELECT metadata FROM audit_logs WHERE entity_id = $1 AND action = 'policy.updated' ORDER BY seq LIMIT 1`,
          [policy.id],
        );
        expect(audit.metadata).toEqual({ version: 2, changes: { name: { from: policy.name, to: 'Renamed Policy' } } });
      });

      it('treats a change to the same values as no change: same version, nothing recorded', async () => {
        const policy = await t.given.policy(acme.admin, [bigSpendRule], {});
        const read = (await t.as(acme.admin).get(`/policies/${policy.id}`).expect(200)).body as PolicyBody;
        // The rules as read back, and as first sent: both are the rules the policy already has.
        for (const rules of [read.rules, [bigSpendRule]]) {
          const response = await t
            .as(acme.admin)
            .patch(`/policies/${policy.id}`, { name: policy.name, is_active: true, rules })
            .expect(200);
          expect(response.body).toMatchObject({ version: 1, updated_at: policy.updated_at });
        }
        const empty = await t.as(acme.admin).patch(`/policies/${policy.id}`, {}).expect(200);
        expect(empty.body).toEqual(policy);
        expect(await count(`SELECT count(*) FROM policy_versions WHERE policy_id = $1`, [policy.id])).toBe(1);
        expect(await auditActions(acme.id, policy.id)).toEqual(['policy.created']);
      });

      it("lets a policy change the case of its own name but not take another's: 409 POLICY_NAME_TAKEN", async () => {
        const policy = await t.given.policy(acme.admin, [bigSpendRule], {});
        const other = await t.given.policy(acme.admin, [bigSpendRule], {});
        await t.as(acme.admin).patch(`/policies/${policy.id}`, { name: policy.name.toUpperCase() }).expect(200);
        expectProblem(
          await t.as(acme.admin).patch(`/policies/${policy.id}`, { name: other.name.toLowerCase() }),
          409,
          'POLICY_NAME_TAKEN',
        );
        expect((await t.as(acme.admin).get(`/policies/${policy.id}`).expect(200)).body).toMatchObject({
          name: policy.name.toUpperCase(),
          version: 2,
        });
      });

      it('refuses unknown fields and bad values with 422 VALIDATION_FAILED', async () => {
        const policy = await t.given.policy(acme.admin, [bigSpendRule], {});
        const response = await t.as(acme.admin).patch(`/policies/${policy.id}`, {
          name: '   ',
          is_active: 1,
          rules: 'none',
          version: 7,
        });
        expectProblem(response, 422, 'VALIDATION_FAILED');
        expect(fieldsOf(response.body.errors)).toEqual(['is_active', 'name', 'rules', 'version']);
        expect((await t.as(acme.admin).get(`/policies/${policy.id}`).expect(200)).body).toEqual(policy);
      });
    });

    describe('what a policy change does to evaluation (seen through /policies/simulate)', () => {
      let org: TestOrganization;
      const token = 'zebra-bar';
      const simulate = () =>
        t
          .as(org.admin)
          .post('/policies/simulate', { amount: '12.00', currency: 'USD', spend_date: today, merchant: `The ${token}` })
          .expect(200);

      beforeAll(async () => {
        org = await t.given.organization('Rule Effects');
      });

      it('applies an active policy, ignores a deactivated one, and stops applying a deleted one', async () => {
        expect((await simulate()).body).toMatchObject({ decision: 'approved', matched_rules: [], policies: [] });
        const policy = await t.given.policy(org.admin, [bigSpendRule], {
          rules: [
            { id: 'bars', condition: { merchant_contains: token }, action: { type: 'block', message: 'No bars' } },
          ],
        });
        expect((await simulate()).body).toMatchObject({
          decision: 'blocked',
          block_message: 'No bars',
          matched_rules: [expect.objectContaining({ policy_id: policy.id, policy_version: 1, rule_id: 'bars' })],
          policies: [{ policy_id: policy.id, version: 1 }],
        });
        await t.as(org.admin).patch(`/policies/${policy.id}`, { is_active: false }).expect(200);
        expect((await simulate()).body).toMatchObject({ decision: 'approved', matched_rules: [], policies: [] });
        await t.as(org.admin).patch(`/policies/${policy.id}`, { is_active: true }).expect(200);
        expect((await simulate()).body).toMatchObject({
          decision: 'blocked',
          policies: [{ policy_id: policy.id, version: 3 }],
        });
        await t.as(org.admin).delete(`/policies/${policy.id}`).expect(200);
        expect((await simulate()).body).toMatchObject({ decision: 'approved', matched_rules: [], policies: [] });
      });
    });

    describe('deleting', () => {
      it('deletes a policy: 200, then it is gone from reads and changes, its versions stay, and its name is free again', async () => {
        const policy = await t.given.policy(acme.admin, [bigSpendRule], {});
        const response = await t.as(acme.admin).delete(`/policies/${policy.id}`).expect(200);
        expect(response.body).toEqual({ message: 'Deleted successfully' });
        expectProblem(await t.as(acme.admin).get(`/policies/${policy.id}`), 404, 'POLICY_NOT_FOUND');
        expectProblem(
          await t.as(acme.admin).patch(`/policies/${policy.id}`, { is_active: true }),
          404,
          'POLICY_NOT_FOUND',
        );
        expectProblem(await t.as(acme.admin).delete(`/policies/${policy.id}`), 404, 'POLICY_NOT_FOUND');
        const list = (await t.as(acme.admin).get('/policies?limit=100').expect(200)).body as Listed;
        expect(list.items.map((p) => p.id)).not.toContain(policy.id);

        const [row] = await t.dataSource.query(`SELECT is_active, deleted_at FROM policies WHERE id = $1`, [policy.id]);
        expect(row).toEqual({ is_active: false, deleted_at: expect.any(Date) });
        expect(await count(`SELECT count(*) FROM policy_versions WHERE policy_id = $1`, [policy.id])).toBe(1);
        expect(await auditActions(acme.id, policy.id)).toEqual(['policy.created', 'policy.deleted']);

        const reused = await t
          .as(acme.admin)
          .post('/policies', { name: policy.name, rules: [bigSpendRule] })
          .expect(201);
        expect(reused.body.id).not.toBe(policy.id);
      });
    });

    describe('who may manage policies', () => {
      let policy: PolicyBody;
      beforeAll(async () => {
        policy = await t.given.policy(acme.admin, [bigSpendRule], { name: unique('Guarded') });
      });

      it.each<LadderRole>(['employee', 'manager'])(
        'refuses a(n) %s everything, the list included, with 403',
        async (role) => {
          const caller = byRole(role);
          expectProblem(await t.as(caller).get('/policies'), 403, 'INSUFFICIENT_PERMISSIONS');
          expectProblem(await t.as(caller).get(`/policies/${policy.id}`), 403, 'INSUFFICIENT_PERMISSIONS');
        },
      );

      it.each<LadderRole>(['employee', 'manager', 'finance'])(
        'refuses a(n) %s any change with 403 INSUFFICIENT_PERMISSIONS, changing nothing',
        async (role) => {
          const caller = byRole(role);
          const name = unique(`By ${role}`);
          const created = await t.as(caller).post('/policies', { name, rules: [bigSpendRule] });
          expectProblem(created, 403, 'INSUFFICIENT_PERMISSIONS');
          expect(created.body.detail).toMatch(/^Insufficient permissions/);
          expectProblem(
            await t.as(caller).patch(`/policies/${policy.id}`, { is_active: false }),
            403,
            'INSUFFICIENT_PERMISSIONS',
          );
          expectProblem(await t.as(caller).delete(`/policies/${policy.id}`), 403, 'INSUFFICIENT_PERMISSIONS');
          expect(await count(`SELECT count(*) FROM policies WHERE name = $1`, [name])).toBe(0);
          expect((await t.as(acme.admin).get(`/policies/${policy.id}`).expect(200)).body).toEqual(policy);
        },
      );

      it('lets finance list policies but not read one by id (admin only)', async () => {
        const list = (await t.as(finance).get('/policies?limit=100').expect(200)).body as Listed;
        expect(list.items).toEqual(expect.arrayContaining([policy]));
        expectProblem(await t.as(finance).get(`/policies/${policy.id}`), 403, 'INSUFFICIENT_PERMISSIONS');
      });

      it('refuses a caller without a token, or with a forged one, with 401', async () => {
        expectProblem(await request(t.http).get('/api/v1/policies'), 401, 'AUTHENTICATION_REQUIRED');
        expectProblem(
          await request(t.http)
            .post('/api/v1/policies')
            .send({ name: 'Anon', rules: [bigSpendRule] }),
          401,
          'AUTHENTICATION_REQUIRED',
        );
        expectProblem(await request(t.http).get(`/api/v1/policies/${policy.id}`), 401, 'AUTHENTICATION_REQUIRED');
        expectProblem(
          await request(t.http).patch(`/api/v1/policies/${policy.id}`).send({ is_active: false }),
          401,
          'AUTHENTICATION_REQUIRED',
        );
        expectProblem(await request(t.http).delete(`/api/v1/policies/${policy.id}`), 401, 'AUTHENTICATION_REQUIRED');
        expectProblem(await t.as({ accessToken: 'not.a.jwt' }).get('/policies'), 401, 'INVALID_TOKEN');
      });
    });

    describe("tenancy: another organization's policies do not exist", () => {
      it('answers 404 POLICY_NOT_FOUND to read, change or delete a policy of another organization, and changes nothing', async () => {
        const foreign = await t.given.policy(globex.admin, [bigSpendRule], { name: unique('Globex Only') });
        expectProblem(await t.as(acme.admin).get(`/policies/${foreign.id}`), 404, 'POLICY_NOT_FOUND');
        expectProblem(
          await t.as(acme.admin).patch(`/policies/${foreign.id}`, { name: 'Hijacked', is_active: false }),
          404,
          'POLICY_NOT_FOUND',
        );
        expectProblem(await t.as(acme.admin).delete(`/policies/${foreign.id}`), 404, 'POLICY_NOT_FOUND');
        expect((await t.as(globex.admin).get(`/policies/${foreign.id}`).expect(200)).body).toEqual(foreign);
        const acmeList = (await t.as(acme.admin).get('/policies?limit=100').expect(200)).body as Listed;
        expect(acmeList.items.map((p) => p.id)).not.toContain(foreign.id);
      });

      it('answers the same 404 for an id that exists nowhere, and 422 for one that is not a UUID', async () => {
        expectProblem(await t.as(acme.admin).get(`/policies/${UNKNOWN_ID}`), 404, 'POLICY_NOT_FOUND');
        expectProblem(
          await t.as(acme.admin).patch(`/policies/${UNKNOWN_ID}`, { is_active: false }),
          404,
          'POLICY_NOT_FOUND',
        );
        expectProblem(await t.as(acme.admin).delete(`/policies/${UNKNOWN_ID}`), 404, 'POLICY_NOT_FOUND');
        for (const response of [
          await t.as(acme.admin).get('/policies/not-a-uuid'),
          await t.as(acme.admin).patch('/policies/not-a-uuid', { is_active: false }),
          await t.as(acme.admin).delete('/policies/not-a-uuid'),
        ]) {
          expectProblem(response, 422, 'VALIDATION_FAILED');
          expect(response.body.errors).toEqual([{ field: 'id', message: 'must be a UUID' }]);
        }
      });
    });
  });

  describe('simulating a spend: POST /policies/simulate', () => {
    const body = (extra: object = {}) => ({ amount: '12.00', currency: 'USD', spend_date: today, ...extra });

    it.each<LadderRole>(['finance', 'admin'])('answers a(n) %s the evaluation, storing nothing', async (role) => {
      const spends = await count(`SELECT count(*) FROM spends`);
      const response = await t
        .as(byRole(role))
        .post('/policies/simulate', body({ user_id: employee.id }))
        .expect(200);
      expect(response.body).toEqual(
        expect.objectContaining({
          decision: expect.stringMatching(/^(approved|pending_approval|blocked)$/),
          matched_rules: expect.any(Array),
          flags: expect.any(Array),
          base_amount: '12.00',
          base_currency: 'USD',
          approvers: expect.any(Array),
          policies: expect.any(Array),
        }),
      );
      expect(response.body).not.toHaveProperty('evaluated_at');
      expect(await count(`SELECT count(*) FROM spends`)).toBe(spends);
    });

    it.each<LadderRole>(['employee', 'manager'])('refuses a(n) %s with 403 INSUFFICIENT_PERMISSIONS', async (role) => {
      expectProblem(await t.as(byRole(role)).post('/policies/simulate', body()), 403, 'INSUFFICIENT_PERMISSIONS');
    });

    it('refuses a caller without a token with 401', async () => {
      expectProblem(
        await request(t.http).post('/api/v1/policies/simulate').send(body()),
        401,
        'AUTHENTICATION_REQUIRED',
      );
    });

    it('names every missing field, and refuses fields a simulation does not take (draft included)', async () => {
      const empty = await t.as(finance).post('/policies/simulate', {});
      expectProblem(empty, 422, 'VALIDATION_FAILED');
      expect(empty.body.errors).toEqual(
        expect.arrayContaining([
          { field: 'amount', message: 'is required' },
          { field: 'currency', message: 'is required' },
          { field: 'spend_date', message: 'is required' },
        ]),
      );
      const extra = await t.as(finance).post('/policies/simulate', body({ draft: true, colour: 'red' }));
      expectProblem(extra, 422, 'VALIDATION_FAILED');
      expect(extra.body.errors).toEqual([
        { field: 'draft', message: 'is not a recognised field' },
        { field: 'colour', message: 'is not a recognised field' },
      ]);
    });

    it.each([
      [{ amount: '-1' }, 'amount'],
      [{ amount: '1.234' }, 'amount'],
      [{ currency: 'usd' }, 'currency'],
      [{ spend_date: '2026-02-30' }, 'spend_date'],
      [{ user_id: 'someone' }, 'user_id'],
      [{ category_id: 'travel' }, 'category_id'],
      [{ source: 'telepathy' }, 'source'],
    ])('refuses %j with 422 naming %s', async (extra, field) => {
      const response = await t.as(finance).post('/policies/simulate', body(extra));
      expectProblem(response, 422, 'VALIDATION_FAILED');
      expect(fieldsOf(response.body.errors)).toEqual([field]);
    });

    it('refuses a spend dated in the future', async () => {
      const response = await t.as(finance).post('/policies/simulate', body({ spend_date: '2999-01-01' }));
      expectProblem(response, 422, 'VALIDATION_FAILED');
      expect(response.body.errors).toEqual([{ field: 'spend_date', message: 'cannot be in the future' }]);
    });

    it('refuses a user or category of another organization, or an unknown one, with 422 INVALID_REFERENCE', async () => {
      for (const userId of [globex.admin.id, UNKNOWN_ID]) {
        const response = await t.as(finance).post('/policies/simulate', body({ user_id: userId }));
        expectProblem(response, 422, 'INVALID_REFERENCE');
        expect(response.body.errors).toEqual([{ field: 'user_id', message: 'must name a user of this organization' }]);
      }
      const foreignCategory = (
        await t
          .as(globex.admin)
          .post('/categories', { name: unique('Globex Travel') })
          .expect(201)
      ).body;
      const response = await t.as(finance).post('/policies/simulate', body({ category_id: foreignCategory.id }));
      expectProblem(response, 422, 'INVALID_REFERENCE');
      expect(response.body.errors).toEqual([
        { field: 'category_id', message: 'must name an active category of this organization' },
      ]);
    });

    it('refuses a currency without a rate with 422 EXCHANGE_RATE_MISSING, and converts once there is one', async () => {
      const missing = await t.as(finance).post('/policies/simulate', body({ currency: 'CHF', amount: '100.00' }));
      expectProblem(missing, 422, 'EXCHANGE_RATE_MISSING');
      expect(missing.body.errors).toEqual([
        { field: 'currency', message: `has no exchange rate into USD for ${today}` },
      ]);
      await t.given.rate(acme.admin, 'CHF', '1.125', today);
      const converted = await t
        .as(finance)
        .post('/policies/simulate', body({ currency: 'CHF', amount: '100.00' }))
        .expect(200);
      expect(converted.body).toMatchObject({ base_amount: '112.50', base_currency: 'USD' });
    });
  });

  describe('exchange rates', () => {
    interface RateBody {
      id: string;
      currency: string;
      base_currency: string;
      rate: string;
      date: string;
      updated_at: string;
    }
    const ratesOf = async (caller: TestUser, query: string): Promise<Listed> =>
      (await t.as(caller).get(`/exchange-rates${query}`).expect(200)).body;

    describe('setting one rate', () => {
      it('sets a rate: 201 with the rate as an exact decimal string into the base currency, listed and audited', async () => {
        const response = await t
          .as(acme.admin)
          .post('/exchange-rates', { currency: 'EUR', rate: '1.082300', date: '2025-03-03' })
          .expect(201);
        expect(response.body).toEqual({
          id: expect.stringMatching(UUID),
          currency: 'EUR',
          base_currency: 'USD',
          rate: '1.0823',
          date: '2025-03-03',
          updated_at: expect.stringMatching(ISO_TIMESTAMP),
        });
        const listed = await ratesOf(employee, '?currency=EUR&from=2025-03-03&to=2025-03-03');
        expect(listed).toEqual({ total: 1, items: [response.body], next_cursor: null });
        const [audit] = await t.dataSource.query(
          `SELECT actor_id, metadata FROM audit_logs WHERE entity_id = $1 AND action = 'exchange_rate.set'`,
          [response.body.id],
        );
        expect(audit).toEqual({
          actor_id: acme.admin.id,
          metadata: {
            currency: 'EUR',
            base_currency: 'USD',
            date: '2025-03-03',
            rate: expect.stringMatching(/^1\.08230*$/),
          },
        });
      });

      it('takes a JSON number and keeps up to 12 decimals exactly', async () => {
        const number = await t
          .as(acme.admin)
          .post('/exchange-rates', { currency: 'JPY', rate: 0.0066, date: '2025-03-03' })
          .expect(201);
        expect(number.body.rate).toBe('0.0066');
        const fine = await t
          .as(acme.admin)
          .post('/exchange-rates', { currency: 'BHD', rate: '2.659574468085', date: '2025-03-03' })
          .expect(201);
        expect(fine.body.rate).toBe('2.659574468085');
        const [row] = await t.dataSource.query(`SELECT rate::text AS rate FROM exchange_rates WHERE id = $1`, [
          fine.body.id,
        ]);
        expect(row.rate).toBe('2.659574468085');
      });

      it('replaces the rate of the same currency and day instead of adding a second one', async () => {
        const first = await t
          .as(acme.admin)
          .post('/exchange-rates', { currency: 'GBP', rate: '1.25', date: '2025-03-04' })
          .expect(201);
        const second = await t
          .as(acme.admin)
          .post('/exchange-rates', { currency: 'GBP', rate: '1.3', date: '2025-03-04' })
          .expect(201);
        expect(second.body).toMatchObject({ id: first.body.id, rate: '1.3' });
        const listed = await ratesOf(acme.admin, '?currency=GBP&from=2025-03-04&to=2025-03-04');
        expect(listed.total).toBe(1);
        expect(listed.items[0]).toMatchObject({ id: first.body.id, rate: '1.3' });
      });

      it('refuses a rate for the base currency itself with 422 SAME_AS_BASE_CURRENCY', async () => {
        const response = await t.as(acme.admin).post('/exchange-rates', {
          currency: 'USD',
          rate: '1',
          date: '2025-03-03',
        });
        expectProblem(response, 422, 'SAME_AS_BASE_CURRENCY');
        expect(response.body.errors).toEqual([
          { field: 'currency', message: "must differ from the organization's base currency" },
        ]);
        expect(await count(`SELECT count(*) FROM exchange_rates WHERE currency = 'USD'`)).toBe(0);
      });

      it.each([
        [{ currency: 'eur' }, 'currency'],
        [{ currency: 'XAU' }, 'currency'],
        [{ currency: 'EURO' }, 'currency'],
        [{ rate: '0' }, 'rate'],
        [{ rate: '-1.2' }, 'rate'],
        [{ rate: '1e3' }, 'rate'],
        [{ rate: '1.0000000000001' }, 'rate'],
        [{ rate: 'one' }, 'rate'],
        [{ date: '2025-02-29' }, 'date'],
        [{ date: '03/03/2025' }, 'date'],
        [{ source: 'ECB' }, 'source'],
      ])('refuses %j with 422 naming %s', async (extra, field) => {
        const response = await t.as(acme.admin).post('/exchange-rates', {
          currency: 'SEK',
          rate: '0.095',
          date: '2025-03-05',
          ...extra,
        });
        expectProblem(response, 422, 'VALIDATION_FAILED');
        expect(fieldsOf(response.body.errors)).toEqual([field]);
        expect(
          await count(`SELECT count(*) FROM exchange_rates WHERE organization_id = $1 AND rate_date = '2025-03-05'`, [
            acme.id,
          ]),
        ).toBe(0);
      });

      it('names every missing field', async () => {
        const response = await t.as(acme.admin).post('/exchange-rates', {});
        expectProblem(response, 422, 'VALIDATION_FAILED');
        expect(response.body.errors).toEqual(
          expect.arrayContaining([
            { field: 'currency', message: 'is required' },
            { field: 'rate', message: 'is required' },
            { field: 'date', message: 'is required' },
          ]),
        );
      });

      it('refuses a CSV body on the JSON route with 400 UNSUPPORTED_CONTENT_TYPE', async () => {
        const response = await request(t.http)
          .post('/api/v1/exchange-rates')
          .set(bearer(acme.admin.accessToken))
          .set('Content-Type', 'text/csv')
          .send('date,currency,rate\n');
        expectProblem(response, 400, 'UNSUPPORTED_CONTENT_TYPE');
      });
    });

    describe('importing CSV: all or nothing', () => {
      it('imports every line: 200 with the count; rates are listed exactly and replace earlier values of that day', async () => {
        const earlier = await t
          .as(acme.admin)
          .post('/exchange-rates', { currency: 'CAD', rate: '0.7', date: '2025-04-01' })
          .expect(201);
        const response = await importCsv(acme.admin)
          .send('Date,Currency,Rate\r\n2025-04-01, CAD ,0.7350\r\n2025-04-01,NOK,0.0950\r\n2025-04-02,CAD,0.74\r\n')
          .expect(200);
        expect(response.body).toEqual({ imported: 3 });
        const listed = await ratesOf(acme.admin, '?from=2025-04-01&to=2025-04-02');
        expect(listed.total).toBe(3);
        expect(listed.items.map((r) => [r.date, r.currency, r.rate])).toEqual([
          ['2025-04-02', 'CAD', '0.74'],
          ['2025-04-01', 'NOK', '0.095'],
          ['2025-04-01', 'CAD', '0.735'],
        ]);
        expect(listed.items.find((r) => r.date === '2025-04-01' && r.currency === 'CAD')?.id).toBe(earlier.body.id);
        const [audit] = await t.dataSource.query(
          `SELECT actor_id, metadata FROM audit_logs WHERE organization_id = $1 AND action = 'exchange_rate.imported' ORDER BY seq DESC LIMIT 1`,
          [acme.id],
        );
        expect(audit).toEqual({
          actor_id: acme.admin.id,
          metadata: { base_currency: 'USD', rows: 3, currencies: ['CAD', 'NOK'] },
        });
      });

      it('refuses a file with any bad line, naming each problem by line, and imports none of it', async () => {
        const csv = [
          'date,currency,rate',
          '2025-04-10,EUR,1.09',
          '2025-04-31,GBP,1.27',
          '2025-04-10,usd,1',
          '2025-04-10,USD,1',
          '2025-04-10,JPY,-0.0066',
          '2025-04-10,EUR,1.10',
          '2025-04-10,CHF,0.9,extra',
        ].join('\n');
        const response = await importCsv(acme.admin).send(csv);
        expectProblem(response, 422, 'INVALID_RATES_CSV');
        expect(response.body.detail).toBe('6 problems in the file; nothing was imported');
        expect(response.body.errors).toEqual([
          { field: 'line 3', message: 'date "2025-04-31" is not a YYYY-MM-DD calendar date' },
          { field: 'line 4', message: 'currency "usd" is not an ISO-4217 code' },
          { field: 'line 5', message: 'USD is the base currency' },
          { field: 'line 6', message: 'rate "-0.0066" is not a positive decimal' },
          { field: 'line 7', message: 'repeats EUR on 2025-04-10' },
          { field: 'line 8', message: 'must have exactly three values: date,currency,rate' },
        ]);
        expect((await ratesOf(acme.admin, '?from=2025-04-10&to=2025-04-10')).total).toBe(0);
      });

      it('names the line as it is in the file, counting blank lines', async () => {
        const response = await importCsv(acme.admin).send(
          'date,currency,rate\n2025-04-11,EUR,1.09\n\n2025-04-11,GBP,abc\n',
        );
        expectProblem(response, 422, 'INVALID_RATES_CSV');
        expect(response.body.errors).toEqual([{ field: 'line 4', message: 'rate "abc" is not a positive decimal' }]);
      });

      it('reads a file saved with a byte-order mark (spreadsheet "CSV UTF-8")', async () => {
        const response = await importCsv(acme.admin).send('\uFEFFdate,currency,rate\n2025-04-12,EUR,1.1\n').expect(200);
        expect(response.body).toEqual({ imported: 1 });
      });

      it.each([
        ['no header', '2025-04-13,EUR,1.1\n', 'The first line must be the header date,currency,rate'],
        ['a header alone', 'date,currency,rate\n', 'The file must hold 1 to 10000 rates'],
        ['an empty body', '', 'The first line must be the header date,currency,rate'],
        [
          'an unclosed quote',
          'date,currency,rate\n2025-04-13,"EUR,1.1\n',
          expect.stringMatching(/^The file is not readable CSV/),
        ],
      ])('refuses %s with 422 INVALID_RATES_CSV', async (_, csv, detail) => {
        const response = await importCsv(acme.admin).send(csv);
        expectProblem(response, 422, 'INVALID_RATES_CSV');
        expect(response.body.detail).toEqual(detail);
        expect((await ratesOf(acme.admin, '?from=2025-04-13&to=2025-04-13')).total).toBe(0);
      });

      it('refuses anything but text/csv with 400 UNSUPPORTED_CONTENT_TYPE', async () => {
        const json = await t.as(acme.admin).post('/exchange-rates/import', {
          csv: 'date,currency,rate\n2025-04-14,EUR,1.1',
        });
        expectProblem(json, 400, 'UNSUPPORTED_CONTENT_TYPE');
        const plain = await request(t.http)
          .post('/api/v1/exchange-rates/import')
          .set(bearer(acme.admin.accessToken))
          .set('Content-Type', 'text/plain')
          .send('date,currency,rate\n2025-04-14,EUR,1.1\n');
        expectProblem(plain, 400, 'UNSUPPORTED_CONTENT_TYPE');
        expect((await ratesOf(acme.admin, '?from=2025-04-14&to=2025-04-14')).total).toBe(0);
      });
    });

    describe('listing', () => {
      let org: TestOrganization;
      let reader: TestUser;

      beforeAll(async () => {
        org = await t.given.organization('Rate Lister');
        reader = await t.given.user(org, 'employee');
        await importCsv(org.admin)
          .send(
            [
              'date,currency,rate',
              '2025-05-01,EUR,1.08',
              '2025-05-01,GBP,1.26',
              '2025-05-02,EUR,1.09',
              '2025-05-03,EUR,1.1',
              '2025-05-03,CHF,1.12',
              '2025-05-03,JPY,0.0067',
            ].join('\n'),
          )
          .expect(200);
      });

      it("lists the organization's rates to anyone in it, newest date first, then by currency", async () => {
        const listed = await ratesOf(reader, '');
        expect(listed.total).toBe(6);
        expect(listed.next_cursor).toBeNull();
        expect(listed.items.map((r) => `${r.date} ${r.currency} ${r.rate}`)).toEqual([
          '2025-05-03 JPY 0.0067',
          '2025-05-03 EUR 1.1',
          '2025-05-03 CHF 1.12',
          '2025-05-02 EUR 1.09',
          '2025-05-01 GBP 1.26',
          '2025-05-01 EUR 1.08',
        ]);
        expect(listed.items.every((r) => r.base_currency === 'USD')).toBe(true);
      });

      it('filters by currency and by date range, inclusive', async () => {
        const euro = await ratesOf(reader, '?currency=EUR');
        expect(euro.items.map((r) => r.date)).toEqual(['2025-05-03', '2025-05-02', '2025-05-01']);
        const range = await ratesOf(reader, '?from=2025-05-02&to=2025-05-03&currency=EUR');
        expect(range).toMatchObject({ total: 2 });
        expect(range.items.map((r) => r.date)).toEqual(['2025-05-03', '2025-05-02']);
        expect(await ratesOf(reader, '?from=2025-06-01')).toEqual({ total: 0, items: [], next_cursor: null });
      });

      it('pages by offset and by keyset cursor: following next_cursor visits every rate once, in order', async () => {
        const all = await ratesOf(reader, '?limit=100');
        const offsetPage = await ratesOf(reader, '?limit=2&offset=2');
        expect(offsetPage.items.map((r) => r.id)).toEqual(all.items.slice(2, 4).map((r) => r.id));
        const seen: string[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const page: Listed = await ratesOf(
            reader,
            `?limit=4${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
          );
          expect(page.total).toBe(6);
          seen.push(...page.items.map((r) => r.id));
          cursor = page.next_cursor;
          pages += 1;
        } while (cursor !== null && pages < 10);
        expect(pages).toBe(2);
        expect(seen).toEqual(all.items.map((r) => r.id));
      });

      it('refuses bad filters and a cursor it did not issue with 422', async () => {
        const response = await t.as(reader).get('/exchange-rates?currency=euro&from=2025-13-01&to=yesterday&base=USD');
        expectProblem(response, 422, 'VALIDATION_FAILED');
        expect(fieldsOf(response.body.errors)).toEqual(['base', 'currency', 'from', 'to']);
        expectProblem(await t.as(reader).get('/exchange-rates?cursor=garbage'), 422, 'INVALID_CURSOR');
        const forged = Buffer.from(JSON.stringify(['2025-05-03', 'EUR', 'not-a-uuid'])).toString('base64url');
        expectProblem(await t.as(reader).get(`/exchange-rates?cursor=${forged}`), 422, 'INVALID_CURSOR');
      });
    });

    describe('who may change rates', () => {
      it.each<LadderRole>(['employee', 'manager', 'finance'])(
        'refuses a(n) %s setting or importing rates with 403, changing nothing',
        async (role) => {
          const caller = byRole(role);
          expectProblem(
            await t.as(caller).post('/exchange-rates', { currency: 'PLN', rate: '0.25', date: '2025-03-10' }),
            403,
            'INSUFFICIENT_PERMISSIONS',
          );
          expectProblem(
            await importCsv(caller).send('date,currency,rate\n2025-03-10,PLN,0.25\n'),
            403,
            'INSUFFICIENT_PERMISSIONS',
          );
          expect(await count(`SELECT count(*) FROM exchange_rates WHERE currency = 'PLN'`)).toBe(0);
          await t.as(caller).get('/exchange-rates').expect(200);
        },
      );

      it('refuses a caller without a token with 401', async () => {
        expectProblem(await request(t.http).get('/api/v1/exchange-rates'), 401, 'AUTHENTICATION_REQUIRED');
        expectProblem(
          await request(t.http)
            .post('/api/v1/exchange-rates')
            .send({ currency: 'PLN', rate: '0.25', date: '2025-03-10' }),
          401,
          'AUTHENTICATION_REQUIRED',
        );
        const csv = await request(t.http)
          .post('/api/v1/exchange-rates/import')
          .set('Content-Type', 'text/csv')
          .send('date,currency,rate\n2025-03-10,PLN,0.25\n');
        expectProblem(csv, 401, 'AUTHENTICATION_REQUIRED');
        expect(await count(`SELECT count(*) FROM exchange_rates WHERE currency = 'PLN'`)).toBe(0);
      });
    });

    describe('tenancy: each organization has its own rates', () => {
      it("never lists or converts with another organization's rates", async () => {
        const date = '2025-03-20';
        const acmeRate = (
          await t.as(acme.admin).post('/exchange-rates', { currency: 'DKK', rate: '0.145', date }).expect(201)
        ).body as RateBody;
        await importCsv(globex.admin).send(`date,currency,rate\n${date},DKK,0.2\n${date},SEK,0.09\n`).expect(200);

        const acmeList = await ratesOf(employee, `?from=${date}&to=${date}`);
        expect(acmeList.items).toEqual([acmeRate]);
        const globexList = await ratesOf(globex.admin, `?from=${date}&to=${date}`);
        expect(globexList.items.map((r) => `${r.currency} ${r.rate}`)).toEqual(['SEK 0.09', 'DKK 0.2']);
        expect(globexList.items.map((r) => r.id)).not.toContain(acmeRate.id);

        const acmeSim = await t
          .as(acme.admin)
          .post('/policies/simulate', { amount: '100.00', currency: 'DKK', spend_date: date })
          .expect(200);
        expect(acmeSim.body.base_amount).toBe('14.50');
        const globexSim = await t
          .as(globex.admin)
          .post('/policies/simulate', { amount: '100.00', currency: 'DKK', spend_date: date })
          .expect(200);
        expect(globexSim.body.base_amount).toBe('20.00');
        expectProblem(
          await t.as(globex.admin).post('/policies/simulate', { amount: '100.00', currency: 'CHF', spend_date: today }),
          422,
          'EXCHANGE_RATE_MISSING',
        );
      });
    });
  });
});
