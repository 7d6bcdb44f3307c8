import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { runSql, Statement } from '../../database/sql';

/** A user's TOTP enrolment: `secretSealed` opens with SecretBox (context `user_mfa:<user id>`). */
export interface MfaEnrolment {
  userId: string;
  organizationId: string;
  secretSealed: string;
  confirmedAt: Date | null;
  lastStep: number | null;
}

/** A login's second step, or a password reset: `<id>.<secret>`, of which the SHA-256 of the secret is stored. */
export interface OneTimeToken {
  id: string;
  organizationId: string;
  userId: string;
  secretHash: string;
  expiresAt: Date;
  usedAt: Date | null;
}

interface EnrolmentRow {
  user_id: string;
  organization_id: string;
  secret_sealed: string;
  confirmed_at: Date | null;
  last_step: string | null;
}

/** Every query on user_mfa, mfa_recovery_codes and mfa_challenges, scoped by organization. */
@Injectable()
export class MfaRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async find(organizationId: string, userId: string, tx?: EntityManager): Promise<MfaEnrolment | null> {
    const [row] = await runSql<EnrolmentRow>(tx ?? this.dataSource, FIND, [organizationId, userId]);
    return row ? toEnrolment(row) : null;
  }

  async lock(tx: EntityManager, organizationId: string, userId: string): Promise<MfaEnrolment | null> {
    const [row] = await runSql<EnrolmentRow>(tx, LOCK, [organizationId, userId]);
    return row ? toEnrolment(row) : null;
  }

  /** A new, unconfirmed enrolment, replacing an unconfirmed one. */
  async upsertPending(tx: EntityManager, organizationId: string, userId: string, secretSealed: string): Promise<void> {
    await runSql(tx, UPSERT_PENDING, [organizationId, userId, secretSealed]);
  }

  /** Records the step a code was accepted for; false when that step (or a later one) already was. */
  async useStep(tx: EntityManager, organizationId: string, userId: string, step: number): Promise<boolean> {
    return (await runSql(tx, USE_STEP, [organizationId, userId, step])).length === 1;
  }

  async confirm(tx: EntityManager, organizationId: string, userId: string): Promise<void> {
    await runSql(tx, CONFIRM, [organizationId, userId]);
  }

  async remove(tx: EntityManager, organizationId: string, userId: string): Promise<void> {
    await runSql(tx, DELETE_CODES, [organizationId, userId]);
    await runSql(tx, DELETE_ENROLMENT, [organizationId, userId]);
  }

  async replaceRecoveryCodes(tx: EntityManager, organizationId: string, userId: string, digests: string[]) {
    await runSql(tx, DELETE_CODES, [organizationId, userId]);
    await runSql(tx, INSERT_CODES, [organizationId, userId, digests]);
  }

  /** Spends the unused recovery code with this digest; answers how many unused codes are left, or null when none matched. */
  async useRecoveryCode(tx: EntityManager, organizationId: string, userId: string, digest: string) {
    const used = await runSql(tx, USE_CODE, [organizationId, userId, digest]);
    if (used.length === 0) return null;
    return this.recoveryCodesLeft(organizationId, userId, tx);
  }

  async recoveryCodesLeft(organizationId: string, userId: string, tx?: EntityManager): Promise<number> {
    const [row] = await runSql<{ n: number }>(tx ?? this.dataSource, CODES_LEFT, [organizationId, userId]);
    return row.n;
  }

  async insertChallenge(
    tx: EntityManager,
    challenge: { organizationId: string; userId: string; secretHash: string; expiresAt: Date },
  ): Promise<string> {
    await runSql(tx, PRUNE_CHALLENGES, [challenge.organizationId, challenge.userId]);
    const [row] = await runSql<{ id: string }>(tx, INSERT_CHALLENGE, [
      challenge.organizationId,
      challenge.userId,
      challenge.secretHash,
      challenge.expiresAt,
    ]);
    return row.id;
  }

  /** Unscoped on purpose: the presented token names only its id. */
  async findChallenge(id: string): Promise<OneTimeToken | null> {
    const [row] = await runSql<OneTimeTokenRow>(this.dataSource, FIND_CHALLENGE, [id]);
    return row ? toOneTimeToken(row) : null;
  }

  /** Spends the challenge; false when another request spent it first. */
  async useChallenge(tx: EntityManager, id: string): Promise<boolean> {
    return (await runSql(tx, USE_CHALLENGE, [id])).length === 1;
  }
}

