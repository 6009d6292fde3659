// Runs one job (job-spec.ts): reads its files, calls the operator through the asynchronous
// API, and writes the output (and roiPool's argmax) atomically. `pool` runs one; `batch` runs
// many, several at a time, each abortable by its signal.
import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { performance } from 'node:perf_hooks';

import { boxesArgument, readBoxesFile, type BoxesFile } from './io/boxes-file.js';
import type { LoadedTensor } from './io/elements.js';
import { largestInputBytes } from './io/file-error.js';
import { readIndicesFile, readTensorFile } from './io/tensor-file.js';
import { checkJobMemory, checkJobReads } from './job-memory.js';
import { writeNpyFilesAtomically, type WrittenFile } from './atomic-write.js';
import type { JobSpec } from './job-spec.js';
import { operatorCalls, type LoadedJob } from './operators.js';

/** Where a job's relative file names lead: pool uses them as given, batch resolves them. */
export interface JobPlaces {
  input(path: string): string;
  output(path: string): string;
  /** Called once the job's outputs are in place (batch records the job done: resume.ts). */
  jobWritten?(spec: JobSpec, written: WrittenFile[]): void;
}

export interface JobReport {
  op: string;
  /** The files written, as placed (output first, then roiPool's argmax). */
  output: string;
  argmaxOutput?: string;
  shape: number[];
  /** The output's element type as written: '<f4' or, with outputDtype float16, '<f2'. */
  dtype: 'float32' | 'float16';
  /** Wall times: reading the files, the library call, writing the outputs. */
  ms: { read: number; compute: number; write: number };
  /** Lossy conversions made reading the files (a float64 map read as float32), each naming its file. */
  notices: string[];
}

/** How a job runs: the most it may read and write (job-memory.ts), and what abandons it. */
export interface RunOptions {
  maxJobBytes: number;
  signal?: AbortSignal;
}

/** One read of a job: a tensor file (with its .safetensors key) or the boxes file. */
interface PlannedRead {
  kind: 'tensor' | 'boxes' | 'indices';
  /** As the job names it (for messages) and as placed (to open). */
  name: string;
  path: string;
  key?: string;
}

/**
 * The job's reads, one per distinct file: a file named twice (the same map as two levels,
 * under two spellings or through a link) has one identity, its device and inode, and is read
 * once. Throws, before anything is read, when their sizes add up to more than the limit.
 */
async function planReads(spec: JobSpec, places: JobPlaces, limit: number) {
  const named: PlannedRead[] = spec.inputs.map((name, i) => ({
    kind: 'tensor',
    name,
    path: places.input(name),
    ...(spec.keys[i] === undefined ? {} : { key: spec.keys[i] }),
  }));
  if (spec.boxes !== undefined) named.push({ kind: 'boxes', name: spec.boxes, path: places.input(spec.boxes) });
  if (spec.boxIndices !== undefined)
    named.push({ kind: 'indices', name: spec.boxIndices, path: places.input(spec.boxIndices) });
  // A file that cannot be stat'ed keeps its path as identity: its reader reports why.
  const stats = await Promise.all(named.map((read) => stat(read.path).catch(() => undefined)));
  const distinct = new Map<string, { read: PlannedRead; bytes: number }>();
  const readOf = named.map((read, i) => {
    const info = stats[i];
    // The extension too: it chooses the reader (a link named .npy to a .safetensors file).
    const file = info === undefined ? `path ${read.path}` : `${info.dev}:${info.ino}`;
    const identity = [read.kind, extname(read.path).toLowerCase(), read.key ?? '', file].join('\0');
    // Not a regular file (a FIFO, a device): its size says nothing, and its reader refuses it.
    if (!distinct.has(identity)) distinct.set(identity, { read, bytes: info?.isFile() ? info.size : 0 });
    return identity;
  });
  checkJobReads(
    [...distinct.values()].map(({ read, bytes }) => ({ name: read.name, bytes })),
    limit,
  );
  const readBytes = [...distinct.values()].reduce((sum, { bytes }) => sum + bytes, 0);
  return { distinct, readOf, readBytes };
}

async function loadJob(
  spec: JobSpec,
  places: JobPlaces,
  notices: string[],
  { maxJobBytes, signal }: RunOptions,
): Promise<{ job: LoadedJob; readBytes: number }> {
  const { distinct, readOf, readBytes } = await planReads(spec, places, maxJobBytes);
  // Each read is capped too (the reader checks the open file), in case a file grew since stat.
  const reading = {
    maxInputBytes: Math.min(maxJobBytes, largestInputBytes),
    ...(signal === undefined ? {} : { signal }),
  };
  const loaded = new Map<string, LoadedTensor | BoxesFile | Int32Array | number[]>();
  // One at a time: the job's peak is its files, not its files and every parse in flight.
  for (const [identity, { read }] of distinct) {
    if (read.kind === 'indices') {
      loaded.set(identity, await readIndicesFile(read.path, reading));
      continue;
    }
    const file =
      read.kind === 'boxes'
        ? await readBoxesFile(read.path, reading)
        : await readTensorFile(read.path, read.key === undefined ? reading : { key: read.key, ...reading });
    notices.push(...file.notices);
    loaded.set(identity, file);
  }
  // The i-th file the job names, in planReads' order: inputs, boxes, box indices.
  const fileOf = (i: number) => loaded.get(readOf[i] as string);
  const inputs = spec.inputs.map((_, i) => fileOf(i) as LoadedTensor);
  const job: LoadedJob = { inputs };
  let next = spec.inputs.length;
  if (spec.boxes !== undefined) {
    job.boxes = boxesArgument(fileOf(next++) as BoxesFile);
  }
  if (spec.boxIndices !== undefined) {
    // Indices saved as floats (numpy's default dtype) go to the library as numbers, float64 ones
    // unrounded, which it accepts when they are integers and refuses, saying so, when they are not.
    job.boxIndices = fileOf(next) as Int32Array | number[];
  }
  return { job, readBytes };
}

export async function runJob(spec: JobSpec, places: JobPlaces, options: RunOptions): Promise<JobReport> {
  const { signal } = options;
  const notices: string[] = [];
  const start = performance.now();
  const { job, readBytes } = await loadJob(spec, places, notices, options);
  checkJobMemory(spec, job, readBytes, options.maxJobBytes);
  const loaded = performance.now();
  const { output, argmax } = await operatorCalls[spec.op](
    job,
    spec,
    signal === undefined ? spec.options : { ...spec.options, signal },
  );
  const computed = performance.now();
  const outputPath = places.output(spec.output);
  const argmaxPath = spec.argmaxOutput === undefined ? undefined : places.output(spec.argmaxOutput);
  const written = writeNpyFilesAtomically([
    { path: outputPath, tensor: output },
    ...(argmaxPath !== undefined && argmax !== undefined
      ? [{ path: argmaxPath, tensor: { data: argmax, shape: output.shape } }]
      : []),
  ]);
  places.jobWritten?.(spec, written);
  return {
    op: spec.op,
    output: outputPath,
    ...(argmaxPath === undefined ? {} : { argmaxOutput: argmaxPath }),
    shape: output.shape,
    dtype: output.dtype === 'float16' ? 'float16' : 'float32',
    ms: { read: loaded - start, compute: computed - loaded, write: performance.now() - computed },
    notices,
  };
}
