import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query, Type } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentActor } from '../common/auth/decorators';
import type { Actor } from '../common/auth/roles';
import { UuidParam } from '../common/http/uuid-param';
import { Idempotent } from '../common/idempotency/idempotent.decorator';
import { ApiPageResponse, Page } from '../common/pagination/page';
import { ApiInvalidId, ApiProblems, ApiValidation } from '../common/swagger/api-problems.decorator';
import { DeletedResponseDto } from '../common/http/deleted-response.dto';
import { CatalogService } from './catalog.service';
import { CATEGORIES, CatalogKind, VENDORS } from './catalog-kind';
import {
  CatalogItemResponseDto,
  CreateCatalogItemDto,
  ListCatalogQuery,
  UpdateCatalogItemDto,
} from './dto/catalog.dto';

/**
 * The routes of `/categories` and `/vendors` are the same; one definition serves both, with
 * each kind's own tag, wording and problem codes in the OpenAPI document.
 */
function catalogController(kind: CatalogKind): Type<unknown> {
  const notFound = [kind.notFound, `${kind.noun} 6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d does not exist`] as const;
  const taken = [
    [kind.nameTaken, `A ${kind.noun} named "${kind.example.name}" already exists`],
    [kind.codeTaken, `A ${kind.noun} with code "${kind.example.code}" already exists`],
  ] as const;

  @ApiTags(kind.path === 'categories' ? 'Categories' : 'Vendors')
  @Controller(kind.path)
  class CatalogController {
    constructor(readonly catalog: CatalogService) {}

    @Get()
    @Authenticated({ scope: 'spends:read' })
    @ApiOperation({
      summary: `List ${kind.path}`,
      description: 'Ordered by name; filter with is_active=true for pickers.',
    })
    @ApiPageResponse(CatalogItemResponseDto, `A page of ${kind.path}`)
    @ApiValidation()
    list(@CurrentActor() actor: Actor, @Query() query: ListCatalogQuery): Promise<Page<CatalogItemResponseDto>> {
      return this.catalog.list(kind, actor, query);
    }

    @Post()
    @Authenticated({ role: 'admin' })
    @Idempotent()
    @ApiOperation({
      summary: `Create a ${kind.noun}`,
      description: `Admin only. A name (or code) another ${kind.noun} of the organization already has is 409.`,
    })
    @ApiCreatedResponse({ type: CatalogItemResponseDto })
    @ApiValidation()
    @ApiProblems(...taken)
    create(@CurrentActor() actor: Actor, @Body() dto: CreateCatalogItemDto): Promise<CatalogItemResponseDto> {
      return this.catalog.create(kind, actor, dto);
    }

    @Get(':id')
    @Authenticated({ scope: 'spends:read' })
    @ApiOperation({
      summary: `Get a ${kind.noun}`,
      description: `Any member of the organization; retired ${kind.path} are answered too, with is_active false.`,
    })
    @ApiOkResponse({ type: CatalogItemResponseDto })
    @ApiInvalidId()
    @ApiProblems(notFound)
    get(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<CatalogItemResponseDto> {
      return this.catalog.get(kind, actor, id);
    }

    @Patch(':id')
    @Authenticated({ role: 'admin' })
    @ApiOperation({
      summary: `Update a ${kind.noun}`,
      description: 'Admin only; only the fields sent change.',
    })
    @ApiOkResponse({ type: CatalogItemResponseDto })
    @ApiValidation()
    @ApiProblems(notFound, ...taken)
    update(
      @CurrentActor() actor: Actor,
      @UuidParam('id') id: string,
      @Body() dto: UpdateCatalogItemDto,
    ): Promise<CatalogItemResponseDto> {
      return this.catalog.update(kind, actor, id, dto);
    }

    @Delete(':id')
    @HttpCode(200)
    @Authenticated({ role: 'admin' })
    @ApiOperation({
      summary: `Retire a ${kind.noun}`,
      description: 'Soft delete: it stays on the spends that name it but can no longer be chosen.',
    })
    @ApiOkResponse({ type: DeletedResponseDto })
    @ApiInvalidId()
    @ApiProblems(notFound)
    async remove(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<DeletedResponseDto> {
      await this.catalog.retire(kind, actor, id);
      return { message: 'Deleted successfully' };
    }
  }

  Object.defineProperty(CatalogController, 'name', {
    value: kind.path === 'categories' ? 'CategoriesController' : 'VendorsController',
  });
  return CatalogController;
}

export const CategoriesController = catalogController(CATEGORIES);
export const VendorsController = catalogController(VENDORS);
