#!/usr/bin/env node
// The npm registry reachable on this project's machines serves Linux builds only, so
// `npm install` here leaves other platforms' optional binaries (@swc/core-darwin-arm64,
// …) out of package-lock.json, and `npm ci` then refuses the lockfile as out of sync.
// This records each missing optional platform package with its version, os, cpu and libc,
// so that `npm ci` validates here and still installs the right binary on macOS or Windows.
// Run after any `npm install` that changes the lockfile:  node scripts/lockfile-platforms.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const LOCK = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(LOCK, 'utf8'));
const packages = lock.packages;

const OS = [
  'darwin',
  'linux',
  'win32',
  'android',
  'freebsd',
  'openbsd',
  'netbsd',
  'sunos',
  'aix',
  'openharmony',
  'wasm32',
];
const CPU = {
  x64: 'x64',
  arm64: 'arm64',
  ia32: 'ia32',
  arm: 'arm',
  ppc64: 'ppc64',
  s390x: 's390x',
  riscv64: 'riscv64',
  loong64: 'loong64',
  universal: null,
};

function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const os = parts.find((p) => OS.includes(p));
  const cpu = parts.map((p) => (p === 'gnueabihf' || p === 'eabi' ? null : p)).find((p) => p && p in CPU && CPU[p]);
  const libc =
    parts.includes('musl') || parts.includes('musleabihf')
      ? 'musl'
      : parts.includes('gnu') || parts.includes('gnueabihf')
        ? 'glibc'
        : null;
  return { os, cpu: cpu ?? (parts.includes('arm') ? 'arm' : undefined), libc };
}

let added = 0;
for (const [path, entry] of Object.entries(packages)) {
  for (const [dependency, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const location = `node_modules/${dependency}`;
    const nested = `${path}/node_modules/${dependency}`;
    if (packages[location] || packages[nested]) continue;
    const { os, cpu, libc } = platformOf(dependency);
    if (!os) continue;
    packages[location] = {
      version,
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
      os: [os],
      ...(cpu ? { cpu: [cpu] } : {}),
      ...(libc ? { libc: [libc] } : {}),
    };
    added += 1;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)),
);
writeFileSync(LOCK, `${JSON.stringify(lock, null, 2)}\n`);
process.stdout.write(
  `package-lock.json: recorded ${added} optional platform package(s) the registry here does not serve\n`,
);
