// roi-ops and roi-ops/onnx, loaded by their package names as a user's program loads them, share
// one copy of the library code in both module systems (tsup.config.ts splits chunks for ESM and
// CommonJS alike): the addon, the thread pool and the library's module state are one. Counted by
// the library's source text compiled: each copy would define the warning key of lib/warnings.ts.
import { spawnSync } from 'node:child_process';

import { beforeAll, describe, expect, it } from 'vitest';

import { ensureBuilt, root } from '../helpers/cli.js';

beforeAll(ensureBuilt, 120_000);

/** Text that only the library's own code holds (lib/warnings.ts), once per copy of it. */
const libraryMarker = 'Symbol.for("roi-ops.boxesOutsideWarned")';

function runNode(args: string[]): string {
  const child = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
  expect(child.status, child.stderr).toBe(0);
  return child.stdout.trim();
}

describe('roi-ops and roi-ops/onnx', () => {
  it('require(): one copy of the library, a module both entries require', () => {
    const script = `
      const Module = require('node:module');
      const compiled = [];
      const compile = Module.prototype._compile;
      Module.prototype._compile = function (content, filename) {
        if (content.includes(${JSON.stringify(libraryMarker)})) compiled.push(filename);
        return compile.call(this, content, filename);
      };
      const roi = require('roi-ops');
      const onnx = require('roi-ops/onnx');
      const entry = (name) => require.cache[require.resolve(name)];
      const shared = entry('roi-ops').children.filter((child) => entry('roi-ops/onnx').children.includes(child));
      console.log(JSON.stringify({
        compiled: compiled.map((file) => require('node:path').relative(process.cwd(), file)),
        shared: shared.map((child) => require('node:path').relative(process.cwd(), child.filename)),
        exports: [typeof roi.roiAlign, typeof onnx.createOnnxPipeline, typeof onnx.planOnnxModel],
      }));
    `;
    const result = JSON.parse(runNode(['-e', script]));
    expect(result.compiled).toHaveLength(1);
    expect(result.shared).toEqual(result.compiled);
    expect(result.exports).toEqual(['function', 'function', 'function']);
  });

  it('import: one copy of the library, a chunk both entries import', () => {
    const script = `
      import { readFileSync } from 'node:fs';
      await import('roi-ops');
      await import('roi-ops/onnx');
      const text = (url) => readFileSync(new URL(url), 'utf8');
      const entries = ['roi-ops', 'roi-ops/onnx'].map((name) => import.meta.resolve(name));
      const imported = entries.map((url) => [...text(url).matchAll(/from "(\\.\\/chunk-[\\w-]+\\.js)"/g)].map((m) => new URL(m[1], url).href));
      const files = [...new Set([...entries, ...imported.flat()])];
      console.log(JSON.stringify({
        withLibrary: files.filter((url) => text(url).includes(${JSON.stringify(libraryMarker)})).length,
        sameChunks: JSON.stringify(imported[0]) === JSON.stringify(imported[1]),
      }));
    `;
    expect(JSON.parse(runNode(['--input-type=module', '-e', script]))).toEqual({ withLibrary: 1, sameChunks: true });
  });
});
