// Running one roi-ops step of the pipeline: a RoiAlign or MaxRoiPool node, or a recognised
// MultiScaleRoIAlign, on the tensors onnxruntime made (docs/onnx.md "What roi-ops runs"). Errors
// name the node; a tensor roi-ops cannot take is refused, never converted silently.
import { multiScaleRoiAlign, roiAlign, roiPool } from '../lib/index.js';
import { mapLevels } from '../lib/internal.js';

import type { MultiScaleStage } from './multi-scale.js';
import type { OrtModule, OrtTensor } from './ort.js';
import type { MaxRoiPoolStage, RoiAlignStage } from './roi-nodes.js';
import type { Stage } from './split.js';

type FeatureMap = { data: Float32Array; shape: number[] };

/** What `plan` shows of a stage's call. */
export function stageOptions(stage: Stage): object {
  if (stage.operator !== 'multiScaleRoiAlign') return stage.options;
  const { spatialScale: _, ...shared } = (stage.perLevel[0] as RoiAlignStage).options;
  return {
    ...shared,
    scales: stage.perLevel.map((level) => level.options.spatialScale),
    canonicalScale: stage.canonicalScale,
    canonicalLevel: stage.canonicalLevel,
    levelValues: stage.levelValues,
  };
}

/**
 * Runs `stage` on `values`. Its output is written into the first elements of `spare` when that
 * has enough of them (a buffer of an earlier run that nothing reads any more: pipeline.ts), else
 * into a new array.
 */
export async function runStage(
  ort: OrtModule,
  stage: Stage,
  values: Map<string, OrtTensor>,
  threads: number | undefined,
  spare?: Float32Array,
): Promise<OrtTensor> {
  const label = {
    roiAlign: 'RoiAlign node',
    roiPool: 'MaxRoiPool node',
    multiScaleRoiAlign: 'MultiScaleRoIAlign ending at node',
  }[stage.operator];
  const get = (name: string) => values.get(name) as OrtTensor;
  try {
    const result =
      stage.operator === 'roiPool'
        ? await runMaxRoiPool(stage, get, threads)
        : stage.operator === 'roiAlign'
          ? await runRoiAlign(stage, get, threads, spare)
          : await runMultiScale(stage, get, threads, spare);
    return new ort.Tensor('float32', result.data, result.shape);
  } catch (error) {
    if (error instanceof Error) error.message = `roi-ops/onnx: ${label} '${stage.node}': ${error.message}`;
    throw error;
  }
}

/** `length` elements of `spare` to write an output into, when it has that many; else undefined (a new array). */
function outputIn(spare: Float32Array | undefined, length: number): Float32Array | undefined {
  return spare !== undefined && spare.length >= length ? spare.subarray(0, length) : undefined;
}

/** The elements of one RoI's [C, PH, PW] block pooled from `map` ([N, C, H, W]). */
function blockSize(map: FeatureMap, [height, width]: readonly [number, number]): number {
  return (map.shape[1] as number) * height * width;
}

function float32Of(tensor: OrtTensor, name: string): Float32Array {
  if (tensor.type !== 'float32' || !(tensor.data instanceof Float32Array))
    throw new TypeError(`input ${name}: expected a float32 tensor, got ${tensor.type}`);
  return tensor.data;
}

function featureMapOf(tensor: OrtTensor, name: string): FeatureMap {
  const map = { data: float32Of(tensor, name), shape: [...tensor.dims] };
  if (map.shape.length !== 4) throw new RangeError(`input ${name} has dims [${map.shape}], expected 4 dims (NCHW)`);
  refuseNonFiniteFirstPixel(map, name);
  return map;
}

/**
 * onnxruntime's RoiAlign weighs a sample outside the map as 0 times the plane's first pixel, so
 * a non-finite first pixel makes those samples NaN there, where roi-ops counts them as 0
 * (docs/onnx.md "Where the numbers can differ"). Refused rather than answered differently; N*C reads.
 */
function refuseNonFiniteFirstPixel({ data, shape }: FeatureMap, name: string): void {
  const [n = 0, c = 0, h = 0, w = 0] = shape;
  for (let plane = 0; plane < n * c; plane++) {
    const value = data[plane * h * w] as number;
    if (!Number.isFinite(value))
      throw new RangeError(
        `input ${name}[${Math.floor(plane / c)},${plane % c},0,0] is ${value}; onnxruntime spreads a non-finite first ` +
          'pixel to every sample outside the map, roi-ops counts those as 0, so the results would differ',
      );
  }
}

/** rois [K, columns] as float32, checked. */
function roisOf(tensor: OrtTensor, name: string, columns: number): Float32Array {
  const data = float32Of(tensor, name);
  if (tensor.dims.length !== 2 || tensor.dims[1] !== columns)
    throw new RangeError(`input ${name} has dims [${tensor.dims}], expected [num_rois, ${columns}]`);
  return data;
}

