import { clip, NotificationText, TITLE_MAX } from './notification-text';

/**
 * What the approval SLA's notifications say (docs/approvals-sla.md): a reminder to the
 * approver, and an escalation to the new approver and to the former one. Pure, like
 * notification-text.ts. The subject comes already described: `label` for titles
 * (`Hotel Lux, USD 650.00`), `description` for sentences.
 */
export interface SlaSubject {
  /** `spend`, `expense report`, `cash advance`. */
  noun: string;
  label: string;
  description: string;
  ownerName: string;
}

const finish = (title: string, sentences: Array<string | false | null | undefined>): NotificationText => ({
  title: clip(title, TITLE_MAX),
  body: clip(sentences.filter(Boolean).join(' '), 4000),
});

/** `you`, `Mary Major`, `the finance role`. */
export type Party = { kind: 'you' } | { kind: 'person'; name: string } | { kind: 'role'; role: string };
const named = (p: Party) => (p.kind === 'you' ? 'you' : p.kind === 'person' ? p.name : `the ${p.role} role`);

export function approvalReminderText(
  subject: SlaSubject,
  step: { number: number; role: 'finance' | 'admin' | null; hoursPending: number; again: boolean },
): NotificationText {
  return finish(`Reminder: approval waiting ${step.hoursPending} h: ${subject.label}`, [
    `${subject.ownerName}'s ${subject.noun} ${subject.description} has waited ${step.hoursPending} hours for your approval (step ${step.number}).`,
    step.role && `The step is assigned to the ${step.role} role; anyone holding it may decide.`,
    step.again
      ? 'It is past the time to escalate, and no role stands above admin: it still waits for an admin.'
      : 'Please approve or reject it; past the organization’s time limit it is escalated.',
  ]);
}

/** To the new approver (`to` is `you`) or the former one (`from` is `you`). */
export function approvalEscalatedText(
  subject: SlaSubject,
  step: { number: number; hoursPending: number; from: Party; to: Party },
): NotificationText {
  const toYou = step.to.kind === 'you';
  return finish(`${toYou ? 'Approval escalated to you' : 'Approval escalated'}: ${subject.label}`, [
    `${subject.ownerName}'s ${subject.noun} ${subject.description} waited ${step.hoursPending} hours for ${named(step.from)} (step ${step.number}) and was escalated to ${named(step.to)}.`,
    toYou && 'It waits for your approval now.',
    step.from.kind === 'you' && step.to.kind === 'role' && 'Anyone holding that role may decide it now.',
    step.from.kind === 'you' && 'You no longer decide it.',
  ]);
}
