import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(__dirname, '..', '..');

/** Kept from reaching anything but loopback: the machines this runs on may have no network. */
const QUIET_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface ChromiumChoice {
  /** Where it was found, for messages. */
  source: string;
  /** Resolves the binary and the arguments it must be launched with. */
  resolve: () => Promise<{ executablePath: string; args: string[] }>;
}

/**
 * A Chromium for the browser tests, looked for in this order: CHROMIUM_PATH, Debian's
 * `/usr/bin/chromium`, then the headless build shipped inside the `@sparticuz/chromium` dev
 * dependency (Linux x64; unpacked into the temp directory on first use). Answers why none can
 * run when there is none: on another platform without a Chromium installed.
 */
export function findChromium(): ChromiumChoice | { unavailable: string } {
  const given = process.env.CHROMIUM_PATH;
  if (given) {
    return {
      source: `CHROMIUM_PATH (${given})`,
      resolve: async () => {
        if (!existsSync(given)) throw new Error(`CHROMIUM_PATH names ${given}, which does not exist`);
        return { executablePath: given, args: QUIET_ARGS };
      },
    };
  }
  if (existsSync('/usr/bin/chromium'))
    return {
      source: '/usr/bin/chromium',
      resolve: async () => ({ executablePath: '/usr/bin/chromium', args: QUIET_ARGS }),
    };
  if (
    process.platform === 'linux' &&
    process.arch === 'x64' &&
    existsSync(join(ROOT, 'node_modules/@sparticuz/chromium/package.json'))
  ) {
    return { source: '@sparticuz/chromium', resolve: packagedChromium };
  }
  return {
    unavailable: `no Chromium on ${process.platform}-${process.arch}: set CHROMIUM_PATH to a Chromium or Chrome binary, or install /usr/bin/chromium (the npm-packaged one is Linux x64 only)`,
  };
}

/**
 * The packaged Chromium is an ES module that finds its files through `import.meta`, which Jest's
 * CommonJS module system cannot load: a child Node process unpacks it and says where it is.
 */
async function packagedChromium(): Promise<{ executablePath: string; args: string[] }> {
  const script = `import('@sparticuz/chromium').then(async ({ default: chromium }) =>
    process.stdout.write(JSON.stringify({ executablePath: await chromium.executablePath(), args: chromium.args })))`;
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], { cwd: ROOT, timeout: 120_000 });
  const found = JSON.parse(stdout) as { executablePath: string; args: string[] };
  return { executablePath: found.executablePath, args: [...new Set([...found.args, ...QUIET_ARGS])] };
}
