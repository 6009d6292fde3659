// The interface both backends implement: the same entry points over validated jobs, so
// the public API neither knows nor cares which one runs.
import type { RoiAlignJob } from '../reference/roi-align.js';
import type { RoiPoolJob } from '../reference/roi-pool.js';
import type { SimdLevel } from '../types.js';

export type { RoiAlignJob, RoiPoolJob };

export interface AlignLimits {
  /** Refuse RoIs needing more samples than this (the kernels re-check it). */
  maxSamplesPerRoi: number;
}

export interface Backend {
  readonly native: boolean;
  simd(): SimdLevel;
  roiPoolSync(job: RoiPoolJob): void;
  /** `abortFlag[0]` set to 1 (Atomics.store) stops the work between RoIs; it then rejects with code ABORT_ERR. */
  roiPoolAsync(job: RoiPoolJob, abortFlag: Int32Array): Promise<void>;
  roiAlignSync(job: RoiAlignJob & AlignLimits): void;
  roiAlignAsync(job: RoiAlignJob & AlignLimits, abortFlag: Int32Array): Promise<void>;
  setNumThreads(threads: number): void;
  getNumThreads(): number;
}
