// The SQL the API sends for the benchmark's requests, sent straight through `pg`: the same
// statements in the same order and transactions, with the same parameters and rows, and none
// of the API's own work (HTTP, validation, JSON, the ORM, the policy engine). Its rate is what
// PostgreSQL on this machine allows for that work; bench/api.mjs prints the API's rate as a
// share of it. Keep each function in step with what the API sends (compare with a statement
// log of one request) whenever a use case's SQL changes.
import { createHash, randomUUID } from 'node:crypto';

const USER_COLUMNS = 'id, organization_id, email, full_name, role, password_hash, manager_id, is_active, email_notifications, token_version, created_at, updated_at, deactivated_at';
const SPEND_COLUMNS = 'id, organization_id, user_id, team_id, category_id, vendor_id, merchant, description, amount_minor, currency, base_amount_minor, base_currency, exchange_rate, spend_date, source, status, policy_evaluation, system_flags, flags, receipt_count, receipt_verified, approval_round, submitted_at, decided_at, paid_at, paid_by, payment_reference, created_at, updated_at';
const APPROVAL_COLUMNS = 'id, organization_id, spend_id, spend_owner_id, round, step, requirement, approver_user_id, approver_role, status, note, policy_id, rule_id, decided_by, decided_at, comment, created_at, updated_at';
const RECEIPT_COLUMNS = 'id, organization_id, spend_id, uploaded_by, filename, mime_type, size, sha256, ocr_status, ocr_run, ocr_error, extracted, verified, flags, duplicate_of, processed_at, created_at, updated_at';

/** Ids the statements need: the benchmark's organization, employee, manager and finance user. */
export async function rawContext(client, { employee, manager, finance }) {
  const { rows } = await client.query(`SELECT id, organization_id, email FROM users WHERE email = ANY($1)`, [[employee, manager, finance]]);
  const byEmail = new Map(rows.map((r) => [r.email, r]));
  return {
    organizationId: byEmail.get(employee).organization_id,
    employeeId: byEmail.get(employee).id,
    managerId: byEmail.get(manager).id,
    financeId: byEmail.get(finance).id,
  };
}

