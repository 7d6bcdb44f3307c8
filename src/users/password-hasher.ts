import { Injectable } from '@nestjs/common';
import * as argon2 from 'argon2';
import { CommonErrors } from '../common/errors/common.errors';
import { Semaphore, SemaphoreFullError } from '../common/semaphore';
import { AppConfig } from '../config/app-config';

/**
 * Argon2id with the library's defaults (OWASP's recommended memory-hard profile). `verify`
 * against a throwaway hash keeps a login for an unknown e-mail as slow as a wrong password.
 *
 * Each hash or verification takes ~64 MB and a core, so a burst of logins could take the
 * process's memory and every libuv thread (stalling file and DNS work too). A semaphore lets
 * `hashConcurrency` of them run at once and `hashQueue` more wait; beyond that the request is
 * answered 503 with Retry-After at once.
 */
@Injectable()
export class PasswordHasher {
  private readonly decoy = argon2.hash('decoy-password-for-timing', { type: argon2.argon2id });
  private readonly slots: Semaphore;

  constructor(config: AppConfig) {
    this.slots = new Semaphore(config.login.hashConcurrency, config.login.hashQueue);
  }

  hash(password: string): Promise<string> {
    return this.limited(() => argon2.hash(password, { type: argon2.argon2id }));
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
