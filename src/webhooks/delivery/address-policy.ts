import { BlockList, isIP } from 'node:net';

/**
 * Which addresses a webhook may be delivered to: public unicast only. Everything a server
 * could reach that the internet cannot is refused, so that a subscription cannot be used to
 * make Spendin call its own network: loopback, private (RFC 1918, unique local), link-local
 * (cloud metadata at 169.254.169.254), CGNAT, "this network", benchmarking, documentation,
 * multicast and reserved ranges. IPv6 forms that carry an IPv4 address (mapped, NAT64,
 * 6to4) are judged by that address.
 */
const FORBIDDEN = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) FORBIDDEN.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128], ['::1', 128], ['64:ff9b:1::', 48], ['100::', 64], ['2001::', 23], ['2001:db8::', 32], ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8],
] as const) FORBIDDEN.addSubnet(network, prefix, 'ipv6');

/** True for an address a webhook may be sent to. Anything that is not an IP address is false. */
export function isPublicAddress(address: string): boolean {
  const version = isIP(address);
  if (version === 4) return !FORBIDDEN.check(address, 'ipv4');
  if (version !== 6) return false;
  const words = ipv6Words(address);
  const embedded = embeddedIpv4(words);
  if (embedded) return isPublicAddress(embedded);
  return !FORBIDDEN.check(address, 'ipv6');
}

/** The IPv4 address inside an IPv4-mapped (::ffff:0:0/96), NAT64 (64:ff9b::/96) or 6to4 (2002::/16) address. */
function embeddedIpv4(w: number[]): string | null {
  const v4 = (high: number, low: number) => [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
  if (w.slice(0, 5).every((x) => x === 0) && w[5] === 0xffff) return v4(w[6], w[7]);
  if (w[0] === 0x64 && w[1] === 0xff9b && w.slice(2, 6).every((x) => x === 0)) return v4(w[6], w[7]);
  if (w[0] === 0x2002) return v4(w[1], w[2]);
  return null;
}

/** The eight 16-bit words of a valid IPv6 address (with `::` and a dotted IPv4 tail expanded). */
function ipv6Words(address: string): number[] {
  let text = address.split('%')[0];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1].split('.').map(Number);
    text = `${text.slice(0, -dotted[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const left = head ? head.split(':') : [];
  const right = tail === undefined ? [] : tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : Array(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((word) => parseInt(word, 16));
}

export type UrlVerdict = { ok: true; url: URL } | { ok: false; reason: string };

/**
 * What a subscription URL must be before anything is resolved: http or https, a host, no
 * user name or password (the secret belongs in the signature), and no IP literal outside the
 * public internet unless private addresses are allowed.
 */
export function checkWebhookUrl(text: string, allowPrivate: boolean): UrlVerdict {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, reason: 'is not a valid URL' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, reason: 'must be an http:// or https:// URL' };
  if (url.username || url.password) return { ok: false, reason: 'must not carry a user name or password; receivers check the signature instead' };
  if (!url.hostname) return { ok: false, reason: 'must name a host' };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!allowPrivate && (isIP(host) ? !isPublicAddress(host) : /^(localhost|localhost\.localdomain)$|\.localhost$/i.test(host))) {
    return { ok: false, reason: `points at ${host}, which is not a public internet address` };
  }
  return { ok: true, url };
}
