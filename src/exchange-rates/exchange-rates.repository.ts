import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { decodeCursor, Page, toPage } from '../common/pagination/page';
import { placeholders, runSql, Statement, variant } from '../database/sql';
import { ExchangeRate } from './exchange-rate.entity';

export interface RateFilter {
  currency?: string;
  from?: string;
  to?: string;
  limit: number;
  offset: number;
  cursor?: string;
}

/** One day's rate of one currency into the base currency, as stored (`rate` is numeric text). */
export interface NewRate {
  currency: string;
  rate: string;
  date: string;
}

/** Every query on exchange_rates, always scoped by organization id. Dates are read as `YYYY-MM-DD` text. */
@Injectable()
export class ExchangeRatesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The latest rate on or before `date` and not before `earliest`; null when there is none. */
  async latest(
    tx: EntityManager,
    organizationId: string,
    pair: { currency: string; baseCurrency: string },
    date: string,
    earliest: string,
  ): Promise<ExchangeRate | null> {
    const [row] = await runSql<RateRow>(tx, LATEST, [organizationId, pair.currency, pair.baseCurrency, date, earliest]);
    return row ? toExchangeRate(row) : null;
  }

  async list(organizationId: string, filter: RateFilter): Promise<Page<ExchangeRate>> {
    const where = ['organization_id = $1'];
    const values: unknown[] = [organizationId];
    const param = (value: unknown) => `$${values.push(value)}`;
    if (filter.currency) where.push(`currency = ${param(filter.currency)}`);
    if (filter.from) where.push(`rate_date >= ${param(filter.from)}`);
    if (filter.to) where.push(`rate_date <= ${param(filter.to)}`);
    const [{ n: total }] = await runSql<{ n: number }>(
      this.dataSource,
      variant('exchange_rates.count', `SELECT count(*)::int AS n FROM exchange_rates WHERE ${where.join(' AND ')}`),
      values,
    );
    let page: string;
    if (filter.cursor) {
      const [date, currency, id] = decodeCursor(filter.cursor, ['date', 'string', 'uuid']);
      where.push(`(rate_date, currency, id) < (${param(date)}, ${param(currency)}, ${param(id)})`);
      page = `LIMIT ${param(filter.limit)}`;
    } else {
      page = `LIMIT ${param(filter.limit)} OFFSET ${param(filter.offset)}`;
    }
    const rows = await runSql<RateRow>(
      this.dataSource,
      variant(
        'exchange_rates.list',
        `SELECT ${COLUMNS} FROM exchange_rates WHERE ${where.join(' AND ')}
         ORDER BY exchange_rates.rate_date DESC, currency DESC, id DESC ${page}`,
      ),
      values,
    );
    const items = rows.map(toExchangeRate);
    return toPage(items, total, filter, (last) => [last.rateDate, last.currency, last.id]);
  }

  /** Sets each rate (replacing an earlier value for the same day), 500 to a statement; answers the rows written. */
  async upsert(
    tx: EntityManager,
    organizationId: string,
    baseCurrency: string,
    entries: NewRate[],
  ): Promise<ExchangeRate[]> {
    const saved: ExchangeRate[] = [];
    for (let i = 0; i < entries.length; i += 500) {
      const chunk = entries.slice(i, i + 500);
      const rows = chunk.map((_, j) => `(${placeholders(3, 3 + j * 3)}, $1, $2)`).join(', ');
      const values = [organizationId, baseCurrency, ...chunk.flatMap((e) => [e.currency, e.rate, e.date])];
      // Unnamed: its text varies with the number of rows.
      const statement: Statement = {
        text: `INSERT INTO exchange_rates (currency, rate, rate_date, organization_id, base_currency) VALUES ${rows}
               ON CONFLICT (organization_id, currency, base_currency, rate_date)
               DO UPDATE SET rate = EXCLUDED.rate, updated_at = EXCLUDED.updated_at
               RETURNING ${COLUMNS}`,
      };
      saved.push(...(await runSql<RateRow>(tx, statement, values)).map(toExchangeRate));
    }
    return saved;
  }
}

interface RateRow {
  id: string;
  organization_id: string;
  currency: string;
  base_currency: string;
  rate: string;
  rate_date: string;
  created_at: Date;
  updated_at: Date;
}

function toExchangeRate(row: RateRow): ExchangeRate {
  return Object.assign(new ExchangeRate(), {
    id: row.id,
    organizationId: row.organization_id,
    currency: row.currency,
    baseCurrency: row.base_currency,
    rate: row.rate,
    rateDate: row.rate_date,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}

const COLUMNS =
  'id, organization_id, currency, base_currency, rate, rate_date::text AS rate_date, created_at, updated_at';
const LATEST: Statement = {
  name: 'exchange_rates.latest',
  text: `SELECT ${COLUMNS} FROM exchange_rates
         WHERE organization_id = $1 AND currency = $2 AND base_currency = $3 AND rate_date <= $4 AND rate_date >= $5
         ORDER BY exchange_rates.rate_date DESC LIMIT 1`,
};
