// The SQL the API sends for the benchmark's requests, sent straight through `pg`: the same
// statements in the same order and transactions, with the same parameters and rows, and none
// of the API's own work (HTTP, validation, JSON, the ORM, the policy engine). Its rate is what
// PostgreSQL on this machine allows for that work; bench/api.mjs prints the API's rate as a
// share of it. Keep each function in step with what the API sends (compare with a statement
// log of one request) whenever a use case's SQL changes.
import { createHash, randomUUID } from 'node:crypto';

const USER_COLUMNS =
  'id, organization_id, email, full_name, role, password_hash, manager_id, is_active, email_notifications, token_version, created_at, updated_at, deactivated_at';
const SPEND_COLUMNS = `s.id, s.organization_id, s.user_id, s.team_id, s.category_id, s.vendor_id, s.merchant, s.description, s.amount_minor,
  s.currency, s.base_amount_minor, s.base_currency, s.exchange_rate, to_char(s.spend_date, 'YYYY-MM-DD') AS spend_date, s.source, s.status,
  s.policy_evaluation, s.system_flags, s.flags, s.receipt_count, s.receipt_verified, s.approval_round, s.submitted_at, s.decided_at,
  s.paid_at, s.paid_by, s.payment_reference, s.created_at, s.updated_at`;
const APPROVAL_COLUMNS =
  'id, organization_id, spend_id, spend_owner_id, round, step, requirement, approver_user_id, approver_role, status, note, policy_id, rule_id, decided_by, decided_at, comment, created_at, updated_at';
const RECEIPT_COLUMNS =
  'id, organization_id, spend_id, uploaded_by, filename, mime_type, size, sha256, ocr_status, ocr_run, ocr_error, extracted, verified, flags, duplicate_of, processed_at, created_at, updated_at';

/** The API names its fixed statements (parsed and planned once per connection); so does this. */
const named = (name, text) => (values) => ({ name: `raw.${name}`, text, values });
const Q = {
  tokenSubject: named(
    'token_subject',
    'SELECT id, organization_id, role, is_active, token_version FROM users WHERE id = $1',
  ),
  baseCurrency: named('base_currency', 'SELECT base_currency FROM organizations WHERE id = $1'),
  hasDuplicate: named(
    'has_duplicate',
    `SELECT 1 FROM spends
    WHERE organization_id = $1 AND user_id = $2 AND spend_date = $3 AND amount_minor = $4 AND currency = $5
      AND id <> $6 AND status <> 'cancelled'
      AND (lower(merchant) IS NOT DISTINCT FROM lower($7) OR (vendor_id IS NOT NULL AND vendor_id = $8))
    LIMIT 1`,
  ),
  userById: named('user_by_id', `SELECT ${USER_COLUMNS} FROM users WHERE organization_id = $1 AND id = $2`),
  policies: named(
    'policies',
    'SELECT id, version, rules FROM policies WHERE organization_id = $1 AND is_active AND deleted_at IS NULL ORDER BY created_at, id',
  ),
  managerOf: named(
    'manager_of',
    `SELECT u.manager_id AS manager_id_of_user, ${USER_COLUMNS.split(', ')
      .map((c) => `m.${c}`)
      .join(', ')}
    FROM users u LEFT JOIN users m ON m.organization_id = u.organization_id AND m.id = u.manager_id
    WHERE u.organization_id = $1 AND u.id = $2`,
  ),
  insertSpend: named(
    'insert_spend',
    `INSERT INTO spends (id, organization_id, user_id, team_id, category_id, vendor_id, merchant, description, amount_minor, currency,
      base_amount_minor, base_currency, exchange_rate, spend_date, source, status, policy_evaluation, system_flags, flags,
      receipt_count, receipt_verified, approval_round, submitted_at, decided_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24)
    RETURNING created_at, updated_at`,
  ),
  insertApproval: named(
    'insert_approval',
    `INSERT INTO approvals (organization_id, spend_id, spend_owner_id, round, step, requirement, approver_user_id, approver_role, status, note, policy_id, rule_id)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id, step, created_at, updated_at`,
  ),
  outbox1: named('outbox_1', 'INSERT INTO outbox (organization_id, topic, payload) VALUES ($1, $2, $3)'),
  outbox2: named('outbox_2', 'INSERT INTO outbox (organization_id, topic, payload) VALUES ($1, $2, $3), ($4, $5, $6)'),
  chainHead: named('chain_head', 'SELECT hash, now FROM audit_chain_head($1)'),
  approvalsFor: named(
    'approvals_for',
    `SELECT ${APPROVAL_COLUMNS} FROM approvals WHERE organization_id = $1 AND spend_id = ANY($2::uuid[]) ORDER BY round, step`,
  ),
  receiptsFor: named(
    'receipts_for',
    `SELECT ${RECEIPT_COLUMNS} FROM receipts WHERE organization_id = $1 AND spend_id = ANY($2::uuid[]) ORDER BY created_at, id`,
  ),
  assignedTo: named(
    'assigned_to',
    'SELECT DISTINCT spend_id FROM approvals WHERE organization_id = $1 AND (approver_user_id = $2 OR decided_by = $2)',
  ),
  lockApproval: named(
    'lock_approval',
    `SELECT ${APPROVAL_COLUMNS} FROM approvals WHERE organization_id = $1 AND id = $2 FOR UPDATE`,
  ),
  saveDecision: named(
    'save_decision',
    `UPDATE approvals SET status = $3, decided_by = $4, decided_at = $5, comment = $6, updated_at = CURRENT_TIMESTAMP
    WHERE organization_id = $1 AND id = $2 RETURNING updated_at`,
  ),
  nextWaiting: named(
    'next_waiting',
    `SELECT ${APPROVAL_COLUMNS} FROM approvals WHERE organization_id = $1 AND spend_id = $2 AND round = $3 AND status = 'waiting' ORDER BY step LIMIT 1`,
  ),
  lockSpend: named(
    'lock_spend',
    `SELECT ${SPEND_COLUMNS} FROM spends s WHERE s.organization_id = $1 AND s.id = $2 FOR UPDATE`,
  ),
  saveOutcome: named(
    'save_outcome',
    'UPDATE spends SET status = $3, decided_at = $4, updated_at = CURRENT_TIMESTAMP WHERE organization_id = $1 AND id = $2 RETURNING updated_at',
  ),
};

