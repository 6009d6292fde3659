// Every document the code cites exists (docs/design.md "Tests"). Outside docs/, a text file
// may cite a document only as docs/<name>.md, optionally with the heading in quotes
// (docs/semantics.md "roiAlign", more headings of the same file may follow: , "The three modes")
// or an anchor (docs/semantics.md#roialign); each file, heading and anchor must be there. The
// old top-level documents (the API, design and license markdown files, and the semantics
// reference with its section numbers) are gone, and so is any mention of them.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { packageRoot } from '../../lib/package.js';

const root = packageRoot();

/** Paths that are not the code's own text: dependencies, builds, generated results, data. */
function isSkipped(path: string): boolean {
  return (
    /^(docs|node_modules|dist|build[^/]*|prebuilds|bench\/results)(\/|$)/.test(path) ||
    /^test\/fixtures\/.*\.json$/.test(path)
  );
}

/** Whether root is the top of a git checkout (not, say, scripts/sanitize.sh's scratch copy inside an ignored folder). */
function isCheckoutRoot(): boolean {
  try {
    const top = execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: root, encoding: 'utf8' }).trim();
    return realpathSync(top) === realpathSync(root);
  } catch {
    return false;
  }
}

/** Every file in the repository (tracked, or new and not ignored); a plain walk where root is no checkout. */
function repositoryFiles(): string[] {
  if (isCheckoutRoot()) {
    const listing = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    return listing.split('\0').filter((path) => path !== '' && !isSkipped(path));
  }
  const walk = (dir: string): string[] =>
    readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
      const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
      if (entry.name === '.git' || isSkipped(path)) return [];
      return entry.isDirectory() ? walk(path) : [path];
    });
  return walk('');
}

/** The text of every text file (a file with a NUL byte is binary). */
function textFiles(): { path: string; text: string }[] {
  return repositoryFiles().flatMap((path) => {
    const full = join(root, path);
    if (!existsSync(full) || !statSync(full).isFile()) return [];
    const text = readFileSync(full, 'utf8');
    return text.includes('\0') ? [] : [{ path, text }];
  });
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
function slug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The headings of a markdown file (outside fenced code) and their anchors, repeats numbered as GitHub does. */
function headingsOf(path: string): { headings: Set<string>; anchors: Set<string> } {
  const headings = new Set<string>();
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of readFileSync(join(root, path), 'utf8').split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const heading = fenced ? undefined : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    headings.add(heading);
    const base = slug(heading);
    let anchor = base;
    for (let n = 1; anchors.has(anchor); n++) anchor = `${base}-${n}`;
    anchors.add(anchor);
  }
  return { headings, anchors };
}

// A mention of a document that is gone. A bare semantics file name is one not under docs/.
const goneDocuments = /\b(?:API|DESIGN|LICENSE)\.md\b|\breference\/semantics\.md|(?<!docs\/)\bsemantics\.md/g;
// docs/<name>.md, then either #anchor or one quoted heading and the further quoted headings
// that follow it on the line (joined by a comma, "and", "or" or a slash).
const docsCitation = /\bdocs\/([\w.-]+?)\.md(?:#([\w-]+)|((?: "[^"\n]+")(?:(?:,| and| or|\/) ?"[^"\n]+")*))?/g;

/** Every bad citation in one file's text, as "path:line: problem". */
function badCitations(path: string, text: string, docs = new Map<string, ReturnType<typeof headingsOf>>()): string[] {
  const problems: string[] = [];
  const lineOf = (index: number) => text.slice(0, index).split('\n').length;
  for (const match of text.matchAll(goneDocuments)) {
    problems.push(`${path}:${lineOf(match.index)}: ${match[0]} is not in the repository (cite docs/)`);
  }
  for (const match of text.matchAll(docsCitation)) {
    const [, name, anchor, headingList] = match;
    const doc = `docs/${name}.md`;
    if (!existsSync(join(root, doc))) {
      problems.push(`${path}:${lineOf(match.index)}: ${doc} does not exist`);
      continue;
    }
    if (!docs.has(doc)) docs.set(doc, headingsOf(doc));
    const { headings, anchors } = docs.get(doc)!;
    if (anchor !== undefined && !anchors.has(anchor))
      problems.push(`${path}:${lineOf(match.index)}: ${doc} has no anchor #${anchor}`);
    for (const heading of (headingList ?? '').split('"').filter((_, i) => i % 2 === 1))
      if (!headings.has(heading)) problems.push(`${path}:${lineOf(match.index)}: ${doc} has no heading "${heading}"`);
  }
  return problems;
}

describe('citations of documents', () => {
  it('every document, heading and anchor the code cites exists', () => {
    const files = textFiles();
    // The walk must have found the code (lib/, native/, test/), not an empty or foreign tree.
    expect(files.some((file) => file.path === 'lib/index.ts')).toBe(true);
    expect(files.some((file) => file.path === 'test/structure/citations.test.ts')).toBe(true);
    const docs = new Map<string, ReturnType<typeof headingsOf>>();
    expect(files.flatMap((file) => badCitations(file.path, file.text, docs))).toEqual([]);
  });

  it('finds each kind of bad citation', () => {
    const examples = [
      '// see API' + '.md "Runtime"',
      '// see reference/semantics' + '.md',
      '// see semantics' + '.md, the old one',
      '// docs/' + 'nowhere' + '.md',
      '// docs/semantics.md "roiAlign", ' + '"No such heading"',
      '// docs/' + 'api.md#no-such-anchor',
    ];
    for (const example of examples) expect(badCitations('example.ts', example), example).toHaveLength(1);
    for (const good of [
      '// docs/semantics.md "roiAlign", "The three modes"',
      '// docs/semantics.md#the-deepsenseai-88-example',
    ])
      expect(badCitations('example.ts', good), good).toEqual([]);
  });
});
