// An independent yardstick, deliberately not the API's statements: the least SQL that creating
// a spend needs, written by hand (1 SELECT, 4 INSERTs, one transaction), without any of the
// design's costs: no token check, no duplicate check, no owner or manager lookup, no audit chain
// (no lock, no head read: the entry names a random predecessor, unique as the chain's constraint
// wants, so that it never waits for another), no per-spend event numbering, unnamed statements.
// Its rate is a ceiling for create-spend on this machine ("limit"), not what the API could
// reach: bench/raw-sql.mjs, the API's own statements, is the honest comparison for that.
import { createHash, randomUUID } from 'node:crypto';

/**
 * `POST /spends` reduced to its rows: the policy to cite, the spend, its one step, an outbox row,
 * an audit row. Answers the step's id, so that the benchmark leaves these out of what the API decides.
 */
export async function minimalCreateSpend(c, ctx, n) {
  const { organizationId: org, employeeId: owner, managerId: manager } = ctx;
  const id = randomUUID();
  const today = new Date().toISOString().slice(0, 10);
  const amountMinor = String((600 + (n % 5000)) * 100);
  await c.query('BEGIN');
  try {
    const {
      rows: [policy],
    } = await c.query('SELECT id, version FROM policies WHERE organization_id = $1 AND is_active LIMIT 1', [org]);
    const evaluation = { decision: 'pending_approval', policies: [{ policy_id: policy.id, version: policy.version }] };
    await c.query(
      `INSERT INTO spends (id, organization_id, user_id, merchant, amount_minor, currency, base_amount_minor, base_currency,
         exchange_rate, spend_date, source, status, policy_evaluation, approval_round, submitted_at)
       VALUES ($1, $2, $3, $4, $5, 'USD', $5, 'USD', 1, $6, 'manual', 'pending_approval', $7, 1, now())`,
      [id, org, owner, `Minimal ${n}`, amountMinor, today, JSON.stringify(evaluation)],
    );
    const {
      rows: [approval],
    } = await c.query(
      `INSERT INTO approvals (organization_id, subject_type, subject_id, spend_id, subject_owner_id, round, step, requirement, approver_user_id, status)
       VALUES ($1, 'spend', $2, $2, $3, 1, 1, 'manager', $4, 'pending') RETURNING id`,
      [org, id, owner, manager],
    );
    await c.query('INSERT INTO outbox (organization_id, topic, payload) VALUES ($1, $2, $3)', [
      org,
      'spend.submitted',
      JSON.stringify({ spend_id: id, approval_id: approval.id, status: 'pending_approval' }),
    ]);
    const metadata = JSON.stringify({ amount_minor: amountMinor, currency: 'USD' });
    const hash = (text) => createHash('sha256').update(text).digest('hex');
    await c.query(
      `INSERT INTO audit_logs (id, organization_id, actor_id, action, entity_type, entity_id, metadata, created_at, prev_hash, hash)
       VALUES ($1, $2, $3, 'spend.created', 'spend', $4, $5, now(), $6, $7)`,
      [randomUUID(), org, owner, id, metadata, hash(randomUUID()), hash(metadata)],
    );
    await c.query('COMMIT');
    return approval.id;
  } catch (error) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
