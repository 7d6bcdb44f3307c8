import { randomBytes } from 'node:crypto';
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import type { Request } from 'express';
import { Webhook } from 'standardwebhooks';
import { CommonErrors } from '../../common/errors/common.errors';
import { OrganizationSuspension } from '../../organizations/organization-suspension';
import { WebhookErrors } from '../webhooks.errors';
import { IdentityProviderService } from './identity-provider.service';

/** The Standard Webhooks headers, which the signature covers with the body. */
export const SIGNATURE_HEADERS = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const;

/**
 * Admits an identity provider's request to `POST /events/webhook/{organization_id}` only if it
 * is signed, the Standard Webhooks way, with that organization's secret: an HMAC-SHA256 of
 * `<webhook-id>.<webhook-timestamp>.<raw body>`, a timestamp within 5 minutes of now (older or
 * newer is refused, so a captured request cannot be replayed later; within the window, event
 * ids are deduplicated). The guard runs before the body is validated.
 *
 * Every refusal is the same 401 with the same words, whether the organization does not exist,
 * has no secret, or the signature is wrong, late or missing: a caller without the secret
 * learns nothing, not even whether an organization exists. An unknown organization is checked
 * against a throwaway secret so that it costs the same work as a wrong signature.
 */
@Injectable()
export class IdentitySignatureGuard implements CanActivate {
  private readonly decoy = new Webhook(randomBytes(32), { format: 'raw' });

  constructor(
    private readonly providers: IdentityProviderService,
    private readonly suspension: OrganizationSuspension,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request & { rawBody?: Buffer }>();
    const organizationId = String(request.params.organization_id ?? '').toLowerCase();
    const secret = isUUID(organizationId, 'all') ? await this.providers.signingSecret(organizationId) : null;
    const headers = Object.fromEntries(
      SIGNATURE_HEADERS.map((name) => [name, typeof request.headers[name] === 'string' ? request.headers[name] : '']),
    );
    try {
      (secret === null ? this.decoy : new Webhook(secret)).verify(request.rawBody ?? '', headers, { jsonParse: false });
    } catch {
      throw unauthorized();
    }
    if (secret === null) throw unauthorized();
    // Only now, to a sender who proved the secret: the organization is suspended, retry later.
    if (await this.suspension.isSuspended(organizationId)) {
      throw CommonErrors.ORGANIZATION_SUSPENDED(
        "The installation's operator has suspended this organization: its identity-provider events are refused until it is resumed",
      );
    }
    return true;
  }
}

function unauthorized() {
  return WebhookErrors.WEBHOOK_UNAUTHORIZED('Unauthorized webhook source');
}
