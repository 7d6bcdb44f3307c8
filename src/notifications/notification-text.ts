import { formatAmount, minorDigits, parseAmount } from '../common/money/money';

/**
 * What notifications say: titles and bodies that name the spend (its merchant, or vendor or
 * category when it has none; amount with currency; date), and the e-mail rendering of them.
 * Pure: no Nest, no TypeORM.
 */

/** A spend as a notification names it. */
export interface SpendSubject {
  merchant: string | null;
  vendorName: string | null;
  categoryName: string | null;
  description: string | null;
  /** Integer minor units, as stored. */
  amountMinor: string;
  currency: string;
  /** YYYY-MM-DD */
  spendDate: string;
  ownerName: string;
}

export interface NotificationText {
  title: string;
  body: string;
}

export const TITLE_MAX = 300;
export const BODY_MAX = 4000;

/** `USD 1,234.56`, `JPY 1,200`, `BHD 1.234`: grouped, with exactly the currency's ISO-4217 digits. */
export function formatMoney(minor: bigint | string, currency: string): string {
  const digits = minorDigits(currency);
  const decimal = formatAmount(BigInt(minor), currency);
  // A decimal string (not a number) is formatted exactly, however large.
  const format = new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency,
    currencyDisplay: 'code',
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
  return format.format(decimal as `${number}`).replace(/\s/g, ' ');
}

/** `13 Aug 2026`: day, month name and year, which no reader can take for another date. */
export function formatDate(date: string): string {
  const parsed = new Date(`${date}T00:00:00.000Z`);
  if (Number.isNaN(parsed.getTime())) return date;
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(
    parsed,
  );
}

/** What a spend is called: its merchant, else its vendor, else its category. */
export function spendLabel(spend: SpendSubject): string {
  return clip(spend.merchant?.trim() || spend.vendorName || spend.categoryName || 'Spend', 120);
}

/** `Hotel Lux (USD 650.00, 13 Aug 2026)` */
export function describeSpend(spend: SpendSubject): string {
  return `${spendLabel(spend)} (${formatMoney(spend.amountMinor, spend.currency)}, ${formatDate(spend.spendDate)})`;
}

function titled(prefix: string, spend: SpendSubject): string {
  return clip(`${prefix}: ${spendLabel(spend)}, ${formatMoney(spend.amountMinor, spend.currency)}`, TITLE_MAX);
}

function finish(title: string, sentences: Array<string | false | null | undefined>): NotificationText {
  return { title, body: clip(sentences.filter(Boolean).join(' '), BODY_MAX) };
}

const quoted = (text: string, max = 2000) => `“${clip(text.trim(), max)}”`;

/** To the delegate of a new delegation of approvals. */
export function approvalDelegatedText(delegation: {
  delegatorName: string;
  startsOn: string;
  endsOn: string;
  reason: string | null;
}): NotificationText {
  return finish(clip(`Approvals delegated to you by ${delegation.delegatorName}`, TITLE_MAX), [
    `${delegation.delegatorName} delegated their approvals to you from ${delegation.startsOn} to ${delegation.endsOn}:`,
    'meanwhile you may decide the steps assigned to them (except your own submissions), listed among your approvals.',
    delegation.reason && `Reason: ${quoted(delegation.reason, 500)}.`,
  ]);
}

const STORED_REPORT_KINDS: Record<string, string> = {
  summary: 'summary',
  csv: 'CSV export',
  xlsx: 'XLSX export',
  journal: 'accounting journal',
};

/** Why a stored report failed, for its requester, by its `error_code`. */
const STORED_REPORT_FAILURES: Record<string, string> = {
  REQUESTER_NOT_ALLOWED: 'you may no longer run reports',
  EXPORT_TOO_LARGE: 'too many spends match for one spreadsheet; narrow the period or use CSV',
  STORAGE_UNAVAILABLE: 'the file store could not be reached',
};

