// `cmake-js compile` builds the same addon from CMakeLists.txt as node-gyp does from
// binding.gyp (both read native/sources.json): the two binaries give bit-identical results.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { packageRoot } from '../../lib/package.js';
import { goldenCases } from '../helpers/golden.js';

type Binding = Record<string, (...args: unknown[]) => unknown>;

const root = packageRoot();
const outDir = join(root, 'build-cmake');
const requireHere = createRequire(import.meta.url);

describe('the cmake-js build', () => {
  it('compiles and computes exactly what the node-gyp build computes', () => {
    rmSync(outDir, { recursive: true, force: true });
    const cmakeJs = join(root, 'node_modules', '.bin', 'cmake-js');
    const build = spawnSync(cmakeJs, ['compile', '--out', 'build-cmake'], { cwd: root, encoding: 'utf8' });
    expect(build.status, build.stderr + build.stdout).toBe(0);
    const addonPath = join(outDir, 'Release', 'roi_ops.node');
    expect(existsSync(addonPath)).toBe(true);

    const cmakeBinding = requireHere(addonPath) as Binding;
    const gypBinding = requireHere('node-gyp-build')(root) as Binding;
    for (const c of goldenCases(['roi_align_0', 'roi_pool_0'])) {
      const [N, C, H, W] = c.input.shape as [number, number, number, number];
      const [PH, PW] = c.params.outputSize as [number, number];
      const outputs = [cmakeBinding, gypBinding].map((binding) => {
        const out = new Float32Array(c.expected.data.length);
        // (input, inputType float32, N, C, H, W, NCHW, rois, K, out, outputType float32)
        const common = [c.input.data, 0, N, C, H, W, 0, c.rois.data, c.rois.shape[0], out, 0];
        if (c.op === 'roiPool') binding.roiPoolSync?.(...common, null, PH, PW, c.params.spatialScale, 0, 0);
        else
          binding.roiAlignSync?.(
            ...common,
            PH,
            PW,
            c.params.spatialScale,
            c.params.samplingRatio,
            c.params.aligned,
            0,
            1 << 24,
            0,
          );
        return out;
      });
      expect(outputs[0]).toEqual(outputs[1]);
      expect(outputs[0]?.some((v) => v !== 0)).toBe(true);
    }
  }, 600_000);
});
