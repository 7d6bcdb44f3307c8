import { clip, formatMoney, NotificationText, TITLE_MAX } from './notification-text';

/**
 * What notifications say about a cash advance: its amount and purpose. Pure, like
 * notification-text.ts, whose formatting it shares.
 */
export interface AdvanceSubject {
  /** Integer minor units, as stored. */
  amountMinor: string;
  currency: string;
  purpose: string;
  ownerName: string;
}

const describe = (advance: AdvanceSubject) =>
  `${formatMoney(advance.amountMinor, advance.currency)} for “${clip(advance.purpose.trim(), 200)}”`;
const titled = (prefix: string, advance: AdvanceSubject) =>
  clip(
    `${prefix}: ${formatMoney(advance.amountMinor, advance.currency)}, ${clip(advance.purpose.trim(), 80)}`,
    TITLE_MAX,
  );
const text = (title: string, sentences: Array<string | false | null>): NotificationText => ({
  title,
  body: clip(sentences.filter(Boolean).join(' '), 4000),
});

export function advanceAssignedText(
  advance: AdvanceSubject,
  step: { number: number; role: 'finance' | 'admin' | null; note: string | null },
): NotificationText {
  return text(titled('Advance approval needed', advance), [
    `${advance.ownerName} asked for a cash advance of ${describe(advance)}, and it waits for your approval (step ${step.number}).`,
    step.role && `The step is assigned to the ${step.role} role; anyone holding it may decide.`,
    step.note && `Note: ${clip(step.note, 500)}.`,
  ]);
}

export function advanceApprovedText(advance: AdvanceSubject, comment: string | null): NotificationText {
  return text(titled('Advance approved', advance), [
    `Your cash advance of ${describe(advance)} was approved; finance pays it out.`,
    comment && `Comment: “${clip(comment.trim(), 2000)}”.`,
  ]);
}

export function advanceRejectedText(
  advance: AdvanceSubject,
  rejection: { comment: string | null; by: string | null },
): NotificationText {
  return text(titled('Advance rejected', advance), [
    `Your cash advance of ${describe(advance)} was rejected${rejection.by ? ` by ${rejection.by}` : ''}${rejection.comment ? `: “${clip(rejection.comment.trim(), 2000)}”.` : '.'}`,
  ]);
}

export function advancePaidText(advance: AdvanceSubject, reference: string | null): NotificationText {
  return text(titled('Advance paid', advance), [
    `Your cash advance of ${describe(advance)} was paid out${reference ? ` (payment reference ${clip(reference, 200)})` : ''}.`,
  ]);
}
