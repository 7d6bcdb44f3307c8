import { formatAmount, minorDigits } from '../../common/money/money';
import { ExportSpend } from './export.repository';

/**
 * The columns of a spend export, shared by CSV and XLSX: each says what kind of value it holds
 * so that CSV writes it as text and XLSX as a typed cell. Pure: no Nest, no TypeORM.
 */
export type Cell =
  | { kind: 'text'; value: string | null }
  | { kind: 'amount'; minor: bigint; currency: string }
  | { kind: 'number'; value: string }
  | { kind: 'date'; value: string }
  | { kind: 'timestamp'; value: Date | null };

export interface Column {
  /** CSV header, snake_case for machines. */
  key: string;
  /** XLSX header, for people. */
  title: string;
  width: number;
  cell: (spend: ExportSpend) => Cell;
}

const text = (value: string | null): Cell => ({ kind: 'text', value });
const timestamp = (value: Date | null): Cell => ({ kind: 'timestamp', value });

export function spendColumns(steps: number, receiptUrl: (receiptId: string) => string): Column[] {
  const columns: Column[] = [
    { key: 'spend_id', title: 'Spend ID', width: 38, cell: (s) => text(s.id) },
    { key: 'spend_date', title: 'Date', width: 12, cell: (s) => ({ kind: 'date', value: s.spendDate }) },
    { key: 'status', title: 'Status', width: 16, cell: (s) => text(s.status) },
    { key: 'owner', title: 'Owner', width: 24, cell: (s) => text(s.ownerName) },
    { key: 'owner_email', title: 'Owner e-mail', width: 30, cell: (s) => text(s.ownerEmail) },
    { key: 'team', title: 'Team', width: 18, cell: (s) => text(s.team) },
    { key: 'category', title: 'Category', width: 18, cell: (s) => text(s.category) },
    { key: 'category_code', title: 'Category code', width: 14, cell: (s) => text(s.categoryCode) },
    { key: 'vendor', title: 'Vendor', width: 20, cell: (s) => text(s.vendor) },
    { key: 'merchant', title: 'Merchant', width: 24, cell: (s) => text(s.merchant) },
    { key: 'description', title: 'Description', width: 32, cell: (s) => text(s.description) },
    {
      key: 'amount',
      title: 'Amount',
      width: 14,
      cell: (s) => ({ kind: 'amount', minor: s.amountMinor, currency: s.currency }),
    },
    { key: 'currency', title: 'Currency', width: 9, cell: (s) => text(s.currency) },
    {
      key: 'base_amount',
      title: 'Base amount',
      width: 14,
      cell: (s) => ({ kind: 'amount', minor: s.baseAmountMinor, currency: s.baseCurrency }),
    },
    { key: 'base_currency', title: 'Base currency', width: 9, cell: (s) => text(s.baseCurrency) },
    {
      key: 'exchange_rate',
      title: 'Exchange rate',
      width: 14,
      cell: (s) => ({ kind: 'number', value: trimRate(s.exchangeRate) }),
    },
    { key: 'submitted_at', title: 'Submitted at (UTC)', width: 20, cell: (s) => timestamp(s.submittedAt) },
    { key: 'decided_at', title: 'Decided at (UTC)', width: 20, cell: (s) => timestamp(s.decidedAt) },
    { key: 'paid_at', title: 'Paid at (UTC)', width: 20, cell: (s) => timestamp(s.paidAt) },
    { key: 'payment_reference', title: 'Payment reference', width: 22, cell: (s) => text(s.paymentReference) },
    { key: 'flags', title: 'Flags', width: 24, cell: (s) => text(s.flags.join(' ')) },
    { key: 'receipts', title: 'Receipts', width: 60, cell: (s) => text(s.receiptIds.map(receiptUrl).join(' ')) },
  ];
  for (let n = 1; n <= steps; n++) {
    const step = (s: ExportSpend) => s.steps.find((candidate) => candidate.step === n);
    columns.push(
      {
        key: `step_${n}_approver`,
        title: `Step ${n} approver`,
        width: 22,
        cell: (s) => text(step(s)?.approver ?? null),
      },
      { key: `step_${n}_decision`, title: `Step ${n} decision`, width: 12, cell: (s) => text(step(s)?.status ?? null) },
      {
        key: `step_${n}_decided_at`,
        title: `Step ${n} decided at (UTC)`,
        width: 20,
        cell: (s) => timestamp(step(s)?.decidedAt ?? null),
      },
    );
  }
  return columns;
}

/** `1.082300000000` → `1.0823`: the stored numeric(24,12) without its trailing zeros. */
function trimRate(rate: string): string {
  return rate.includes('.') ? rate.replace(/\.?0+$/, '') : rate;
}

/**
 * A text cell that a spreadsheet would run as a formula (it starts with =, +, -, @, a tab or
 * a carriage return) gets a leading single quote. Only text: amounts stay plain numbers, so a
 * negative amount is still a number.
 */
export function neutraliseFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** A cell as CSV writes it: amounts with their currency's digits, times in ISO-8601 UTC. */
export function csvValue(cell: Cell): string {
  switch (cell.kind) {
    case 'text':
      return cell.value === null ? '' : neutraliseFormula(cell.value);
    case 'amount':
      return formatAmount(cell.minor, cell.currency);
    case 'number':
      return cell.value;
    case 'date':
      return cell.value;
    case 'timestamp':
      return cell.value?.toISOString() ?? '';
  }
}

/** Excel's number format for an amount with the currency's digits: `#,##0.00`, `#,##0`, `#,##0.000`. */
export function amountFormat(currency: string): string {
  const digits = minorDigits(currency);
  return digits === 0 ? '#,##0' : `#,##0.${'0'.repeat(digits)}`;
}
