import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { runSql } from '../../database/sql';
import type { StoredReport, StoredReportKind, StoredReportParameters } from './stored-report';

/** The stored file of a report, as the job writes it. */
export interface StoredFile {
  sha256: string;
  size: number;
  contentType: string;
  filename: string;
}

/** Stored reports (`report_jobs`), always scoped by organization id. */
@Injectable()
export class StoredReportsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(
    tx: EntityManager,
    organizationId: string,
    requestedBy: string,
    kind: StoredReportKind,
    parameters: StoredReportParameters,
  ): Promise<StoredReport> {
    const [row] = await runSql<ReportRow>(tx, STATEMENTS.insert, [
      organizationId,
      requestedBy,
      kind,
      JSON.stringify(parameters),
    ]);
    return toReport(row);
  }

  /** The requester's report; null for anyone else's (another user's or organization's reports are not theirs to know of). */
  async findOwn(organizationId: string, requestedBy: string, id: string): Promise<StoredReport | null> {
    const [row] = await runSql<ReportRow>(this.dataSource, STATEMENTS.own, [organizationId, requestedBy, id]);
    return row ? toReport(row) : null;
  }

  /** The requester's reports, newest first. */
  async listOwn(
    organizationId: string,
    requestedBy: string,
    page: { limit: number; offset: number },
  ): Promise<{ total: number; items: StoredReport[] }> {
    const values = [organizationId, requestedBy, page.limit, page.offset];
    const rows = await runSql<ReportRow & { total: string }>(this.dataSource, STATEMENTS.list, values);
    return { total: Number(rows[0]?.total ?? 0), items: rows.map(toReport) };
  }

  /**
   * queued → running, once: the job that gets the row builds it, any other (a duplicate, a
   * retry after it finished) gets null. A row left `running` by a worker that died more than
   * `staleSeconds` ago is taken again.
   */
  async claim(organizationId: string, id: string, staleSeconds: number): Promise<StoredReport | null> {
    const [row] = await runSql<ReportRow>(this.dataSource, STATEMENTS.claim, [organizationId, id, staleSeconds]);
    return row ? toReport(row) : null;
  }

  async setProgress(organizationId: string, id: string, progress: number): Promise<void> {
    await runSql(this.dataSource, STATEMENTS.progress, [organizationId, id, progress]);
  }

  /** running → ready with its file; null when the row is no longer running (expired, failed by another try). */
  async markReady(
    tx: EntityManager,
    organizationId: string,
    id: string,
    file: StoredFile,
    expiresAt: Date,
  ): Promise<StoredReport | null> {
    const [row] = await runSql<ReportRow>(tx, STATEMENTS.ready, [
      organizationId,
      id,
      file.sha256,
      file.size,
      file.contentType,
      file.filename,
      expiresAt,
    ]);
    return row ? toReport(row) : null;
  }

  async markFailed(tx: EntityManager, organizationId: string, id: string, code: string): Promise<StoredReport | null> {
    const [row] = await runSql<ReportRow>(tx, STATEMENTS.failed, [organizationId, id, code]);
    return row ? toReport(row) : null;
  }

  /** Ready reports past `expires_at`, locked for the caller's transaction (SKIP LOCKED: processes side by side share the work). */
  async lockExpired(tx: EntityManager, limit: number): Promise<StoredReport[]> {
    return (await runSql<ReportRow>(tx, STATEMENTS.lockExpired, [limit])).map(toReport);
  }

  async markExpired(tx: EntityManager, organizationId: string, id: string): Promise<void> {
    await runSql(tx, STATEMENTS.expired, [organizationId, id]);
  }

  /**
   * Whether anything but the report `exceptId` still names these bytes: another report not
   * expired (the same parameters give the same file), or a receipt of the organization. A
   * receipt is an image or a PDF (file-inspection.ts), never a CSV, JSON or XLSX made from one
   * organization's data, so receipts of other organizations are not searched (their index is
   * by organization).
   */
  async fileInUse(tx: EntityManager, organizationId: string, sha256: string, exceptId: string): Promise<boolean> {
    const rows = await runSql(tx, STATEMENTS.fileInUse, [organizationId, sha256, exceptId]);
    return rows.length > 0;
  }
}

