import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AuditModule } from './audit/audit.module';
import { BACKUP_USAGE, backupCommand, BackupUsageError } from './backup-cli';
import { passwordProblem } from './common/auth/password.validators';
import { DomainError } from './common/errors/domain-error';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { ConfigError } from './config/config-error';
import { loadDotEnv } from './config/env-file';
import { dataSourceOptions } from './database/data-source-options';
import { grantApplicationRole } from './database/grants';
import { DatabaseModule } from './database/database.module';
import { EmbeddedDatabaseError } from './database/embedded-postgres';
import { migrateDatabase, pendingMigrations } from './database/migrations';
import { resolveDatabase } from './database/runtime';
import { ENTITIES } from './entities';
import { BootstrapService } from './organizations/bootstrap.service';
import { OrganizationsModule } from './organizations/organizations.module';
import { DEMO_USAGE, demoCommand, DemoUsageError } from './demo-cli';
import { OPERATOR_USAGE, operatorCommand, OperatorUsageError } from './operator-cli';

const USAGE = `Usage: npm run cli -- <command> [options]

Commands:
  migrate [--revert] [--status] [--grant-to ROLE]
                                  apply pending migrations (or revert the last one, or list pending
                                  ones); --grant-to then gives the application role ROLE what the
                                  API and the worker need, and no more (run it as the schema owner)
  bootstrap --org NAME --email EMAIL --password PASSWORD [--full-name NAME] [--currency USD]
                                  create an organization with its first admin; running it again
                                  with the same organization and e-mail changes nothing
${DEMO_USAGE}
${OPERATOR_USAGE}
${BACKUP_USAGE}

The database is DATABASE_URL when set, otherwise the embedded one under DATA_DIR (./data).`;

const out = (line: string) => process.stdout.write(`${line}\n`);

async function migrate(
  config: AppConfig,
  flags: { revert?: boolean; status?: boolean; 'grant-to'?: string },
): Promise<void> {
  // The embedded default migrates as its superuser, and always grants its application role.
  const url = config.database.migrationUrl ?? config.database.url!;
  const role = flags['grant-to'] ?? config.database.applicationRole;
  if (!flags.status && !flags.revert) {
    const applied = await migrateDatabase(url, { grantTo: role }).catch((error: Error) => {
      throw /role/.test(error.message) ? new UsageError(error.message) : error;
    });
    out(applied.length === 0 ? 'Schema is up to date; nothing to apply.' : `Applied: ${applied.join(', ')}`);
    if (flags['grant-to']) out(`Granted ${role} what the API and the worker need.`);
    return;
  }
  const dataSource = await new DataSource(dataSourceOptions(url, { poolSize: 2, entities: ENTITIES })).initialize();
  try {
    if (flags.status) {
      const pending = await pendingMigrations(dataSource);
      out(pending.length === 0 ? 'Schema is up to date.' : `Pending: ${pending.join(', ')}`);
    } else {
      await dataSource.undoLastMigration({ transaction: 'each' });
      out('Reverted the last migration.');
      if (role) {
        await grantApplicationRole(dataSource, role);
        if (flags['grant-to']) out(`Granted ${role} what the API and the worker need.`);
      }
    }
  } finally {
    await dataSource.destroy();
  }
}

async function bootstrap(config: AppConfig, flags: Record<string, string | boolean | undefined>): Promise<void> {
  const missing = ['org', 'email', 'password'].filter((name) => typeof flags[name] !== 'string' || flags[name] === '');
  if (missing.length > 0) throw new UsageError(`bootstrap needs ${missing.map((m) => `--${m}`).join(', ')}`);
  const password = String(flags.password);
  const problem = passwordProblem(password, String(flags.email));
  if (problem) throw new UsageError(`--password ${problem}`);
  const currency = String(flags.currency ?? 'USD').toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) throw new UsageError('--currency must be an ISO-4217 code such as USD');

  const context = await NestFactory.createApplicationContext(
    {
      module: class CliModule {},
      imports: [ConfigModule.forRoot(config), DatabaseModule.forRoot(ENTITIES), AuditModule, OrganizationsModule],
    },
    { logger: ['error', 'warn'] },
  );
  try {
    const pending = await pendingMigrations(context.get(DataSource));
    if (pending.length > 0) throw new UsageError('The schema is not up to date; run `npm run migration:run` first');
    const result = await context.get(BootstrapService).bootstrap({
      organizationName: String(flags.org),
      adminEmail: String(flags.email),
      adminPassword: password,
      adminFullName: typeof flags['full-name'] === 'string' ? flags['full-name'] : undefined,
      baseCurrency: currency,
    });
    out(
      result.created
        ? `Created organization "${String(flags.org)}" (${result.organizationId}) with admin ${String(flags.email)} (${result.adminId}).`
        : `Organization "${String(flags.org)}" with admin ${String(flags.email)} already exists; nothing changed.`,
    );
  } finally {
    await context.close();
  }
}

class UsageError extends Error {}

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    strict: true,
    options: {
      org: { type: 'string' },
      email: { type: 'string' },
      password: { type: 'string' },
      'full-name': { type: 'string' },
      currency: { type: 'string' },
      revert: { type: 'boolean' },
      status: { type: 'boolean' },
      'grant-to': { type: 'string' },
      'password-file': { type: 'string' },
      to: { type: 'string' },
      keep: { type: 'string' },
      from: { type: 'string' },
      set: { type: 'string' },
      'database-url': { type: 'string' },
      months: { type: 'string' },
      seed: { type: 'string' },
      force: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, action] = positionals;
  if (values.help || !command || !['migrate', 'bootstrap', 'operator', 'backup', 'restore', 'demo'].includes(command)) {
    out(USAGE);
    return values.help ? 0 : 2;
  }
  loadDotEnv();
  // The demo drives the API in this process: its request log would bury the logins it prints.
  if (command === 'demo' && !process.env.LOG_LEVEL) process.env.LOG_LEVEL = 'warn';
  // Its dozens of uploads a minute are one script's seeding, not a client to hold back: the limits
  // of this process alone are off (a server running beside it keeps its own).
  if (command === 'demo') process.env.RATE_LIMIT_ENABLED = 'false';
  const database = await resolveDatabase(process.env, 'api', 'cli');
  try {
    if (command === 'backup' || command === 'restore') return await backupCommand(command, database.config, values);
    if (command === 'migrate') await migrate(database.config, values);
    else if (command === 'operator') await operatorCommand(database.config, action, values);
    else if (command === 'demo') await demoCommand(database.config, values);
    else await bootstrap(database.config, values);
    return 0;
  } finally {
    await database.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (
      error instanceof UsageError ||
      error instanceof OperatorUsageError ||
      error instanceof BackupUsageError ||
      error instanceof DemoUsageError ||
      error instanceof ConfigError ||
      error instanceof EmbeddedDatabaseError
    )
      process.stderr.write(`${error.message}\n`);
    else if (error instanceof DomainError) process.stderr.write(`${error.code}: ${error.message}\n`);
    else if ((error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION')
      process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    else process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(1);
  },
);
