import { PassThrough, pipeline, Readable } from 'node:stream';
import { Injectable, Logger } from '@nestjs/common';
import { stringify } from 'csv-stringify';
import type { Actor } from '../../common/auth/roles';
import { CommonErrors } from '../../common/errors/common.errors';
import { API_PREFIX } from '../../common/http/api-prefix';
import { AppConfig } from '../../config/app-config';
import { ExportQuery } from '../dto/report-query.dto';
import { ExportPosition, ExportRepository, ExportSpend } from '../export/export.repository';
import { JOURNAL_COLUMNS, journalLines } from '../export/journal';
import { csvValue, spendColumns } from '../export/spend-columns';
import { writeWorkbook } from '../export/xlsx-export';
import { ReportAudience, ReportContext } from '../report-audience';
import { JOURNAL_STATUSES, ReportFilter, reportFilter } from '../report-filter';
import { ReportErrors } from '../reports.errors';
import { SummaryReport } from './summary-report';

/** Where a receipt's file is downloaded (by whoever may see its spend). */
const receiptUrl = (origin: string) => (receiptId: string) => `${origin}/${API_PREFIX}/receipts/${receiptId}/file`;

/** Spends read per query: memory holds one batch whatever the export's size. */
const BATCH_SIZE = 1000;
/** Excel's 1,048,576 rows a sheet, less the header and the totals rows. */
export const XLSX_MAX_SPENDS = 1_048_000;
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export interface ExportFile {
  stream: Readable;
  contentType: string;
  filename: string;
}

/**
 * Downloads of the caller's visible spends: CSV, XLSX or an accounting journal. Spends are
 * read in keyset batches and written to the response as they come. The first batch is read
 * before anything is sent, so that a failing database still answers a proper problem; a
 * failure later aborts the response, never leaving a truncated file that looks complete.
 */
@Injectable()
export class SpendExport {
  private readonly logger = new Logger('SpendExport');

  constructor(
    private readonly audience: ReportAudience,
    private readonly exports: ExportRepository,
    private readonly summaries: SummaryReport,
    private readonly config: AppConfig,
  ) {}

  /** `origin` (`https://spendin.example.com`) makes the receipt links absolute. */
  async execute(actor: Actor, query: ExportQuery, origin: string): Promise<ExportFile> {
    const journal = query.format === 'journal_csv';
    const filter = reportFilter(query, journal ? JOURNAL_STATUSES : undefined);
    if (journal && filter.statuses.some((status) => !JOURNAL_STATUSES.includes(status))) {
      throw CommonErrors.VALIDATION_FAILED('1 field failed validation', {
        errors: [{ field: 'status', message: 'a journal books approved and paid spends only' }],
      });
    }
    const context = await this.audience.of(actor);
    const name = `${journal ? 'journal' : 'spends'}-${filter.from ?? 'start'}-to-${filter.to ?? new Date().toISOString().slice(0, 10)}`;
    if (query.format === 'xlsx')
      return { stream: await this.xlsx(context, filter, origin), contentType: XLSX_TYPE, filename: `${name}.xlsx` };
    const stream = journal ? await this.journal(context, filter) : await this.spendsCsv(context, filter, origin);
    return { stream, contentType: 'text/csv; charset=utf-8', filename: `${name}.csv` };
  }

  private async spendsCsv(context: ReportContext, filter: ReportFilter, origin: string): Promise<Readable> {
    const columns = spendColumns(await this.exports.maxSteps(context, filter), receiptUrl(origin));
    const spends = await this.read(context, filter);
    const records = (async function* () {
      for await (const spend of spends) yield columns.map((column) => csvValue(column.cell(spend)));
    })();
    return this.csv(
      records,
      columns.map((c) => c.key),
    );
  }

  private async journal(context: ReportContext, filter: ReportFilter): Promise<Readable> {
    const { payablesAccount, fallbackExpenseAccount } = this.config.reports;
    const spends = await this.read(context, filter);
    const lines = (async function* () {
      for await (const spend of spends)
        yield* journalLines(spend, { payables: payablesAccount, fallbackExpense: fallbackExpenseAccount });
    })();
    return this.csv(lines, [...JOURNAL_COLUMNS]);
  }

  private async xlsx(context: ReportContext, filter: ReportFilter, origin: string): Promise<Readable> {
    const count = await this.exports.count(context, filter);
    if (count > XLSX_MAX_SPENDS) {
      throw ReportErrors.EXPORT_TOO_LARGE(
        `${count} spends match; a spreadsheet holds ${XLSX_MAX_SPENDS} at most. Narrow from/to or status, or use format=csv`,
      );
    }
    const columns = spendColumns(await this.exports.maxSteps(context, filter), receiptUrl(origin));
    const summary = await this.summaries.build(context, filter, 'month');
    const spends = await this.read(context, filter);
    const out = new PassThrough();
    writeWorkbook(out, spends, columns, summary).catch((error: Error) => this.fail(out, error));
    return out;
  }

  /** The spends in (spend_date, id) order; the first batch is read now, the rest as they are taken. */
  private async read(context: ReportContext, filter: ReportFilter): Promise<AsyncIterable<ExportSpend>> {
    const exports = this.exports;
    const first = await exports.batch(context, filter, null, BATCH_SIZE);
    return (async function* () {
      let batch = first;
      while (batch.length > 0) {
        yield* batch;
        if (batch.length < BATCH_SIZE) return;
        const last = batch[batch.length - 1];
        const after: ExportPosition = { spendDate: last.spendDate, id: last.id };
        batch = await exports.batch(context, filter, after, BATCH_SIZE);
      }
    })();
  }

  /**
   * RFC 4180: a header row, CRLF line ends, quotes where needed. Text cells were neutralised
   * against formula injection already; amounts are left alone so that they stay numbers.
   */
  private csv(records: AsyncIterable<string[]>, header: string[]): Readable {
    const csv = stringify({ header: true, columns: header, record_delimiter: 'windows' });
    pipeline(Readable.from(records), csv, (error) => {
      if (error && error.code !== 'ERR_STREAM_PREMATURE_CLOSE')
        this.logger.error(`Spend export failed: ${error.message}`);
    });
    return csv;
  }

  private fail(out: PassThrough, error: Error): void {
    this.logger.error(`Spend export failed: ${error.message}`);
    out.destroy(error);
  }
}
