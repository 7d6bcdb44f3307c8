import { ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';
import { isIP } from 'node:net';

/** Parsing and checking shared by the Environment's sections. */
export const toBoolean = ({ value }: { value: unknown }) => {
  if (value === undefined || value === '') return undefined;
  const text = String(value).toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(text)) return true;
  if (['false', '0', 'no', 'off'].includes(text)) return false;
  return value;
};
export const toInt = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : /^-?\d+$/.test(String(value)) ? Number(value) : value;
export const blankAsUnset = ({ value }: { value: unknown }) => (value === '' ? undefined : value);
/**
 * 32 bytes in base64 (or base64url): 42 characters, one whose low two bits are zero, and an
 * optional "=". `openssl rand -base64 32` writes one.
 */
export const SECRETS_KEY_TEXT = '[A-Za-z0-9+/_-]{42}[AEIMQUYcgkosw048]=?';
export const SECRETS_KEY_FORMAT = new RegExp(`^${SECRETS_KEY_TEXT}$`);
export const SECRETS_KEY_MESSAGE = (name: string, what = 'a key') =>
  `${name} must be ${what} of 32 random bytes in base64, as written by openssl rand -base64 32`;

/**
 * TRUST_PROXY: `false`, the number of proxies in front of the API, or the proxies' addresses
 * (IPs, CIDR ranges, `loopback`, `linklocal`, `uniquelocal`). Not `true`: trusting every hop
 * believes whatever X-Forwarded-For a client sends (spoofed audit addresses, the per-address
 * login throttle bypassed).
 */
@ValidatorConstraint({ name: 'trustedProxies' })
export class TrustedProxies implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && parseTrustProxy(value) !== null;
  }

  defaultMessage(): string {
    return 'TRUST_PROXY must be false, the number of proxies in front of the API (e.g. 1), or their addresses (e.g. 10.0.0.0/8,loopback); true would trust any X-Forwarded-For a client sends';
  }
}

/** TRUST_PROXY as Express takes it: false, a hop count, or a list of addresses; null when invalid. */
export function parseTrustProxy(value: string): false | number | string[] | null {
  const text = value.trim().toLowerCase();
  if (['false', '0', 'no', 'off'].includes(text)) return false;
  if (/^[1-9]\d{0,1}$/.test(text)) return Number(text);
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const valid = (entry: string) => {
    if (['loopback', 'linklocal', 'uniquelocal'].includes(entry)) return true;
    const [address, prefix, extra] = entry.split('/');
    const family = isIP(address);
    if (family === 0 || extra !== undefined) return false;
    return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
  };
  return entries.length > 0 && entries.every(valid) ? entries : null;
}
