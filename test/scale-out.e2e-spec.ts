import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { eventually } from './helpers/eventually';
import { freePort, runCli, RunningApi, RunningWorker, startApi, startWorker } from './helpers/processes';
import { cloneTemplate, dropDatabase } from './setup/suite-database';

const PASSWORD = 'scale-out-password-123';
const JWT_SECRET = 'scale-out-jwt-secret-0123456789-0123456789';
// Every process seals and opens webhook secrets with the same key, as JWT_SECRET signs tokens alike.
const SECRETS_KEY = randomBytes(32).toString('base64');
const RECEIPT = readFileSync(join(__dirname, 'fixtures', 'receipts', 'evergreen-usd-38.34.jpg'));
const redisUrl = process.env.REDIS_URL;

/** Counts the webhook deliveries it receives, by event id. */
class Receiver {
  readonly seen = new Map<string, number>();
  private server?: Server;

  async start(): Promise<string> {
    this.server = createServer((req: IncomingMessage, res) => {
      req.resume();
      req.on('end', () => {
        const id = String(req.headers['x-spendin-event-id']);
        this.seen.set(id, (this.seen.get(id) ?? 0) + 1);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/hooks`;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

/**
 * Spendin scaled out: two API processes behind one address, and with Redis two queue workers,
 * on one PostgreSQL. Without Redis (the embedded pass of .ci/run) the two APIs share one
 * embedded DATA_DIR and both run jobs from the outbox. Whichever process answers, the rules hold:
 * logins throttle across both, one Idempotency-Key makes one spend, racing decisions have one
 * winner, every event is delivered once and every receipt is read once.
 */
describe(`Two API processes${redisUrl ? ' and two workers (Redis)' : ' on one embedded DATA_DIR (jobs in the APIs)'}`, () => {
  const database = `spendin_scale_${randomBytes(4).toString('hex')}`;
  let dataDir: string;
  let apis: RunningApi[] = [];
  let workers: RunningWorker[] = [];
  let workerHealth: number[] = [];
  const receiver = new Receiver();
  let admin: string;
  let manager: { id: string; token: string };
  let employee: { id: string; token: string };
  /** Each request goes to the next process in turn, like a round-robin load balancer. */
  let turn = 0;
  const next = () => apis[turn++ % apis.length].url;
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'spendin-scale-'));
    chmodSync(dataDir, 0o755);
    const common = {
      JWT_SECRET,
      SECRETS_KEY,
      WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
      WEBHOOK_RETRY_BASE_MS: '200',
      OUTBOX_POLL_MS: '100',
      OCR_WORKERS: '1',
      LOGIN_MAX_FAILURES: '5',
    };
    if (redisUrl) {
      const url = await cloneTemplate(database);
      // Processes of one machine: their own DATA_DIRs, one receipts directory.
      const shared = {
        ...common,
        DATABASE_URL: url,
        REDIS_URL: redisUrl,
        QUEUE_PREFIX: database,
        JOBS_IN_API: 'false',
        RECEIPTS_DIR: join(dataDir, 'receipts'),
      };
      expect(
        (
          await runCli(['bootstrap', '--org', 'Scale Co', '--email', 'admin@scale.test', '--password', PASSWORD], {
            DATABASE_URL: url,
          })
        ).code,
      ).toBe(0);
      apis = await Promise.all([
        startApi({ ...shared, DATA_DIR: join(dataDir, 'api-1') }),
        startApi({ ...shared, DATA_DIR: join(dataDir, 'api-2') }),
      ]);
      workerHealth = [await freePort(), await freePort()];
      workers = await Promise.all(
        workerHealth.map((port, i) =>
          startWorker({ ...shared, DATA_DIR: join(dataDir, `worker-${i + 1}`), WORKER_HEALTH_PORT: String(port) }),
        ),
      );
    } else {
      const shared = { ...common, DATA_DIR: dataDir };
      apis.push(
        await startApi(
          { ...shared, ORG_NAME: 'Scale Co', ADMIN_EMAIL: 'admin@scale.test', ADMIN_PASSWORD: PASSWORD },
          120_000,
        ),
      );
      apis.push(await startApi(shared, 120_000));
    }
    admin = (
      await request(next())
        .post('/api/v1/auth/login')
        .send({ email: 'admin@scale.test', password: PASSWORD })
        .expect(200)
    ).body.access_token;
    const user = async (role: string, extra: Record<string, string> = {}) => {
      const email = `${role}.${randomBytes(3).toString('hex')}@scale.test`;
      const created = await request(next())
        .post('/api/v1/admin/users')
        .set(as(admin))
        .send({ email, full_name: `Scale ${role}`, role, password: PASSWORD, ...extra })
        .expect(201);
      const login = await request(next()).post('/api/v1/auth/login').send({ email, password: PASSWORD }).expect(200);
      return { id: created.body.id as string, token: login.body.access_token as string };
    };
    manager = await user('manager');
    employee = await user('employee', { manager_id: manager.id });
    await request(next())
      .post('/api/v1/policies')
      .set(as(admin))
      .send({
        name: 'Manager approves',
        rules: [
          { condition: { amount_gt: 100 }, action: { type: 'require_approval', approver: 'manager' }, priority: 1 },
        ],
      })
      .expect(201);
    await request(next())
      .post('/api/v1/webhook-subscriptions')
      .set(as(admin))
      .send({
        url: await receiver.start(),
        events: ['spend.submitted', 'spend.approved', 'approval.assigned', 'receipt.processed'],
      })
      .expect(201);
  }, 240_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    for (const api of apis) await api.stop();
    await receiver.stop();
    if (redisUrl) await dropDatabase(database);
    rmSync(dataDir, { recursive: true, force: true });
  });

  (redisUrl ? it : it.skip)('has each worker answer its health checks on its own port', async () => {
    for (const port of workerHealth) {
      const url = `http://127.0.0.1:${port}`;
      await request(url).get('/health').expect(200, { status: 'ok' });
      const ready = await request(url).get('/health/ready').expect(200);
      expect(ready.body).toMatchObject({
        status: 'ok',
        info: { database: { status: 'up' }, queue: { status: 'up', transport: 'redis' } },
      });
      await request(url).get('/api/v1/spends').expect(404);
      await request(url).post('/health').expect(405);
    }
  });

  it('counts failed logins across both processes', async () => {
    const email = 'admin@scale.test';
    for (let i = 0; i < 5; i++)
      await request(next())
        .post('/api/v1/auth/login')
        .send({ email, password: `wrong-${i}-password` })
        .expect(401);
    for (const api of apis) {
      const refused = await request(api.url).post('/api/v1/auth/login').send({ email, password: PASSWORD });
      expect(refused.status).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    }
  });

  it('makes one spend of one Idempotency-Key, whichever process answers', async () => {
    const body = {
      amount: '12.00',
      currency: 'USD',
      spend_date: '2026-11-02',
      merchant: `Idempotent ${randomBytes(3).toString('hex')}`,
    };
    const post = (url: string) =>
      request(url).post('/api/v1/spends').set(as(employee.token)).set('Idempotency-Key', 'scale-key-1').send(body);
    const answers = await Promise.all([...apis, ...apis, ...apis].map((api) => post(api.url)));
    for (const answer of answers) expect([201, 409]).toContain(answer.status);
    // Asked again once the first has finished, each process replays the one spend.
    const replays = await Promise.all(apis.map((api) => post(api.url).expect(201)));
    const ids = new Set([...answers.filter((a) => a.status === 201), ...replays].map((a) => a.body.id));
    expect(ids.size).toBe(1);
    const listed = await request(next()).get('/api/v1/spends?limit=100').set(as(employee.token)).expect(200);
    expect(listed.body.items.filter((s: { merchant: string }) => s.merchant === body.merchant)).toHaveLength(1);
  });

  it('gives racing decisions on both processes one winner', async () => {
    for (let round = 0; round < 5; round++) {
      const spend = await request(next())
        .post('/api/v1/spends')
        .set(as(employee.token))
        .send({ amount: '250.00', currency: 'USD', spend_date: '2026-11-02', merchant: `Race ${round}` })
        .expect(201);
      expect(spend.body.status).toBe('pending_approval');
      const approvalId = spend.body.approvals[0].id as string;
      const answers = await Promise.all(
        apis.flatMap((api) =>
          [true, false].map((approved) =>
            request(api.url)
              .post(`/api/v1/approvals/${approvalId}/decision`)
              .set(as(manager.token))
              .send({ approved, comment: 'racing' }),
          ),
        ),
      );
      expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
      for (const lost of answers.filter((a) => a.status !== 200))
        expect(lost.body.code).toBe('APPROVAL_ALREADY_DECIDED');
      const after = await request(next()).get(`/api/v1/spends/${spend.body.id}`).set(as(employee.token)).expect(200);
      expect(['approved', 'rejected']).toContain(after.body.status);
    }
  });

  it('delivers every event once and reads every receipt once', async () => {
    const spends = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        request(next())
          .post('/api/v1/spends')
          .set(as(employee.token))
          .send({
            amount: i % 2 ? '20.00' : '150.00',
            currency: 'USD',
            spend_date: '2026-11-03',
            merchant: `Fan-out ${i}`,
          })
          .expect(201),
      ),
    );
    const receipts = await Promise.all(
      spends
        .slice(0, 4)
        .map((spend) =>
          request(next())
            .post('/api/v1/receipts')
            .set(as(employee.token))
            .field('spend_id', spend.body.id)
            .attach('file', RECEIPT, { filename: 'receipt.jpg', contentType: 'image/jpeg' })
            .expect(201),
        ),
    );

    await eventually(
      async () => {
        for (const receipt of receipts) {
          const read = await request(next())
            .get(`/api/v1/receipts/${receipt.body.id}`)
            .set(as(employee.token))
            .expect(200);
          expect(read.body.ocr_status).toBe('done');
        }
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );

    const events = async () =>
      (await request(next()).get('/api/v1/audit-logs?limit=100&action=receipt.processed').set(as(admin)).expect(200))
        .body;
    const processed = await events();
    for (const receipt of receipts)
      expect(processed.items.filter((e: { entity_id: string }) => e.entity_id === receipt.body.id)).toHaveLength(1);

    // Every subscribed event of the organization reached the receiver, and none twice.
    const expected = await eventually(
      async () => {
        const deliveries = await allDeliveries();
        expect(deliveries.filter((d) => d.status !== 'succeeded')).toEqual([]);
        const ids = new Set(deliveries.map((d) => d.event_id));
        expect(ids.size).toBe(deliveries.length);
        for (const id of ids) expect(receiver.seen.get(id)).toBeGreaterThanOrEqual(1);
        return ids;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    // Submitted (10 + 5 races + 1 idempotent), approval assigned (5 + 5 over 100), approved, receipts processed (4).
    expect(expected.size).toBeGreaterThanOrEqual(16 + 10 + 4);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect([...receiver.seen.entries()].filter(([, times]) => times > 1)).toEqual([]);
  }, 240_000);

  async function allDeliveries(): Promise<Array<{ event_id: string; status: string }>> {
    const subscriptions = (await request(next()).get('/api/v1/webhook-subscriptions').set(as(admin)).expect(200)).body
      .items;
    const all: Array<{ event_id: string; status: string }> = [];
    for (let cursor = ''; ;) {
      const page = (
        await request(next())
          .get(`/api/v1/webhook-subscriptions/${subscriptions[0].id}/deliveries?limit=100${cursor}`)
          .set(as(admin))
          .expect(200)
      ).body;
      all.push(...page.items);
      if (!page.next_cursor) return all;
      cursor = `&cursor=${encodeURIComponent(page.next_cursor)}`;
    }
  }
});
