import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import request from 'supertest';
import { JobRegistry, OutboxRow } from '../src/jobs/job-registry';
import { until } from './helpers/eventually';
import type { TestOrganization, TestSpend, TestUser } from './helpers/given';
import { bearer, expectProblem } from './helpers/problems';
import { createTestApp, TestApp } from './helpers/test-app';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', 'receipts', name));
/** A synthetic receipt: Evergreen Auto Parts, 2026-08-13, total USD 38.34. */
const EVERGREEN = fixture('evergreen-usd-38.34.jpg');
const BLANK_PAGE = fixture('blank-page.png');

interface NotificationItem {
  id: string;
  type: string;
  title: string;
  body: string;
  entity_type: string;
  entity_id: string;
  read_at: string | null;
  created_at: string;
}

/** Shared by both suites: HTTP as a user, and waiting for a job's notification. */
function helpers(t: () => TestApp) {
  const all = async (user: TestUser): Promise<NotificationItem[]> =>
    (await t().as(user).get('/notifications?limit=100').expect(200)).body.items;
  /** Polls the user's inbox until a notification of this type about this entity arrives (the job ran). */
  const notified = (user: TestUser, type: string, entityId: string): Promise<NotificationItem> =>
    until(
      async () => (await all(user)).find((n) => n.type === type && n.entity_id === entityId),
      `a ${type} notification about ${entityId} for ${user.email}`,
      { intervalMs: 100 },
    );
  /** The outbox rows of a spend or receipt, as the job they make. */
  const jobsAbout = async (topic: string, key: string, id: string): Promise<OutboxRow[]> => {
    const rows: Array<{
      id: string;
      organization_id: string;
      topic: OutboxRow['topic'];
      payload: Record<string, unknown>;
    }> = await t().dataSource.query(
      `SELECT id, organization_id, topic, payload FROM outbox WHERE topic = $1 AND payload->>$2 = $3 ORDER BY id`,
      [topic, key, id],
    );
    return rows.map((r) => ({
      outboxId: String(r.id),
      organizationId: r.organization_id,
      topic: r.topic,
      payload: r.payload,
    }));
  };
  const consumer = (name: string) => {
    const found = t()
      .app.get(JobRegistry)
      .all()
      .find((c) => c.name === name);
    if (!found) throw new Error(`no consumer ${name}`);
    return found;
  };
  return { all, notified, jobsAbout, consumer };
}

/**
 * Notifications end to end: real flows through HTTP make outbox events, the `notifications`
 * job (in-process, or Bull with REDIS_URL) turns them into inbox entries naming the spend.
 */
