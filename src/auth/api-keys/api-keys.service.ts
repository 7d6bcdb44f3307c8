import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import type { Actor } from '../../common/auth/roles';
import { CommonErrors } from '../../common/errors/common.errors';
import type { PageQueryDto } from '../../common/pagination/page-query.dto';
import type { Page } from '../../common/pagination/page';
import { AuthErrors } from '../auth.errors';
import { ApiKeysRepository, StoredApiKey } from './api-keys.repository';
import type { ApiKeyResponseDto, CreateApiKeyDto, CreatedApiKeyDto } from './dto/api-key.dto';

/** Every key starts with this; Credentials hands credentials that do to ApiKeyCredentials. */
export const API_KEY_PREFIX = 'sk_live_';
/** `sk_live_<16 hex: public id>_<43 base64url: 256-bit secret>`. */
export const API_KEY_FORMAT = /^sk_live_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export const secretHashOf = (secret: string) => createHash('sha256').update(secret, 'utf8').digest('hex');
export const prefixOf = (publicId: string) => `${API_KEY_PREFIX}${publicId}`;

/**
 * Organization API keys, managed by admins: made with a name, scopes and an optional expiry,
 * shown once, stored as a SHA-256 of their secret, revoked at once. Creating and revoking are
 * audited; the key itself never reaches the audit log, a log line or a later answer.
 */
@Injectable()
export class ApiKeysService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly keys: ApiKeysRepository,
    private readonly audit: AuditService,
  ) {}

  async create(actor: Actor, dto: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    const expiresAt = dto.expires_at ? new Date(dto.expires_at) : null;
    if (expiresAt && expiresAt.getTime() <= Date.now()) {
      throw CommonErrors.VALIDATION_FAILED('expires_at must be in the future', {
        errors: [{ field: 'expires_at', message: 'must be in the future' }],
      });
    }
    const publicId = randomBytes(8).toString('hex');
    const secret = randomBytes(32).toString('base64url');
    const stored = await this.dataSource.transaction(async (tx) => {
      const key = await this.keys.insert(tx, {
        id: randomUUID(),
        organizationId: actor.organizationId,
        publicId,
        secretHash: secretHashOf(secret),
        name: dto.name,
        scopes: [...dto.scopes],
        createdBy: actor.userId,
        expiresAt,
      });
      await this.audit.record(tx, actor, {
        action: 'api_key.created',
        entityType: 'api_key',
        entityId: key.id,
        metadata: { name: key.name, prefix: prefixOf(publicId), scopes: key.scopes, expiresAt: key.expiresAt },
      });
      return key;
    });
    return { ...toApiKeyResponse(stored), key: `${prefixOf(publicId)}_${secret}` };
  }

  async list(actor: Actor, query: PageQueryDto): Promise<Page<ApiKeyResponseDto>> {
    const { total, keys } = await this.keys.page(actor.organizationId, query.limit, query.offset);
    return { total, items: keys.map(toApiKeyResponse), next_cursor: null };
  }

  async get(actor: Actor, id: string): Promise<ApiKeyResponseDto> {
    const key = await this.keys.find(actor.organizationId, id);
    if (!key) throw notFound(id);
    return toApiKeyResponse(key);
  }

  /** Revoked at once: the next request with the key is refused. Revoking a revoked key changes nothing. */
  async revoke(actor: Actor, id: string): Promise<ApiKeyResponseDto> {
    const result = await this.dataSource.transaction(async (tx) => {
      const revoked = await this.keys.revoke(tx, actor.organizationId, id);
      if (!revoked) throw notFound(id);
      if (revoked.revoked) {
        await this.audit.record(tx, actor, {
          action: 'api_key.revoked',
          entityType: 'api_key',
          entityId: id,
          metadata: { name: revoked.key.name, prefix: prefixOf(revoked.key.publicId) },
        });
      }
      return revoked.key;
    });
    return toApiKeyResponse(result);
  }
}

const notFound = (id: string) => AuthErrors.API_KEY_NOT_FOUND(`API key ${id} does not exist`);

export function toApiKeyResponse(key: StoredApiKey): ApiKeyResponseDto {
  return {
    id: key.id,
    name: key.name,
    prefix: prefixOf(key.publicId),
    scopes: key.scopes,
    created_by: key.createdBy,
    created_at: key.createdAt.toISOString(),
    expires_at: key.expiresAt?.toISOString() ?? null,
    last_used_at: key.lastUsedAt?.toISOString() ?? null,
    revoked_at: key.revokedAt?.toISOString() ?? null,
  };
}
