import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../common/auth/roles';
import { CommonErrors } from '../common/errors/common.errors';
import { AppConfig } from '../config/app-config';
import { isUniqueViolation } from '../database/pg-errors';
import { DEFAULT_OIDC_ALGORITHMS, OidcSettingsDto, OidcSettingsResponseDto } from './dto/oidc-settings.dto';
import { IdentityErrors } from './identity.errors';
import { OidcProvider, OidcProviderSettings, OidcProvidersRepository } from './oidc-providers.repository';

const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * Whether `url` may be fetched as an issuer (or its JWKS): https, or http on a loopback address
 * when OIDC_ALLOW_HTTP_LOOPBACK (tests, development).
 */
export function isAllowedIssuerUrl(url: string, allowHttpLoopback: boolean): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.username || parsed.password || parsed.search || parsed.hash) return false;
  if (parsed.protocol === 'https:') return true;
  return parsed.protocol === 'http:' && allowHttpLoopback && LOOPBACK.has(parsed.hostname);
}

/**
 * An organization's OpenID provider settings (docs/integrations-oidc.md): an admin sets and
 * removes them; the bearer guard finds them by a token's issuer.
 */
@Injectable()
export class OpenIdConnectService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly providers: OidcProvidersRepository,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  /** The organization's settings, or null when it has none. */
  async settings(organizationId: string): Promise<OidcSettingsResponseDto | null> {
    const provider = await this.providers.forOrganization(organizationId);
    return provider ? toResponse(provider) : null;
  }

  /** The settings of the organization that configured `issuer`, if any: who verifies a token. */
  forIssuer(issuer: string): Promise<(OidcProvider & { organizationSuspended: boolean }) | null> {
    return this.providers.forIssuer(issuer);
  }

  /** Sets the settings (replacing all of them), audited with what changed. */
  async configure(actor: Actor, dto: OidcSettingsDto): Promise<OidcSettingsResponseDto> {
    if (!isAllowedIssuerUrl(dto.issuer, this.config.oidc.allowHttpLoopback)) {
      throw CommonErrors.VALIDATION_FAILED('1 field failed validation', {
        errors: [{ field: 'issuer', message: 'must be an https URL without credentials, query or fragment' }],
      });
    }
    const settings: OidcProviderSettings = {
      issuer: dto.issuer,
      audience: dto.audience,
      rolesClaim: dto.roles_claim ?? null,
      roleMapping: dto.role_mapping ?? {},
      defaultRole: dto.default_role ?? 'employee',
      createUsers: dto.create_users ?? false,
      algorithms: dto.algorithms ?? DEFAULT_OIDC_ALGORITHMS,
    };
    try {
      const stored = await this.dataSource.transaction(async (tx) => {
        const before = await this.providers.lock(tx, actor.organizationId);
        const after = await this.providers.store(tx, actor.organizationId, settings);
        const changes = changed(before, after);
        if (before && Object.keys(changes).length === 0) return after;
        await this.audit.record(tx, actor, {
          action: before ? 'identity_provider.oidc_updated' : 'identity_provider.oidc_configured',
          entityType: 'organization',
          entityId: actor.organizationId,
          metadata: before ? { changes } : { settings: snapshot(after) },
        });
        return after;
      });
      return toResponse(stored);
    } catch (error) {
      if (isUniqueViolation(error, 'oidc_providers_issuer_key'))
        throw IdentityErrors.OIDC_ISSUER_TAKEN(`Another organization already uses the issuer ${dto.issuer}`);
      throw error;
    }
  }

  /** Removes the settings: tokens of that issuer are refused (401 INVALID_TOKEN) from now on. */
  async remove(actor: Actor): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      const removed = await this.providers.delete(tx, actor.organizationId);
      if (!removed) throw IdentityErrors.OIDC_SETTINGS_NOT_FOUND('This organization has no OpenID provider configured');
      await this.audit.record(tx, actor, {
        action: 'identity_provider.oidc_removed',
        entityType: 'organization',
        entityId: actor.organizationId,
        metadata: { issuer: removed.issuer },
      });
    });
  }
}

function snapshot(p: OidcProvider): Record<string, unknown> {
  return {
    issuer: p.issuer,
    audience: p.audience,
    roles_claim: p.rolesClaim,
    role_mapping: p.roleMapping,
    default_role: p.defaultRole,
    create_users: p.createUsers,
    algorithms: p.algorithms,
  };
}

function changed(before: OidcProvider | null, after: OidcProvider): Record<string, { from: unknown; to: unknown }> {
  if (!before) return {};
  const from = snapshot(before);
  const to = snapshot(after);
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of Object.keys(to)) {
    if (JSON.stringify(from[key]) !== JSON.stringify(to[key])) changes[key] = { from: from[key], to: to[key] };
  }
  return changes;
}

export function toResponse(p: OidcProvider): OidcSettingsResponseDto {
  return {
    issuer: p.issuer,
    audience: p.audience,
    roles_claim: p.rolesClaim,
    role_mapping: p.roleMapping,
    default_role: p.defaultRole,
    create_users: p.createUsers,
    algorithms: p.algorithms,
    created_at: p.createdAt.toISOString(),
    updated_at: p.updatedAt.toISOString(),
  };
}
