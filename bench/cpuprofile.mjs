#!/usr/bin/env node
// Summarizes a V8 .cpuprofile (from `node --cpu-prof`): self time by package or source file,
// and the functions with the most self time, so a profile of the API under load can be read
// without a browser.
//
//   BENCH_API_NODE_OPTIONS='--cpu-prof --cpu-prof-dir=/tmp/prof' BENCH_SCENARIOS=workflow npm run bench:api
//   node bench/cpuprofile.mjs /tmp/prof/CPU.*.cpuprofile [--top 40] [--callers createPublicKey]
//
// --skip SECONDS leaves out the first seconds of the profile (the process starting up).
// --callers NAME prints the call stacks that lead to functions named NAME, with their time.
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const topIndex = args.indexOf('--top');
const top = topIndex >= 0 ? Number(args.splice(topIndex, 2)[1]) : 30;
const skipIndex = args.indexOf('--skip');
const skipMicros = skipIndex >= 0 ? Number(args.splice(skipIndex, 2)[1]) * 1e6 : 0;
const callersIndex = args.indexOf('--callers');
const callersOf = callersIndex >= 0 ? args.splice(callersIndex, 2)[1] : undefined;
if (args.length === 0) {
  process.stderr.write('usage: node bench/cpuprofile.mjs <file.cpuprofile> [--top N]\n');
  process.exit(2);
}

for (const file of args) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  const intervals = profile.timeDeltas;
  let elapsed = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    elapsed += intervals[i] ?? 0;
    if (elapsed < skipMicros) continue;
    const id = profile.samples[i];
    self.set(id, (self.get(id) ?? 0) + (intervals[i] ?? 0));
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const byGroup = new Map();
  const byFunction = new Map();
  for (const [id, micros] of self) {
    const { callFrame } = byId.get(id);
    const group = groupOf(callFrame);
    byGroup.set(group, (byGroup.get(group) ?? 0) + micros);
    const name = `${callFrame.functionName || '(anonymous)'}  ${shortUrl(callFrame.url)}:${callFrame.lineNumber + 1}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
  }
  const print = (title, map) => {
    process.stdout.write(`\n${title}\n`);
    for (const [name, micros] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      process.stdout.write(
        `${(micros / 1000).toFixed(0).padStart(8)} ms ${((100 * micros) / total).toFixed(1).padStart(5)}%  ${name}\n`,
      );
    }
  };
  process.stdout.write(`${file}: ${(total / 1e6).toFixed(1)} s sampled\n`);
  print('self time by package / file', byGroup);
  print('self time by function', byFunction);
  if (callersOf) {
    const parents = new Map();
    for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
    // Time of each node including its callees, then the stacks of the nodes named NAME.
    const inclusive = new Map();
    const sum = (id) => {
      if (inclusive.has(id)) return inclusive.get(id);
      const node = byId.get(id);
      const value = (self.get(id) ?? 0) + (node.children ?? []).reduce((a, child) => a + sum(child), 0);
      inclusive.set(id, value);
      return value;
    };
    const stacks = new Map();
    for (const node of profile.nodes) {
      if (node.callFrame.functionName !== callersOf) continue;
      const frames = [];
      for (let id = parents.get(node.id); id !== undefined && frames.length < 12; id = parents.get(id)) {
        const { callFrame } = byId.get(id);
        frames.push(
          `${callFrame.functionName || '(anonymous)'} ${shortUrl(callFrame.url)}:${callFrame.lineNumber + 1}`,
        );
      }
      const key = frames.join('\n      < ');
      stacks.set(key, (stacks.get(key) ?? 0) + sum(node.id));
    }
    process.stdout.write(`\ncall stacks into ${callersOf} (time including callees)\n`);
    for (const [stack, micros] of [...stacks].sort((a, b) => b[1] - a[1]).slice(0, 8)) {
      process.stdout.write(`${(micros / 1000).toFixed(0).padStart(8)} ms  < ${stack}\n`);
    }
  }
}

/** node_modules packages as one group each; our own code by file; V8 and Node internals by kind. */
function groupOf({ url, functionName }) {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const nodeModules = url.lastIndexOf('node_modules/');
  if (nodeModules >= 0) {
    const rest = url.slice(nodeModules + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return url;
  return shortUrl(url);
}

function shortUrl(url) {
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return url.slice(dist + 1);
  const nodeModules = url.lastIndexOf('node_modules/');
  return nodeModules >= 0 ? url.slice(nodeModules + 'node_modules/'.length) : url.replace(/^file:\/\//, '');
}
