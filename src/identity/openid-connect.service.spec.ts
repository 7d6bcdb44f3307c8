import { isAllowedIssuerUrl } from './openid-connect.service';

describe('isAllowedIssuerUrl', () => {
  it('takes https issuers, with or without a path or trailing slash', () => {
    expect(isAllowedIssuerUrl('https://acme.eu.auth0.com/', false)).toBe(true);
    expect(isAllowedIssuerUrl('https://login.microsoftonline.com/tenant/v2.0', false)).toBe(true);
  });

  it('takes http only on loopback, and only when allowed', () => {
    expect(isAllowedIssuerUrl('http://127.0.0.1:4000', false)).toBe(false);
    expect(isAllowedIssuerUrl('http://127.0.0.1:4000', true)).toBe(true);
    expect(isAllowedIssuerUrl('http://[::1]:4000', true)).toBe(true);
    expect(isAllowedIssuerUrl('http://localhost:4000', true)).toBe(true);
    expect(isAllowedIssuerUrl('http://login.acme.test', true)).toBe(false);
    expect(isAllowedIssuerUrl('http://127.0.0.1.nip.io', true)).toBe(false);
  });

  it('refuses other schemes, credentials, queries, fragments and non-URLs', () => {
    for (const url of [
      'ftp://acme.test',
      'https://user:pass@acme.test',
      'https://acme.test/?x=1',
      'https://acme.test/#a',
      'not a url',
      'javascript:alert(1)',
    ]) {
      expect(isAllowedIssuerUrl(url, true)).toBe(false);
    }
  });
});
