import type { EntityManager } from 'typeorm';
import { ApprovalDecided, ApprovalEvents } from './approval-events';

const event = (subjectType: ApprovalDecided['subjectType']): ApprovalDecided => ({
  tx: {} as EntityManager,
  actor: { userId: 'u', organizationId: 'o', role: 'manager' } as ApprovalDecided['actor'],
  organizationId: 'o',
  subjectType,
  subjectId: 's',
  approvalId: 'a',
  round: 1,
  outcome: 'approved',
  comment: null,
});

describe('ApprovalEvents', () => {
  it("hands a decision to its subject type's handler and answers that handler's status", async () => {
    const events = new ApprovalEvents();
    events.onDecided('spend', async () => 'approved');
    events.onDecided('advance', async (e) => `advance ${e.subjectId} ${e.outcome}`);
    await expect(events.decided(event('spend'))).resolves.toBe('approved');
    await expect(events.decided(event('advance'))).resolves.toBe('advance s approved');
  });

  it('refuses a second handler for the same subject type', () => {
    const events = new ApprovalEvents();
    events.onDecided('spend', async () => 'approved');
    expect(() => events.onDecided('spend', async () => 'rejected')).toThrow('one spend handler');
  });

  it('fails a decision on a subject type nobody moves, so that its transaction rolls back', async () => {
    const events = new ApprovalEvents();
    events.onDecided('spend', async () => 'approved');
    await expect(events.decided(event('expense_report'))).rejects.toThrow('No handler moves expense_report');
  });
});