describe(`Notifications in-app (${process.env.REDIS_URL ? 'Bull on Redis' : 'in-process'})`, () => {
  let t: TestApp;
  let org: TestOrganization;
  let admin: TestUser;
  let manager: TestUser;
  let employee: TestUser;
  let finance: TestUser;
  let finance2: TestUser;
  let outsider: TestOrganization;
  const h = helpers(() => t);
  const { notified } = h;

  beforeAll(async () => {
    t = await createTestApp();
    org = await t.given.organization('Acme');
    admin = org.admin;
    manager = await t.given.user(org, 'manager', { full_name: 'Mary Major' });
    employee = await t.given.user(org, 'employee', { manager_id: manager.id, full_name: 'Jane Doe' });
    finance = await t.given.user(org, 'finance', { full_name: 'Fin One' });
    finance2 = await t.given.user(org, 'finance', { full_name: 'Fin Two' });
    outsider = await t.given.organization('Other Co');
    await t
      .as(admin)
      .post('/policies', {
        name: 'Approvals and blocks',
        rules: [
          {
            id: 'casino',
            condition: { merchant_contains: 'casino' },
            action: { type: 'block', message: 'Gambling is never reimbursed' },
            priority: 0,
          },
          {
            id: 'big',
            condition: { amount_gt: 500 },
            action: { type: 'require_approval', approver: 'manager' },
            priority: 1,
          },
          {
            id: 'huge',
            condition: { amount_gt: 5000 },
            action: { type: 'require_approval', approver: 'finance' },
            priority: 2,
          },
        ],
      })
      .expect(201);
  });
  afterAll(() => t.close());

  describe("a spend's way from submission to payment", () => {
    let hotel: TestSpend;

    it('tells the manager an approval was assigned to them, naming the spend, its owner, amount and date', async () => {
      hotel = await t.given.spend(employee, {
        spend_date: '2026-03-02',
        amount: '650.00',
        merchant: 'Hotel Lux',
        description: 'Client visit',
      });
      expect(hotel.status).toBe('pending_approval');
      const step = hotel.approvals[0];
      const notification = await notified(manager, 'approval.assigned', step.id);
      expect(notification).toEqual({
        id: expect.any(String),
        type: 'approval.assigned',
        title: 'Approval needed: Hotel Lux, USD 650.00',
        body: 'Jane Doe submitted Hotel Lux (USD 650.00, 2 Mar 2026), and it waits for your approval (step 1). Description: “Client visit”.',
        entity_type: 'approval',
        entity_id: step.id,
        read_at: null,
        created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      });
      expect((await h.all(employee)).filter((n) => n.type === 'approval.assigned')).toEqual([]);
    });

    it('tells the owner when the manager approves', async () => {
      await t
        .as(manager)
        .post(`/approvals/${hotel.approvals[0].id}/decision`, { approved: true, comment: 'Enjoy the trip' })
        .expect(200);
      const notification = await notified(employee, 'spend.approved', hotel.id);
      expect(notification).toMatchObject({
        title: 'Spend approved: Hotel Lux, USD 650.00',
        body: 'Your spend Hotel Lux (USD 650.00, 2 Mar 2026) was approved. Comment: “Enjoy the trip”.',
        entity_type: 'spend',
      });
    });

    it('tells the owner when finance pays, with the payment reference', async () => {
      await t.as(finance).post(`/spends/${hotel.id}/pay`, { reference: 'SEPA-42' }).expect(200);
      const notification = await notified(employee, 'spend.paid', hotel.id);
      expect(notification).toMatchObject({
        title: 'Spend paid: Hotel Lux, USD 650.00',
        body: 'Your spend Hotel Lux (USD 650.00, 2 Mar 2026) was paid (payment reference SEPA-42).',
      });
    });

    it('tells the owner who rejected their spend and why', async () => {
      const dinner = await t.given.spend(employee, {
        amount: '720.50',
        merchant: 'Bar & Grill',
        spend_date: '2026-03-05',
      });
      await notified(manager, 'approval.assigned', dinner.approvals[0].id);
      await t
        .as(manager)
        .post(`/approvals/${dinner.approvals[0].id}/decision`, {
          approved: false,
          comment: 'Split the bar tab from the meal',
        })
        .expect(200);
      const notification = await notified(employee, 'spend.rejected', dinner.id);
      expect(notification).toMatchObject({
        title: 'Spend rejected: Bar & Grill, USD 720.50',
        body: 'Your spend Bar & Grill (USD 720.50, 5 Mar 2026) was rejected by Mary Major: “Split the bar tab from the meal”. Edit it and submit it again, or cancel it.',
      });
    });

    it("tells the owner a policy blocked their spend, with the policy's message", async () => {
      const casino = await t.given.spend(employee, {
        amount: '80.00',
        merchant: 'Lucky Casino',
        spend_date: '2026-03-06',
      });
      expect(casino.status).toBe('blocked');
      const notification = await notified(employee, 'spend.blocked', casino.id);
      expect(notification).toMatchObject({
        title: 'Spend blocked: Lucky Casino, USD 80.00',
        body: 'Your spend Lucky Casino (USD 80.00, 6 Mar 2026) was blocked by a policy of your organization: “Gambling is never reimbursed”.',
      });
    });

    it('names the category when a spend has no merchant', async () => {
      const category = await t.as(admin).post('/categories', { name: 'Office supplies' }).expect(201);
      const paper = await t.given.spend(employee, {
        amount: '12.00',
        category_id: category.body.id,
        spend_date: '2026-03-07',
      });
      expect(paper.status).toBe('approved');
      expect((await notified(employee, 'spend.approved', paper.id)).title).toBe(
        'Spend approved: Office supplies, USD 12.00',
      );
    });

    it('sends a step assigned to a role to every active holder of it, not to admins or the owner', async () => {
      const fleet = await t.given.spend(employee, {
        amount: '6000.00',
        merchant: 'Fleet Motors',
        spend_date: '2026-03-08',
      });
      await notified(manager, 'approval.assigned', fleet.approvals[0].id);
      await t.as(manager).post(`/approvals/${fleet.approvals[0].id}/decision`, { approved: true }).expect(200);
      const financeStep = (await t.as(employee).get(`/spends/${fleet.id}`).expect(200)).body.approvals.find(
        (a: { step: number }) => a.step === 2,
      );
      const [one, two] = [
        await notified(finance, 'approval.assigned', financeStep.id),
        await notified(finance2, 'approval.assigned', financeStep.id),
      ];
      expect(one.body).toContain('The step is assigned to the finance role; anyone holding it may decide.');
      expect(two.title).toBe('Approval needed: Fleet Motors, USD 6,000.00');
      expect((await h.all(admin)).some((n) => n.entity_id === financeStep.id)).toBe(false);
    });

    it('makes no e-mail without SMTP_URL', async () => {
      const [{ count }] = await t.dataSource.query(
        `SELECT count(*)::int AS count FROM outbox WHERE topic = 'notification.email'`,
      );
      expect(count).toBe(0);
      const statuses = await t.dataSource.query(`SELECT DISTINCT email_status FROM notifications`);
      expect(statuses).toEqual([{ email_status: 'none' }]);
    });
  });

  describe('receipts read by OCR', () => {
    it('tells the owner what was read off their receipt and that it is verified', async () => {
      const parts = await t.given.spend(employee, {
        amount: '38.34',
        merchant: 'Evergreen Auto Parts',
        spend_date: '2026-08-13',
      });
      const upload = await request(t.http)
        .post('/api/v1/receipts')
        .set(bearer(employee.accessToken))
        .field('spend_id', parts.id)
        .attach('file', EVERGREEN, 'evergreen.jpg')
        .expect(201);
      const notification = await notified(employee, 'receipt.processed', upload.body.id);
      expect(notification.title).toBe('Receipt verified: Evergreen Auto Parts, USD 38.34');
      expect(notification.body).toMatch(
        /^The receipt evergreen\.jpg for your spend Evergreen Auto Parts \(USD 38\.34, 13 Aug 2026\) was read: merchant [^,]*evergreen auto parts[^,]*, total USD 38\.34, date 13 Aug 2026\. It matches the spend: the receipt is verified\.$/i,
      );
    });

    it("says so when the total read differs from the spend's amount", async () => {
      const parts = await t.given.spend(employee, {
        amount: '45.00',
        merchant: 'Evergreen (again)',
        spend_date: '2026-08-13',
      });
      const upload = await request(t.http)
        .post('/api/v1/receipts')
        .set(bearer(employee.accessToken))
        .field('spend_id', parts.id)
        .attach('file', EVERGREEN, 'evergreen.jpg')
        .expect(201);
      const notification = await notified(employee, 'receipt.processed', upload.body.id);
      expect(notification.title).toBe('Receipt read: Evergreen (again), USD 45.00');
      expect(notification.body).toContain('total USD 38.34');
      expect(notification.body).toContain("does not match the spend's amount of USD 45.00 (amount mismatch)");
    });

    it('tells the owner, and finance who uploaded it, that OCR failed and why', async () => {
      const taxi = await t.given.spend(employee, { amount: '23.00', merchant: 'City Taxi', spend_date: '2026-03-09' });
      const upload = await request(t.http)
        .post('/api/v1/receipts')
        .set(bearer(finance.accessToken))
        .field('spend_id', taxi.id)
        .attach('file', BLANK_PAGE, 'scan.png')
        .expect(201);
      const forOwner = await notified(employee, 'receipt.failed', upload.body.id);
      expect(forOwner.title).toBe('Receipt could not be read: City Taxi, USD 23.00');
      expect(forOwner.body).toMatch(
        /^The receipt scan\.png for your spend City Taxi \(USD 23\.00, 9 Mar 2026\) could not be read: The document does not look like a receipt/,
      );
      const forUploader = await notified(finance, 'receipt.failed', upload.body.id);
      expect(forUploader.body).toContain("for Jane Doe's spend City Taxi (USD 23.00, 9 Mar 2026)");
    });
  });

  describe('the inbox', () => {
    let reader: TestUser;
    let items: NotificationItem[];

    beforeAll(async () => {
      reader = await t.given.user(org, 'employee', { full_name: 'Rita Reader' });
      for (const [index, merchant] of ['Alpha Cafe', 'Beta Books', 'Gamma Gym'].entries()) {
        const created = await t.given.spend(reader, {
          amount: `${index + 1}.00`,
          merchant,
          spend_date: `2026-04-0${index + 1}`,
        });
        await notified(reader, 'spend.approved', created.id);
      }
      items = await h.all(reader);
    });

    it("lists only the caller's notifications, newest first, with a total, and pages", async () => {
      expect(items.map((n) => n.title)).toEqual([
        'Spend approved: Gamma Gym, USD 3.00',
        'Spend approved: Beta Books, USD 2.00',
        'Spend approved: Alpha Cafe, USD 1.00',
      ]);
      const first = await t.as(reader).get('/notifications?limit=2').expect(200);
      expect(first.body).toMatchObject({
        total: 3,
        items: [{ id: items[0].id }, { id: items[1].id }],
        next_cursor: expect.any(String),
      });
      const byOffset = await t.as(reader).get('/notifications?limit=2&offset=2').expect(200);
      expect(byOffset.body.items.map((n: NotificationItem) => n.id)).toEqual([items[2].id]);
      const byCursor = await t.as(reader).get(`/notifications?limit=2&cursor=${first.body.next_cursor}`).expect(200);
      expect(byCursor.body).toMatchObject({ total: 3, items: [{ id: items[2].id }], next_cursor: null });
      expect((await h.all(employee)).some((n) => items.some((mine) => mine.id === n.id))).toBe(false);
    });

    it('marks one read (twice is fine, the first read_at stays), audited once, and filters unread_only', async () => {
      expect(
        await t
          .as(reader)
          .post(`/notifications/${items[1].id}/read`)
          .expect(200)
          .then((r) => r.body),
      ).toEqual({ status: 'ok' });
      const readAt = (await h.all(reader)).find((n) => n.id === items[1].id)!.read_at;
      expect(readAt).toEqual(expect.any(String));
      await t.as(reader).post(`/notifications/${items[1].id}/read`).expect(200);
      expect((await h.all(reader)).find((n) => n.id === items[1].id)!.read_at).toBe(readAt);
      const unread = await t.as(reader).get('/notifications?unread_only=true').expect(200);
      expect(unread.body.total).toBe(2);
      expect(unread.body.items.map((n: NotificationItem) => n.id)).toEqual([items[0].id, items[2].id]);
      const audited = await t.dataSource.query(
        `SELECT actor_id FROM audit_logs WHERE action = 'notification.read' AND entity_id = $1`,
        [items[1].id],
      );
      expect(audited).toEqual([{ actor_id: reader.id }]);
    });

    it('marks all read and says how many were unread', async () => {
      expect((await t.as(reader).post('/notifications/read-all').expect(200)).body).toEqual({
        status: 'ok',
        updated: 2,
      });
      expect((await t.as(reader).get('/notifications?unread_only=true').expect(200)).body).toMatchObject({
        total: 0,
        items: [],
      });
      expect((await t.as(reader).post('/notifications/read-all').expect(200)).body).toEqual({
        status: 'ok',
        updated: 0,
      });
      const audited = await t.dataSource.query(
        `SELECT metadata FROM audit_logs WHERE action = 'notification.read_all' AND actor_id = $1`,
        [reader.id],
      );
      expect(audited).toEqual([{ metadata: { updated: 2 } }]);
    });

    it("answers 404 for someone else's notification or another organization's, and changes nothing", async () => {
      const managers = await h.all(manager);
      expectProblem(await t.as(reader).post(`/notifications/${managers[0].id}/read`), 404, 'NOTIFICATION_NOT_FOUND');
      expectProblem(await t.as(admin).post(`/notifications/${managers[0].id}/read`), 404, 'NOTIFICATION_NOT_FOUND');
      expectProblem(
        await t.as(outsider.admin).post(`/notifications/${items[0].id}/read`),
        404,
        'NOTIFICATION_NOT_FOUND',
      );
      expectProblem(
        await t.as(reader).post('/notifications/0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f/read'),
        404,
        'NOTIFICATION_NOT_FOUND',
      );
      expect((await t.as(outsider.admin).get('/notifications').expect(200)).body).toEqual({
        total: 0,
        items: [],
        next_cursor: null,
      });
      expect((await h.all(manager)).find((n) => n.id === managers[0].id)!.read_at).toBeNull();
    });

    it('refuses a request without a token, a path id that is not a UUID, and bad or unknown query fields', async () => {
      expectProblem(await request(t.http).get('/api/v1/notifications'), 401, 'AUTHENTICATION_REQUIRED');
      expectProblem(
        await request(t.http).post(`/api/v1/notifications/${items[0].id}/read`),
        401,
        'AUTHENTICATION_REQUIRED',
      );
      expectProblem(await request(t.http).post('/api/v1/notifications/read-all'), 401, 'AUTHENTICATION_REQUIRED');
      const notUuid = await t.as(reader).post('/notifications/not-a-uuid/read');
      expectProblem(notUuid, 422, 'VALIDATION_FAILED');
      expect(notUuid.body.errors).toEqual([{ field: 'id', message: 'must be a UUID' }]);
      const bad = await t.as(reader).get('/notifications?unread_only=maybe&limit=0&colour=red');
      expectProblem(bad, 422, 'VALIDATION_FAILED');
      expect(bad.body.errors).toEqual(
        expect.arrayContaining([
          { field: 'unread_only', message: 'must be true or false' },
          expect.objectContaining({ field: 'limit' }),
          { field: 'colour', message: 'is not a recognised field' },
        ]),
      );
      expectProblem(await t.as(reader).get('/notifications?cursor=forged'), 422, 'INVALID_CURSOR');
    });

    it('lets a user turn e-mail notifications off through PATCH /users/me, audited, and refuses unknown fields', async () => {
      const off = await t.as(reader).patch('/users/me', { email_notifications: false }).expect(200);
      expect(off.body.email_notifications).toBe(false);
      expect((await t.as(reader).get('/users/me').expect(200)).body.email_notifications).toBe(false);
      const [audit] = await t.dataSource.query(
        `SELECT metadata FROM audit_logs WHERE action = 'user.updated' AND entity_id = $1`,
        [reader.id],
      );
      expect(audit.metadata).toEqual({ changes: { email_notifications: { from: true, to: false } } });
      const unknown = await t.as(reader).patch('/users/me', { email_notification: true });
      expectProblem(unknown, 422, 'VALIDATION_FAILED');
      expect(unknown.body.errors).toEqual([{ field: 'email_notification', message: 'is not a recognised field' }]);
    });
  });

  describe('idempotency', () => {
    it('creates nothing twice when the notifications job runs again for the same outbox row', async () => {
      const lunch = await t.given.spend(employee, {
        amount: '700.00',
        merchant: 'Twice Diner',
        spend_date: '2026-03-10',
      });
      await notified(manager, 'approval.assigned', lunch.approvals[0].id);
      await t.as(manager).post(`/approvals/${lunch.approvals[0].id}/decision`, { approved: true }).expect(200);
      await notified(employee, 'spend.approved', lunch.id);
      const count = async () =>
        (
          await t.dataSource.query(`SELECT count(*)::int AS count FROM notifications WHERE entity_id IN ($1, $2)`, [
            lunch.id,
            lunch.approvals[0].id,
          ])
        )[0].count;
      expect(await count()).toBe(2);
      const notifications = h.consumer('notifications');
      for (const topic of ['approval.assigned', 'spend.approved', 'spend.submitted']) {
        const [job] = await h.jobsAbout(topic, 'spend_id', lunch.id);
        expect(job).toBeDefined();
        await notifications.handle(job);
        await notifications.handle(job);
      }
      expect(await count()).toBe(2);
      expect((await h.all(employee)).filter((n) => n.entity_id === lunch.id)).toHaveLength(1);
    });

    it('ignores an event whose payload names nothing of the organization', async () => {
      const notifications = h.consumer('notifications');
      const theirs = await t.given.spend(employee, {
        amount: '1.00',
        merchant: 'Pencil Shop',
        spend_date: '2026-03-11',
      });
      await notified(employee, 'spend.approved', theirs.id);
      const before = (await t.dataSource.query(`SELECT count(*)::int AS count FROM notifications`))[0].count;
      await notifications.handle({
        outboxId: '999999',
        organizationId: org.id,
        topic: 'spend.paid',
        payload: { spend_id: 'not-a-uuid' },
      });
      await notifications.handle({
        outboxId: '999998',
        organizationId: outsider.id,
        topic: 'spend.paid',
        payload: { spend_id: theirs.id, user_id: employee.id },
      });
      expect((await t.dataSource.query(`SELECT count(*)::int AS count FROM notifications`))[0].count).toBe(before);
    });
  });
});

