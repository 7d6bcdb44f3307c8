import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig } from './app-config';
import { ConfigError } from './config-error';
import { resolveFileVariables, withDotEnv } from './env-file';

const directory = (files: Record<string, string> = {}) => {
  const dir = mkdtempSync(join(tmpdir(), 'spendin-env-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
};

describe('.env in the working directory', () => {
  it('adds its settings, quoted values and comments as a shell would read them', () => {
    const cwd = directory({
      '.env': '# local settings\nPORT=4306\nORG_NAME="Acme Ltd" # the first organization\nexport LOG_LEVEL=warn\n',
    });
    expect(withDotEnv({}, cwd)).toEqual({ PORT: '4306', ORG_NAME: 'Acme Ltd', LOG_LEVEL: 'warn' });
  });

  it('loses to the real environment, in either form of a variable', () => {
    const cwd = directory({
      '.env': 'PORT=4306\nJWT_SECRET=from-the-file-0123456789-0123456789\nDATA_DIR_FILE=/nowhere\n',
    });
    const merged = withDotEnv({ PORT: '5000', JWT_SECRET_FILE: '/run/secrets/jwt', DATA_DIR: '/srv/data' }, cwd);
    expect(merged.PORT).toBe('5000');
    expect(merged.JWT_SECRET).toBeUndefined();
    expect(merged.JWT_SECRET_FILE).toBe('/run/secrets/jwt');
    expect(merged.DATA_DIR_FILE).toBeUndefined();
  });

  it('is optional', () => {
    const env = { PORT: '1234' };
    expect(withDotEnv(env, directory())).toBe(env);
  });
});

describe('*_FILE variables (Docker and Kubernetes secrets)', () => {
  it('reads the value from the file, without its trailing newline', () => {
    const dir = directory({ jwt: 'a-secret-from-a-file-that-is-long-enough\n' });
    const config = AppConfig.fromEnv({ DATA_DIR: dir, JWT_SECRET_FILE: join(dir, 'jwt') });
    expect(config.jwt.secret).toBe('a-secret-from-a-file-that-is-long-enough');
  });

  it('works for every setting, a URL too', () => {
    const dir = directory({ db: 'postgres://spendin:pw@db:5432/spendin\n' });
    expect(AppConfig.fromEnv({ DATA_DIR: dir, DATABASE_URL_FILE: join(dir, 'db') }).database.url).toBe(
      'postgres://spendin:pw@db:5432/spendin',
    );
  });

  it('validates the value read like any other, without showing a secret', () => {
    const dir = directory({ jwt: 'short\n' });
    expect(() => AppConfig.fromEnv({ DATA_DIR: dir, JWT_SECRET_FILE: join(dir, 'jwt') })).toThrow(
      /JWT_SECRET: must be at least 32 characters \(got \(hidden\)\)/,
    );
  });

  it('refuses a missing file and both forms at once, naming the variable', () => {
    let error: unknown;
    try {
      resolveFileVariables({ JWT_SECRET_FILE: '/nonexistent/jwt', SMTP_URL: 'smtp://x', SMTP_URL_FILE: '/x' }, [
        'JWT_SECRET',
        'SMTP_URL',
      ]);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'JWT_SECRET_FILE: cannot read /nonexistent/jwt (ENOENT)',
      'SMTP_URL_FILE: set SMTP_URL or SMTP_URL_FILE, not both',
    ]);
  });

  it('leaves variables it does not know alone', () => {
    expect(resolveFileVariables({ SOME_TOOL_FILE: '/nonexistent' }, ['JWT_SECRET'])).toEqual({
      SOME_TOOL_FILE: '/nonexistent',
    });
  });
});
