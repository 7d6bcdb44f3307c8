import { readFileSync, statSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AuditModule } from './audit/audit.module';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { pendingMigrations } from './database/migrations';
import { ENTITIES } from './entities';
import { OperatorAccounts } from './operators/operator-accounts';
import { OperatorsRepository } from './operators/operators.repository';
import { UsersModule } from './users/users.module';

export const OPERATOR_USAGE = `  operator create --email EMAIL --password-file FILE
                                  create an operator of the installation (docs/operator.md): outside
                                  every organization, logs in at POST /api/v1/operator/auth/login
  operator list                   the operators, with whether each is active
  operator deactivate --email EMAIL
                                  end the operator's tokens and logins at once (operator activate
                                  --email EMAIL lets them in again)
  operator reset-password --email EMAIL --password-file FILE
                                  a new password; every token of the operator ends

  The password is read from FILE (its first line), never from the command line, where it would
  stay in the shell's history and in the process list; keep FILE readable by you only.`;

const out = (line: string) => process.stdout.write(`${line}\n`);

export class OperatorUsageError extends Error {}

/** `npm run cli -- operator <action>`: the only way to make or change an operator account. */
export async function operatorCommand(
  config: AppConfig,
  action: string | undefined,
  flags: Record<string, string | boolean | undefined>,
): Promise<void> {
  const actions = ['create', 'list', 'deactivate', 'activate', 'reset-password'];
  if (!action || !actions.includes(action))
    throw new OperatorUsageError(`operator needs one of: ${actions.join(', ')}`);
  const needed = { create: ['email', 'password-file'], 'reset-password': ['email', 'password-file'], list: [] }[
    action as 'create'
  ] ?? ['email'];
  const missing = needed.filter((name) => typeof flags[name] !== 'string' || flags[name] === '');
  if (missing.length > 0)
    throw new OperatorUsageError(`operator ${action} needs ${missing.map((m) => `--${m}`).join(', ')}`);
  const password = typeof flags['password-file'] === 'string' ? readPassword(flags['password-file']) : '';
  const email = String(flags.email ?? '');

  const context = await NestFactory.createApplicationContext(
    {
      module: class OperatorCliModule {},
      imports: [ConfigModule.forRoot(config), DatabaseModule.forRoot(ENTITIES), AuditModule, UsersModule],
      providers: [OperatorsRepository, OperatorAccounts],
    },
    { logger: ['error', 'warn'] },
  );
  try {
    if ((await pendingMigrations(context.get(DataSource))).length > 0)
      throw new OperatorUsageError('The schema is not up to date; run `npm run migration:run` first');
    const accounts = context.get(OperatorAccounts);
    if (action === 'list') {
      const operators = await accounts.list();
      if (operators.length === 0) out('No operators yet: npm run cli -- operator create --email … --password-file …');
      for (const o of operators)
        out(`${o.email}\t${o.isActive ? 'active' : 'deactivated'}\t${o.id}\tcreated ${o.createdAt.toISOString()}`);
    } else if (action === 'create') {
      const operator = await accounts.create(email, password);
      out(`Created operator ${operator.email} (${operator.id}).`);
    } else if (action === 'reset-password') {
      const operator = await accounts.resetPassword(email, password);
      out(`Set a new password for operator ${operator.email}; their tokens no longer work.`);
    } else {
      const operator = await accounts.setActive(email, action === 'activate');
      out(
        operator.isActive
          ? `Operator ${operator.email} is active.`
          : `Deactivated operator ${operator.email}; their tokens no longer work.`,
      );
    }
  } finally {
    await context.close();
  }
}

function readPassword(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new OperatorUsageError(`Cannot read --password-file ${file}: ${(error as Error).message}`);
  }
  if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) {
    process.stderr.write(`Warning: ${file} is readable by others than its owner; chmod 600 it or delete it now.\n`);
  }
  const password = text.split(/\r?\n/)[0];
  if (!password) throw new OperatorUsageError(`--password-file ${file} is empty`);
  return password;
}
