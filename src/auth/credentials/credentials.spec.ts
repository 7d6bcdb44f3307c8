import { OPERATOR_TOKEN_ISSUER } from '../../common/auth/operator';
import { Credentials, unverifiedIssuer } from './credentials';
import type { ApiKeyCredentials } from './api-key-credentials';
import type { OidcTokens } from './oidc-tokens';
import type { SessionTokens } from './session-tokens';

const jwt = (payload: unknown) =>
  ['{"alg":"none"}', JSON.stringify(payload)].map((part) => Buffer.from(part).toString('base64url')).join('.') + '.sig';

describe('choosing the verifier of a bearer credential', () => {
  it("reads a JWT's issuer without trusting it", () => {
    expect(unverifiedIssuer(jwt({ iss: 'https://login.acme.test/', sub: 'x' }))).toBe('https://login.acme.test/');
  });

  it('gives no issuer for Spendin tokens, non-JWTs and malformed payloads', () => {
    expect(unverifiedIssuer(jwt({ sub: 'x', org: 'y' }))).toBeUndefined();
    expect(unverifiedIssuer(jwt({ iss: 42 }))).toBeUndefined();
    expect(unverifiedIssuer(jwt(null))).toBeUndefined();
    expect(unverifiedIssuer('sk_live_abc')).toBeUndefined();
    expect(unverifiedIssuer('a.%%%.c')).toBeUndefined();
    expect(unverifiedIssuer(`a.${'x'.repeat(20_000)}.c`)).toBeUndefined();
  });
});

describe('Credentials', () => {
  const caller = {
    userId: 'u',
    organizationId: 'o',
    role: 'admin' as const,
    mustChangePassword: false,
    via: 'session' as const,
  };
  // Each verifier answers the same caller; what is under test is the dispatch and the one
  // suspension check, not the verifiers (their e2e suites run them for real).
  const withVerifier = (organizationSuspended: boolean) => {
    const verifier = { authenticate: () => Promise.resolve({ ...caller, organizationSuspended }) };
    return new Credentials(
      verifier as unknown as SessionTokens,
      verifier as unknown as ApiKeyCredentials,
      verifier as unknown as OidcTokens,
    );
  };
  const everyKind = [jwt({ sub: 'x' }), 'sk_live_0123456789abcdef_secret', jwt({ iss: 'https://login.acme.test/' })];

  it("refuses an operator's token on organization routes, as naming nobody", async () => {
    await expect(withVerifier(false).authenticate(jwt({ iss: OPERATOR_TOKEN_ISSUER, sub: 'x' }))).rejects.toMatchObject(
      {
        code: 'INVALID_TOKEN',
        status: 401,
        message: expect.stringMatching(/operator/),
      },
    );
  });

  it('refuses, whatever the verifier, a caller whose organization is suspended, and passes the others on without the flag', async () => {
    for (const credential of everyKind) {
      await expect(withVerifier(true).authenticate(credential)).rejects.toMatchObject({
        code: 'ORGANIZATION_SUSPENDED',
        status: 403,
      });
      await expect(withVerifier(false).authenticate(credential)).resolves.toEqual(caller);
    }
  });
});
