import { createHmac, randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { auditHash, auditKeyOf, HashedContent } from '../src/audit/audit-hash';
import { canonicalJson } from '../src/common/json/canonical-json';
import { AuditService, SystemActor } from '../src/audit/audit.service';
import { ChainKeying } from '../src/audit/chain-keying';
import type { TestOrganization, TestUser } from './helpers/given';
import { bearer, expectProblem } from './helpers/problems';
import { createTestApp, TestApp } from './helpers/test-app';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const SHA256 = /^[0-9a-f]{64}$/;
const CSV_HEADER = [
  'id',
  'actor_id',
  'actor_type',
  'action',
  'entity_type',
  'entity_id',
  'metadata',
  'request_id',
  'ip',
  'created_at',
  'hash',
  'prev_hash',
];

interface Entry {
  id: string;
  actor_id: string | null;
  actor_type: 'user' | 'api_key' | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  metadata: Record<string, unknown>;
  request_id: string | null;
  ip: string | null;
  created_at: string;
  hash: string;
  prev_hash: string | null;
}

interface EntryPage {
  total: number;
  items: Entry[];
  next_cursor: string | null;
}

/** Shared by the suites: the log as the API lists it and as the database holds it. */
function helpers(t: () => TestApp) {
  /** The organization's entry ids, newest first, straight from the table. */
  const idsInDatabase = async (organizationId: string, where = 'TRUE', params: unknown[] = []): Promise<string[]> =>
    (
      await t().dataSource.query(
        `SELECT id FROM audit_logs WHERE organization_id = $1 AND ${where} ORDER BY seq DESC`,
        [organizationId, ...params],
      )
    ).map((r: { id: string }) => r.id);
  const list = async (caller: TestUser, query = ''): Promise<EntryPage> =>
    (await t().as(caller).get(`/audit-logs${query}`).expect(200)).body;
  /** Every entry a filter matches, walking the pages by cursor. */
  const walk = async (caller: TestUser, filter = '', limit = 100): Promise<Entry[]> => {
    const items: Entry[] = [];
    let cursor: string | null = null;
    do {
      const page: EntryPage = await list(caller, `?limit=${limit}${filter}${cursor ? `&cursor=${cursor}` : ''}`);
      items.push(...page.items);
      cursor = page.next_cursor;
    } while (cursor);
    return items;
  };
  const verify = async (admin: TestUser) => (await t().as(admin).get('/audit-logs/verify').expect(200)).body;
  /** Writes entries as the application does, in one transaction, through the writer itself. */
  const record = (actor: SystemActor, events: Array<Parameters<AuditService['record']>[2]>) =>
    t().dataSource.transaction(async (tx) => {
      for (const event of events) await t().app.get(AuditService).record(tx, actor, event);
    });
  return { idsInDatabase, list, walk, verify, record };
}

describe('Audit log', () => {
  let t: TestApp;
  let acme: TestOrganization;
  let globex: TestOrganization;
  let employee: TestUser;
  let manager: TestUser;
  let finance: TestUser;
  const { idsInDatabase, list, walk, verify, record } = helpers(() => t);
  const anonymous = () => request(t.http);
  const category = async (admin: TestUser, name: string): Promise<string> =>
    (await t.as(admin).post('/categories', { name }).expect(201)).body.id;

  beforeAll(async () => {
    t = await createTestApp();
    acme = await t.given.organization('Acme');
    globex = await t.given.organization('Globex');
    employee = await t.given.user(acme, 'employee');
    manager = await t.given.user(acme, 'manager');
    finance = await t.given.user(acme, 'finance');
    for (const name of ['Globex travel', 'Globex meals']) await category(globex.admin, name);
  });
  afterAll(() => t.close());

  describe('what is recorded', () => {
    it('records every kind of state change docs/api.md lists, each in the log once', async () => {
      const travel = await category(acme.admin, 'Travel');
      await t.as(acme.admin).patch(`/categories/${travel}`, { name: 'Travel & lodging' }).expect(200);
      await t.as(acme.admin).delete(`/categories/${travel}`).expect(200);
      await t.as(acme.admin).patch(`/admin/users/${manager.id}`, { role: 'finance' }).expect(200);
      await t.as(acme.admin).patch(`/admin/users/${manager.id}`, { role: 'manager' }).expect(200);
      // The role changes ended the manager's sessions: later tests use a new one.
      manager = { ...manager, ...(await t.given.login(manager.email, manager.password)) };
      await request(t.http)
        .post('/api/v1/auth/login')
        .send({ email: employee.email, password: 'not-the-password' })
        .expect(401);
      await t.given.login(employee.email, employee.password);
      const policy = (
        await t
          .as(acme.admin)
          .post('/policies', {
            name: 'Admin approves everything',
            rules: [{ condition: { amount_gt: 0 }, action: { type: 'require_approval', approver: 'admin' } }],
          })
          .expect(201)
      ).body.id;
      const spend = (
        await t.as(employee).post('/spends', { amount: '38.34', currency: 'USD', spend_date: '2026-03-02' }).expect(201)
      ).body;
      expect(spend.status).toBe('pending_approval');
      await t.as(acme.admin).post(`/approvals/${spend.approvals[0].id}/decision`, { approved: true }).expect(200);
      await t.as(acme.admin).patch(`/policies/${policy}`, { is_active: false }).expect(200);
      await t.as(acme.admin).delete(`/policies/${policy}`).expect(200);

      const entries = await walk(finance);
      const actions = (entityId: string) =>
        entries
          .filter((e) => e.entity_id === entityId)
          .map((e) => e.action)
          .reverse();
      expect(actions(travel)).toEqual(['category.created', 'category.updated', 'category.deleted']);
      expect(actions(manager.id)).toEqual(expect.arrayContaining(['user.role_changed']));
      expect(
        entries.filter((e) => e.entity_id === manager.id && e.action === 'user.role_changed').map((e) => e.metadata),
      ).toEqual([
        { from: 'finance', to: 'manager' },
        { from: 'manager', to: 'finance' },
      ]);
      expect(actions(employee.id)).toEqual(expect.arrayContaining(['auth.login_failed', 'auth.login']));
      const failed = entries.find((e) => e.entity_id === employee.id && e.action === 'auth.login_failed')!;
      expect(failed).toMatchObject({
        actor_id: null,
        actor_type: null,
        metadata: { reason: 'bad_password' },
        ip: expect.any(String),
        request_id: expect.any(String),
      });
      expect(actions(policy)).toEqual(['policy.created', 'policy.updated', 'policy.deleted']);
      expect(actions(spend.id)).toEqual(expect.arrayContaining(['spend.created', 'spend.submitted', 'spend.approved']));
      expect(actions(spend.approvals[0].id)).toEqual(['approval.decided']);
      // Once each: no change is written twice.
      const keys = entries.map((e) => e.id);
      expect(new Set(keys).size).toBe(keys.length);
      expect(keys).toEqual(await idsInDatabase(acme.id));
    });
  });

  describe('GET /audit-logs', () => {
    it("answers finance and admin the organization's entries, newest first, with every field", async () => {
      for (const caller of [finance, acme.admin]) {
        const page = await list(caller, '?limit=100');
        expect(page.total).toBe((await idsInDatabase(acme.id)).length);
        expect(page.items.map((e) => e.id)).toEqual((await idsInDatabase(acme.id)).slice(0, 100));
        for (const entry of page.items) {
          expect(Object.keys(entry).sort()).toEqual([...CSV_HEADER].sort());
          expect(entry).toMatchObject({
            id: expect.stringMatching(UUID),
            created_at: expect.stringMatching(ISO_TIMESTAMP),
            hash: expect.stringMatching(SHA256),
          });
        }
        const times = page.items.map((e) => Date.parse(e.created_at));
        expect(times).toEqual([...times].sort((a, b) => b - a));
        // Each entry links to the one listed after it (the one before it in the chain).
        page.items.slice(0, -1).forEach((entry, i) => expect(entry.prev_hash).toBe(page.items[i + 1].hash));
      }
    });

    it('shows who, from where and through which request', async () => {
      const response = await t
        .as(acme.admin)
        .post('/categories', { name: 'Who did it' })
        .set('X-Request-Id', 'req-who-did-it')
        .expect(201);
      const [entry] = (await list(finance, `?entity_id=${response.body.id}`)).items;
      expect(entry).toMatchObject({
        actor_id: acme.admin.id,
        actor_type: 'user',
        action: 'category.created',
        entity_type: 'category',
        entity_id: response.body.id,
        metadata: { name: 'Who did it', code: null },
        request_id: 'req-who-did-it',
        ip: expect.stringMatching(/127\.0\.0\.1|::1/),
      });
    });

    it('refuses employees and managers with 403 and a caller without a token with 401', async () => {
      for (const caller of [employee, manager])
        expectProblem(await t.as(caller).get('/audit-logs'), 403, 'INSUFFICIENT_PERMISSIONS');
      expectProblem(await anonymous().get('/api/v1/audit-logs'), 401, 'AUTHENTICATION_REQUIRED');
      expectProblem(await anonymous().get('/api/v1/audit-logs').set(bearer('not-a-token')), 401, 'INVALID_TOKEN');
    });

    it("never shows another organization's entries, whatever the filter", async () => {
      const globexIds = new Set(await idsInDatabase(globex.id));
      expect(globexIds.size).toBeGreaterThan(0);
      const acmeEntries = await walk(acme.admin);
      expect(acmeEntries.filter((e) => globexIds.has(e.id))).toEqual([]);
      const [globexCategory] = await t.dataSource.query(
        `SELECT entity_id FROM audit_logs WHERE organization_id = $1 AND action = 'category.created' LIMIT 1`,
        [globex.id],
      );
      expect(await list(acme.admin, `?entity_id=${globexCategory.entity_id}`)).toEqual({
        total: 0,
        items: [],
        next_cursor: null,
      });
      expect(await list(acme.admin, `?actor_id=${globex.admin.id}`)).toEqual({
        total: 0,
        items: [],
        next_cursor: null,
      });
      const globexEntries = await walk(globex.admin);
      expect(globexEntries.map((e) => e.id)).toEqual(await idsInDatabase(globex.id));
    });

    describe('filters', () => {
      it('by action', async () => {
        const page = await list(finance, '?action=category.created&limit=100');
        expect(page.items.length).toBeGreaterThan(1);
        expect(page.items.every((e) => e.action === 'category.created')).toBe(true);
        expect(page.items.map((e) => e.id)).toEqual(await idsInDatabase(acme.id, `action = 'category.created'`));
        expect(page.total).toBe(page.items.length);
      });

      it('by entity type, by entity id (in any case), and both', async () => {
        const byType = await walk(finance, '&entity_type=user');
        expect(byType.map((e) => e.id)).toEqual(await idsInDatabase(acme.id, `entity_type = 'user'`));
        const byId = await list(finance, `?entity_id=${employee.id}`);
        expect(byId.items.length).toBeGreaterThan(0);
        expect(byId.items.map((e) => e.id)).toEqual(await idsInDatabase(acme.id, 'entity_id = $2', [employee.id]));
        expect((await list(finance, `?entity_id=${employee.id.toUpperCase()}`)).items).toEqual(byId.items);
        expect((await list(finance, `?entity_type=user&entity_id=${employee.id}`)).items).toEqual(byId.items);
        expect((await list(finance, `?entity_type=category&entity_id=${employee.id}`)).total).toBe(0);
      });

      it('by actor', async () => {
        const page = await walk(finance, `&actor_id=${employee.id}`);
        expect(page.length).toBeGreaterThan(0);
        expect(page.every((e) => e.actor_id === employee.id)).toBe(true);
        expect(page.map((e) => e.id)).toEqual(await idsInDatabase(acme.id, 'actor_id = $2', [employee.id]));
      });

      it('combine with AND', async () => {
        const page = await list(
          finance,
          `?actor_id=${acme.admin.id}&action=category.created&entity_type=category&limit=100`,
        );
        expect(page.items.map((e) => e.id)).toEqual(
          await idsInDatabase(acme.id, `actor_id = $2 AND action = 'category.created' AND entity_type = 'category'`, [
            acme.admin.id,
          ]),
        );
      });

      it('from and to include their bounds, as date-times to the millisecond and as whole UTC days', async () => {
        const all = await walk(finance);
        const middle = all[Math.floor(all.length / 2)];
        const at = middle.created_at;
        const sameMoment = all.filter((e) => e.created_at === at).map((e) => e.id);
        const shifted = (ms: number) => new Date(Date.parse(at) + ms).toISOString();

        expect((await walk(finance, `&from=${at}&to=${at}`)).map((e) => e.id)).toEqual(sameMoment);
        expect((await walk(finance, `&to=${at}`)).map((e) => e.id)).toEqual(
          all.filter((e) => e.created_at <= at).map((e) => e.id),
        );
        expect((await walk(finance, `&from=${at}`)).map((e) => e.id)).toEqual(
          all.filter((e) => e.created_at >= at).map((e) => e.id),
        );
        expect((await walk(finance, `&from=${shifted(1)}&to=${shifted(1)}`)).map((e) => e.id)).toEqual(
          all.filter((e) => e.created_at === shifted(1)).map((e) => e.id),
        );
        expect((await walk(finance, `&to=${shifted(-1)}`)).every((e) => e.created_at < at)).toBe(true);
        // The same instant in another offset.
        const inBerlin = new Date(Date.parse(at) + 3_600_000).toISOString().replace('Z', '+01:00');
        expect(
          (await walk(finance, `&from=${encodeURIComponent(inBerlin)}&to=${encodeURIComponent(inBerlin)}`)).map(
            (e) => e.id,
          ),
        ).toEqual(sameMoment);

        const day = at.slice(0, 10);
        const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
        const previous = new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
        expect((await walk(finance, `&from=${day}&to=${day}`)).map((e) => e.id)).toEqual(
          all.filter((e) => e.created_at.startsWith(day)).map((e) => e.id),
        );
        expect((await list(finance, `?from=${next}`)).total).toBe(all.filter((e) => e.created_at >= next).length);
        expect((await list(finance, `?to=${previous}`)).total).toBe(0);
      });

      it('refuses bad values with 422 naming the field', async () => {
        const cases: Array<[string, string]> = [
          ['from=2026-02-30', 'from'],
          ['from=yesterday', 'from'],
          ['to=2026-03-01T12:00:00', 'to'],
          ['to=2026-03-01T12:00:00.1234Z', 'to'],
          ['from=2026-03-02&to=2026-03-01', 'to'],
          ['from=2026-03-01T12:00:00.001Z&to=2026-03-01T12:00:00Z', 'to'],
          ['actor_id=not-a-uuid', 'actor_id'],
          ['action=DROP%20TABLE', 'action'],
          ['entity_type=spend%27s', 'entity_type'],
          [`entity_id=${'x'.repeat(201)}`, 'entity_id'],
          ['entity_id=a%00b', 'entity_id'],
          ['entity_id=%0A', 'entity_id'],
          ['action=a&action=b', 'action'],
          ['limit=0', 'limit'],
          ['limit=101', 'limit'],
          ['offset=-1', 'offset'],
          ['colour=red', 'colour'],
        ];
        for (const [query, field] of cases) {
          const response = await t.as(finance).get(`/audit-logs?${query}`);
          expectProblem(response, 422, 'VALIDATION_FAILED');
          expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
        }
        expectProblem(await t.as(finance).get('/audit-logs?cursor=not-a-cursor'), 422, 'INVALID_CURSOR');
        const forged = Buffer.from(JSON.stringify(['1; DROP TABLE audit_logs'])).toString('base64url');
        expectProblem(await t.as(finance).get(`/audit-logs?cursor=${forged}`), 422, 'INVALID_CURSOR');
      });
    });

    describe('paging', () => {
      it('walks every entry once by cursor, without gaps, while new entries arrive', async () => {
        const before = await idsInDatabase(acme.id);
        const seen: string[] = [];
        let page = await list(finance, '?limit=7');
        expect(page.total).toBe(before.length);
        for (let pages = 1; ; pages++) {
          seen.push(...page.items.map((e) => e.id));
          // Someone keeps working meanwhile: newer entries must not push older ones into the next page.
          // (Named by page: a full last page is followed by an empty one, with the same count seen.)
          await category(acme.admin, `Meanwhile ${pages}`);
          if (!page.next_cursor) break;
          page = await list(finance, `?limit=7&cursor=${page.next_cursor}`);
        }
        expect(seen).toEqual(before);
      });

      it('pages by offset too, and ends with no next_cursor', async () => {
        const all = await idsInDatabase(acme.id);
        const first = await list(finance, '?limit=5');
        const second = await list(finance, '?limit=5&offset=5');
        expect([...first.items, ...second.items].map((e) => e.id)).toEqual(all.slice(0, 10));
        expect(first.next_cursor).toEqual(expect.any(String));
        const last = await list(finance, `?limit=5&offset=${all.length - 3}`);
        expect(last.items.map((e) => e.id)).toEqual(all.slice(-3));
        expect(last.next_cursor).toBeNull();
        // A cursor wins over an offset.
        expect((await list(finance, `?limit=5&offset=50&cursor=${first.next_cursor}`)).items.map((e) => e.id)).toEqual(
          all.slice(5, 10),
        );
      });
    });
  });

  describe('the database refuses to change the log', () => {
    it("refuses UPDATE, DELETE and TRUNCATE through the application's own connection", async () => {
      const [entry] = await t.dataSource.query(
        `SELECT id, action FROM audit_logs WHERE organization_id = $1 ORDER BY seq LIMIT 1`,
        [acme.id],
      );
      const statements = [
        [`UPDATE audit_logs SET action = 'user.forged' WHERE id = $1`, [entry.id]],
        [`UPDATE audit_logs SET metadata = '{}'`, []],
        [`DELETE FROM audit_logs WHERE id = $1`, [entry.id]],
        [`DELETE FROM audit_logs`, []],
        [`TRUNCATE audit_logs`, []],
        [`TRUNCATE organizations CASCADE`, []],
      ] as const;
      for (const [sql, params] of statements) {
        await expect(t.dataSource.query(sql, [...params])).rejects.toMatchObject({
          code: '42501',
          message: expect.stringMatching(/audit_logs is append-only: (UPDATE|DELETE|TRUNCATE) is not allowed/),
        });
      }
      const [after] = await t.dataSource.query(`SELECT action FROM audit_logs WHERE id = $1`, [entry.id]);
      expect(after.action).toBe(entry.action);
      expect(await verify(acme.admin)).toEqual({ valid: true, checked: (await idsInDatabase(acme.id)).length });
    });

    it('refuses a second entry that links to the same previous one (a fork of the chain)', async () => {
      const [head] = await t.dataSource.query(
        `SELECT * FROM audit_logs WHERE organization_id = $1 ORDER BY seq DESC LIMIT 1 OFFSET 1`,
        [acme.id],
      );
      await expect(
        t.dataSource.query(
          `INSERT INTO audit_logs (id, organization_id, action, entity_type, metadata, created_at, prev_hash, hash)
         VALUES (gen_random_uuid(), $1, 'forged.entry', 'forged', '{}', now(), $2, $3)`,
          [acme.id, head.prev_hash, 'f'.repeat(64)],
        ),
      ).rejects.toMatchObject({ code: '23505', constraint: 'audit_logs_chain_key' });
    });
  });

  describe('GET /audit-logs/verify', () => {
    /** An organization of its own, with a few entries, for a test that damages its log. */
    const organizationWithEntries = async (name: string) => {
      const org = await t.given.organization(name);
      for (let i = 0; i < 5; i++) await category(org.admin, `${name} ${i}`);
      return { org, ids: [...(await idsInDatabase(org.id))].reverse() };
    };
    /** As a superuser would: with the append-only trigger off for one transaction. */
    const tamper = (sql: string, params: unknown[]) =>
      t.dataSource.transaction(async (tx) => {
        await tx.query(`ALTER TABLE audit_logs DISABLE TRIGGER audit_logs_no_update_delete`);
        await tx.query(sql, params);
        await tx.query(`ALTER TABLE audit_logs ENABLE TRIGGER audit_logs_no_update_delete`);
      });

    it('answers valid with the count of an untouched log, for each organization', async () => {
      expect(await verify(acme.admin)).toEqual({ valid: true, checked: (await idsInDatabase(acme.id)).length });
      expect(await verify(globex.admin)).toEqual({ valid: true, checked: (await idsInDatabase(globex.id)).length });
    });

    it('names an entry whose content was changed', async () => {
      const { org, ids } = await organizationWithEntries('Tampered content');
      await tamper(`UPDATE audit_logs SET metadata = '{"name": "Something else"}' WHERE id = $1`, [ids[4]]);
      expect(await verify(org.admin)).toEqual({
        valid: false,
        checked: 5,
        first_invalid_id: ids[4],
        reason: expect.stringMatching(/altered/),
      });
      // Another organization's chain is its own: still valid.
      expect(await verify(acme.admin)).toMatchObject({ valid: true });
      expect(await verify(globex.admin)).toMatchObject({ valid: true });
    });

    it('names the entry after one that was removed', async () => {
      const { org, ids } = await organizationWithEntries('Removed entry');
      await tamper(`DELETE FROM audit_logs WHERE id = $1`, [ids[3]]);
      expect(await verify(org.admin)).toEqual({
        valid: false,
        checked: 4,
        first_invalid_id: ids[4],
        reason: expect.stringMatching(/removed/),
      });
      expect(await verify(globex.admin)).toMatchObject({ valid: true });
    });

    it('names an entry rewritten by the database owner, who recomputed its hash and every later one without the key', async () => {
      const { org, ids } = await organizationWithEntries('Rewritten entry');
      // The owner's attack: with the trigger off, edit an entry, then re-hash it and every entry
      // after it so that each links to the one before. Without AUDIT_KEY the hashes can only be
      // plain SHA-256 (as entries were before the chain was keyed), or an HMAC with a guessed key.
      const rows = await t.dataSource.query(`SELECT * FROM audit_logs WHERE organization_id = $1 ORDER BY seq`, [
        org.id,
      ]);
      const rewrite = async (keyId: string | null, hashOf: (content: HashedContent) => string) => {
        let prevHash: string | null = rows[1].hash;
        for (const row of rows.slice(2)) {
          const content: HashedContent = {
            id: row.id,
            organizationId: row.organization_id,
            actorId: row.actor_id,
            action: row.action,
            entityType: row.entity_type,
            entityId: row.entity_id,
            metadata: row.id === ids[2] ? { ...row.metadata, name: 'Forged' } : row.metadata,
            requestId: row.request_id,
            ip: row.ip,
            createdAt: row.created_at,
            prevHash,
            keyId,
          };
          const hash = hashOf(content);
          await tamper(`UPDATE audit_logs SET metadata = $2, prev_hash = $3, hash = $4, key_id = $5 WHERE id = $1`, [
            row.id,
            content.metadata,
            prevHash,
            hash,
            keyId,
          ]);
          prevHash = hash;
        }
      };
      await rewrite(null, (content) => auditHash(content, null));
      expect(await verify(org.admin)).toEqual({
        valid: false,
        checked: 3,
        first_invalid_id: ids[2],
        reason: expect.stringMatching(/not keyed/),
      });
      const guessed = auditKeyOf('the-database-owner-guesses-a-key-0123456789');
      await rewrite(rows[2].key_id, (content) =>
        createHmac('sha256', guessed.secret).update(canonicalJson(content)).digest('hex'),
      );
      expect(await verify(org.admin)).toEqual({
        valid: false,
        checked: 3,
        first_invalid_id: ids[2],
        reason: expect.stringMatching(/altered/),
      });
    });

    it('refuses an entry the database owner appends with plain SHA-256, as entries were hashed before keying', async () => {
      const org = await t.given.organization('Appended forgery');
      const [head] = await t.dataSource.query(
        `SELECT hash FROM audit_logs WHERE organization_id = $1 ORDER BY seq DESC LIMIT 1`,
        [org.id],
      );
      const content: HashedContent = {
        id: randomUUID(),
        organizationId: org.id,
        actorId: null,
        action: 'spend.paid',
        entityType: 'spend',
        entityId: randomUUID(),
        metadata: { amount: '9999.00' },
        requestId: null,
        ip: null,
        createdAt: new Date(),
        prevHash: head.hash,
        keyId: null,
      };
      await t.dataSource.query(
        `INSERT INTO audit_logs (id, organization_id, action, entity_type, entity_id, metadata, created_at, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          content.id,
          org.id,
          content.action,
          content.entityType,
          content.entityId,
          content.metadata,
          content.createdAt,
          content.prevHash,
          auditHash(content, null),
        ],
      );
      expect(await verify(org.admin)).toMatchObject({
        valid: false,
        first_invalid_id: content.id,
        reason: expect.stringMatching(/not keyed/),
      });
    });

    it('keys, at start, a chain written before keying, so that its old entries can no longer be rewritten', async () => {
      const { org, ids } = await organizationWithEntries('Before keying');
      // As the previous version wrote them: plain SHA-256 and no key_id, all of them.
      const rehash = async (edit: (metadata: Record<string, unknown>, id: string) => Record<string, unknown>) => {
        const rows = await t.dataSource.query(
          `SELECT * FROM audit_logs WHERE organization_id = $1 AND action <> 'audit.chain_keyed' ORDER BY seq`,
          [org.id],
        );
        let prevHash: string | null = null;
        for (const row of rows) {
          const content: HashedContent = {
            id: row.id,
            organizationId: row.organization_id,
            actorId: row.actor_id,
            action: row.action,
            entityType: row.entity_type,
            entityId: row.entity_id,
            metadata: edit(row.metadata, row.id),
            requestId: row.request_id,
            ip: row.ip,
            createdAt: row.created_at,
            prevHash,
            keyId: null,
          };
          prevHash = auditHash(content, null);
          await tamper(`UPDATE audit_logs SET metadata = $2, prev_hash = $3, hash = $4, key_id = NULL WHERE id = $1`, [
            row.id,
            content.metadata,
            content.prevHash,
            prevHash,
          ]);
        }
      };
      await rehash((metadata) => metadata);
      expect(await verify(org.admin)).toEqual({ valid: true, checked: ids.length });

      expect(await t.app.get(ChainKeying).keyUnkeyedChains()).toBeGreaterThanOrEqual(1);
      const [newest] = await t.dataSource.query(
        `SELECT action, key_id FROM audit_logs WHERE organization_id = $1 ORDER BY seq DESC LIMIT 1`,
        [org.id],
      );
      expect(newest).toEqual({ action: 'audit.chain_keyed', key_id: expect.stringMatching(/^[0-9a-f]{16}$/) });
      expect(await verify(org.admin)).toEqual({ valid: true, checked: ids.length + 1 });
      // A second start finds nothing left to key.
      await t.app.get(ChainKeying).keyUnkeyedChains();
      expect(await verify(org.admin)).toEqual({ valid: true, checked: ids.length + 1 });

      // The owner rewrites an old entry and re-hashes the old part: the keyed entry no longer links.
      await rehash((metadata, id) => (id === ids[1] ? { ...metadata, name: 'Forged' } : metadata));
      const keyedEntry = (
        await t.dataSource.query(
          `SELECT id FROM audit_logs WHERE organization_id = $1 AND action = 'audit.chain_keyed'`,
          [org.id],
        )
      )[0].id;
      expect(await verify(org.admin)).toMatchObject({
        valid: false,
        first_invalid_id: keyedEntry,
        reason: expect.stringMatching(/prev_hash/),
      });
    });

    it('names an entry whose prev_hash was pointed elsewhere', async () => {
      const { org, ids } = await organizationWithEntries('Relinked entry');
      await tamper(`UPDATE audit_logs SET prev_hash = repeat('a', 64) WHERE id = $1`, [ids[1]]);
      expect(await verify(org.admin)).toMatchObject({ valid: false, checked: 2, first_invalid_id: ids[1] });
    });

    it('is for admins only', async () => {
      for (const caller of [employee, manager, finance])
        expectProblem(await t.as(caller).get('/audit-logs/verify'), 403, 'INSUFFICIENT_PERMISSIONS');
      expectProblem(await anonymous().get('/api/v1/audit-logs/verify'), 401, 'AUTHENTICATION_REQUIRED');
    });

    it('checks a log longer than one batch, and the text jsonb cannot hold does not break the chain', async () => {
      const org = await t.given.organization('Long log');
      const actor: SystemActor = { organizationId: org.id, userId: org.admin.id };
      await record(
        actor,
        Array.from({ length: 2_345 }, (_, i) => ({
          action: 'category.created',
          entityType: 'category',
          entityId: `bulk-${i}`,
          metadata: { name: `Bulk ${i}`, at: new Date(Date.UTC(2026, 2, 1, 0, 0, i)), gone: undefined },
        })),
      );
      // A lone UTF-16 surrogate and NUL, which jsonb refuses: HTTP turns them away at the door
      // (nothing is written), and the writer, for whatever reaches it from elsewhere, stores them.
      expectProblem(
        await t.as(org.admin).post('/categories', { name: 'Broken \ud800 text' }),
        422,
        'VALIDATION_FAILED',
      );
      await record(actor, [
        {
          action: 'category.imported',
          entityType: 'category',
          metadata: { name: 'nul \u0000 here', list: ['\udfff', 1.5, null] },
        },
      ]);
      const count = (await idsInDatabase(org.id)).length;
      expect(count).toBeGreaterThan(2_345);
      expect(await verify(org.admin)).toEqual({ valid: true, checked: count });

      const exported = parseCsv((await t.as(org.admin).get('/audit-logs/export').expect(200)).text);
      expect(exported.map((r) => r.id)).toEqual(await idsInDatabase(org.id));

      // Damage in the first batch stops the walk there, with the next batch already on its way.
      const oldestFirst = [...(await idsInDatabase(org.id))].reverse();
      await tamper(`UPDATE audit_logs SET action = 'category.deleted' WHERE id = $1`, [oldestFirst[10]]);
      expect(await verify(org.admin)).toMatchObject({ valid: false, checked: 11, first_invalid_id: oldestFirst[10] });
      expect(await verify(org.admin)).toMatchObject({ valid: false, checked: 11, first_invalid_id: oldestFirst[10] });
    });
  });

  describe('GET /audit-logs/export', () => {
    it('streams the same entries the list shows, as RFC 4180 CSV with a header row', async () => {
      const response = await t.as(finance).get('/audit-logs/export?format=csv').expect(200);
      expect(response.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
      expect(response.headers['content-disposition']).toBe(
        `attachment; filename="audit-log-${new Date().toISOString().slice(0, 10)}.csv"`,
      );
      expect(response.text.split('\r\n')[0]).toBe(CSV_HEADER.join(','));
      expect(response.text.endsWith('\r\n')).toBe(true);
      const rows = parseCsv(response.text);
      const listed = await walk(finance);
      expect(rows).toEqual(listed.map(asCsvRow));
      // Without format, CSV is the default.
      expect(parseCsv((await t.as(acme.admin).get('/audit-logs/export').expect(200)).text)).toHaveLength(rows.length);
    });

    it('applies the filters', async () => {
      const filter = `action=category.created&actor_id=${acme.admin.id}`;
      const rows = parseCsv((await t.as(finance).get(`/audit-logs/export?${filter}`).expect(200)).text);
      expect(rows.length).toBeGreaterThan(1);
      expect(rows).toEqual((await walk(finance, `&${filter}`)).map(asCsvRow));
      const day = rows[0].created_at.slice(0, 10);
      const dayRows = parseCsv(
        (await t.as(finance).get(`/audit-logs/export?from=${day}&to=${day}&entity_type=user`).expect(200)).text,
      );
      expect(dayRows.map((r) => r.id)).toEqual(
        (await walk(finance, `&from=${day}&to=${day}&entity_type=user`)).map((e) => e.id),
      );
      expect(
        parseCsv((await t.as(finance).get(`/audit-logs/export?actor_id=${globex.admin.id}`).expect(200)).text),
      ).toEqual([]);
    });

    it('neutralises cells a spreadsheet would run as formulas', async () => {
      const org = await t.given.organization('Formulas');
      await record({ organizationId: org.id, userId: null }, [
        {
          action: 'formula.test',
          entityType: 'formula',
          entityId: '=HYPERLINK("https://evil.example","click")',
          metadata: { name: '=1+1' },
        },
        { action: 'formula.test', entityType: 'formula', entityId: '+SUM(A1:A9)' },
        { action: 'formula.test', entityType: 'formula', entityId: '@cmd' },
        { action: 'formula.test', entityType: 'formula', entityId: '\tTAB' },
      ]);
      await t.as(org.admin).post('/categories', { name: '=cmd|" /C calc"!A0' }).set('X-Request-Id', '-2-3').expect(201);
      const response = await t.as(org.admin).get('/audit-logs/export').expect(200);
      const rows = parseCsv(response.text);
      const byEntity = (start: string) => rows.find((r) => r.entity_id.slice(1).startsWith(start));
      expect(byEntity('=HYPERLINK')!.entity_id).toBe('\'=HYPERLINK("https://evil.example","click")');
      expect(byEntity('+SUM')!.entity_id).toBe("'+SUM(A1:A9)");
      expect(byEntity('@cmd')!.entity_id).toBe("'@cmd");
      expect(byEntity('\tTAB')!.entity_id).toBe("'\tTAB");
      // Metadata is JSON text: it starts with "{", so the formula inside it never runs.
      expect(JSON.parse(byEntity('=HYPERLINK')!.metadata)).toEqual({ name: '=1+1' });
      const created = rows.find((r) => r.action === 'category.created')!;
      expect(created.request_id).toBe("'-2-3");
      expect(JSON.parse(created.metadata)).toMatchObject({ name: '=cmd|" /C calc"!A0' });
      // The log itself is untouched: only the export escapes.
      expect((await list(org.admin, '?action=category.created')).items[0].request_id).toBe('-2-3');
    });

    it('refuses an unknown format and bad filters with 422', async () => {
      for (const query of ['format=xlsx', 'format=', 'from=2026-13-01', 'limit=5', 'cursor=abc']) {
        expectProblem(await t.as(finance).get(`/audit-logs/export?${query}`), 422, 'VALIDATION_FAILED');
      }
    });

    it('is for finance and admin only', async () => {
      for (const caller of [employee, manager])
        expectProblem(await t.as(caller).get('/audit-logs/export'), 403, 'INSUFFICIENT_PERMISSIONS');
      expectProblem(await anonymous().get('/api/v1/audit-logs/export'), 401, 'AUTHENTICATION_REQUIRED');
    });
  });
});

describe('Audit log under concurrent writes', () => {
  let t: TestApp;
  const { idsInDatabase, walk, verify } = helpers(() => t);

  // Ten connections, so that the changes really commit in parallel and race for the chain's head.
  beforeAll(async () => {
    t = await createTestApp({ DATABASE_POOL_SIZE: '10' });
  });
  afterAll(() => t.close());

  it('records 200 concurrent changes exactly once each, in one unforked chain', async () => {
    const org = await t.given.organization('Busy');
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, i) => t.as(org.admin).post('/categories', { name: `Concurrent ${i}` })),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(200).fill(201));
    const created = responses.map((r) => r.body.id as string).sort();

    const entries = await walk(org.admin, '&action=category.created');
    expect(entries.map((e) => e.entity_id).sort()).toEqual(created);
    const all = await idsInDatabase(org.id);
    expect(await verify(org.admin)).toEqual({ valid: true, checked: all.length });
    const forks = await t.dataSource.query(
      `SELECT prev_hash, count(*)::int AS n FROM audit_logs WHERE organization_id = $1 GROUP BY prev_hash HAVING count(*) > 1`,
      [org.id],
    );
    expect(forks).toEqual([]);
  });

  it("keeps one chain, and each spend's outbox rows in order, when spends are created concurrently", async () => {
    const org = await t.given.organization('Busy spends');
    const today = new Date().toISOString().slice(0, 10);
    const responses = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        t.as(org.admin).post('/spends', {
          amount: `${10 + i}.00`,
          currency: 'USD',
          spend_date: today,
          merchant: `Concurrent ${i}`,
        }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(60).fill(201));

    const spendIds = responses.map((r) => r.body.id as string);
    const entries = await walk(org.admin, '&entity_type=spend');
    for (const action of ['spend.created', 'spend.submitted']) {
      expect(
        entries
          .filter((e) => e.action === action)
          .map((e) => e.entity_id)
          .sort(),
      ).toEqual([...spendIds].sort());
    }
    expect(await verify(org.admin)).toEqual({ valid: true, checked: (await idsInDatabase(org.id)).length });

    // Without policies every spend is approved at once: submitted, then approved, each exactly once.
    const rows: Array<{ spend_id: string; topic: string }> = await t.dataSource.query(
      `SELECT payload->>'spend_id' AS spend_id, topic FROM outbox WHERE organization_id = $1 ORDER BY id`,
      [org.id],
    );
    for (const id of spendIds)
      expect(rows.filter((r) => r.spend_id === id).map((r) => r.topic)).toEqual(['spend.submitted', 'spend.approved']);
  });
});

type CsvRow = Record<(typeof CSV_HEADER)[number], string>;

function parseCsv(text: string): CsvRow[] {
  return parse(text, { columns: true, skip_empty_lines: true });
}

/** A list item as the export writes it: metadata as JSON text, nulls as empty cells. */
function asCsvRow(entry: Entry): CsvRow {
  const cell = (value: string | null) => value ?? '';
  return {
    id: entry.id,
    actor_id: cell(entry.actor_id),
    actor_type: cell(entry.actor_type),
    action: entry.action,
    entity_type: entry.entity_type,
    entity_id: cell(entry.entity_id),
    metadata: JSON.stringify(entry.metadata),
    request_id: cell(entry.request_id),
    ip: cell(entry.ip),
    created_at: entry.created_at,
    hash: entry.hash,
    prev_hash: cell(entry.prev_hash),
  };
}
