// How each forward operator is called with a job's loaded files: its positional arguments,
// and where the options go. The options are passed as the job gave them; the library checks
// them (and the tensors) and its TypeError or RangeError is the job's error.
import {
  cropAndResize,
  multiScaleRoiAlign,
  preciseRoiPool,
  psRoiAlign,
  psRoiPool,
  roiAlign,
  roiAlignRotated,
  roiPool,
  spatialPyramidPool,
  type Tensor,
} from '../lib/index.js';
import type { LoadedTensor } from './io/elements.js';
import type { ForwardOperator, JobSpec } from './job-spec.js';

/**
 * A job's files as read. Their dtypes are the library's to check (an int32 map is refused there);
 * a 16-bit map is its bit patterns with the dtype that says which (docs/api.md "16-bit feature maps").
 */
export interface LoadedJob {
  inputs: Array<Pick<LoadedTensor, 'data' | 'shape' | 'dtype'>>;
  /** A float32 tensor, or float64 rows that the library judges before narrowing (io/boxes-file.ts boxesArgument). */
  boxes?: { data: Float32Array; shape: number[] } | number[][];
  /** cropAndResize's box indices: int32 as read, or the values of a float file for the library to check. */
  boxIndices?: Int32Array | number[];
}

export interface JobOutput {
  output: Tensor;
  argmax?: Int32Array;
}

type Call = (job: LoadedJob, spec: JobSpec, options: Record<string, unknown>) => Promise<JobOutput>;

// The library's signatures are typed for valid calls; these pass what the files held and let
// its run-time validation answer, hence the casts to `never`.
type Forward = (input: never, boxes: never, options: never) => Promise<Tensor>;

/** An operator called as (input, boxes, options). */
const withBoxes =
  (forward: Forward): Call =>
  async (job, _spec, options) => ({
    output: await forward(job.inputs[0] as never, job.boxes as never, options as never),
  });

export const operatorCalls: Record<ForwardOperator, Call> = {
  roiPool: async (job, spec, options) => {
    const returnArgmax = spec.argmaxOutput !== undefined;
    const result = await roiPool(job.inputs[0] as never, job.boxes as never, { ...options, returnArgmax } as never);
    const output = { data: result.data, shape: result.shape, dtype: result.dtype };
    return { output, ...(result.argmax ? { argmax: result.argmax } : {}) };
  },
  roiAlign: withBoxes(roiAlign),
  psRoiPool: withBoxes(psRoiPool),
  psRoiAlign: withBoxes(psRoiAlign),
  roiAlignRotated: withBoxes(roiAlignRotated),
  preciseRoiPool: withBoxes(preciseRoiPool),
  multiScaleRoiAlign: async (job, _spec, options) => ({
    output: await multiScaleRoiAlign(job.inputs as never, job.boxes as never, options as never),
  }),
  // Boxes are optional here: without them each image's whole map is pooled.
  spatialPyramidPool: async (job, _spec, options) => ({
    output: await spatialPyramidPool(
      job.inputs[0] as never,
      (job.boxes === undefined ? options : { ...options, boxes: job.boxes }) as never,
    ),
  }),
  cropAndResize: async (job, spec, options) => {
    // Without a box-indices file every box crops image 0, the common single-image case.
    const boxCount = job.boxes === undefined ? 0 : Array.isArray(job.boxes) ? job.boxes.length : job.boxes.shape[0];
    const boxIndices = job.boxIndices ?? new Int32Array(boxCount ?? 0);
    return {
      output: await cropAndResize(
        job.inputs[0] as never,
        job.boxes as never,
        boxIndices as never,
        spec.cropSize as never,
        options as never,
      ),
    };
  },
};
