import { createHmac } from 'node:crypto';
import { signatureHeader, verifySignature } from './signature';

const SECRET = 'whsec_test_0123456789abcdefghijklmnop';
const BODY = '{"id":"evt","type":"spend.paid"}';

describe('webhook signatures', () => {
  it('is the hex HMAC-SHA256 of "t.body" under the secret', () => {
    const expected = createHmac('sha256', SECRET).update(`1767225600.${BODY}`).digest('hex');
    expect(signatureHeader(SECRET, BODY, 1767225600)).toBe(`t=1767225600,v1=${expected}`);
  });

  it('verifies what it signed, within the tolerance', () => {
    const header = signatureHeader(SECRET, BODY, 1000);
    expect(verifySignature(header, BODY, SECRET, 1000)).toBe(true);
    expect(verifySignature(header, BODY, SECRET, 1300)).toBe(true);
    expect(verifySignature(header, BODY, SECRET, 1301)).toBe(false);
  });

  it('refuses another body, another secret, another time and malformed headers', () => {
    const header = signatureHeader(SECRET, BODY, 1000);
    expect(verifySignature(header, `${BODY} `, SECRET, 1000)).toBe(false);
    expect(verifySignature(header, BODY, `${SECRET}x`, 1000)).toBe(false);
    expect(verifySignature(header.replace('t=1000', 't=1001'), BODY, SECRET, 1000)).toBe(false);
    for (const bad of ['', 't=1000', 'v1=abc', 't=x,v1=' + 'a'.repeat(64), `t=1000,v1=${'z'.repeat(64)}`]) {
      expect(verifySignature(bad, BODY, SECRET, 1000)).toBe(false);
    }
  });
});
