import request from 'supertest';
import { Housekeeping } from '../src/jobs/housekeeping';
import type { TestOrganization } from './helpers/given';
import { bearer } from './helpers/problems';
import { createTestApp, TestApp } from './helpers/test-app';

/**
 * Housekeeping deletes by age what has served its purpose, and only that: rows still waiting,
 * failed for good, or younger than their retention stay, and the audit log is never touched.
 */
describe('Housekeeping', () => {
  let t: TestApp;
  let org: TestOrganization;

  beforeAll(async () => {
    t = await createTestApp({
      WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
      OUTBOX_RETENTION_DAYS: '7',
      WEBHOOK_RETENTION_DAYS: '30',
    });
    org = await t.given.organization();
  });
  afterAll(() => t.close());

  const sql = <T = Record<string, unknown>>(text: string, values: unknown[] = []): Promise<T[]> =>
    t.dataSource.query(text, values);

  it('deletes dispatched outbox rows, expired idempotency keys and finished webhook deliveries past retention, and nothing else', async () => {
    const orgId = org.id;
    const adminId = org.admin.id;
    const marker = (name: string) => JSON.stringify({ housekeeping_test: name });
    // Outbox: dispatched 8 days ago (goes); dispatched 6 days ago, failed 8 days ago, waiting since 8 days (stay).
    await sql(
      `INSERT INTO outbox (organization_id, topic, payload, created_at, dispatched_at, failed_at, available_at) VALUES
         ($1, 'spend.submitted', $2, now() - interval '9 days', now() - interval '8 days', NULL, now() - interval '9 days'),
         ($1, 'spend.submitted', $3, now() - interval '7 days', now() - interval '6 days', NULL, now() - interval '7 days'),
         ($1, 'spend.submitted', $4, now() - interval '9 days', NULL, now() - interval '8 days', now() - interval '9 days'),
         ($1, 'spend.submitted', $5, now() - interval '9 days', NULL, NULL, now() + interval '1 day')`,
      [orgId, marker('dispatched-old'), marker('dispatched-recent'), marker('failed-old'), marker('waiting')],
    );
    // Idempotency keys: 25 h old (past the 24 h replay window, goes) and 23 h old (stays).
    await sql(
      `INSERT INTO idempotency_keys (user_id, key, organization_id, method, path, request_hash, status, response_status, response_body, created_at, completed_at) VALUES
         ($1, 'hk-old', $2, 'POST', '/api/v1/spends', 'h1', 'completed', 201, '{}', now() - interval '25 hours', now() - interval '25 hours'),
         ($1, 'hk-fresh', $2, 'POST', '/api/v1/spends', 'h2', 'completed', 201, '{}', now() - interval '23 hours', now() - interval '23 hours')`,
      [adminId, orgId],
    );
    // Webhooks: a subscription to an event nothing here triggers, and events and deliveries of every age and state.
    const subscription = (
      await request(t.http)
        .post('/api/v1/webhook-subscriptions')
        .set(bearer(org.admin.accessToken))
        .send({ url: 'http://127.0.0.1:9/hooks', events: ['spend.paid'] })
        .expect(201)
    ).body as { id: string };
    const event = async (outboxId: number, ageDays: number): Promise<string> =>
      (
        await sql<{ id: string }>(
          `INSERT INTO webhook_events (organization_id, outbox_id, type, data, occurred_at, created_at)
         VALUES ($1, $2, 'spend.paid', '{}', now() - make_interval(days => $3), now() - make_interval(days => $3)) RETURNING id`,
          [orgId, outboxId, ageDays],
        )
      )[0].id;
    const delivery = async (eventId: string, status: string, ageDays: number): Promise<string> =>
      (
        await sql<{ id: string }>(
          `INSERT INTO webhook_deliveries (organization_id, subscription_id, event_id, status, created_at, updated_at)
         VALUES ($1, $2, $3, $4, now() - make_interval(days => $5), now() - make_interval(days => $5)) RETURNING id`,
          [orgId, subscription.id, eventId, status, ageDays],
        )
      )[0].id;
    const oldDelivered = await event(-1, 40);
    const oldPending = await event(-2, 40);
    const recentlyFailed = await event(-3, 40);
    const youngEvent = await event(-4, 10);
    const deliveries = {
      succeededOld: await delivery(oldDelivered, 'succeeded', 31),
      pendingOld: await delivery(oldPending, 'pending', 31),
      failedRecent: await delivery(recentlyFailed, 'failed', 5),
      cancelledOld: await delivery(youngEvent, 'cancelled', 31),
    };
    const auditBefore = (await sql<{ count: number }>(`SELECT count(*)::int AS count FROM audit_logs`))[0].count;

    const housekeeping = t.app.get(Housekeeping);
    expect(await housekeeping.run()).toEqual({
      outbox: 1,
      idempotencyKeys: 1,
      webhookDeliveries: 2,
      webhookEvents: 1,
      expiredReports: 0,
    });

    const outboxLeft = await sql<{ name: string }>(
      `SELECT payload->>'housekeeping_test' AS name FROM outbox WHERE payload ? 'housekeeping_test' ORDER BY 1`,
    );
    expect(outboxLeft.map((row) => row.name)).toEqual(['dispatched-recent', 'failed-old', 'waiting']);
    expect(
      (await sql<{ key: string }>(`SELECT key FROM idempotency_keys WHERE user_id = $1`, [adminId])).map(
        (row) => row.key,
      ),
    ).toEqual(['hk-fresh']);
    const deliveriesLeft = (
      await sql<{ id: string }>(`SELECT id FROM webhook_deliveries WHERE subscription_id = $1`, [subscription.id])
    ).map((row) => row.id);
    expect(deliveriesLeft.sort()).toEqual([deliveries.pendingOld, deliveries.failedRecent].sort());
    const eventsLeft = (
      await sql<{ id: string }>(`SELECT id FROM webhook_events WHERE organization_id = $1`, [orgId])
    ).map((row) => row.id);
    expect(eventsLeft.sort()).toEqual([oldPending, recentlyFailed, youngEvent].sort());
    expect((await sql<{ count: number }>(`SELECT count(*)::int AS count FROM audit_logs`))[0].count).toBe(auditBefore);

    // A second run finds nothing more to do.
    expect(await housekeeping.run()).toEqual({
      outbox: 0,
      idempotencyKeys: 0,
      webhookDeliveries: 0,
      webhookEvents: 0,
      expiredReports: 0,
    });
  });
});
