import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

/**
 * `npm start`, the CLI and the worker build with tsc only when a source changed
 * (scripts/build-if-changed.mjs). Run in a copy of the checkout, so that the suites using this
 * checkout's dist/ are never disturbed.
 */
describe('Build before start, only when sources changed', () => {
  let copy: string;
  const buildIfChanged = () =>
    spawnSync(process.execPath, [join(copy, 'scripts/build-if-changed.mjs')], { cwd: copy, encoding: 'utf8' });
  const probe = () => join(copy, 'dist/src/build-probe.js');

  beforeAll(() => {
    copy = mkdtempSync(join(tmpdir(), 'spendin-build-'));
    for (const path of [
      'src',
      'migrations',
      'scripts',
      'dist',
      'tsconfig.json',
      'tsconfig.build.json',
      'package.json',
      'package-lock.json',
    ]) {
      cpSync(join(ROOT, path), join(copy, path), { recursive: true, preserveTimestamps: true });
    }
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
  });
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  it('builds a new source, skips the build when nothing changed, and builds again after an edit', () => {
    writeFileSync(join(copy, 'src/build-probe.ts'), 'export const probe = 1;\n');
    expect(buildIfChanged().status).toBe(0);
    expect(existsSync(probe())).toBe(true);

    // Nothing changed: tsc does not run, so the output removed here stays removed.
    rmSync(probe());
    expect(buildIfChanged().status).toBe(0);
    expect(existsSync(probe())).toBe(false);

    writeFileSync(join(copy, 'src/build-probe.ts'), 'export const probe = 2;\n');
    expect(buildIfChanged().status).toBe(0);
    expect(existsSync(probe())).toBe(true);
  }, 120_000);

  it('fails, and builds again next time, when a source does not compile', () => {
    writeFileSync(join(copy, 'src/build-probe.ts'), 'export const probe: number = "not a number";\n');
    const failed = buildIfChanged();
    expect(failed.status).not.toBe(0);
    expect(failed.stdout + failed.stderr).toContain('build-probe.ts');
    expect(buildIfChanged().status).not.toBe(0);
  }, 120_000);
});
