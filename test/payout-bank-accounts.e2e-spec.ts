import request from 'supertest';
import type { TestOrganization, TestUser } from './helpers/given';
import { expectProblem } from './helpers/problems';
import { createTestApp, TestApp } from './helpers/test-app';

const IBAN = { kind: 'iban', holder_name: 'Erika Mustermann', iban: 'DE89 3704 0044 0532 0130 00', bic: 'COBADEFFXXX' };
const ACH = {
  kind: 'us_ach',
  holder_name: 'John Doe',
  routing_number: '011000015',
  account_number: '123456789',
  account_type: 'checking',
};

describe('Payee bank accounts', () => {
  let t: TestApp;
  let own: TestOrganization;
  let other: TestOrganization;
  let employee: TestUser;
  let colleague: TestUser;
  let finance: TestUser;
  let stranger: TestUser;

  beforeAll(async () => {
    t = await createTestApp();
    own = await t.given.organization('Payouts Co');
    other = await t.given.organization('Other Payouts Co');
    employee = await t.given.user(own, 'employee');
    colleague = await t.given.user(own, 'employee');
    finance = await t.given.user(own, 'finance');
    stranger = await t.given.user(other, 'employee');
  });
  afterAll(() => t.close());

  const row = async (user: TestUser) =>
    (await t.dataSource.query(`SELECT * FROM payee_bank_accounts WHERE user_id = $1`, [user.id]))[0] as
      Record<string, unknown> | undefined;

  it('stores an IBAN sealed, answers it masked and audits it without the number', async () => {
    const put = await t.as(employee).put('/users/me/bank-account', IBAN).expect(200);
    expect(put.body).toEqual({
      user_id: employee.id,
      kind: 'iban',
      holder_name: 'Erika Mustermann',
      account_masked: 'DE89 **** **** **** **30 00',
      bic: 'COBADEFFXXX',
      routing_number: null,
      account_type: null,
      updated_at: expect.any(String),
    });
    expect((await t.as(employee).get('/users/me/bank-account').expect(200)).body).toEqual(put.body);

    const stored = await row(employee);
    expect(JSON.stringify(stored)).not.toMatch(/370400440532013000|0532 0130/);
    expect(stored?.sealed_details).toMatch(/^v1\./);

    const audit = await t.dataSource.query(
      `SELECT action, metadata FROM audit_logs WHERE organization_id = $1 AND entity_id = $2 AND action LIKE 'bank_account.%'`,
      [own.id, employee.id],
    );
    expect(audit).toEqual([{ action: 'bank_account.created', metadata: expect.anything() }]);
    expect(JSON.stringify(audit)).not.toMatch(/370400440532013000/);
  });

  it('replaces it with a US ACH account, masked to the last four digits', async () => {
    const put = await t.as(employee).put('/users/me/bank-account', ACH).expect(200);
    expect(put.body).toMatchObject({
      kind: 'us_ach',
      account_masked: '****6789',
      routing_number: '011000015',
      account_type: 'checking',
      bic: null,
    });
    const stored = await row(employee);
    expect(JSON.stringify(stored)).not.toMatch(/123456789/);
    const actions = await t.dataSource.query(
      `SELECT action FROM audit_logs WHERE organization_id = $1 AND entity_id = $2 AND action LIKE 'bank_account.%' ORDER BY seq`,
      [own.id, employee.id],
    );
    expect(actions.map((a: { action: string }) => a.action)).toEqual(['bank_account.created', 'bank_account.updated']);
  });

  it('lets finance read a payee account, masked', async () => {
    const got = await t.as(finance).get(`/admin/users/${employee.id}/bank-account`).expect(200);
    expect(got.body).toMatchObject({ user_id: employee.id, account_masked: '****6789' });
    expect(JSON.stringify(got.body)).not.toMatch(/123456789/);
    await t.as(own.admin).get(`/admin/users/${employee.id}/bank-account`).expect(200);
  });

  it.each([
    ['a wrong IBAN check digit', { ...IBAN, iban: 'DE89370400440532013001' }, 'iban'],
    ['an IBAN of the wrong length', { ...IBAN, iban: 'NL91ABNA04171643001' }, 'iban'],
    ['a bad BIC', { ...IBAN, bic: '1OBADEFF' }, 'bic'],
    ['a missing IBAN', { kind: 'iban', holder_name: 'E', bic: 'COBADEFF' }, 'iban'],
    ['a wrong ABA checksum', { ...ACH, routing_number: '011000016' }, 'routing_number'],
    ['a short account number', { ...ACH, account_number: '123' }, 'account_number'],
    ['letters in the account number', { ...ACH, account_number: '1234abcd' }, 'account_number'],
    ['an unknown account type', { ...ACH, account_type: 'brokerage' }, 'account_type'],
    ['an unknown kind', { ...IBAN, kind: 'swift' }, 'kind'],
    ['no holder', { ...IBAN, holder_name: '' }, 'holder_name'],
    ['an ACH field on an IBAN account', { ...IBAN, account_type: 'checking' }, 'account_type'],
    ['a nested object in a field of the other kind', { ...IBAN, routing_number: { a: { b: 1 } } }, 'routing_number'],
    ['an IBAN on an ACH account', { ...ACH, iban: 'DE89370400440532013000' }, 'iban'],
  ])('refuses %s (422)', async (_, body, field) => {
    const response = await t.as(colleague).put('/users/me/bank-account', body);
    expectProblem(response, 422, 'VALIDATION_FAILED');
    expect(JSON.stringify(response.body)).toContain(field);
    expect(await row(colleague)).toBeUndefined();
  });

  it('answers 404 when there is no account, and deletes one with an audit entry', async () => {
    expectProblem(await t.as(colleague).get('/users/me/bank-account'), 404, 'BANK_ACCOUNT_NOT_FOUND');
    expectProblem(await t.as(colleague).delete('/users/me/bank-account'), 404, 'BANK_ACCOUNT_NOT_FOUND');
    expectProblem(await t.as(finance).get(`/admin/users/${colleague.id}/bank-account`), 404, 'BANK_ACCOUNT_NOT_FOUND');
    await t.as(colleague).put('/users/me/bank-account', IBAN).expect(200);
    await t.as(colleague).delete('/users/me/bank-account').expect(204);
    expect(await row(colleague)).toBeUndefined();
    const [entry] = await t.dataSource.query(
      `SELECT action FROM audit_logs WHERE organization_id = $1 AND entity_id = $2 AND action = 'bank_account.deleted'`,
      [own.id, colleague.id],
    );
    expect(entry).toEqual({ action: 'bank_account.deleted' });
  });

  it("refuses an employee reading another's account (403)", async () => {
    expectProblem(
      await t.as(colleague).get(`/admin/users/${employee.id}/bank-account`),
      403,
      'INSUFFICIENT_PERMISSIONS',
    );
  });

  it("answers 404 for another organization's user", async () => {
    await t.as(stranger).put('/users/me/bank-account', IBAN).expect(200);
    expectProblem(await t.as(finance).get(`/admin/users/${stranger.id}/bank-account`), 404, 'PAYEE_NOT_FOUND');
    expectProblem(await t.as(other.admin).get(`/admin/users/${employee.id}/bank-account`), 404, 'PAYEE_NOT_FOUND');
  });

  it('refuses requests without a token (401)', async () => {
    expectProblem(await request(t.http).get('/api/v1/users/me/bank-account'), 401, 'AUTHENTICATION_REQUIRED');
    expectProblem(
      await request(t.http).put('/api/v1/users/me/bank-account').send(IBAN),
      401,
      'AUTHENTICATION_REQUIRED',
    );
    expectProblem(
      await request(t.http).get(`/api/v1/admin/users/${employee.id}/bank-account`),
      401,
      'AUTHENTICATION_REQUIRED',
    );
  });
});
