// The native backend: loads the addon through node-gyp-build (a prebuild from prebuilds/,
// else build/Release) and adapts its positional binding to the Backend interface.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { SimdLevel } from '../types.js';
import type { Backend, RoiAlignJob, RoiPoolJob } from './types.js';

/** The addon's exports (native/addon/addon.cc). */
interface NativeBinding {
  roiPoolSync(...args: unknown[]): void;
  roiPoolAsync(...args: unknown[]): Promise<void>;
  roiAlignSync(...args: unknown[]): void;
  roiAlignAsync(...args: unknown[]): Promise<void>;
  simdLevel(): string;
  setNumThreads(threads: number): void;
  getNumThreads(): number;
}

const requireHere = createRequire(import.meta.url);

/** The directory holding roi-ops' package.json, from the source tree or from dist/. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'roi-ops') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('roi-ops: cannot find its own package.json');
    dir = parent;
  }
}

const layoutCode = { NCHW: 0, NHWC: 1 } as const;
const binsCode = { overlap: 0, split: 1 } as const;
const modeCode = { avg: 0, max: 1, 'onnx-max': 2 } as const;

function commonArgs(job: RoiPoolJob | RoiAlignJob): unknown[] {
  const { input } = job;
  return [
    input.data,
    input.batch,
    input.channels,
    input.height,
    input.width,
    layoutCode[input.layout],
    job.rois,
    job.roiCount,
    job.out,
  ];
}

function roiPoolArgs(job: RoiPoolJob): unknown[] {
  return [
    ...commonArgs(job),
    job.argmax,
    job.pooledHeight,
    job.pooledWidth,
    job.spatialScale,
    binsCode[job.bins],
    job.threads ?? 0,
  ];
}

function roiAlignArgs(job: RoiAlignJob & { maxSamplesPerRoi: number }): unknown[] {
  return [
    ...commonArgs(job),
    job.pooledHeight,
    job.pooledWidth,
    job.spatialScale,
    job.samplingRatio,
    job.aligned,
    modeCode[job.mode],
    job.maxSamplesPerRoi,
    job.threads ?? 0,
  ];
}

/** Loads the addon; throws what node-gyp-build threw when no binary fits this platform. */
export function createNativeBackend(): Backend {
  const load = requireHere('node-gyp-build') as (dir: string) => NativeBinding;
  const binding = load(packageRoot());
  return {
    native: true,
    simd: () => binding.simdLevel() as SimdLevel,
    roiPoolSync: (job) => binding.roiPoolSync(...roiPoolArgs(job)),
    roiPoolAsync: (job, abortFlag) => binding.roiPoolAsync(...roiPoolArgs(job), abortFlag),
    roiAlignSync: (job) => binding.roiAlignSync(...roiAlignArgs(job)),
    roiAlignAsync: (job, abortFlag) => binding.roiAlignAsync(...roiAlignArgs(job), abortFlag),
    setNumThreads: (n) => binding.setNumThreads(n),
    getNumThreads: () => binding.getNumThreads(),
  };
}
