import { generate } from 'otplib';
import { newRecoveryCodes, newTotpSecret, normalizeRecoveryCode, totpStep, totpUri } from './totp';

describe('TOTP core', () => {
  const secret = newTotpSecret();
  const now = Math.floor(Date.now() / 30_000);
  const codeAt = (step: number) => generate({ secret, epoch: step * 30 });

  it('makes 160-bit base32 secrets and an otpauth URI apps read', () => {
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const uri = new URL(totpUri(secret, 'Spendin (Acme)', 'jane@acme.test'));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.searchParams.get('secret')).toBe(secret);
    expect(uri.searchParams.get('issuer')).toBe('Spendin (Acme)');
    // SHA-1, 6 digits and 30 s are what apps assume when the URI does not say.
    for (const key of ['algorithm', 'digits', 'period'])
      expect([null, { algorithm: 'SHA1', digits: '6', period: '30' }[key]]).toContain(uri.searchParams.get(key));
  });

  it('answers the step of the current code and of the next, nothing further', async () => {
    expect(await totpStep(secret, await codeAt(now), null)).toBe(now);
    expect(await totpStep(secret, await codeAt(now + 1), null)).not.toBeNull();
    expect(await totpStep(secret, await codeAt(now + 5), null)).toBeNull();
    expect(await totpStep(secret, await codeAt(now - 5), null)).toBeNull();
    expect(await totpStep(secret, 'abcdef', null)).toBeNull();
    expect(await totpStep(secret, '1234567', null)).toBeNull();
  });

  it('refuses a code of a step at or before the last one used', async () => {
    const code = await codeAt(now);
    expect(await totpStep(secret, code, now)).toBeNull();
    expect(await totpStep(secret, code, now - 1)).toBe(now);
  });

  it('makes ten distinct recovery codes and reads them however they are typed', () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[A-HJ-NP-Z2-9]{5}-[A-HJ-NP-Z2-9]{5}$/);
    expect(normalizeRecoveryCode(' k7pq2 xm4tb ')).toBe('K7PQ2XM4TB');
    expect(normalizeRecoveryCode('K7PQ2-XM4TB')).toBe('K7PQ2XM4TB');
  });
});
