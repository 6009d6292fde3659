// docs/api.md "Tensors": a strict TypeScript consumer passes onnxruntime-node's ort.Tensor values, as
// onnxruntime-common declares them, and number[][] boxes to every operator without a cast, and wraps
// results back into ort.Tensor (issue 14 item 1). The consumers in fixtures/ import 'roi-ops' as users
// do: by the package's own name, which resolves through package.json "exports" to the built
// declarations (dist/index.d.ts for import, dist/index.d.cts for require), and 'onnxruntime-node' to
// the real onnxruntime-common types in node_modules. They are compiled with the TypeScript API under
// the strictest common settings, declarations checked too (skipLibCheck off), so a type of roi-ops's
// declarations that the consumer's lib lacks is an error rather than a silent `any`. The DOM lib is
// there because onnxruntime-common's declarations name WebGLTexture, ImageData and the like.
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';

import { ensureBuilt, root } from '../helpers/cli.js';

const fixtures = join(import.meta.dirname, 'fixtures');

const options: ts.CompilerOptions = {
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
  types: ['node'],
  typeRoots: [join(root, 'node_modules', '@types')],
  strict: true,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  noImplicitOverride: true,
  skipLibCheck: false,
  noEmit: true,
};

/**
 * The diagnostics of compiling `files` (paths in fixtures/), each as "file:line: message". `extra`
 * adds files that exist only in memory (the README's example), by path.
 */
function diagnostics(files: string[], extra: Record<string, string> = {}): string[] {
  const host = ts.createCompilerHost(options);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (path) => path in extra || fileExists.call(host, path);
  host.readFile = (path) => extra[path] ?? readFile.call(host, path);
  host.getSourceFile = (path, language, ...rest) =>
    path in extra
      ? ts.createSourceFile(path, extra[path] as string, language)
      : getSourceFile.call(host, path, language, ...rest);
  const rootNames = [...files.map((file) => join(fixtures, file)), ...Object.keys(extra)];
  const program = ts.createProgram({ rootNames, options, host });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (!d.file || d.start === undefined) return text;
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    return `${relative(root, d.file.fileName)}:${line + 1}: ${text}`;
  });
}

/** The TypeScript block of a README.md section (by its heading), as it is printed there. */
function readmeExample(heading = 'With onnxruntime-node'): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.split(/^## /m).find((part) => part.startsWith(`${heading}\n`));
  const block = section?.match(/^```ts\n([\s\S]*?)^```$/m)?.[1];
  if (block === undefined) throw new Error(`README.md has no \`\`\`ts block under "## ${heading}"`);
  return block;
}

const onnxHeading = 'ONNX detectors: roi-ops/onnx';

/** The resolved declaration file of `specifier` imported from a module of kind `mode`, as tsc sees it. */
function resolvedTypes(specifier: string, from: string, mode: ts.ResolutionMode): string | undefined {
  const resolved = ts.resolveModuleName(specifier, join(fixtures, from), options, ts.sys, undefined, undefined, mode);
  return resolved.resolvedModule && relative(root, resolved.resolvedModule.resolvedFileName);
}

describe('TypeScript consumers beside onnxruntime-node', () => {
  // One program for the three fixtures (a compile takes seconds); each test reads its file's part.
  let fixtureDiagnostics: string[] = [];
  const of = (file: string) =>
    fixtureDiagnostics.filter((d) => d.startsWith(`${relative(root, join(fixtures, file))}:`));
  beforeAll(() => {
    ensureBuilt();
    const readme = {
      [join(fixtures, 'readme-example.mts')]: readmeExample(), // in memory only
      [join(fixtures, 'readme-onnx-example.mts')]: readmeExample(onnxHeading),
    };
    fixtureDiagnostics = diagnostics(['esm-consumer.mts', 'cjs-consumer.cts', 'rejected.mts'], readme);
  }, 180_000);

  it('report no error outside the fixtures (in the declarations of roi-ops or onnxruntime)', () => {
    expect(fixtureDiagnostics.filter((d) => !d.startsWith(relative(root, fixtures)))).toEqual([]);
  });

  it('resolve roi-ops to the built declarations and onnxruntime to the real onnxruntime-common types', () => {
    expect(resolvedTypes('roi-ops', 'esm-consumer.mts', ts.ModuleKind.ESNext)).toBe(join('dist', 'index.d.ts'));
    expect(resolvedTypes('roi-ops', 'cjs-consumer.cts', ts.ModuleKind.CommonJS)).toBe(join('dist', 'index.d.cts'));
    const ort = resolvedTypes('onnxruntime-node', 'esm-consumer.mts', ts.ModuleKind.ESNext) ?? '';
    expect(ort).toMatch(/onnxruntime-node[/\\]dist[/\\]index\.d\.ts$/);
    const common = ts.resolveModuleName('onnxruntime-common', join(root, ort), options, ts.sys).resolvedModule;
    expect(common?.resolvedFileName).toMatch(/onnxruntime-common[/\\]dist[/\\](esm|cjs)[/\\]index\.d\.ts$/);
  });

  it('an ES module passes ort.Tensor and number[][] to every operator and wraps the results, without a cast', () => {
    expect(of('esm-consumer.mts')).toEqual([]);
  });

  it("README's example, float32 and float16, as an ES module", () => {
    expect(readmeExample()).toContain("new ort.Tensor('float32', pooled.data, pooled.shape)");
    expect(readmeExample()).toContain("new ort.Tensor('float16', pooled.data, pooled.shape)");
    expect(of('readme-example.mts')).toEqual([]);
  });

  it("README's roi-ops/onnx detection service, as an ES module", () => {
    expect(readmeExample(onnxHeading)).toContain("import { createOnnxPipeline } from 'roi-ops/onnx';");
    expect(readmeExample(onnxHeading)).toContain('await detector.release();');
    expect(of('readme-onnx-example.mts')).toEqual([]);
  });

  it('a CommonJS module does the same through the require types', () => {
    expect(of('cjs-consumer.cts')).toEqual([]);
  });

  it('refuses what is not a float map, flat boxes, and a result taken for another type', () => {
    // Each refused line follows a @ts-expect-error: a line the types accepted would be reported as an
    // unused directive. Without the directives, the errors are on exactly those lines.
    expect(of('rejected.mts')).toEqual([]);
    const source = readFileSync(join(fixtures, 'rejected.mts'), 'utf8');
    const refused = source.split('\n').flatMap((line, i) => (line.startsWith('// @ts-expect-error') ? [i + 2] : []));
    expect(refused.length).toBe(11);
    const bare = join(fixtures, 'rejected-bare.mts'); // in memory only
    const errors = diagnostics([], { [bare]: source.replaceAll('// @ts-expect-error', '// refused:') });
    const errorLines = new Set(errors.map((error) => Number(error.split(':')[1])));
    expect([...errorLines]).toEqual(refused);
  });
});