/** Ids the statements need: the benchmark's organization, employee, manager and finance user. */
export async function rawContext(client, { employee, manager, finance }) {
  const { rows } = await client.query(`SELECT id, organization_id, email FROM users WHERE email = ANY($1)`, [
    [employee, manager, finance],
  ]);
  const byEmail = new Map(rows.map((r) => [r.email, r]));
  return {
    organizationId: byEmail.get(employee).organization_id,
    employeeId: byEmail.get(employee).id,
    managerId: byEmail.get(manager).id,
    financeId: byEmail.get(finance).id,
  };
}

async function appendAudit(c, organizationId, entries) {
  const {
    rows: [head],
  } = await c.query(Q.chainHead([organizationId]));
  let prevHash = head.hash;
  const params = [];
  const values = entries.map((entry, i) => {
    const row = { ...entry, organization_id: organizationId, created_at: head.now.toISOString(), prev_hash: prevHash };
    const hash = createHash('sha256').update(JSON.stringify(row)).digest('hex');
    params.push(
      row.id,
      organizationId,
      row.actor_id,
      row.action,
      row.entity_type,
      row.entity_id,
      JSON.stringify(row.metadata),
      row.request_id,
      '127.0.0.1',
      row.created_at,
      prevHash,
      hash,
    );
    prevHash = hash;
    return `(${Array.from({ length: 12 }, (_, k) => `$${i * 12 + k + 1}`).join(', ')})`;
  });
  await c.query({
    name: `raw.audit_${entries.length}`,
    values: params,
    text: `INSERT INTO audit_logs (id, organization_id, actor_id, action, entity_type, entity_id, metadata, request_id, ip, created_at, prev_hash, hash) VALUES ${values.join(', ')}`,
  });
}

