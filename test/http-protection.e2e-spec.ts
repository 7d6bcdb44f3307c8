import { readFileSync } from 'node:fs';
import { connect, Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createTestApp, TestApp } from './helpers/test-app';

/*
 * The HTTP surface around the routes: CORS (CORS_ORIGINS), ReDoc at /redoc, and the server's
 * keep-alive timeout (HTTP_KEEP_ALIVE_TIMEOUT_MS) on a real port.
 */
const ALLOWED = 'https://app.example.test';

describe('CORS', () => {
  let cors: TestApp;
  let plain: TestApp;

  beforeAll(async () => {
    cors = await createTestApp({ CORS_ORIGINS: `${ALLOWED}, http://localhost:5173` });
    plain = await createTestApp({}, cors);
  });
  afterAll(async () => {
    await plain.close({ keepDatabase: true });
    await cors.close();
  });

  const preflight = (t: TestApp, origin: string) =>
    request(t.http)
      .options('/api/v1/spends')
      .set('Origin', origin)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization, content-type, idempotency-key');

  it('answers a preflight from an allowed origin with the headers the API reads', async () => {
    const response = await preflight(cors, ALLOWED).expect(204);
    expect(response.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(response.headers['access-control-allow-headers']).toBe('Authorization,Content-Type,Idempotency-Key');
    expect(response.headers['access-control-allow-methods']).toContain('POST');
    expect(response.headers['access-control-allow-credentials']).toBeUndefined();
    expect(response.headers.vary).toMatch(/Origin/);
  });

  it('gives a refused origin no Access-Control-Allow-Origin, so the browser blocks the call', async () => {
    const response = await preflight(cors, 'https://evil.example.test');
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    const simple = await request(cors.http).get('/api/v1/spends').set('Origin', 'https://evil.example.test');
    expect(simple.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('lets an allowed origin read the rate-limit, Retry-After and Location headers', async () => {
    const response = await request(cors.http).get('/api/v1/spends').set('Origin', 'http://localhost:5173').expect(401);
    expect(response.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    expect(response.headers['access-control-expose-headers']).toBe(
      'RateLimit-Limit,RateLimit-Remaining,RateLimit-Reset,Retry-After,Location',
    );
  });

  it('is off without CORS_ORIGINS: no CORS header at all, even for an origin allowed elsewhere', async () => {
    const response = await preflight(plain, ALLOWED);
    expect(Object.keys(response.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
    const simple = await request(plain.http).get('/api/v1/spends').set('Origin', ALLOWED);
    expect(Object.keys(simple.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
  });
});

describe('ReDoc at /redoc', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('answers a page that loads the bundle the API serves and the OpenAPI document', async () => {
    const response = await request(t.http).get('/redoc').expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.text).toContain('<redoc spec-url="/docs-json"></redoc>');
    expect(response.text).toContain('<script src="/redoc/redoc.standalone.js"></script>');
    expect(response.text).not.toMatch(/https?:\/\//);
    await request(t.http).get('/docs-json').expect(200).expect('Content-Type', /json/);
  });

  it('serves the bundle from the redoc package with a JavaScript content type', async () => {
    const response = await request(t.http).get('/redoc/redoc.standalone.js').expect(200);
    expect(response.headers['content-type']).toMatch(/^application\/javascript/);
    expect(response.text).toBe(readFileSync(require.resolve('redoc/bundles/redoc.standalone.js'), 'utf8'));
  });

  it("relaxes the CSP for ReDoc alone: its search worker starts from a blob: URL, and nothing else's may", async () => {
    const csp = (await request(t.http).get('/redoc').expect(200)).headers['content-security-policy'];
    const directives = new Map<string, string[]>(
      csp.split(';').map((directive: string) => {
        const [name, ...values] = directive.trim().split(/\s+/);
        return [name, values];
      }),
    );
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('worker-src')).toEqual(["'self'", 'blob:']);
    expect(directives.get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
    for (const path of ['/docs', '/api/v1/spends', '/health']) {
      const other = (await request(t.http).get(path)).headers['content-security-policy'];
      expect({ path, blob: other.includes('blob:') }).toEqual({ path, blob: false });
    }
  });
});

describe('HTTP keep-alive timeout', () => {
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    t = await createTestApp({ HTTP_KEEP_ALIVE_TIMEOUT_MS: '8000', HTTP_HEADERS_TIMEOUT_MS: '9000' });
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as AddressInfo).port;
  });
  afterAll(() => t.close());

  /** Sends one GET /health on the socket and resolves with the raw answer once it is complete. */
  function ask(socket: Socket): Promise<string> {
    return new Promise((resolve, reject) => {
      let answer = '';
      const onData = (chunk: Buffer) => {
        answer += chunk.toString();
        const [head, body = ''] = answer.split('\r\n\r\n');
        const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? NaN);
        if (body.length >= length) {
          socket.off('data', onData);
          resolve(answer);
        }
      };
      socket.on('data', onData);
      socket.once('error', reject);
      socket.write('GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n');
    });
  }

  it('keeps an idle connection past 6 s (Node closes it after 5 s by default), then closes it after the setting', async () => {
    const socket = connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    let closedAt: number | undefined;
    socket.once('close', () => (closedAt = Date.now()));
    expect(await ask(socket)).toMatch(/^HTTP\/1\.1 200 .*keep-alive: timeout=8/is);

    await new Promise((resolve) => setTimeout(resolve, 6_500));
    expect(closedAt).toBeUndefined();
    expect(await ask(socket)).toMatch(/^HTTP\/1\.1 200/);
    const answeredAt = Date.now();

    await new Promise<void>((resolve) => (closedAt ? resolve() : socket.once('close', () => resolve())));
    const idle = closedAt! - answeredAt;
    expect(idle).toBeGreaterThanOrEqual(7_500);
    expect(idle).toBeLessThan(10_500);
  }, 30_000);
});
