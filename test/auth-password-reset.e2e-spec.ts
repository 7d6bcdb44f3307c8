import request from 'supertest';
import { until } from './helpers/eventually';
import type { TestOrganization, TestUser } from './helpers/given';
import { bearer, expectProblem } from './helpers/problems';
import { startSmtpServer, TestSmtpServer } from './helpers/smtp-server';
import { createTestApp, TestApp } from './helpers/test-app';

const ACCEPTED = { message: 'If an account with this e-mail exists, a message with a reset link is on its way' };

/**
 * Password reset by e-mail, with a real SMTP server (smtp-server) receiving the messages: the
 * same answer for any e-mail, a token that works once and for a while, every session ended by
 * the reset, and each organization's account of a shared e-mail reset on its own.
 */
describe(`Auth: password reset by e-mail (${process.env.REDIS_URL ? 'Bull on Redis' : 'in-process'})`, () => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let acme: TestOrganization;
  let globex: TestOrganization;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await createTestApp({
      SMTP_URL: smtp.url,
      SMTP_FROM: 'Spendin <no-reply@acme.test>',
      PASSWORD_RESET_URL: 'https://app.acme.test/reset-password',
      LOGIN_MAX_FAILURES: '3',
    });
    acme = await t.given.organization('Acme');
    globex = await t.given.organization('Globex');
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });
  beforeEach(() => t.dataSource.query(`DELETE FROM login_attempts`));

  const ask = (body: object) => request(t.http).post('/api/v1/auth/password-reset').send(body);
  const confirm = (body: object) => request(t.http).post('/api/v1/auth/password-reset/confirm').send(body);
  const login = (email: string, password: string) =>
    request(t.http).post('/api/v1/auth/login').send({ email, password });
  const mailsTo = (email: string) => smtp.received.filter((r) => r.to.includes(email));
  const resetRows = (email: string) =>
    t.dataSource.query(`SELECT id FROM outbox WHERE topic = 'auth.password_reset_requested' AND payload->>'to' = $1`, [
      email,
    ]);

  /** Asks for a reset and answers the token of the message that arrives (the n-th to this address). */
  async function tokenFor(email: string, body: object = { email }): Promise<string> {
    const before = mailsTo(email).length;
    expect((await ask(body).expect(202)).body).toEqual(ACCEPTED);
    await until(() => mailsTo(email).length > before, `the reset e-mail to ${email}`);
    const { mail } = mailsTo(email)[before];
    const match = /token=([0-9a-f-]{36}\.[A-Za-z0-9_-]{43})/.exec(mail.text ?? '');
    expect(match).not.toBeNull();
    return decodeURIComponent(match![1]);
  }

  it('e-mails a single-use link; the reset sets the password and ends every session', async () => {
    const user: TestUser = await t.given.user(acme, 'employee', { full_name: 'Jane Doe' });
    const other = await t.given.login(user.email, user.password);
    await t.dataSource.query(`UPDATE users SET must_change_password = true WHERE id = $1`, [user.id]);
    const token = await tokenFor(user.email);
    const { mail } = mailsTo(user.email)[0];
    expect(mail.subject).toBe('Reset your Spendin password (Acme)');
    expect(mail.from?.value).toEqual([{ address: 'no-reply@acme.test', name: 'Spendin' }]);
    expect(mail.text).toContain('Hello Jane Doe,');
    expect(mail.text).toContain(`https://app.acme.test/reset-password?token=${token}`);
    // At rest, only a hash of the token's secret.
    const [row] = await t.dataSource.query(`SELECT secret_hash FROM password_reset_tokens WHERE user_id = $1`, [
      user.id,
    ]);
    expect(row.secret_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(await resetRows(user.email))).not.toContain(token.split('.')[1]);

    await confirm({ token, new_password: 'a-brand-new-passphrase' }).expect(204);
    expectProblem(await login(user.email, user.password), 401, 'INVALID_CREDENTIALS');
    const fresh = await login(user.email, 'a-brand-new-passphrase').expect(200);
    expect(fresh.body.password_change_required).toBe(false);
    for (const accessToken of [user.accessToken, other.accessToken]) {
      expectProblem(await request(t.http).get('/api/v1/users/me').set(bearer(accessToken)), 401, 'INVALID_TOKEN');
    }
    expectProblem(
      await request(t.http).post('/api/v1/auth/refresh').send({ refresh_token: other.refreshToken }),
      401,
      'REFRESH_TOKEN_INVALID',
    );
    expectProblem(await confirm({ token, new_password: 'yet-another-passphrase' }), 410, 'RESET_TOKEN_USED');
    const actions = (
      await t.dataSource.query(`SELECT action, metadata FROM audit_logs WHERE entity_id = $1 ORDER BY seq`, [user.id])
    ).filter((r: { action: string }) => r.action.startsWith('user.password_reset'));
    expect(actions).toEqual([
      expect.objectContaining({ action: 'user.password_reset_requested' }),
      { action: 'user.password_reset', metadata: { sessions_signed_out: 2 } },
    ]);
  });

  it('answers the same for an e-mail nobody has, and sends nothing', async () => {
    const unknown = await ask({ email: 'nobody.at.all@acme.test' });
    const known = await ask({ email: acme.admin.email });
    expect(unknown.status).toBe(202);
    expect(unknown.body).toEqual(known.body);
    expect(await resetRows('nobody.at.all@acme.test')).toEqual([]);
    expect((await resetRows(acme.admin.email)).length).toBe(1);
  });

  it('refuses an expired token (410), an unknown or malformed one (400), and keeps a token a bad password did not use', async () => {
    const user = await t.given.user(acme);
    const token = await tokenFor(user.email);
    expectProblem(await confirm({ token, new_password: 'short' }), 422, 'VALIDATION_FAILED');
    await t.dataSource.query(
      `UPDATE password_reset_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1`,
      [user.id],
    );
    expectProblem(await confirm({ token, new_password: 'a-brand-new-passphrase' }), 410, 'RESET_TOKEN_EXPIRED');
    const [id] = token.split('.');
    expectProblem(
      await confirm({ token: `${id}.${'A'.repeat(43)}`, new_password: 'a-brand-new-passphrase' }),
      400,
      'RESET_TOKEN_INVALID',
    );
    expectProblem(
      await confirm({ token: 'garbage', new_password: 'a-brand-new-passphrase' }),
      400,
      'RESET_TOKEN_INVALID',
    );
    expectProblem(await confirm({ new_password: 'a-brand-new-passphrase' }), 422, 'VALIDATION_FAILED');
    await login(user.email, user.password).expect(200);
  });

  it('resets only the account of the organization asked for, when an e-mail has one in each', async () => {
    for (const org of [acme, globex]) {
      await t
        .as(org.admin)
        .post('/admin/users', {
          email: 'lee@shared.test',
          full_name: 'Lee Shared',
          role: 'employee',
          password: 'the-same-passphrase-twice',
        })
        .expect(201);
    }
    const token = await tokenFor('lee@shared.test', { email: 'lee@shared.test', organization_id: globex.id });
    expect(mailsTo('lee@shared.test').at(-1)!.mail.subject).toBe('Reset your Spendin password (Globex)');
    await confirm({ token, new_password: 'globex-only-passphrase' }).expect(204);
    const intoAcme = await request(t.http)
      .post('/api/v1/auth/login')
      .send({ email: 'lee@shared.test', password: 'the-same-passphrase-twice', organization_id: acme.id })
      .expect(200);
    expect(intoAcme.body.access_token).toEqual(expect.any(String));
    await request(t.http)
      .post('/api/v1/auth/login')
      .send({ email: 'lee@shared.test', password: 'globex-only-passphrase', organization_id: globex.id })
      .expect(200);

    // Without organization_id, each account gets a message of its own.
    const before = mailsTo('lee@shared.test').length;
    await ask({ email: 'lee@shared.test' }).expect(202);
    await until(() => mailsTo('lee@shared.test').length === before + 2, 'one e-mail per account');
    expect(
      mailsTo('lee@shared.test')
        .slice(before)
        .map((r) => r.mail.subject)
        .sort(),
    ).toEqual(['Reset your Spendin password (Acme)', 'Reset your Spendin password (Globex)']);
  });

  it('counts requests per e-mail, known or not: 429 with Retry-After past the limit', async () => {
    for (const email of ['throttled.nobody@acme.test', acme.admin.email]) {
      for (let i = 0; i < 3; i++) await ask({ email }).expect(202);
      const refused = await ask({ email });
      expectProblem(refused, 429, 'TOO_MANY_RESET_REQUESTS');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    }
  });

  it('counts requests per client address too', async () => {
    // Ten times the per-e-mail limit, as for logins.
    for (let i = 0; i < 30; i++) await ask({ email: `someone.${i}@acme.test` }).expect(202);
    expectProblem(await ask({ email: 'someone.else@acme.test' }), 429, 'TOO_MANY_RESET_REQUESTS');
  });

  it('does not reset a deactivated user, nor take a token e-mailed before the deactivation', async () => {
    const user = await t.given.user(acme);
    const token = await tokenFor(user.email);
    await t.as(acme.admin).delete(`/admin/users/${user.id}`).expect(200);
    expectProblem(await confirm({ token, new_password: 'a-brand-new-passphrase' }), 400, 'RESET_TOKEN_INVALID');
    await ask({ email: user.email }).expect(202);
    expect(await resetRows(user.email)).toHaveLength(1);
  });
});

describe('Auth: password reset without SMTP_URL', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ SMTP_URL: '' });
  });
  afterAll(() => t.close());

  it('answers 202 as ever, and makes no token', async () => {
    const org = await t.given.organization('Acme');
    const answer = await request(t.http)
      .post('/api/v1/auth/password-reset')
      .send({ email: org.admin.email })
      .expect(202);
    expect(answer.body).toEqual(ACCEPTED);
    expect(await t.dataSource.query(`SELECT 1 FROM password_reset_tokens`)).toEqual([]);
    expect(await t.dataSource.query(`SELECT 1 FROM outbox WHERE topic = 'auth.password_reset_requested'`)).toEqual([]);
  });
});
