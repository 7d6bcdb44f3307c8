import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Which addresses a webhook may be delivered to: global unicast only, so that a subscription
 * cannot make Spendin call its own network. The ranges are ipaddr.js's (IANA's special-purpose
 * registries), not hand-written: an IPv4 address must be `unicast` (not loopback, private,
 * link-local with the cloud metadata at 169.254.169.254, CGNAT, "this network", broadcast,
 * multicast, documentation, benchmarking or reserved); an IPv6 address must be `unicast` and
 * inside 2000::/3, the only block IANA allocates for global unicast. That second rule is what
 * ipaddr.js alone misses: it calls `::7f00:1` (written `[::127.0.0.1]`, the deprecated
 * IPv4-compatible form, which some stacks route to 127.0.0.1) plain unicast.
 *
 * IPv6 forms that carry an IPv4 address (mapped ::ffff:0:0/96, translated ::ffff:0:0:0/96,
 * NAT64 64:ff9b::/96, 6to4 2002::/16, Teredo 2001::/32 with its server and its obfuscated
 * client) are judged by every IPv4 address inside; the local-use NAT64 prefix 64:ff9b:1::/48
 * translates to whatever the operator's gateway decides, so it is refused outright.
 */
const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR('2000::/3');
const NAT64_WELL_KNOWN = ipaddr.IPv6.parseCIDR('64:ff9b::/96');

/** True for an address a webhook may be sent to. Anything that is not an IP address is false. */
export function isPublicAddress(address: string): boolean {
  const version = isIP(address);
  if (version === 4) return isGlobalUnicast(ipaddr.IPv4.parse(address));
  if (version !== 6) return false;
  // ipaddr.js reads `::a.b.c.d` as `::ffff:a.b.c.d` (mapped) on purpose; the address really is
  // `::` + 32 bits. The URL parser writes every IPv6 address canonically in hex, which
  // ipaddr.js then reads as it is. A zone (`fe80::1%eth0`) says which interface, not where.
  const canonical = new URL(`http://[${address.split('%')[0]}]/`).hostname.slice(1, -1);
  return isGlobalUnicast(ipaddr.IPv6.parse(canonical));
}

function isGlobalUnicast(address: ipaddr.IPv4 | ipaddr.IPv6): boolean {
  if (address.kind() === 'ipv4') return address.range() === 'unicast';
  const v6 = address as ipaddr.IPv6;
  const embedded = embeddedIpv4(v6);
  if (embedded !== null) return embedded.length > 0 && embedded.every((v4) => v4.range() === 'unicast');
  return v6.range() === 'unicast' && v6.match(GLOBAL_UNICAST_V6);
}

/**
 * The IPv4 addresses an IPv6 address stands for; null when it carries none, and an empty list
 * for a form that carries one but must not be judged by it (local-use NAT64).
 */
function embeddedIpv4(address: ipaddr.IPv6): ipaddr.IPv4[] | null {
  const w = address.parts;
  const v4 = (high: number, low: number) => new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
  switch (address.range()) {
    case 'ipv4Mapped':
    case 'rfc6145':
      return [v4(w[6], w[7])];
    case 'rfc6052':
      return address.match(NAT64_WELL_KNOWN) ? [v4(w[6], w[7])] : [];
    case '6to4':
      return [v4(w[1], w[2])];
    case 'teredo':
      // Server in bits 32-63; the client's address in the last 32 bits, every bit inverted.
      return [v4(w[2], w[3]), v4(~w[6] & 0xffff, ~w[7] & 0xffff)];
    default:
      return null;
  }
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
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return { ok: false, reason: 'must be an http:// or https:// URL' };
  if (url.username || url.password)
    return { ok: false, reason: 'must not carry a user name or password; receivers check the signature instead' };
  if (!url.hostname) return { ok: false, reason: 'must name a host' };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (
    !allowPrivate &&
    (isIP(host) ? !isPublicAddress(host) : /^(localhost|localhost\.localdomain)$|\.localhost$/i.test(host))
  ) {
    return { ok: false, reason: `points at ${host}, which is not a public internet address` };
  }
  return { ok: true, url };
}
