// The one-node ONNX RoiAlign models of the onnxruntime-node contender: which attributes a
// roiAlign workload maps to, the file each set is stored in under bench/models/, and how a
// contender opens and feeds one. Shared by the contender (bench/contenders/onnxruntime.ts),
// bench/half-maps.ts and the script that writes the models
// (scripts/make-onnx-roialign-model.ts), which the contender must not bundle: that script
// runs its main when it is the process's entry, and so would the contender's build.
import type { RoiAlignOptions } from '../lib/index.js';
import { benchFile } from './scripts.js';

export interface OnnxRoiAlignAttributes {
  outputHeight: number;
  outputWidth: number;
  spatialScale: number;
  samplingRatio: number;
  mode: 'avg' | 'max';
  coordinateTransformationMode: 'half_pixel' | 'output_half_pixel';
}

export const modelDirectory = benchFile('models');

/** The ONNX attributes equivalent to roi-ops roiAlign options, or undefined when ONNX has none (mode 'max'). */
export function onnxAttributes(options: RoiAlignOptions): OnnxRoiAlignAttributes | undefined {
  const mode = options.mode ?? 'avg';
  if (mode === 'max') return undefined;
  const [outputHeight, outputWidth] =
    typeof options.outputSize === 'number' ? [options.outputSize, options.outputSize] : options.outputSize;
  return {
    outputHeight,
    outputWidth,
    spatialScale: options.spatialScale ?? 1,
    samplingRatio: Math.max(0, options.samplingRatio ?? -1),
    mode: mode === 'onnx-max' ? 'max' : 'avg',
    coordinateTransformationMode: options.aligned ? 'half_pixel' : 'output_half_pixel',
  };
}

/**
 * The element type of the model's X: float32, or float16, which the model casts to float32 before
 * its RoiAlign (onnxruntime's CPU RoiAlign has no float16 kernel; a float16 export inserts the
 * same Cast). bench/half-maps.ts runs the float16 one beside roi-ops' 16-bit maps.
 */
export type OnnxInputType = 'float32' | 'float16';

export function modelFileName(a: OnnxRoiAlignAttributes, input: OnnxInputType = 'float32'): string {
  const suffix = input === 'float16' ? '-float16-cast' : '';
  return `roi-align-${a.outputHeight}x${a.outputWidth}-scale${a.spatialScale}-sr${a.samplingRatio}-${a.coordinateTransformationMode}-${a.mode}${suffix}.onnx`;
}

/** Why a contender cannot run: its model is not in bench/models/ (the script that writes them). */
export const missingModel = (path: string) => `${path} is missing: run npx tsx scripts/make-onnx-roialign-model.ts`;

/** The session options of every onnxruntime RoiAlign contender: `threads` intra-op threads, run as a single node. */
export function contenderSessionOptions(threads: number) {
  return {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  } as const;
}

/** roi-ops' [K, 5] box rows as the RoiAlign node takes them: rois [K, 4] and int64 batch_indices [K]. */
export function roiAlignNodeInputs(boxes: { data: Float32Array; shape: readonly number[] }) {
  const count = boxes.shape[0] as number;
  const rois = new Float32Array(count * 4);
  const batchIndices = new BigInt64Array(count);
  for (let k = 0; k < count; k++) {
    batchIndices[k] = BigInt(boxes.data[k * 5] as number);
    rois.set(boxes.data.subarray(k * 5 + 1, k * 5 + 5), k * 4);
  }
  return { count, rois, batchIndices };
}
