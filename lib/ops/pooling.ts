// What the RoI operators share: the common options, the validation of input and boxes,
// the output buffer and the sample budget of the RoIAlign-shaped ones.
import { checkBoxRows, readBoxes } from '../boxes.js';
import { alignGeometry } from '../geometry/align.js';
import { rotatedGeometry } from '../geometry/rotated.js';
import { roiRowIsValid, rotatedRowIsValid } from '../geometry/rows.js';
import { formatCount, rangeError } from '../errors.js';
import { mapStorage, type BoxColumns, type DType, type ForwardCall, type PoolingJob, type RoiRows } from '../model.js';
import type { Layout, Tensor } from '../types.js';
import {
  forwardOutput,
  read,
  readInputMap,
  readOptions,
  type OptionTable,
  type OptionValues,
  type OutputArray,
} from '../validate.js';
import { warnIfBoxesOutside } from '../warnings.js';

/** Options every RoI pooling operator takes (docs/api.md "Options every operator shares"). */
export const poolingOptions = {
  outputSize: { read: read.outputSize, required: true },
  spatialScale: { read: read.positiveFinite, default: 1 },
  layout: { read: read.oneOf<Layout>(['NCHW', 'NHWC']), default: 'NCHW' as Layout },
  invalidBoxes: { read: read.oneOf(['error', 'zero'] as const), default: 'error' as const },
  out: { read: read.outputArray, default: undefined as OutputArray | undefined },
  threads: { read: read.integer(1, 65536), default: undefined as number | undefined },
  outputDtype: { read: read.oneOf<DType>(['float32', 'float16', 'bfloat16']), default: 'float32' as DType },
} satisfies OptionTable;

/** The options of every RoIAlign-shaped operator's sampling grid. */
export const samplingOptions = {
  samplingRatio: { read: read.integer(-(2 ** 31), 2 ** 31 - 1), default: -1 },
  maxSamplesPerRoi: { read: read.integer(1), default: 2 ** 24 },
} satisfies OptionTable;

/** Added to an operator's options for its async form. */
export const asyncOptions = {
  signal: { read: read.abortSignal, default: undefined as AbortSignal | undefined },
} satisfies OptionTable;

const asyncTables = new WeakMap<OptionTable, OptionTable>();

/**
 * Reads an operator's options: `table` for a `…Sync` function, `table` plus `signal` for
 * its async twin (the table with `signal` is built once per table).
 */
export function readCallOptions<Table extends OptionTable>(
  fn: string,
  options: unknown,
  table: Table,
): OptionValues<Table> {
  if (fn.endsWith('Sync')) return readOptions(fn, options, table);
  let withSignal = asyncTables.get(table);
  if (withSignal === undefined) {
    withSignal = { ...table, ...asyncOptions };
    asyncTables.set(table, withSignal);
  }
  return readOptions(fn, options, withSignal) as OptionValues<Table>;
}

export type PoolingOptionValues = OptionValues<typeof poolingOptions>;

/** A validated call: the job for the kernels, the shape of its output and what the caller gets as its data. */
export interface PreparedPooling {
  job: ForwardCall<PoolingJob>;
  shape: number[];
  rows: RoiRows;
  /** What the caller gets: its `out` when given (a Float16Array stays one), else the new output, and its dtype. */
  result: Tensor;
}

/** How an operator's boxes and output differ from roiAlign's (the defaults). */
export interface PoolingShape {
  /** Box rows of 5 (x1, y1, x2, y2) or 6 (cx, cy, w, h, angle). */
  columns?: BoxColumns;
  /** Output channels from input channels (psRoi*: C / (PH*PW), checked by the caller). */
  outputChannels?: (channels: number) => number;
}

export function preparePooling(
  fn: string,
  input: unknown,
  boxes: unknown,
  options: PoolingOptionValues,
  { columns = 5, outputChannels = (channels) => channels }: PoolingShape = {},
): PreparedPooling {
  const map = readInputMap(fn, 'input', input, options.layout);
  const rows = readBoxes(fn, boxes, map.batch, columns);
  checkBoxRows(fn, rows, map.batch, options.invalidBoxes, columns);
  warnIfBoxesOutside(fn, rows, columns, map, options.spatialScale);
  const [pooledHeight, pooledWidth] = options.outputSize;
  const K = rows.count;
  const C = outputChannels(map.channels);
  const shape = options.layout === 'NCHW' ? [K, C, pooledHeight, pooledWidth] : [K, pooledHeight, pooledWidth, C];
  const out = forwardOutput(fn, shape, options.out, options.outputDtype, [[mapStorage(map), 'the input data']]);
  return {
    job: {
      input: map,
      rois: rows.data,
      roiCount: K,
      out: out.data,
      outputDtype: options.outputDtype,
      pooledHeight,
      pooledWidth,
      spatialScale: options.spatialScale,
      threads: options.threads ?? 0,
    },
    shape,
    rows,
    result: { data: out.result as Tensor['data'], shape, dtype: options.outputDtype },
  };
}

