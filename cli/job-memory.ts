// How much memory one job may take, checked before it is taken (docs/cli.md "Memory per
// job"). A manifest line of a few KB can name a 10 MB map a thousand times, or ask for an
// output of K x C x 100 x 100 floats: the job's files are read once each (run-job.ts), their
// sizes are summed from stat() before any is read, and the output's size is counted from the
// loaded shapes (with the kernels' working copy of the maps) before the library allocates
// it. Over the limit, the job fails with a
// message naming the flag that raises it.
import { constrainedMemory } from 'node:process';
import { totalmem } from 'node:os';

import { UsageError, type OptionSpec } from './command.js';
import { formatBytes } from './format.js';
import type { JobSpec } from './job-spec.js';
import type { LoadedJob } from './operators.js';

/** The flag, as --help shows it for pool and batch. */
export const maxJobBytesOption: OptionSpec = {
  type: 'string',
  value: 'SIZE',
  help: "the memory a job may take: its files, a copy of its maps, its output; like\n8G or 512M (default: half the memory available: the container's limit,\nelse the machine's)",
};

export const maxJobBytesFlag = '--max-job-bytes';

/**
 * Half of the memory this process may use: a container's limit when one is set (cgroups;
 * process.constrainedMemory() is 0 or 2^64 without one), else the machine's. Half, because a
 * job holds more than its files (float64 converted to float32, the boxes as rows, Node itself).
 */
export function defaultMaxJobBytes(): number {
  const constrained = constrainedMemory?.() ?? 0;
  const available = constrained > 0 && constrained < totalmem() ? constrained : totalmem();
  return Math.floor(available / 2);
}

const units: Record<string, number> = { '': 1, B: 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 };

/** `--max-job-bytes SIZE`: bytes, or a number with K, M, G or T (powers of 1024; KiB, GB... alike). */
export function parseByteSize(flag: string, text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(?:([KMGT])i?)?B?$/i.exec(text.trim());
  const bytes = match === null ? NaN : Number(match[1]) * (units[(match[2] ?? '').toUpperCase()] as number);
  if (!Number.isFinite(bytes) || bytes < 1) {
    throw new UsageError(`expected a size like 8G, 512M or 1000000 (bytes) for --${flag} but received "${text}"`);
  }
  return Math.floor(bytes);
}

/** One file a job reads, once however often the job names it. */
export interface JobRead {
  /** The file as the job names it, for messages. */
  name: string;
  /** Its size from stat(), or 0 when it is not a regular file (the reader refuses those). */
  bytes: number;
}

const overLimit = (limit: number) =>
  `over the limit of ${formatBytes(limit)} per job; raise it with ${maxJobBytesFlag} if the machine has the memory`;

/** Throws when the files `reads` add up to more than `limit` bytes. */
export function checkJobReads(reads: readonly JobRead[], limit: number): void {
  const total = reads.reduce((sum, read) => sum + read.bytes, 0);
  if (total <= limit) return;
  const largest = [...reads].sort((a, b) => b.bytes - a.bytes).slice(0, 3);
  const listed = largest.map((read) => `${read.name} ${formatBytes(read.bytes)}`).join(', ');
  const more = reads.length > largest.length ? `, and ${reads.length - largest.length} more` : '';
  throw new Error(`the job's files are ${formatBytes(total)} (${listed}${more}); ${overLimit(limit)}`);
}

/** A positive integer, or a pair of them: outputSize and cropSize as the library takes them; else undefined. */
function gridCells(value: unknown): number | undefined {
  const isSide = (side: unknown): side is number => Number.isSafeInteger(side) && (side as number) > 0;
  if (isSide(value)) return value * value;
  if (Array.isArray(value) && value.length === 2 && isSide(value[0]) && isSide(value[1])) return value[0] * value[1];
  return undefined;
}

/**
 * The elements of the job's output, as the library will shape it (docs/api.md): K rows of
 * boxes (or N images for spatialPyramidPool without boxes) times the channels times the
 * bins. Undefined when an option is not a plain valid value: the library refuses it then,
 * before allocating anything.
 */
function outputElements(spec: JobSpec, job: LoadedJob): number | undefined {
  const [input] = job.inputs;
  if (input === undefined || input.shape.length !== 4) return undefined;
  // cropAndResize takes images NHWC unless told otherwise; the others NCHW.
  const layout = spec.options.layout ?? (spec.op === 'cropAndResize' ? 'NHWC' : 'NCHW');
  const channels = (layout === 'NHWC' ? input.shape[3] : input.shape[1]) as number;
  // Boxes are a float32 tensor or, read from float64 text or .npy, plain rows (boxesArgument).
  const boxes = job.boxes;
  const rows =
    boxes === undefined ? (input.shape[0] as number) : Array.isArray(boxes) ? boxes.length : (boxes.shape[0] as number);
  switch (spec.op) {
    case 'psRoiPool':
    case 'psRoiAlign':
      // channels / (ph * pw) output channels, each with ph * pw bins.
      return rows * channels;
    case 'cropAndResize': {
      const cells = gridCells(spec.cropSize);
      return cells === undefined ? undefined : rows * channels * cells;
    }
    case 'spatialPyramidPool': {
      const levels = spec.options.levels ?? [1, 2, 4];
      if (!Array.isArray(levels) || !levels.every((level) => Number.isSafeInteger(level) && level > 0))
        return undefined;
      return rows * channels * levels.reduce((sum: number, level: number) => sum + level * level, 0);
    }
    default: {
      const cells = gridCells(spec.options.outputSize);
      return cells === undefined ? undefined : rows * channels * cells;
    }
  }
}

/** The bytes of one output value: float32, or a 16-bit value and the float32 it is rounded from. */
function outputValueBytes(spec: JobSpec): { bytes: number; values: string } {
  const dtype = spec.options.outputDtype;
  // docs/api.md "16-bit feature maps": a 16-bit output is computed into float32 memory first.
  if (dtype === 'float16' || dtype === 'bfloat16') return { bytes: 6, values: `${dtype} values (computed in float32)` };
  return { bytes: 4, values: 'float32 values' };
}

/**
 * Throws when the job, its files loaded, would need more than `limit` bytes in all: its files
 * (`readBytes`, checked before reading; a 16-bit map is read in place, 2 bytes a value), a
 * float32 working copy of each map (the native kernels copy an NCHW map to channels-last before
 * pooling, docs/design.md "Kernel paths", and widen a 16-bit map into float32), and its output
 * (outputValueBytes a value, and 4 more for roiPool's int32 argmax), before the library
 * allocates it.
 */
export function checkJobMemory(spec: JobSpec, job: LoadedJob, readBytes: number, limit: number): void {
  const elements = outputElements(spec, job);
  const value = outputValueBytes(spec);
  const outputBytes = elements === undefined ? 0 : elements * (value.bytes + (spec.argmaxOutput === undefined ? 0 : 4));
  const workingBytes = job.inputs.reduce((sum, input) => sum + input.data.length * 4, 0);
  const total = readBytes + workingBytes + outputBytes;
  if (total <= limit) return;
  const output =
    elements === undefined
      ? ''
      : `, its output ${formatBytes(outputBytes)} (${elements} ${value.values}${spec.argmaxOutput === undefined ? '' : ' and as many int32 argmax'})`;
  throw new Error(
    `the job needs about ${formatBytes(total)}: its files ${formatBytes(readBytes)}, ` +
      `a working copy of its maps ${formatBytes(workingBytes)}${output}; ${overLimit(limit)}`,
  );
}
