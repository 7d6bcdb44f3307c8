import { createHmac } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { freePort, runCli, RunningApi, startApi, startWorker } from './helpers/processes';

const PASSWORD = 'dotenv-first-start-password';
const SECRET = 'jwt-secret-read-from-a-secrets-file-0123456789';

/** A working directory with a `.env`, as a user keeps one beside their checkout. */
function directoryWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'spendin-dotenv-'));
  // As root the embedded PostgreSQL runs as the postgres OS user, which must enter it.
  chmodSync(dir, 0o755);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

/** Whether `token` is an HS256 JWT signed with `secret`. */
function signedWith(token: string, secret: string): boolean {
  const [header, payload, signature] = token.split('.');
  return createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url') === signature;
}

/**
 * Settings as users give them: a `.env` in the working directory (the real environment wins)
 * and `*_FILE` variables naming secret files, read by the API, the CLI and the worker.
 */
describe('Configuration from .env and *_FILE variables', () => {
  const dirs: string[] = [];
  let api: RunningApi | undefined;
  afterEach(async () => {
    await api?.stop();
    api = undefined;
  });
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('starts the API on the port of .env, with a JWT secret read from a file', async () => {
    const port = await freePort();
    const cwd = directoryWith({ 'jwt.secret': `${SECRET}\n` });
    dirs.push(cwd);
    writeFileSync(
      join(cwd, '.env'),
      [
        '# as in .env.example',
        `PORT=${port}`,
        `DATA_DIR=${join(cwd, 'data')}`,
        'ADMIN_EMAIL=admin@dotenv.test',
        `ADMIN_PASSWORD="${PASSWORD}"`,
        `JWT_SECRET_FILE=${join(cwd, 'jwt.secret')}`,
        'ORG_NAME="Dot Env Ltd"',
      ].join('\n'),
    );
    api = await startApi({ PORT: '', DATA_DIR: undefined }, 120_000, { cwd });
    expect(api.port).toBe(port);
    const login = await request(api.url)
      .post('/api/v1/auth/login')
      .send({ email: 'admin@dotenv.test', password: PASSWORD })
      .expect(200);
    expect(signedWith(login.body.access_token, SECRET)).toBe(true);
    const org = await request(api.url)
      .get('/api/v1/organization')
      .set('Authorization', `Bearer ${login.body.access_token}`)
      .expect(200);
    expect(org.body.name).toBe('Dot Env Ltd');
  }, 180_000);

  it('lets the real environment win over .env', async () => {
    const [fromFile, fromEnvironment] = [await freePort(), await freePort()];
    const cwd = directoryWith({ '.env': `PORT=${fromFile}\nORG_NAME=From the file\n` });
    dirs.push(cwd);
    api = await startApi(
      { PORT: String(fromEnvironment), DATA_DIR: join(cwd, 'data'), ORG_NAME: 'From the environment' },
      120_000,
      { cwd },
    );
    expect(api.port).toBe(fromEnvironment);
    expect(api.output()).toContain('organization: From the environment');
  }, 180_000);

  it('refuses an unreadable secret file at boot, naming the variable', async () => {
    const cwd = directoryWith({ '.env': 'JWT_SECRET_FILE=/nonexistent/jwt\n' });
    dirs.push(cwd);
    const result = await runCli(['migrate', '--status'], {}, { cwd });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('JWT_SECRET_FILE: cannot read /nonexistent/jwt (ENOENT)');
  });

  it('runs the CLI on the DATA_DIR of .env', async () => {
    const cwd = directoryWith({});
    dirs.push(cwd);
    writeFileSync(join(cwd, '.env'), `DATA_DIR=${join(cwd, 'cli-data')}\n`);
    const migrated = await runCli(['migrate'], { DATA_DIR: undefined }, { cwd });
    expect(migrated.code).toBe(0);
    const bootstrapped = await runCli(
      ['bootstrap', '--org', 'CLI Co', '--email', 'admin@cli.test', '--password', PASSWORD],
      { DATA_DIR: undefined },
      { cwd },
    );
    expect(bootstrapped.stdout).toContain('Created organization "CLI Co"');
    // The API started on that DATA_DIR finds what the CLI made there.
    api = await startApi({ DATA_DIR: join(cwd, 'cli-data') }, 120_000);
    await request(api.url).post('/api/v1/auth/login').send({ email: 'admin@cli.test', password: PASSWORD }).expect(200);
  }, 180_000);

  // The worker needs Redis (the first pass of .ci/run has it).
  (process.env.REDIS_URL ? it : it.skip)(
    'starts the worker with REDIS_URL from .env',
    async () => {
      const cwd = directoryWith({});
      dirs.push(cwd);
      const dataDir = join(cwd, 'data');
      api = await startApi({ DATA_DIR: dataDir }, 120_000);
      writeFileSync(
        join(cwd, '.env'),
        `REDIS_URL=${process.env.REDIS_URL}\nDATA_DIR=${dataDir}\nQUEUE_PREFIX=dotenv_${process.pid}\n`,
      );
      const worker = await startWorker({ REDIS_URL: undefined, DATA_DIR: undefined }, 120_000, { cwd });
      expect((await worker.stop()).code).toBe(0);
      await request(api.url).get('/health/ready').expect(200);
    },
    180_000,
  );
});
