import { JwtService } from '@nestjs/jwt';
import request from 'supertest';
import { IdentityEventsService } from '../src/webhooks/inbound/identity-events.service';
import type { TestOrganization, TestUser } from './helpers/given';
import { bearer, expectProblem } from './helpers/problems';
import { createTestApp, TEST_JWT_SECRET, TestApp } from './helpers/test-app';

/**
 * The attacks on sessions: a refresh token or an access token that outlives what should have
 * ended it. Each test holds the tokens an attacker would have kept (a stolen laptop, a copied
 * token), makes the change that must end them, and tries them again.
 */
describe('Sessions: what ends them, and that nothing outlives the end', () => {
  let t: TestApp;
  let org: TestOrganization;

  beforeAll(async () => {
    // Four connections, not one: the race below needs the refresh and the reset to run side by side.
    t = await createTestApp({ DATABASE_POOL_SIZE: '4' });
    org = await t.given.organization('Acme');
  });
  afterAll(() => t.close());

  const refresh = (token: string) => request(t.http).post('/api/v1/auth/refresh').send({ refresh_token: token });
  const logout = (token: string) => request(t.http).post('/api/v1/auth/logout').send({ refresh_token: token });
  const me = (token: string) => request(t.http).get('/api/v1/users/me').set(bearer(token));
  const patch = (user: TestUser, body: object) =>
    request(t.http).patch(`/api/v1/admin/users/${user.id}`).set(bearer(org.admin.accessToken)).send(body);
  /** Both tokens of a session kept by an attacker are refused. */
  const expectEnded = async (session: { accessToken: string; refreshToken: string }) => {
    expectProblem(await me(session.accessToken), 401, 'INVALID_TOKEN');
    expectProblem(await refresh(session.refreshToken), 401, 'REFRESH_TOKEN_INVALID');
  };

  describe('a change to the user ends every session of theirs', () => {
    it("an admin's password reset: the old refresh token no longer mints tokens", async () => {
      const user = await t.given.user(org);
      const laptop = await t.given.login(user.email, user.password);
      await patch(user, { password: 'reset-by-the-admin-2026' }).expect(200);
      await expectEnded(user);
      await expectEnded(laptop);
      await t.given.login(user.email, 'reset-by-the-admin-2026');
    });

    it('deactivation then reactivation (DELETE, then PATCH is_active: true): the old refresh token stays dead', async () => {
      const user = await t.given.user(org);
      await request(t.http).delete(`/api/v1/admin/users/${user.id}`).set(bearer(org.admin.accessToken)).expect(200);
      await patch(user, { is_active: true }).expect(200);
      await expectEnded(user);
      // The user logs in again with their password: only the old session is gone.
      await me((await t.given.login(user.email, user.password)).accessToken).expect(200);
    });

    it('deactivation then reactivation through PATCH is_active', async () => {
      const user = await t.given.user(org);
      await patch(user, { is_active: false }).expect(200);
      await patch(user, { is_active: true }).expect(200);
      await expectEnded(user);
    });

    it('a role change ends the sessions issued under the old role', async () => {
      const user = await t.given.user(org, 'finance');
      await patch(user, { role: 'employee' }).expect(200);
      await expectEnded(user);
      const [entry] = await t.dataSource.query(
        `SELECT metadata FROM audit_logs WHERE entity_id = $1 AND action = 'user.updated' ORDER BY seq DESC LIMIT 1`,
        [user.id],
      );
      expect(entry.metadata).toMatchObject({
        changes: { role: { from: 'finance', to: 'employee' } },
        sessions_signed_out: 1,
      });
    });

    it('a change that ends nothing (the name) keeps the sessions', async () => {
      const user = await t.given.user(org);
      await patch(user, { full_name: 'Renamed Person' }).expect(200);
      await me(user.accessToken).expect(200);
      await refresh(user.refreshToken).expect(200);
    });

    it("the identity provider's role change and deactivation → reactivation end sessions too", async () => {
      const events = t.app.get(IdentityEventsService);
      const promoted = await t.given.user(org);
      await events.apply(
        org.id,
        [{ id: 'evt-promote', type: 'role.assigned', data: { email: promoted.email, role: 'manager' } }],
        {},
      );
      await expectEnded(promoted);

      const cycled = await t.given.user(org);
      await events.apply(org.id, [{ id: 'evt-delete', type: 'user.deleted', data: { email: cycled.email } }], {});
      await events.apply(
        org.id,
        [{ id: 'evt-reactivate', type: 'user.updated', data: { email: cycled.email, is_active: true } }],
        {},
      );
      await expectEnded(cycled);
    });

    it("a refresh racing an admin's password reset yields nothing that works after the reset", async () => {
      for (let round = 0; round < 5; round++) {
        const user = await t.given.user(org);
        const password = `raced-reset-password-${round}`;
        const [rotated] = await Promise.all([refresh(user.refreshToken), patch(user, { password }).expect(200)]);
        if (rotated.status === 200) {
          await expectEnded({ accessToken: rotated.body.access_token, refreshToken: rotated.body.refresh_token });
        } else {
          expectProblem(rotated, 401, 'REFRESH_TOKEN_INVALID');
        }
      }
    });
  });

  describe('reuse of a spent refresh token', () => {
    it('ends every session of the user, access tokens included, and audits it', async () => {
      const user = await t.given.user(org);
      const phone = await t.given.login(user.email, user.password);
      const rotated = await refresh(user.refreshToken).expect(200);
      // The thief replays the spent token.
      expectProblem(await refresh(user.refreshToken), 401, 'REFRESH_TOKEN_REUSED');
      await expectEnded({ accessToken: rotated.body.access_token, refreshToken: rotated.body.refresh_token });
      await expectEnded(phone);
      const [entry] = await t.dataSource.query(
        `SELECT metadata FROM audit_logs WHERE entity_id = $1 AND action = 'auth.refresh_token_reused'`,
        [user.id],
      );
      expect(entry.metadata).toMatchObject({ sessions_signed_out: 2 });
    });
  });

  describe('logout', () => {
    it("stops that session's access token at once, and only that session", async () => {
      const user = await t.given.user(org);
      const other = await t.given.login(user.email, user.password);
      const rotated = await refresh(user.refreshToken).expect(200);
      await me(rotated.body.access_token).expect(200);
      await logout(rotated.body.refresh_token).expect(204);
      await expectEnded({ accessToken: rotated.body.access_token, refreshToken: rotated.body.refresh_token });
      await me(other.accessToken).expect(200);
      await refresh(other.refreshToken).expect(200);
    });
  });

  describe('access tokens name their session', () => {
    const sign = (claims: object) => new JwtService({ secret: TEST_JWT_SECRET }).sign(claims);

    it('carries the session id (sid) of its refresh-token family', async () => {
      const claims = new JwtService({ secret: TEST_JWT_SECRET }).verify(org.admin.accessToken);
      const [row] = await t.dataSource.query(`SELECT family_id FROM refresh_tokens WHERE id = $1`, [
        org.admin.refreshToken.split('.')[0],
      ]);
      expect(claims.sid).toBe(row.family_id);
    });

    it("refuses a correctly signed token without a session, or naming a session that is not the user's", async () => {
      const user = await t.given.user(org);
      const { ver } = new JwtService({ secret: TEST_JWT_SECRET }).verify(user.accessToken);
      expectProblem(await me(sign({ sub: user.id, org: org.id, ver })), 401, 'INVALID_TOKEN');
      expectProblem(await me(sign({ sub: user.id, org: org.id, ver, sid: 'not-a-uuid' })), 401, 'INVALID_TOKEN');
      const adminSession = new JwtService({ secret: TEST_JWT_SECRET }).verify(org.admin.accessToken).sid;
      expectProblem(await me(sign({ sub: user.id, org: org.id, ver, sid: adminSession })), 401, 'INVALID_TOKEN');
    });
  });
});
