import type { SecretBox } from '../common/secrets/secret-box';
import type { WebhookSubscription } from './webhook.entities';

/** What a subscription's sealed secret is bound to: its own row, so a copy elsewhere does not open. */
export const subscriptionSecretContext = (subscriptionId: string) => `webhook_subscription:${subscriptionId}`;

type StoredSecret = Pick<WebhookSubscription, 'id' | 'secret' | 'secretCiphertext'>;

/** The columns that store a new secret: sealed, with its hint, and no plain text. */
export function sealedSecret(
  box: SecretBox,
  subscriptionId: string,
  secret: string,
): Pick<WebhookSubscription, 'secret' | 'secretCiphertext' | 'secretHint'> {
  return {
    secret: null,
    secretCiphertext: box.seal(secret, subscriptionSecretContext(subscriptionId)),
    secretHint: secret.slice(-4),
  };
}

/**
 * The signing secret as stored: opened, or the plain text of a row no process has sealed yet.
 * Throws SecretBoxError when it was sealed under a key this process does not have.
 */
export function openSecret(box: SecretBox, stored: StoredSecret): string {
  if (stored.secretCiphertext !== null) return box.open(stored.secretCiphertext, subscriptionSecretContext(stored.id));
  if (stored.secret === null) throw new Error(`webhook subscription ${stored.id} has no secret`);
  return stored.secret;
}
