import { Injectable, Logger } from '@nestjs/common';
import { createRemoteJWKSet, decodeProtectedHeader, errors, JWTPayload, jwtVerify, JWTVerifyGetKey } from 'jose';
import { CredentialErrors } from '../../common/auth/credential.errors';
import { CommonErrors } from '../../common/errors/common.errors';
import { AppConfig } from '../../config/app-config';
import { organizationSuspended, type VerifiedCaller } from './verified-caller';
import { OidcSignInService, SignInRequest } from '../../identity/oidc-sign-in.service';
import { isAllowedIssuerUrl, OpenIdConnectService } from '../../identity/openid-connect.service';

/** Clock skew tolerated between Spendin and a provider on `exp` and `nbf`. */
export const OIDC_CLOCK_TOLERANCE_SECONDS = 30;

/**
 * Access tokens (or ID tokens) of an organization's own OpenID provider: the token's unverified
 * `iss` picks the organization that configured that issuer; the token is then verified with
 * the keys the provider publishes (discovery, then its JWKS, cached, fetched again on an unknown
 * `kid` at most once per cooldown), for the configured audience and algorithms, with 30 s of
 * leeway on `exp`/`nbf`. The claims then name a user of that organization (OidcSignInService).
 */
@Injectable()
export class OidcTokens {
  private readonly logger = new Logger('OidcTokens');
  /** Per issuer: its key set, once discovered (a failed discovery is not kept). */
  private readonly keySets = new Map<string, Promise<JWTVerifyGetKey>>();

  constructor(
    private readonly config: AppConfig,
    private readonly oidc: OpenIdConnectService,
    private readonly signIns: OidcSignInService,
  ) {}

  async authenticate(token: string, issuer: string, request: SignInRequest): Promise<VerifiedCaller> {
    const provider = await this.oidc.forIssuer(issuer);
    if (!provider) throw invalid();
    let alg: string | undefined;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      throw invalid();
    }
    if (!alg || !provider.algorithms.includes(alg)) {
      throw CredentialErrors.TOKEN_ALGORITHM_NOT_ALLOWED(
        `Tokens signed with ${alg ?? 'no algorithm'} are not accepted; this organization accepts ${provider.algorithms.join(', ')}`,
      );
    }
    const keys = await this.keySet(issuer);
    let claims: JWTPayload;
    try {
      ({ payload: claims } = await jwtVerify(token, keys, {
        issuer,
        audience: provider.audience,
        algorithms: provider.algorithms,
        clockTolerance: OIDC_CLOCK_TOLERANCE_SECONDS,
      }));
    } catch (error) {
      throw this.refusal(issuer, error);
    }
    if (typeof claims.sub !== 'string' || claims.sub.length === 0 || claims.sub.length > 255) throw invalid();
    // Before any sign-in work: a suspended organization links, creates and re-roles nobody.
    if (provider.organizationSuspended) throw organizationSuspended();
    const caller = await this.signIns.signIn(provider, claims as Record<string, unknown>, request);
    return { ...caller, via: 'oidc', organizationSuspended: false };
  }

  /** The problem a failed verification answers; a provider that cannot be reached is a 503, not a 401. */
  private refusal(issuer: string, error: unknown): Error {
    if (error instanceof errors.JWTExpired) return CommonErrors.TOKEN_EXPIRED('The access token has expired');
    if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'aud') {
      return CredentialErrors.TOKEN_AUDIENCE_MISMATCH(
        'The token was not issued for this API (its aud is not the configured audience)',
      );
    }
    if (error instanceof errors.JOSEAlgNotAllowed) {
      return CredentialErrors.TOKEN_ALGORITHM_NOT_ALLOWED(
        'The token is signed with an algorithm this organization does not accept',
      );
    }
    // A JWKS answer that is not 200 (ERR_JOSE_GENERIC) or not a key set, a timeout, a network error.
    const unreachable =
      error instanceof errors.JWKSTimeout ||
      error instanceof errors.JWKSInvalid ||
      (error instanceof errors.JOSEError && error.code === 'ERR_JOSE_GENERIC') ||
      !(error instanceof errors.JOSEError);
    if (unreachable) {
      this.keySets.delete(issuer); // discovered again next time, in case the jwks_uri moved
      this.logger.warn(`The signing keys of ${issuer} could not be fetched: ${(error as Error).message}`);
      return CommonErrors.SERVICE_UNAVAILABLE("The organization's OpenID provider could not be reached; retry later");
    }
    return invalid();
  }

  private keySet(issuer: string): Promise<JWTVerifyGetKey> {
    let keys = this.keySets.get(issuer);
    if (!keys) {
      keys = this.discover(issuer);
      this.keySets.set(issuer, keys);
      keys.catch(() => this.keySets.delete(issuer));
    }
    return keys;
  }

  /** The provider's key set, from its discovery document (`jwks_uri`), checked like the issuer. */
  private async discover(issuer: string): Promise<JWTVerifyGetKey> {
    const { allowHttpLoopback, timeoutMs, jwksCooldownSeconds, jwksCacheSeconds } = this.config.oidc;
    const unavailable = (why: string) => {
      this.logger.warn(`OpenID discovery of ${issuer} failed: ${why}`);
      return CommonErrors.SERVICE_UNAVAILABLE("The organization's OpenID provider could not be reached; retry later");
    };
    if (!isAllowedIssuerUrl(issuer, allowHttpLoopback)) throw invalid();
    let document: { issuer?: unknown; jwks_uri?: unknown };
    try {
      const response = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, {
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'error',
        headers: { accept: 'application/json' },
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      document = (await response.json()) as typeof document;
    } catch (error) {
      throw unavailable((error as Error).message);
    }
    if (document.issuer !== issuer) throw unavailable(`its document names the issuer ${String(document.issuer)}`);
    if (typeof document.jwks_uri !== 'string' || !isAllowedIssuerUrl(document.jwks_uri, allowHttpLoopback)) {
      throw unavailable('its jwks_uri is missing or not https');
    }
    return createRemoteJWKSet(new URL(document.jwks_uri), {
      timeoutDuration: timeoutMs,
      cooldownDuration: jwksCooldownSeconds * 1000,
      cacheMaxAge: jwksCacheSeconds * 1000,
    });
  }
}

function invalid() {
  return CommonErrors.INVALID_TOKEN('The bearer token is invalid or has been revoked');
}
