import { ConfigError } from './config-error';
import type { Environment } from './environment';

/** Argon2id cost of new password hashes: memory in KiB and passes over it. */
export interface PasswordHashCost {
  memoryKib: number;
  timeCost: number;
}

/** The argon2 library's defaults (64 MiB, 3 passes): OWASP's memory-hard profile. */
export const DEFAULT_PASSWORD_HASH_COST: PasswordHashCost = { memoryKib: 65_536, timeCost: 3 };

/**
 * OWASP's weakest recommended Argon2id profile (19 MiB, 2 passes). A cheaper cost is only
 * accepted with NODE_ENV=test, where the suites create thousands of users and the hash's
 * strength protects nothing.
 */
export const MINIMUM_PASSWORD_HASH_COST: PasswordHashCost = { memoryKib: 19_456, timeCost: 2 };

export function passwordHashCost(e: Environment, env: string): PasswordHashCost {
  const cost = {
    memoryKib: e.PASSWORD_HASH_MEMORY_KIB ?? DEFAULT_PASSWORD_HASH_COST.memoryKib,
    timeCost: e.PASSWORD_HASH_TIME_COST ?? DEFAULT_PASSWORD_HASH_COST.timeCost,
  };
  if (env === 'test') return cost;
  const { memoryKib, timeCost } = MINIMUM_PASSWORD_HASH_COST;
  if (cost.memoryKib < memoryKib || cost.timeCost < timeCost) {
    throw new ConfigError([
      `PASSWORD_HASH_MEMORY_KIB and PASSWORD_HASH_TIME_COST: at least ${memoryKib} KiB and ${timeCost} passes ` +
        `(OWASP's minimum for Argon2id) outside NODE_ENV=test; got ${cost.memoryKib} KiB and ${cost.timeCost}`,
    ]);
  }
  return cost;
}
