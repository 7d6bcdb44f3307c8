import { AppConfig, ProcessRole } from '../config/app-config';
import { EmbeddedDatabase } from './embedded-postgres';

export interface ResolvedDatabase {
  /** The config with `database.url` set: the given DATABASE_URL or the embedded server's. */
  config: AppConfig;
  /** Stops the embedded server when this process started one; a no-op otherwise. */
  stop: () => Promise<void>;
}

/** Uses DATABASE_URL when set; otherwise starts the embedded PostgreSQL under the data dir. */
export async function resolveDatabase(env: NodeJS.ProcessEnv = process.env, role: ProcessRole = 'api'): Promise<ResolvedDatabase> {
  const config = AppConfig.fromEnv(env, { role });
  if (!config.database.embedded) return { config, stop: async () => undefined };
  const embedded = new EmbeddedDatabase(config.dataDir, config.database.embeddedPort);
  const url = await embedded.start();
  return { config: AppConfig.fromEnv(env, { embeddedDatabaseUrl: url, role }), stop: () => embedded.stop() };
}
