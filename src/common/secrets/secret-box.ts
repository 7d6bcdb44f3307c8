import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/** Why a stored secret could not be read back. */
export class SecretBoxError extends Error {}

const VERSION = 'v1';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

interface Key {
  id: string;
  encryption: Buffer;
}

/**
 * Secrets that Spendin must read back (webhook signing secrets) are stored sealed:
 * AES-256-GCM under a key from the environment (SECRETS_KEY), with a random nonce per value,
 * as `v1.<key id>.<nonce>.<ciphertext and tag>` (base64url). The key id (derived from the key,
 * so there is nothing to configure) says which key sealed a value, so that the key can change:
 * the new key seals, the previous ones (SECRETS_PREVIOUS_KEYS) still open what they sealed
 * until it is sealed again. `context` names the row a value belongs to (authenticated, not
 * stored), so a value copied into another row, another organization's say, does not open.
 */
export class SecretBox {
  private readonly current: Key;
  private readonly keys = new Map<string, Key>();
  private readonly fingerprintKey: Buffer;

  constructor(key: Buffer, previousKeys: Buffer[] = []) {
    this.current = derive(key);
    for (const k of [key, ...previousKeys].map(derive)) if (!this.keys.has(k.id)) this.keys.set(k.id, k);
    this.fingerprintKey = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'spendin: fingerprints', 32));
  }

  /** The id of the key that seals. */
  get keyId(): string {
    return this.current.id;
  }

  seal(plaintext: string, context: string): string {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.encryption, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return [VERSION, this.current.id, nonce.toString('base64url'), sealed.toString('base64url')].join('.');
  }

  open(sealed: string, context: string): string {
    const [version, keyId, nonce, body, ...rest] = sealed.split('.');
    if (version !== VERSION || !keyId || !nonce || !body || rest.length > 0)
      throw new SecretBoxError('not a sealed secret');
    const key = this.keys.get(keyId);
    if (!key)
      throw new SecretBoxError(
        `sealed under key ${keyId}, which is neither SECRETS_KEY nor one of SECRETS_PREVIOUS_KEYS`,
      );
    const bytes = Buffer.from(body, 'base64url');
    if (bytes.length < TAG_BYTES) throw new SecretBoxError('sealed secret is truncated');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.encryption, Buffer.from(nonce, 'base64url'), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
      return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - TAG_BYTES)), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      throw new SecretBoxError('sealed secret does not open: altered, or stored for another row');
    }
  }

  /** The id of the key that sealed a value (null for anything else). */
  keyIdOf(sealed: string): string | null {
    const [version, keyId] = sealed.split('.');
    return version === VERSION && keyId ? keyId : null;
  }

  /**
   * A keyed digest of text that holds a secret (an idempotent request's body): it tells two
   * requests apart without being a way to try guesses at the secret offline.
   */
  fingerprint(text: string): string {
    return createHmac('sha256', this.fingerprintKey).update(text, 'utf8').digest('hex');
  }
}

/** One key for encryption and an id, both derived from the configured key (never the key itself). */
function derive(key: Buffer): Key {
  if (key.length !== 32) throw new SecretBoxError('a secrets key is 32 bytes');
  const id = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'spendin: key id', 6)).toString('hex');
  return { id, encryption: Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'spendin: aes-256-gcm', 32)) };
}
