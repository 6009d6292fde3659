// The workloads as files, so that every contender of a run (Node processes and the Python one)
// reads the very same bytes: for each workload <id>.json (op, options, and each tensor's file and
// shape) beside <id>.input<i>.f32 (one per input feature map: one, or a pyramid's levels finest
// first) and <id>.boxes.f32, all raw little-endian float32 in C order. Written once per run by
// bench/run.ts from bench/workloads.ts into a temporary directory.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { BenchTensor, Workload } from './workloads.js';

/** A tensor as the JSON describes it: its raw float32 file (beside the JSON) and its shape. */
export interface TensorFile {
  file: string;
  shape: number[];
}

/** <id>.json. */
export type WorkloadFile = Omit<Workload, 'inputs' | 'boxes'> & {
  /** [N,C,H,W] each. */
  inputs: TensorFile[];
  /** [K,5] rows (batchIndex, x1, y1, x2, y2), or [K,6] (batchIndex, cx, cy, w, h, angle) for roiAlignRotated. */
  boxes: TensorFile;
};

function writeFloats(path: string, data: Float32Array): void {
  writeFileSync(path, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

/** Reads raw float32 data into a fresh, aligned Float32Array (the machine is little-endian, as x64 and arm64 are). */
export function readFloats(path: string): Float32Array {
  const bytes = readFileSync(path);
  const data = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(data.buffer).set(bytes);
  return data;
}

function writeTensor(directory: string, file: string, tensor: BenchTensor): TensorFile {
  writeFloats(join(directory, file), tensor.data);
  return { file, shape: tensor.shape };
}

export function writeWorkloadFiles(directory: string, workloads: Workload[]): void {
  for (const { inputs, boxes, ...rest } of workloads) {
    const description: WorkloadFile = {
      ...rest,
      inputs: inputs.map((input, i) => writeTensor(directory, `${rest.id}.input${i}.f32`, input)),
      boxes: writeTensor(directory, `${rest.id}.boxes.f32`, boxes),
    };
    writeFileSync(join(directory, `${rest.id}.json`), `${JSON.stringify(description, null, 2)}\n`);
  }
}

export function readWorkload(directory: string, id: string): Workload {
  const { inputs, boxes, ...rest } = JSON.parse(readFileSync(join(directory, `${id}.json`), 'utf8')) as WorkloadFile;
  const readTensor = ({ file, shape }: TensorFile): BenchTensor => ({ data: readFloats(join(directory, file)), shape });
  return { ...rest, inputs: inputs.map(readTensor), boxes: readTensor(boxes) } as Workload;
}

/** The one feature map of a single-input workload (every operator but multiScaleRoiAlign). */
export function onlyInput(workload: Workload): BenchTensor {
  const [input, ...more] = workload.inputs;
  if (!input || more.length > 0)
    throw new Error(`${workload.id}: ${workload.op} takes one feature map, the workload has ${workload.inputs.length}`);
  return input;
}

export function writeOutput(path: string, data: Float32Array): void {
  writeFloats(path, data);
}