interface ReceivedMail {
  to: string[];
  mail: ParsedMail;
}

/**
 * E-mail through a real SMTP server running in this process (smtp-server), which checks the
 * credentials of SMTP_URL and can refuse messages for a while, as a server that is down would.
 */
describe(`Notifications by e-mail (${process.env.REDIS_URL ? 'Bull on Redis' : 'in-process'})`, () => {
  let t: TestApp;
  let smtp: SMTPServer;
  let port: number;
  const received: ReceivedMail[] = [];
  let refusals = 0;
  let refused = 0;
  let org: TestOrganization;
  let admin: TestUser;
  let manager: TestUser;
  let employee: TestUser;
  const h = helpers(() => t);
  const { notified } = h;

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: false,
      allowInsecureAuth: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onAuth(auth, _session, callback) {
        if (auth.username === 'spendin' && auth.password === 's3cret-pass')
          return callback(null, { user: auth.username });
        return callback(new Error('Invalid username or password'));
      },
      onMailFrom(_address, _session, callback) {
        if (refusals > 0) {
          refusals -= 1;
          refused += 1;
          return callback(Object.assign(new Error('Mail system busy, try again later'), { responseCode: 451 }));
        }
        return callback();
      },
      onData(stream, session, callback) {
        simpleParser(stream).then((mail) => {
          received.push({ to: session.envelope.rcptTo.map((r) => r.address), mail });
          callback();
        }, callback);
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    port = (smtp.server.address() as AddressInfo).port;
    t = await createTestApp({
      SMTP_URL: `smtp://spendin:s3cret-pass@127.0.0.1:${port}`,
      SMTP_FROM: 'Acme Expenses <expenses@acme.test>',
    });
    org = await t.given.organization('Acme');
    admin = org.admin;
    manager = await t.given.user(org, 'manager', { full_name: 'Mary Major' });
    employee = await t.given.user(org, 'employee', { manager_id: manager.id, full_name: 'Jane Doe' });
    await t
      .as(admin)
      .post('/policies', {
        name: 'Manager approves',
        rules: [{ condition: { amount_gt: 500 }, action: { type: 'require_approval', approver: 'manager' } }],
      })
      .expect(201);
  });
  afterAll(async () => {
    await t.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  const mailsTo = (user: TestUser, subject?: string) =>
    received.filter((r) => r.to.includes(user.email) && (subject === undefined || r.mail.subject === subject));
  const emailState = async (id: string) =>
    (
      await t.dataSource.query(
        `SELECT email_status, email_attempts, email_error, emailed_at FROM notifications WHERE id = $1`,
        [id],
      )
    )[0] as {
      email_status: string;
      email_attempts: number;
      email_error: string | null;
      emailed_at: Date | null;
    };

  it('e-mails the approver: subject is the title, text and HTML name the spend, sent from SMTP_FROM', async () => {
    const hotel = await t.given.spend(employee, { spend_date: '2026-03-02', amount: '650.00', merchant: 'Hotel Lux' });
    const notification = await notified(manager, 'approval.assigned', hotel.approvals[0].id);
    await until(() => mailsTo(manager, notification.title).length > 0, "the approver's e-mail");
    const [{ mail }] = mailsTo(manager, notification.title);
    expect(mail.subject).toBe('Approval needed: Hotel Lux, USD 650.00');
    expect(mail.from?.value).toEqual([{ address: 'expenses@acme.test', name: 'Acme Expenses' }]);
    expect(mail.to).toMatchObject({ value: [{ address: manager.email }] });
    expect(mail.text).toContain('Hello Mary Major,');
    expect(mail.text).toContain(
      'Jane Doe submitted Hotel Lux (USD 650.00, 2 Mar 2026), and it waits for your approval (step 1).',
    );
    expect(mail.html).toContain('Hotel Lux (USD 650.00, 2 Mar 2026)');
    expect(mail.messageId).toBe(`<${notification.id}@acme.test>`);
    expect(mail.headers.get('auto-submitted')).toBe('auto-generated');
    await until(async () => (await emailState(notification.id)).email_status === 'sent', 'the e-mail recorded as sent');
    expect(await emailState(notification.id)).toMatchObject({
      email_status: 'sent',
      email_attempts: 1,
      email_error: null,
      emailed_at: expect.any(Date),
    });
  });

  it('e-mails the owner when the spend is approved, and sends an e-mail only once however often its job runs', async () => {
    const dinner = await t.given.spend(employee, {
      amount: '600.00',
      merchant: 'Bar & Grill',
      spend_date: '2026-03-05',
    });
    await notified(manager, 'approval.assigned', dinner.approvals[0].id);
    await t.as(manager).post(`/approvals/${dinner.approvals[0].id}/decision`, { approved: true }).expect(200);
    const notification = await notified(employee, 'spend.approved', dinner.id);
    await until(() => mailsTo(employee, notification.title).length > 0, "the owner's e-mail");
    expect(mailsTo(employee, notification.title)[0].mail.text).toContain(
      'Your spend Bar & Grill (USD 600.00, 5 Mar 2026) was approved.',
    );
    expect(mailsTo(employee, notification.title)[0].mail.html).toContain('Bar &amp; Grill');
    await until(async () => (await emailState(notification.id)).email_status === 'sent', 'the e-mail recorded as sent');

    const [emailJob] = await h.jobsAbout('notification.email', 'notification_id', notification.id);
    await h.consumer('email').handle(emailJob);
    const [approvedJob] = await h.jobsAbout('spend.approved', 'spend_id', dinner.id);
    await h.consumer('notifications').handle(approvedJob);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(mailsTo(employee, notification.title)).toHaveLength(1);
    expect(await h.jobsAbout('notification.email', 'notification_id', notification.id)).toHaveLength(1);
  });

  it('keeps the in-app notification but sends no e-mail to a user who turned e-mail off', async () => {
    const quiet = await t.given.user(org, 'employee', { manager_id: manager.id, full_name: 'Quinn Quiet' });
    await t.as(quiet).patch('/users/me', { email_notifications: false }).expect(200);
    const books = await t.given.spend(quiet, { spend_date: '2026-03-02', amount: '20.00', merchant: 'Beta Books' });
    const notification = await notified(quiet, 'spend.approved', books.id);
    expect(await emailState(notification.id)).toMatchObject({ email_status: 'none', email_attempts: 0 });
    expect(await h.jobsAbout('notification.email', 'notification_id', notification.id)).toEqual([]);
    // A later e-mail to someone else went through, so nothing for this user was waiting in line.
    const later = await t.given.spend(employee, { spend_date: '2026-03-02', amount: '21.00', merchant: 'Gamma Gym' });
    const theirs = await notified(employee, 'spend.approved', later.id);
    await until(() => mailsTo(employee, theirs.title).length > 0, 'the later e-mail');
    expect(mailsTo(quiet)).toEqual([]);
  });

  it('retries while the SMTP server refuses, with the error recorded without credentials, then delivers exactly once', async () => {
    refusals = 2;
    refused = 0;
    const cab = await t.given.spend(employee, { spend_date: '2026-03-02', amount: '33.00', merchant: 'Retry Cabs' });
    const notification = await notified(employee, 'spend.approved', cab.id);
    await until(async () => (await emailState(notification.id)).email_attempts >= 1, 'a first, refused attempt');
    const failing = await emailState(notification.id);
    expect(failing.email_status).toBe('pending');
    expect(failing.email_error).toContain(`SMTP server smtp://127.0.0.1:${port} did not take the message`);
    expect(failing.email_error).toContain('451');
    expect(failing.email_error).not.toContain('s3cret-pass');
    await until(() => mailsTo(employee, notification.title).length > 0, 'the e-mail after retries', {
      timeoutMs: 50_000,
    });
    expect(refused).toBe(2);
    await until(async () => (await emailState(notification.id)).email_status === 'sent', 'the e-mail recorded as sent');
    expect(await emailState(notification.id)).toMatchObject({
      email_status: 'sent',
      email_attempts: 3,
      email_error: null,
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(mailsTo(employee, notification.title)).toHaveLength(1);
  });
});
