// The API's own statements for the benchmark's requests, sent straight through `pg`: the same
// Statements (imported from the built code in dist/, never restated here, so they cannot drift),
// in the same order and transactions, with the same values and rows, and none of the API's own
// work (HTTP, validation, JSON, the policy engine). Its rate is what PostgreSQL on this machine
// allows for what the design asks of the database (named statements, the audit chain under its
// lock, the outbox's per-spend event numbering); bench/api.mjs prints the API's rate as a share
// of it. What this file still knows is only the order of the statements and their values: when
// a use case adds, drops or reorders a statement, compare with a statement log of one request.
//
// bench/minimal-sql.mjs is the other yardstick: hand-written SQL without the design's costs.
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const DIST = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'src');
const api = (module) => require(join(DIST, module));
const spends = api('spends/spends.repository.js');
const approvals = api('approvals/approvals.repository.js');
const users = api('users/users.repository.js');
const reportingLine = api('users/reporting-line.repository.js');
const sessions = api('sessions/sessions.repository.js');
const organizations = api('organizations/organizations.repository.js');
const policies = api('policies/policies.repository.js');
const receipts = api('receipts/receipts.repository.js');
const outbox = api('common/outbox/outbox.repository.js');
const audit = api('audit/audit.service.js');
const { auditHash, auditKeyOf } = api('audit/audit-hash.js');

/** The AUDIT_KEY bench/api.mjs gives the API; the raw chain is keyed (HMAC) as the API keys it. */
export const BENCH_AUDIT_KEY = 'bench-audit-key-bench-audit-key-bench-0123456789';
const KEY = auditKeyOf(BENCH_AUDIT_KEY);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A Statement of the API with its values, as pg takes it (named: planned once per connection). */
const run = (c, statement, values) => c.query({ name: statement.name, text: statement.text, values });

/** Ids the statements need: the benchmark's organization, employee, manager and finance user, and their sessions. */
export async function rawContext(client, { employee, manager, finance }) {
  const { rows } = await client.query(
    `SELECT u.id, u.organization_id, u.email,
            (SELECT r.family_id FROM refresh_tokens r WHERE r.user_id = u.id ORDER BY r.created_at DESC LIMIT 1) AS family_id
     FROM users u WHERE u.email = ANY($1)`,
    [[employee, manager, finance]],
  );
  const byEmail = new Map(rows.map((r) => [r.email, r]));
  const family = (email) => byEmail.get(email).family_id ?? randomUUID();
  return {
    organizationId: byEmail.get(employee).organization_id,
    employeeId: byEmail.get(employee).id,
    managerId: byEmail.get(manager).id,
    financeId: byEmail.get(finance).id,
    families: {
      [byEmail.get(employee).id]: family(employee),
      [byEmail.get(manager).id]: family(manager),
      [byEmail.get(finance).id]: family(finance),
    },
  };
}

/** The bearer token's check on every request (JwtStrategy → SessionsRepository.findCaller). */
const caller = (c, ctx, userId) => run(c, sessions.FIND_CALLER, [userId, ctx.families[userId]]);

/** What OutboxService writes at commit: one statement, events numbered per spend. */
async function enqueue(c, organizationId, events) {
  const subject = (payload) =>
    typeof payload.spend_id === 'string' && UUID.test(payload.spend_id) ? payload.spend_id : null;
  await run(c, outbox.INSERT_ROWS, [
    events.map(() => organizationId),
    events.map((e) => e.topic),
    events.map((e) => JSON.stringify(e.payload)),
    events.map((e) => subject(e.payload)),
    events.map(() => 0),
  ]);
}

/** What AuditService writes at commit: the chain head under the organization's lock, then the keyed entries. */
async function appendAudit(c, organizationId, entries) {
  const {
    rows: [head],
  } = await run(c, audit.LOCK_AND_READ_HEAD, [organizationId]);
  let prevHash = head.hash;
  const values = entries.flatMap((entry) => {
    const content = {
      id: randomUUID(),
      organizationId,
      actorId: entry.actorId,
      action: entry.action,
      entityType: entry.entityType,
      entityId: entry.entityId,
      metadata: entry.metadata,
      requestId: entry.requestId,
      ip: '127.0.0.1',
      createdAt: head.now,
      prevHash,
      keyId: KEY.id,
    };
    const hash = auditHash(content, KEY);
    const row = [
      content.id,
      organizationId,
      content.actorId,
      content.action,
      content.entityType,
      content.entityId,
      JSON.stringify(content.metadata),
      content.requestId,
      content.ip,
      content.createdAt,
      prevHash,
      hash,
      KEY.id,
      null,
    ];
    prevHash = hash;
    return row;
  });
  await run(c, audit.appendStatement(entries.length), values);
}

/** Commits as a use case's transaction does: the outbox's rows, then the audit entries (the subscribers' order). */
async function commit(c, organizationId, events, entries) {
  await enqueue(c, organizationId, events);
  await appendAudit(c, organizationId, entries);
  await c.query('COMMIT');
}

