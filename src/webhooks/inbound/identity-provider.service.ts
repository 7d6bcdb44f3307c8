import { randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import type { Actor } from '../../common/auth/roles';
import { SecretBox, SecretBoxError } from '../../common/secrets/secret-box';
import { OpenIdConnectService } from '../../identity/openid-connect.service';
import { OrganizationsService } from '../../organizations/organizations.service';
import { IdentityProviderResponseDto, IdentityProviderSecretDto } from '../dto/identity-provider.dto';
import { IdentityProvidersRepository, StoredIdentityProvider } from './identity-providers.repository';

/** What an organization's inbound secret is bound to when sealed. */
export const identityProviderSecretContext = (organizationId: string) => `identity_provider:${organizationId}`;

/** The path of an organization's inbound endpoint, as the provider is given it. */
export const identityEndpoint = (organizationId: string) => `/api/v1/events/webhook/${organizationId}`;

/**
 * An organization's identity provider: the secret it signs its events with (Standard
 * Webhooks), which an admin creates, rotates and removes. The secret is shown once, when made,
 * and stored only sealed with SECRETS_KEY.
 */
@Injectable()
export class IdentityProviderService {
  private readonly logger = new Logger('IdentityProvider');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly providers: IdentityProvidersRepository,
    private readonly organizations: OrganizationsService,
    private readonly audit: AuditService,
    private readonly box: SecretBox,
    private readonly openIdConnect: OpenIdConnectService,
  ) {}

  async get(actor: Actor): Promise<IdentityProviderResponseDto> {
    return this.respond(actor.organizationId, await this.providers.forOrganization(actor.organizationId));
  }

  /** A new secret, in force at once; the previous one (if any) stops verifying. */
  async rotate(actor: Actor): Promise<IdentityProviderSecretDto> {
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const hint = secret.slice(-4);
    const provider = await this.dataSource.transaction(async (tx) => {
      const stored = await this.providers.storeSecret(
        tx,
        actor.organizationId,
        this.box.seal(secret, identityProviderSecretContext(actor.organizationId)),
        hint,
      );
      await this.audit.record(tx, actor, {
        action: stored.replaced ? 'identity_provider.secret_rotated' : 'identity_provider.secret_created',
        entityType: 'organization',
        entityId: actor.organizationId,
        metadata: {
          secret: stored.replaced ? { from: '(hidden)', to: '(rotated)' } : '(created)',
          secret_hint: `…${hint}`,
        },
      });
      return stored.provider;
    });
    return { ...(await this.respond(actor.organizationId, provider)), secret };
  }

  /** Without a secret the organization takes no identity events. Idempotent. */
  async removeSecret(actor: Actor): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      const hint = await this.providers.deleteSecret(tx, actor.organizationId);
      if (hint === null) return;
      await this.audit.record(tx, actor, {
        action: 'identity_provider.secret_deleted',
        entityType: 'organization',
        entityId: actor.organizationId,
        metadata: { secret_hint: `…${hint}` },
      });
    });
  }

  /**
   * The secret the organization's provider signs with, or null when there is none (or the
   * organization does not exist: the caller cannot tell those apart, and must not).
   */
  async signingSecret(organizationId: string): Promise<string | null> {
    const provider = await this.providers.forOrganization(organizationId);
    if (!provider) return null;
    try {
      return this.box.open(provider.secretCiphertext, identityProviderSecretContext(organizationId));
    } catch (error) {
      if (!(error instanceof SecretBoxError)) throw error;
      this.logger.error(
        `The identity provider secret of organization ${organizationId} cannot be read (${error.message}); its events are refused until the key is given back or the secret is rotated`,
      );
      return null;
    }
  }

  private async respond(
    organizationId: string,
    provider: StoredIdentityProvider | null,
  ): Promise<IdentityProviderResponseDto> {
    const settings = await this.organizations.settings(this.dataSource.manager, organizationId);
    return {
      endpoint: identityEndpoint(organizationId),
      secret_configured: provider !== null,
      secret_hint: provider ? `…${provider.secretHint}` : null,
      secret_rotated_at: provider?.rotatedAt.toISOString() ?? null,
      grants_admin: settings.identity_provider_grants_admin === true,
      openid_connect: await this.openIdConnect.settings(organizationId),
    };
  }
}
