import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { Housekeeping } from '../src/jobs/housekeeping';
import { ReceiptStorage } from '../src/receipts/storage/receipt-storage';
import { until } from './helpers/eventually';
import type { TestOrganization, TestUser } from './helpers/given';
import { expectProblem } from './helpers/problems';
import { createTestApp, TestApp } from './helpers/test-app';

/** Collects a download whose type supertest would not buffer by itself (XLSX). */
const binary = (response: request.Response, done: (error: Error | null, body: Buffer) => void) => {
  const stream = response as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
};

interface StoredReport {
  id: string;
  status: string;
  progress: number;
  kind: string;
  filename: string | null;
  content_type: string | null;
  size: number | null;
  sha256: string | null;
  error_code: string | null;
  expires_at: string | null;
}

const Q = { from: '2025-01-01', to: '2025-03-31' };
const QUERY = 'from=2025-01-01&to=2025-03-31';

/**
 * Stored reports: each kind is queued (202), built by the job, and its download is the
 * synchronous endpoint's answer for the same parameters; only the requester sees it; the
 * requester is notified; refusals as the synchronous endpoints'; expiry deletes the file and
 * answers 410; a file store that cannot be written fails the report with a code.
 */
describe('Stored reports', () => {
  let t: TestApp;
  let org: TestOrganization;
  let finance: TestUser;
  let manager: TestUser;
  let ann: TestUser;
  let other: TestOrganization;

  const request_ = (user: TestUser, body: object) => t.as(user).post('/reports', body);
  const ready = (user: TestUser, id: string): Promise<StoredReport> =>
    until(async () => {
      const report = (await t.as(user).get(`/reports/${id}`).expect(200)).body as StoredReport;
      if (report.status === 'queued' || report.status === 'running') return null;
      return report;
    }, `stored report ${id}`);
  const download = (user: TestUser, id: string) => t.as(user).get(`/reports/${id}/download`).buffer(true).parse(binary);

  beforeAll(async () => {
    t = await createTestApp({ PUBLIC_URL: 'https://spendin.example.com' });
    org = await t.given.organization('Stored Co');
    finance = await t.given.user(org, 'finance', { full_name: 'Fay Finance' });
    manager = await t.given.user(org, 'manager', { full_name: 'Mary Major' });
    ann = await t.given.user(org, 'employee', { full_name: 'Ann Smith', manager_id: manager.id });
    other = await t.given.organization('Elsewhere');
    await t.given.spend(ann, { amount: '12.30', spend_date: '2025-01-15', merchant: 'Cafe' });
    await t.given.spend(ann, { amount: '45.60', spend_date: '2025-02-20', merchant: 'Taxi' });
    await t.given.spend(finance, { amount: '7.89', spend_date: '2025-03-05', merchant: 'Books' });
  }, 60_000);

  afterAll(() => t?.close());

  it.each([
    ['csv', `format=csv&${QUERY}`],
    ['journal', `format=journal_csv&${QUERY}&status=approved,paid`],
  ])('builds a %s file byte-identical to GET /reports/export', async (kind, query) => {
    const parameters = kind === 'journal' ? { ...Q, status: ['approved', 'paid'] } : Q;
    const queued = await request_(finance, { kind, parameters }).expect(202);
    expect(queued.body).toMatchObject({ kind, status: 'queued', progress: 0, parameters });
    const report = await ready(finance, queued.body.id);
    expect(report).toMatchObject({ status: 'ready', progress: 100, content_type: 'text/csv; charset=utf-8' });
    const file = await download(finance, report.id).expect(200);
    const expected = await t.as(finance).get(`/reports/export?${query}`).buffer(true).parse(binary).expect(200);
    expect((file.body as Buffer).equals(expected.body as Buffer)).toBe(true);
    expect(file.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(file.headers['content-length']).toBe(String(report.size));
    expect(file.headers['content-disposition']).toBe(`attachment; filename="${report.filename}"`);
    expect(report.filename).toBe(expected.headers['content-disposition'].match(/filename="(.+)"/)?.[1]);
  });

  it('builds an XLSX workbook with the same rows as the synchronous one', async () => {
    const queued = await request_(finance, { kind: 'xlsx', parameters: Q }).expect(202);
    const report = await ready(finance, queued.body.id);
    expect(report.status).toBe('ready');
    const file = await download(finance, report.id).expect(200);
    const expected = await t.as(finance).get(`/reports/export?format=xlsx&${QUERY}`).buffer(true).parse(binary);
    const rows = async (bytes: Buffer) => {
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
      return workbook.worksheets.map((sheet) => ({
        name: sheet.name,
        values: sheet.getSheetValues().map((row) => JSON.stringify(row)),
      }));
    };
    const stored = await rows(file.body as Buffer);
    expect(stored[0].values.length).toBeGreaterThan(3);
    expect(stored).toEqual(await rows(expected.body as Buffer));
  });

  it("builds a summary equal to GET /reports/summary, scoped to a manager's reports, and notifies the requester", async () => {
    const queued = await request_(manager, { kind: 'summary', parameters: { ...Q, group_by: 'user' } }).expect(202);
    const report = await ready(manager, queued.body.id);
    expect(report).toMatchObject({ status: 'ready', content_type: 'application/json' });
    const file = await download(manager, report.id).expect(200);
    const expected = await t.as(manager).get(`/reports/summary?${QUERY}&group_by=user`).expect(200);
    expect(JSON.parse((file.body as Buffer).toString())).toEqual(expected.body);
    // Ann reports to the manager; the finance user's spend is not theirs to see.
    expect(expected.body.total).toBe('57.90');

    const inbox = await until(async () => {
      const items = (await t.as(manager).get('/notifications').expect(200)).body.items as Array<{
        type: string;
        entity_id: string;
        title: string;
      }>;
      return items.find((n) => n.entity_id === report.id) ?? null;
    }, 'the report.ready notification');
    expect(inbox).toMatchObject({ type: 'report.ready', title: 'Your summary is ready' });
  });

  it('shows a stored report to its requester only: another user or organization gets 404, employees 403', async () => {
    const queued = await request_(finance, { kind: 'csv' }).expect(202);
    const id = queued.body.id as string;
    expectProblem(await t.as(manager).get(`/reports/${id}`), 404, 'STORED_REPORT_NOT_FOUND');
    expectProblem(await t.as(org.admin).get(`/reports/${id}/download`), 404, 'STORED_REPORT_NOT_FOUND');
    expectProblem(await t.as(other.admin).get(`/reports/${id}`), 404, 'STORED_REPORT_NOT_FOUND');
    expectProblem(await t.as(ann).post('/reports', { kind: 'csv' }), 403, 'INSUFFICIENT_PERMISSIONS');
    expectProblem(await t.as(ann).get('/reports'), 403, 'INSUFFICIENT_PERMISSIONS');
    const mine = (await t.as(finance).get('/reports').expect(200)).body;
    expect(mine.items.map((r: StoredReport) => r.id)).toContain(id);
    expect((await t.as(manager).get('/reports').expect(200)).body.items.map((r: StoredReport) => r.id)).not.toContain(
      id,
    );
    expect((await t.as(other.admin).get('/reports').expect(200)).body.total).toBe(0);
  });

  it('refuses what the synchronous endpoints refuse (422) and routes that are not its own stay theirs', async () => {
    expectProblem(await request_(finance, { kind: 'pdf' }), 422, 'VALIDATION_FAILED');
    expectProblem(
      await request_(finance, { kind: 'journal', parameters: { status: ['pending_approval'] } }),
      422,
      'VALIDATION_FAILED',
    );
    expectProblem(await request_(finance, { kind: 'csv', parameters: { group_by: 'user' } }), 422, 'VALIDATION_FAILED');
    expectProblem(
      await request_(finance, { kind: 'csv', parameters: { from: '2025-03-01', to: '2025-01-01' } }),
      422,
      'VALIDATION_FAILED',
    );
    expectProblem(await request_(finance, { kind: 'csv', parameters: { hack: 1 } }), 422, 'VALIDATION_FAILED');
    expectProblem(await t.as(finance).get('/reports/not-a-uuid'), 422, 'VALIDATION_FAILED');
    await t.as(finance).get('/reports/summary').expect(200);
  });

  it('honours Idempotency-Key: the same request twice queues one report', async () => {
    const send = () =>
      t.as(finance).post('/reports').set('Idempotency-Key', 'stored-report-once').send({ kind: 'csv', parameters: Q });
    const first = await send().expect(202);
    const second = await send().expect(202);
    expect(second.body.id).toBe(first.body.id);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM report_jobs WHERE id = $1`, [
      first.body.id,
    ]);
    expect(n).toBe(1);
  });

  it('answers 409 until ready, then expires: 410 and the file gone from storage; audited throughout', async () => {
    // A report its job is still building (a row of no job: nothing finishes it under the test).
    const [building] = await t.dataSource.query(
      `INSERT INTO report_jobs (organization_id, requested_by, kind, status, progress, started_at)
       VALUES ($1, $2, 'csv', 'running', 60, now()) RETURNING id`,
      [org.id, finance.id],
    );
    expect((await t.as(finance).get(`/reports/${building.id}`).expect(200)).body).toMatchObject({
      status: 'running',
      progress: 60,
    });
    expectProblem(await t.as(finance).get(`/reports/${building.id}/download`), 409, 'STORED_REPORT_NOT_READY');

    const queued = await request_(finance, { kind: 'summary', parameters: { from: '2025-02-01' } }).expect(202);
    const report = await ready(finance, queued.body.id);
    expect(report.status).toBe('ready');
    const storage = t.app.get(ReceiptStorage);
    expect((await storage.read(report.sha256!)).length).toBe(report.size);

    await t.dataSource.query(`UPDATE report_jobs SET expires_at = now() - interval '1 minute' WHERE id = $1`, [
      report.id,
    ]);
    expect((await t.app.get(Housekeeping).run()).expiredReports).toBe(1);
    expectProblem(await t.as(finance).get(`/reports/${report.id}/download`), 410, 'STORED_REPORT_EXPIRED');
    expect((await t.as(finance).get(`/reports/${report.id}`).expect(200)).body.status).toBe('expired');
    await expect(storage.read(report.sha256!)).rejects.toThrow(/not in storage/);
    expect((await t.app.get(Housekeeping).run()).expiredReports).toBe(0);

    const actions = await t.dataSource.query(
      `SELECT action FROM audit_logs WHERE entity_id = $1 ORDER BY created_at, action`,
      [report.id],
    );
    expect(actions.map((a: { action: string }) => a.action)).toEqual([
      'report.requested',
      'report.generated',
      'report.expired',
    ]);
    expect((await t.as(org.admin).get('/audit-logs/verify').expect(200)).body).toMatchObject({ valid: true });
  });

  it('fails a report whose file cannot be stored, with a code, and tells the requester', async () => {
    // A file where the store's directory should be: every write fails.
    const blocked = join(mkdtempSync(join(tmpdir(), 'spendin-blocked-')), 'not-a-directory');
    writeFileSync(blocked, 'x');
    const broken = await createTestApp({ RECEIPTS_DIR: blocked }, undefined);
    try {
      const them = await broken.given.organization('Broken Store');
      const queued = await broken.as(them.admin).post('/reports', { kind: 'csv' }).expect(202);
      const report = await until(async () => {
        const r = (await broken.as(them.admin).get(`/reports/${queued.body.id}`).expect(200)).body as StoredReport;
        return r.status === 'failed' ? r : null;
      }, 'the failed report');
      expect(report).toMatchObject({ error_code: 'STORAGE_UNAVAILABLE', sha256: null, size: null });
      expectProblem(await broken.as(them.admin).get(`/reports/${report.id}/download`), 409, 'STORED_REPORT_NOT_READY');
      const notification = await until(async () => {
        const items = (await broken.as(them.admin).get('/notifications').expect(200)).body.items as Array<{
          type: string;
          entity_id: string;
        }>;
        return items.find((n) => n.entity_id === report.id) ?? null;
      }, 'the report.failed notification');
      expect(notification.type).toBe('report.failed');
    } finally {
      await broken.close();
    }
  }, 60_000);
});