/** `POST /spends` of a 600+ USD spend that the bench policy sends to the owner's manager. */
export async function rawCreateSpend(c, ctx, n) {
  const { organizationId: org, employeeId: owner } = ctx;
  const requestId = randomUUID();
  const id = randomUUID();
  const today = new Date().toISOString().slice(0, 10);
  const amountMinor = String((600 + (n % 5000)) * 100);
  const merchant = `Raw ${n}`;
  await caller(c, ctx, owner);
  await c.query('START TRANSACTION');
  try {
    await run(c, organizations.BASE_CURRENCY, [org]);
    await run(c, spends.HAS_DUPLICATE, [org, owner, today, amountMinor, 'USD', id, merchant, null]);
    await run(c, users.FIND_BY_ID, [org, owner]);
    const { rows: active } = await run(c, policies.ACTIVE_SNAPSHOTS, [org]);
    const {
      rows: [line],
    } = await run(c, reportingLine.MANAGER_OF, [org, owner]);
    const manager = line.id;
    const now = new Date();
    const policy = active[0];
    const evaluation = {
      decision: 'pending_approval',
      matched_rules: [
        {
          policy_id: policy.id,
          policy_version: policy.version,
          rule_id: 'big',
          priority: 1,
          action: { type: 'require_approval', approver: 'manager' },
          reason: `amount ${600 + (n % 5000)} > 500`,
        },
      ],
      flags: [],
      awaiting_receipt: false,
      block_message: null,
      policies: [{ policy_id: policy.id, version: policy.version }],
      approvers: [{ step: 1, requirement: 'manager', user_id: manager, role: null, note: null }],
      evaluated_at: now.toISOString(),
    };
    // Columns in SpendsRepository.insert's order.
    await run(c, spends.INSERT, [
      id,
      org,
      owner,
      null,
      null,
      null,
      merchant,
      null,
      amountMinor,
      'USD',
      amountMinor,
      'USD',
      '1',
      today,
      'manual',
      'pending_approval',
      JSON.stringify(evaluation),
      [],
      [],
      0,
      false,
      1,
      now,
      null,
      null,
    ]);
    const {
      rows: [approval],
    } = await run(c, approvals.insertChainStatement(1), [
      org,
      id,
      owner,
      1,
      1,
      'manager',
      manager,
      null,
      'pending',
      null,
      policy.id,
      'big',
    ]);
    const entry = (action, metadata) => ({
      actorId: owner,
      action,
      entityType: 'spend',
      entityId: id,
      metadata,
      requestId,
    });
    await commit(
      c,
      org,
      [
        {
          topic: 'approval.assigned',
          payload: { approval_id: approval.id, spend_id: id, step: 1, approver_user_id: manager, approver_role: null },
        },
        { topic: 'spend.submitted', payload: { spend_id: id, user_id: owner, status: 'pending_approval' } },
      ],
      [
        entry('spend.created', {
          amount_minor: amountMinor,
          currency: 'USD',
          spend_date: today,
          merchant,
          draft: false,
        }),
        entry('approval.requested', {
          round: 1,
          steps: [{ step: 1, approver_user_id: manager, approver_role: null, note: null }],
        }),
        entry('spend.submitted', { status: 'pending_approval', round: 1, flags: [], matched_rules: 1 }),
      ],
    );
    return approval.id;
  } catch (error) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** The API reads a page's approvals and receipts in parallel on two pool connections; here they queue on one. */
async function pageDetails(c, org, rows) {
  const ids = rows.filter((r) => r.id !== null).map((r) => r.id);
  if (ids.length === 0) return;
  await Promise.all([run(c, approvals.FOR_SPENDS, [org, ids]), run(c, receipts.FOR_SPENDS, [org, ids])]);
}

const PAGE = { limit: 20, offset: 0 };

/** `GET /spends?limit=20` by finance: the whole organization. */
export async function rawListFinance(c, ctx) {
  const org = ctx.organizationId;
  await caller(c, ctx, ctx.financeId);
  const { statement, values } = spends.listStatement(org, { organizationWide: true }, PAGE);
  const { rows } = await run(c, statement, values);
  await pageDetails(c, org, rows);
}

/** `GET /spends?limit=20` by an employee: their own spends (and any they approve). */
export async function rawListEmployee(c, ctx) {
  const org = ctx.organizationId;
  const me = ctx.employeeId;
  await caller(c, ctx, me);
  const { rows: assigned } = await run(c, approvals.SPENDS_ASSIGNED_TO, [org, me]);
  const scope = { organizationWide: false, userIds: [me], teamIds: [], spendIds: assigned.map((r) => r.spend_id) };
  const { statement, values } = spends.listStatement(org, scope, PAGE);
  const { rows } = await run(c, statement, values);
  await pageDetails(c, org, rows);
}

/** `POST /approvals/{id}/decision` approving the only step of a spend, as the manager. */
export async function rawDecision(c, ctx, approvalId) {
  const org = ctx.organizationId;
  const me = ctx.managerId;
  const requestId = randomUUID();
  await caller(c, ctx, me);
  await c.query('START TRANSACTION');
  try {
    const {
      rows: [approval],
    } = await run(c, approvals.LOCK_FOR_DECISION, [org, approvalId]);
    if (!approval || approval.status !== 'pending') throw new Error(`approval ${approvalId} is not pending`);
    await run(c, approvals.STEP_DECIDED_BY, [org, approval.spend_id, approval.round, me, approvalId]);
    await run(c, approvals.SAVE_DECISION, [org, approvalId, 'approved', me, new Date(), null, null]);
    await run(c, approvals.NEXT_WAITING, [org, approval.spend_id, approval.round]);
    const {
      rows: [spend],
    } = await run(c, spends.LOCK_BY_ID, [org, approval.spend_id]);
    await run(c, spends.SAVE_OUTCOME, [org, spend.id, 'approved', new Date()]);
    const entry = (action, entityType, entityId, metadata) => ({
      actorId: me,
      action,
      entityType,
      entityId,
      metadata,
      requestId,
    });
    await commit(
      c,
      org,
      [{ topic: 'spend.approved', payload: { spend_id: spend.id, user_id: spend.user_id, comment: null } }],
      [
        entry('approval.decided', 'approval', approvalId, {
          spend_id: spend.id,
          step: approval.step,
          round: approval.round,
          decision: 'approved',
          comment: null,
          outcome: 'approved',
        }),
        entry('spend.approved', 'spend', spend.id, { comment: null }),
      ],
    );
  } catch (error) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
