import request from 'supertest';
import { OutboxJob, JobRegistry } from '../src/jobs/job-registry';
import { JobTransport } from '../src/jobs/transport';
import { until } from './helpers/eventually';
import type { TestOrganization } from './helpers/given';
import { bearer } from './helpers/problems';
import { createTestApp, TestApp } from './helpers/test-app';

/**
 * Side effects travel from committed outbox rows to jobs: through Bull when REDIS_URL is set
 * (CI's first pass), in-process otherwise (the embedded pass). Same assertions for both.
 */
describe(`Jobs from the outbox (${process.env.REDIS_URL ? 'Bull on Redis' : 'in-process'})`, () => {
  let t: TestApp;
  let org: TestOrganization;
  const seen: OutboxJob<'spend.submitted'>[] = [];
  let failuresLeft = 2;
  const flaky: OutboxJob<'spend.approved'>[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    const registry = t.app.get(JobRegistry);
    registry.register({
      name: 'test-recorder',
      topics: ['spend.submitted'],
      attempts: 3,
      backoffMs: 10,
      concurrency: 1,
      handle: async (job) => {
        seen.push(job);
      },
    });
    registry.register({
      name: 'test-flaky',
      topics: ['spend.approved'],
      attempts: 5,
      backoffMs: 10,
      concurrency: 1,
      handle: async (job) => {
        if (failuresLeft-- > 0) throw new Error('receiver is down');
        flaky.push(job);
      },
    });
    org = await t.given.organization();
  });
  afterAll(() => t.close());

  it("runs a job for each committed outbox row of a consumer's topics, and marks the row dispatched", async () => {
    const created = await request(t.http)
      .post('/api/v1/spends')
      .set(bearer(org.admin.accessToken))
      .send({ amount: '10.00', currency: 'USD', spend_date: new Date().toISOString().slice(0, 10) })
      .expect(201);
    await until(() => seen.some((job) => job.payload.spend_id === created.body.id));
    const job = seen.find((j) => j.payload.spend_id === created.body.id)!;
    expect(job).toMatchObject({
      organizationId: org.id,
      topic: 'spend.submitted',
      payload: { spend_id: created.body.id, status: 'approved' },
    });
    await until(async () => {
      const [row] = await t.dataSource.query(`SELECT dispatched_at FROM outbox WHERE id = $1`, [job.outboxId]);
      return row.dispatched_at !== null;
    });
  });

  it('retries a failing consumer with backoff until it succeeds', async () => {
    const created = await request(t.http)
      .post('/api/v1/spends')
      .set(bearer(org.admin.accessToken))
      .send({ amount: '11.00', currency: 'USD', spend_date: new Date().toISOString().slice(0, 10) })
      .expect(201);
    await until(() => flaky.some((job) => job.payload.spend_id === created.body.id), 'the retried job', {
      timeoutMs: 30_000,
    });
    // The first two runs threw (this spend's, or the previous test's approval before it).
    expect(failuresLeft).toBeLessThan(0);
    expect(new Set(flaky.map((job) => job.outboxId)).size).toBe(flaky.length);
  });

  it('creates no job for a transaction that rolled back', async () => {
    const before = seen.length;
    await request(t.http)
      .post('/api/v1/spends')
      .set(bearer(org.admin.accessToken))
      .send({ amount: '12.00', currency: 'GBP', spend_date: new Date().toISOString().slice(0, 10) })
      .expect(422);
    const [{ count }] = await t.dataSource.query(
      `SELECT count(*) FROM outbox WHERE payload->>'status' IS NULL AND topic = 'spend.submitted'`,
    );
    expect(Number(count)).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(seen.length).toBe(before);
  });

  it('refuses a row whose payload its topic cannot take, once, before any consumer sees it', async () => {
    const [{ id }] = await t.dataSource.query(
      `INSERT INTO outbox (organization_id, topic, payload) VALUES ($1, 'spend.submitted', $2) RETURNING id`,
      [org.id, JSON.stringify({ spend_id: 'not-a-uuid', status: 'approved' })],
    );
    await until(async () => {
      const [row] = await t.dataSource.query(`SELECT failed_at FROM outbox WHERE id = $1`, [id]);
      return row.failed_at !== null;
    });
    const [row] = await t.dataSource.query(`SELECT attempts, last_error, dispatched_at FROM outbox WHERE id = $1`, [
      id,
    ]);
    expect(row).toEqual({
      attempts: 1,
      last_error: 'malformed spend.submitted payload: spend_id is not a uuid',
      dispatched_at: null,
    });
    expect(seen.some((job) => job.outboxId === String(id))).toBe(false);
  });

  it('reports the queue in /health/ready', async () => {
    const response = await request(t.http).get('/health/ready').expect(200);
    expect(response.body.details.queue).toEqual({
      status: 'up',
      transport: t.app.get(JobTransport).queued ? 'redis' : 'in-process',
    });
  });
});
