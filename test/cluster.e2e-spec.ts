import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from './helpers/eventually';
import { RunningApi, runToExit, startApi } from './helpers/processes';
import { cloneTemplate, createEmptyDatabase, dropDatabase } from './setup/suite-database';

/** GET on a connection of its own (no keep-alive), so that the cluster hands each to the next process. */
function fetchOnce(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    }).on('error', reject);
  });
}

interface LogLine {
  pid?: number;
  worker?: number;
  msg?: string;
  req?: { url?: string };
}

function logLines(output: string): LogLine[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
}

/** The pids (and worker ids) of the processes that logged answering `url` in `output`. */
function answeredBy(output: string, url: string): Map<number, number | undefined> {
  const found = new Map<number, number | undefined>();
  for (const line of logLines(output)) if (line.req?.url === url && line.pid) found.set(line.pid, line.worker);
  return found;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const started = (api: RunningApi, count: number) =>
  eventually(() => expect(api.output()).toContain(`(docs at /docs) with ${count} processes`), { timeoutMs: 120_000 });

describe.each([
  ['the embedded default (the primary starts PostgreSQL once)', 'embedded'],
  ['DATABASE_URL with MIGRATE_ON_START=true', 'external'],
])('WEB_CONCURRENCY=2: %s', (_title, mode) => {
  const database = `spendin_cluster_${randomBytes(4).toString('hex')}`;
  let api: RunningApi;
  let workers: number[] = [];

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'spendin-cluster-'));
    chmodSync(dataDir, 0o755);
    const env =
      mode === 'embedded'
        ? { DATA_DIR: dataDir }
        : { DATA_DIR: dataDir, DATABASE_URL: await cloneTemplate(database), MIGRATE_ON_START: 'true' };
    api = await startApi({ ...env, WEB_CONCURRENCY: '2', OCR_WORKERS: '1' }, 120_000);
    await started(api, 2);
  }, 180_000);

  afterAll(async () => {
    if (api?.child.exitCode === null) await api.stop();
    if (mode === 'external') await dropDatabase(database);
  });

  it('answers on one port from two processes, neither of them the primary', async () => {
    for (let i = 0; i < 12; i++) expect(await fetchOnce(`${api.url}/health/ready`)).toBe(200);
    const pids = await eventually(() => {
      const found = answeredBy(api.output(), '/health/ready');
      expect(found.size).toBe(2);
      return found;
    });
    expect([...pids.keys()]).not.toContain(api.child.pid);
    expect([...pids.values()].sort()).toEqual([1, 2]);
    workers = [...pids.keys()];
    // The primary's own lines say who they are too.
    expect(
      logLines(api.output()).some((line) => line.pid === api.child.pid && /with 2 processes/.test(line.msg ?? '')),
    ).toBe(true);
  });

  if (mode === 'embedded') {
    it('starts the embedded database in the primary only; the workers connect to it', () => {
      const plain = api.output().replace(/\x1b\[[0-9;]*m/g, '');
      const embeddedLines = plain.split('\n').filter((line) => line.includes('[EmbeddedDatabase]'));
      expect(embeddedLines.length).toBeGreaterThan(0);
      for (const line of embeddedLines) expect(line).toMatch(new RegExp(`^\\[Nest\\] ${api.child.pid} `));
      expect(plain).not.toMatch(/that another Spendin process/);
    });
  }

  it('forks a new process for one that dies, and keeps answering meanwhile', async () => {
    const [victim, survivor] = workers;
    process.kill(victim, 'SIGKILL');
    await eventually(() =>
      expect(api.output()).toMatch(new RegExp(`API process ${victim} \\(worker \\d\\) exited \\(SIGKILL\\)`)),
    );
    // While the new one starts, the survivor answers every request.
    for (let i = 0; i < 4; i++) expect(await fetchOnce(`${api.url}/health`)).toBe(200);
    const replacement = await eventually(
      async () => {
        expect(await fetchOnce(`${api.url}/health/ready`)).toBe(200);
        const fresh = [...answeredBy(api.output(), '/health/ready').keys()].filter((pid) => !workers.includes(pid));
        expect(fresh).toHaveLength(1);
        return fresh[0];
      },
      { timeoutMs: 90_000, intervalMs: 200 },
    );
    expect(alive(survivor)).toBe(true);
    expect(alive(victim)).toBe(false);
    workers = [survivor, replacement];
  }, 120_000);

  it('drains every process on SIGTERM and exits 0', async () => {
    const { code } = await api.stop('SIGTERM');
    expect(code).toBe(0);
    for (const pid of workers) expect(alive(pid)).toBe(false);
    expect(api.output()).toContain('SIGTERM received; draining the 2 API processes');
  }, 60_000);
});

describe('WEB_CONCURRENCY refusals', () => {
  it.each(['0', '65', 'many'])('refuses WEB_CONCURRENCY=%s at start', async (value) => {
    const { code, stderr } = await runToExit(['dist/src/main.js'], {
      WEB_CONCURRENCY: value,
      DATABASE_URL: 'postgres://x@127.0.0.1:1/x',
    });
    expect(code).toBe(1);
    expect(stderr).toContain(`WEB_CONCURRENCY: must be auto or a whole number from 1 to 64 (got "${value}")`);
  });

  it('exits 1, without forking again and again, when the processes cannot start (pending migrations)', async () => {
    const name = `spendin_cluster_empty_${randomBytes(4).toString('hex')}`;
    try {
      const url = await createEmptyDatabase(name);
      const { code, stdout, stderr } = await runToExit(['dist/src/main.js'], {
        WEB_CONCURRENCY: '2',
        DATABASE_URL: url,
      });
      expect(code).toBe(1);
      expect(stdout + stderr).toContain('pending migration(s)');
      expect(stdout).toMatch(/exited \(1\) before the API started; stopping/);
      expect(stdout).not.toMatch(/starting another/);
    } finally {
      await dropDatabase(name);
    }
  }, 120_000);
});
