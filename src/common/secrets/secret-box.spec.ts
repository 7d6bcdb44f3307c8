import { randomBytes } from 'node:crypto';
import { SecretBox, SecretBoxError } from './secret-box';

describe('SecretBox', () => {
  const key = randomBytes(32);
  const box = new SecretBox(key);
  const secret = 'whsec_5mZQ1bX3yPq8L2vN7cR0tK4wJ6hF9sD1aG3eU8iO';

  it('seals a secret so that the stored text holds none of it, and opens it again', () => {
    const sealed = box.seal(secret, 'webhook_subscription:1');
    expect(sealed).toMatch(new RegExp(`^v1\\.${box.keyId}\\.[A-Za-z0-9_-]{16}\\.[A-Za-z0-9_-]+$`));
    for (const part of [
      secret,
      secret.slice(6),
      Buffer.from(secret).toString('base64'),
      Buffer.from(secret).toString('base64url'),
      Buffer.from(secret).toString('hex'),
    ]) {
      expect(sealed).not.toContain(part);
    }
    expect(box.open(sealed, 'webhook_subscription:1')).toBe(secret);
  });

  it('uses a new nonce every time: the same secret never seals to the same text', () => {
    const sealed = new Set(Array.from({ length: 50 }, () => box.seal(secret, 'c')));
    expect(sealed.size).toBe(50);
  });

  it('refuses a value moved to another row, or altered in any byte', () => {
    const sealed = box.seal(secret, 'webhook_subscription:1');
    expect(() => box.open(sealed, 'webhook_subscription:2')).toThrow(SecretBoxError);
    const [v, id, nonce, body] = sealed.split('.');
    const bytes = Buffer.from(body, 'base64url');
    for (let i = 0; i < bytes.length; i++) {
      const altered = Buffer.from(bytes);
      altered[i] ^= 0x01;
      expect(() => box.open([v, id, nonce, altered.toString('base64url')].join('.'), 'webhook_subscription:1')).toThrow(
        SecretBoxError,
      );
    }
    expect(() => box.open(`${v}.${id}.${nonce}`, 'webhook_subscription:1')).toThrow(SecretBoxError);
    expect(() => box.open(secret, 'webhook_subscription:1')).toThrow(/not a sealed secret/);
  });

  it('rotates keys: the new key seals, a previous key still opens what it sealed, an unknown key is named', () => {
    const next = randomBytes(32);
    const sealedBefore = box.seal(secret, 'c');
    const rotated = new SecretBox(next, [key]);
    expect(rotated.keyId).not.toBe(box.keyId);
    expect(rotated.open(sealedBefore, 'c')).toBe(secret);
    expect(rotated.keyIdOf(sealedBefore)).toBe(box.keyId);
    const sealedAfter = rotated.seal(secret, 'c');
    expect(rotated.keyIdOf(sealedAfter)).toBe(rotated.keyId);
    expect(() => box.open(sealedAfter, 'c')).toThrow(new RegExp(`key ${rotated.keyId}, which is neither SECRETS_KEY`));
    expect(() => new SecretBox(next).open(sealedBefore, 'c')).toThrow(SecretBoxError);
  });

  it('derives the key id from the key, never showing the key', () => {
    expect(new SecretBox(key).keyId).toBe(box.keyId);
    expect(box.keyId).toMatch(/^[0-9a-f]{12}$/);
    expect(key.toString('hex')).not.toContain(box.keyId);
  });

  it('fingerprints with a key: the same text gives the same digest under the same key only', () => {
    expect(box.fingerprint('body')).toBe(new SecretBox(key).fingerprint('body'));
    expect(box.fingerprint('body')).not.toBe(box.fingerprint('body2'));
    expect(box.fingerprint('body')).not.toBe(new SecretBox(randomBytes(32)).fingerprint('body'));
  });

  it('takes 32-byte keys only', () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow(/32 bytes/);
  });
});
