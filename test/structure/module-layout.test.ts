// The TypeScript layers (docs/design.md): lib/ is the library and knows nothing of the
// command line (cli/) or the benchmark (bench/); the command line reaches the library through
// its public entry (lib/index.ts) or the one internal entry (lib/internal.ts), roi-ops/onnx
// through its public entry (onnx/index.ts), and starts the
// benchmark by its path, never by an import; the benchmark reaches the library through the
// public entry (or `roi-ops` by name) and lib/package.ts (where the package's files are);
// roi-ops/onnx (onnx/) is an application of the library like the command line, through the
// same two entries. And
// no files import each other in a circle, type-only imports included. The imports are read
// by TypeScript's scanner, as test/native/source-layout.test.ts reads the C++ includes.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

import ts from 'typescript';
import { describe, expect, it } from 'vitest';

import { packageRoot } from '../../lib/package.js';

const root = packageRoot();
const folders = ['lib', 'cli', 'onnx', 'bench', 'scripts'];
const sourceFile = /\.(ts|mts|cts|mjs|cjs|js)$/;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'results' ? [] : filesUnder(path);
    return sourceFile.test(entry.name) ? [path] : [];
  });
}

// Every module specifier of a file (import/export ... from, import '...', import(), require()),
// as TypeScript's own scanner finds them: a specifier inside a string or a comment is not an
// import (scripts/generate-wire.ts holds the text of the module it writes).
function specifiersOf(text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((file) => file.fileName);
}

/** The repository file a specifier names (relative, or roi-ops itself by name or its build), or undefined for a dependency. */
function resolveSpecifier(from: string, specifier: string): string | undefined {
  if (specifier === 'roi-ops') return 'lib/index.ts';
  if (specifier === 'roi-ops/onnx') return 'onnx/index.ts';
  if (!specifier.startsWith('.')) return undefined;
  const path = resolve(dirname(join(root, from)), specifier);
  // The built public entry (a script that measures the build, such as bench/addon-builds.mjs).
  if (/^dist\/index\.(js|cjs)$/.test(relative(root, path))) return 'lib/index.ts';
  const candidates = [
    path,
    path.replace(/\.js$/, '.ts'),
    path.replace(/\.mjs$/, '.mts'),
    path.replace(/\.cjs$/, '.cts'),
    `${path}.ts`,
    join(path, 'index.ts'),
  ];
  const found = candidates.find((candidate) => existsSync(candidate) && sourceFile.test(candidate));
  if (found === undefined) throw new Error(`${from}: cannot resolve '${specifier}'`);
  return relative(root, found);
}

/** file -> the repository files it imports, for every source file of lib/, cli/, bench/, scripts/. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of folders.flatMap((folder) => filesUnder(join(root, folder))).map((f) => relative(root, f))) {
    const text = readFileSync(join(root, file), 'utf8');
    const specifiers = specifiersOf(text);
    graph.set(file, [
      ...new Set(specifiers.map((s) => resolveSpecifier(file, s)).filter((f): f is string => f !== undefined)),
    ]);
  }
  return graph;
}

const graph = importGraph();
/** Every import of a file under `folder`, as 'file -> imported file'. */
const importsOf = (folder: string) =>
  [...graph]
    .filter(([file]) => file.startsWith(`${folder}/`))
    .flatMap(([file, targets]) => targets.map((target) => `${file} -> ${target}`));
const into = (folder: string) => (edge: string) => edge.split(' -> ')[1]?.startsWith(`${folder}/`) === true;

/** Every circle of imports (the strongly connected components of more than one file, or a file importing itself). */
function circles(): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (file: string) => {
    index.set(file, next);
    low.set(file, next++);
    stack.push(file);
    onStack.add(file);
    for (const target of graph.get(file) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file) as number, low.get(target) as number));
      } else if (onStack.has(target)) {
        low.set(file, Math.min(low.get(file) as number, index.get(target) as number));
      }
    }
    if (low.get(file) === index.get(file)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        component.push(member);
      } while (member !== file);
      if (component.length > 1 || graph.get(file)?.includes(file)) found.push(component.sort());
    }
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return found;
}

describe('TypeScript module layout', () => {
  it('reads the imports of every folder', () => {
    for (const folder of folders) expect(importsOf(folder).length, folder).toBeGreaterThan(0);
    expect(graph.get('cli/main.ts')).toEqual(['cli/program.ts']);
  });

  it('keeps the library apart from the command line, the benchmark and the scripts', () => {
    const lib = importsOf('lib');
    expect(lib.filter((edge) => !into('lib')(edge))).toEqual([]);
  });

  it('lets the command line reach the library through lib/index.ts and lib/internal.ts, roi-ops/onnx through onnx/index.ts only, and import no bench/ file', () => {
    const outside = importsOf('cli').filter((edge) => !into('cli')(edge));
    // `roi-ops onnx inspect|bench` use roi-ops/onnx as a user's program does, through its public
    // entry: the command line shows what the published API does, never what its internals could.
    const allowed = new Set(['lib/index.ts', 'lib/internal.ts', 'onnx/index.ts']);
    expect(outside.filter((edge) => !allowed.has(edge.split(' -> ')[1] as string))).toEqual([]);
  });

  it('lets roi-ops/onnx reach the library through lib/index.ts and lib/internal.ts only, as the command line does', () => {
    const outside = importsOf('onnx').filter((edge) => !into('onnx')(edge));
    const allowed = new Set(['lib/index.ts', 'lib/internal.ts']);
    expect(outside.filter((edge) => !allowed.has(edge.split(' -> ')[1] as string))).toEqual([]);
  });

  it('lets the benchmark reach the library through its public entries (roi-ops, roi-ops/onnx) and lib/package.ts only', () => {
    const outside = importsOf('bench').filter((edge) => !into('bench')(edge));
    const allowed = new Set(['lib/index.ts', 'onnx/index.ts', 'lib/package.ts']);
    expect(outside.filter((edge) => !allowed.has(edge.split(' -> ')[1] as string))).toEqual([]);
  });

  it('has no circle of imports', () => {
    expect(circles()).toEqual([]);
  });
});
