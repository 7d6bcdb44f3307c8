import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import type { Actor } from '../../common/auth/roles';
import { CommonErrors } from '../../common/errors/common.errors';
import { OrganizationsService } from '../../organizations/organizations.service';
import { Sessions } from '../../sessions/sessions';
import { Directory } from '../../users/directory';
import { UserErrors } from '../../users/users.errors';
import { UsersService } from '../../users/users.service';
import { LoginThrottle, ThrottleKey } from '../login-throttle';
import { MfaEnrolmentResponseDto, MfaRecoveryCodesResponseDto, MfaStatusResponseDto } from './dto/mfa.dto';
import { AcceptedCode, MfaCodes } from './mfa-codes';
import { MfaErrors } from './mfa.errors';
import { MfaEnrolment, MfaRepository } from './mfa.repository';
import { TOTP_DIGITS, TOTP_PERIOD_SECONDS, totpUri } from './totp';

const ISSUER = 'Spendin';

/**
 * The caller's own second factor: enrol (a new TOTP secret, not yet in force), confirm with a
 * code (in force from then on, and ten recovery codes), disable with a code. Every wrong code
 * counts against the user's `mfa` throttle, like a wrong password against theirs.
 */
@Injectable()
export class MfaService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: MfaRepository,
    private readonly codes: MfaCodes,
    private readonly throttle: LoginThrottle,
    private readonly directory: Directory,
    private readonly organizations: OrganizationsService,
    private readonly users: UsersService,
    private readonly sessions: Sessions,
    private readonly audit: AuditService,
  ) {}

  async status(actor: Actor): Promise<MfaStatusResponseDto> {
    const enrolment = await this.repository.find(actor.organizationId, actor.userId);
    const confirmed = enrolment?.confirmedAt ?? null;
    return {
      enabled: confirmed !== null,
      pending: enrolment !== null && confirmed === null,
      confirmed_at: confirmed?.toISOString() ?? null,
      recovery_codes_left: confirmed ? await this.repository.recoveryCodesLeft(actor.organizationId, actor.userId) : 0,
      required_by_organization: await this.requiredIn(actor.organizationId),
    };
  }

  /** Whether the organization's settings require a second factor of every user. */
  async requiredIn(organizationId: string, tx?: EntityManager): Promise<boolean> {
    return (await this.organizations.settings(tx ?? this.dataSource.manager, organizationId)).require_mfa === true;
  }

  /** A new secret (replacing an unconfirmed one); in force only once confirmed. */
  async enrol(actor: Actor): Promise<MfaEnrolmentResponseDto> {
    const user = await this.directory.user(actor.organizationId, actor.userId);
    if (!user) throw CommonErrors.INVALID_TOKEN('The bearer token is invalid or has been revoked');
    const organization = await this.organizations.get(actor);
    const { secret, sealed } = this.codes.newSecret(actor.userId);
    await this.dataSource.transaction(async (tx) => {
      const current = await this.repository.lock(tx, actor.organizationId, actor.userId);
      if (current?.confirmedAt)
        throw MfaErrors.MFA_ALREADY_ENABLED('Two-factor authentication is already on; disable it first to enrol again');
      await this.repository.upsertPending(tx, actor.organizationId, actor.userId, sealed);
      await this.audit.record(tx, actor, { action: 'user.mfa_enrolled', entityType: 'user', entityId: actor.userId });
    });
    const issuer = `${ISSUER} (${organization.name})`;
    return {
      otpauth_uri: totpUri(secret, issuer, user.email),
      secret,
      issuer,
      account_name: user.email,
      algorithm: 'SHA1',
      digits: TOTP_DIGITS,
      period: TOTP_PERIOD_SECONDS,
    };
  }

  /** Puts the pending enrolment in force with a code from the app; answers the recovery codes, once. */
  async confirm(actor: Actor, code: string): Promise<MfaRecoveryCodesResponseDto> {
    const recovery_codes = await this.withCode(actor, code, { confirmed: false }, async (tx) => {
      await this.repository.confirm(tx, actor.organizationId, actor.userId);
      const codes = await this.codes.replaceRecoveryCodes(tx, actor.organizationId, actor.userId);
      await this.audit.record(tx, actor, {
        action: 'user.mfa_confirmed',
        entityType: 'user',
        entityId: actor.userId,
        metadata: { method: 'totp', recovery_codes: codes.length },
      });
      return codes;
    });
    return { recovery_codes };
  }

  /** Ten new recovery codes for a confirmed enrolment, with a current TOTP code; the old ones stop working. */
  async regenerateRecoveryCodes(actor: Actor, code: string): Promise<MfaRecoveryCodesResponseDto> {
    const recovery_codes = await this.withCode(actor, code, { confirmed: true, totpOnly: true }, async (tx) => {
      const codes = await this.codes.replaceRecoveryCodes(tx, actor.organizationId, actor.userId);
      await this.audit.record(tx, actor, {
        action: 'user.mfa_recovery_codes_regenerated',
        entityType: 'user',
        entityId: actor.userId,
      });
      return codes;
    });
    return { recovery_codes };
  }

  /** Turns the second factor off (a TOTP or a recovery code needed); the secret and the recovery codes are deleted. */
  async disable(actor: Actor, code: string): Promise<void> {
    await this.withCode(actor, code, { confirmed: true }, async (tx, accepted) => {
      await this.repository.remove(tx, actor.organizationId, actor.userId);
      await this.audit.record(tx, actor, {
        action: 'user.mfa_disabled',
        entityType: 'user',
        entityId: actor.userId,
        metadata: { method: accepted.method },
      });
    });
  }

  /**
   * An admin turns a user's second factor off (a lost phone and lost recovery codes): the
   * secret, a pending enrolment and the recovery codes are deleted, and every session of the
   * user ends, so whoever holds the account next logs in afresh. Idempotent; users of another
   * organization are 404 like any unknown id.
   */
  async resetFor(actor: Actor, userId: string): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      const user = await this.users.lockForChange(tx, actor.organizationId, userId);
      if (!user) throw UserErrors.USER_NOT_FOUND(`User ${userId} does not exist`);
      const enrolment = await this.repository.lock(tx, actor.organizationId, userId);
      if (!enrolment) return;
      await this.repository.remove(tx, actor.organizationId, userId);
      const sessions = await this.sessions.revokeAll(tx, user);
      await this.audit.record(tx, actor, {
        action: 'user.mfa_reset',
        entityType: 'user',
        entityId: userId,
        metadata: { was_confirmed: enrolment.confirmedAt !== null, sessions_signed_out: sessions },
      });
    });
  }

  /**
   * Counts an attempt on the user's `mfa` throttle (429 past the limit), then checks the code
   * against the enrolment, locked, and runs `work` in the same transaction when it is right:
   * of two requests with the same code, one wins.
   */
  private async withCode<T>(
    actor: Actor,
    code: string,
    want: { confirmed: boolean; totpOnly?: boolean },
    work: (tx: EntityManager, accepted: AcceptedCode) => Promise<T>,
  ): Promise<T> {
    const ip = actor.ip ?? 'unknown';
    const account: ThrottleKey[] = [{ kind: 'mfa', key: actor.userId }];
    await this.throttle.attempt(account, ip);
    const outcome = await this.dataSource.transaction(async (tx) => {
      const enrolment: MfaEnrolment | null = await this.repository.lock(tx, actor.organizationId, actor.userId);
      if (!enrolment || (enrolment.confirmedAt !== null) !== want.confirmed) {
        return {
          error: want.confirmed
            ? MfaErrors.MFA_NOT_ENROLLED('Two-factor authentication is not on for this user')
            : enrolment
              ? MfaErrors.MFA_ALREADY_ENABLED('Two-factor authentication is already on')
              : MfaErrors.MFA_NOT_ENROLLED('Nothing to confirm: enrol first with POST /users/me/mfa/totp'),
        };
      }
      const accepted = await this.codes.accept(tx, enrolment, code, { recoveryCodes: !want.totpOnly });
      if (!accepted) return { error: MfaErrors.WRONG_MFA_CODE('The code is wrong, expired or already used') };
      if (accepted.method === 'recovery_code') await this.recordRecoveryCode(tx, actor, accepted.recoveryCodesLeft);
      return { value: await work(tx, accepted) };
    });
    if ('error' in outcome) throw outcome.error;
    await this.throttle.succeeded(account, ip);
    return outcome.value;
  }

  private recordRecoveryCode(tx: EntityManager, actor: Actor, left: number): Promise<void> {
    return this.audit.record(tx, actor, {
      action: 'user.mfa_recovery_code_used',
      entityType: 'user',
      entityId: actor.userId,
      metadata: { recovery_codes_left: left },
    });
  }
}
