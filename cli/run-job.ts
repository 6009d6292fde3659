// Runs one job (job-spec.ts): reads its files, calls the operator through the asynchronous
// API, and writes the output (and roiPool's argmax) atomically. `pool` runs one; `batch` runs
// many, several at a time, each abortable by its signal.
import { performance } from 'node:perf_hooks';

import { boxesArgument, readBoxesFile } from './io/boxes-file.js';
import { readIndicesFile, readTensorFile } from './io/tensor-file.js';
import { writeNpyFilesAtomically } from './atomic-write.js';
import type { JobSpec } from './job-spec.js';
import { operatorCalls, type LoadedJob } from './operators.js';

/** Where a job's relative file names lead: pool uses them as given, batch resolves them. */
export interface JobPlaces {
  input(path: string): string;
  output(path: string): string;
}

export interface JobReport {
  op: string;
  /** The files written, as placed (output first, then roiPool's argmax). */
  output: string;
  argmaxOutput?: string;
  shape: number[];
  /** Wall times: reading the files, the library call, writing the outputs. */
  ms: { read: number; compute: number; write: number };
  /** Lossy conversions made reading the files (a float64 map read as float32), each naming its file. */
  notices: string[];
}

async function loadJob(spec: JobSpec, places: JobPlaces, notices: string[], signal?: AbortSignal): Promise<LoadedJob> {
  const reading = signal === undefined ? {} : { signal };
  const readTensor = async (path: string, key?: string) => {
    const tensor = await readTensorFile(places.input(path), key === undefined ? reading : { key, ...reading });
    notices.push(...tensor.notices);
    return tensor;
  };
  const inputs = [];
  for (const [i, path] of spec.inputs.entries()) inputs.push(await readTensor(path, spec.keys[i]));
  const job: LoadedJob = { inputs };
  if (spec.boxes !== undefined) {
    const boxes = await readBoxesFile(places.input(spec.boxes), reading);
    notices.push(...boxes.notices);
    job.boxes = boxesArgument(boxes);
  }
  if (spec.boxIndices !== undefined) {
    // Indices saved as floats (numpy's default dtype) go to the library as numbers, float64 ones
    // unrounded, which it accepts when they are integers and refuses, saying so, when they are not.
    job.boxIndices = await readIndicesFile(places.input(spec.boxIndices), reading);
  }
  return job;
}

export async function runJob(spec: JobSpec, places: JobPlaces, signal?: AbortSignal): Promise<JobReport> {
  const notices: string[] = [];
  const start = performance.now();
  const job = await loadJob(spec, places, notices, signal);
  const loaded = performance.now();
  const { output, argmax } = await operatorCalls[spec.op](
    job,
    spec,
    signal === undefined ? spec.options : { ...spec.options, signal },
  );
  const computed = performance.now();
  const outputPath = places.output(spec.output);
  const argmaxPath = spec.argmaxOutput === undefined ? undefined : places.output(spec.argmaxOutput);
  writeNpyFilesAtomically([
    { path: outputPath, tensor: output },
    ...(argmaxPath !== undefined && argmax !== undefined
      ? [{ path: argmaxPath, tensor: { data: argmax, shape: output.shape } }]
      : []),
  ]);
  return {
    op: spec.op,
    output: outputPath,
    ...(argmaxPath === undefined ? {} : { argmaxOutput: argmaxPath }),
    shape: output.shape,
    ms: { read: loaded - start, compute: computed - loaded, write: performance.now() - computed },
    notices,
  };
}
