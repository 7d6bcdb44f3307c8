import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { parse } from 'csv-parse/sync';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../common/auth/roles';
import { addDays, isCalendarDate } from '../common/dates';
import { FieldError } from '../common/errors/domain-error';
import { formatRate, isCurrency, parseRate, Rate } from '../common/money/money';
import { Page } from '../common/pagination/page';
import { OrganizationsService } from '../organizations/organizations.service';
import { ExchangeRateResponseDto, ListExchangeRatesQuery, SetExchangeRateDto } from './dto/exchange-rate.dto';
import { ExchangeRate } from './exchange-rate.entity';
import { ExchangeRateErrors } from './exchange-rates.errors';
import { ExchangeRatesRepository } from './exchange-rates.repository';

/** A spend may use a rate up to this many days older than its date (weekends, holidays). */
export const RATE_LOOKBACK_DAYS = 7;
const MAX_IMPORT_ROWS = 10_000;

export interface ResolvedRate {
  rate: Rate;
  /** The date of the rate used, which may be before the spend's date. */
  date: string;
}

@Injectable()
export class ExchangeRatesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly organizations: OrganizationsService,
    private readonly rates: ExchangeRatesRepository,
    private readonly audit: AuditService,
  ) {}

  /**
   * The rate that converts `currency` into the base currency for a spend on `date`: the
   * latest one on or before that date, at most RATE_LOOKBACK_DAYS older. Never a silent 1:1.
   */
  async rateFor(
    tx: EntityManager,
    organizationId: string,
    currency: string,
    baseCurrency: string,
    date: string,
  ): Promise<ResolvedRate> {
    if (currency === baseCurrency) return { rate: { units: 1n, scale: 0 }, date };
    const row = await this.rates.latest(
      tx,
      organizationId,
      { currency, baseCurrency },
      date,
      addDays(date, -RATE_LOOKBACK_DAYS),
    );
    if (!row) {
      throw ExchangeRateErrors.EXCHANGE_RATE_MISSING(
        `No ${currency}→${baseCurrency} rate for ${date} or the ${RATE_LOOKBACK_DAYS} days before; an admin adds one at POST /exchange-rates`,
        { errors: [{ field: 'currency', message: `has no exchange rate into ${baseCurrency} for ${date}` }] },
      );
    }
    return { rate: parseRate(row.rate), date: row.rateDate };
  }

  async list(actor: Actor, query: ListExchangeRatesQuery): Promise<Page<ExchangeRateResponseDto>> {
    const page = await this.rates.list(actor.organizationId, {
      currency: query.currency,
      from: query.from,
      to: query.to,
      limit: query.limit,
      offset: query.offset,
      cursor: query.cursor,
    });
    return { ...page, items: page.items.map(toResponse) };
  }

  /** Sets the rate of one currency on one day (replacing an earlier value for that day). */
  async set(actor: Actor, dto: SetExchangeRateDto): Promise<ExchangeRateResponseDto> {
    const { base_currency: baseCurrency } = await this.organizations.get(actor);
    if (dto.currency === baseCurrency) {
      throw ExchangeRateErrors.SAME_AS_BASE_CURRENCY(`${baseCurrency} is the base currency; its rate is always 1`, {
        errors: [{ field: 'currency', message: "must differ from the organization's base currency" }],
      });
    }
    const row = await this.dataSource.transaction(async (tx) => {
      const [saved] = await this.upsert(tx, actor.organizationId, baseCurrency, [
        { currency: dto.currency, rate: parseRate(dto.rate), date: dto.date },
      ]);
      await this.audit.record(tx, actor, {
        action: 'exchange_rate.set',
        entityType: 'exchange_rate',
        entityId: saved.id,
        metadata: { currency: dto.currency, base_currency: baseCurrency, date: dto.date, rate: saved.rate },
      });
      return saved;
    });
    return toResponse(row);
  }

  /**
   * Imports `date,currency,rate` CSV (with that header), all or nothing: one bad line refuses
   * the whole file with every problem named by line.
   */
  async importCsv(actor: Actor, csv: string): Promise<{ imported: number }> {
    const { base_currency: baseCurrency } = await this.organizations.get(actor);
    const entries = parseRatesCsv(csv, baseCurrency);
    await this.dataSource.transaction(async (tx) => {
      await this.upsert(tx, actor.organizationId, baseCurrency, entries);
      await this.audit.record(tx, actor, {
        action: 'exchange_rate.imported',
        entityType: 'exchange_rate',
        entityId: null,
        metadata: {
          base_currency: baseCurrency,
          rows: entries.length,
          currencies: [...new Set(entries.map((e) => e.currency))].sort(),
        },
      });
    });
    return { imported: entries.length };
  }

  private upsert(
    tx: EntityManager,
    organizationId: string,
    baseCurrency: string,
    entries: Array<{ currency: string; rate: Rate; date: string }>,
  ): Promise<ExchangeRate[]> {
    return this.rates.upsert(
      tx,
      organizationId,
      baseCurrency,
      entries.map((e) => ({ currency: e.currency, rate: formatRate(e.rate), date: e.date })),
    );
  }
}

