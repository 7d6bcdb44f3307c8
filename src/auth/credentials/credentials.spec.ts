import { unverifiedIssuer } from './credentials';

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
