import { once } from 'node:events';
import { get, IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import sharp from 'sharp';
import request from 'supertest';
import { ExportRepository } from '../src/reports/export/export.repository';
import type { TestOrganization, TestUser } from './helpers/given';
import { bearer, expectProblem } from './helpers/problems';
import { createTestApp, TestApp } from './helpers/test-app';

type Row = Record<string, string>;

/** Collects a download whose type supertest would not buffer by itself (XLSX). */
const binary = (response: request.Response, done: (error: Error | null, body: Buffer) => void) => {
  const stream = response as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
};

/** Exact decimal sums, as an accountant would check them: never through floats. */
const minor = (amount: string) => {
  const [whole, fraction = ''] = amount.split('.');
  return BigInt(whole + fraction.padEnd(2, '0'));
};
const sum = (amounts: string[]) => amounts.reduce((total, amount) => total + minor(amount), 0n);

/**
 * Reports over known spends: exact sums (amounts that floats get wrong, three currencies with
 * stored base amounts), every grouping, inclusive date bounds, a manager's scope, another
 * organization never counted; the exports read back (CSV with csv-parse, XLSX with exceljs),
 * the journal balanced, the chart decoded; and every refusal.
 */
describe('Reports', () => {
  let t: TestApp;
  let org: TestOrganization;
  let admin: TestUser;
  let finance: TestUser;
  let manager: TestUser;
  let ann: TestUser;
  let bob: TestUser;
  let other: TestOrganization;
  const ids: Record<string, string> = {};
  const category: Record<string, string> = {};
  let team: string;
  const today = new Date().toISOString().slice(0, 10);
  const thisMonth = today.slice(0, 7);
  const lastMonthFirst = (() => {
    const date = new Date(`${thisMonth}-01T00:00:00Z`);
    date.setUTCMonth(date.getUTCMonth() - 1);
    return date.toISOString().slice(0, 10);
  })();
  const Q1 = 'from=2025-01-01&to=2025-03-31';
  /** A spend made through given.spend and remembered under `name`, for the report's assertions. */
  const spend = async (name: string, owner: TestUser, body: object) => {
    const created = await t.given.spend(owner, body);
    ids[name] = created.id;
    return created;
  };

  beforeAll(async () => {
    // Links written into exports use the configured address, whatever Host a client sends.
    t = await createTestApp({ PUBLIC_URL: 'https://spendin.example.com' });
    org = await t.given.organization('Acme');
    admin = org.admin;
    finance = await t.given.user(org, 'finance', { full_name: 'Fay Finance' });
    manager = await t.given.user(org, 'manager', { full_name: 'Mary Major' });
    ann = await t.given.user(org, 'employee', { full_name: 'Ann Smith', manager_id: manager.id });
    bob = await t.given.user(org, 'employee', { full_name: 'Bob Jones' });

    for (const [name, code] of [
      ['Travel', '6400'],
      ['Meals', '6410'],
      ['Software', null],
    ] as const) {
      category[name] = (await t.as(admin).post('/categories', { name, code }).expect(201)).body.id;
    }
    team = (
      await t
        .as(admin)
        .post('/teams', { name: 'Sales', member_ids: [ann.id] })
        .expect(201)
    ).body.id;
    for (const date of ['2025-02-15', '2025-02-28']) {
      await t.as(admin).post('/exchange-rates', { currency: 'EUR', rate: '1.0823', date }).expect(201);
      await t.as(admin).post('/exchange-rates', { currency: 'JPY', rate: '0.0066', date }).expect(201);
    }
    await t
      .as(admin)
      .post('/policies', {
        name: 'Reports fixtures',
        rules: [
          {
            id: 'hotel',
            condition: { merchant_eq: 'Hotel Lux' },
            action: { type: 'require_approval', approver: 'manager' },
            priority: 1,
          },
          {
            id: 'casino',
            condition: { merchant_eq: 'Casino' },
            action: { type: 'block', message: 'No gambling' },
            priority: 2,
          },
          { id: 'gift', condition: { merchant_eq: 'Gift Shop' }, action: { type: 'flag', flag: 'gift' }, priority: 3 },
        ],
      })
      .expect(201);

    await spend('s1', ann, {
      amount: '0.10',
      spend_date: '2025-01-31',
      category_id: category.Travel,
      team_id: team,
      merchant: 'Cafe A',
    });
    await spend('s2', ann, {
      amount: '0.20',
      spend_date: '2025-02-01',
      category_id: category.Travel,
      merchant: 'Cafe B',
    });
    expect(
      (
        await spend('s3', bob, {
          amount: '100.00',
          currency: 'EUR',
          spend_date: '2025-02-15',
          category_id: category.Meals,
          merchant: 'Bistro',
        })
      ).base_amount,
    ).toBe('108.23');
    expect(
      (await spend('s4', bob, { amount: '1200', currency: 'JPY', spend_date: '2025-02-28', merchant: 'Ramen' }))
        .base_amount,
    ).toBe('7.92');
    await spend('s5', manager, {
      amount: '999999999999.99',
      spend_date: '2025-03-01',
      category_id: category.Software,
      merchant: 'Big Deal',
    });
    await spend('s6', manager, {
      amount: '0.70',
      spend_date: '2025-03-31',
      category_id: category.Meals,
      merchant: '=HYPERLINK("http://evil.test","click")',
      description: '-2+3',
    });
    await spend('s7', ann, { amount: '5.00', spend_date: '2025-02-10', merchant: 'Draft', draft: true });
    expect(
      (
        await spend('s8', ann, {
          amount: '300.00',
          spend_date: '2025-03-15',
          category_id: category.Travel,
          team_id: team,
          merchant: 'Hotel Lux',
        })
      ).status,
    ).toBe('pending_approval');
    expect(
      (
        await spend('s9', bob, {
          amount: '50.00',
          spend_date: '2025-03-10',
          category_id: category.Meals,
          merchant: 'Casino',
        })
      ).status,
    ).toBe('blocked');
    await spend('s10', bob, {
      amount: '25.55',
      spend_date: '2025-03-12',
      category_id: category.Meals,
      merchant: 'Gift Shop',
    });
    await spend('s11', ann, {
      amount: '1.00',
      spend_date: '2024-12-31',
      category_id: category.Travel,
      merchant: 'Before',
    });
    await spend('s12', ann, {
      amount: '1.00',
      spend_date: '2025-04-01',
      category_id: category.Travel,
      merchant: 'After',
    });
    expect(
      (
        await spend('s13', bob, {
          amount: '40.00',
          spend_date: '2025-03-20',
          category_id: category.Travel,
          merchant: 'Hotel Lux',
        })
      ).status,
    ).toBe('pending_approval');
    await spend('s14', ann, { amount: '9.99', spend_date: '2025-01-20', merchant: 'Old base' });
    // This month and the last, for the dashboard.
    await spend('now1', ann, { amount: '10.01', spend_date: today, category_id: category.Meals, merchant: 'Lunch' });
    await spend('now2', ann, { amount: '300.00', spend_date: today, merchant: 'Hotel Lux' });
    await spend('last1', bob, { amount: '20.02', spend_date: lastMonthFirst, merchant: 'Taxi' });

    // Mary approves s8; it had waited 26 hours. Finance pays s2.
    const approvals = (await t.as(manager).get('/approvals?status=pending').expect(200)).body.items as Array<{
      id: string;
      spend_id: string;
    }>;
    await t
      .as(manager)
      .post(`/approvals/${approvals.find((a) => a.spend_id === ids.s8)!.id}/decision`, { approved: true })
      .expect(200);
    await t.dataSource.query(`UPDATE spends SET submitted_at = decided_at - interval '26 hours' WHERE id = $1`, [
      ids.s8,
    ]);
    await t.dataSource.query(`UPDATE spends SET submitted_at = now() - interval '50 hours' WHERE id = $1`, [ids.s13]);
    await t.as(finance).post(`/spends/${ids.s2}/pay`, { reference: 'SEPA-1' }).expect(200);
    // s14 was converted when the organization's base currency was still EUR: never mixed into USD totals.
    await t.dataSource.query(`UPDATE spends SET base_currency = 'EUR', base_amount_minor = 921 WHERE id = $1`, [
      ids.s14,
    ]);
    // A receipt on s1 (inserted directly: OCR would change the spend's flags under the test).
    const [receipt] = await t.dataSource.query(
      `INSERT INTO receipts (organization_id, spend_id, uploaded_by, filename, mime_type, size, sha256, ocr_status)
       VALUES ($1, $2, $3, 'cafe.jpg', 'image/jpeg', 1000, repeat('a', 64), 'done') RETURNING id`,
      [org.id, ids.s1, ann.id],
    );
    ids.receipt = receipt.id;

    other = await t.given.organization('Other Co');
    const stranger = await t.given.user(other, 'employee');
    await t
      .as(stranger)
      .post('/spends', { amount: '77.77', currency: 'USD', spend_date: '2025-02-01', merchant: 'Foreign' })
      .expect(201);
  });
  afterAll(() => t.close());

  const summary = (user: TestUser, query: string) => t.as(user).get(`/reports/summary?${query}`);

  describe('GET /reports/summary', () => {
    it('sums base amounts exactly per category, largest first, and the groups add up to the total', async () => {
      const response = await summary(finance, `group_by=category&${Q1}`).expect(200);
      expect(response.body).toEqual({
        base_currency: 'USD',
        group_by: 'category',
        from: '2025-01-01',
        to: '2025-03-31',
        statuses: ['pending_approval', 'approved', 'paid'],
        total: '1000000000482.69',
        count: 9,
        groups: [
          { key: category.Software, label: 'Software', total: '999999999999.99', count: 1 },
          { key: category.Travel, label: 'Travel', total: '340.30', count: 4 },
          { key: category.Meals, label: 'Meals', total: '134.48', count: 3 },
          { key: null, label: 'Uncategorized', total: '7.92', count: 1 },
        ],
        other_base_currencies: [{ base_currency: 'EUR', total: '9.21', count: 1 }],
      });
      expect(sum(response.body.groups.map((g: Row) => g.total))).toBe(minor(response.body.total));
      // These amounts catch float arithmetic: adding the groups as numbers gives 1000000000482.6901.
      expect(String(response.body.groups.reduce((total: number, g: Row) => total + Number(g.total), 0))).not.toBe(
        '1000000000482.69',
      );
    });

    it('groups by month in calendar order, by status in workflow order, by user and by team', async () => {
      const months = (await summary(finance, `group_by=month&${Q1}`).expect(200)).body;
      expect(months.groups).toEqual([
        { key: '2025-01', label: 'January 2025', total: '0.10', count: 1 },
        { key: '2025-02', label: 'February 2025', total: '116.35', count: 3 },
        { key: '2025-03', label: 'March 2025', total: '1000000000366.24', count: 5 },
      ]);
      const statuses = (await summary(finance, `group_by=status&${Q1}`).expect(200)).body;
      expect(statuses.groups).toEqual([
        { key: 'pending_approval', label: 'Pending approval', total: '40.00', count: 1 },
        { key: 'approved', label: 'Approved', total: '1000000000442.49', count: 7 },
        { key: 'paid', label: 'Paid', total: '0.20', count: 1 },
      ]);
      const users = (await summary(admin, `group_by=user&${Q1}`).expect(200)).body;
      expect(users.groups).toEqual([
        { key: manager.id, label: 'Mary Major', total: '1000000000000.69', count: 2 },
        { key: ann.id, label: 'Ann Smith', total: '300.30', count: 3 },
        { key: bob.id, label: 'Bob Jones', total: '181.70', count: 4 },
      ]);
      const teams = (await summary(admin, `group_by=team&${Q1}`).expect(200)).body;
      expect(teams.groups).toEqual([
        { key: null, label: 'No team', total: '1000000000182.59', count: 7 },
        { key: team, label: 'Sales', total: '300.10', count: 2 },
      ]);
      for (const report of [months, statuses, users, teams]) expect(report.total).toBe('1000000000482.69');
    });

    it('takes from and to as inclusive bounds of spend_date', async () => {
      expect((await summary(finance, 'group_by=month&from=2025-01-31&to=2025-01-31').expect(200)).body).toMatchObject({
        total: '0.10',
        count: 1,
      });
      expect((await summary(finance, 'group_by=month&from=2025-02-01&to=2025-02-28').expect(200)).body).toMatchObject({
        total: '116.35',
        count: 3,
      });
      expect((await summary(finance, 'group_by=month&from=2024-12-31&to=2025-01-31').expect(200)).body).toMatchObject({
        total: '1.10',
        count: 2,
      });
      expect((await summary(finance, 'group_by=month&from=2025-03-31&to=2025-04-01').expect(200)).body).toMatchObject({
        total: '1.70',
        count: 2,
      });
    });

    it('counts the statuses asked for, comma-separated or repeated', async () => {
      expect((await summary(finance, `group_by=status&${Q1}&status=blocked`).expect(200)).body).toMatchObject({
        total: '50.00',
        count: 1,
        statuses: ['blocked'],
      });
      const two = (await summary(finance, `group_by=status&${Q1}&status=paid,draft`).expect(200)).body;
      expect(two.groups).toEqual([
        { key: 'draft', label: 'Draft', total: '5.00', count: 1 },
        { key: 'paid', label: 'Paid', total: '0.20', count: 1 },
      ]);
      expect((await summary(finance, `group_by=status&${Q1}&status=paid&status=draft`).expect(200)).body.total).toBe(
        '5.20',
      );
    });

    it("shows a manager only their reporting line's spends and their own", async () => {
      const response = await summary(manager, `group_by=user&${Q1}`).expect(200);
      expect(response.body.groups).toEqual([
        { key: manager.id, label: 'Mary Major', total: '1000000000000.69', count: 2 },
        { key: ann.id, label: 'Ann Smith', total: '300.30', count: 3 },
      ]);
      expect(response.body.total).toBe('1000000000300.99');
      expect(response.body.other_base_currencies).toEqual([{ base_currency: 'EUR', total: '9.21', count: 1 }]);
    });

    it("never counts another organization's spends, nor shows it ours", async () => {
      const response = await summary(other.admin, `group_by=category&${Q1}`).expect(200);
      expect(response.body).toMatchObject({
        total: '77.77',
        count: 1,
        groups: [{ key: null, label: 'Uncategorized', total: '77.77', count: 1 }],
        other_base_currencies: [],
      });
      const ours = await summary(admin, 'group_by=month&from=2025-02-01&to=2025-02-01').expect(200);
      expect(ours.body).toMatchObject({ total: '0.20', count: 1 });
    });

    it('groups by category by default and answers an empty period with zero', async () => {
      expect((await summary(finance, 'from=2020-01-01&to=2020-12-31').expect(200)).body).toMatchObject({
        group_by: 'category',
        total: '0.00',
        count: 0,
        groups: [],
      });
    });
  });

  describe('GET /reports/dashboard', () => {
    it('shows pending approvals, this month against the last, decision time, top categories and violations', async () => {
      const response = await t.as(finance).get('/reports/dashboard?from=2025-03-01&to=2025-03-31').expect(200);
      const body = response.body;
      expect(body).toMatchObject({
        base_currency: 'USD',
        timezone: 'UTC',
        period: { from: '2025-03-01', to: '2025-03-31' },
        spend_this_month: { month: thisMonth, total: '310.01', count: 2 },
        spend_last_month: { month: lastMonthFirst.slice(0, 7), from: lastMonthFirst, total: '20.02', count: 1 },
        avg_approval_hours: 26,
        top_categories: [
          { key: category.Software, label: 'Software', total: '999999999999.99', count: 1 },
          { key: category.Travel, label: 'Travel', total: '340.00', count: 2 },
          { key: category.Meals, label: 'Meals', total: '26.25', count: 2 },
        ],
        policy_violations: { blocked: 1, flagged: 1, by_flag: [{ flag: 'gift', count: 1 }] },
      });
      expect(body.pending_approvals.count).toBe(2);
      expect(body.pending_approvals.oldest_age_hours).toBeGreaterThanOrEqual(50);
      expect(body.pending_approvals.oldest_age_hours).toBeLessThan(50.5);
      expect(Date.parse(body.pending_approvals.oldest_submitted_at)).toBeLessThan(Date.now() - 49.9 * 3_600_000);
    });

    it("covers this month by default, in the organization's time zone", async () => {
      await t
        .as(admin)
        .patch('/organization', { settings: { timezone: 'Pacific/Kiritimati' } })
        .expect(200);
      try {
        const body = (await t.as(finance).get('/reports/dashboard').expect(200)).body;
        const zoned = new Intl.DateTimeFormat('en-CA', {
          timeZone: 'Pacific/Kiritimati',
          year: 'numeric',
          month: '2-digit',
        })
          .format(new Date())
          .slice(0, 7);
        expect(body.timezone).toBe('Pacific/Kiritimati');
        expect(body.period.from).toBe(`${zoned}-01`);
        expect(body.spend_this_month.month).toBe(zoned);
        expect(body.avg_approval_hours).toBeNull();
      } finally {
        await t
          .as(admin)
          .patch('/organization', { settings: { timezone: null } })
          .expect(200);
      }
    });

    it("gives a manager their reporting line's numbers only", async () => {
      const body = (await t.as(manager).get('/reports/dashboard?from=2025-03-01&to=2025-03-31').expect(200)).body;
      expect(body).toMatchObject({
        pending_approvals: { count: 1 },
        spend_this_month: { total: '310.01', count: 2 },
        spend_last_month: { total: '0.00', count: 0 },
        policy_violations: { blocked: 0, flagged: 0, by_flag: [] },
        top_categories: [
          { label: 'Software', total: '999999999999.99' },
          { label: 'Travel', total: '300.00' },
          { label: 'Meals', total: '0.70' },
        ],
      });
    });
  });

  describe('GET /reports/export', () => {
    const download = (user: TestUser, query: string) =>
      t.as(user).get(`/reports/export?${query}`).buffer(true).parse(binary);
    const csv = async (user: TestUser, query: string): Promise<Row[]> => {
      const response = await download(user, query).expect(200);
      expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(response.headers['content-disposition']).toMatch(/^attachment; filename="(spends|journal)-.+\.csv"$/);
      return parse(response.body as Buffer, { columns: true, record_delimiter: '\r\n' });
    };

    it('writes one RFC 4180 row per spend with owner, team, category, amounts, approvals, receipts and flags', async () => {
      const rows = await csv(finance, `format=csv&${Q1}`);
      expect(rows.map((r) => r.spend_id)).toEqual([
        ids.s14,
        ids.s1,
        ids.s2,
        ids.s3,
        ids.s4,
        ids.s5,
        ids.s10,
        ids.s8,
        ids.s13,
        ids.s6,
      ]);
      expect(Object.keys(rows[0])).toEqual([
        'spend_id',
        'spend_date',
        'status',
        'owner',
        'owner_email',
        'team',
        'category',
        'category_code',
        'vendor',
        'merchant',
        'description',
        'amount',
        'currency',
        'base_amount',
        'base_currency',
        'exchange_rate',
        'submitted_at',
        'decided_at',
        'paid_at',
        'payment_reference',
        'flags',
        'receipts',
        'step_1_approver',
        'step_1_decision',
        'step_1_decided_at',
      ]);
      const byId = new Map(rows.map((r) => [r.spend_id, r]));
      expect(byId.get(ids.s1)).toMatchObject({
        spend_date: '2025-01-31',
        owner: 'Ann Smith',
        owner_email: ann.email,
        team: 'Sales',
        category: 'Travel',
        category_code: '6400',
        receipts: `https://spendin.example.com/api/v1/receipts/${ids.receipt}/file`,
      });
      expect(byId.get(ids.s2)).toMatchObject({
        status: 'paid',
        payment_reference: 'SEPA-1',
        paid_at: expect.stringMatching(/Z$/),
      });
      // A client's Host header never makes the links point elsewhere.
      const spoofed = await t
        .as(finance)
        .get(`/reports/export?format=csv&${Q1}`)
        .set('Host', 'evil.example')
        .buffer(true)
        .parse(binary)
        .expect(200);
      expect((spoofed.body as Buffer).toString()).not.toContain('evil.example');
      expect(byId.get(ids.s3)).toMatchObject({
        amount: '100.00',
        currency: 'EUR',
        base_amount: '108.23',
        base_currency: 'USD',
        exchange_rate: '1.0823',
        owner: 'Bob Jones',
        team: '',
      });
      expect(byId.get(ids.s4)).toMatchObject({
        amount: '1200',
        currency: 'JPY',
        base_amount: '7.92',
        exchange_rate: '0.0066',
        category: '',
      });
      expect(byId.get(ids.s8)).toMatchObject({
        status: 'approved',
        step_1_approver: 'Mary Major',
        step_1_decision: 'approved',
        step_1_decided_at: expect.stringMatching(/^\d{4}-.+Z$/),
      });
      expect(byId.get(ids.s13)).toMatchObject({
        status: 'pending_approval',
        step_1_approver: 'finance',
        step_1_decision: 'pending',
        step_1_decided_at: '',
      });
      expect(byId.get(ids.s10)).toMatchObject({ flags: 'gift' });
      expect(sum(rows.filter((r) => r.base_currency === 'USD').map((r) => r.base_amount))).toBe(
        minor('1000000000482.69'),
      );
    });

    it('writes the header alone when nothing matches, and is never cached', async () => {
      const response = await download(finance, 'format=csv&from=2020-01-01&to=2020-12-31').expect(200);
      expect(response.headers['cache-control']).toBe('no-store');
      expect((response.body as Buffer).toString('utf8')).toMatch(/^spend_id,spend_date,status,.*,receipts\r\n$/);
    });

    it('neutralises text that a spreadsheet would run as a formula, and leaves amounts numbers', async () => {
      const rows = await csv(finance, 'format=csv&from=2025-03-31&to=2025-03-31');
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        merchant: `'=HYPERLINK("http://evil.test","click")`,
        description: "'-2+3",
        amount: '0.70',
        base_amount: '0.70',
      });
    });

    it('exports what the status filter and the caller may see; nothing of another organization', async () => {
      expect((await csv(finance, `${Q1}&status=blocked`)).map((r) => r.spend_id)).toEqual([ids.s9]);
      const mine = await csv(manager, `format=csv&${Q1}`);
      expect(mine.map((r) => r.spend_id).sort()).toEqual([ids.s1, ids.s2, ids.s5, ids.s6, ids.s8, ids.s14].sort());
      const theirs = await csv(other.admin, 'format=csv');
      expect(theirs.map((r) => r.merchant)).toEqual(['Foreign']);
    });

    it('reads large exports in batches: every spend once, in date order, even with many on one day', async () => {
      const bulk = await t.given.organization('Bulk Co');
      const [{ id: owner }] = await t.dataSource.query(`SELECT id FROM users WHERE organization_id = $1`, [bulk.id]);
      await t.dataSource.query(
        `INSERT INTO spends (organization_id, user_id, merchant, amount_minor, currency, base_amount_minor, base_currency, exchange_rate, spend_date, source, status)
         SELECT $1, $2, 'Bulk ' || g, g, 'USD', g, 'USD', 1, DATE '2025-06-01' + (g % 3), 'import', 'approved' FROM generate_series(1, 2500) g`,
        [bulk.id, owner],
      );
      const rows = await csv(bulk.admin, 'format=csv');
      expect(rows).toHaveLength(2500);
      expect(new Set(rows.map((r) => r.spend_id)).size).toBe(2500);
      expect(rows.map((r) => r.spend_date)).toEqual([...rows.map((r) => r.spend_date)].sort());
      expect(sum(rows.map((r) => r.base_amount))).toBe(BigInt((2500 * 2501) / 2));
    });

    it('reads only as fast as the client takes the file, and stops reading when the client goes away', async () => {
      const big = await t.given.organization('Streaming Co');
      const [{ id: owner }] = await t.dataSource.query(`SELECT id FROM users WHERE organization_id = $1`, [big.id]);
      await t.dataSource.query(
        `INSERT INTO spends (organization_id, user_id, merchant, description, amount_minor, currency, base_amount_minor, base_currency, exchange_rate, spend_date, source, status)
         SELECT $1, $2, 'Merchant ' || g, repeat('x', 200), g, 'USD', g, 'USD', 1, DATE '2025-01-01' + (g % 365), 'import', 'approved'
         FROM generate_series(1, 60500) g`,
        [big.id, owner],
      );
      const exports = t.app.get(ExportRepository);
      const batch = exports.batch.bind(exports);
      let batches = 0;
      const spy = jest.spyOn(exports, 'batch').mockImplementation((...args) => {
        batches++;
        return batch(...args);
      });
      try {
        if (!t.app.getHttpServer().listening) await t.app.listen(0, '127.0.0.1');
        const { port } = t.app.getHttpServer().address() as AddressInfo;
        const download = get({
          host: '127.0.0.1',
          port,
          path: '/api/v1/reports/export?format=csv',
          headers: bearer(big.admin.accessToken),
        });
        const [response] = (await once(download, 'response')) as [IncomingMessage];
        expect(response.statusCode).toBe(200);
        // The client reads one chunk and stops: socket buffers fill, and the export waits.
        await once(response, 'data');
        response.pause();
        await new Promise((resolve) => setTimeout(resolve, 1000));
        const whilePaused = batches;
        expect(whilePaused).toBeLessThan(30);
        // The client hangs up: no batch is read after that.
        download.destroy();
        await new Promise((resolve) => setTimeout(resolve, 500));
        expect(batches).toBeLessThanOrEqual(whilePaused + 1);

        batches = 0;
        const rows = await csv(big.admin, 'format=csv');
        expect(rows).toHaveLength(60500);
        expect(batches).toBe(61);
      } finally {
        spy.mockRestore();
      }
    });

    it('writes XLSX with typed cells, a totals row and a summary sheet equal to the summary by month', async () => {
      const response = await download(finance, `format=xlsx&${Q1}`).expect(200);
      expect(response.headers['content-type']).toBe(
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      );
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(response.body as never);
      const sheet = workbook.getWorksheet('Spends')!;
      const header = (sheet.getRow(1).values as string[]).slice(1);
      expect(header.slice(0, 4)).toEqual(['Spend ID', 'Date', 'Status', 'Owner']);
      const column = (title: string) => header.indexOf(title) + 1;
      expect(sheet.rowCount).toBe(1 + 10 + 2);
      const row = (id: string) => {
        for (let r = 2; r <= 11; r++) if (sheet.getRow(r).getCell(1).value === id) return sheet.getRow(r);
        throw new Error(`no row for ${id}`);
      };
      const s3 = row(ids.s3);
      expect(s3.getCell(column('Date')).value).toEqual(new Date('2025-02-15T00:00:00.000Z'));
      expect(s3.getCell(column('Date')).type).toBe(ExcelJS.ValueType.Date);
      expect(s3.getCell(column('Amount')).value).toBe(100);
      expect(s3.getCell(column('Amount')).numFmt).toBe('#,##0.00');
      expect(s3.getCell(column('Base amount')).value).toBe(108.23);
      expect(s3.getCell(column('Exchange rate')).value).toBe(1.0823);
      expect(s3.getCell(column('Submitted at (UTC)')).type).toBe(ExcelJS.ValueType.Date);
      expect(row(ids.s4).getCell(column('Amount')).numFmt).toBe('#,##0');
      const injected = row(ids.s6).getCell(column('Merchant'));
      expect(injected.type).toBe(ExcelJS.ValueType.String);
      expect(injected.value).toBe('=HYPERLINK("http://evil.test","click")');
      expect(injected.formula).toBeUndefined();

      // A totals row per base currency, the organization's first.
      const totals = sheet.getRow(12);
      expect(totals.getCell(1).value).toBe('Total USD (9 spends)');
      const total = totals.getCell(column('Base amount'));
      expect(total.type).toBe(ExcelJS.ValueType.Formula);
      expect(total.formula).toBe('SUMIF(O2:O11,"USD",N2:N11)');
      expect(total.result).toBe(1000000000482.69);
      expect(sheet.getRow(13).getCell(1).value).toBe('Total EUR (1 spend)');
      expect(sheet.getRow(13).getCell(column('Base amount')).result).toBe(9.21);

      const months = workbook.getWorksheet('Summary by month')!;
      const expected = (await summary(finance, `group_by=month&${Q1}`).expect(200)).body;
      const lines = [2, 3, 4].map((r) => (months.getRow(r).values as unknown[]).slice(1));
      expect(lines).toEqual(expected.groups.map((g: Row) => [g.key, g.label, g.count, Number(g.total)]));
      expect(months.getRow(5).getCell(1).value).toBe('Total');
      expect(months.getRow(5).getCell(4).result).toBe(Number(expected.total));
      expect(months.getRow(6).getCell(1).value).toBe('Not included');
    });

    it('writes a balanced journal: a debit per spend on its category account, a credit to employee payables', async () => {
      const lines = await csv(finance, `format=journal_csv&${Q1}`);
      expect(Object.keys(lines[0])).toEqual([
        'date',
        'entry',
        'account',
        'description',
        'debit',
        'credit',
        'currency',
        'spend_id',
      ]);
      const booked = new Set(lines.map((l) => l.spend_id));
      expect([...booked].sort()).toEqual(
        [ids.s1, ids.s2, ids.s3, ids.s4, ids.s5, ids.s6, ids.s8, ids.s10, ids.s14].sort(),
      );
      expect(lines).toHaveLength(18);
      for (const currency of ['USD', 'EUR']) {
        const debits = sum(lines.filter((l) => l.currency === currency && l.debit !== '').map((l) => l.debit));
        const credits = sum(lines.filter((l) => l.currency === currency && l.credit !== '').map((l) => l.credit));
        expect(debits).toBe(credits);
        expect(debits).toBe(minor(currency === 'USD' ? '1000000000442.69' : '9.21'));
      }
      for (const line of lines) expect([line.debit, line.credit].filter((amount) => amount !== '')).toHaveLength(1);
      const entry = lines.filter((l) => l.spend_id === ids.s3);
      expect(entry).toEqual([
        {
          date: '2025-02-15',
          entry: ids.s3,
          account: '6410',
          description: 'Bistro (Bob Jones)',
          debit: '108.23',
          credit: '',
          currency: 'USD',
          spend_id: ids.s3,
        },
        {
          date: '2025-02-15',
          entry: ids.s3,
          account: '2100',
          description: 'Payable to Bob Jones',
          debit: '',
          credit: '108.23',
          currency: 'USD',
          spend_id: ids.s3,
        },
      ]);
      expect(lines.find((l) => l.spend_id === ids.s5 && l.debit !== '')!.account).toBe('6000');
      expect(lines.find((l) => l.spend_id === ids.s4 && l.debit !== '')!.account).toBe('6000');
      expect(lines.find((l) => l.spend_id === ids.s6 && l.debit !== '')!.description).toBe(
        `'=HYPERLINK("http://evil.test","click") (Mary Major)`,
      );
      expectProblem(
        await t.as(finance).get(`/reports/export?format=journal_csv&status=pending_approval`),
        422,
        'VALIDATION_FAILED',
      );
    });
  });

  describe('GET /reports/chart.png', () => {
    it('draws spend per month as a 1200×675 PNG', async () => {
      const response = await t
        .as(finance)
        .get(`/reports/chart.png?group_by=month&${Q1}`)
        .buffer(true)
        .parse(binary)
        .expect(200);
      expect(response.headers['content-type']).toBe('image/png');
      const metadata = await sharp(response.body as Buffer).metadata();
      expect(metadata).toMatchObject({ format: 'png', width: 1200, height: 675 });
      // A drawing, not a blank page: many colours, including the bars'.
      const { channels } = await sharp(response.body as Buffer).stats();
      expect(channels[0].min).toBeLessThan(100);
    });

    it('draws spend per category, and an empty period, as PNGs', async () => {
      for (const query of [
        `group_by=category&${Q1}`,
        'group_by=month&from=2020-01-01&to=2020-12-31',
        'group_by=category',
      ]) {
        const response = await t.as(manager).get(`/reports/chart.png?${query}`).buffer(true).parse(binary).expect(200);
        expect(await sharp(response.body as Buffer).metadata()).toMatchObject({
          format: 'png',
          width: 1200,
          height: 675,
        });
      }
    });

    it('refuses a month chart of more than 60 months', async () => {
      expectProblem(
        await t.as(finance).get('/reports/chart.png?group_by=month&from=2015-01-01&to=2025-12-31'),
        422,
        'VALIDATION_FAILED',
      );
    });
  });

  describe('refusals', () => {
    const routes = ['/reports/summary', '/reports/dashboard', '/reports/export', '/reports/chart.png'];

    it('refuses employees with 403 and callers without a token with 401', async () => {
      for (const route of routes) {
        expectProblem(await t.as(ann).get(route), 403, 'INSUFFICIENT_PERMISSIONS');
        expectProblem(await request(t.http).get(`/api/v1${route}`), 401, 'AUTHENTICATION_REQUIRED');
      }
    });

    it.each([
      ['/reports/summary?group_by=vendor', 'group_by'],
      ['/reports/summary?from=2025-02-30', 'from'],
      ['/reports/summary?to=31.03.2025', 'to'],
      ['/reports/summary?from=2025-03-01&to=2025-02-28', 'to'],
      ['/reports/summary?status=approved,bogus', 'status'],
      ['/reports/summary?currency=EUR', 'currency'],
      ['/reports/dashboard?from=2025-03-02&to=2025-03-01', 'to'],
      ['/reports/export?format=pdf', 'format'],
      ['/reports/export?format=csv&from=2025-04-01&to=2025-03-01', 'to'],
      ['/reports/chart.png?group_by=user', 'group_by'],
    ])('answers %s with 422 naming %s', async (url, field) => {
      const response = await t.as(finance).get(url);
      expectProblem(response, 422, 'VALIDATION_FAILED');
      expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });
  });
});
