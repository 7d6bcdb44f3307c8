import request from 'supertest';
import type { LadderRole } from '../src/common/auth/roles';
import type { TestOrganization, TestUser } from './helpers/given';
import { expectProblem } from './helpers/problems';
import { createTestApp, TestApp } from './helpers/test-app';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

interface Listed {
  total: number;
  items: Array<{ id: string; [field: string]: unknown }>;
  next_cursor: string | null;
}

interface CatalogItemBody {
  id: string;
  name: string;
  code: string | null;
  is_active: boolean;
  created_at: string;
}

/**
 * The organization itself (its name, base currency and settings) and the reference data its
 * spends point at: expense categories and vendors.
 */
describe('Organization settings, categories and vendors', () => {
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
    employee = await t.given.user(acme, 'employee');
    manager = await t.given.user(acme, 'manager');
    finance = await t.given.user(acme, 'finance');
  });
  afterAll(() => t.close());

  const anonymous = () => request(t.http);

  const auditOf = async (
    organizationId: string,
    entityId: string,
  ): Promise<Array<{ action: string; actor_id: string | null; metadata: Record<string, unknown> }>> =>
    t.dataSource.query(
      `SELECT action, actor_id, metadata FROM audit_logs WHERE organization_id = $1 AND entity_id = $2 ORDER BY seq`,
      [organizationId, entityId],
    );
  const fieldsOf = (errors: Array<{ field: string }>) => [...new Set(errors.map((e) => e.field))].sort();
  const suffix = () => Math.random().toString(16).slice(2, 8);

  describe('the organization', () => {
    it.each<LadderRole>(['employee', 'manager', 'finance', 'admin'])(
      'shows a(n) %s their own organization',
      async (role) => {
        const response = await t.as(byRole(role)).get('/organization').expect(200);
        expect(response.body).toEqual({
          id: acme.id,
          name: 'Acme',
          base_currency: 'USD',
          settings: {},
          created_at: expect.stringMatching(ISO_TIMESTAMP),
        });
        expect((await t.as(globex.admin).get('/organization').expect(200)).body).toMatchObject({
          id: globex.id,
          name: 'Globex',
        });
      },
    );

    it('refuses a caller without a token with 401', async () => {
      expectProblem(await anonymous().get('/api/v1/organization'), 401, 'AUTHENTICATION_REQUIRED');
      expectProblem(
        await anonymous().patch('/api/v1/organization').send({ name: 'Anon Inc' }),
        401,
        'AUTHENTICATION_REQUIRED',
      );
    });

    describe('changing it (admin)', () => {
      let org: TestOrganization;
      let member: TestUser;

      beforeAll(async () => {
        org = await t.given.organization('Initech');
        member = await t.given.user(org, 'employee');
      });

      it('renames the organization; everyone in it sees the new name, nobody else is touched; audited', async () => {
        const response = await t.as(org.admin).patch('/organization', { name: '  Initech Global  ' }).expect(200);
        expect(response.body).toEqual({
          id: org.id,
          name: 'Initech Global',
          base_currency: 'USD',
          settings: {},
          created_at: expect.stringMatching(ISO_TIMESTAMP),
        });
        expect((await t.as(member).get('/organization').expect(200)).body).toEqual(response.body);
        expect((await t.as(acme.admin).get('/organization').expect(200)).body.name).toBe('Acme');
        const audit = await auditOf(org.id, org.id);
        expect(audit.at(-1)).toEqual({
          action: 'organization.updated',
          actor_id: org.admin.id,
          metadata: { changes: { name: { from: 'Initech', to: 'Initech Global' } } },
        });
      });

      it('merges settings into the current ones, and resets a setting sent as null', async () => {
        const zone = await t
          .as(org.admin)
          .patch('/organization', { settings: { timezone: 'Europe/Berlin' } })
          .expect(200);
        expect(zone.body.settings).toEqual({ timezone: 'Europe/Berlin' });
        const fiscal = await t
          .as(org.admin)
          .patch('/organization', { settings: { fiscal_year_start_month: 4 } })
          .expect(200);
        expect(fiscal.body.settings).toEqual({ timezone: 'Europe/Berlin', fiscal_year_start_month: 4 });
        const reset = await t
          .as(org.admin)
          .patch('/organization', { settings: { timezone: null } })
          .expect(200);
        expect(reset.body.settings).toEqual({ fiscal_year_start_month: 4 });
        expect((await t.as(member).get('/organization').expect(200)).body.settings).toEqual({
          fiscal_year_start_month: 4,
        });
        const [row] = await t.dataSource.query(`SELECT settings FROM organizations WHERE id = $1`, [org.id]);
        expect(row.settings).toEqual({ fiscal_year_start_month: 4 });
      });

      it.each<[string, object, string[]]>([
        ['a blank name', { name: '   ' }, ['name']],
        ['a name over 200 characters', { name: 'x'.repeat(201) }, ['name']],
        ['a lower-case currency', { base_currency: 'eur' }, ['base_currency']],
        ['a code that is no currency', { base_currency: 'ZZZ' }, ['base_currency']],
        ['a precious metal', { base_currency: 'XAU' }, ['base_currency']],
        ['a currency that is not a string', { base_currency: 978 }, ['base_currency']],
        ['an unknown time zone', { settings: { timezone: 'Mars/Olympus_Mons' } }, ['settings.timezone']],
        ['a thirteenth month', { settings: { fiscal_year_start_month: 13 } }, ['settings.fiscal_year_start_month']],
        ['a fractional month', { settings: { fiscal_year_start_month: 1.5 } }, ['settings.fiscal_year_start_month']],
        ['an unknown setting', { settings: { week_starts_on: 'monday' } }, ['settings.week_starts_on']],
        ['settings that are not an object', { settings: 'none' }, ['settings']],
        [
          'fields that cannot be changed',
          { id: UNKNOWN_ID, created_at: '2020-01-01T00:00:00.000Z' },
          ['created_at', 'id'],
        ],
      ])('refuses %s with 422 naming the field, and changes nothing', async (_, body, fields) => {
        const before = (await t.as(org.admin).get('/organization').expect(200)).body;
        const response = await t.as(org.admin).patch('/organization', body);
        expectProblem(response, 422, 'VALIDATION_FAILED');
        expect(fieldsOf(response.body.errors)).toEqual(fields);
        expect((await t.as(org.admin).get('/organization').expect(200)).body).toEqual(before);
      });

      it('names an unknown setting as not recognised', async () => {
        const response = await t.as(org.admin).patch('/organization', { settings: { week_starts_on: 'monday' } });
        expect(response.body.errors).toEqual([
          { field: 'settings.week_starts_on', message: 'is not a recognised field' },
        ]);
      });

      it.each<LadderRole>(['employee', 'manager', 'finance'])(
        'refuses a(n) %s any change with 403 INSUFFICIENT_PERMISSIONS',
        async (role) => {
          const response = await t.as(byRole(role)).patch('/organization', {
            name: `Taken over by ${role}`,
            base_currency: 'EUR',
          });
          expectProblem(response, 403, 'INSUFFICIENT_PERMISSIONS');
          expect((await t.as(acme.admin).get('/organization').expect(200)).body).toMatchObject({
            name: 'Acme',
            base_currency: 'USD',
          });
        },
      );
    });

    describe('changing the base currency', () => {
      let org: TestOrganization;

      beforeAll(async () => {
        org = await t.given.organization('Euro Co');
        await t.given.rate(org.admin, 'EUR', '1.1', today);
      });

      it('converts new spends into the new base currency and takes rates into it from then on', async () => {
        const before = await t
          .as(org.admin)
          .post('/policies/simulate', { amount: '100.00', currency: 'EUR', spend_date: today })
          .expect(200);
        expect(before.body).toMatchObject({ base_amount: '110.00', base_currency: 'USD' });

        const response = await t.as(org.admin).patch('/organization', { base_currency: 'EUR' }).expect(200);
        expect(response.body.base_currency).toBe('EUR');
        const [audit] = (await auditOf(org.id, org.id)).filter((entry) => entry.action === 'organization.updated');
        expect(audit.metadata).toEqual({ changes: { base_currency: { from: 'USD', to: 'EUR' } } });

        const euro = await t
          .as(org.admin)
          .post('/policies/simulate', { amount: '100.00', currency: 'EUR', spend_date: today })
          .expect(200);
        expect(euro.body).toMatchObject({ base_amount: '100.00', base_currency: 'EUR' });
        // The USD-based rate does not convert into EUR: dollars now need a rate of their own.
        expectProblem(
          await t.as(org.admin).post('/policies/simulate', { amount: '100.00', currency: 'USD', spend_date: today }),
          422,
          'EXCHANGE_RATE_MISSING',
        );
        expectProblem(
          await t.as(org.admin).post('/exchange-rates', { currency: 'EUR', rate: '1', date: today }),
          422,
          'SAME_AS_BASE_CURRENCY',
        );
        const usd = await t
          .as(org.admin)
          .post('/exchange-rates', { currency: 'USD', rate: '0.92', date: today })
          .expect(201);
        expect(usd.body).toMatchObject({ currency: 'USD', base_currency: 'EUR', rate: '0.92', date: today });
        const dollars = await t
          .as(org.admin)
          .post('/policies/simulate', { amount: '100.00', currency: 'USD', spend_date: today })
          .expect(200);
        expect(dollars.body).toMatchObject({ base_amount: '92.00', base_currency: 'EUR' });
        // Earlier rates stay listed with the base currency they were set for.
        const rates = (await t.as(org.admin).get('/exchange-rates').expect(200)).body as Listed;
        expect(rates.items.map((r) => `${r.currency}->${r.base_currency}`).sort()).toEqual(['EUR->USD', 'USD->EUR']);
      });
    });
  });

  describe.each([
    { path: 'categories', noun: 'category', prefix: 'CATEGORY', reference: 'category_id' },
    { path: 'vendors', noun: 'vendor', prefix: 'VENDOR', reference: 'vendor_id' },
  ] as const)('/$path', ({ path, noun, prefix, reference }) => {
    const url = `/${path}`;
    const create = async (org: TestOrganization, body: object = {}): Promise<CatalogItemBody> =>
      (
        await t
          .as(org.admin)
          .post(url, { name: `${noun} ${suffix()}`, ...body })
          .expect(201)
      ).body;
    const spendWith = (user: TestUser, itemId: string) =>
      t.as(user).post('/spends', { amount: '9.50', currency: 'USD', spend_date: today, [reference]: itemId });

    describe('creating and reading', () => {
      it(`creates a ${noun}: 201, trimmed, active, readable by anyone in the organization, audited`, async () => {
        const name = `Travel ${suffix()}`;
        const code = `T-${suffix()}`;
        const response = await t
          .as(acme.admin)
          .post(url, { name: `  ${name} `, code: ` ${code} ` })
          .expect(201);
        expect(response.body).toEqual({
          id: expect.stringMatching(UUID),
          name,
          code,
          is_active: true,
          created_at: expect.stringMatching(ISO_TIMESTAMP),
        });
        for (const reader of [employee, manager, finance, acme.admin]) {
          expect((await t.as(reader).get(`${url}/${response.body.id}`).expect(200)).body).toEqual(response.body);
        }
        const listed = (await t.as(employee).get(`${url}?limit=100`).expect(200)).body as Listed;
        expect(listed.items).toEqual(expect.arrayContaining([response.body]));
        expect(await auditOf(acme.id, response.body.id)).toEqual([
          { action: `${noun}.created`, actor_id: acme.admin.id, metadata: { name, code } },
        ]);
      });

      it(`creates a ${noun} without a code, or with code null`, async () => {
        expect((await create(acme)).code).toBeNull();
        expect((await create(acme, { code: null })).code).toBeNull();
      });

      it(`lets a spend name an active ${noun}`, async () => {
        const item = await create(acme);
        const spend = await spendWith(employee, item.id).expect(201);
        expect(spend.body[reference]).toBe(item.id);
      });

      it(`refuses a name already used, whatever its case, with 409 ${prefix}_NAME_TAKEN; another organization may use it`, async () => {
        const existing = await create(acme);
        const response = await t.as(acme.admin).post(url, { name: ` ${existing.name.toUpperCase()} ` });
        expectProblem(response, 409, `${prefix}_NAME_TAKEN`);
        const [{ count }] = await t.dataSource.query(
          `SELECT count(*)::int AS count FROM ${path} WHERE organization_id = $1 AND lower(name) = lower($2)`,
          [acme.id, existing.name],
        );
        expect(count).toBe(1);
        await t.as(globex.admin).post(url, { name: existing.name }).expect(201);
      });

      it(`refuses a code already used with 409 ${prefix}_CODE_TAKEN; another organization may use it`, async () => {
        const existing = await create(acme, { code: `C-${suffix()}` });
        const name = `Other ${suffix()}`;
        expectProblem(await t.as(acme.admin).post(url, { name, code: existing.code }), 409, `${prefix}_CODE_TAKEN`);
        expect(await t.dataSource.query(`SELECT id FROM ${path} WHERE name = $1`, [name])).toEqual([]);
        await t.as(globex.admin).post(url, { name: existing.name, code: existing.code }).expect(201);
      });

      it('answers exactly one 201 when the same name is created twice at once', async () => {
        const body = { name: `Racer ${suffix()}` };
        const answers = await Promise.all([t.as(acme.admin).post(url, body), t.as(acme.admin).post(url, body)]);
        expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
        expectProblem(
          answers.find((a) => a.status === 409)!,
          409,
          `${prefix}_NAME_TAKEN`,
        );
      });

      it.each<[string, object, string[]]>([
        ['no name', {}, ['name']],
        ['a blank name', { name: '  ' }, ['name']],
        ['a name over 200 characters', { name: 'n'.repeat(201) }, ['name']],
        ['a name that is not a string', { name: 42 }, ['name']],
        ['a code with spaces', { name: 'Coded', code: 'GL 6400' }, ['code']],
        ['an empty code', { name: 'Coded', code: '' }, ['code']],
        ['a code over 50 characters', { name: 'Coded', code: 'c'.repeat(51) }, ['code']],
        ['an unknown field', { name: 'Coded', colour: 'red' }, ['colour']],
        ['is_active, which a new item cannot set', { name: 'Coded', is_active: false }, ['is_active']],
      ])('refuses %s with 422 naming the field', async (_, body, fields) => {
        const response = await t.as(acme.admin).post(url, body);
        expectProblem(response, 422, 'VALIDATION_FAILED');
        expect(fieldsOf(response.body.errors)).toEqual(fields);
      });

      it('says what is wrong', async () => {
        const response = await t.as(acme.admin).post(url, { code: 'a b', colour: 'red' });
        expect(response.body.errors).toEqual(
          expect.arrayContaining([
            { field: 'name', message: 'is required' },
            { field: 'code', message: 'may contain letters, digits and . _ - / only' },
            { field: 'colour', message: 'is not a recognised field' },
          ]),
        );
      });
    });

    describe('changing', () => {
      it(`renames a ${noun}, changes its code and removes it with null; audited with what changed`, async () => {
        const item = await create(acme, { code: `OLD-${suffix()}` });
        const renamed = await t
          .as(acme.admin)
          .patch(`${url}/${item.id}`, { name: ' Renamed ', code: 'NEW/1' })
          .expect(200);
        const name = 'Renamed';
        expect(renamed.body).toEqual({ ...item, name, code: 'NEW/1' });
        const uncoded = await t.as(acme.admin).patch(`${url}/${item.id}`, { code: null }).expect(200);
        expect(uncoded.body).toEqual({ ...item, name, code: null });
        expect((await t.as(employee).get(`${url}/${item.id}`).expect(200)).body).toEqual(uncoded.body);
        const audit = await auditOf(acme.id, item.id);
        expect(audit.map((a) => a.action)).toEqual([`${noun}.created`, `${noun}.updated`, `${noun}.updated`]);
        expect(audit[1].metadata).toEqual({
          changes: { name: { from: item.name, to: name }, code: { from: item.code, to: 'NEW/1' } },
        });
        expect(audit[2].metadata).toEqual({ changes: { code: { from: 'NEW/1', to: null } } });
      });

      it("lets an item change the case of its own name, but not take another's name or code", async () => {
        const item = await create(acme);
        const other = await create(acme, { code: `O-${suffix()}` });
        await t.as(acme.admin).patch(`${url}/${item.id}`, { name: item.name.toUpperCase() }).expect(200);
        expectProblem(
          await t.as(acme.admin).patch(`${url}/${item.id}`, { name: other.name.toLowerCase() }),
          409,
          `${prefix}_NAME_TAKEN`,
        );
        expectProblem(
          await t.as(acme.admin).patch(`${url}/${item.id}`, { code: other.code }),
          409,
          `${prefix}_CODE_TAKEN`,
        );
        expect((await t.as(acme.admin).get(`${url}/${item.id}`).expect(200)).body).toMatchObject({
          name: item.name.toUpperCase(),
          code: null,
        });
      });

      it('refuses bad values and unknown fields with 422, changing nothing', async () => {
        const item = await create(acme);
        const response = await t.as(acme.admin).patch(`${url}/${item.id}`, {
          name: '',
          code: 'bad code',
          is_active: 'no',
          created_at: '2020-01-01',
        });
        expectProblem(response, 422, 'VALIDATION_FAILED');
        expect(fieldsOf(response.body.errors)).toEqual(['code', 'created_at', 'is_active', 'name']);
        expect((await t.as(acme.admin).get(`${url}/${item.id}`).expect(200)).body).toEqual(item);
      });
    });

    describe('retiring (DELETE) and bringing back', () => {
      it(`retires a ${noun}: it stays readable and on the spends that name it, but new spends cannot choose it`, async () => {
        const item = await create(acme);
        const earlier = (await spendWith(employee, item.id).expect(201)).body;
        const response = await t.as(acme.admin).delete(`${url}/${item.id}`).expect(200);
        expect(response.body).toEqual({ message: 'Deleted successfully' });

        expect((await t.as(employee).get(`${url}/${item.id}`).expect(200)).body).toEqual({ ...item, is_active: false });
        expect((await t.as(employee).get(`/spends/${earlier.id}`).expect(200)).body[reference]).toBe(item.id);
        const refused = await spendWith(employee, item.id);
        expectProblem(refused, 422, 'INVALID_REFERENCE');
        expect(refused.body.errors).toEqual([
          { field: reference, message: `must name an active ${noun} of this organization` },
        ]);
        expect((await auditOf(acme.id, item.id)).map((a) => a.action)).toEqual([`${noun}.created`, `${noun}.deleted`]);
      });

      it('answers a second DELETE the same way without recording it again', async () => {
        const item = await create(acme);
        await t.as(acme.admin).delete(`${url}/${item.id}`).expect(200);
        const again = await t.as(acme.admin).delete(`${url}/${item.id}`).expect(200);
        expect(again.body).toEqual({ message: 'Deleted successfully' });
        expect((await auditOf(acme.id, item.id)).map((a) => a.action)).toEqual([`${noun}.created`, `${noun}.deleted`]);
      });

      it("keeps a retired item's name and code taken", async () => {
        const item = await create(acme, { code: `R-${suffix()}` });
        await t.as(acme.admin).delete(`${url}/${item.id}`).expect(200);
        expectProblem(await t.as(acme.admin).post(url, { name: item.name }), 409, `${prefix}_NAME_TAKEN`);
        expectProblem(
          await t.as(acme.admin).post(url, { name: `Fresh ${suffix()}`, code: item.code }),
          409,
          `${prefix}_CODE_TAKEN`,
        );
      });

      it('brings a retired item back with is_active: true, and retires it with is_active: false', async () => {
        const item = await create(acme);
        await t.as(acme.admin).delete(`${url}/${item.id}`).expect(200);
        const back = await t.as(acme.admin).patch(`${url}/${item.id}`, { is_active: true }).expect(200);
        expect(back.body).toEqual(item);
        await spendWith(employee, item.id).expect(201);
        const off = await t.as(acme.admin).patch(`${url}/${item.id}`, { is_active: false }).expect(200);
        expect(off.body.is_active).toBe(false);
        expectProblem(await spendWith(employee, item.id), 422, 'INVALID_REFERENCE');
      });
    });

    describe('who may change them', () => {
      it.each<LadderRole>(['employee', 'manager', 'finance'])(
        'refuses a(n) %s every change with 403, changing nothing, but lets them read',
        async (role) => {
          const caller = byRole(role);
          const item = await create(acme);
          const name = `By ${role} ${suffix()}`;
          expectProblem(await t.as(caller).post(url, { name }), 403, 'INSUFFICIENT_PERMISSIONS');
          expectProblem(
            await t.as(caller).patch(`${url}/${item.id}`, { name: 'Renamed' }),
            403,
            'INSUFFICIENT_PERMISSIONS',
          );
          expectProblem(await t.as(caller).delete(`${url}/${item.id}`), 403, 'INSUFFICIENT_PERMISSIONS');
          expect(await t.dataSource.query(`SELECT id FROM ${path} WHERE name = $1`, [name])).toEqual([]);
          expect((await t.as(caller).get(`${url}/${item.id}`).expect(200)).body).toEqual(item);
          await t.as(caller).get(url).expect(200);
        },
      );

      it('refuses a caller without a token with 401', async () => {
        const item = await create(acme);
        expectProblem(await anonymous().get(`/api/v1${url}`), 401, 'AUTHENTICATION_REQUIRED');
        expectProblem(await anonymous().get(`/api/v1${url}/${item.id}`), 401, 'AUTHENTICATION_REQUIRED');
        expectProblem(await anonymous().post(`/api/v1${url}`).send({ name: 'Anon' }), 401, 'AUTHENTICATION_REQUIRED');
        expectProblem(
          await anonymous().patch(`/api/v1${url}/${item.id}`).send({ name: 'Anon' }),
          401,
          'AUTHENTICATION_REQUIRED',
        );
        expectProblem(await anonymous().delete(`/api/v1${url}/${item.id}`), 401, 'AUTHENTICATION_REQUIRED');
        expect((await t.as(acme.admin).get(`${url}/${item.id}`).expect(200)).body).toEqual(item);
      });
    });

    describe("tenancy: another organization's items do not exist", () => {
      it(`answers 404 ${prefix}_NOT_FOUND to read, change or retire another organization's ${noun}, and changes nothing`, async () => {
        const foreign = await create(globex, { code: `G-${suffix()}` });
        expectProblem(await t.as(acme.admin).get(`${url}/${foreign.id}`), 404, `${prefix}_NOT_FOUND`);
        expectProblem(await t.as(employee).get(`${url}/${foreign.id}`), 404, `${prefix}_NOT_FOUND`);
        expectProblem(
          await t.as(acme.admin).patch(`${url}/${foreign.id}`, { name: 'Hijacked', is_active: false }),
          404,
          `${prefix}_NOT_FOUND`,
        );
        expectProblem(await t.as(acme.admin).delete(`${url}/${foreign.id}`), 404, `${prefix}_NOT_FOUND`);
        expect((await t.as(globex.admin).get(`${url}/${foreign.id}`).expect(200)).body).toEqual(foreign);
        const acmeList = (await t.as(acme.admin).get(`${url}?limit=100`).expect(200)).body as Listed;
        expect(acmeList.items.map((item) => item.id)).not.toContain(foreign.id);
        const spend = await spendWith(employee, foreign.id);
        expectProblem(spend, 422, 'INVALID_REFERENCE');
      });

      it('answers the same 404 for an id that exists nowhere, and 422 for one that is not a UUID', async () => {
        expectProblem(await t.as(acme.admin).get(`${url}/${UNKNOWN_ID}`), 404, `${prefix}_NOT_FOUND`);
        expectProblem(
          await t.as(acme.admin).patch(`${url}/${UNKNOWN_ID}`, { name: 'Nobody' }),
          404,
          `${prefix}_NOT_FOUND`,
        );
        expectProblem(await t.as(acme.admin).delete(`${url}/${UNKNOWN_ID}`), 404, `${prefix}_NOT_FOUND`);
        for (const response of [
          await t.as(acme.admin).get(`${url}/travel`),
          await t.as(acme.admin).patch(`${url}/travel`, { name: 'X' }),
          await t.as(acme.admin).delete(`${url}/travel`),
        ]) {
          expectProblem(response, 422, 'VALIDATION_FAILED');
          expect(response.body.errors).toEqual([{ field: 'id', message: 'must be a UUID' }]);
        }
      });
    });

    describe('listing', () => {
      let org: TestOrganization;
      let items: Record<string, CatalogItemBody>;

      beforeAll(async () => {
        org = await t.given.organization(`${noun} lister`);
        items = {};
        for (const [name, code] of [
          ['delta', 'D-4'],
          ['Alpha', null],
          ['charlie', 'GL_6400'],
          ['Echo', 'E-5'],
          ['bravo 100%', 'B-2'],
        ] as const) {
          items[name] = await create(org, { name, code });
        }
        await t.as(org.admin).delete(`${url}/${items.Echo.id}`).expect(200);
      });
      const names = (page: Listed) => page.items.map((item) => item.name as string);
      const list = async (query = '') => (await t.as(org.admin).get(`${url}${query}`).expect(200)).body as Listed;

      it('lists every item by name, ignoring case, retired ones included, with the total', async () => {
        const page = await list();
        expect(page).toMatchObject({ total: 5, next_cursor: null });
        expect(names(page)).toEqual(['Alpha', 'bravo 100%', 'charlie', 'delta', 'Echo']);
        expect(page.items[4]).toEqual({ ...items.Echo, is_active: false });
      });

      it('filters active or retired items', async () => {
        expect(names(await list('?is_active=true'))).toEqual(['Alpha', 'bravo 100%', 'charlie', 'delta']);
        expect(await list('?is_active=false')).toMatchObject({ total: 1, items: [{ name: 'Echo', is_active: false }] });
      });

      it('finds items by part of the name or code, ignoring case, with LIKE wildcards taken literally', async () => {
        expect(names(await list('?q=ALP'))).toEqual(['Alpha']);
        expect(names(await list('?q=gl_64'))).toEqual(['charlie']);
        expect(names(await list(`?q=${encodeURIComponent('%')}`))).toEqual(['bravo 100%']);
        expect(names(await list('?q=_'))).toEqual(['charlie']);
        expect(await list('?q=zulu')).toEqual({ total: 0, items: [], next_cursor: null });
        expect(names(await list('?q=a&is_active=true'))).toEqual(['Alpha', 'bravo 100%', 'charlie', 'delta']);
      });

      it('pages by offset, and by keyset cursor visiting every item once, in order', async () => {
        const second = await list('?limit=2&offset=2');
        expect(second).toMatchObject({ total: 5, next_cursor: expect.any(String) });
        expect(names(second)).toEqual(['charlie', 'delta']);
        const seen: string[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const page: Listed = await list(`?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
          seen.push(...names(page));
          cursor = page.next_cursor;
          pages += 1;
        } while (cursor !== null && pages < 10);
        expect(seen).toEqual(['Alpha', 'bravo 100%', 'charlie', 'delta', 'Echo']);
        expect(pages).toBe(3);
      });

      it("is the organization's own: another organization lists only its own items", async () => {
        const page = (await t.as(acme.admin).get(`${url}?limit=100`).expect(200)).body as Listed;
        const ids = page.items.map((item) => item.id);
        for (const item of Object.values(items)) expect(ids).not.toContain(item.id);
      });

      it('refuses bad filters, limits and cursors with 422', async () => {
        const response = await t.as(org.admin).get(`${url}?is_active=maybe&limit=0&sort=name`);
        expectProblem(response, 422, 'VALIDATION_FAILED');
        expect(fieldsOf(response.body.errors)).toEqual(['is_active', 'limit', 'sort']);
        expect(response.body.errors).toEqual(
          expect.arrayContaining([{ field: 'is_active', message: 'must be true or false' }]),
        );
        expectProblem(await t.as(org.admin).get(`${url}?limit=101`), 422, 'VALIDATION_FAILED');
        expectProblem(await t.as(org.admin).get(`${url}?cursor=garbage`), 422, 'INVALID_CURSOR');
        const forged = Buffer.from(JSON.stringify(['alpha', 'not-a-uuid'])).toString('base64url');
        expectProblem(await t.as(org.admin).get(`${url}?cursor=${forged}`), 422, 'INVALID_CURSOR');
      });
    });
  });
});
