import request from 'supertest';
import { BullTransport } from '../src/jobs/bull-transport';
import { JobTransport } from '../src/jobs/transport';
import type { TestOrganization } from './helpers/given';
import { bearer, expectProblem } from './helpers/problems';
import { createTestApp, TestApp } from './helpers/test-app';

const withRedis = Boolean(process.env.REDIS_URL);
const PASSWORD = 'the-operator-password-of-this-installation-0123';
const basic = (user: string, password: string) => ({
  Authorization: `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`,
});
const OPERATOR = basic('operator', PASSWORD);

function expectChallenge(response: request.Response): void {
  expectProblem(response, 401, 'AUTHENTICATION_REQUIRED');
  expect(response.headers['www-authenticate']).toBe('Basic realm="Spendin queue board", charset="UTF-8"');
}

/**
 * Bull Board at /admin/queues shows every organization's queues, so it belongs to the
 * installation's operator alone (QUEUE_BOARD, QUEUE_BOARD_PASSWORD over HTTP Basic), never to
 * an organization role. Before, any organization's admin opened it with their bearer token, or
 * with a cookie from POST /admin/queue-board/session, and could read and add jobs of every tenant.
 */
describe(`Queue board (${withRedis ? 'Bull on Redis' : 'no Redis'})`, () => {
  describe('off, the default', () => {
    let t: TestApp;
    let org: TestOrganization;
    beforeAll(async () => {
      t = await createTestApp();
      org = await t.given.organization();
    });
    afterAll(() => t.close());

    it("is not mounted: 404 to anyone, an organization admin and the operator's credentials included", async () => {
      for (const headers of [{}, bearer(org.admin.accessToken), OPERATOR]) {
        for (const path of ['/admin/queues', '/admin/queues/api/queues']) {
          expectProblem(await request(t.http).get(path).set(headers), 404, 'ROUTE_NOT_FOUND');
        }
        expectProblem(await request(t.http).put('/admin/queues/api/queues/pause').set(headers), 404, 'ROUTE_NOT_FOUND');
      }
    });

    it("no longer has the route that turned an admin's token into a board cookie", async () => {
      const response = await request(t.http)
        .post('/api/v1/admin/queue-board/session')
        .set(bearer(org.admin.accessToken));
      expectProblem(response, 404, 'ROUTE_NOT_FOUND');
      expect(response.headers['set-cookie']).toBeUndefined();
    });
  });

  describe('read-only', () => {
    let t: TestApp;
    let org: TestOrganization;
    beforeAll(async () => {
      t = await createTestApp({ QUEUE_BOARD: 'read-only', QUEUE_BOARD_PASSWORD: PASSWORD });
      org = await t.given.organization();
    });
    afterAll(() => t.close());

    it("asks a browser for the operator's credentials: 401 with WWW-Authenticate: Basic", async () => {
      expectChallenge(await request(t.http).get('/admin/queues'));
      expectChallenge(await request(t.http).get('/admin/queues/api/queues'));
    });

    it("refuses an organization admin's bearer token, and the token as the old board cookie", async () => {
      expectChallenge(await request(t.http).get('/admin/queues/api/queues').set(bearer(org.admin.accessToken)));
      expectChallenge(
        await request(t.http)
          .get('/admin/queues/api/queues')
          .set('Cookie', `spendin_queue_board=${org.admin.accessToken}`),
      );
    });

    it('refuses a wrong password, another user name and a malformed header alike', async () => {
      for (const headers of [
        basic('operator', `${PASSWORD}x`),
        basic('operator', PASSWORD.slice(0, -1)),
        basic('admin', PASSWORD),
        basic('', PASSWORD),
        { Authorization: `Basic ${Buffer.from(PASSWORD).toString('base64')}` },
        { Authorization: 'Basic !!!' },
        { Authorization: `Bearer ${PASSWORD}` },
      ]) {
        expectChallenge(await request(t.http).get('/admin/queues/api/queues').set(headers));
      }
    });

    if (withRedis) {
      const queue = (name: string) => (t.app.get(JobTransport) as BullTransport).queue(name);
      const jobCount = async (name: string) =>
        Object.values(await queue(name).getJobCounts()).reduce((sum, n) => sum + n, 0);

      it('serves the page and its queue API to the operator, every queue marked read-only', async () => {
        const page = await request(t.http).get('/admin/queues').set(OPERATOR).expect(200);
        expect(page.headers['content-type']).toMatch(/text\/html/);
        const { queues } = (await request(t.http).get('/admin/queues/api/queues').set(OPERATOR).expect(200)).body as {
          queues: Array<{ name: string; readOnlyMode: boolean; allowRetries: boolean }>;
        };
        expect(queues.map((q) => q.name)).toEqual(
          expect.arrayContaining(['ocr', 'notifications', 'email', 'webhooks', 'webhook-deliveries']),
        );
        for (const q of queues) expect(q).toMatchObject({ readOnlyMode: true, allowRetries: false });
      });

      it('refuses the operator every change: adding a job, pausing, retrying, cleaning, emptying', async () => {
        const before = await jobCount('notifications');
        const changes: Array<[string, string, object?]> = [
          ['post', '/admin/queues/api/queues/notifications/add', { name: 'forged', data: { outboxId: '1' } }],
          ['put', '/admin/queues/api/queues/notifications/pause'],
          ['put', '/admin/queues/api/queues/pause'],
          ['put', '/admin/queues/api/queues/notifications/retry/failed'],
          ['put', '/admin/queues/api/queues/notifications/clean/completed'],
          ['put', '/admin/queues/api/queues/notifications/empty'],
          ['patch', '/admin/queues/api/queues/notifications/1-notifications/update-data', { data: {} }],
        ];
        for (const [method, path, body] of changes) {
          const response = await (request(t.http) as unknown as Record<string, (path: string) => request.Test>)
            [method](path)
            .set(OPERATOR)
            .send(body);
          expectProblem(response, 405, 'METHOD_NOT_ALLOWED');
          expect(response.headers.allow).toBe('GET, HEAD');
        }
        expect(await queue('notifications').isPaused()).toBe(false);
        expect(await jobCount('notifications')).toBe(before);
      });
    } else {
      it('answers the operator 503: without Redis there is no queue to show', async () => {
        const response = await request(t.http).get('/admin/queues').set(OPERATOR);
        expectProblem(response, 503, 'SERVICE_UNAVAILABLE');
        expect(response.body.detail).toMatch(/REDIS_URL/);
      });
    }
  });

  (withRedis ? describe : describe.skip)('read-write (with Redis)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({ QUEUE_BOARD: 'read-write', QUEUE_BOARD_PASSWORD: PASSWORD });
    });
    afterAll(() => t.close());
    const queue = () => (t.app.get(JobTransport) as BullTransport).queue('email');

    it("lets the operator pause and resume a queue from the board's own pages", async () => {
      await request(t.http)
        .put('/admin/queues/api/queues/email/pause')
        .set(OPERATOR)
        .set('Sec-Fetch-Site', 'same-origin')
        .expect(200);
      expect(await queue().isPaused()).toBe(true);
      await request(t.http).put('/admin/queues/api/queues/email/resume').set(OPERATOR).expect(200);
      expect(await queue().isPaused()).toBe(false);
    });

    it("refuses a change another site makes the operator's browser send (with the Basic credentials it keeps)", async () => {
      for (const site of ['cross-site', 'same-site']) {
        const response = await request(t.http)
          .put('/admin/queues/api/queues/email/pause')
          .set(OPERATOR)
          .set('Sec-Fetch-Site', site);
        expectProblem(response, 403, 'INSUFFICIENT_PERMISSIONS');
      }
      expect(await queue().isPaused()).toBe(false);
    });

    it("still wants the operator's credentials for every change", async () => {
      expectChallenge(
        await request(t.http).put('/admin/queues/api/queues/email/pause').set('Sec-Fetch-Site', 'same-origin'),
      );
      expect(await queue().isPaused()).toBe(false);
    });
  });
});
