import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { BullTransport, QueuedJob } from '../src/jobs/bull-transport';
import { JobRegistry, OutboxJob } from '../src/jobs/job-registry';
import { JobTransport } from '../src/jobs/transport';
import { eventually } from './helpers/eventually';
import type { TestOrganization, TestUser } from './helpers/given';
import { bearer } from './helpers/problems';
import { createTestApp, TestApp } from './helpers/test-app';

/** A webhook receiver on a loopback port that records the type of every event it is sent. */
class Receiver {
  readonly types: string[] = [];
  private server?: Server;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        this.types.push((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { type: string }).type);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/hooks`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

/**
 * Whoever can write to Redis (an exposed Redis, or a writable queue board) can put jobs on the
 * queues. A job carries only its outbox row's id, and the worker acts on what the committed row
 * says: before, it trusted the organization, topic and payload in the job, and a job added by
 * hand delivered a validly signed `spend.paid` webhook for a spend never paid, and put a forged
 * notification in another organization's inbox. Each forged job here would have done harm then.
 */
(process.env.REDIS_URL ? describe : describe.skip)('Jobs put on a queue by hand (Bull on Redis)', () => {
  let t: TestApp;
  let victim: TestOrganization;
  let owner: TestUser;
  let finance: TestUser;
  let spendId: string;
  const receiver = new Receiver();
  const recorded: OutboxJob<'spend.cancelled'>[] = [];

  const queue = (name: string) => (t.app.get(JobTransport) as BullTransport).queue(name);
  /** Adds a job the way anyone with Redis access can, and waits until a worker has finished with it. */
  const forge = async (queueName: string, jobId: string, data: object) => {
    const job = await queue(queueName).add(data as QueuedJob, { jobId });
    await job.finished();
    return job.getState();
  };
  const outboxRow = async (topic: string) => {
    const [row]: Array<{ id: string }> = await t.dataSource.query(
      `SELECT id FROM outbox WHERE organization_id = $1 AND topic = $2 ORDER BY id DESC LIMIT 1`,
      [victim.id, topic],
    );
    return String(row.id);
  };
  const events = async (type: string) =>
    (
      await t.dataSource.query(
        `SELECT count(*)::int AS n FROM webhook_events WHERE organization_id = $1 AND type = $2`,
        [victim.id, type],
      )
    )[0].n as number;
  const inbox = async () =>
    (await request(t.http).get('/api/v1/notifications?limit=100').set(bearer(owner.accessToken)).expect(200)).body
      .items as Array<{ type: string; entity_id: string }>;

  beforeAll(async () => {
    await receiver.start();
    t = await createTestApp({
      WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
      WEBHOOK_RETRY_BASE_MS: '50',
      WEBHOOK_TIMEOUT_MS: '1000',
    });
    t.app.get(JobRegistry).register({
      name: 'test-recorder',
      topics: ['spend.cancelled'],
      attempts: 1,
      backoffMs: 10,
      concurrency: 1,
      handle: async (job) => {
        recorded.push(job);
      },
    });
    await t.given.organization('Attacker');
    victim = await t.given.organization('Victim');
    owner = await t.given.user(victim, 'employee');
    finance = await t.given.user(victim, 'finance');
    await request(t.http)
      .post('/api/v1/webhook-subscriptions')
      .set(bearer(victim.admin.accessToken))
      .send({ url: receiver.url, events: ['spend.submitted', 'spend.paid'] })
      .expect(201);
    // Approved at once (no policy), and announced to the receiver: a real webhook.delivery row exists.
    spendId = (
      await request(t.http)
        .post('/api/v1/spends')
        .set(bearer(owner.accessToken))
        .send({ amount: '42.00', currency: 'USD', spend_date: '2026-03-02', merchant: 'Cafe' })
        .expect(201)
    ).body.id;
    await eventually(() => expect(receiver.types).toEqual(['spend.submitted']));
  });
  afterAll(async () => {
    await t?.close();
    await receiver.stop();
  });

  it('a spend.paid webhook job naming a real outbox row of another topic delivers nothing', async () => {
    const row = await outboxRow('webhook.delivery');
    const state = await forge('webhooks', `${row}-webhooks`, {
      outboxId: row,
      organizationId: victim.id,
      topic: 'spend.paid',
      payload: { spend_id: spendId, reference: 'FORGED-PAYOUT' },
    });
    expect(state).toBe('completed');
    expect(await events('spend.paid')).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(receiver.types).toEqual(['spend.submitted']);
  });

  it('a notification job naming no outbox row at all notifies nobody', async () => {
    const state = await forge('notifications', '987654321-notifications', {
      outboxId: '987654321',
      organizationId: victim.id,
      topic: 'spend.paid',
      payload: { spend_id: spendId, reference: 'FORGED-PAYOUT' },
    });
    expect(state).toBe('completed');
    expect((await inbox()).filter((n) => n.type === 'spend.paid')).toEqual([]);
  });

  it('a job whose row has a payload its topic cannot take fails once, never retried', async () => {
    // Dispatched already (the dispatcher would have refused it): only the worker's check stands between it and a consumer.
    const [{ id }]: Array<{ id: string }> = await t.dataSource.query(
      `INSERT INTO outbox (organization_id, topic, payload, dispatched_at) VALUES ($1, 'spend.paid', $2, now()) RETURNING id`,
      [victim.id, JSON.stringify({ spend_id: 'not-a-uuid', reference: 'FORGED-PAYOUT' })],
    );
    const job = await queue('notifications').add(
      { outboxId: String(id) },
      { jobId: `${id}-notifications`, attempts: 5, backoff: 10 },
    );
    await expect(job.finished()).rejects.toThrow(
      `malformed spend.paid payload in outbox row ${id}: spend_id is not a uuid`,
    );
    const failed = (await queue('notifications').getJob(job.id))!;
    expect(await failed.getState()).toBe('failed');
    expect(failed.attemptsMade).toBe(1);
    expect((await inbox()).filter((n) => n.type === 'spend.paid')).toEqual([]);
  });

  it("a job whose id the dispatcher would not have made is ignored, and a matching one gets the row's payload, never its own", async () => {
    const spend = (
      await request(t.http)
        .post('/api/v1/spends')
        .set(bearer(owner.accessToken))
        .send({ amount: '5.00', currency: 'USD', spend_date: '2026-03-02', draft: true })
        .expect(201)
    ).body.id as string;
    await request(t.http).post(`/api/v1/spends/${spend}/cancel`).set(bearer(owner.accessToken)).expect(200);
    await eventually(() => expect(recorded.map((job) => job.payload.spend_id)).toEqual([spend]));
    const row = recorded[0].outboxId;
    const forgedData = {
      outboxId: row,
      organizationId: victim.id,
      topic: 'spend.cancelled',
      payload: { spend_id: '00000000-0000-4000-8000-000000000000' },
    };
    expect(await forge('test-recorder', 'hand-made-1', forgedData)).toBe('completed');
    expect(recorded).toHaveLength(1);
    // The dispatcher's own job was trimmed away, say: the same id again runs the row as committed.
    await (await queue('test-recorder').getJob(`${row}-test-recorder`))!.remove();
    expect(await forge('test-recorder', `${row}-test-recorder`, forgedData)).toBe('completed');
    expect(recorded).toHaveLength(2);
    expect(recorded[1]).toEqual(recorded[0]);
  });

  it('what really happens still goes out: the spend paid for real is announced once, with its own reference', async () => {
    await request(t.http)
      .post(`/api/v1/spends/${spendId}/pay`)
      .set(bearer(finance.accessToken))
      .send({ reference: 'SEPA-2026-0042' })
      .expect(200);
    await eventually(() => expect(receiver.types).toEqual(['spend.submitted', 'spend.paid']));
    const paid = await eventually(async () => {
      const found = (await inbox()).filter((n) => n.type === 'spend.paid');
      expect(found).toHaveLength(1);
      return found[0];
    });
    expect(paid.entity_id).toBe(spendId);
    expect(await events('spend.paid')).toBe(1);
  });
});
