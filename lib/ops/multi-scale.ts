// multiScaleRoiAlign / multiScaleRoiAlignSync: RoIAlign over a feature pyramid, each box
// on the level its size selects (torchvision MultiScaleRoIAlign + LevelMapper,
// docs/semantics.md "multiScaleRoiAlign"). The levels are mapped here; all of them are then pooled in
// ONE backend call (one crossing into native code, each level's map prepared once).
import { checkBoxRows, readBoxes } from '../boxes.js';
import { formatShape, invalidType, rangeError } from '../errors.js';
import { alignGeometry } from '../geometry/align.js';
import { inferScales, mapLevels } from '../geometry/levels.js';
import { roiRowIsValid } from '../geometry/rows.js';
import { isHalfMap, mapStorage, type FeatureMap, type InputMap } from '../model.js';
import type { Boxes, ForwardAsync, ForwardSync, MultiScaleRoiAlignOptions, Tensor, TensorLike } from '../types.js';
import { forwardOutput, mapIndices, read, readInputMap } from '../validate.js';
import { warnIfBoxesOutside } from '../warnings.js';
import { operator } from './operator.js';
import { checkSampleBudget, poolingOptions, readCallOptions, samplingOptions } from './pooling.js';

const imageSize = read.list(read.integer(1), 'positive integers');
const { spatialScale: _unused, ...poolingWithoutScale } = poolingOptions;

const multiScaleOptions = {
  ...poolingWithoutScale,
  ...samplingOptions,
  imageSizes: {
    read: read.list((fn, argument, value) => {
      const size = imageSize(fn, argument, value);
      if (size.length !== 2)
        throw rangeError(fn, `expected [height, width] for ${argument} but received ${formatShape(size)}`);
      return size as [number, number];
    }, '[height, width] pairs'),
    default: undefined as Array<[number, number]> | undefined,
  },
  scales: { read: read.list(read.positiveFinite, 'positive numbers'), default: undefined as number[] | undefined },
  canonicalScale: { read: read.positiveFinite, default: 224 },
  canonicalLevel: { read: read.integer(-1024, 1024), default: 4 },
  aligned: { read: read.boolean, default: false },
};

/** The pyramid: 4-D maps of one layout, finest first, sharing N and C. */
function readPyramid(fn: string, features: unknown, layout: FeatureMap['layout']): InputMap[] {
  if (!Array.isArray(features) || features.length === 0) {
    throw invalidType(fn, 'features', 'a non-empty array of tensors (finest level first)', features);
  }
  const levels = mapIndices(features, (level, i) => readInputMap(fn, `features[${i}]`, level, layout));
  const first = levels[0] as InputMap;
  const dtypeOf = (level: InputMap) => (isHalfMap(level) ? level.dtype : 'float32');
  levels.forEach((level, i) => {
    // One element type for the pyramid: the kernels widen every level the same way.
    if (dtypeOf(level) !== dtypeOf(first)) {
      throw new TypeError(
        `${fn}: features[${i}] holds ${dtypeOf(level)} values but features[0] holds ${dtypeOf(first)}; ` +
          'every level must share its element type',
      );
    }
    if (level.batch !== first.batch || level.channels !== first.channels) {
      throw rangeError(
        fn,
        `features[${i}] has batch ${level.batch} and ${level.channels} channels, but features[0] has batch ` +
          `${first.batch} and ${first.channels} channels; every level must share them`,
      );
    }
  });
  return levels;
}

function levelScales(
  fn: string,
  levels: InputMap[],
  opts: { imageSizes?: Array<[number, number]>; scales?: number[] },
): number[] {
  if (opts.scales !== undefined && opts.imageSizes !== undefined) {
    throw rangeError(fn, 'pass either options.scales or options.imageSizes, not both');
  }
  if (opts.scales !== undefined) {
    if (opts.scales.length !== levels.length) {
      throw rangeError(
        fn,
        `options.scales has ${opts.scales.length} entries but there are ${levels.length} feature levels`,
      );
    }
    return opts.scales;
  }
  if (opts.imageSizes === undefined) {
    throw invalidType(fn, 'options.imageSizes', 'the [height, width] of each image (or options.scales)', undefined);
  }
  return inferScales(
    levels.map((level) => level.height),
    opts.imageSizes,
  );
}

/** Validates a call and builds its kernel job and result, without running it. */
export function prepareMultiScaleRoiAlign(fn: string, features: unknown, boxes: unknown, options: unknown) {
  const opts = readCallOptions(fn, options, multiScaleOptions);
  const levels = readPyramid(fn, features, opts.layout);
  const first = levels[0] as InputMap;
  const scales = levelScales(fn, levels, opts);
  const rows = readBoxes(fn, boxes, first.batch);
  checkBoxRows(fn, rows, first.batch, opts.invalidBoxes);
  warnIfBoxesOutside(fn, rows, 5, first, scales[0] as number); // the finest level: every level covers the image
  const [pooledHeight, pooledWidth] = opts.outputSize;
  const K = rows.count;
  const C = first.channels;
  const shape = opts.layout === 'NCHW' ? [K, C, pooledHeight, pooledWidth] : [K, pooledHeight, pooledWidth, C];
  const output = forwardOutput(
    fn,
    shape,
    opts.out,
    opts.outputDtype,
    levels.map((level, i) => [mapStorage(level), `features[${i}]`] as const),
  );
  const job = {
    levels,
    scales,
    rois: rows.data,
    roiCount: K,
    levelOfRoi: mapLevels(rows.data, K, scales, opts.canonicalScale, opts.canonicalLevel),
    out: output.data,
    outputDtype: opts.outputDtype,
    pooledHeight,
    pooledWidth,
    samplingRatio: opts.samplingRatio,
    aligned: opts.aligned,
    maxSamplesPerRoi: opts.maxSamplesPerRoi,
    threads: opts.threads ?? 0,
  };
  checkSampleBudget(fn, job, rows, (k) => {
    const level = job.levelOfRoi[k] as number;
    if (level < 0 || !roiRowIsValid(job.rois, k, first.batch)) return null;
    return alignGeometry(
      job.rois,
      k * 5,
      scales[level] as number,
      job.aligned,
      job.samplingRatio,
      pooledHeight,
      pooledWidth,
    );
  });
  return { job, result: { data: output.result as Tensor['data'], shape, dtype: opts.outputDtype } };
}

const multiScaleRoiAlignOperator = operator('multiScaleRoiAlign', 2, prepareMultiScaleRoiAlign);

/** RoIAlign over a feature pyramid (torchvision MultiScaleRoIAlign), blocking. */
export const multiScaleRoiAlignSync: ForwardSync<
  [features: readonly TensorLike[], boxes: Boxes],
  MultiScaleRoiAlignOptions
> = multiScaleRoiAlignOperator.sync as never;

/** RoIAlign over a feature pyramid, off the JavaScript thread. */
export const multiScaleRoiAlign: ForwardAsync<
  [features: readonly TensorLike[], boxes: Boxes],
  MultiScaleRoiAlignOptions
> = multiScaleRoiAlignOperator.async as never;
