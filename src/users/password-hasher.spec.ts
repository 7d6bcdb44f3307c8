import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig } from '../config/app-config';
import { ConfigError } from '../config/config-error';
import { PasswordHasher } from './password-hasher';

const config = (env: Record<string, string> = {}) =>
  AppConfig.fromEnv({ DATA_DIR: mkdtempSync(join(tmpdir(), 'spendin-hasher-')), ...env });

/** The PHC string's parameters, `$argon2id$v=19$m=65536,p=4,t=3$salt$hash`, by name. */
const parameters = (hash: string) =>
  Object.fromEntries(
    hash
      .split('$')[3]
      .split(',')
      .map((pair) => pair.split('=')),
  );

describe('PasswordHasher', () => {
  it('hashes with Argon2id at 64 MiB and 3 passes unless told otherwise', async () => {
    const hash = await new PasswordHasher(config()).hash('correct horse battery staple');
    expect(hash.startsWith('$argon2id$')).toBe(true);
    expect(parameters(hash)).toEqual({ m: '65536', t: '3', p: '4' });
  });

  it('takes the cost from PASSWORD_HASH_MEMORY_KIB and PASSWORD_HASH_TIME_COST, and still verifies hashes of another cost', async () => {
    const strong = await new PasswordHasher(config()).hash('an older password');
    const tuned = new PasswordHasher(config({ PASSWORD_HASH_MEMORY_KIB: '19456', PASSWORD_HASH_TIME_COST: '2' }));
    const hash = await tuned.hash('a newer password');
    expect(parameters(hash)).toEqual({ m: '19456', t: '2', p: '4' });
    await expect(tuned.verify(hash, 'a newer password')).resolves.toBe(true);
    await expect(tuned.verify(hash, 'a wrong password')).resolves.toBe(false);
    await expect(tuned.verify(strong, 'an older password')).resolves.toBe(true);
    await expect(tuned.verify(null, 'an unknown account')).resolves.toBe(false);
  });

  it("refuses a cost below OWASP's minimum outside NODE_ENV=test, naming both variables", () => {
    const cheap: Record<string, string>[] = [{ PASSWORD_HASH_MEMORY_KIB: '1024' }, { PASSWORD_HASH_TIME_COST: '1' }];
    for (const env of cheap) {
      expect(() => config(env)).toThrow(ConfigError);
      expect(() =>
        config({
          ...env,
          NODE_ENV: 'production',
          JWT_SECRET: 'j'.repeat(40),
          AUDIT_KEY: 'a'.repeat(40),
          SECRETS_KEY: Buffer.alloc(32, 1).toString('base64'),
        }),
      ).toThrow(/PASSWORD_HASH_MEMORY_KIB and PASSWORD_HASH_TIME_COST: at least 19456 KiB and 2 passes/);
    }
    expect(
      config({ NODE_ENV: 'test', PASSWORD_HASH_MEMORY_KIB: '1024', PASSWORD_HASH_TIME_COST: '1' }).login.hashCost,
    ).toEqual({ memoryKib: 1024, timeCost: 1 });
  });
});