function int64sOf(tensor: OrtTensor, name: string, count: number, what: string): BigInt64Array {
  if (tensor.type !== 'int64' || !(tensor.data instanceof BigInt64Array))
    throw new TypeError(`input ${name} (${what}): expected an int64 tensor, got ${tensor.type}`);
  if (tensor.dims.length !== 1 || tensor.dims[0] !== count)
    throw new RangeError(`input ${name} has dims [${tensor.dims}], expected [${count}] (one per RoI)`);
  return tensor.data;
}

async function runMaxRoiPool(stage: MaxRoiPoolStage, get: (name: string) => OrtTensor, threads: number | undefined) {
  const { features, rois } = stage.inputs;
  const input = { data: float32Of(get(features), features), shape: [...get(features).dims] };
  const rows = roisOf(get(rois), rois, 5);
  return roiPool(input, { data: rows, shape: [...get(rois).dims] }, { ...stage.options, threads });
}

async function runRoiAlign(
  stage: RoiAlignStage,
  get: (name: string) => OrtTensor,
  threads: number | undefined,
  spare: Float32Array | undefined,
) {
  const { features, rois, batchIndices } = stage.inputs;
  const input = featureMapOf(get(features), features);
  const boxes = roisOf(get(rois), rois, 4);
  const count = get(rois).dims[0] as number;
  const indices = int64sOf(get(batchIndices), batchIndices, count, 'batch_indices');
  // roi-ops reads (batchIndex, x1, y1, x2, y2) rows; an index that does not fit exactly in a
  // float32 is out of any real batch's range and is refused by roi-ops' own row check.
  const rows = new Float32Array(count * 5);
  for (let k = 0; k < count; k++) {
    rows[k * 5] = Number(indices[k]);
    rows.set(boxes.subarray(k * 4, k * 4 + 4), k * 5 + 1);
  }
  const out = outputIn(spare, count * blockSize(input, stage.options.outputSize as [number, number]));
  return roiAlign(input, { data: rows, shape: [count, 5] }, { ...stage.options, threads, out });
}

/**
 * Each box pooled from the level the exported graph gave it. When roi-ops' own level mapping
 * (lib's mapLevels, float32 as torchvision) agrees on every box, one multiScaleRoiAlign call does
 * all levels; otherwise (onnxruntime's Log and Sqrt need not round as JavaScript's do, so a box on
 * a level boundary can differ) one roiAlign per level, written into the rows of its boxes.
 */
async function runMultiScale(
  stage: MultiScaleStage,
  get: (name: string) => OrtTensor,
  threads: number | undefined,
  spare: Float32Array | undefined,
) {
  const features = stage.inputs.features.map((name) => featureMapOf(get(name), name));
  const rows = roisOf(get(stage.inputs.rois), stage.inputs.rois, 5);
  const count = get(stage.inputs.rois).dims[0] as number;
  const levels = int64sOf(get(stage.inputs.levels), stage.inputs.levels, count, 'levels');
  const level = Int32Array.from(levels, (value) => stage.levelValues.indexOf(Number(value)));
  const shared = (stage.perLevel[0] as RoiAlignStage).options;
  const scales = stage.perLevel.map((each) => each.options.spatialScale);
  const boxes = { data: rows, shape: [count, 5] };
  const outputSize = shared.outputSize as [number, number];
  const rowSize = blockSize(features[0] as FeatureMap, outputSize);
  const length = count * rowSize;
  if (shared.mode === 'avg') {
    const ours = mapLevels(rows, count, scales, stage.canonicalScale, stage.canonicalLevel);
    if (ours.every((value, k) => value === level[k]))
      return multiScaleRoiAlign(features, boxes, {
        outputSize: shared.outputSize,
        samplingRatio: shared.samplingRatio,
        aligned: shared.aligned,
        scales,
        canonicalScale: stage.canonicalScale,
        canonicalLevel: stage.canonicalLevel,
        threads,
        out: outputIn(spare, length),
      });
  }
  const [outputHeight, outputWidth] = outputSize;
  // A box of no level stays 0, as the graph's zeros (a reused buffer holds the last run's values).
  const out = outputIn(spare, length)?.fill(0) ?? new Float32Array(length);
  for (let l = 0; l < features.length; l++) {
    const picked: number[] = [];
    for (let k = 0; k < count; k++) if (level[k] === l) picked.push(k);
    if (picked.length === 0) continue;
    const subset = new Float32Array(picked.length * 5);
    picked.forEach((k, i) => subset.set(rows.subarray(k * 5, k * 5 + 5), i * 5));
    const pooled = await roiAlign(
      features[l] as FeatureMap,
      { data: subset, shape: [picked.length, 5] },
      {
        ...(stage.perLevel[l] as RoiAlignStage).options,
        threads,
      },
    );
    picked.forEach((k, i) => out.set(pooled.data.subarray(i * rowSize, (i + 1) * rowSize), k * rowSize));
  }
  return { data: out, shape: [count, ...(features[0] as FeatureMap).shape.slice(1, 2), outputHeight, outputWidth] };
}
