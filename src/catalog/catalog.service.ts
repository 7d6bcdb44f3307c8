import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../common/auth/roles';
import { diff } from '../common/changes';
import { countMatches, decodeCursor, Page, toPage } from '../common/pagination/page';
import { isUniqueViolation } from '../database/pg-errors';
import { CatalogItem } from './catalog-item.entity';
import { CatalogKind } from './catalog-kind';
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
    private readonly audit: AuditService,
  ) {}

  async list(kind: CatalogKind, actor: Actor, query: ListCatalogQuery): Promise<Page<CatalogItemResponseDto>> {
    const builder = this.dataSource.manager
      .getRepository<CatalogItem>(kind.entity)
      .createQueryBuilder('c')
      .where('c.organization_id = :organizationId', { organizationId: actor.organizationId });
    if (query.is_active !== undefined) builder.andWhere('c.is_active = :isActive', { isActive: query.is_active });
    if (query.q) {
      builder.andWhere('(c.name ILIKE :pattern OR c.code ILIKE :pattern)', {
        pattern: `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`,
      });
    }
    const total = await countMatches(builder);
    if (query.cursor) {
      const [name, id] = decodeCursor(query.cursor, ['string', 'uuid']);
      builder.andWhere('(lower(c.name), c.id) > (:name, :id)', { name, id });
    } else {
      builder.offset(query.offset);
    }
    const items = await builder.orderBy('lower(c.name)', 'ASC').addOrderBy('c.id', 'ASC').limit(query.limit).getMany();
    const page = toPage(items, total, query, (last) => [last.name.toLowerCase(), last.id]);
    return { ...page, items: items.map(toCatalogResponse) };
  }

  async get(kind: CatalogKind, actor: Actor, id: string): Promise<CatalogItemResponseDto> {
    const item: CatalogItem | null = await this.dataSource.manager.findOneBy(kind.entity, {
      organizationId: actor.organizationId,
      id,
    });
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
    const item: CatalogItem | null = await tx.findOneBy(kind.entity, { organizationId, id });
    return item?.isActive ? item : null;
  }

  async create(kind: CatalogKind, actor: Actor, dto: CreateCatalogItemDto): Promise<CatalogItemResponseDto> {
    const item = await this.dataSource.transaction(async (tx) => {
      const created: CatalogItem = tx.create(kind.entity, {
        organizationId: actor.organizationId,
        name: dto.name,
        code: dto.code ?? null,
      });
      await this.save(tx, kind, created);
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
      await this.save(tx, kind, current);
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
      await tx.save(current);
      await this.audit.record(tx, actor, {
        action: `${kind.noun}.deleted`,
        entityType: kind.noun,
        entityId: id,
        metadata: { name: current.name },
      });
    });
  }

  private async lockOrFail(tx: EntityManager, kind: CatalogKind, actor: Actor, id: string): Promise<CatalogItem> {
    const item = await tx
      .getRepository<CatalogItem>(kind.entity)
      .createQueryBuilder('c')
      .setLock('pessimistic_write')
      .where('c.organization_id = :organizationId AND c.id = :id', { organizationId: actor.organizationId, id })
      .getOne();
    if (!item) throw kind.notFound(`${capitalize(kind.noun)} ${id} does not exist`);
    return item;
  }

  private async save(tx: EntityManager, kind: CatalogKind, item: CatalogItem): Promise<void> {
    try {
      await tx.save(item);
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
