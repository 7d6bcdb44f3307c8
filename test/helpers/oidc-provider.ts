import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, JWK } from 'jose';

/** One client of the provider, standing for one person: its id is the tokens' `sub`. */
export interface ProviderClient {
  id: string;
  /** Extra claims of its tokens (email, email_verified, roles…). */
  claims?: Record<string, unknown>;
  /** What its tokens are signed with (default RS256). */
  alg?: string;
  /** How long its tokens are valid, in seconds (default 600). */
  ttl?: number;
}

export interface ProviderOptions {
  /** The private signing keys (default: a fresh set from `signingKeys`). */
  keys?: JWK[];
  /** How far behind the provider's clock runs, in seconds. */
  clockOffsetSeconds?: number;
}

/** Fresh private signing keys, one per algorithm the tests use, each with a `kid` of `label`. */
export async function signingKeys(label: string): Promise<JWK[]> {
  const keys: JWK[] = [];
  for (const alg of ['RS256', 'ES256', 'PS384']) {
    const { privateKey } = await generateKeyPair(alg, { extractable: true });
    keys.push({ ...(await exportJWK(privateKey)), kid: `${label}-${alg}`, alg, use: 'sig' });
  }
  return keys;
}

const secretOf = (clientId: string) => `secret-of-${clientId}-that-is-long-enough-0123456789`;

/**
 * A real OpenID provider (oidc-provider, test/helpers/openid-provider-process.mjs) in a child process on a
 * loopback port, issuing JWT access tokens by the client credentials grant.
 */
export class TestOpenIdProvider {
  private child: ChildProcess | null = null;

  private constructor(
    readonly port: number,
    private readonly clients: ProviderClient[],
    private options: Required<Pick<ProviderOptions, 'keys'>> & ProviderOptions,
  ) {}

  get issuer(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  static async start(clients: ProviderClient[], options: ProviderOptions = {}): Promise<TestOpenIdProvider> {
    const provider = new TestOpenIdProvider(await freePort(), clients, {
      ...options,
      keys: options.keys ?? (await signingKeys('k1')),
    });
    await provider.launch();
    return provider;
  }

  /** An access token of `clientId` for `resource` (its `aud`). */
  async token(clientId: string, resource = 'https://api.spendin.test'): Promise<string> {
    const response = await fetch(`${this.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: secretOf(clientId),
        scope: 'api',
        resource,
      }),
    });
    const body = (await response.json()) as { access_token?: string; error?: string; error_description?: string };
    if (!response.ok || !body.access_token) {
      throw new Error(`the provider issued no token: ${response.status} ${body.error} ${body.error_description}`);
    }
    return body.access_token;
  }

  /** Stops the provider and starts it again on the same port and issuer, with `changes`. */
  async restart(changes: ProviderOptions): Promise<void> {
    await this.stop();
    this.options = { ...this.options, ...changes };
    await this.launch();
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  }

  private async launch(): Promise<void> {
    const settings = {
      port: this.port,
      keys: this.options.keys,
      clockOffsetSeconds: this.options.clockOffsetSeconds ?? 0,
      clients: this.clients.map((c) => ({
        client_id: c.id,
        client_secret: secretOf(c.id),
        claims: c.claims,
        alg: c.alg,
        ttl: c.ttl,
      })),
    };
    const child = spawn(process.execPath, [join(__dirname, 'openid-provider-process.mjs')], {
      env: { PATH: process.env.PATH, OIDC_TEST_SETTINGS: JSON.stringify(settings) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    await new Promise<void>((resolve, reject) => {
      let stdout = '';
      child.stdout!.on('data', (chunk) => {
        stdout += chunk;
        if (stdout.includes('ready ')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`the OpenID provider exited (${code}): ${stderr}`)));
    });
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}