const authenticate = (c, userId) => c.query(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1 LIMIT 1`, [userId]);

async function appendAudit(c, organizationId, entries) {
  await c.query(`SELECT pg_advisory_xact_lock(hashtextextended('audit_logs:' || $1, 0))`, [organizationId]);
  const { rows: [head] } = await c.query(
    `SELECT (SELECT hash FROM audit_logs WHERE organization_id = $1 ORDER BY seq DESC LIMIT 1) AS hash, clock_timestamp() AS now`, [organizationId]);
  let prevHash = head.hash;
  const values = [];
  const params = [];
  for (const entry of entries) {
    const row = { ...entry, organization_id: organizationId, created_at: head.now.toISOString(), prev_hash: prevHash };
    const hash = createHash('sha256').update(JSON.stringify(row)).digest('hex');
    const base = params.length;
    params.push(row.id, organizationId, row.actor_id, row.action, row.entity_type, row.entity_id, JSON.stringify(row.metadata), row.request_id, '127.0.0.1', row.created_at, prevHash, hash);
    values.push(`(${Array.from({ length: 12 }, (_, i) => `$${base + i + 1}`).join(', ')})`);
    prevHash = hash;
  }
  await c.query(`INSERT INTO audit_logs (id, organization_id, actor_id, action, entity_type, entity_id, metadata, request_id, ip, created_at, prev_hash, hash) VALUES ${values.join(', ')} RETURNING metadata`, params);
}

/** `POST /spends` of a 600+ USD spend that the bench policy sends to the owner's manager. */
export async function rawCreateSpend(c, ctx, n) {
  const { organizationId: org, employeeId: owner, managerId: manager } = ctx;
  const requestId = randomUUID();
  const today = new Date().toISOString().slice(0, 10);
  const amountMinor = String((600 + (n % 5000)) * 100);
  const merchant = `Raw ${n}`;
  await authenticate(c, owner);
  await c.query('START TRANSACTION');
  try {
    await c.query(`SELECT id, base_currency FROM organizations WHERE id = $1 LIMIT 1`, [org]);
    const { rows: [spend] } = await c.query(
      `INSERT INTO spends (id, organization_id, user_id, team_id, category_id, vendor_id, merchant, description, amount_minor, currency, base_amount_minor, base_currency, exchange_rate, spend_date, source, status, policy_evaluation, system_flags, flags, receipt_count, receipt_verified, approval_round, submitted_at, decided_at, paid_at, paid_by, payment_reference, created_at, updated_at)
       VALUES (DEFAULT, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, DEFAULT, $16, $17, $18, $19, $20, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT)
       RETURNING id, system_flags, flags, receipt_count, receipt_verified, approval_round, created_at, updated_at`,
      [org, owner, null, null, null, merchant, null, amountMinor, 'USD', amountMinor, 'USD', '1', today, 'manual', 'draft', [], [], 0, false, 0]);
    await c.query(
      `SELECT 1 FROM spends WHERE organization_id = $1 AND user_id = $2 AND spend_date = $3 AND amount_minor = $4 AND currency = $5
         AND id <> $6 AND status <> 'cancelled' AND (lower(merchant) IS NOT DISTINCT FROM lower($7) OR (vendor_id IS NOT NULL AND vendor_id = $8)) LIMIT 1`,
      [org, owner, today, amountMinor, 'USD', spend.id, merchant, null]);
    await c.query(`SELECT ${USER_COLUMNS} FROM users WHERE organization_id = $1 AND id = $2 LIMIT 1`, [org, owner]);
    const { rows: policies } = await c.query(
      `SELECT id, organization_id, name, is_active, version, rules, created_at, updated_at, deleted_at FROM policies
       WHERE organization_id = $1 AND is_active = $2 AND deleted_at IS NULL ORDER BY created_at ASC, id ASC`, [org, true]);
    await c.query(`SELECT ${USER_COLUMNS} FROM users WHERE organization_id = $1 AND id = $2 LIMIT 1`, [org, owner]);
    await c.query(`SELECT ${USER_COLUMNS} FROM users WHERE organization_id = $1 AND id = $2 LIMIT 1`, [org, manager]);
    await c.query(`UPDATE approvals SET status = $1, updated_at = CURRENT_TIMESTAMP WHERE organization_id = $2 AND spend_id = $3 AND status IN ($4, $5)`,
      ['cancelled', org, spend.id, 'waiting', 'pending']);
    await c.query(`SELECT ${SPEND_COLUMNS} FROM spends WHERE id = $1`, [spend.id]);
    const now = new Date().toISOString();
    const policy = policies[0];
    const evaluation = {
      decision: 'pending_approval',
      matched_rules: [{ policy_id: policy.id, policy_version: policy.version, rule_id: 'big', priority: 1, action: { type: 'require_approval', approver: 'manager' }, reason: `amount ${600 + (n % 5000)} > 500` }],
      flags: [], awaiting_receipt: false, block_message: null,
      policies: [{ policy_id: policy.id, version: policy.version }],
      approvers: [{ step: 1, requirement: 'manager', user_id: manager, role: null, note: null }],
      evaluated_at: now,
    };
    await c.query(`UPDATE spends SET exchange_rate = $1, status = $2, policy_evaluation = $3, approval_round = $4, submitted_at = $5, updated_at = CURRENT_TIMESTAMP WHERE id = $6 RETURNING updated_at`,
      ['1', 'pending_approval', JSON.stringify(evaluation), 1, now, spend.id]);
    const { rows: [approval] } = await c.query(
      `INSERT INTO approvals (id, organization_id, spend_id, spend_owner_id, round, step, requirement, approver_user_id, approver_role, status, note, policy_id, rule_id, decided_by, decided_at, comment, created_at, updated_at)
       VALUES (DEFAULT, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT) RETURNING id, created_at, updated_at`,
      [org, spend.id, owner, 1, 1, 'manager', manager, null, 'pending', null, policy.id, 'big']);
    await c.query(`INSERT INTO outbox (organization_id, topic, payload) VALUES ($1, $2, $3)`,
      [org, 'approval.assigned', JSON.stringify({ approval_id: approval.id, spend_id: spend.id, step: 1, approver_user_id: manager, approver_role: null })]);
    await c.query(`INSERT INTO outbox (organization_id, topic, payload) VALUES ($1, $2, $3)`,
      [org, 'spend.submitted', JSON.stringify({ spend_id: spend.id, user_id: owner, status: 'pending_approval' })]);
    const entry = (action, metadata) => ({ id: randomUUID(), actor_id: owner, action, entity_type: 'spend', entity_id: spend.id, metadata, request_id: requestId });
    await appendAudit(c, org, [
      entry('spend.created', { amount_minor: amountMinor, currency: 'USD', spend_date: today, merchant, draft: false }),
      entry('approval.requested', { round: 1, steps: [{ step: 1, approver_user_id: manager, approver_role: null, note: null }] }),
      entry('spend.submitted', { status: 'pending_approval', round: 1, flags: [], matched_rules: 1 }),
    ]);
    await c.query('COMMIT');
    // The answer's approvals and receipts, read after commit (the API reads them in parallel).
    await Promise.all([
      c.query(`SELECT ${APPROVAL_COLUMNS} FROM approvals WHERE organization_id = $1 AND spend_id IN ($2) ORDER BY round ASC, step ASC`, [org, spend.id]),
      c.query(`SELECT ${RECEIPT_COLUMNS} FROM receipts WHERE organization_id = $1 AND spend_id IN ($2) ORDER BY created_at ASC, id ASC`, [org, spend.id]),
    ]);
    return approval.id;
  } catch (error) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

async function pageDetails(c, org, ids) {
  if (ids.length === 0) return;
  const list = ids.map((_, i) => `$${i + 2}`).join(', ');
  await Promise.all([
    c.query(`SELECT ${APPROVAL_COLUMNS} FROM approvals WHERE organization_id = $1 AND spend_id IN (${list}) ORDER BY round ASC, step ASC`, [org, ...ids]),
    c.query(`SELECT ${RECEIPT_COLUMNS} FROM receipts WHERE organization_id = $1 AND spend_id IN (${list}) ORDER BY created_at ASC, id ASC`, [org, ...ids]),
  ]);
}

/** `GET /spends?limit=20` by finance: the whole organization. */
export async function rawListFinance(c, ctx) {
  const org = ctx.organizationId;
  await authenticate(c, ctx.financeId);
  await c.query(`SELECT COUNT(*) AS count FROM spends s WHERE s.organization_id = $1`, [org]);
  const { rows } = await c.query(`SELECT ${SPEND_COLUMNS} FROM spends s WHERE s.organization_id = $1 ORDER BY s.spend_date DESC, s.id DESC LIMIT 20 OFFSET 0`, [org]);
  await pageDetails(c, org, rows.map((r) => r.id));
}

/** `GET /spends?limit=20` by an employee: their own spends (and any they approve). */
export async function rawListEmployee(c, ctx) {
  const org = ctx.organizationId;
  const me = ctx.employeeId;
  await authenticate(c, me);
  await c.query(`SELECT DISTINCT spend_id FROM approvals WHERE organization_id = $1 AND (approver_user_id = $2 OR decided_by = $2)`, [org, me]);
  await c.query(`SELECT COUNT(*) AS count FROM spends s WHERE s.organization_id = $1 AND (s.user_id = ANY($2))`, [org, [me]]);
  const { rows } = await c.query(`SELECT ${SPEND_COLUMNS} FROM spends s WHERE s.organization_id = $1 AND (s.user_id = ANY($2)) ORDER BY s.spend_date DESC, s.id DESC LIMIT 20 OFFSET 0`, [org, [me]]);
  await pageDetails(c, org, rows.map((r) => r.id));
}

/** `POST /approvals/{id}/decision` approving the only step of a spend, as the manager. */
export async function rawDecision(c, ctx, approvalId) {
  const org = ctx.organizationId;
  const me = ctx.managerId;
  const requestId = randomUUID();
  await authenticate(c, me);
  await c.query('START TRANSACTION');
  try {
    const { rows: [approval] } = await c.query(`SELECT ${APPROVAL_COLUMNS} FROM approvals a WHERE a.organization_id = $1 AND a.id = $2 FOR UPDATE`, [org, approvalId]);
    if (!approval || approval.status !== 'pending') throw new Error(`approval ${approvalId} is not pending`);
    await c.query(`SELECT ${APPROVAL_COLUMNS} FROM approvals WHERE id = $1`, [approvalId]);
    const decidedAt = new Date().toISOString();
    await c.query(`UPDATE approvals SET status = $1, decided_by = $2, decided_at = $3, updated_at = CURRENT_TIMESTAMP WHERE id = $4 RETURNING updated_at`, ['approved', me, decidedAt, approvalId]);
    await c.query(`SELECT ${APPROVAL_COLUMNS} FROM approvals WHERE organization_id = $1 AND spend_id = $2 AND round = $3 AND status = $4 ORDER BY step ASC LIMIT 1`,
      [org, approval.spend_id, approval.round, 'waiting']);
    const { rows: [spend] } = await c.query(`SELECT ${SPEND_COLUMNS} FROM spends s WHERE s.organization_id = $1 AND s.id = $2 FOR UPDATE`, [org, approval.spend_id]);
    await c.query(`SELECT ${SPEND_COLUMNS} FROM spends WHERE id = $1`, [spend.id]);
    await c.query(`UPDATE spends SET status = $1, decided_at = $2, updated_at = CURRENT_TIMESTAMP WHERE id = $3 RETURNING updated_at`, ['approved', new Date().toISOString(), spend.id]);
    await c.query(`INSERT INTO outbox (organization_id, topic, payload) VALUES ($1, $2, $3)`,
      [org, 'spend.approved', JSON.stringify({ spend_id: spend.id, user_id: spend.user_id, comment: null })]);
    await appendAudit(c, org, [
      { id: randomUUID(), actor_id: me, action: 'approval.decided', entity_type: 'approval', entity_id: approvalId, request_id: requestId,
        metadata: { spend_id: spend.id, step: 1, round: 1, decision: 'approved', comment: null, outcome: 'approved' } },
      { id: randomUUID(), actor_id: me, action: 'spend.approved', entity_type: 'spend', entity_id: spend.id, request_id: requestId, metadata: { comment: null } },
    ]);
    await c.query('COMMIT');
  } catch (error) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
