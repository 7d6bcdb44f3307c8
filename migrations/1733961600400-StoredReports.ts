import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Stored reports (docs/reports.md): `POST /reports` queues a report or export as a row of
 * `report_jobs`, which a job (`report.requested` in the outbox) claims, builds with the
 * requester's visibility, writes to the file store (the receipts' storage: a local directory or
 * S3) and marks ready; the hourly housekeeping deletes the file past `expires_at` and marks it
 * expired. `progress` is 0 to 100. The file is named by its SHA-256 (`file_sha256`), as every
 * stored file is.
 *
 * Notification types `report.ready` and `report.failed`, about a `stored_report`.
 */
/** Notification types and entities as 1733961600100 (approval SLA) left them. */
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
  'approval.delegated',
  'approval.reminded',
  'approval.escalated',
];
const ENTITIES_BEFORE = ['spend', 'approval', 'receipt', 'expense_report', 'advance', 'approval_delegation'];
const NEW_TYPES = ['report.ready', 'report.failed'];
const NEW_ENTITY = 'stored_report';
const quoted = (values: string[]) => values.map((v) => `'${v}'`).join(', ');

export class StoredReports1733961600400 implements MigrationInterface {
  name = 'StoredReports1733961600400';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE report_jobs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id),
        requested_by uuid NOT NULL,
        kind text NOT NULL CHECK (kind IN ('summary', 'csv', 'xlsx', 'journal')),
        parameters jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(parameters) = 'object'),
        status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'ready', 'failed', 'expired')),
        progress integer NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
        file_sha256 char(64) CHECK (file_sha256 ~ '^[0-9a-f]{64}$'),
        file_size bigint CHECK (file_size >= 0),
        content_type text,
        filename text,
        error_code text,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        started_at timestamptz(3),
        finished_at timestamptz(3),
        expires_at timestamptz(3),
        CONSTRAINT report_jobs_requested_by_fk FOREIGN KEY (organization_id, requested_by) REFERENCES users (organization_id, id),
        CONSTRAINT report_jobs_ready_has_file CHECK (status <> 'ready' OR (file_sha256 IS NOT NULL AND file_size IS NOT NULL AND content_type IS NOT NULL AND filename IS NOT NULL AND expires_at IS NOT NULL)),
        CONSTRAINT report_jobs_failed_has_code CHECK (status <> 'failed' OR error_code IS NOT NULL)
      )`);
    await q.query(
      `CREATE INDEX report_jobs_requester_idx ON report_jobs (organization_id, requested_by, created_at DESC, id)`,
    );
    await q.query(`CREATE INDEX report_jobs_expiry_idx ON report_jobs (expires_at) WHERE status = 'ready'`);
    await q.query(`CREATE INDEX report_jobs_file_idx ON report_jobs (file_sha256) WHERE file_sha256 IS NOT NULL`);
    await q.query(`ALTER TABLE notifications DROP CONSTRAINT notifications_type_check`);
    await q.query(
      `ALTER TABLE notifications ADD CONSTRAINT notifications_type_check CHECK (type IN (${quoted([...TYPES_BEFORE, ...NEW_TYPES])}))`,
    );
    await q.query(`ALTER TABLE notifications DROP CONSTRAINT notifications_entity_type_check`);
    await q.query(
      `ALTER TABLE notifications ADD CONSTRAINT notifications_entity_type_check CHECK (entity_type IN (${quoted([...ENTITIES_BEFORE, NEW_ENTITY])}))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM notifications WHERE type IN (${quoted(NEW_TYPES)}) OR entity_type = '${NEW_ENTITY}'`);
    await q.query(`ALTER TABLE notifications DROP CONSTRAINT notifications_entity_type_check`);
    await q.query(
      `ALTER TABLE notifications ADD CONSTRAINT notifications_entity_type_check CHECK (entity_type IN (${quoted(ENTITIES_BEFORE)}))`,
    );
    await q.query(`ALTER TABLE notifications DROP CONSTRAINT notifications_type_check`);
    await q.query(
      `ALTER TABLE notifications ADD CONSTRAINT notifications_type_check CHECK (type IN (${quoted(TYPES_BEFORE)}))`,
    );
    // Stored files are left to the file store: a down migration cannot reach S3.
    await q.query(`DROP TABLE IF EXISTS report_jobs`);
  }
}
