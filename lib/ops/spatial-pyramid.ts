// spatialPyramidPool / spatialPyramidPoolSync: spatial pyramid pooling (SPPNet, as docs/api.md
// "spatialPyramidPool" defines it; docs/semantics.md "spatialPyramidPool"). Each level l pools the whole map of each image
// (or each box) over an l x l grid of roiPool's bins; the levels are flattened as
// (C, l, l) and concatenated in the given order: [N or K, C * sum(l^2)].
import { checkBoxRows, readBoxes } from '../boxes.js';
import { mapStorage } from '../model.js';
import type { ForwardAsync, ForwardSync, SpatialPyramidPoolOptions, Tensor, TensorLike } from '../types.js';
import { forwardOutput, read, readInputMap } from '../validate.js';
import { warnIfBoxesOutside } from '../warnings.js';
import { operator } from './operator.js';
import { poolingOptions, readCallOptions } from './pooling.js';

const { spatialScale, layout, invalidBoxes, out, threads, outputDtype } = poolingOptions;

const spatialPyramidOptions = {
  levels: { read: read.list(read.integer(1, 2 ** 16), 'positive integers'), default: [1, 2, 4] },
  boxes: { read: (_fn: string, _argument: string, value: unknown) => value, default: undefined as unknown },
  spatialScale,
  mode: { read: read.oneOf(['max', 'avg'] as const), default: 'max' as const },
  layout,
  invalidBoxes,
  out,
  threads,
  outputDtype,
};

const spatialPyramidPoolOperator = operator('spatialPyramidPool', 1, (fn, input, options) => {
  const opts = readCallOptions(fn, options ?? {}, spatialPyramidOptions);
  const map = readInputMap(fn, 'input', input, opts.layout);
  let rois: Float32Array | null = null;
  let count = map.batch;
  if (opts.boxes !== undefined) {
    const rows = readBoxes(fn, opts.boxes, map.batch, 5, 'options.boxes');
    checkBoxRows(fn, rows, map.batch, opts.invalidBoxes);
    warnIfBoxesOutside(fn, rows, 5, map, opts.spatialScale);
    rois = rows.data;
    count = rows.count;
  }
  const cells = opts.levels.reduce((sum, l) => sum + l * l, 0);
  const shape = [count, map.channels * cells];
  const output = forwardOutput(fn, shape, opts.out, opts.outputDtype, [[mapStorage(map), 'the input data']]);
  const job = {
    input: map,
    rois,
    count,
    levels: opts.levels,
    spatialScale: opts.spatialScale,
    mode: opts.mode,
    out: output.data,
    outputDtype: opts.outputDtype,
    threads: opts.threads ?? 0,
  };
  return { job, result: { data: output.result as Tensor['data'], shape, dtype: opts.outputDtype } };
});

/** Spatial pyramid pooling of each image (or each box in options.boxes), blocking. */
export const spatialPyramidPoolSync: ForwardSync<[input: TensorLike], SpatialPyramidPoolOptions, Tensor, true> =
  spatialPyramidPoolOperator.sync as never;

/** Spatial pyramid pooling, off the JavaScript thread. */
export const spatialPyramidPool: ForwardAsync<[input: TensorLike], SpatialPyramidPoolOptions, Tensor, true> =
  spatialPyramidPoolOperator.async as never;
