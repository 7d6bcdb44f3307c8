import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';
import * as ts from 'typescript';

/*
 * The import graph of src/, for the layering check (test/layering.spec.ts). Specifiers are read
 * with the TypeScript compiler's own pre-processor, so `import type`, `export … from`, dynamic
 * `import()` and `require()` all count: a type-only edge couples the layers as much as any.
 */

/** One import, between files named relative to src/ with forward slashes (`spends/spend.entity.ts`). */
export interface ImportEdge {
  from: string;
  to: string;
  specifier: string;
}

/** Where a file belongs: its top directory under src/ (`spends`), or `(root)` for the composition root's files. */
export const ROOT = '(root)';
export function moduleOf(file: string): string {
  const slash = file.indexOf('/');
  return slash === -1 ? ROOT : file.slice(0, slash);
}

/** The module specifiers a TypeScript source imports, including type-only and dynamic imports. */
export function specifiersOf(text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((imported) => imported.fileName);
}

/** The file a relative specifier names, as `spends/spend.entity.ts`; null for packages and anything outside src/. */
function resolve(from: string, specifier: string, files: ReadonlyMap<string, string>): string | null {
  if (!specifier.startsWith('.')) return null;
  const path = posix.normalize(posix.join(posix.dirname(from), specifier.replace(/\.js$/, '')));
  if (path === '..' || path.startsWith('../')) return null;
  const candidates = [path, `${path}.ts`, `${path}/index.ts`];
  // An import of a file that does not exist still points into a module: judge it by its path.
  return candidates.find((candidate) => files.has(candidate)) ?? `${path}.ts`;
}

/** Every import between the given sources (path relative to src/ → text). */
export function importGraph(files: ReadonlyMap<string, string>): ImportEdge[] {
  return [...files].flatMap(([from, text]) =>
    specifiersOf(text).flatMap((specifier) => {
      const to = resolve(from, specifier, files);
      return to === null ? [] : [{ from, to, specifier }];
    }),
  );
}

/** The TypeScript sources under `directory`, keyed by their path relative to it. */
export function readSources(directory: string): Map<string, string> {
  const sources = new Map<string, string>();
  const walk = (current: string): void => {
    for (const name of readdirSync(current)) {
      const path = join(current, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts'))
        sources.set(relative(directory, path).split(sep).join('/'), readFileSync(path, 'utf8'));
    }
  };
  walk(directory);
  return sources;
}

/** A rule of the layering: files of the `from` modules import nothing of the `mayNotImport` modules. */
export interface LayerRule {
  from: readonly string[];
  mayNotImport: readonly string[];
  why: string;
}

export interface Violation extends ImportEdge {
  why: string;
}

/** The edges that break a rule, each with the rule's reason. Imports inside one module are never judged. */
export function forbiddenEdges(edges: readonly ImportEdge[], rules: readonly LayerRule[]): Violation[] {
  return edges.flatMap((edge) => {
    const [from, to] = [moduleOf(edge.from), moduleOf(edge.to)];
    if (from === to) return [];
    const broken = rules.find((rule) => rule.from.includes(from) && rule.mayNotImport.includes(to));
    return broken ? [{ ...edge, why: broken.why }] : [];
  });
}
