import { AppConfig, ProcessRole } from '../config/app-config';
import { APPLICATION_ROLE, EmbeddedDatabase } from './embedded-postgres';

export interface ResolvedDatabase {
  /** The config with `database.url` set: the given DATABASE_URL or the embedded server's. */
  config: AppConfig;
  /** Leaves the embedded server (stopping it when no other process uses it); a no-op otherwise. */
  stop: () => Promise<void>;
}

/**
 * Uses DATABASE_URL when set; otherwise the embedded PostgreSQL under the data dir, started by
 * this process or shared with the Spendin process that runs it. `user` names this process
 * among the embedded server's users (api, worker, cli).
 */
export async function resolveDatabase(
  env: NodeJS.ProcessEnv = process.env,
  role: ProcessRole = 'api',
  user: string = role,
): Promise<ResolvedDatabase> {
  const config = AppConfig.fromEnv(env, { role });
  if (!config.database.embedded) return { config, stop: async () => undefined };
  const embedded = new EmbeddedDatabase(config.dataDir, { port: config.database.embeddedPort, role: user });
  const urls = await embedded.startWithRoles();
  return {
    config: AppConfig.fromEnv(env, { embeddedDatabase: { ...urls, role: APPLICATION_ROLE }, role }),
    stop: () => embedded.stop(),
  };
}
