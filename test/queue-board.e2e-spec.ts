import request from 'supertest';
import type { TestOrganization, TestUser } from './helpers/given';
import { bearer, expectProblem } from './helpers/problems';
import { createTestApp, TestApp } from './helpers/test-app';

const withRedis = Boolean(process.env.REDIS_URL);

/** Bull Board at /admin/queues: admins only, through a bearer header or the board's cookie. */
describe(`Queue board (${withRedis ? 'Bull on Redis' : 'no Redis'})`, () => {
  let t: TestApp;
  let org: TestOrganization;
  let manager: TestUser;

  beforeAll(async () => {
    t = await createTestApp();
    org = await t.given.organization();
    manager = await t.given.user(org, 'manager');
  });
  afterAll(() => t.close());

  const openSession = (token?: string) => {
    const call = request(t.http).post('/api/v1/admin/queue-board/session');
    return token ? call.set(bearer(token)) : call;
  };
  const boardCookie = async (token: string) => {
    const response = await openSession(token).expect(204);
    const cookie = ([] as string[]).concat(response.headers['set-cookie'] ?? []).find((c) => c.startsWith('spendin_queue_board='));
    return cookie!;
  };

  describe('POST /admin/queue-board/session', () => {
    it('sets an HttpOnly, SameSite=Strict cookie limited to the board for an admin', async () => {
      const cookie = await boardCookie(org.admin.accessToken);
      expect(cookie).toContain(`spendin_queue_board=${org.admin.accessToken}`);
      expect(cookie).toMatch(/; Path=\/admin\/queues(;|$)/);
      expect(cookie).toMatch(/; HttpOnly/);
      expect(cookie).toMatch(/; SameSite=Strict/);
      expect(cookie).toMatch(/; Max-Age=900/);
    });

    it('refuses anyone below admin with 403 and no cookie', async () => {
      const response = await openSession(manager.accessToken).expect(403);
      expectProblem(response, 403, 'INSUFFICIENT_PERMISSIONS');
      expect(response.headers['set-cookie']).toBeUndefined();
    });

    it('refuses a call without a token with 401', async () => {
      expectProblem(await openSession().expect(401), 401, 'AUTHENTICATION_REQUIRED');
    });
  });

  describe('GET /admin/queues', () => {
    it('answers 401 to a browser without the cookie', async () => {
      expectProblem(await request(t.http).get('/admin/queues').expect(401), 401, 'AUTHENTICATION_REQUIRED');
    });

    it('answers 403 to a manager, by header or by cookie', async () => {
      expectProblem(await request(t.http).get('/admin/queues').set(bearer(manager.accessToken)).expect(403), 403, 'INSUFFICIENT_PERMISSIONS');
      const cookie = `spendin_queue_board=${manager.accessToken}`;
      expectProblem(await request(t.http).get('/admin/queues').set('Cookie', cookie).expect(403), 403, 'INSUFFICIENT_PERMISSIONS');
    });

    it('takes the cookie on the board only, never as a credential for the API', async () => {
      const cookie = (await boardCookie(org.admin.accessToken)).split(';')[0];
      expectProblem(await request(t.http).get('/api/v1/users/me').set('Cookie', cookie).expect(401), 401, 'AUTHENTICATION_REQUIRED');
    });

    if (withRedis) {
      it('serves the board page and its queue API to an admin holding the cookie', async () => {
        const cookie = (await boardCookie(org.admin.accessToken)).split(';')[0];
        const page = await request(t.http).get('/admin/queues').set('Cookie', cookie).expect(200);
        expect(page.headers['content-type']).toMatch(/text\/html/);
        const queues = await request(t.http).get('/admin/queues/api/queues').set('Cookie', cookie).expect(200);
        expect(queues.body.queues.map((queue: { name: string }) => queue.name)).toContain('ocr');
      });
    } else {
      it('answers 503 to an admin: without Redis there is no queue to show', async () => {
        const response = await request(t.http).get('/admin/queues').set(bearer(org.admin.accessToken)).expect(503);
        expectProblem(response, 503, 'SERVICE_UNAVAILABLE');
        expect(response.body.detail).toMatch(/REDIS_URL/);
      });
    }
  });
});
