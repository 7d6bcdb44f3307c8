import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { formatAmount } from '../../common/money/money';
import { monthLabel } from '../report-period';
import { Summary } from '../use-cases/summary-report';
import { ExportSpend } from './export.repository';
import { amountFormat, Cell, Column } from './spend-columns';

const DATE_FORMAT = 'yyyy-mm-dd';
const TIMESTAMP_FORMAT = 'yyyy-mm-dd hh:mm:ss';

/**
 * Writes the export as an XLSX workbook into `out` as the spends arrive, with exceljs'
 * streaming writer: each row is committed (serialized and zipped) at once, and writing waits
 * while the client lags behind, so memory holds a batch, never the file.
 *
 * Sheet "Spends": one typed row per spend (numbers, dates; text is only ever text, so a
 * merchant named "=HYPERLINK(…)" stays a string), then a totals row per base currency.
 * Sheet "Summary by month": the summary report grouped by month, with its total.
 * Resolves early, writing nothing more, when the client went away.
 */
export async function writeWorkbook(
  out: PassThrough,
  spends: AsyncIterable<ExportSpend>,
  columns: Column[],
  summary: Summary,
): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  workbook.creator = 'Spendin';
  const sheet = workbook.addWorksheet('Spends', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = columns.map((column) => ({ header: column.title, key: column.key, width: column.width }));
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).commit();

  const baseAmount = columns.findIndex((c) => c.key === 'base_amount');
  const baseCurrency = columns.findIndex((c) => c.key === 'base_currency');
  const totals = new Map<string, { minor: bigint; count: number }>();
  let rows = 1;
  for await (const spend of spends) {
    const row = sheet.addRow([]);
    columns.forEach((column, i) => writeCell(row.getCell(i + 1), column.cell(spend)));
    row.commit();
    rows++;
    const total = totals.get(spend.baseCurrency) ?? { minor: 0n, count: 0 };
    totals.set(spend.baseCurrency, { minor: total.minor + spend.baseAmountMinor, count: total.count + 1 });
    if (!(await writable(out))) return;
  }
  const amountColumn = letter(baseAmount + 1);
  const currencyColumn = letter(baseCurrency + 1);
  if (!totals.has(summary.baseCurrency)) totals.set(summary.baseCurrency, { minor: 0n, count: 0 });
  // The organization's base currency first; others only if spends were stored in an earlier one.
  const currencies = [...totals.keys()].sort((a, b) =>
    a === summary.baseCurrency ? -1 : b === summary.baseCurrency ? 1 : a.localeCompare(b),
  );
  for (const currency of currencies) {
    const total = totals.get(currency)!;
    const row = sheet.addRow([]);
    row.getCell(1).value = `Total ${currency} (${total.count} spend${total.count === 1 ? '' : 's'})`;
    const cell = row.getCell(baseAmount + 1);
    const result = Number(formatAmount(total.minor, currency));
    // A formula (so the sheet stays right when rows are edited) with its exact result cached.
    cell.value =
      rows > 1
        ? {
            formula: `SUMIF(${currencyColumn}2:${currencyColumn}${rows},"${currency}",${amountColumn}2:${amountColumn}${rows})`,
            result,
          }
        : result;
    cell.numFmt = amountFormat(currency);
    row.getCell(baseCurrency + 1).value = currency;
    row.font = { bold: true };
    row.commit();
  }
  sheet.commit();

  const months = workbook.addWorksheet('Summary by month', { views: [{ state: 'frozen', ySplit: 1 }] });
  months.columns = [
    { header: 'Month', key: 'month', width: 10 },
    { header: 'Label', key: 'label', width: 16 },
    { header: 'Spends', key: 'count', width: 10 },
    { header: `Total (${summary.baseCurrency})`, key: 'total', width: 16 },
  ];
  months.getRow(1).font = { bold: true };
  months.getRow(1).commit();
  const format = amountFormat(summary.baseCurrency);
  for (const group of summary.groups) {
    const row = months.addRow({
      month: group.key,
      label: monthLabel(group.key ?? ''),
      count: group.count,
      total: Number(formatAmount(group.totalMinor, summary.baseCurrency)),
    });
    row.getCell('total').numFmt = format;
    row.commit();
  }
  const last = summary.groups.length + 1;
  const total = Number(formatAmount(summary.totalMinor, summary.baseCurrency));
  const totalRow = months.addRow({
    month: 'Total',
    count: last > 1 ? { formula: `SUM(C2:C${last})`, result: summary.count } : summary.count,
    total: last > 1 ? { formula: `SUM(D2:D${last})`, result: total } : total,
  });
  totalRow.getCell('total').numFmt = format;
  totalRow.font = { bold: true };
  totalRow.commit();
  for (const other of summary.others) {
    months
      .addRow({
        month: 'Not included',
        label: `${other.count} spends stored in ${other.baseCurrency}, an earlier base currency`,
        count: other.count,
      })
      .commit();
  }
  months.commit();
  await Promise.race([workbook.commit(), event(out, 'close')]);
}

function writeCell(target: ExcelJS.Cell, cell: Cell): void {
  switch (cell.kind) {
    case 'text':
      target.value = cell.value;
      return;
    case 'amount':
      target.value = Number(formatAmount(cell.minor, cell.currency));
      target.numFmt = amountFormat(cell.currency);
      return;
    case 'number':
      target.value = Number(cell.value);
      return;
    case 'date':
      target.value = new Date(`${cell.value}T00:00:00.000Z`);
      target.numFmt = DATE_FORMAT;
      return;
    case 'timestamp':
      target.value = cell.value;
      if (cell.value) target.numFmt = TIMESTAMP_FORMAT;
      return;
  }
}

/** Waits while the client is behind; false once it has gone away. */
async function writable(out: PassThrough): Promise<boolean> {
  if (out.destroyed) return false;
  if (!out.writableNeedDrain) return true;
  await event(out, 'drain', 'close');
  return !out.destroyed;
}

/** The first of these events, without leaving listeners behind (a long export waits thousands of times). */
function event(out: PassThrough, ...names: string[]): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      for (const name of names) out.off(name, done);
      resolve();
    };
    for (const name of names) out.once(name, done);
  });
}

/** 1 → A, 27 → AA. */
function letter(column: number): string {
  let name = '';
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}
