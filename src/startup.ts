import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from './config/app-config';
import { FIRST_ADMIN_EMAIL } from './config/environment';
import { migrateDatabase, pendingMigrations } from './database/migrations';
import { BootstrapService } from './organizations/bootstrap.service';

/**
 * Brings the schema up to date (embedded default, or MIGRATE_ON_START=true), or refuses to
 * start on an outdated schema with the command that fixes it.
 */
export async function prepareSchema(dataSource: DataSource, config: AppConfig, logger: Logger): Promise<void> {
  if (config.database.migrateOnStart) return migrateOnStart(config, (message) => logger.log(message));
  const pending = await pendingMigrations(dataSource);
  if (pending.length > 0) {
    throw new Error(
      `The database has ${pending.length} pending migration(s) (${pending.join(', ')}). Run \`npm run migration:run\` first, or set MIGRATE_ON_START=true.`,
    );
  }
}

/** Applies the pending migrations (MIGRATE_ON_START, or the embedded default): once per start, by the cluster's primary when there is one. */
export async function migrateOnStart(config: AppConfig, log: (message: string) => void): Promise<void> {
  // The embedded default migrates as its superuser and then serves as its application role.
  const url = config.database.migrationUrl ?? config.database.url!;
  const applied = await migrateDatabase(url, { grantTo: config.database.applicationRole });
  if (applied.length > 0) log(`Applied migrations: ${applied.join(', ')}`);
}

/**
 * On the very first start (no organization at all) creates one with an admin, and says how to
 * log in, once. The password is ADMIN_PASSWORD when set, otherwise random. A random one is
 * printed on stdout, for the person starting Spendin on their machine, except in production,
 * where stdout ends up in log collectors: there it goes to `DATA_DIR/first-admin-password`
 * (readable by this user only), the banner names the file, and the admin must choose a new
 * password at first login.
 */
export async function firstRun(bootstrap: BootstrapService, config: AppConfig): Promise<void> {
  if (!(await bootstrap.isEmpty())) return;
  const email = config.firstRun.adminEmail ?? FIRST_ADMIN_EMAIL;
  const given = config.firstRun.adminPassword;
  const password = given ?? BootstrapService.generatePassword(email);
  const toFile = config.env === 'production' && given === undefined;
  // Written before the admin exists, renamed into place only once this process created them: a
  // second process starting at the same moment must not leave its password, which nobody has.
  const file = toFile ? join(config.dataDir, FIRST_ADMIN_PASSWORD_FILE) : undefined;
  const pending = file ? `${file}.${process.pid}.tmp` : undefined;
  if (pending) {
    mkdirSync(config.dataDir, { recursive: true });
    rmSync(pending, { force: true });
    writeFileSync(pending, `${password}\n`, { mode: 0o600, flag: 'wx' });
  }
  let created: boolean;
  try {
    ({ created } = await bootstrap.bootstrap({
      organizationName: config.firstRun.orgName,
      baseCurrency: config.firstRun.baseCurrency,
      adminEmail: email,
      adminPassword: password,
      mustChangePassword: toFile,
    }));
  } catch (error) {
    if (pending) rmSync(pending, { force: true });
    throw error;
  }
  if (pending && file) {
    if (created) renameSync(pending, file);
    else rmSync(pending, { force: true });
  }
  if (!created) return;
  const url = localUrl(config);
  const shown = given !== undefined ? '(ADMIN_PASSWORD)' : file ? `in ${file} (readable by this user only)` : password;
  const after = file
    ? ['  Log in with it, choose a new password as asked (POST /users/me/password), then delete the file.']
    : [
        '  This password is shown only once; change it after logging in:',
        `    curl -X POST ${url}/api/v1/users/me/password -H "authorization: Bearer <access_token>" \\`,
        `      -H 'content-type: application/json' -d '{"current_password":"…","new_password":"…"}'`,
        `  or at ${url}/docs: POST /auth/login, Authorize, then POST /users/me/password.`,
      ];
  // Deliberately on stdout and not through the logger: shown once, to the person starting it.
  process.stdout.write(
    [
      '',
      '  Spendin is set up. Log in as the first admin:',
      `    organization: ${config.firstRun.orgName}`,
      `    e-mail:       ${email}`,
      `    password:     ${shown}`,
      ...after,
      '',
      '',
    ].join('\n'),
  );
}

/** Where a production first start leaves the generated admin password, under DATA_DIR. */
export const FIRST_ADMIN_PASSWORD_FILE = 'first-admin-password';

/** Where the API can be reached from this machine, for messages to the person starting it. */
export function localUrl(config: AppConfig): string {
  return `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`;
}
