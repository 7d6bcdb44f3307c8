import { approvalEscalatedText, approvalReminderText } from './approval-sla-text';

const subject = {
  noun: 'spend',
  label: 'Hotel Lux, USD 650.00',
  description: 'Hotel Lux (USD 650.00, 13 Aug 2026)',
  ownerName: 'Ann Smith',
};

describe('approval SLA texts', () => {
  it('reminds the approver how long the step has waited', () => {
    const text = approvalReminderText(subject, { number: 1, role: null, hoursPending: 26, again: false });
    expect(text.title).toBe('Reminder: approval waiting 26 h: Hotel Lux, USD 650.00');
    expect(text.body).toContain("Ann Smith's spend Hotel Lux (USD 650.00, 13 Aug 2026) has waited 26 hours");
    expect(text.body).toContain('escalated');
  });

  it('says when an admin step has nobody above it', () => {
    const text = approvalReminderText(subject, { number: 2, role: 'admin', hoursPending: 80, again: true });
    expect(text.body).toContain('assigned to the admin role');
    expect(text.body).toContain('no role stands above admin');
  });

  it('tells the new approver and the former one', () => {
    const toNew = approvalEscalatedText(subject, {
      number: 1,
      hoursPending: 50,
      from: { kind: 'person', name: 'Bob Jones' },
      to: { kind: 'you' },
    });
    expect(toNew.title).toBe('Approval escalated to you: Hotel Lux, USD 650.00');
    expect(toNew.body).toContain('waited 50 hours for Bob Jones (step 1) and was escalated to you.');
    const toFormer = approvalEscalatedText(subject, {
      number: 1,
      hoursPending: 50,
      from: { kind: 'you' },
      to: { kind: 'role', role: 'finance' },
    });
    expect(toFormer.title).toBe('Approval escalated: Hotel Lux, USD 650.00');
    expect(toFormer.body).toContain('was escalated to the finance role.');
    expect(toFormer.body).toContain('You no longer decide it.');
  });
});
