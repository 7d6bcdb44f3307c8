import { Readable, pipeline } from 'node:stream';
import { Injectable, Logger } from '@nestjs/common';
import { stringify } from 'csv-stringify';
import type { Actor } from '../common/auth/roles';
import { CommonErrors } from '../common/errors/common.errors';
import { decodeCursor, Page, toPage } from '../common/pagination/page';
import { ChainCheck, ChainVerdict } from './audit-chain';
import { AuditKeys } from './audit-keys';
import { AuditLogFilter, AuditLogRepository, StoredAuditEntry } from './audit-log.repository';
import { CSV_COLUMNS, toAuditLogResponse, toCsvRecord } from './audit-log.mapper';
import { instantRange } from './audit-time-range';
import { AuditLogEntryDto, AuditLogFilterQuery, ExportAuditLogsQuery, ListAuditLogsQuery } from './dto/audit-log.dto';

/** Entries read per query by the verifier and the export: memory stays bounded whatever the log's length. */
const BATCH_SIZE = 1000;

/** Reading, verifying and exporting an organization's audit log (the caller's own, always). */
@Injectable()
export class AuditLogService {
  private readonly logger = new Logger('AuditLog');

  constructor(
    private readonly entries: AuditLogRepository,
    private readonly keys: AuditKeys,
  ) {}

  /** Newest first; `total` counts every match of the filter. */
  async list(actor: Actor, query: ListAuditLogsQuery): Promise<Page<AuditLogEntryDto>> {
    const filter = filterOf(query);
    const beforeSeq = query.cursor === undefined ? undefined : seqOf(query.cursor);
    const total = await this.entries.count(actor.organizationId, filter);
    const items = await this.entries.newestFirst(actor.organizationId, filter, {
      limit: query.limit,
      offset: query.offset,
      beforeSeq,
    });
    const page = toPage(items, total, query, (last) => [last.seq]);
    return { ...page, items: items.map(toAuditLogResponse) };
  }

  /**
   * Recomputes the organization's chain from its first entry, a batch at a time; the next batch
   * is read while the current one is hashed, so the database and the CPU work side by side.
   */
  verify(actor: Actor): Promise<ChainVerdict> {
    return this.verifyOrganization(actor.organizationId);
  }

  /** The same check for any organization: for the CLI's restore, which has no caller to scope by. */
  async verifyOrganization(organizationId: string): Promise<ChainVerdict> {
    const check = new ChainCheck(this.keys.all);
    let next = this.entries.chainAfter(organizationId, 0, BATCH_SIZE);
    for (;;) {
      const batch = await next;
      const more = batch.length === BATCH_SIZE;
      if (more) next = this.entries.chainAfter(organizationId, batch[batch.length - 1].seq, BATCH_SIZE);
      for (const entry of batch) {
        if (!check.next(entry)) {
          // The read ahead is no longer needed; its failure must not go unhandled.
          if (more) next.catch(() => undefined);
          return check.verdict();
        }
      }
      if (!more) return check.verdict();
    }
  }

  /**
   * The filtered log as CSV, newest first, streamed: entries are read in keyset batches as the
   * client takes the bytes, never held all at once. The first batch is read before anything is
   * sent, so that a failing database still answers a proper 500; a failure later aborts the
   * response (never a truncated file that looks complete).
   */
  async exportCsv(actor: Actor, query: ExportAuditLogsQuery): Promise<Readable> {
    const organizationId = actor.organizationId;
    const filter = filterOf(query);
    const entries = this.entries;
    const first = await entries.newestFirst(organizationId, filter, { limit: BATCH_SIZE });
    async function* records() {
      let batch: StoredAuditEntry[] = first;
      while (batch.length > 0) {
        for (const entry of batch) yield toCsvRecord(entry);
        if (batch.length < BATCH_SIZE) return;
        batch = await entries.newestFirst(organizationId, filter, {
          limit: BATCH_SIZE,
          beforeSeq: batch[batch.length - 1].seq,
        });
      }
    }
    // RFC 4180: a header row, CRLF line ends, quotes where needed. A cell that a spreadsheet
    // would run as a formula (=, +, -, @, tab, CR first) gets a leading single quote.
    const csv = stringify({
      header: true,
      columns: [...CSV_COLUMNS],
      record_delimiter: 'windows',
      escape_formulas: true,
    });
    pipeline(Readable.from(records()), csv, (error) => {
      if (error && error.code !== 'ERR_STREAM_PREMATURE_CLOSE')
        this.logger.error(`Audit log export failed: ${error.message}`);
    });
    return csv;
  }
}

function filterOf(query: AuditLogFilterQuery): AuditLogFilter {
  return {
    action: query.action,
    entityType: query.entity_type,
    entityId: query.entity_id,
    actorId: query.actor_id,
    ...instantRange(query.from, query.to),
  };
}

/** The cursor is the `seq` of the previous page's last entry. */
function seqOf(cursor: string): number {
  const [seq] = decodeCursor(cursor, ['number']);
  const value = Number(seq);
  if (!Number.isSafeInteger(value) || value < 1)
    throw CommonErrors.INVALID_CURSOR('The cursor is not one this API issued; start again without it');
  return value;
}
