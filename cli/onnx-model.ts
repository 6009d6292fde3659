// What `roi-ops onnx inspect` and `roi-ops onnx bench` share: the model file as given on the
// command line, checked before roi-ops/onnx reads it, and the plan written on one line.
import { stat } from 'node:fs/promises';

import type { OnnxPipelinePlan } from '../onnx/index.js';
import { FileFormatError, fileKind } from './io/file-error.js';

/**
 * Checks that `path` is a regular file, so a missing path or a directory is a message naming it
 * (roi-ops/onnx then reads the file itself, so its errors name the file too) and a FIFO is never
 * opened for a read that would not end.
 */
export async function checkModelFile(path: string): Promise<void> {
  let stats;
  try {
    stats = await stat(path);
  } catch (error) {
    throw new FileFormatError(
      path,
      `cannot read the model (${(error as NodeJS.ErrnoException).code ?? 'unknown error'})`,
    );
  }
  if (!stats.isFile()) throw new FileFormatError(path, `is ${fileKind(stats)}; expected an ONNX model file`);
}

/** `onnxruntime(1287) -> multiScaleRoiAlign -> onnxruntime(123)`: each step, parts by their node count. */
export function planLine(plan: OnnxPipelinePlan): string {
  return plan.steps
    .map((step) => (step.kind === 'roi-ops' ? step.operator : `onnxruntime(${step.nodes})`))
    .join(' -> ');
}

/** `images float32 [3,H,W]`: a model input or output as it is declared. */
export function tensorLine(tensor: OnnxPipelinePlan['inputs'][number]): string {
  const dims = tensor.dims === undefined ? 'dims not declared' : `[${tensor.dims.join(',')}]`;
  return `${tensor.name} ${tensor.type ?? 'type not declared'} ${dims}`;
}
