import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig } from './app-config';
import { ConfigError } from './config-error';

const dataDir = () => mkdtempSync(join(tmpdir(), 'spendin-config-'));

describe('AppConfig', () => {
  it('has working defaults: port 3000, embedded database migrated on start, 15-minute tokens', () => {
    const config = AppConfig.fromEnv({ DATA_DIR: dataDir() });
    expect(config.port).toBe(3000);
    expect(config.database).toMatchObject({ embedded: true, migrateOnStart: true, url: undefined });
    expect(config.jwt.accessTtlSeconds).toBe(900);
  });

  it('uses DATABASE_URL as is and then leaves migrating to `npm run migration:run`', () => {
    const config = AppConfig.fromEnv({ DATA_DIR: dataDir(), DATABASE_URL: 'postgres://u@db:5432/spendin' });
    expect(config.database).toMatchObject({
      embedded: false,
      migrateOnStart: false,
      url: 'postgres://u@db:5432/spendin',
    });
    expect(
      AppConfig.fromEnv({ DATA_DIR: dataDir(), DATABASE_URL: 'postgres://u@db/s', MIGRATE_ON_START: 'true' }).database
        .migrateOnStart,
    ).toBe(true);
  });

  it('generates a development JWT secret once and keeps it under the data dir', () => {
    const dir = dataDir();
    const first = AppConfig.fromEnv({ DATA_DIR: dir }).jwt.secret;
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(readFileSync(join(dir, 'jwt-secret'), 'utf8')).toBe(first);
    expect(AppConfig.fromEnv({ DATA_DIR: dir }).jwt.secret).toBe(first);
  });

  it('requires JWT_SECRET, AUDIT_KEY and SECRETS_KEY in production, naming each one missing, and generates none there', () => {
    const refusal = (env: Record<string, string>) => {
      try {
        AppConfig.fromEnv({ DATA_DIR: dataDir(), NODE_ENV: 'production', ...env });
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as ConfigError).message;
      }
      return null;
    };
    expect(refusal({})).toEqual(
      expect.stringMatching(
        /JWT_SECRET: must be set in production[\s\S]*AUDIT_KEY: must be set in production[\s\S]*SECRETS_KEY: must be set in production/,
      ),
    );
    const withJwt = refusal({ JWT_SECRET: 'a-production-jwt-secret-of-32-characters-or-more' });
    expect(withJwt).toContain('SECRETS_KEY: must be set in production');
    expect(withJwt).toContain('AUDIT_KEY: must be set in production');
    expect(withJwt).not.toContain('JWT_SECRET');
    const dir = dataDir();
    const config = AppConfig.fromEnv({
      DATA_DIR: dir,
      NODE_ENV: 'production',
      JWT_SECRET: 'a-production-jwt-secret-of-32-characters-or-more',
      AUDIT_KEY: 'a-production-audit-key-of-32-characters-or-more',
      SECRETS_KEY: randomBytes(32).toString('base64'),
    });
    expect(config.secrets.key).toHaveLength(32);
    expect(config.audit.key).toBe('a-production-audit-key-of-32-characters-or-more');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('names WEBHOOK_SECRET, in either form, as retired (it is not read), and nothing when it is unset', () => {
    expect(AppConfig.fromEnv({ DATA_DIR: dataDir() }).retired).toEqual([]);
    for (const env of [
      { WEBHOOK_SECRET: 'an-old-shared-secret-of-32-characters!!' },
      { WEBHOOK_SECRET_FILE: '/run/secrets/webhook' },
    ]) {
      const [warning, ...more] = AppConfig.fromEnv({ DATA_DIR: dataDir(), ...env }).retired;
      expect(more).toEqual([]);
      expect(warning).toMatch(
        /^WEBHOOK_SECRET is no longer read: .*\/api\/v1\/organization\/identity-provider\/secret/,
      );
      expect(warning).not.toContain('an-old-shared-secret');
    }
  });

  it('generates a development SECRETS_KEY of 32 bytes once, under the data dir, readable by its owner only', () => {
    const dir = dataDir();
    const first = AppConfig.fromEnv({ DATA_DIR: dir }).secrets.key;
    expect(first).toHaveLength(32);
    expect(Buffer.from(readFileSync(join(dir, 'secrets-key'), 'utf8'), 'base64').equals(first)).toBe(true);
    expect(statSync(join(dir, 'secrets-key')).mode & 0o777).toBe(0o600);
    expect(AppConfig.fromEnv({ DATA_DIR: dir }).secrets.key.equals(first)).toBe(true);
  });

  it('takes SECRETS_KEY and SECRETS_PREVIOUS_KEYS as 32-byte base64 keys and refuses anything else without showing it', () => {
    const [key, old1, old2] = [randomBytes(32), randomBytes(32), randomBytes(32)];
    const config = AppConfig.fromEnv({
      DATA_DIR: dataDir(),
      SECRETS_KEY: key.toString('base64'),
      SECRETS_PREVIOUS_KEYS: `${old1.toString('base64')},${old2.toString('base64url')}`,
    });
    expect(config.secrets.key.equals(key)).toBe(true);
    expect(config.secrets.previousKeys.map((k) => k.toString('hex'))).toEqual([
      old1.toString('hex'),
      old2.toString('hex'),
    ]);
    for (const [name, value] of [
      ['SECRETS_KEY', randomBytes(16).toString('base64')],
      ['SECRETS_KEY', randomBytes(33).toString('base64')],
      ['SECRETS_KEY', 'not base64 at all, but 44 characters long!!'],
      ['SECRETS_PREVIOUS_KEYS', `${key.toString('base64')},short`],
      ['SECRETS_PREVIOUS_KEYS', `${key.toString('base64')},`],
    ]) {
      let message = '';
      try {
        AppConfig.fromEnv({ DATA_DIR: dataDir(), [name]: value });
      } catch (error) {
        message = (error as Error).message;
      }
      expect([name, message]).toEqual([name, expect.stringContaining(`${name}: must be`)]);
      expect(message).toContain('(got (hidden))');
      expect(message).not.toContain(value.split(',')[0]);
    }
  });

  it('sends e-mail only with SMTP_URL, from SMTP_FROM or a default sender, and keeps the password out of what may be logged', () => {
    expect(AppConfig.fromEnv({ DATA_DIR: dataDir() }).smtp).toBeUndefined();
    expect(
      AppConfig.fromEnv({ DATA_DIR: dataDir(), SMTP_URL: 'smtp://mailer:s3cret-pass@mail.example.com:587' }).smtp,
    ).toEqual({
      url: 'smtp://mailer:s3cret-pass@mail.example.com:587',
      from: 'Spendin <no-reply@spendin.local>',
      server: 'smtp://mail.example.com:587',
    });
    expect(
      AppConfig.fromEnv({
        DATA_DIR: dataDir(),
        SMTP_URL: 'smtps://mail.example.com',
        SMTP_FROM: 'Acme Expenses <expenses@acme.test>',
      }).smtp,
    ).toMatchObject({ from: 'Acme Expenses <expenses@acme.test>', server: 'smtps://mail.example.com' });
  });

  it('refuses a bad SMTP_URL or SMTP_FROM by name, without showing the URL', () => {
    const attempt = (env: Record<string, string>) => {
      try {
        AppConfig.fromEnv({ DATA_DIR: dataDir(), ...env });
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as ConfigError).message;
      }
      throw new Error('expected a ConfigError');
    };
    const scheme = attempt({ SMTP_URL: 'http://mailer:s3cret-pass@mail.example.com' });
    expect(scheme).toContain('SMTP_URL: must be an smtp:// or smtps:// URL');
    expect(scheme).not.toContain('s3cret-pass');
    const port = attempt({ SMTP_URL: 'smtp://mailer:s3cret-pass@mail.example.com:99999' });
    expect(port).toContain('SMTP_URL: is not a valid URL');
    expect(port).not.toContain('s3cret-pass');
    expect(attempt({ SMTP_URL: 'smtp://mail.example.com', SMTP_FROM: 'nobody' })).toContain(
      'SMTP_FROM: must be an address',
    );
  });

  it('names every bad variable, and hides secret values', () => {
    try {
      AppConfig.fromEnv({
        DATA_DIR: dataDir(),
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        JWT_SECRET: 'short',
        MIGRATE_ON_START: 'maybe',
      });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as ConfigError).message;
      for (const name of ['PORT', 'DATABASE_URL', 'JWT_SECRET', 'MIGRATE_ON_START'])
        expect(message).toContain(`${name}:`);
      expect(message).toContain('(got "eighty")');
      expect(message).not.toContain('short');
    }
  });

  it('books the journal export on payables 2100 and expense 6000 unless JOURNAL_* name other accounts', () => {
    expect(AppConfig.fromEnv({ DATA_DIR: dataDir() }).reports).toEqual({
      payablesAccount: '2100',
      fallbackExpenseAccount: '6000',
    });
    expect(
      AppConfig.fromEnv({ DATA_DIR: dataDir(), JOURNAL_PAYABLES_ACCOUNT: '2000.10', JOURNAL_EXPENSE_ACCOUNT: 'EXP-99' })
        .reports,
    ).toEqual({ payablesAccount: '2000.10', fallbackExpenseAccount: 'EXP-99' });
    expect(() => AppConfig.fromEnv({ DATA_DIR: dataDir(), JOURNAL_PAYABLES_ACCOUNT: '=cmd' })).toThrow(
      /JOURNAL_PAYABLES_ACCOUNT: must be an account code/,
    );
  });

  it('keeps dispatched outbox rows and finished webhook deliveries 30 days unless told otherwise, and at least a day', () => {
    expect(AppConfig.fromEnv({ DATA_DIR: dataDir() }).retention).toEqual({
      outboxDays: 30,
      webhookDays: 30,
      reportHours: 72,
    });
    expect(
      AppConfig.fromEnv({
        DATA_DIR: dataDir(),
        OUTBOX_RETENTION_DAYS: '7',
        WEBHOOK_RETENTION_DAYS: '90',
        REPORT_RETENTION_HOURS: '1',
      }).retention,
    ).toEqual({ outboxDays: 7, webhookDays: 90, reportHours: 1 });
    expect(() => AppConfig.fromEnv({ DATA_DIR: dataDir(), REPORT_RETENTION_HOURS: '0' })).toThrow(
      /REPORT_RETENTION_HOURS/,
    );
    expect(() => AppConfig.fromEnv({ DATA_DIR: dataDir(), OUTBOX_RETENTION_DAYS: '0' })).toThrow(
      /OUTBOX_RETENTION_DAYS/,
    );
    expect(() => AppConfig.fromEnv({ DATA_DIR: dataDir(), WEBHOOK_RETENTION_DAYS: 'forever' })).toThrow(
      /WEBHOOK_RETENTION_DAYS/,
    );
  });
  it('keeps the queue board off unless QUEUE_BOARD turns it on, read-only or read-write, with an operator password of 32 characters or more', () => {
    const password = 'an-operator-password-of-32-chars-at-least';
    expect(AppConfig.fromEnv({ DATA_DIR: dataDir() }).queueBoard).toEqual({ mode: 'off' });
    expect(AppConfig.fromEnv({ DATA_DIR: dataDir(), QUEUE_BOARD_PASSWORD: password }).queueBoard).toEqual({
      mode: 'off',
    });
    expect(
      AppConfig.fromEnv({ DATA_DIR: dataDir(), QUEUE_BOARD: 'read-only', QUEUE_BOARD_PASSWORD: password }).queueBoard,
    ).toEqual({ mode: 'read-only', password });
    expect(
      AppConfig.fromEnv({ DATA_DIR: dataDir(), QUEUE_BOARD: 'read-write', QUEUE_BOARD_PASSWORD: password }).queueBoard,
    ).toEqual({ mode: 'read-write', password });
    expect(() => AppConfig.fromEnv({ DATA_DIR: dataDir(), QUEUE_BOARD: 'read-only' })).toThrow(
      /QUEUE_BOARD_PASSWORD: must be set .* when QUEUE_BOARD=read-only/,
    );
    expect(() => AppConfig.fromEnv({ DATA_DIR: dataDir(), QUEUE_BOARD: 'on', QUEUE_BOARD_PASSWORD: password })).toThrow(
      /QUEUE_BOARD: must be off, read-only or read-write/,
    );
    let message = '';
    try {
      AppConfig.fromEnv({ DATA_DIR: dataDir(), QUEUE_BOARD: 'read-write', QUEUE_BOARD_PASSWORD: 'hunter2-is-short' });
    } catch (error) {
      message = (error as ConfigError).message;
    }
    expect(message).toContain('QUEUE_BOARD_PASSWORD: must be at least 32 characters (got (hidden))');
    expect(message).not.toContain('hunter2');
  });

  it('keeps /metrics off unless METRICS_ENABLED, takes a METRICS_TOKEN of 32 characters or more, and an OUTBOX_STALL_MINUTES', () => {
    const token = 'a-scrape-token-of-this-installation-0123456789';
    const defaults = AppConfig.fromEnv({ DATA_DIR: dataDir() });
    expect(defaults.metrics).toEqual({ enabled: false, token: undefined });
    expect(defaults.health).toEqual({ stallMinutes: 10 });
    const on = AppConfig.fromEnv({
      DATA_DIR: dataDir(),
      METRICS_ENABLED: 'true',
      METRICS_TOKEN: token,
      OUTBOX_STALL_MINUTES: '3',
    });
    expect(on.metrics).toEqual({ enabled: true, token });
    expect(on.health).toEqual({ stallMinutes: 3 });
    expect(() => AppConfig.fromEnv({ DATA_DIR: dataDir(), METRICS_ENABLED: 'yes please' })).toThrow(
      /METRICS_ENABLED: must be true or false/,
    );
    expect(() => AppConfig.fromEnv({ DATA_DIR: dataDir(), OUTBOX_STALL_MINUTES: '0' })).toThrow(/OUTBOX_STALL_MINUTES/);
    let message = '';
    try {
      AppConfig.fromEnv({ DATA_DIR: dataDir(), METRICS_ENABLED: 'true', METRICS_TOKEN: 'short-secret-token' });
    } catch (error) {
      message = (error as ConfigError).message;
    }
    expect(message).toContain('METRICS_TOKEN: must be at least 32 characters (got (hidden))');
    expect(message).not.toContain('short-secret-token');
  });

  it('takes the OpenTelemetry endpoint and service name, and refuses an endpoint that is no http(s) URL', () => {
    expect(AppConfig.fromEnv({ DATA_DIR: dataDir() }).tracing).toEqual({ endpoint: undefined, serviceName: undefined });
    expect(
      AppConfig.fromEnv({
        DATA_DIR: dataDir(),
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4318',
        OTEL_SERVICE_NAME: 'spendin-api-eu',
      }).tracing,
    ).toEqual({ endpoint: 'http://otel-collector:4318', serviceName: 'spendin-api-eu' });
    expect(() =>
      AppConfig.fromEnv({ DATA_DIR: dataDir(), OTEL_EXPORTER_OTLP_ENDPOINT: 'otel-collector:4318' }),
    ).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT: must be an http:\/\/ or https:\/\/ URL/);
  });

  it('stores receipts on the local disk unless S3_BUCKET (or RECEIPTS_STORAGE=s3) names a bucket', () => {
    const dir = dataDir();
    expect(AppConfig.fromEnv({ DATA_DIR: dir }).receipts).toMatchObject({
      storage: 'local',
      dir: join(dir, 'receipts'),
      s3: undefined,
    });
    const s3 = AppConfig.fromEnv({ DATA_DIR: dir, S3_BUCKET: 'spendin-receipts' }).receipts;
    expect(s3).toMatchObject({
      storage: 's3',
      s3: {
        bucket: 'spendin-receipts',
        region: 'us-east-1',
        endpoint: undefined,
        forcePathStyle: false,
        prefix: '',
        timeoutMs: 30_000,
        credentials: undefined,
      },
    });
    expect(
      AppConfig.fromEnv({ DATA_DIR: dir, S3_BUCKET: 'spendin-receipts', RECEIPTS_STORAGE: 'local' }).receipts,
    ).toMatchObject({ storage: 'local', s3: undefined });
  });

  it('addresses an S3_ENDPOINT by path unless told otherwise, ends S3_PREFIX with a slash, and logs the bucket without its keys', () => {
    const { s3 } = AppConfig.fromEnv({
      DATA_DIR: dataDir(),
      S3_BUCKET: 'receipts',
      S3_ENDPOINT: 'http://minio:9000',
      S3_REGION: 'eu-west-1',
      S3_PREFIX: 'acme',
      S3_ACCESS_KEY_ID: 'AKIAEXAMPLEKEYID',
      S3_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI-s3cret',
      S3_TIMEOUT_MS: '5000',
    }).receipts;
    expect(s3).toEqual({
      bucket: 'receipts',
      region: 'eu-west-1',
      endpoint: 'http://minio:9000',
      forcePathStyle: true,
      prefix: 'acme/',
      timeoutMs: 5_000,
      credentials: { accessKeyId: 'AKIAEXAMPLEKEYID', secretAccessKey: 'wJalrXUtnFEMI-s3cret' },
      location: 's3://receipts/acme/ at http://minio:9000',
    });
    expect(
      AppConfig.fromEnv({
        DATA_DIR: dataDir(),
        S3_BUCKET: 'receipts',
        S3_ENDPOINT: 'https://s3.example.com',
        S3_FORCE_PATH_STYLE: 'false',
      }).receipts.s3?.forcePathStyle,
    ).toBe(false);
  });

  it('refuses S3 settings that cannot work, by name, and never shows the keys', () => {
    const attempt = (env: Record<string, string>) => {
      try {
        AppConfig.fromEnv({ DATA_DIR: dataDir(), ...env });
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as ConfigError).message;
      }
      throw new Error('expected a ConfigError');
    };
    expect(attempt({ RECEIPTS_STORAGE: 's3' })).toContain('S3_BUCKET: must be set when RECEIPTS_STORAGE=s3');
    expect(attempt({ RECEIPTS_STORAGE: 'ftp' })).toContain('RECEIPTS_STORAGE: must be local or s3');
    expect(attempt({ S3_BUCKET: 'Receipts_2026' })).toContain('S3_BUCKET: must be a bucket name');
    expect(attempt({ S3_BUCKET: 'receipts', S3_ENDPOINT: 'minio:9000' })).toContain(
      'S3_ENDPOINT: must be an http:// or https:// URL',
    );
    expect(attempt({ S3_BUCKET: 'receipts', S3_PREFIX: '/abs' })).toContain('S3_PREFIX:');
    expect(attempt({ S3_BUCKET: 'receipts', S3_TIMEOUT_MS: '10' })).toContain('S3_TIMEOUT_MS:');
    const half = attempt({ S3_BUCKET: 'receipts', S3_ACCESS_KEY_ID: 'AKIAEXAMPLEKEYID' });
    expect(half).toContain('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY: set both');
    expect(half).not.toContain('AKIAEXAMPLEKEYID');
    const long = attempt({
      S3_BUCKET: 'receipts',
      S3_ACCESS_KEY_ID: 'k'.repeat(129),
      S3_SECRET_ACCESS_KEY: 's3cret'.repeat(50),
    });
    expect(long).toMatch(/S3_ACCESS_KEY_ID: .*\(got \(hidden\)\)/);
    expect(long).toMatch(/S3_SECRET_ACCESS_KEY: .*\(got \(hidden\)\)/);
    expect(long).not.toMatch(/kkkk|s3crets3cret/);
  });

  it('trusts a number of proxies or their addresses, never every hop', () => {
    expect(AppConfig.fromEnv({ DATA_DIR: dataDir() }).trustProxy).toBe(false);
    expect(AppConfig.fromEnv({ DATA_DIR: dataDir(), TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(AppConfig.fromEnv({ DATA_DIR: dataDir(), TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(AppConfig.fromEnv({ DATA_DIR: dataDir(), TRUST_PROXY: '10.0.0.0/8, loopback, ::1' }).trustProxy).toEqual([
      '10.0.0.0/8',
      'loopback',
      '::1',
    ]);
    for (const bad of ['true', 'yes-please', '10.0.0.0/33', '300.1.1.1', 'loopback,evil.example']) {
      expect(() => AppConfig.fromEnv({ DATA_DIR: dataDir(), TRUST_PROXY: bad })).toThrow(
        /TRUST_PROXY: .*true would trust any X-Forwarded-For/,
      );
    }
  });
});
