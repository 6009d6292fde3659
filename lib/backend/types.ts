// The interface both backends implement: one job type per operator and direction, run
// synchronously or asynchronously, so the public API neither knows nor cares which backend
// runs. A job is a validated call: every buffer allocated, every option resolved.
import type {
  CropAndResizeJob,
  ForwardCall,
  MultiScaleRoiAlignJob,
  PreciseRoiPoolBackwardJob,
  PreciseRoiPoolJob,
  PsRoiAlignBackwardJob,
  PsRoiAlignJob,
  PsRoiPoolBackwardJob,
  PsRoiPoolJob,
  RoiAlignBackwardJob,
  RoiAlignJob,
  RoiAlignRotatedBackwardJob,
  RoiAlignRotatedJob,
  RoiPoolBackwardJob,
  RoiPoolJob,
  SpatialPyramidJob,
} from '../model.js';
import type { Operator } from '../operators.js';
import type { SimdLevel } from '../types.js';

export type { RoiAlignJob, RoiPoolJob };

export interface AlignLimits {
  /** Refuse RoIs needing more samples than this (the kernels re-check it). */
  maxSamplesPerRoi: number;
}

/**
 * Every operator and direction a backend runs (lib/operators.ts), with the job it takes: a
 * forward job's maps may hold 16-bit patterns and its output may be 16-bit (ForwardCall);
 * backward jobs are float32 throughout. The
 * backends' tables ({ [Op in Operator]: ... Jobs[Op] }) index it, so a missing job is a type error.
 */
export interface Jobs {
  roiPool: ForwardCall<RoiPoolJob>;
  roiAlign: ForwardCall<RoiAlignJob> & AlignLimits;
  psRoiPool: ForwardCall<PsRoiPoolJob>;
  psRoiAlign: ForwardCall<PsRoiAlignJob> & AlignLimits;
  roiAlignRotated: ForwardCall<RoiAlignRotatedJob> & AlignLimits;
  multiScaleRoiAlign: ForwardCall<MultiScaleRoiAlignJob> & AlignLimits;
  spatialPyramidPool: ForwardCall<SpatialPyramidJob>;
  cropAndResize: ForwardCall<CropAndResizeJob>;
  preciseRoiPool: ForwardCall<PreciseRoiPoolJob>;
  roiPoolBackward: RoiPoolBackwardJob;
  roiAlignBackward: RoiAlignBackwardJob & AlignLimits;
  psRoiPoolBackward: PsRoiPoolBackwardJob;
  psRoiAlignBackward: PsRoiAlignBackwardJob & AlignLimits;
  roiAlignRotatedBackward: RoiAlignRotatedBackwardJob & AlignLimits;
  preciseRoiPoolBackward: PreciseRoiPoolBackwardJob;
}

export type { Operator };

/**
 * Which native binary runs: its path, and its build, 'node-api' (loads on every Node major;
 * async calls copy what they read and write) or 'node-abi-<NODE_MODULE_VERSION>' (built for
 * one Node major; async calls use the caller's memory in place). docs/design.md says why two.
 */
export interface AddonInfo {
  path: string;
  build: string;
}

export interface Backend {
  readonly native: boolean;
  /** The native binary in use: its file and which build it is (info().addon). */
  readonly addon?: AddonInfo;
  simd(): SimdLevel;
  /** Runs `job` on the calling thread (and the native pool), writing its outputs. */
  runSync<Op extends Operator>(op: Op, job: Jobs[Op]): void;
  /** `abortFlag[0]` set to 1 (Atomics.store) stops the work between RoIs; it then rejects with code ABORT_ERR. */
  runAsync<Op extends Operator>(op: Op, job: Jobs[Op], abortFlag: Int32Array): Promise<void>;
  setNumThreads(threads: number): void;
  /**
   * The default count (ROI_OPS_NUM_THREADS or the CPU count), applied when the backend loads:
   * the native pool is one per process, so a worker thread loading roi-ops must not undo the
   * count another thread set; the JavaScript backend's count is per environment anyway.
   */
  setInitialNumThreads(threads: number): void;
  getNumThreads(): number;
}
