import { createHmac, createSecretKey, KeyObject, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { OPERATOR_TOKEN_ISSUER, OperatorActor, OperatorPasswords } from '../common/auth/operator';
import { CommonErrors } from '../common/errors/common.errors';
import { DomainError } from '../common/errors/domain-error';
import { AppConfig } from '../config/app-config';
import { AuthErrors } from '../auth/auth.errors';
import { LoginThrottle, ThrottleKey } from '../auth/login-throttle';
import { PasswordHasher } from '../users/password-hasher';
import { Operator, OperatorsRepository } from './operators.repository';

/** Operator tokens are short-lived and have no refresh token: the operator logs in again. */
export const OPERATOR_TOKEN_TTL_SECONDS = 900;

interface OperatorTokenClaims {
  iss: string;
  sub: string;
  ver: number;
}

export interface OperatorToken {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
}

/**
 * The operator's login, token and password check. Operator tokens are HS256 JWTs with
 * `iss: spendin:operator`, signed with a key of their own (derived from JWT_SECRET), so that
 * neither kind of token verifies as the other even if a check were skipped: Credentials refuses
 * them on organization routes, and OperatorGuard accepts nothing else. Each use reads the
 * operator again: a deactivation or a new password (the token version moves on) ends every
 * token at once. Password checks are counted by the login throttle, per operator and per client
 * address, like organization logins.
 */
@Injectable()
export class OperatorAuth implements OperatorPasswords {
  private readonly key: KeyObject;
  /** Basic credentials of the queue board already verified, by a keyed hash (see `check`). */
  private readonly basicKey = randomBytes(32);
  private readonly basicSeen = new Map<string, { operatorId: string; tokenVersion: number }>();

  constructor(
    config: AppConfig,
    private readonly jwt: JwtService,
    private readonly operators: OperatorsRepository,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottle,
  ) {
    this.key = createSecretKey(createHmac('sha256', config.jwt.secret).update('spendin operator tokens').digest());
  }

  /** The same 401 for an unknown e-mail, a wrong password and a deactivated operator. */
  async login(emailInput: string, password: string, ip: string): Promise<OperatorToken> {
    const operator = await this.verified(emailInput, password, ip);
    if (!operator) throw AuthErrors.INVALID_CREDENTIALS('E-mail or password is wrong');
    const claims: OperatorTokenClaims = { iss: OPERATOR_TOKEN_ISSUER, sub: operator.id, ver: operator.tokenVersion };
    return {
      access_token: await this.jwt.signAsync(claims, {
        secret: this.key as unknown as string,
        algorithm: 'HS256',
        expiresIn: OPERATOR_TOKEN_TTL_SECONDS,
      }),
      token_type: 'Bearer',
      expires_in: OPERATOR_TOKEN_TTL_SECONDS,
    };
  }

  /**
   * For the queue board's HTTP Basic prompt, which a browser sends with every request the board
   * makes: the first check is a login's (Argon2, throttled); after it, the same e-mail and
   * password are recognized by a keyed hash held in memory, and only the operator's row is read
   * again, so that a deactivation or a new password still ends access at once. Wrong passwords
   * are never remembered.
   */
  async check(email: string, password: string, ip: string): Promise<boolean> {
    const seen = createHmac('sha256', this.basicKey).update(`${email.trim().toLowerCase()}\n${password}`).digest('hex');
    const known = this.basicSeen.get(seen);
    if (known) {
      const operator = await this.operators.findById(known.operatorId);
      if (operator?.isActive && operator.tokenVersion === known.tokenVersion) return true;
      this.basicSeen.delete(seen);
    }
    const operator = await this.verified(email, password, ip);
    if (!operator) return false;
    if (this.basicSeen.size >= 100) this.basicSeen.clear();
    this.basicSeen.set(seen, { operatorId: operator.id, tokenVersion: operator.tokenVersion });
    return true;
  }

  /** The operator an operator token names; 401 when it is not one, expired, or revoked. */
  async authenticate(token: string): Promise<Omit<OperatorActor, 'requestId' | 'ip'>> {
    let claims: OperatorTokenClaims;
    try {
      claims = await this.jwt.verifyAsync<OperatorTokenClaims>(token, {
        secret: this.key as unknown as string,
        algorithms: ['HS256'],
        issuer: OPERATOR_TOKEN_ISSUER,
      });
    } catch (error) {
      if ((error as Error).name === 'TokenExpiredError') {
        throw CommonErrors.TOKEN_EXPIRED('The operator token has expired; log in again');
      }
      throw invalid();
    }
    const operator = /^[0-9a-f-]{36}$/i.test(String(claims.sub)) ? await this.operators.findById(claims.sub) : null;
    if (!operator?.isActive || operator.tokenVersion !== claims.ver) throw invalid();
    return { operatorId: operator.id, email: operator.email };
  }

  /** The active operator the e-mail and password open, or null; 429 past the throttle's limit. */
  private async verified(emailInput: string, password: string, ip: string): Promise<Operator | null> {
    const email = emailInput.trim().toLowerCase();
    const operator = await this.operators.findByEmail(email);
    const account: ThrottleKey[] = [{ kind: 'operator', key: operator?.id ?? email }];
    await this.throttle.attempt(account, ip);
    let matches: boolean;
    try {
      matches = await this.hasher.verify(operator?.passwordHash ?? null, password);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'SERVICE_UNAVAILABLE')
        await this.throttle.release(account, ip);
      throw error;
    }
    if (!operator || !matches || !operator.isActive) return null;
    await this.throttle.succeeded(account, ip);
    return operator;
  }
}

function invalid() {
  return CommonErrors.INVALID_TOKEN('The operator token is invalid or has been revoked');
}