export function parseRatesCsv(
  csv: string,
  baseCurrency: string,
): Array<{ currency: string; rate: Rate; date: string }> {
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    // `info` gives each record's line in the file, which blank lines make differ from its index
    // (csv-parse's sync typings do not follow `info: true`, hence the cast).
    records = parse(csv, {
      skip_empty_lines: true,
      trim: true,
      relax_column_count: true,
      info: true,
    }) as unknown as typeof records;
  } catch (error) {
    throw ExchangeRateErrors.INVALID_RATES_CSV(
      `The file is not readable CSV: ${(error as Error).message.split('\n')[0]}`,
    );
  }
  const [header, ...rows] = records;
  if (!header || header.record.map((h) => h.toLowerCase()).join(',') !== 'date,currency,rate') {
    throw ExchangeRateErrors.INVALID_RATES_CSV('The first line must be the header date,currency,rate');
  }
  if (rows.length === 0 || rows.length > MAX_IMPORT_ROWS) {
    throw ExchangeRateErrors.INVALID_RATES_CSV(`The file must hold 1 to ${MAX_IMPORT_ROWS} rates`);
  }
  const problems: FieldError[] = [];
  const seen = new Set<string>();
  const entries = rows.map(({ record: row, info }) => {
    const line = `line ${info.lines}`;
    const [date, currency, rate] = row;
    if (row.length !== 3) problems.push({ field: line, message: 'must have exactly three values: date,currency,rate' });
    if (!isCalendarDate(date))
      problems.push({ field: line, message: `date "${date}" is not a YYYY-MM-DD calendar date` });
    if (!currency || !isCurrency(currency))
      problems.push({ field: line, message: `currency "${currency}" is not an ISO-4217 code` });
    else if (currency === baseCurrency) problems.push({ field: line, message: `${currency} is the base currency` });
    let parsed: Rate = { units: 1n, scale: 0 };
    try {
      parsed = parseRate(rate ?? '');
    } catch {
      problems.push({ field: line, message: `rate "${rate}" is not a positive decimal` });
    }
    const key = `${date}|${currency}`;
    if (seen.has(key)) problems.push({ field: line, message: `repeats ${currency} on ${date}` });
    seen.add(key);
    return { currency, rate: parsed, date };
  });
  if (problems.length > 0) {
    throw ExchangeRateErrors.INVALID_RATES_CSV(
      `${problems.length} problem${problems.length === 1 ? '' : 's'} in the file; nothing was imported`,
      { errors: problems.slice(0, 100) },
    );
  }
  return entries;
}

function toResponse(row: ExchangeRate): ExchangeRateResponseDto {
  return {
    id: row.id,
    currency: row.currency,
    base_currency: row.baseCurrency,
    rate: formatRate(parseRate(row.rate)),
    date: row.rateDate,
    updated_at: new Date(row.updatedAt).toISOString(),
  };
}
