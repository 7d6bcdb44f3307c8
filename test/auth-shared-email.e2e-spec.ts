import request from 'supertest';
import type { TestOrganization } from './helpers/given';
import { bearer, expectProblem } from './helpers/problems';
import { createTestApp, TestApp } from './helpers/test-app';

/**
 * One e-mail in two organizations: e-mails are unique per organization, so that an admin
 * creating a user learns nothing about other organizations. Login by e-mail alone must then
 * pick the account the password opens, tell nobody about the other, and spend an attempt of
 * every account it checked, so that an admin who sets their own user's password cannot use
 * logins to guess the other organization's password without limit.
 */
describe('Auth: one e-mail address in several organizations', () => {
  let t: TestApp;
  let acme: TestOrganization;
  let globex: TestOrganization;

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_MAX_FAILURES: '5', LOGIN_FAILURE_WINDOW_SECONDS: '600' });
    acme = await t.given.organization('Acme');
    globex = await t.given.organization('Globex');
  });
  afterAll(() => t.close());
  // Every request here comes from 127.0.0.1: each test starts with that address's count at zero.
  beforeEach(() => t.dataSource.query(`DELETE FROM login_attempts WHERE kind = 'ip'`));

  const login = (body: object) => request(t.http).post('/api/v1/auth/login').send(body);
  const create = (org: TestOrganization, email: string, password: string) =>
    request(t.http)
      .post('/api/v1/admin/users')
      .set(bearer(org.admin.accessToken))
      .send({ email, full_name: 'Sam Shared', role: 'employee', password })
      .expect(201);
  const organizationOf = async (token: string) =>
    (await request(t.http).get('/api/v1/users/me').set(bearer(token)).expect(200)).body.organization_id;

  it('logs each person in to their own organization by e-mail alone, with their own password', async () => {
    const acmeSam = await create(acme, 'sam.one@shared.test', 'acme-sams-passphrase');
    const globexSam = await create(globex, 'sam.one@shared.test', 'globex-sams-passphrase');
    const intoAcme = await login({ email: 'sam.one@shared.test', password: 'acme-sams-passphrase' }).expect(200);
    const intoGlobex = await login({ email: 'SAM.ONE@shared.test', password: 'globex-sams-passphrase' }).expect(200);
    expect(await organizationOf(intoAcme.body.access_token)).toBe(acme.id);
    expect(await organizationOf(intoGlobex.body.access_token)).toBe(globex.id);
    expect(acmeSam.body.id).not.toBe(globexSam.body.id);
    expectProblem(
      await login({ email: 'sam.one@shared.test', password: 'neither-of-the-passwords' }),
      401,
      'INVALID_CREDENTIALS',
    );
  });

  it('asks for the organization when the password opens both accounts, listing them; organization_id then picks one', async () => {
    await create(acme, 'sam.two@shared.test', 'the-same-passphrase-twice');
    await create(globex, 'sam.two@shared.test', 'the-same-passphrase-twice');
    const ambiguous = await login({ email: 'sam.two@shared.test', password: 'the-same-passphrase-twice' });
    expectProblem(ambiguous, 409, 'ORGANIZATION_REQUIRED');
    expect(ambiguous.body.organizations).toEqual([
      { id: acme.id, name: 'Acme' },
      { id: globex.id, name: 'Globex' },
    ]);
    const chosen = await login({
      email: 'sam.two@shared.test',
      password: 'the-same-passphrase-twice',
      organization_id: globex.id,
    }).expect(200);
    expect(await organizationOf(chosen.body.access_token)).toBe(globex.id);
    // An organization the e-mail has no account in is the usual 401.
    const third = await t.given.organization('Initech');
    expectProblem(
      await login({ email: 'sam.two@shared.test', password: 'the-same-passphrase-twice', organization_id: third.id }),
      401,
      'INVALID_CREDENTIALS',
    );
  });

  it("an admin who sets their own user's password cannot use logins to guess the other organization's without limit", async () => {
    // Globex's Sam is the victim; Acme's admin makes an Acme user with the same address.
    const victimId = (await create(globex, 'sam.three@shared.test', 'globex-victims-passphrase')).body.id;
    await create(acme, 'sam.three@shared.test', 'acme-admins-passphrase');
    for (let i = 0; i < 5; i++)
      await login({ email: 'sam.three@shared.test', password: 'acme-admins-passphrase' }).expect(200);
    // Each of those checked the password against Globex's account too, and spent one of its attempts.
    const victim = await login({
      email: 'sam.three@shared.test',
      password: 'globex-victims-passphrase',
      organization_id: globex.id,
    });
    expectProblem(victim, 429, 'TOO_MANY_LOGIN_ATTEMPTS');
    // Acme's admin still sees nothing of it: their logins go on as for an address nobody else has.
    await login({ email: 'sam.three@shared.test', password: 'acme-admins-passphrase' }).expect(200);
    // And Globex's audit log names no failed login that was a success elsewhere.
    const [row] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM audit_logs WHERE organization_id = $1 AND entity_id = $2 AND action = 'auth.login_failed'`,
      [globex.id, victimId],
    );
    expect(row.n).toBe(0);
  });
});
