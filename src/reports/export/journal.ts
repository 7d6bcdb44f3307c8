import { formatAmount } from '../../common/money/money';
import { neutraliseFormula } from './spend-columns';
import { ExportSpend } from './export.repository';

/**
 * An accounting journal of approved spends: every spend is one balanced entry, a debit of its
 * base amount to its category's expense account and a credit of the same amount to employee
 * payables (what the company owes the person who paid). Pure: no Nest, no TypeORM.
 */
export interface JournalAccounts {
  /** Credited for every spend. */
  payables: string;
  /** Debited when the spend's category has no code (or the spend no category). */
  fallbackExpense: string;
}

export const JOURNAL_COLUMNS = [
  'date',
  'entry',
  'account',
  'description',
  'debit',
  'credit',
  'currency',
  'spend_id',
] as const;

/** The two lines of a spend's entry, as CSV cells. Debits equal credits by construction, to the minor unit. */
export function journalLines(spend: ExportSpend, accounts: JournalAccounts): string[][] {
  const amount = formatAmount(spend.baseAmountMinor, spend.baseCurrency);
  const what = spend.merchant ?? spend.vendor ?? spend.category ?? 'Spend';
  const line = (account: string, description: string, debit: string, credit: string) => [
    spend.spendDate,
    spend.id,
    neutraliseFormula(account),
    neutraliseFormula(description),
    debit,
    credit,
    spend.baseCurrency,
    spend.id,
  ];
  return [
    line(spend.categoryCode ?? accounts.fallbackExpense, `${what} (${spend.ownerName})`, amount, ''),
    line(accounts.payables, `Payable to ${spend.ownerName}`, '', amount),
  ];
}
