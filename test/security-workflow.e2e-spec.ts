import type { TestOrganization, TestUser } from './helpers/given';
import { expectProblem } from './helpers/problems';
import { createTestApp, TestApp } from './helpers/test-app';

const today = new Date().toISOString().slice(0, 10);

/**
 * Attacks by people inside an organization on the approval workflow: one person deciding two
 * steps of one chain, an employee choosing their approver through a team they are not in, and
 * amounts built to break the arithmetic.
 */
describe('Security: the approval workflow from the inside', () => {
  let t: TestApp;
  let org: TestOrganization;

  beforeAll(async () => {
    t = await createTestApp();
    org = await t.given.organization();
  });
  afterAll(() => t.close());

  describe('nobody decides two steps of one chain', () => {
    let financeManager: TestUser;
    let otherFinance: TestUser;
    let employee: TestUser;

    beforeAll(async () => {
      financeManager = await t.given.user(org, 'finance', { full_name: 'Fin Manager' });
      otherFinance = await t.given.user(org, 'finance');
      employee = await t.given.user(org, 'employee', { manager_id: financeManager.id });
      await t
        .as(org.admin)
        .post('/policies', {
          name: 'Manager, then finance',
          rules: [
            {
              id: 'manager',
              condition: { amount_gt: 0 },
              action: { type: 'require_approval', approver: 'manager' },
              priority: 1,
            },
            {
              id: 'finance',
              condition: { amount_gt: 0 },
              action: { type: 'require_approval', approver: 'finance' },
              priority: 2,
            },
          ],
        })
        .expect(201);
    });

    it('refuses the finance step to the finance user who approved as manager, and does not offer it to them', async () => {
      const spend = (
        await t
          .as(employee)
          .post('/spends', { amount: '120.00', currency: 'USD', spend_date: today, merchant: 'Two hats' })
          .expect(201)
      ).body;
      const [managerStep, financeStep] = spend.approvals as Array<{ id: string; step: number }>;
      expect(financeStep.step).toBe(2);
      await t.as(financeManager).post(`/approvals/${managerStep.id}/decision`, { approved: true }).expect(200);

      const offered = (await t.as(financeManager).get('/approvals?status=pending').expect(200)).body.items.map(
        (a: { id: string }) => a.id,
      );
      expect(offered).not.toContain(financeStep.id);
      expectProblem(
        await t.as(financeManager).post(`/approvals/${financeStep.id}/decision`, { approved: true }),
        403,
        'ALREADY_DECIDED_ANOTHER_STEP',
      );
      expect((await t.as(employee).get(`/spends/${spend.id}`).expect(200)).body.status).toBe('pending_approval');

      expect(
        (await t.as(otherFinance).get('/approvals?status=pending').expect(200)).body.items.map(
          (a: { id: string }) => a.id,
        ),
      ).toContain(financeStep.id);
      expect(
        (await t.as(otherFinance).post(`/approvals/${financeStep.id}/decision`, { approved: true }).expect(200)).body
          .spend_status,
      ).toBe('approved');
    });
  });

  describe('a spend belongs to a team of its owner', () => {
    let employee: TestUser;
    let lead: TestUser;
    let ownTeam: string;
    let foreignTeam: string;

    beforeAll(async () => {
      employee = await t.given.user(org, 'employee');
      lead = await t.given.user(org, 'manager', { full_name: 'Easy Approver' });
      ownTeam = (
        await t
          .as(org.admin)
          .post('/teams', { name: 'Own team', member_ids: [employee.id] })
          .expect(201)
      ).body.id;
      foreignTeam = (
        await t.as(org.admin).post('/teams', { name: "Someone else's team", lead_id: lead.id }).expect(201)
      ).body.id;
    });

    it('refuses another team on create and on edit, so an employee cannot pick its lead as approver', async () => {
      const create = await t.as(employee).post('/spends', {
        amount: '40.00',
        currency: 'USD',
        spend_date: today,
        team_id: foreignTeam,
      });
      expectProblem(create, 422, 'INVALID_REFERENCE');
      expect(create.body.errors).toEqual([
        { field: 'team_id', message: "must name a team that the spend's owner belongs to" },
      ]);

      const draft = (
        await t
          .as(employee)
          .post('/spends', { amount: '40.00', currency: 'USD', spend_date: today, team_id: ownTeam, draft: true })
          .expect(201)
      ).body;
      expect(draft.team_id).toBe(ownTeam);
      expectProblem(
        await t.as(employee).patch(`/spends/${draft.id}`, { team_id: foreignTeam }),
        422,
        'INVALID_REFERENCE',
      );
      expect((await t.as(lead).get(`/spends/${draft.id}`)).status).toBe(404);
    });

    it('lets a team lead file under the team they lead', async () => {
      await t
        .as(lead)
        .post('/spends', { amount: '10.00', currency: 'USD', spend_date: today, team_id: foreignTeam })
        .expect(201);
    });
  });

  describe('amounts built to break the arithmetic', () => {
    let employee: TestUser;

    beforeAll(async () => {
      employee = await t.given.user(org, 'employee');
    });

    it('refuses a zero amount sent without its currency on edit (it was a 500)', async () => {
      const draft = (
        await t
          .as(employee)
          .post('/spends', { amount: '5.00', currency: 'USD', spend_date: today, draft: true })
          .expect(201)
      ).body;
      const response = await t.as(employee).patch(`/spends/${draft.id}`, { amount: '0' });
      expectProblem(response, 422, 'INVALID_AMOUNT');
      expect(response.body.errors).toEqual([{ field: 'amount', message: 'must be greater than 0' }]);
    });

    it('refuses an amount that converted into the base currency would not fit (it was a 500)', async () => {
      await t.given.rate(org.admin, 'EUR', '999999999999', today);
      const response = await t.as(employee).post('/spends', {
        amount: '999999999999.99',
        currency: 'EUR',
        spend_date: today,
      });
      expectProblem(response, 422, 'INVALID_AMOUNT');
      expect(response.body.errors[0].message).toMatch(
        /^converted into USD at 999999999999, it is larger than any expense Spendin accepts$/,
      );
    });
  });
});
