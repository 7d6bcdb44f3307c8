import { Injectable } from '@nestjs/common';
import * as argon2 from 'argon2';
import { CommonErrors } from '../common/errors/common.errors';
import { Semaphore, SemaphoreFullError } from '../common/semaphore';
import { AppConfig } from '../config/app-config';

/**
 * Argon2id, by default with the library's defaults (64 MiB, 3 passes: OWASP's memory-hard
 * profile; PASSWORD_HASH_MEMORY_KIB and PASSWORD_HASH_TIME_COST tune it, never below OWASP's
 * minimum outside tests). A verification uses the cost recorded in the hash, so changing the
 * cost leaves existing hashes valid. `verify` against a throwaway hash of the same cost keeps a
 * login for an unknown e-mail as slow as a wrong password.
 *
 * Each hash or verification takes ~64 MB and a core, so a burst of logins could take the
 * process's memory and every libuv thread (stalling file and DNS work too). A semaphore lets
 * `hashConcurrency` of them run at once and `hashQueue` more wait; beyond that the request is
 * answered 503 with Retry-After at once.
 */
@Injectable()
export class PasswordHasher {
  private readonly options: argon2.HashOptions;
  private readonly decoy: Promise<string>;
  private readonly slots: Semaphore;

  constructor(config: AppConfig) {
    const { memoryKib, timeCost } = config.login.hashCost;
    this.options = { type: argon2.argon2id, memoryCost: memoryKib, timeCost };
    this.decoy = argon2.hash('decoy-password-for-timing', this.options);
    this.slots = new Semaphore(config.login.hashConcurrency, config.login.hashQueue);
  }

  hash(password: string): Promise<string> {
    return this.limited(() => argon2.hash(password, this.options));
  }

  async verify(hash: string | null, password: string): Promise<boolean> {
    const against = hash ?? (await this.decoy);
    return this.limited(async () => {
      try {
        return await argon2.verify(against, password);
      } catch {
        return false;
      }
    });
  }

  private async limited<T>(task: () => Promise<T>): Promise<T> {
    try {
      return await this.slots.run(task);
    } catch (error) {
      if (error instanceof SemaphoreFullError) {
        throw CommonErrors.SERVICE_UNAVAILABLE('Too many password checks at once; try again in a second', {
          headers: { 'Retry-After': '1' },
        });
      }
      throw error;
    }
  }
}