interface ReportRow {
  id: string;
  organization_id: string;
  requested_by: string;
  kind: StoredReportKind;
  parameters: StoredReportParameters;
  status: StoredReport['status'];
  progress: number;
  file_sha256: string | null;
  file_size: string | null;
  content_type: string | null;
  filename: string | null;
  error_code: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  expires_at: Date | null;
}

const COLUMNS = `id, organization_id, requested_by, kind, parameters, status, progress, file_sha256, file_size,
  content_type, filename, error_code, created_at, started_at, finished_at, expires_at`;

const STATEMENTS = {
  insert: {
    name: 'report_jobs.insert',
    text: `INSERT INTO report_jobs (organization_id, requested_by, kind, parameters) VALUES ($1, $2, $3, $4::jsonb) RETURNING ${COLUMNS}`,
  },
  own: {
    name: 'report_jobs.own',
    text: `SELECT ${COLUMNS} FROM report_jobs WHERE organization_id = $1 AND requested_by = $2 AND id = $3`,
  },
  list: {
    name: 'report_jobs.list',
    text: `SELECT ${COLUMNS}, COUNT(*) OVER () AS total FROM report_jobs WHERE organization_id = $1 AND requested_by = $2
           ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4`,
  },
  claim: {
    name: 'report_jobs.claim',
    text: `UPDATE report_jobs SET status = 'running', progress = 5, started_at = now()
           WHERE organization_id = $1 AND id = $2
             AND (status = 'queued' OR (status = 'running' AND started_at < now() - make_interval(secs => $3)))
           RETURNING ${COLUMNS}`,
  },
  progress: {
    name: 'report_jobs.progress',
    text: `UPDATE report_jobs SET progress = GREATEST(progress, $3) WHERE organization_id = $1 AND id = $2 AND status = 'running'`,
  },
  ready: {
    name: 'report_jobs.ready',
    text: `UPDATE report_jobs SET status = 'ready', progress = 100, file_sha256 = $3, file_size = $4, content_type = $5,
             filename = $6, expires_at = $7, finished_at = now()
           WHERE organization_id = $1 AND id = $2 AND status = 'running' RETURNING ${COLUMNS}`,
  },
  failed: {
    name: 'report_jobs.failed',
    text: `UPDATE report_jobs SET status = 'failed', error_code = $3, finished_at = now()
           WHERE organization_id = $1 AND id = $2 AND status IN ('queued', 'running') RETURNING ${COLUMNS}`,
  },
  lockExpired: {
    name: 'report_jobs.lock_expired',
    text: `SELECT ${COLUMNS} FROM report_jobs WHERE status = 'ready' AND expires_at <= now()
           ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
  },
  expired: {
    name: 'report_jobs.expired',
    text: `UPDATE report_jobs SET status = 'expired' WHERE organization_id = $1 AND id = $2`,
  },
  fileInUse: {
    name: 'report_jobs.file_in_use',
    text: `SELECT 1 FROM receipts WHERE organization_id = $1 AND sha256 = $2
           UNION ALL
           SELECT 1 FROM report_jobs WHERE file_sha256 = $2 AND id <> $3 AND status IN ('ready', 'running')
           LIMIT 1`,
  },
};

function toReport(row: ReportRow): StoredReport {
  return {
    id: row.id,
    organizationId: row.organization_id,
    requestedBy: row.requested_by,
    kind: row.kind,
    parameters: row.parameters,
    status: row.status,
    progress: row.progress,
    fileSha256: row.file_sha256,
    fileSize: row.file_size === null ? null : Number(row.file_size),
    contentType: row.content_type,
    filename: row.filename,
    errorCode: row.error_code,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    expiresAt: row.expires_at,
  };
}