/** `POST /spends` of a 600+ USD spend that the bench policy sends to the owner's manager. */
export async function rawCreateSpend(c, ctx, n) {
  const { organizationId: org, employeeId: owner, managerId: manager } = ctx;
  const requestId = randomUUID();
  const id = randomUUID();
  const today = new Date().toISOString().slice(0, 10);
  const amountMinor = String((600 + (n % 5000)) * 100);
  const merchant = `Raw ${n}`;
  await c.query(Q.tokenSubject([owner]));
  await c.query('START TRANSACTION');
  try {
    await c.query(Q.baseCurrency([org]));
    await c.query(Q.hasDuplicate([org, owner, today, amountMinor, 'USD', id, merchant, null]));
    await c.query(Q.userById([org, owner]));
    const { rows: policies } = await c.query(Q.policies([org]));
    await c.query(Q.managerOf([org, owner]));
    const now = new Date();
    const policy = policies[0];
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
    await c.query(
      Q.insertSpend([
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
      ]),
    );
    const {
      rows: [approval],
    } = await c.query(
      Q.insertApproval([org, id, owner, 1, 1, 'manager', manager, null, 'pending', null, policy.id, 'big']),
    );
    await c.query(
      Q.outbox2([
        org,
        'approval.assigned',
        JSON.stringify({
          approval_id: approval.id,
          spend_id: id,
          step: 1,
          approver_user_id: manager,
          approver_role: null,
        }),
        org,
        'spend.submitted',
        JSON.stringify({ spend_id: id, user_id: owner, status: 'pending_approval' }),
      ]),
    );
    const entry = (action, metadata) => ({
      id: randomUUID(),
      actor_id: owner,
      action,
      entity_type: 'spend',
      entity_id: id,
      metadata,
      request_id: requestId,
    });
    await appendAudit(c, org, [
      entry('spend.created', { amount_minor: amountMinor, currency: 'USD', spend_date: today, merchant, draft: false }),
      entry('approval.requested', {
        round: 1,
        steps: [{ step: 1, approver_user_id: manager, approver_role: null, note: null }],
      }),
      entry('spend.submitted', { status: 'pending_approval', round: 1, flags: [], matched_rules: 1 }),
    ]);
    await c.query('COMMIT');
    return approval.id;
  } catch (error) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** The API reads a page's approvals and receipts in parallel on two pool connections; here they queue on one. */
async function pageDetails(c, org, ids) {
  if (ids.length === 0) return;
  await Promise.all([c.query(Q.approvalsFor([org, ids])), c.query(Q.receiptsFor([org, ids]))]);
}

const listStatement = (where) => `SELECT c.total, p.* FROM (SELECT COUNT(*) AS total FROM spends s WHERE ${where}) c
  LEFT JOIN LATERAL (SELECT ${SPEND_COLUMNS} FROM spends s WHERE ${where} ORDER BY s.spend_date DESC, s.id DESC LIMIT $LIMIT OFFSET $OFFSET) p ON true
  ORDER BY p.spend_date DESC, p.id DESC`;

const listFinance = named(
  'list_finance',
  listStatement('s.organization_id = $1').replace('$LIMIT', '$2').replace('$OFFSET', '$3'),
);
const listEmployee = named(
  'list_employee',
  listStatement('s.organization_id = $1 AND (s.user_id = $2)').replace('$LIMIT', '$3').replace('$OFFSET', '$4'),
);

/** `GET /spends?limit=20` by finance: the whole organization. */
export async function rawListFinance(c, ctx) {
  const org = ctx.organizationId;
  await c.query(Q.tokenSubject([ctx.financeId]));
  const { rows } = await c.query(listFinance([org, 20, 0]));
  await pageDetails(
    c,
    org,
    rows.filter((r) => r.id !== null).map((r) => r.id),
  );
}

/** `GET /spends?limit=20` by an employee: their own spends (and any they approve). */
export async function rawListEmployee(c, ctx) {
  const org = ctx.organizationId;
  const me = ctx.employeeId;
  await c.query(Q.tokenSubject([me]));
  await c.query(Q.assignedTo([org, me]));
  const { rows } = await c.query(listEmployee([org, me, 20, 0]));
  await pageDetails(
    c,
    org,
    rows.filter((r) => r.id !== null).map((r) => r.id),
  );
}

/** `POST /approvals/{id}/decision` approving the only step of a spend, as the manager. */
export async function rawDecision(c, ctx, approvalId) {
  const org = ctx.organizationId;
  const me = ctx.managerId;
  const requestId = randomUUID();
  await c.query(Q.tokenSubject([me]));
  await c.query('START TRANSACTION');
  try {
    const {
      rows: [approval],
    } = await c.query(Q.lockApproval([org, approvalId]));
    if (!approval || approval.status !== 'pending') throw new Error(`approval ${approvalId} is not pending`);
    await c.query(Q.saveDecision([org, approvalId, 'approved', me, new Date(), null]));
    await c.query(Q.nextWaiting([org, approval.spend_id, approval.round]));
    const {
      rows: [spend],
    } = await c.query(Q.lockSpend([org, approval.spend_id]));
    await c.query(Q.saveOutcome([org, spend.id, 'approved', new Date()]));
    await c.query(
      Q.outbox1([org, 'spend.approved', JSON.stringify({ spend_id: spend.id, user_id: spend.user_id, comment: null })]),
    );
    await appendAudit(c, org, [
      {
        id: randomUUID(),
        actor_id: me,
        action: 'approval.decided',
        entity_type: 'approval',
        entity_id: approvalId,
        request_id: requestId,
        metadata: { spend_id: spend.id, step: 1, round: 1, decision: 'approved', comment: null, outcome: 'approved' },
      },
      {
        id: randomUUID(),
        actor_id: me,
        action: 'spend.approved',
        entity_type: 'spend',
        entity_id: spend.id,
        request_id: requestId,
        metadata: { comment: null },
      },
    ]);
    await c.query('COMMIT');
  } catch (error) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
