import { Body, Controller, Delete, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentActor } from '../../common/auth/decorators';
import type { Actor } from '../../common/auth/roles';
import { UuidParam } from '../../common/http/uuid-param';
import { PageQueryDto } from '../../common/pagination/page-query.dto';
import { ApiPageResponse, Page } from '../../common/pagination/page';
import { ApiInvalidId, ApiProblems, ApiValidation } from '../../common/swagger/api-problems.decorator';
import { AuthErrors } from '../auth.errors';
import { ApiKeysService } from './api-keys.service';
import { ApiKeyResponseDto, CreateApiKeyDto, CreatedApiKeyDto } from './dto/api-key.dto';

const NOT_FOUND = [
  AuthErrors.API_KEY_NOT_FOUND,
  'API key 2c9e7a1b-4d3f-4e6a-9b8c-0d1e2f3a4b5c does not exist',
] as const;
const ACTS_AS =
  'A key acts for the organization with organization-wide visibility, within its scopes only: what it creates belongs to the admin who created it, it stops working (401 API_KEY_CREATOR_INACTIVE) when they are no longer an active admin, and it never approves, pays or manages keys. The audit log names the key as actor (`actor_type: api_key`). See docs/integrations-api-keys.md.';

/** Admins manage their organization's API keys; API keys themselves cannot (no scope opens these routes). */
@ApiTags('API keys')
@Controller('organization/api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @Authenticated({ role: 'admin' })
  @ApiOperation({
    summary: 'Create an API key',
    description: `The answer carries the whole \`key\`, this once: only a SHA-256 of its secret is stored. Send it as \`Authorization: Bearer sk_live_…\`. ${ACTS_AS}`,
  })
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  @ApiValidation()
  create(@CurrentActor() actor: Actor, @Body() dto: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    return this.keys.create(actor, dto);
  }

  @Get()
  @Authenticated({ role: 'admin' })
  @ApiOperation({
    summary: "List the organization's API keys",
    description:
      'Newest first, revoked ones included, with their prefix, scopes, creator, expiry and last use; never their secret.',
  })
  @ApiPageResponse(ApiKeyResponseDto, 'A page of API keys')
  @ApiValidation()
  list(@CurrentActor() actor: Actor, @Query() query: PageQueryDto): Promise<Page<ApiKeyResponseDto>> {
    return this.keys.list(actor, query);
  }

  @Get(':id')
  @Authenticated({ role: 'admin' })
  @ApiOperation({
    summary: 'Get an API key',
    description: 'Its prefix, scopes, creator, expiry, last use and revocation; never its secret.',
  })
  @ApiOkResponse({ type: ApiKeyResponseDto })
  @ApiInvalidId()
  @ApiProblems(NOT_FOUND)
  get(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<ApiKeyResponseDto> {
    return this.keys.get(actor, id);
  }

  @Delete(':id')
  @HttpCode(200)
  @Authenticated({ role: 'admin' })
  @ApiOperation({
    summary: 'Revoke an API key',
    description:
      'At once: the next request with the key answers 401 API_KEY_REVOKED. The key stays listed with its `revoked_at`; revoking it again changes nothing.',
  })
  @ApiOkResponse({ type: ApiKeyResponseDto })
  @ApiInvalidId()
  @ApiProblems(NOT_FOUND)
  revoke(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<ApiKeyResponseDto> {
    return this.keys.revoke(actor, id);
  }
}
