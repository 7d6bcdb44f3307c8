import { lookup as dnsLookup, LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, LookupFunction } from 'node:net';
import { isPublicAddress } from './address-policy';

export interface WebhookPost {
  url: URL;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  allowPrivate: boolean;
}

/** What the receiver answered, or why nothing was answered. */
export type WebhookAnswer =
  | { answered: true; status: number; body: string; durationMs: number }
  | { answered: false; error: string; durationMs: number };

/** Kept of a receiver's answer, for the delivery log: enough to debug, never a whole page. */
const KEEP_BODY_BYTES = 1024;

/**
 * POSTs one webhook. Only public addresses are connected to (unless private ones are allowed):
 * a host name is resolved by a lookup that refuses any private answer, so a name that
 * resolves elsewhere since the subscription was saved (DNS rebinding) still cannot reach an
 * internal host. Redirects are not followed (a 3xx is a failed attempt: a redirect could point
 * anywhere). The whole attempt, connection included, is bounded by `timeoutMs`.
 */
export function postWebhook(post: WebhookPost): Promise<WebhookAnswer> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    const host = post.url.hostname.replace(/^\[|\]$/g, '');
    if (!post.allowPrivate && isIP(host) && !isPublicAddress(host)) {
      resolve({ answered: false, error: `${host} is not a public internet address`, durationMs: 0 });
      return;
    }
    const client = post.url.protocol === 'https:' ? https : http;
    const request = client.request(post.url, {
      method: 'POST',
      headers: { ...post.headers, 'content-length': String(Buffer.byteLength(post.body)) },
      lookup: post.allowPrivate ? undefined : publicOnlyLookup,
      agent: false,
      signal: AbortSignal.timeout(post.timeoutMs),
    });
    request.on('response', (response) => {
      const kept: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        if (size < KEEP_BODY_BYTES) kept.push(chunk.subarray(0, KEEP_BODY_BYTES - size));
        size += chunk.length;
      });
      response.on('end', () =>
        resolve({
          answered: true,
          status: response.statusCode ?? 0,
          body: Buffer.concat(kept).toString('utf8'),
          durationMs: elapsed(),
        }),
      );
      response.on('error', (error) =>
        resolve({ answered: false, error: describe(error, post.timeoutMs), durationMs: elapsed() }),
      );
    });
    request.on('error', (error) =>
      resolve({ answered: false, error: describe(error, post.timeoutMs), durationMs: elapsed() }),
    );
    request.end(post.body);
  });
}

function describe(error: Error & { code?: string }, timeoutMs: number): string {
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  return error.code ? `${error.code}: ${error.message}` : error.message;
}

/** dns.lookup, refusing the whole answer when any address in it is not public. */
const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, '', 0);
    const forbidden = addresses.find((a) => !isPublicAddress(a.address));
    if (forbidden) {
      const refusal = Object.assign(
        new Error(`${hostname} resolves to ${forbidden.address}, which is not a public internet address`),
        { code: 'EADDRFORBIDDEN' },
      );
      return callback(refusal, '', 0);
    }
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    return callback(null, addresses[0].address, addresses[0].family);
  });
};

/** For saving a subscription: the host's addresses, or why it cannot be used. */
export async function resolvePublicHost(hostname: string): Promise<{ ok: true } | { ok: false; reason: string }> {
  return new Promise((resolve) => {
    publicOnlyLookup(hostname, { all: true }, (error) => {
      if (!error) return resolve({ ok: true });
      const code = (error as NodeJS.ErrnoException).code;
      resolve({
        ok: false,
        reason:
          code === 'EADDRFORBIDDEN'
            ? `host ${error.message}`
            : `host ${hostname} cannot be resolved (${code ?? error.message})`,
      });
    });
  });
}
