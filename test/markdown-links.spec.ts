import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/*
 * The documentation must stand on its own in a clone: every relative link in every Markdown
 * file points inside the repository, at a file that exists, and at a heading that exists when it
 * names one. (Links to the web are left alone.)
 */

const ROOT = resolve(__dirname, '..');
const SKIPPED_DIRECTORIES = new Set(['node_modules', 'dist', '.git', 'data', 'artifacts', 'coverage']);

function markdownFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return SKIPPED_DIRECTORIES.has(name) ? [] : markdownFiles(path);
    return name.endsWith('.md') ? [path] : [];
  });
}

/** Markdown without fenced blocks and inline code, where link syntax is only text. */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');
}

/** Targets of inline links and images `[text](target)` and of reference definitions `[name]: target`. */
export function linkTargets(markdown: string): string[] {
  const text = prose(markdown);
  const inline = [...text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]);
  const references = [...text.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((m) => m[1]);
  return [...inline, ...references];
}

/** The anchors GitHub gives a file's headings: lower-cased, punctuation dropped, spaces as hyphens, repeats numbered. */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const [, title] of prose(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = title
      .replace(/<[^>]+>/g, '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .trim()
      .replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/** What is wrong with the relative links of one Markdown file, as `file: target: why`. */
export function linkProblems(file: string, markdown: string, root: string = ROOT): string[] {
  const problems: string[] = [];
  const name = relative(root, file);
  for (const target of linkTargets(markdown)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
    const [path, fragment] = target.split('#', 2) as [string, string | undefined];
    if (path === '') {
      if (fragment && !headingAnchors(markdown).has(fragment))
        problems.push(`${name}: ${target}: no heading #${fragment} in ${name}`);
      continue;
    }
    const resolved = resolve(dirname(file), decodeURIComponent(path));
    const inside = relative(root, resolved);
    if (inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
      problems.push(`${name}: ${target}: points outside the repository`);
      continue;
    }
    if (!existsSync(resolved)) {
      problems.push(`${name}: ${target}: no such file`);
      continue;
    }
    if (fragment && resolved.endsWith('.md') && !headingAnchors(readFileSync(resolved, 'utf8')).has(fragment)) {
      problems.push(`${name}: ${target}: no heading #${fragment} in ${relative(root, resolved)}`);
    }
  }
  return problems;
}

describe('Markdown links', () => {
  it('finds outside links, missing files and missing headings', () => {
    const file = join(ROOT, 'docs', 'example.md');
    const markdown = [
      '# Title',
      '## Side effects: outbox, queue, worker',
      '## Title',
      'See [the contract](../../shared/API.md), [design](../shared/DESIGN.md) and [gone](missing.md).',
      '[ok](api.md#conventions) [bad anchor](api.md#no-such-heading) [here](#side-effects-outbox-queue-worker) [again](#title-1) [nowhere](#nope)',
      '[web](https://example.com/x.md) [mail](mailto:a@example.com)',
      '[ref]: ../../elsewhere.md',
      '```md',
      '[inside a code block](../shared/ignored.md)',
      '```',
      'and `[inline code](../shared/ignored.md)`',
    ].join('\n');
    expect(linkProblems(file, markdown)).toEqual([
      'docs/example.md: ../../shared/API.md: points outside the repository',
      'docs/example.md: ../shared/DESIGN.md: no such file',
      'docs/example.md: missing.md: no such file',
      'docs/example.md: api.md#no-such-heading: no heading #no-such-heading in docs/api.md',
      'docs/example.md: #nope: no heading #nope in docs/example.md',
      'docs/example.md: ../../elsewhere.md: points outside the repository',
    ]);
  });

  it('numbers repeated headings and drops punctuation as GitHub does', () => {
    expect([
      ...headingAnchors('# Browser test of /docs\n## Users, organization, teams\n## Notes\n### Notes\n'),
    ]).toEqual(['browser-test-of-docs', 'users-organization-teams', 'notes', 'notes-1']);
  });

  it('holds for every Markdown file of the repository', () => {
    const files = markdownFiles(ROOT);
    expect(files.map((f) => relative(ROOT, f))).toEqual(
      expect.arrayContaining(['README.md', join('docs', 'api.md'), join('docs', 'architecture.md')]),
    );
    const problems = files.flatMap((file) => linkProblems(file, readFileSync(file, 'utf8')));
    expect(problems).toEqual([]);
  });

  it('names no ../shared notes anywhere, linked or not', () => {
    const mentions = markdownFiles(ROOT)
      .filter((file) => /\.\.\/shared\//.test(readFileSync(file, 'utf8')))
      .map((f) => relative(ROOT, f));
    expect(mentions).toEqual([]);
  });
});
