import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../common/auth/roles';
import { diff } from '../common/changes';
import { Page } from '../common/pagination/page';
import { isUniqueViolation } from '../database/pg-errors';
import { CatalogItem } from './catalog-item.entity';
import { CatalogKind } from './catalog-kind';
import { CatalogRepository } from './catalog.repository';
import {
  CatalogItemResponseDto,
  CreateCatalogItemDto,
  ListCatalogQuery,
  UpdateCatalogItemDto,
} from './dto/catalog.dto';

/**
 * Categories and vendors: the same use cases over two tables, told apart by a `CatalogKind`.
 * Deleting retires an item (is_active = false) so that spends that name it keep their history.
 */
@Injectable()
export class CatalogService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly catalog: CatalogRepository,
    private readonly audit: AuditService,
  ) {}

  async list(kind: CatalogKind, actor: Actor, query: ListCatalogQuery): Promise<Page<CatalogItemResponseDto>> {
    const page = await this.catalog.list(kind, actor.organizationId, {
      isActive: query.is_active,
      q: query.q,
      limit: query.limit,
      offset: query.offset,
      cursor: query.cursor,
    });
    return { ...page, items: page.items.map(toCatalogResponse) };
  }

  async get(kind: CatalogKind, actor: Actor, id: string): Promise<CatalogItemResponseDto> {
    const item = await this.catalog.findById(kind, actor.organizationId, id);
    if (!item) throw kind.notFound(`${capitalize(kind.noun)} ${id} does not exist`);
    return toCatalogResponse(item);
  }

  /** An active item of the organization, for references from other records (a spend's category). */
  async findActive(
    kind: CatalogKind,
    organizationId: string,
    id: string,
    tx: EntityManager = this.dataSource.manager,
  ): Promise<CatalogItem | null> {
    const item = await this.catalog.findById(kind, organizationId, id, tx);
    return item?.isActive ? item : null;
  }

  async create(kind: CatalogKind, actor: Actor, dto: CreateCatalogItemDto): Promise<CatalogItemResponseDto> {
    const item = await this.dataSource.transaction(async (tx) => {
      const fields = { organizationId: actor.organizationId, name: dto.name, code: dto.code ?? null };
      const created = await this.unique(kind, fields, () => this.catalog.insert(tx, kind, fields));
      await this.audit.record(tx, actor, {
        action: `${kind.noun}.created`,
        entityType: kind.noun,
        entityId: created.id,
        metadata: { name: created.name, code: created.code },
      });
      return created;
    });
    return toCatalogResponse(item);
  }

  async update(
    kind: CatalogKind,
    actor: Actor,
    id: string,
    dto: UpdateCatalogItemDto,
  ): Promise<CatalogItemResponseDto> {
    const item = await this.dataSource.transaction(async (tx) => {
      const current = await this.lockOrFail(tx, kind, actor, id);
      const before = { ...current };
      current.name = dto.name ?? current.name;
      current.code = dto.code === undefined ? current.code : dto.code;
      current.isActive = dto.is_active ?? current.isActive;
      current.updatedAt = await this.unique(kind, current, () => this.catalog.update(tx, kind, current));
      await this.audit.record(tx, actor, {
        action: `${kind.noun}.updated`,
        entityType: kind.noun,
        entityId: id,
        metadata: { changes: diff(before, current, ['name', 'code', 'isActive']) },
      });
      return current;
    });
    return toCatalogResponse(item);
  }

  async retire(kind: CatalogKind, actor: Actor, id: string): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      const current = await this.lockOrFail(tx, kind, actor, id);
      if (!current.isActive) return;
      current.isActive = false;
      current.updatedAt = await this.catalog.update(tx, kind, current);
      await this.audit.record(tx, actor, {
        action: `${kind.noun}.deleted`,
        entityType: kind.noun,
        entityId: id,
        metadata: { name: current.name },
      });
    });
  }

  private async lockOrFail(tx: EntityManager, kind: CatalogKind, actor: Actor, id: string): Promise<CatalogItem> {
    const item = await this.catalog.lockById(tx, kind, actor.organizationId, id);
    if (!item) throw kind.notFound(`${capitalize(kind.noun)} ${id} does not exist`);
    return item;
  }

  /** Runs a write of the item's name and code, answering a taken one as the client's conflict. */
  private async unique<T>(
    kind: CatalogKind,
    item: Pick<CatalogItem, 'name' | 'code'>,
    write: () => Promise<T>,
  ): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (isUniqueViolation(error, `${kind.path}_org_name_key`))
        throw kind.nameTaken(`A ${kind.noun} named "${item.name}" already exists`);
      if (isUniqueViolation(error, `${kind.path}_org_code_key`))
        throw kind.codeTaken(`A ${kind.noun} with code "${item.code}" already exists`);
      throw error;
    }
  }
}

function toCatalogResponse(item: CatalogItem): CatalogItemResponseDto {
  return {
    id: item.id,
    name: item.name,
    code: item.code,
    is_active: item.isActive,
    created_at: item.createdAt.toISOString(),
  };
}

const capitalize = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);