export interface OneTimeTokenRow {
  id: string;
  organization_id: string;
  user_id: string;
  secret_hash: string;
  expires_at: Date;
  used_at: Date | null;
}

export function toOneTimeToken(row: OneTimeTokenRow): OneTimeToken {
  return {
    id: row.id,
    organizationId: row.organization_id,
    userId: row.user_id,
    secretHash: row.secret_hash,
    expiresAt: row.expires_at,
    usedAt: row.used_at,
  };
}

function toEnrolment(row: EnrolmentRow): MfaEnrolment {
  return {
    userId: row.user_id,
    organizationId: row.organization_id,
    secretSealed: row.secret_sealed,
    confirmedAt: row.confirmed_at,
    lastStep: row.last_step === null ? null : Number(row.last_step),
  };
}

const COLUMNS = 'user_id, organization_id, secret_sealed, confirmed_at, last_step';
const FIND: Statement = {
  name: 'user_mfa.find',
  text: `SELECT ${COLUMNS} FROM user_mfa WHERE organization_id = $1 AND user_id = $2`,
};
const LOCK: Statement = {
  name: 'user_mfa.lock',
  text: `SELECT ${COLUMNS} FROM user_mfa WHERE organization_id = $1 AND user_id = $2 FOR UPDATE`,
};
const UPSERT_PENDING: Statement = {
  name: 'user_mfa.upsert_pending',
  text: `INSERT INTO user_mfa (organization_id, user_id, secret_sealed) VALUES ($1, $2, $3)
         ON CONFLICT (user_id) DO UPDATE SET secret_sealed = EXCLUDED.secret_sealed, last_step = NULL, created_at = now()
         WHERE user_mfa.confirmed_at IS NULL`,
};
const USE_STEP: Statement = {
  name: 'user_mfa.use_step',
  text: `UPDATE user_mfa SET last_step = $3 WHERE organization_id = $1 AND user_id = $2 AND (last_step IS NULL OR last_step < $3)
         RETURNING user_id`,
};
const CONFIRM: Statement = {
  name: 'user_mfa.confirm',
  text: `UPDATE user_mfa SET confirmed_at = now() WHERE organization_id = $1 AND user_id = $2`,
};
const DELETE_ENROLMENT: Statement = {
  name: 'user_mfa.delete',
  text: `DELETE FROM user_mfa WHERE organization_id = $1 AND user_id = $2`,
};
const DELETE_CODES: Statement = {
  name: 'mfa_recovery_codes.delete',
  text: `DELETE FROM mfa_recovery_codes WHERE organization_id = $1 AND user_id = $2`,
};
const INSERT_CODES: Statement = {
  name: 'mfa_recovery_codes.insert',
  text: `INSERT INTO mfa_recovery_codes (organization_id, user_id, code_digest) SELECT $1, $2, d FROM unnest($3::text[]) AS d`,
};
const USE_CODE: Statement = {
  name: 'mfa_recovery_codes.use',
  text: `UPDATE mfa_recovery_codes SET used_at = now()
         WHERE id = (SELECT id FROM mfa_recovery_codes WHERE organization_id = $1 AND user_id = $2 AND code_digest = $3 AND used_at IS NULL
                     LIMIT 1 FOR UPDATE)
         RETURNING id`,
};
const CODES_LEFT: Statement = {
  name: 'mfa_recovery_codes.left',
  text: `SELECT count(*)::int AS n FROM mfa_recovery_codes WHERE organization_id = $1 AND user_id = $2 AND used_at IS NULL`,
};
const INSERT_CHALLENGE: Statement = {
  name: 'mfa_challenges.insert',
  text: `INSERT INTO mfa_challenges (organization_id, user_id, secret_hash, expires_at) VALUES ($1, $2, $3, $4) RETURNING id`,
};
/** A user's spent and expired challenges go when the next one is made. */
const PRUNE_CHALLENGES: Statement = {
  name: 'mfa_challenges.prune',
  text: `DELETE FROM mfa_challenges WHERE organization_id = $1 AND user_id = $2 AND (used_at IS NOT NULL OR expires_at < now())`,
};
const FIND_CHALLENGE: Statement = {
  name: 'mfa_challenges.find',
  text: `SELECT id, organization_id, user_id, secret_hash, expires_at, used_at FROM mfa_challenges WHERE id = $1`,
};
const USE_CHALLENGE: Statement = {
  name: 'mfa_challenges.use',
  text: `UPDATE mfa_challenges SET used_at = now() WHERE id = $1 AND used_at IS NULL AND expires_at > now() RETURNING id`,
};
