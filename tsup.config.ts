import { cp } from 'node:fs/promises';

import { defineConfig } from 'tsup';

// ESM and CommonJS builds of the library and of roi-ops/onnx with their declarations, the CLI,
// and the benchmark suite that `roi-ops bench` runs.
export default defineConfig([
  {
    // One build of both entries, so the code they share (the library that onnx/ calls) is one
    // chunk: roi-ops/onnx uses the same loaded addon, thread pool and JavaScript-side state as
    // roi-ops. tsup splits chunks for ESM by default; `splitting: true` asks for it in the
    // CommonJS build too (docs/onnx.md "Where the code lives").
    entry: { index: 'lib/index.ts', onnx: 'onnx/index.ts' },
    format: ['esm', 'cjs'],
    splitting: true,
    dts: true,
    shims: true,
    target: 'node20',
    platform: 'node',
    clean: true,
    sourcemap: true,
  },
  {
    entry: { cli: 'cli/main.ts' },
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    banner: { js: '#!/usr/bin/env node' },
    sourcemap: true,
  },
  {
    // bench/run.ts and the scripts it runs in child processes (bench/scripts.ts says which form
    // runs where), with the files the suite uses as they are (the Python contender, the ONNX
    // models, the script that makes the ONNX detectors) copied beside them: dist/bench/ is the
    // whole suite an installed package has.
    // They load roi-ops by its own name, so they use dist/index.js rather than a copy of the
    // library each; the peers they measure are not bundled: a user installs them, and a peer
    // that is missing is recorded as skipped.
    entry: {
      run: 'bench/run.ts',
      measure: 'bench/measure.ts',
      'roi-ops-output': 'bench/roi-ops-output.ts',
      'threadpool-round-trip': 'bench/threadpool-round-trip.ts',
      'contenders/onnxruntime': 'bench/contenders/onnxruntime.ts',
      'contenders/tfjs': 'bench/contenders/tfjs.ts',
    },
    outDir: 'dist/bench',
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    external: ['roi-ops', 'onnxruntime-node', /^@tensorflow\//],
    async onSuccess() {
      await cp('bench/models', 'dist/bench/models', { recursive: true });
      await cp('bench/contenders/torchvision_bench.py', 'dist/bench/contenders/torchvision_bench.py');
      // The suite generates its ONNX detectors with it (bench/onnx-detectors.ts).
      await cp('scripts/make-onnx-bench-models.py', 'dist/bench/make-onnx-bench-models.py');
    },
  },
]);
