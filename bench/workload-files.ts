// The workloads as files, so that every contender of a run (Node processes and the Python one)
// reads the very same bytes: for each workload <id>.json (op, options, shapes) beside
// <id>.input.f32 and <id>.boxes.f32 (raw little-endian float32, C order). Written once per run
// by bench/run.ts from bench/workloads.ts into a temporary directory.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { RoiAlignOptions, RoiPoolOptions } from '../lib/index.js';
import type { Workload } from './workloads.js';

export interface WorkloadFile {
  id: string;
  description: string;
  op: Workload['op'];
  options: RoiAlignOptions | RoiPoolOptions;
  /** [N, C, H, W] */
  inputShape: number[];
  /** [K, 5]: rows (batchIndex, x1, y1, x2, y2) */
  boxesShape: number[];
  inputFile: string;
  boxesFile: string;
}

export interface LoadedWorkload extends WorkloadFile {
  input: Float32Array;
  boxes: Float32Array;
}

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

export function writeWorkloadFiles(directory: string, workloads: Workload[]): void {
  for (const w of workloads) {
    const description: WorkloadFile = {
      id: w.id,
      description: w.description,
      op: w.op,
      options: w.options,
      inputShape: w.input.shape,
      boxesShape: w.boxes.shape,
      inputFile: `${w.id}.input.f32`,
      boxesFile: `${w.id}.boxes.f32`,
    };
    writeFloats(join(directory, description.inputFile), w.input.data);
    writeFloats(join(directory, description.boxesFile), w.boxes.data);
    writeFileSync(join(directory, `${w.id}.json`), `${JSON.stringify(description, null, 2)}\n`);
  }
}

export function readWorkload(directory: string, id: string): LoadedWorkload {
  const description = JSON.parse(readFileSync(join(directory, `${id}.json`), 'utf8')) as WorkloadFile;
  return {
    ...description,
    input: readFloats(join(directory, description.inputFile)),
    boxes: readFloats(join(directory, description.boxesFile)),
  };
}

export function writeOutput(path: string, data: Float32Array): void {
  writeFloats(path, data);
}
