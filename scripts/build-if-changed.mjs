#!/usr/bin/env node
// Builds dist/ with tsc only when a source changed since the last build, so that `npm start`,
// the CLI and the worker start in the time the app takes to boot. The fingerprint covers every
// file tsc reads for the build (src/, migrations/, the tsconfigs) and the installed
// dependencies (package-lock.json): path, size and modification time, the way make decides.
//   node scripts/build-if-changed.mjs          build if needed
//   npm run build                              always build (incrementally)
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const STAMP = join(ROOT, 'dist', '.build-fingerprint');

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (entry.name.endsWith('.ts') || entry.name.endsWith('.json')) yield path;
  }
}

function fingerprint() {
  const inputs = [...files(join(ROOT, 'src')), ...files(join(ROOT, 'migrations'))];
  for (const name of ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json']) inputs.push(join(ROOT, name));
  const hash = createHash('sha256');
  for (const path of inputs.sort()) {
    const { size, mtimeMs } = statSync(path);
    hash.update(`${relative(ROOT, path)}\0${size}\0${mtimeMs}\n`);
  }
  return hash.digest('hex');
}

const before = fingerprint();
const built =
  existsSync(STAMP) && readFileSync(STAMP, 'utf8') === before && existsSync(join(ROOT, 'dist', 'src', 'main.js'));
if (!built) {
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
  // A source saved during the build is built next time: record what the build started from.
  writeFileSync(STAMP, before);
}