/** A stored report (POST /reports) is ready to download, until `expiresAt`. */
export function reportReadyText(report: { kind: string; expiresAt: Date | null }): NotificationText {
  const kind = STORED_REPORT_KINDS[report.kind] ?? 'report';
  const until = report.expiresAt ? ` until ${report.expiresAt.toISOString().replace('T', ' ').slice(0, 16)} UTC` : '';
  return finish(`Your ${kind} is ready`, [`The ${kind} you requested is ready to download${until}.`]);
}

/** A stored report could not be built. */
export function reportFailedText(report: { kind: string; errorCode: string | null }): NotificationText {
  const kind = STORED_REPORT_KINDS[report.kind] ?? 'report';
  const why = (report.errorCode && STORED_REPORT_FAILURES[report.errorCode]) ?? 'something went wrong';
  return finish(`Your ${kind} could not be made`, [`The ${kind} you requested failed: ${why}.`, 'Request it again.']);
}

export function approvalAssignedText(
  spend: SpendSubject,
  step: { number: number; role: 'finance' | 'admin' | null; note: string | null },
): NotificationText {
  return finish(titled('Approval needed', spend), [
    `${spend.ownerName} submitted ${describeSpend(spend)}, and it waits for your approval (step ${step.number}).`,
    step.role && `The step is assigned to the ${step.role} role; anyone holding it may decide.`,
    spend.description && `Description: ${quoted(spend.description, 500)}.`,
    step.note && `Note: ${clip(step.note, 500)}.`,
  ]);
}

export function spendApprovedText(spend: SpendSubject, comment: string | null): NotificationText {
  return finish(titled('Spend approved', spend), [
    `Your spend ${describeSpend(spend)} was approved.`,
    comment && `Comment: ${quoted(comment)}.`,
  ]);
}

export function reportApprovalText(
  report: { title: string },
  ownerName: string,
  step: { number: number; role: 'finance' | 'admin' | null; note: string | null },
): NotificationText {
  return finish(clip(`Approval needed: expense report ${report.title}`, TITLE_MAX), [
    `${ownerName} submitted the expense report “${clip(report.title, 200)}”, and it waits for your approval (step ${step.number}).`,
    step.role && `The step is assigned to the ${step.role} role; anyone holding it may decide.`,
    step.note && `Note: ${clip(step.note, 500)}.`,
  ]);
}

/** An expense report decided: approved, partly approved (some lines rejected) or rejected. */
export function expenseReportDecidedText(
  report: { title: string },
  status: string,
  comment: string | null,
): NotificationText {
  const outcome = status === 'rejected' ? 'rejected' : status === 'partly_approved' ? 'partly approved' : 'approved';
  return finish(clip(`Expense report ${outcome}: ${report.title}`, TITLE_MAX), [
    `Your expense report “${clip(report.title, 200)}” was ${outcome}${comment ? `: ${quoted(comment)}.` : '.'}`,
    status === 'partly_approved' && 'Some lines were rejected; their comments are in its summary.',
    status === 'rejected' && 'Fix it and submit it again.',
  ]);
}

export function expenseReportPaidText(report: { title: string }, reference: string | null): NotificationText {
  return finish(clip(`Expense report paid: ${report.title}`, TITLE_MAX), [
    `Your expense report “${clip(report.title, 200)}” was paid${reference ? ` (payment reference ${clip(reference, 200)})` : ''}.`,
  ]);
}

export function spendRejectedText(
  spend: SpendSubject,
  rejection: { comment: string | null; by: string | null },
): NotificationText {
  return finish(titled('Spend rejected', spend), [
    `Your spend ${describeSpend(spend)} was rejected${rejection.by ? ` by ${rejection.by}` : ''}${rejection.comment ? `: ${quoted(rejection.comment)}.` : '.'}`,
    'Edit it and submit it again, or cancel it.',
  ]);
}

export function spendBlockedText(spend: SpendSubject, message: string | null): NotificationText {
  return finish(titled('Spend blocked', spend), [
    `Your spend ${describeSpend(spend)} was blocked by a policy of your organization${message ? `: ${quoted(message, 1000)}.` : '.'}`,
  ]);
}

