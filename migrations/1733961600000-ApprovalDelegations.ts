import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Approval delegation: a user (or an admin for them) hands their approvals to another user of
 * the organization for a date range. While it is active, steps assigned to the delegator by name
 * may be decided by the delegate, and the decision records whom it was made for.
 *
 * One delegator has at most one active (not revoked) delegation on any day: the exclusion
 * constraint (btree_gist, as per_diem_rates uses) holds it whatever writes; the service checks
 * it first under an advisory lock of the organization's delegations, for a 409 that says so.
 * Both people are users of the row's organization (composite foreign keys), never the same one.
 */
/** Notification types and entities as 1733875200701 (advance notifications) left them. */
const TYPES_BEFORE = [
  'approval.assigned',
  'spend.approved',
  'spend.rejected',
  'spend.blocked',
  'spend.paid',
  'receipt.processed',
  'receipt.failed',
  'expense_report.approved',
  'expense_report.rejected',
  'expense_report.paid',
  'advance.approved',
  'advance.rejected',
  'advance.paid',
];
const ENTITIES_BEFORE = ['spend', 'approval', 'receipt', 'expense_report', 'advance'];
const quoted = (values: string[]) => values.map((v) => `'${v}'`).join(', ');

export class ApprovalDelegations1733961600000 implements MigrationInterface {
  name = 'ApprovalDelegations1733961600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS btree_gist`);
    await q.query(`
      CREATE TABLE approval_delegations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id),
        delegator_id uuid NOT NULL,
        delegate_id uuid NOT NULL,
        starts_on date NOT NULL,
        ends_on date NOT NULL,
        reason text CHECK (reason IS NULL OR length(reason) BETWEEN 1 AND 500),
        created_by uuid NOT NULL,
        revoked_at timestamptz(3),
        revoked_by uuid,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT approval_delegations_org_id_key UNIQUE (organization_id, id),
        CONSTRAINT approval_delegations_delegator_fk FOREIGN KEY (organization_id, delegator_id) REFERENCES users (organization_id, id),
        CONSTRAINT approval_delegations_delegate_fk FOREIGN KEY (organization_id, delegate_id) REFERENCES users (organization_id, id),
        CONSTRAINT approval_delegations_created_by_fk FOREIGN KEY (organization_id, created_by) REFERENCES users (organization_id, id),
        CONSTRAINT approval_delegations_revoked_by_fk FOREIGN KEY (organization_id, revoked_by) REFERENCES users (organization_id, id),
        CONSTRAINT approval_delegations_not_self CHECK (delegator_id <> delegate_id),
        CONSTRAINT approval_delegations_range CHECK (ends_on >= starts_on AND ends_on <= starts_on + 366),
        CONSTRAINT approval_delegations_no_overlap EXCLUDE USING gist (
          organization_id WITH =,
          delegator_id WITH =,
          daterange(starts_on, ends_on, '[]') WITH &&
        ) WHERE (revoked_at IS NULL)
      )`);
    // The decision path's lookup (delegations to a delegate) and the lists of either side.
    await q.query(
      `CREATE INDEX approval_delegations_delegate_idx ON approval_delegations (organization_id, delegate_id, starts_on) WHERE revoked_at IS NULL`,
    );
    await q.query(
      `CREATE INDEX approval_delegations_delegator_idx ON approval_delegations (organization_id, delegator_id, starts_on)`,
    );
    // The delegate hears of a new delegation: type approval.delegated, about entity approval_delegation.
    await q.query(`ALTER TABLE notifications DROP CONSTRAINT notifications_type_check`);
    await q.query(
      `ALTER TABLE notifications ADD CONSTRAINT notifications_type_check CHECK (type IN (${quoted([...TYPES_BEFORE, 'approval.delegated'])}))`,
    );
    await q.query(`ALTER TABLE notifications DROP CONSTRAINT notifications_entity_type_check`);
    await q.query(
      `ALTER TABLE notifications ADD CONSTRAINT notifications_entity_type_check CHECK (entity_type IN (${quoted([...ENTITIES_BEFORE, 'approval_delegation'])}))`,
    );
    await q.query(`ALTER TABLE approvals ADD COLUMN decided_on_behalf_of uuid`);
    await q.query(
      `ALTER TABLE approvals ADD CONSTRAINT approvals_on_behalf_of_fk FOREIGN KEY (organization_id, decided_on_behalf_of) REFERENCES users (organization_id, id)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE approvals DROP CONSTRAINT IF EXISTS approvals_on_behalf_of_fk`);
    await q.query(`ALTER TABLE approvals DROP COLUMN IF EXISTS decided_on_behalf_of`);
    await q.query(`DELETE FROM notifications WHERE type = 'approval.delegated' OR entity_type = 'approval_delegation'`);
    await q.query(`ALTER TABLE notifications DROP CONSTRAINT notifications_entity_type_check`);
    await q.query(
      `ALTER TABLE notifications ADD CONSTRAINT notifications_entity_type_check CHECK (entity_type IN (${quoted(ENTITIES_BEFORE)}))`,
    );
    await q.query(`ALTER TABLE notifications DROP CONSTRAINT notifications_type_check`);
    await q.query(
      `ALTER TABLE notifications ADD CONSTRAINT notifications_type_check CHECK (type IN (${quoted(TYPES_BEFORE)}))`,
    );
    // btree_gist stays: per_diem_rates uses it too.
    await q.query(`DROP TABLE IF EXISTS approval_delegations`);
  }
}
