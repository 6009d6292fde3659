// The built package (dist/, made by tsup before the tests run) works from `import` and from
// `require`, exports names only, and ships declarations for both.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { packageRoot } from '../../lib/package.js';

const root = packageRoot();
// Every operator of docs/api.md (async and Sync, forward and backward) and the runtime functions.
const publicNames = [
  'cropAndResize',
  'cropAndResizeSync',
  'getNumThreads',
  'info',
  'multiScaleRoiAlign',
  'multiScaleRoiAlignSync',
  'preciseRoiPool',
  'preciseRoiPoolBackward',
  'preciseRoiPoolBackwardSync',
  'preciseRoiPoolSync',
  'psRoiAlign',
  'psRoiAlignBackward',
  'psRoiAlignBackwardSync',
  'psRoiAlignSync',
  'psRoiPool',
  'psRoiPoolBackward',
  'psRoiPoolBackwardSync',
  'psRoiPoolSync',
  'roiAlign',
  'roiAlignBackward',
  'roiAlignBackwardSync',
  'roiAlignRotated',
  'roiAlignRotatedBackward',
  'roiAlignRotatedBackwardSync',
  'roiAlignRotatedSync',
  'roiAlignSync',
  'roiPool',
  'roiPoolBackward',
  'roiPoolBackwardSync',
  'roiPoolSync',
  'setNumThreads',
  'spatialPyramidPool',
  'spatialPyramidPoolSync',
];

/** Runs `code` in a fresh Node from a directory outside the package, resolving roi-ops by path. */
function runNode(args: string[]): string {
  const child = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
  expect(child.status, child.stderr).toBe(0);
  return child.stdout.trim();
}

const probe = `
  const names = Object.keys(roi).sort();
  const tensor = { data: new Float32Array(16).map((_, i) => i), dims: [1, 1, 4, 4] };
  const out = roi.roiPoolSync(tensor, { data: new Float32Array([0, 0, 0, 3, 3]), shape: [1, 5] }, { outputSize: 2 });
  console.log(JSON.stringify({ names, hasDefault: 'default' in roi, values: Array.from(out.data), native: roi.info().native }));
`;

describe('the built package', () => {
  it('loads with require() and exports names only', () => {
    const result = JSON.parse(runNode(['-e', `const roi = require('./dist/index.cjs');${probe}`]));
    expect(result).toEqual({ names: publicNames, hasDefault: false, values: [5, 7, 13, 15], native: true });
  });

  it('loads with import and gives the same result', () => {
    const result = JSON.parse(
      runNode(['--input-type=module', '-e', `import * as roi from './dist/index.js';${probe}`]),
    );
    expect(result).toEqual({ names: publicNames, hasDefault: false, values: [5, 7, 13, 15], native: true });
  });

  it('ships declarations for both entry points, as package.json says', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    const entry = manifest.exports['.'];
    for (const path of [entry.import.types, entry.import.default, entry.require.types, entry.require.default]) {
      expect(existsSync(join(root, path)), path).toBe(true);
    }
    const declarations = readFileSync(join(root, entry.import.types), 'utf8');
    for (const name of publicNames) expect(declarations).toContain(name);
    // The option types are declared in the entry or in a chunk of declarations it imports
    // (tsup shares the types of roi-ops and roi-ops/onnx).
    const chunks = [...declarations.matchAll(/from '\.\/([\w-]+)\.js'/g)].map((match) => `${match[1]}.d.ts`);
    const declared = [declarations, ...chunks.map((chunk) => readFileSync(join(root, 'dist', chunk), 'utf8'))];
    expect(declared.some((text) => text.includes('interface RoiAlignOptions'))).toBe(true);
  });
});
