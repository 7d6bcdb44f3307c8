import { randomBytes } from 'node:crypto';
import { createServer, IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { WebhookSecretsAtRest1733529600000 } from '../migrations/1733529600000-WebhookSecretsAtRest';
import { verifySignature } from '../src/webhooks/delivery/signature';
import { until } from './helpers/eventually';
import { bearer } from './helpers/problems';
import { createTestApp, TestApp } from './helpers/test-app';

/**
 * The migration that stopped storing webhook secrets in plain text, on rows written the old
 * way: it cannot seal (the key is not in the database), so the next process that starts with
 * SECRETS_KEY does; no secret is lost on the way, and the answers kept for Idempotency-Key
 * replays lose the secrets they held.
 */
describe('Migration WebhookSecretsAtRest1733529600000', () => {
  const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200).end('ok');
    });
  });
  const env = {
    SECRETS_KEY: randomBytes(32).toString('base64'),
    WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
    WEBHOOK_RETRY_BASE_MS: '50',
  };
  let t: TestApp | undefined;

  beforeAll(() => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve)));
  afterAll(async () => {
    await t?.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('keeps every plain secret until a process with the key seals it, then delivers signed with it; replays lose theirs', async () => {
    const before = await createTestApp(env);
    t = before;
    const org = await before.given.organization();
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/in`;
    const migration = new WebhookSecretsAtRest1733529600000();
    const secrets = ['whsec_plain_before_the_upgrade_0001', 'whsec_plain_of_a_deleted_one_00002'];
    const runner = before.dataSource.createQueryRunner();
    let ids: string[];
    try {
      // Reverting would lose a secret stored only sealed: refused, and nothing changes.
      const sealedOnly = (
        await request(before.http)
          .post('/api/v1/webhook-subscriptions')
          .set(bearer(org.admin.accessToken))
          .send({ url, events: ['spend.paid'] })
          .expect(201)
      ).body.id;
      await expect(migration.down(runner)).rejects.toThrow(/1 webhook subscription secret\(s\) are stored only sealed/);
      await runner.query(`DELETE FROM webhook_subscriptions WHERE id = $1`, [sealedOnly]);
      await migration.down(runner);

      // Rows as the previous version wrote them, and the answers it kept for replays.
      ids = [];
      for (const [i, secret] of secrets.entries()) {
        const [{ id }] = await runner.query(
          `INSERT INTO webhook_subscriptions (organization_id, url, events, secret, deleted_at) VALUES ($1, $2, '{spend.submitted}', $3, $4) RETURNING id`,
          [org.id, url, secret, i === 1 ? new Date() : null],
        );
        ids.push(id);
      }
      for (const [key, path, body] of [
        ['k1', '/api/v1/webhook-subscriptions', { id: ids[0], secret: secrets[0], url }],
        ['k2', '/api/v1/teams', { id: ids[1], secret: 'not a webhook answer' }],
      ] as const) {
        await runner.query(
          `INSERT INTO idempotency_keys (user_id, key, organization_id, method, path, request_hash, status, response_status, response_body) VALUES ($1, $2, $3, 'POST', $4, 'h', 'completed', 201, $5)`,
          [org.admin.id, key, org.id, path, JSON.stringify(body)],
        );
      }

      await migration.up(runner);
      const rows: Array<{ id: string; secret: string | null; secret_ciphertext: string | null; secret_hint: string }> =
        await runner.query(
          `SELECT id, secret, secret_ciphertext, secret_hint FROM webhook_subscriptions WHERE id = ANY($1::uuid[]) ORDER BY array_position($1::uuid[], id)`,
          [ids],
        );
      // The migration has no key: the plain text stays until a process seals it.
      expect(rows.map((r) => [r.secret, r.secret_ciphertext, r.secret_hint])).toEqual(
        secrets.map((s) => [s, null, s.slice(-4)]),
      );
      const replays: Array<{ key: string; response_body: Record<string, unknown> }> = await runner.query(
        `SELECT key, response_body FROM idempotency_keys WHERE user_id = $1 ORDER BY key`,
        [org.admin.id],
      );
      expect(replays).toEqual([
        { key: 'k1', response_body: { id: ids[0], secret: null, url } },
        { key: 'k2', response_body: { id: ids[1], secret: 'not a webhook answer' } },
      ]);
    } finally {
      await runner.release();
    }
    await before.close({ keepDatabase: true });

    // The next start, with the key, seals both (the deleted one too).
    const after = await createTestApp(env, before);
    t = after;
    const rows: Array<{ secret: string | null; secret_ciphertext: string | null; everything: string }> =
      await after.dataSource.query(
        `SELECT secret, secret_ciphertext, row_to_json(s)::text AS everything FROM webhook_subscriptions s WHERE id = ANY($1::uuid[]) ORDER BY array_position($1::uuid[], id)`,
        [ids],
      );
    for (const [i, row] of rows.entries()) {
      expect(row).toMatchObject({ secret: null, secret_ciphertext: expect.stringMatching(/^v1\./) });
      expect(row.everything).not.toContain(secrets[i]);
    }
    const read = (
      await request(after.http)
        .get(`/api/v1/webhook-subscriptions/${ids[0]}`)
        .set(bearer(org.admin.accessToken))
        .expect(200)
    ).body;
    expect(read.secret_hint).toBe(`…${secrets[0].slice(-4)}`);

    const spend = (
      await request(after.http)
        .post('/api/v1/spends')
        .set(bearer(org.admin.accessToken))
        .send({ amount: '3.00', currency: 'USD', spend_date: '2026-03-02', merchant: 'Upgraded' })
        .expect(201)
    ).body;
    await until(() => received.some((r) => JSON.parse(r.body).spend_id === spend.id), 'a delivery after the upgrade', {
      timeoutMs: 30_000,
    });
    const delivered = received.filter((r) => JSON.parse(r.body).spend_id === spend.id);
    // Only the live subscription is sent to, signed with the secret it had before the upgrade.
    expect(delivered).toHaveLength(1);
    expect(
      verifySignature(
        String(delivered[0].headers['x-spendin-signature']),
        delivered[0].body,
        secrets[0],
        Math.floor(Date.now() / 1000),
      ),
    ).toBe(true);
  });
});
