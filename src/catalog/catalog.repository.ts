import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { decodeCursor, Page, toPage } from '../common/pagination/page';
import { runSql, Statement, variant } from '../database/sql';
import { CatalogItem } from './catalog-item.entity';
import { CatalogKind } from './catalog-kind';

export interface CatalogFilter {
  isActive?: boolean;
  /** Case-insensitive substring of name or code. */
  q?: string;
  limit: number;
  offset: number;
  cursor?: string;
}

/**
 * Categories and vendors: the same statements over two tables (`kind.path`), always scoped by
 * organization id.
 */
@Injectable()
export class CatalogRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async findById(
    kind: CatalogKind,
    organizationId: string,
    id: string,
    tx: EntityManager = this.dataSource.manager,
  ): Promise<CatalogItem | null> {
    const [row] = await runSql<CatalogRow>(tx, STATEMENTS[kind.path].findById, [organizationId, id]);
    return row ? toCatalogItem(kind, row) : null;
  }

  /** Row-locked read for a change that depends on the item's current state. */
  async lockById(
    tx: EntityManager,
    kind: CatalogKind,
    organizationId: string,
    id: string,
  ): Promise<CatalogItem | null> {
    const [row] = await runSql<CatalogRow>(tx, STATEMENTS[kind.path].lockById, [organizationId, id]);
    return row ? toCatalogItem(kind, row) : null;
  }

  async insert(
    tx: EntityManager,
    kind: CatalogKind,
    item: Pick<CatalogItem, 'organizationId' | 'name' | 'code'>,
  ): Promise<CatalogItem> {
    const [row] = await runSql<CatalogRow>(tx, STATEMENTS[kind.path].insert, [
      item.organizationId,
      item.name,
      item.code,
    ]);
    return toCatalogItem(kind, row);
  }

  /** Writes the name, code and active flag; answers the new `updated_at`. */
  async update(tx: EntityManager, kind: CatalogKind, item: CatalogItem): Promise<Date> {
    const [row] = await runSql<{ updated_at: Date }>(tx, STATEMENTS[kind.path].update, [
      item.organizationId,
      item.id,
      item.name,
      item.code,
      item.isActive,
    ]);
    return row.updated_at;
  }

  async list(kind: CatalogKind, organizationId: string, filter: CatalogFilter): Promise<Page<CatalogItem>> {
    const where = ['organization_id = $1'];
    const values: unknown[] = [organizationId];
    const param = (value: unknown) => `$${values.push(value)}`;
    if (filter.isActive !== undefined) where.push(`is_active = ${param(filter.isActive)}`);
    if (filter.q) {
      const pattern = param(`%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      where.push(`(name ILIKE ${pattern} OR code ILIKE ${pattern})`);
    }
    const [{ n: total }] = await runSql<{ n: number }>(
      this.dataSource,
      variant(`${kind.path}.count`, `SELECT count(*)::int AS n FROM ${kind.path} WHERE ${where.join(' AND ')}`),
      values,
    );
    let page: string;
    if (filter.cursor) {
      const [name, id] = decodeCursor(filter.cursor, ['string', 'uuid']);
      where.push(`(lower(name), id) > (${param(name)}, ${param(id)})`);
      page = `LIMIT ${param(filter.limit)}`;
    } else {
      page = `LIMIT ${param(filter.limit)} OFFSET ${param(filter.offset)}`;
    }
    const rows = await runSql<CatalogRow>(
      this.dataSource,
      variant(
        `${kind.path}.list`,
        `SELECT ${COLUMNS} FROM ${kind.path} WHERE ${where.join(' AND ')} ORDER BY lower(name), id ${page}`,
      ),
      values,
    );
    const items = rows.map((row) => toCatalogItem(kind, row));
    return toPage(items, total, filter, (last) => [last.name.toLowerCase(), last.id]);
  }
}

interface CatalogRow {
  id: string;
  organization_id: string;
  name: string;
  code: string | null;
  is_active: boolean;
  created_at: Date;
  updated_at: Date;
}

function toCatalogItem(kind: CatalogKind, row: CatalogRow): CatalogItem {
  return Object.assign(new kind.entity(), {
    id: row.id,
    organizationId: row.organization_id,
    name: row.name,
    code: row.code,
    isActive: row.is_active,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}

const COLUMNS = 'id, organization_id, name, code, is_active, created_at, updated_at';

function statementsOf(table: CatalogKind['path']) {
  return {
    findById: {
      name: `${table}.by_id`,
      text: `SELECT ${COLUMNS} FROM ${table} WHERE organization_id = $1 AND id = $2`,
    },
    lockById: {
      name: `${table}.lock_by_id`,
      text: `SELECT ${COLUMNS} FROM ${table} WHERE organization_id = $1 AND id = $2 FOR UPDATE`,
    },
    insert: {
      name: `${table}.insert`,
      text: `INSERT INTO ${table} (organization_id, name, code) VALUES ($1, $2, $3) RETURNING ${COLUMNS}`,
    },
    update: {
      name: `${table}.update`,
      text: `UPDATE ${table} SET name = $3, code = $4, is_active = $5, updated_at = now()
             WHERE organization_id = $1 AND id = $2 RETURNING updated_at`,
    },
  } satisfies Record<string, Statement>;
}

/** The same statements for each table, made once. */
const STATEMENTS = { categories: statementsOf('categories'), vendors: statementsOf('vendors') };
