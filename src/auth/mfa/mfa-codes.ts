import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { SecretBox } from '../../common/secrets/secret-box';
import { MfaEnrolment, MfaRepository } from './mfa.repository';
import { newRecoveryCodes, newTotpSecret, normalizeRecoveryCode, totpStep } from './totp';

/** How a code was accepted: a TOTP code, or a recovery code (and how many are left). */
export type AcceptedCode = { method: 'totp' } | { method: 'recovery_code'; recoveryCodesLeft: number };

/**
 * The second factor's secrets and the checking of codes against them. TOTP secrets are sealed
 * with SECRETS_KEY (context: the user), recovery codes kept as keyed digests (SecretBox
 * fingerprints), so neither a copy of the database nor of its backups yields a usable factor.
 */
@Injectable()
export class MfaCodes {
  constructor(
    private readonly box: SecretBox,
    private readonly repository: MfaRepository,
  ) {}

  newSecret(userId: string): { secret: string; sealed: string } {
    const secret = newTotpSecret();
    return { secret, sealed: this.box.seal(secret, context(userId)) };
  }

  /** Ten new recovery codes for the user (the previous ones stop working): the codes, shown once. */
  async replaceRecoveryCodes(tx: EntityManager, organizationId: string, userId: string): Promise<string[]> {
    const codes = newRecoveryCodes();
    await this.repository.replaceRecoveryCodes(
      tx,
      organizationId,
      userId,
      codes.map((code) => this.digest(userId, code)),
    );
    return codes;
  }

  /**
   * Checks a code against the enrolment the caller has locked in `tx`: a 6-digit TOTP code
   * (its time step recorded, so it is never accepted again), or, when `recoveryCodes`, an unused
   * recovery code (spent). Null when it is neither.
   */
  async accept(
    tx: EntityManager,
    enrolment: MfaEnrolment,
    code: string,
    options: { recoveryCodes: boolean },
  ): Promise<AcceptedCode | null> {
    const trimmed = code.trim();
    if (/^\d{6}$/.test(trimmed)) {
      const secret = this.box.open(enrolment.secretSealed, context(enrolment.userId));
      const step = await totpStep(secret, trimmed, enrolment.lastStep);
      if (step === null) return null;
      const fresh = await this.repository.useStep(tx, enrolment.organizationId, enrolment.userId, step);
      return fresh ? { method: 'totp' } : null;
    }
    if (!options.recoveryCodes || !enrolment.confirmedAt) return null;
    const left = await this.repository.useRecoveryCode(
      tx,
      enrolment.organizationId,
      enrolment.userId,
      this.digest(enrolment.userId, trimmed),
    );
    return left === null ? null : { method: 'recovery_code', recoveryCodesLeft: left };
  }

  private digest(userId: string, code: string): string {
    return this.box.fingerprint(`mfa-recovery-code:${userId}:${normalizeRecoveryCode(code)}`);
  }
}

const context = (userId: string) => `user_mfa:${userId}`;
