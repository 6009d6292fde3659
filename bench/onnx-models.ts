// The one-node ONNX RoiAlign models of the onnxruntime-node contender: which attributes a
// roiAlign workload maps to, and the file each set is stored in under bench/models/. Shared by
// the contender (bench/contenders/onnxruntime.ts) and the script that writes the models
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
