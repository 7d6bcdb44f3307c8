import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SecretBox, SecretBoxError } from '../common/secrets/secret-box';
import { identityProviderSecretContext } from './inbound/identity-provider.service';
import { IdentityProvidersRepository } from './inbound/identity-providers.repository';
import { openSecret, subscriptionSecretContext } from './subscription-secrets';
import { StoredSubscriptionSecret, WebhooksRepository } from './webhooks.repository';

/** What one pass did. `unreadable`: sealed under a key this process does not have, left as they are. */
export interface SealingReport {
  sealed: number;
  resealed: number;
  unreadable: number;
}

const PAGE = 200;

/**
 * Keeps every stored webhook secret (subscriptions', organizations' identity providers') sealed
 * under the current SECRETS_KEY. A migration cannot do it (the key is never in the database),
 * so every process that starts with the key does: subscription secrets still in plain text
 * (from before secrets were sealed, or written by a process of the previous version during an
 * upgrade) are sealed, and secrets sealed under a previous key (SECRETS_PREVIOUS_KEYS) are
 * sealed again under the current one. Each row is
 * changed in one statement that only applies if the row still holds what was read, so that
 * two processes starting at once, or a rotation meanwhile, lose nothing.
 */
@Injectable()
export class SecretsAtRest implements OnApplicationBootstrap {
  private readonly logger = new Logger('SecretsAtRest');

  constructor(
    private readonly webhooks: WebhooksRepository,
    private readonly identityProviders: IdentityProvidersRepository,
    private readonly box: SecretBox,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const report = await this.sealStored();
    if (report.sealed + report.resealed > 0) {
      this.logger.log(
        `Sealed ${report.sealed} webhook secret(s) stored in plain text and re-sealed ${report.resealed} under the current SECRETS_KEY`,
      );
    }
    if (report.unreadable > 0) {
      this.logger.error(
        `${report.unreadable} webhook secret(s) are sealed under a key that is neither SECRETS_KEY nor in SECRETS_PREVIOUS_KEYS: their deliveries fail until that key is given back`,
      );
    }
  }

  async sealStored(): Promise<SealingReport> {
    const report: SealingReport = { sealed: 0, resealed: 0, unreadable: 0 };
    let after: string | null = null;
    for (;;) {
      const page = await this.webhooks.secretsToSeal(this.box.keyId, after, PAGE);
      for (const stored of page) {
        const outcome = await this.sealSubscription(stored.organizationId, stored);
        if (outcome !== 'unchanged') report[outcome] += 1;
      }
      if (page.length < PAGE) break;
      after = page[page.length - 1].id;
    }
    after = null;
    for (;;) {
      const page = await this.identityProviders.sealedUnderOtherKeys(this.box.keyId, after, PAGE);
      for (const provider of page) {
        const context = identityProviderSecretContext(provider.organizationId);
        let secret: string;
        try {
          secret = this.box.open(provider.secretCiphertext, context);
        } catch (error) {
          if (!(error instanceof SecretBoxError)) throw error;
          report.unreadable += 1;
          continue;
        }
        if (
          await this.identityProviders.storeResealed(
            provider.organizationId,
            provider.secretCiphertext,
            this.box.seal(secret, context),
          )
        )
          report.resealed += 1;
      }
      if (page.length < PAGE) return report;
      after = page[page.length - 1].organizationId;
    }
  }

  /** Seals one subscription's secret under the current key, unless it already is. */
  async sealSubscription(
    organizationId: string,
    stored: Omit<StoredSubscriptionSecret, 'organizationId'>,
  ): Promise<keyof SealingReport | 'unchanged'> {
    if (stored.secretCiphertext !== null && this.box.keyIdOf(stored.secretCiphertext) === this.box.keyId)
      return 'unchanged';
    let secret: string;
    try {
      secret = openSecret(this.box, stored);
    } catch (error) {
      if (error instanceof SecretBoxError) return 'unreadable';
      throw error;
    }
    const sealed = this.box.seal(secret, subscriptionSecretContext(stored.id));
    const replaced = await this.webhooks.storeSealedSecret(
      organizationId,
      { ...stored, organizationId },
      sealed,
      secret.slice(-4),
    );
    if (!replaced) return 'unchanged';
    return stored.secretCiphertext === null ? 'sealed' : 'resealed';
  }
}
