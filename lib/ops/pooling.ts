// What roiPool and roiAlign (and every later RoI operator) share: the common options, the
// validation of input and boxes, the output buffer, and how an async call is run and aborted.
import { checkBoxRows, readBoxes, type RoiRows } from '../boxes.js';
import type { PoolingJob } from '../reference/common.js';
import type { Layout } from '../types.js';
import { outputBuffer, read, readFeatureMap, type FeatureMap, type OptionTable } from '../validate.js';

/** Options every RoI pooling operator takes (API.md). */
export const poolingOptions = {
  outputSize: { read: read.outputSize, required: true },
  spatialScale: { read: read.positiveFinite, default: 1 },
  layout: { read: read.oneOf<Layout>(['NCHW', 'NHWC']), default: 'NCHW' as Layout },
  invalidBoxes: { read: read.oneOf(['error', 'zero'] as const), default: 'error' as const },
  out: { read: read.float32Array, default: undefined as Float32Array | undefined },
  threads: { read: read.integer(1, 65536), default: undefined as number | undefined },
} satisfies OptionTable;

/** Added to an operator's options for its async form. */
export const asyncOptions = {
  signal: { read: read.abortSignal, default: undefined as AbortSignal | undefined },
} satisfies OptionTable;

export interface PoolingOptionValues {
  outputSize: [number, number];
  spatialScale: number;
  layout: Layout;
  invalidBoxes: 'error' | 'zero';
  out: Float32Array | undefined;
  threads: number | undefined;
}

/** A validated call: the job for the kernels and the shape of its output. */
export interface PreparedPooling {
  job: PoolingJob;
  shape: number[];
  rows: RoiRows;
}

export function preparePooling(fn: string, input: unknown, boxes: unknown, options: PoolingOptionValues): PreparedPooling {
  const map: FeatureMap = readFeatureMap(fn, 'input', input, options.layout);
  const rows = readBoxes(fn, boxes, map.batch);
  checkBoxRows(fn, rows, map.batch, options.invalidBoxes);
  const [pooledHeight, pooledWidth] = options.outputSize;
  const K = rows.count;
  const C = map.channels;
  const shape = options.layout === 'NCHW' ? [K, C, pooledHeight, pooledWidth] : [K, pooledHeight, pooledWidth, C];
  const out = outputBuffer(fn, 'options.out', shape, options.out, (n) => new Float32Array(n), [[map.data, 'the input data']]);
  return {
    job: {
      input: map,
      rois: rows.data,
      roiCount: K,
      out,
      pooledHeight,
      pooledWidth,
      spatialScale: options.spatialScale,
      threads: options.threads ?? 0,
    },
    shape,
    rows,
  };
}

/**
 * Runs `start` with an abort flag wired to `signal`. An aborted call rejects with the
 * signal's reason (an AbortError by default), whether the kernel noticed the flag or had
 * already finished: once the signal fired, the caller gets the rejection.
 */
export async function runAbortable(signal: AbortSignal | undefined, start: (abortFlag: Int32Array) => Promise<void>): Promise<void> {
  signal?.throwIfAborted();
  const abortFlag = new Int32Array(1);
  const raise = () => Atomics.store(abortFlag, 0, 1);
  signal?.addEventListener('abort', raise, { once: true });
  try {
    await start(abortFlag);
  } catch (error) {
    if (signal?.aborted && (error as { code?: unknown }).code === 'ABORT_ERR') throw signal.reason;
    throw error;
  } finally {
    signal?.removeEventListener('abort', raise);
  }
  signal?.throwIfAborted();
}
