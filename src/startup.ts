import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from './config/app-config';
import { migrateDatabase, pendingMigrations } from './database/migrations';
import { BootstrapService } from './organizations/bootstrap.service';

/**
 * Brings the schema up to date (embedded default, or MIGRATE_ON_START=true), or refuses to
 * start on an outdated schema with the command that fixes it.
 */
export async function prepareSchema(dataSource: DataSource, config: AppConfig, logger: Logger): Promise<void> {
  if (config.database.migrateOnStart) {
    // The embedded default migrates as its superuser and then serves as its application role.
    const url = config.database.migrationUrl ?? config.database.url!;
    const applied = await migrateDatabase(url, { grantTo: config.database.applicationRole });
    if (applied.length > 0) logger.log(`Applied migrations: ${applied.join(', ')}`);
    return;
  }
  const pending = await pendingMigrations(dataSource);
  if (pending.length > 0) {
    throw new Error(`The database has ${pending.length} pending migration(s) (${pending.join(', ')}). Run \`npm run migration:run\` first, or set MIGRATE_ON_START=true.`);
  }
}

/**
 * On the very first start (no organization at all) creates one with an admin, and prints the
 * admin's credentials once. The password is ADMIN_PASSWORD when set, otherwise random.
 */
export async function firstRun(bootstrap: BootstrapService, config: AppConfig): Promise<void> {
  if (!(await bootstrap.isEmpty())) return;
  const email = config.firstRun.adminEmail ?? 'admin@spendin.local';
  const password = config.firstRun.adminPassword ?? BootstrapService.generatePassword();
  await bootstrap.bootstrap({
    organizationName: config.firstRun.orgName,
    baseCurrency: config.firstRun.baseCurrency,
    adminEmail: email,
    adminPassword: password,
  });
  const url = localUrl(config);
  // Deliberately on stdout and not through the logger: shown once, to the person starting it.
  process.stdout.write(
    [
      '',
      '  Spendin is set up. Log in as the first admin:',
      `    organization: ${config.firstRun.orgName}`,
      `    e-mail:       ${email}`,
      `    password:     ${config.firstRun.adminPassword ? '(ADMIN_PASSWORD)' : password}`,
      '  This password is shown only once; change it after logging in:',
      `    curl -X POST ${url}/api/v1/users/me/password -H "authorization: Bearer <access_token>" \\`,
      `      -H 'content-type: application/json' -d '{"current_password":"…","new_password":"…"}'`,
      `  or at ${url}/docs: POST /auth/login, Authorize, then POST /users/me/password.`,
      '',
      '',
    ].join('\n'),
  );
}

/** Where the API can be reached from this machine, for messages to the person starting it. */
export function localUrl(config: AppConfig): string {
  return `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`;
}