/**
 * `job` with `fields` added, in place. Every operator extends the shared job this way rather
 * than with a spread (`{ ...job, ...fields }`): V8 gave each spread copy a new hidden class
 * on every call, and that dominated small calls (a roiAlignSync of 0 RoIs took 13 µs with
 * the spread and 2.6 µs with this, node on this machine, 200k calls).
 */
export function extendJob<Job extends object, Fields extends object>(job: Job, fields: Fields): Job & Fields {
  return Object.assign(job, fields);
}

/** psRoi*: C must be a multiple of PH*PW; the output has C / (PH*PW) channels. */
export function positionSensitiveChannels(fn: string, options: PoolingOptionValues): (channels: number) => number {
  const [PH, PW] = options.outputSize;
  return (channels) => {
    if (channels % (PH * PW) !== 0) {
      throw rangeError(
        fn,
        `input has ${channels} channels, which is not a multiple of outputSize ${PH}x${PW} = ${PH * PW} ` +
          '(position-sensitive pooling reads one channel group per bin)',
      );
    }
    return channels / (PH * PW);
  };
}

/** A RoI's sampling grid per bin (rows x columns of samples). */
export interface SampleGrid {
  gridHeight: number;
  gridWidth: number;
}

/**
 * docs/api.md "Bad input": work that would be unbounded is refused up front, naming the row. `grid(k)` is
 * RoI k's sampling grid, or null for a row that pools to zeros.
 */
export function checkSampleBudget(
  fn: string,
  job: { roiCount: number; pooledHeight: number; pooledWidth: number; maxSamplesPerRoi: number },
  rows: RoiRows,
  grid: (k: number) => SampleGrid | null,
): void {
  const { pooledHeight: PH, pooledWidth: PW } = job;
  for (let k = 0; k < job.roiCount; k++) {
    const g = grid(k);
    if (g === null) continue;
    const samples = PH * PW * g.gridHeight * g.gridWidth;
    if (Number.isNaN(samples)) {
      // 0 x Infinity: an empty axis and an infinite one (a box of float32-overflowing extent). The native
      // kernels refuse it as too many samples; refuse it here, naming the row.
      throw rangeError(
        fn,
        `${rows.rowName(k)} has an unbounded sampling grid (${PH}x${PW} bins of ${g.gridHeight}x${g.gridWidth}), ` +
          'its extent overflows float32; pass a samplingRatio',
      );
    }
    if (samples > job.maxSamplesPerRoi) {
      throw rangeError(
        fn,
        `${rows.rowName(k)} needs ${formatCount(samples)} samples ` +
          `(${PH}x${PW} bins of ${formatCount(g.gridHeight)}x${formatCount(g.gridWidth)}), ` +
          `over options.maxSamplesPerRoi = ${job.maxSamplesPerRoi}; pass a samplingRatio or raise maxSamplesPerRoi`,
      );
    }
  }
}

/** What a RoIAlign-shaped job says of its sample grids. */
interface SamplingJob {
  rois: Float32Array;
  spatialScale: number;
  samplingRatio: number;
  pooledHeight: number;
  pooledWidth: number;
}

/** Row k's RoIAlign sample grid (rows of 5), or null for a row that pools to 0: for checkSampleBudget. */
export function alignGrids(job: SamplingJob, batch: number, aligned: boolean): (k: number) => SampleGrid | null {
  const { rois, spatialScale, samplingRatio, pooledHeight, pooledWidth } = job;
  return (k) =>
    roiRowIsValid(rois, k, batch)
      ? alignGeometry(rois, k * 5, spatialScale, aligned, samplingRatio, pooledHeight, pooledWidth)
      : null;
}

/** Row k's rotated RoIAlign sample grid (rows of 6), or null for a row that pools to 0. */
export function rotatedGrids(job: SamplingJob, batch: number, aligned: boolean): (k: number) => SampleGrid | null {
  const { rois, spatialScale, samplingRatio, pooledHeight, pooledWidth } = job;
  return (k) =>
    rotatedRowIsValid(rois, k, batch)
      ? rotatedGeometry(rois, k * 6, spatialScale, aligned, samplingRatio, pooledHeight, pooledWidth)
      : null;
}
