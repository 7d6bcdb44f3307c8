import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { ConfigError } from './config-error';

const FILE_SUFFIX = '_FILE';

/**
 * Settings from `.env` in the working directory, under the real environment: a variable set in
 * the environment (directly or as its `*_FILE` variant) wins over both forms in the file.
 * Answers the merged environment; `env` itself is not changed.
 */
export function withDotEnv(env: NodeJS.ProcessEnv, cwd: string = process.cwd()): NodeJS.ProcessEnv {
  const path = join(cwd, '.env');
  if (!existsSync(path)) return env;
  let file: Record<string, string>;
  try {
    file = parseEnv(readFileSync(path, 'utf8')) as Record<string, string>;
  } catch (error) {
    throw new ConfigError([`.env: cannot be read (${(error as Error).message})`]);
  }
  const merged: NodeJS.ProcessEnv = { ...env };
  const setInEnvironment = (name: string) =>
    env[baseName(name)] !== undefined || env[`${baseName(name)}${FILE_SUFFIX}`] !== undefined;
  for (const [name, value] of Object.entries(file)) {
    if (!setInEnvironment(name)) merged[name] = value;
  }
  return merged;
}

/**
 * Docker and Kubernetes secrets: `JWT_SECRET_FILE=/run/secrets/jwt` stands for `JWT_SECRET` with
 * that file's content (one trailing newline dropped). Works for every variable in `names`;
 * setting both forms of one is refused, as the intent is unclear.
 */
export function resolveFileVariables(env: NodeJS.ProcessEnv, names: readonly string[]): NodeJS.ProcessEnv {
  const resolved: NodeJS.ProcessEnv = { ...env };
  const problems: string[] = [];
  for (const name of names) {
    const fileVariable = `${name}${FILE_SUFFIX}`;
    const path = env[fileVariable];
    if (path === undefined || path === '') continue;
    if (env[name] !== undefined && env[name] !== '') {
      problems.push(`${fileVariable}: set ${name} or ${fileVariable}, not both`);
      continue;
    }
    try {
      resolved[name] = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      problems.push(
        `${fileVariable}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      );
    }
    delete resolved[fileVariable];
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return resolved;
}

function baseName(name: string): string {
  return name.endsWith(FILE_SUFFIX) ? name.slice(0, -FILE_SUFFIX.length) : name;
}

/** Adds `.env`'s settings to `process.env` (the real environment wins); for the API, the worker and the CLI. */
export function loadDotEnv(cwd: string = process.cwd()): void {
  for (const [name, value] of Object.entries(withDotEnv(process.env, cwd))) {
    if (process.env[name] === undefined && value !== undefined) process.env[name] = value;
  }
}
