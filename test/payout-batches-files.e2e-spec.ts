import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateXML } from 'xmllint-wasm';
import type { TestOrganization, TestUser } from './helpers/given';
import { ACH, approvedSpend, bankAccount, IBANS, PAYOUT_SETTINGS } from './helpers/payouts';
import { expectProblem } from './helpers/problems';
import { createTestApp, TestApp } from './helpers/test-app';

const XSD = readFileSync(join(__dirname, 'fixtures/iso20022/pain.001.001.09.xsd'), 'utf8');

async function schemaErrors(xml: string): Promise<string[]> {
  const result = await validateXML({
    xml: [{ fileName: 'payout.xml', contents: xml }],
    schema: [{ fileName: 'pain.001.001.09.xsd', contents: XSD }],
  });
  return result.valid ? [] : result.errors.map((e) => e.rawMessage);
}

/** supertest keeps a text/* answer in `text`, and an XML one too once asked to buffer it. */
const text = (response: { text: string }) => response.text;

describe('Payout batch files', () => {
  let t: TestApp;
  let org: TestOrganization;
  let finance: TestUser;
  let erika: TestUser;
  let jan: TestUser;
  let john: TestUser;
  let mary: TestUser;

  const batch = async (items: string[]) =>
    (
      await t
        .as(finance)
        .post('/payout-batches', {
          items: items.map((item_id) => ({ item_type: 'spend', item_id })),
          execution_date: '2026-12-07',
          reference: 'Nov expenses',
        })
        .expect(201)
    ).body as { id: string; lines: Array<{ id: string; item_id: string }> };
  const download = (id: string) => t.as(finance).get(`/payout-batches/${id}/file`).buffer(true);

  beforeAll(async () => {
    t = await createTestApp();
    org = await t.given.organization('Files Co');
    finance = await t.given.user(org, 'finance');
    erika = await t.given.user(org, 'employee');
    jan = await t.given.user(org, 'employee');
    john = await t.given.user(org, 'employee');
    mary = await t.given.user(org, 'employee');
    await t.given.rate(org.admin, 'EUR', '1.08');
    await bankAccount(t, erika, IBANS.erika);
    await bankAccount(t, jan, IBANS.jan);
    await bankAccount(t, john, ACH.john);
    await bankAccount(t, mary, ACH.mary);
  });
  afterAll(() => t?.close());

  it('needs the payout settings of the rail (409 PAYOUT_SETTINGS_MISSING) and leaves the batch open', async () => {
    const b = await batch([await approvedSpend(t, erika, { amount: '1.00', currency: 'EUR' })]);
    expectProblem(await t.as(finance).get(`/payout-batches/${b.id}/file`), 409, 'PAYOUT_SETTINGS_MISSING');
    expect((await t.as(finance).get(`/payout-batches/${b.id}`).expect(200)).body.status).toBe('open');
    await t.as(finance).post(`/payout-batches/${b.id}/cancel`).expect(200);
    await t.as(finance).put('/organization/payout-settings', PAYOUT_SETTINGS).expect(200);
  });

  it('exports a EUR batch as pain.001.001.09 that the EPC schema accepts, with the whole IBANs, audited without them', async () => {
    const first = await approvedSpend(t, erika, { amount: '42.50', currency: 'EUR', merchant: 'Café Zürich & Co' });
    const second = await approvedSpend(t, jan, { amount: '1234.05', currency: 'EUR' });
    const b = await batch([first, second]);
    const response = await download(b.id).expect(200);
    expect(response.headers['content-type']).toBe('application/xml; charset=utf-8');
    expect(response.headers['content-disposition']).toMatch(
      new RegExp(`^attachment; filename="payout-${b.id}-\\d{4}-\\d{2}-\\d{2}\\.xml"$`),
    );
    expect(response.headers['cache-control']).toBe('no-store');
    const xml = text(response);

    expect(await schemaErrors(xml)).toEqual([]);
    const tag = (name: string) =>
      [...xml.matchAll(new RegExp(`<${name}[^>]*>([^<]*)</${name}>`, 'g'))].map((m) => m[1]);
    expect(tag('NbOfTxs')).toEqual(['2', '2']);
    expect(tag('CtrlSum')).toEqual(['1276.55', '1276.55']);
    expect(tag('InstdAmt')).toEqual(['42.50', '1234.05']);
    expect(tag('IBAN')).toEqual(['DE02120300000000202051', 'DE89370400440532013000', 'NL91ABNA0417164300']);
    expect(tag('BICFI')).toEqual(['BYLADEM1001', 'COBADEFFXXX', 'ABNANL2A']);
    expect(tag('Nm')).toEqual(['Acme GmbH', 'Acme GmbH', 'Erika Muller', 'Jan de Vries']);
    expect(tag('Dt')).toEqual(['2026-12-07']);
    expect(tag('EndToEndId')).toEqual(b.lines.map((l) => l.id.replace(/-/g, '')));
    expect(tag('Ustrd')).toEqual(['Nov expenses Cafe Zurich Co', 'Nov expenses']);

    expect((await t.as(finance).get(`/payout-batches/${b.id}`).expect(200)).body.status).toBe('exported');
    expect(await schemaErrors(text(await download(b.id).expect(200)))).toEqual([]);
    const audit = await t.dataSource.query(
      `SELECT metadata FROM audit_logs WHERE organization_id = $1 AND entity_id = $2 AND action = 'payout_batch.exported' ORDER BY seq`,
      [org.id, b.id],
    );
    expect(audit.map((a: { metadata: { first: boolean } }) => a.metadata.first)).toEqual([true, false]);
    expect(JSON.stringify(audit)).not.toMatch(/370400440532013000|ABNA0417164300/);
  });

  it('catches a broken document: the schema refuses a transfer without a creditor account', async () => {
    const b = await batch([await approvedSpend(t, erika, { amount: '3.00', currency: 'EUR' })]);
    const xml = text(await download(b.id).expect(200));
    expect(await schemaErrors(xml.replace(/<CdtrAcct>.*?<\/CdtrAcct>/s, ''))).not.toEqual([]);
  });

  it('exports a USD batch as a NACHA PPD file: 94-character records, blocks of ten, entry hash and control totals', async () => {
    const spends = [
      await approvedSpend(t, john, { amount: '42.00' }),
      await approvedSpend(t, mary, { amount: '1250.99' }),
      await approvedSpend(t, john, { amount: '0.01' }),
    ];
    const b = await batch(spends);
    const response = await download(b.id).expect(200);
    expect(response.headers['content-type']).toBe('text/plain; charset=us-ascii');
    expect(response.headers['content-disposition']).toMatch(/\.ach"$/);
    const records = text(response).split('\n');
    expect(records.pop()).toBe('');

    expect(records.every((r) => r.length === 94)).toBe(true);
    expect(records.length % 10).toBe(0);
    const types = records.map((r) => r[0]).join('');
    expect(types).toMatch(/^15666899*$/);

    const [fileHeader, batchHeader] = records;
    expect(fileHeader.slice(0, 3)).toBe('101');
    expect(fileHeader.slice(3, 13)).toBe(' 021000021');
    expect(fileHeader.slice(13, 23)).toBe('1234567890');
    expect(fileHeader.slice(34, 40)).toBe('094101');
    expect(fileHeader.slice(40, 63)).toBe('JPMORGAN CHASE'.padEnd(23));
    expect(batchHeader.slice(0, 4)).toBe('5220');
    expect(batchHeader.slice(4, 20)).toBe('ACME INC'.padEnd(16));
    expect(batchHeader.slice(40, 50)).toBe('1234567890');
    expect(batchHeader.slice(50, 53)).toBe('PPD');
    expect(batchHeader.slice(53, 63)).toBe('REIMBURSE ');
    expect(batchHeader.slice(69, 75)).toBe('261207');
    expect(batchHeader.slice(79, 87)).toBe('02100002');

    const entries = records.filter((r) => r[0] === '6');
    expect(
      entries.map((e) => ({
        code: e.slice(1, 3),
        routing: e.slice(3, 12),
        account: e.slice(12, 29).trim(),
        cents: Number(e.slice(29, 39)),
        name: e.slice(54, 76).trim(),
        trace: e.slice(79, 94),
      })),
    ).toEqual([
      {
        code: '22',
        routing: '011000015',
        account: '123456789',
        cents: 4200,
        name: 'JOHN DOE',
        trace: '021000020000001',
      },
      {
        code: '32',
        routing: '122105155',
        account: '98765432101',
        cents: 125099,
        name: 'MARY MAJOR',
        trace: '021000020000002',
      },
      { code: '22', routing: '011000015', account: '123456789', cents: 1, name: 'JOHN DOE', trace: '021000020000003' },
    ]);

    const hash = entries.reduce((sum, e) => sum + Number(e.slice(3, 11)), 0) % 10_000_000_000;
    const credits = entries.reduce((sum, e) => sum + Number(e.slice(29, 39)), 0);
    const batchControl = records.find((r) => r[0] === '8')!;
    expect(batchControl.slice(1, 4)).toBe('220');
    expect(Number(batchControl.slice(4, 10))).toBe(3);
    expect(Number(batchControl.slice(10, 20))).toBe(hash);
    expect(Number(batchControl.slice(20, 32))).toBe(0);
    expect(Number(batchControl.slice(32, 44))).toBe(credits);
    expect(credits).toBe(129300);
    expect(batchControl.slice(44, 54)).toBe('1234567890');
    expect(batchControl.slice(79, 87)).toBe('02100002');
    expect(batchControl.slice(87, 94)).toBe(batchHeader.slice(87, 94));

    const fileControl = records.find((r) => r[0] === '9' && r !== '9'.repeat(94))!;
    expect(Number(fileControl.slice(1, 7))).toBe(1);
    expect(Number(fileControl.slice(7, 13))).toBe(records.length / 10);
    expect(Number(fileControl.slice(13, 21))).toBe(3);
    expect(Number(fileControl.slice(21, 31))).toBe(hash);
    expect(Number(fileControl.slice(31, 43))).toBe(0);
    expect(Number(fileControl.slice(43, 55))).toBe(credits);
    expect(records.slice(records.indexOf(fileControl) + 1).every((r) => r === '9'.repeat(94))).toBe(true);
  });

  it('refuses to export when a payee removed their bank account since the batch was made', async () => {
    const b = await batch([await approvedSpend(t, jan, { amount: '8.00', currency: 'EUR' })]);
    await t.as(jan).delete('/users/me/bank-account').expect(204);
    const response = await t.as(finance).get(`/payout-batches/${b.id}/file`);
    expectProblem(response, 422, 'PAYEE_BANK_DETAILS_MISSING');
    expect(response.body.payees).toEqual([{ user_id: jan.id, bank_account: null }]);
  });
});
