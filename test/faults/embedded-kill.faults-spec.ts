import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { freePort, RunningApi, startApi } from '../helpers/processes';

const PASSWORD = 'embedded-kill-password-123';

/**
 * The embedded default (no DATABASE_URL) killed with SIGKILL: no shutdown hook runs, the
 * PostgreSQL it started is orphaned mid-flight. The next start must come up by itself with
 * every committed row.
 */
describe('The embedded default killed with SIGKILL', () => {
  let dataDir: string;
  let api: RunningApi | undefined;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'spendin-faults-embedded-'));
    chmodSync(dataDir, 0o755);
  });
  afterAll(async () => {
    await api?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('comes back on the next start with all committed data', async () => {
    const env = {
      DATA_DIR: dataDir,
      EMBEDDED_DB_PORT: String(await freePort()),
      ADMIN_EMAIL: 'admin@kill.test',
      ADMIN_PASSWORD: PASSWORD,
    };
    api = await startApi(env, 120_000);
    const login = async () =>
      (
        await request(api!.url)
          .post('/api/v1/auth/login')
          .send({ email: 'admin@kill.test', password: PASSWORD })
          .expect(200)
      ).body.access_token as string;
    let token = await login();
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const created = await request(api.url)
        .post('/api/v1/spends')
        .set('Authorization', `Bearer ${token}`)
        .send({ amount: `${i + 1}.00`, currency: 'USD', spend_date: '2026-08-13', merchant: `Before the kill ${i}` })
        .expect(201);
      ids.push(created.body.id);
    }
    // Writes in flight at the moment of the kill: acknowledged ones must survive, others may not.
    const inFlight = Array.from({ length: 10 }, (_, i) =>
      request(api!.url)
        .post('/api/v1/spends')
        .set('Authorization', `Bearer ${token}`)
        .send({ amount: '1.00', currency: 'USD', spend_date: '2026-08-13', merchant: `In flight ${i}` })
        .then(
          (r) => (r.status === 201 ? (r.body.id as string) : null),
          () => null,
        ),
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    await api.stop('SIGKILL');
    api = undefined;
    ids.push(...(await Promise.all(inFlight)).filter((id): id is string => id !== null));

    api = await startApi(env, 120_000);
    token = await login();
    for (const id of ids)
      await request(api.url).get(`/api/v1/spends/${id}`).set('Authorization', `Bearer ${token}`).expect(200);
    // Still writable after the crash.
    await request(api.url)
      .post('/api/v1/spends')
      .set('Authorization', `Bearer ${token}`)
      .send({ amount: '2.00', currency: 'USD', spend_date: '2026-08-13', merchant: 'After the restart' })
      .expect(201);
  }, 300_000);
});
