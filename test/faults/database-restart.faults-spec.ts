import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { PrivatePostgres } from '../helpers/private-postgres';
import { freePort, runCli, RunningApi, startApi } from '../helpers/processes';

const JWT_SECRET = 'faults-test-secret-faults-test-secret-0123456';
const PASSWORD = 'faults-password-123';

interface Answer {
  status: number | 'hung' | 'network';
  code?: string;
  contentType?: string;
  id?: string;
  ms: number;
}

/**
 * PostgreSQL restarted for real under traffic. The suite runs its own PostgreSQL (the
 * embedded server, in a directory of its own) so that stopping it disturbs nobody else, and
 * the built API as a separate process pointed at it.
 */
describe('PostgreSQL restarted during traffic', () => {
  let dir: string;
  let database: PrivatePostgres;
  let url: string;
  let api: RunningApi;
  let token: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'spendin-faults-pg-'));
    chmodSync(dir, 0o755);
    database = new PrivatePostgres(dir, await freePort());
    url = await database.start('spendin_faults');
    expect((await runCli(['migrate'], { DATABASE_URL: url })).code).toBe(0);
    expect(
      (
        await runCli(['bootstrap', '--org', 'Faults', '--email', 'admin@faults.test', '--password', PASSWORD], {
          DATABASE_URL: url,
        })
      ).code,
    ).toBe(0);
    api = await startApi({ DATABASE_URL: url, JWT_SECRET });
    token = (
      await request(api.url)
        .post('/api/v1/auth/login')
        .send({ email: 'admin@faults.test', password: PASSWORD })
        .expect(200)
    ).body.access_token;
  }, 180_000);

  afterAll(async () => {
    await api?.stop();
    await database?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const createSpend = async (n: number): Promise<Answer> => {
    const started = Date.now();
    try {
      const response = await request(api.url)
        .post('/api/v1/spends')
        .set('Authorization', `Bearer ${token}`)
        .send({ amount: `${(n % 500) + 1}.25`, currency: 'USD', spend_date: '2026-08-13', merchant: `Fault ${n}` })
        .timeout(15_000);
      return {
        status: response.status,
        code: response.body?.code,
        contentType: response.headers['content-type'],
        id: response.body?.id,
        ms: Date.now() - started,
      };
    } catch (error) {
      const timedOut = (error as { timeout?: number }).timeout !== undefined;
      return { status: timedOut ? 'hung' : 'network', ms: Date.now() - started };
    }
  };
  const ready = async () => (await request(api.url).get('/health/ready').timeout(10_000)).status;

  it('answers 503 problems (never hangs, never 500) while it is down, recovers by itself and loses no acknowledged write', async () => {
    const answers: Answer[] = [];
    let phase: 'before' | 'down' | 'after' = 'before';
    const byPhase: Record<string, Answer[]> = { before: [], down: [], after: [] };
    let running = true;
    let n = 0;
    const client = async () => {
      while (running) {
        const current = phase;
        const answer = await createSpend(n++);
        answers.push(answer);
        byPhase[current].push(answer);
      }
    };
    const clients = Array.from({ length: 4 }, client);

    await new Promise((resolve) => setTimeout(resolve, 2_000));
    phase = 'down';
    await database.stop();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const readiness = await ready();
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await database.start('spendin_faults');
    phase = 'after';
    // Recovery without a restart of the API: the pool reconnects on its own.
    const deadline = Date.now() + 30_000;
    while ((await ready()) !== 200 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 250));
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    running = false;
    await Promise.all(clients);

    expect(readiness).toBe(503);
    expect(await ready()).toBe(200);
    const unexpected = answers.filter(
      (a) =>
        !(
          a.status === 201 ||
          (a.status === 503 &&
            a.code === 'SERVICE_UNAVAILABLE' &&
            a.contentType?.startsWith('application/problem+json'))
        ),
    );
    // On failure, show what the API logged for its failed requests next to the answers.
    const logged = unexpected.length
      ? [
          ...new Set(
            api
              .output()
              .split('\n')
              .filter((l) => l.includes('request failed'))
              .map((l) => /"message":"([^"]*)/.exec(l)?.[1]),
          ),
        ]
      : [];
    expect({ unexpected, logged }).toEqual({ unexpected: [], logged: [] });
    expect(byPhase.before.filter((a) => a.status === 201).length).toBeGreaterThan(0);
    expect(byPhase.down.filter((a) => a.status === 503).length).toBeGreaterThan(0);
    expect(byPhase.after.filter((a) => a.status === 201).length).toBeGreaterThan(0);

    // Every spend the API acknowledged is in the database.
    const acknowledged = answers.filter((a) => a.status === 201).map((a) => a.id!);
    const db = new Client({ connectionString: url });
    await db.connect();
    try {
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM spends WHERE id = ANY($1::uuid[])`, [
        acknowledged,
      ]);
      expect(rows[0].n).toBe(acknowledged.length);
    } finally {
      await db.end();
    }
  }, 120_000);
});
