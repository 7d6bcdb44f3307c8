import cluster, { Worker } from 'node:cluster';
import { once } from 'node:events';
import { AppConfig, AppConfigOverrides } from './config/app-config';
import { ResolvedDatabase } from './database/runtime';
import { restartDelayMs } from './cluster-policy';
import { localUrl, migrateOnStart } from './startup';

/** What the primary tells each worker it forks: the embedded server's URLs, when it runs one. */
interface WorkerBrief {
  type: 'spendin:brief';
  embeddedDatabase?: AppConfigOverrides['embeddedDatabase'];
}

/** A worker's word that it listens. */
const LISTENING = 'spendin:listening';

/** How long SIGTERM lets the workers drain (they cut their own connections after 8 s) before they are killed. */
const STOP_MS = 15_000;

/** One JSON line in the workers' (pino's) shape, so that the primary's lines read like theirs. */
function log(config: AppConfig, level: 'info' | 'warn' | 'error', msg: string): void {
  if (config.logLevel === 'silent') return;
  const levels = { info: 30, warn: 40, error: 50 };
  process.stdout.write(
    `${JSON.stringify({ level: levels[level], time: Date.now(), pid: process.pid, role: 'primary', context: 'Cluster', msg })}\n`,
  );
}

/**
 * WEB_CONCURRENCY > 1: this process (node:cluster's primary) does what must happen once (the
 * embedded database was started by `resolveDatabase`; the migrations run here) and forks
 * `webConcurrency` workers that each run the whole API on the same port. A worker that dies is
 * forked again after a growing delay; SIGTERM or SIGINT drains every worker, then the
 * embedded database stops and the primary exits 0.
 */
export async function runPrimary(database: ResolvedDatabase): Promise<void> {
  const { config } = database;
  const count = config.webConcurrency;
  if (config.database.migrateOnStart) await migrateOnStart(config, (message) => log(config, 'info', message));
  const brief: WorkerBrief = {
    type: 'spendin:brief',
    embeddedDatabase: config.database.embedded
      ? {
          owner: config.database.migrationUrl!,
          application: config.database.url!,
          role: config.database.applicationRole!,
        }
      : undefined,
  };
  let stopping = false;
  let everListened = false;
  let listening = 0;
  let delayMs = 0;
  const startedAt = new Map<Worker, number>();

  const fork = () => {
    const worker = cluster.fork();
    startedAt.set(worker, Date.now());
    worker.on('online', () => worker.send(brief));
    worker.on('message', (message: unknown) => {
      if (message !== LISTENING) return;
      listening += 1;
      if (!everListened && listening === count)
        log(config, 'info', `Spendin API on ${localUrl(config)} (docs at /docs) with ${count} processes`);
      everListened ||= listening === count;
    });
  };

  const stop = async (code: number) => {
    const workers = Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => worker !== undefined);
    const exits = workers.map((worker) => once(worker, 'exit'));
    for (const worker of workers) worker.process.kill('SIGTERM');
    const killer = setTimeout(() => workers.forEach((worker) => worker.process.kill('SIGKILL')), STOP_MS);
    await Promise.all(exits);
    clearTimeout(killer);
    await database.stop();
    process.exit(code);
  };

  cluster.on('exit', (worker, code, signal) => {
    const lived = Date.now() - (startedAt.get(worker) ?? Date.now());
    startedAt.delete(worker);
    if (stopping) return;
    if (!everListened) {
      // Not one full start yet: the same fault (a pending migration, say) would kill every new worker too.
      log(
        config,
        'error',
        `API process ${worker.process.pid} exited (${signal ?? code}) before the API started; stopping`,
      );
      stopping = true;
      void stop(1);
      return;
    }
    listening = Math.max(0, listening - 1);
    delayMs = restartDelayMs(delayMs, lived);
    log(
      config,
      'warn',
      `API process ${worker.process.pid} (worker ${worker.id}) exited (${signal ?? code}); starting another in ${delayMs} ms`,
    );
    setTimeout(() => {
      if (!stopping) fork();
    }, delayMs);
  });

  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(config, 'info', `${signal} received; draining the ${count} API processes`);
    void stop(0);
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  for (let i = 0; i < count; i++) fork();
}

/** In a forked worker: waits for the primary's brief and returns this process' config from it. */
export async function workerConfig(): Promise<AppConfig> {
  const [brief] = (await once(process, 'message')) as [WorkerBrief];
  return AppConfig.fromEnv(process.env, { role: 'api', embeddedDatabase: brief.embeddedDatabase });
}

/** Tells the primary, if any, that this worker listens. */
export function reportListening(): void {
  if (cluster.isWorker) process.send?.(LISTENING);
}