export function spendPaidText(spend: SpendSubject, reference: string | null): NotificationText {
  return finish(titled('Spend paid', spend), [
    `Your spend ${describeSpend(spend)} was paid${reference ? ` (payment reference ${clip(reference, 200)})` : ''}.`,
  ]);
}

/** What OCR read off a receipt, as stored. */
export interface ReceiptReading {
  filename: string;
  merchant: string | null;
  date: string | null;
  total: string | null;
  currency: string | null;
  verified: boolean;
  amountMismatch: boolean;
}

/** `ownSpend`: the recipient owns the spend (otherwise they uploaded the receipt for its owner). */
export function receiptProcessedText(
  spend: SpendSubject,
  reading: ReceiptReading,
  ownSpend: boolean,
): NotificationText {
  const whose = ownSpend ? `your spend ${describeSpend(spend)}` : `${spend.ownerName}'s spend ${describeSpend(spend)}`;
  const read = [
    reading.merchant && `merchant ${clip(reading.merchant, 120)}`,
    reading.total && `total ${readTotal(reading.total, reading.currency ?? spend.currency)}`,
    reading.date && `date ${formatDate(reading.date)}`,
  ].filter(Boolean);
  let outcome: string;
  if (reading.verified) outcome = 'It matches the spend: the receipt is verified.';
  else if (reading.amountMismatch)
    outcome = `The total on the receipt does not match the spend's amount of ${formatMoney(spend.amountMinor, spend.currency)} (amount mismatch): check the amount or the receipt.`;
  else outcome = 'It could not be verified against the spend: its total or date was not found or differs.';
  return finish(titled(reading.verified ? 'Receipt verified' : 'Receipt read', spend), [
    `The receipt ${clip(reading.filename, 200)} for ${whose} was read${read.length > 0 ? `: ${read.join(', ')}.` : '.'}`,
    outcome,
  ]);
}

export function receiptFailedText(
  spend: SpendSubject,
  receipt: { filename: string; error: string | null },
  ownSpend: boolean,
): NotificationText {
  const whose = ownSpend ? `your spend ${describeSpend(spend)}` : `${spend.ownerName}'s spend ${describeSpend(spend)}`;
  return finish(titled('Receipt could not be read', spend), [
    `The receipt ${clip(receipt.filename, 200)} for ${whose} could not be read${receipt.error ? `: ${clip(receipt.error, 500)}` : ''}.`,
    'Upload a sharper picture or a PDF of it, or enter the details by hand.',
  ]);
}

/** A total as read (a decimal string) in the receipt's currency, formatted like any amount when it can be. */
function readTotal(total: string, currency: string): string {
  try {
    return formatMoney(parseAmount(total, currency), currency);
  } catch {
    return `${currency} ${total}`;
  }
}

/** The e-mail of a notification: its title as the subject, its body as text, and the same as simple HTML. */
export function renderEmail(
  text: NotificationText,
  recipientName: string,
): { subject: string; text: string; html: string } {
  const greeting = `Hello ${recipientName},`;
  const footer =
    'You receive this e-mail because e-mail notifications are on for your Spendin account. Turn them off with PATCH /api/v1/users/me {"email_notifications": false}.';
  return {
    subject: text.title.replace(/[\r\n]+/g, ' '),
    text: `${greeting}\n\n${text.body}\n\n-- \n${footer}\n`,
    html: [
      '<!doctype html><html><body style="font-family: sans-serif; line-height: 1.5">',
      `<p>${escapeHtml(greeting)}</p>`,
      `<h2 style="font-size: 1.1em">${escapeHtml(text.title)}</h2>`,
      `<p>${escapeHtml(text.body)}</p>`,
      `<p style="color: #666; font-size: 0.85em">${escapeHtml(footer)}</p>`,
      '</body></html>',
    ].join('\n'),
  };
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
