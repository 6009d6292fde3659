// Seeded random problems for the backward passes: one forward/backward pair per backward
// operator (and per mode or flag that changes its gradient), each runnable through the
// TypeScript reference kernels (any layout, float32 or float64) and through the public API of
// lib/index.ts on whichever backend loaded, with the central finite-difference gradient of
// the float64 reference forward to check both against.
import {
  preciseRoiPool,
  preciseRoiPoolBackward,
  preciseRoiPoolBackwardSync,
  preciseRoiPoolSync,
  psRoiAlign,
  psRoiAlignBackward,
  psRoiAlignBackwardSync,
  psRoiAlignSync,
  psRoiPool,
  psRoiPoolBackward,
  psRoiPoolBackwardSync,
  psRoiPoolSync,
  roiAlign,
  roiAlignBackward,
  roiAlignBackwardSync,
  roiAlignRotated,
  roiAlignRotatedBackward,
  roiAlignRotatedBackwardSync,
  roiAlignRotatedSync,
  roiAlignSync,
  roiPool,
  roiPoolBackward,
  roiPoolBackwardSync,
  roiPoolSync,
  type Boxes,
  type Layout,
  type Tensor,
  type TensorLike,
} from '../../lib/index.js';
import type { AlignMode, Precision } from '../../lib/model.js';
import * as backwardReferences from '../../lib/reference/backward.js';
import type { FloatArray, ReferenceMap } from '../../lib/reference/common.js';
import { preciseRoiPoolReference } from '../../lib/reference/precise-roi-pool.js';
import { psRoiAlignReference, psRoiPoolReference } from '../../lib/reference/ps-roi.js';
import { roiAlignRotatedReference } from '../../lib/reference/roi-align-rotated.js';
import { roiAlignReference } from '../../lib/reference/roi-align.js';
import { roiPoolReference } from '../../lib/reference/roi-pool.js';
import { toChannelsLast } from './golden.js';

export type { Layout };

export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

export interface Shape {
  batch: number;
  channels: number;
  height: number;
  width: number;
}

/**
 * NCHW data of `shape`: uniform in [-2, 2), or (distinct) a shuffled ladder of values 0.1
 * apart, so that the winner of every max stays put under a 1e-4 perturbation.
 */
export function randomData(random: () => number, shape: Shape, distinct = false): Float32Array {
  const n = shape.batch * shape.channels * shape.height * shape.width;
  if (!distinct) return Float32Array.from({ length: n }, () => random() * 4 - 2);
  const ladder = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [ladder[i], ladder[j]] = [ladder[j] as number, ladder[i] as number];
  }
  return Float32Array.from(ladder, (v) => v * 0.1 - n * 0.05);
}

/** NCHW data as a map in `layout` (data converted to the array type of `data`). */
export function asMap<T extends FloatArray>(data: T, shape: Shape, layout: Layout): ReferenceMap & { data: T } {
  const nchw = { data: Float32Array.from(data), shape: [shape.batch, shape.channels, shape.height, shape.width] };
  const converted =
    layout === 'NCHW'
      ? data
      : (new (data.constructor as new (d: ArrayLike<number>) => T)(toChannelsLast(nchw).data) as T);
  return { ...shape, data: converted, layout };
}

/** K rows of 5 with boxes partly off a height x width map (image coordinates at `scale`). */
export function randomBoxes(random: () => number, count: number, shape: Shape, scale: number): Float32Array {
  const rois = new Float32Array(count * 5);
  for (let k = 0; k < count; k++) {
    const x1 = (random() * (shape.width + 2) - 2) / scale;
    const y1 = (random() * (shape.height + 2) - 2) / scale;
    rois.set(
      [
        k % shape.batch,
        x1,
        y1,
        x1 + (random() * shape.width * 0.9 + 0.3) / scale,
        y1 + (random() * shape.height * 0.9 + 0.3) / scale,
      ],
      k * 5,
    );
  }
  return rois;
}

/** K rows of 6 (b, cx, cy, w, h, degrees) with centres on or near the map. */
export function randomRotatedBoxes(random: () => number, count: number, shape: Shape, scale: number): Float32Array {
  const rois = new Float32Array(count * 6);
  for (let k = 0; k < count; k++) {
    rois.set(
      [
        k % shape.batch,
        (random() * (shape.width + 2) - 1) / scale,
        (random() * (shape.height + 2) - 1) / scale,
        (random() * 5 + 0.5) / scale,
        (random() * 5 + 0.5) / scale,
        random() * 360 - 180,
      ],
      k * 6,
    );
  }
  return rois;
}

/** One call of a case through the public API. */
export interface PublicCall {
  /** The forward input (the case's data) in `layout`. */
  input: Float32Array;
  /** The output gradient in the output's `layout`. */
  gradOutput: Float32Array;
  layout: Layout;
  form: 'sync' | 'async';
  threads: number;
}

/** A forward with a [K, C_out, PH, PW] output and its backward, both taking any layout and precision. */
export interface GradientCase {
  name: string;
  shape: Shape;
  data: Float32Array;
  /** [K, C_out, PH, PW] in NCHW terms. */
  outputShape: number[];
  outputLength: number;
  /** The forward is linear in the input (averages of bilinear samples, integrals): its backward is its adjoint. */
  linear: boolean;
  forward(input: ReferenceMap, out: FloatArray, precision: Precision): void;
  backward(gradOutput: FloatArray, gradInput: ReferenceMap, precision: Precision, input: ReferenceMap): void;
  /** The public forward of lib/index.ts (`…Sync` or async) with the case's options. */
  publicForward(call: PublicCall): Promise<Tensor>;
  /** The public backward of lib/index.ts with the forward's options: the input gradient, in `call.layout`. */
  publicBackward(call: PublicCall): Promise<Tensor>;
}

/** A [A, B, C, D] NCHW-ordered shape's data as a tensor in `layout` (NHWC moves B last). */
export function inLayout(data: Float32Array, [a, b, c, d]: number[], layout: Layout): Tensor {
  return { data, shape: (layout === 'NCHW' ? [a, b, c, d] : [a, c, d, b]) as number[] };
}

type Operator = (first: TensorLike, boxes: Boxes, options: never) => Tensor | Promise<Tensor>;

/** An operator's `…Sync` and async twins. */
type Twins = readonly [Operator, Operator];

function run(
  form: PublicCall['form'],
  [sync, async]: Twins,
  first: TensorLike,
  boxes: Boxes,
  options: object,
): Promise<Tensor> {
  return Promise.resolve((form === 'sync' ? sync : async)(first, boxes, options as never));
}

const scale = 0.5;
const pooled = { pooledHeight: 2, pooledWidth: 3, spatialScale: scale };
const small: Shape = { batch: 2, channels: 2, height: 5, width: 6 };
const positionSensitive: Shape = { batch: 2, channels: 12, height: 5, width: 6 }; // C_out 2 for 2x3 bins

/** A map shape as [N, C, H, W]. */
export const nchwShape = (s: Shape) => [s.batch, s.channels, s.height, s.width];

/** The public options every forward of these cases takes, for one call. */
const publicOptions = (call: PublicCall) => ({
  outputSize: [2, 3] as [number, number],
  spatialScale: scale,
  layout: call.layout,
  threads: call.threads,
});

/** How a case runs through the public API. */
interface PublicApi {
  boxes: TensorLike;
  forward: Twins;
  /** The backward's twins, called with (gradOutput, boxes, options); or the whole call (roiPool's takes an argmax). */
  backward: Twins | ((call: PublicCall, input: Tensor) => Promise<Tensor>);
  /** The forward's options besides outputSize, spatialScale, layout and threads; the backward takes them too. */
  options: Record<string, unknown>;
  /** The backward takes the forward input as options.input (roiAlign's max modes). */
  backwardNeedsInput?: boolean;
}

/** A case from its reference kernels and its public API. */
function gradientCase(
  reference: Omit<GradientCase, 'outputLength' | 'publicForward' | 'publicBackward'>,
  api: PublicApi,
): GradientCase {
  const input = (call: PublicCall) => inLayout(call.input, nchwShape(reference.shape), call.layout);
  const { boxes, forward, backward, options, backwardNeedsInput = false } = api;
  return {
    ...reference,
    outputLength: reference.outputShape.reduce((a, b) => a * b, 1),
    publicForward: (call) => run(call.form, forward, input(call), boxes, { ...publicOptions(call), ...options }),
    publicBackward: (call) => {
      if (typeof backward === 'function') return backward(call, input(call));
      return run(call.form, backward, inLayout(call.gradOutput, reference.outputShape, call.layout), boxes, {
        ...publicOptions(call),
        ...options,
        inputShape: input(call).shape,
        ...(backwardNeedsInput ? { input: input(call) } : {}),
      });
    },
  };
}

/** The reference kernels of a linear case: each takes the case's kernel options plus the call's buffers. */
interface LinearKernels {
  forward: (job: never) => void;
  backward: (job: never) => void;
}

/**
 * A case whose forward is linear in the input (every operator here but roiPool and roiAlign's
 * max modes), on `random` data of `shape` drawn now.
 */
function linearCase(
  random: () => number,
  reference: { name: string; shape: Shape; outputShape: number[]; kernelOptions: object; kernels: LinearKernels },
  api: PublicApi,
): GradientCase {
  const { name, shape, outputShape, kernelOptions, kernels } = reference;
  return gradientCase(
    {
      name,
      shape,
      data: randomData(random, shape),
      outputShape,
      linear: true,
      forward: (input, out, precision) => kernels.forward({ ...kernelOptions, input, out, precision } as never),
      backward: (gradOutput, gradInput, precision) =>
        kernels.backward({ ...kernelOptions, gradOutput, gradInput, precision } as never),
    },
    api,
  );
}

export function gradientCases(): GradientCase[] {
  const random = prng(2024);
  const cases: GradientCase[] = [];
  const count = 5;
  const boxesOf = (rois: Float32Array) => ({ data: rois, shape: [count, rois.length / count] });
  const smallOutput = [count, small.channels, 2, 3];

  {
    const rois = randomBoxes(random, count, small, scale);
    const data = randomData(random, small, true);
    const forward = (input: ReferenceMap, out: FloatArray, precision: Precision, argmax: Int32Array | null = null) =>
      roiPoolReference({ ...pooled, input, rois, roiCount: count, out, bins: 'overlap', argmax, precision });
    const boxes = boxesOf(rois);
    // The argmax of the public forward; roiPoolBackward takes no spatialScale (argmax holds the geometry).
    const publicBackward = (call: PublicCall, input: Tensor) => {
      const { argmax } = roiPoolSync(input, boxes, { ...publicOptions(call), returnArgmax: true });
      const gradOutput = inLayout(call.gradOutput, smallOutput, call.layout);
      const { spatialScale: _geometryInArgmax, ...common } = publicOptions(call);
      const options = { ...common, inputShape: input.shape };
      return call.form === 'sync'
        ? Promise.resolve(roiPoolBackwardSync(gradOutput, argmax, boxes, options))
        : roiPoolBackward(gradOutput, argmax, boxes, options);
    };
    cases.push(
      gradientCase(
        {
          name: 'roiPool',
          shape: small,
          data,
          outputShape: smallOutput,
          linear: false,
          forward: (input, out, precision) => forward(input, out, precision),
          backward: (gradOutput, gradInput, precision, input) => {
            const argmax = new Int32Array(gradOutput.length);
            forward(input, new Float64Array(gradOutput.length), precision, argmax);
            backwardReferences.roiPoolBackwardReference({
              gradOutput,
              gradInput,
              argmax,
              rois,
              roiCount: count,
              pooledHeight: 2,
              pooledWidth: 3,
              precision,
            });
          },
        },
        { boxes, forward: [roiPoolSync, roiPool], backward: publicBackward, options: {} },
      ),
    );
  }

  for (const [mode, samplingRatio, aligned] of [
    ['avg', -1, false],
    ['avg', 2, true],
    ['avg', -1, true],
    ['max', 2, false],
    ['max', -1, true],
    ['onnx-max', 2, true],
    ['onnx-max', -1, false],
  ] as Array<[AlignMode, number, boolean]>) {
    const rois = randomBoxes(random, count, small, scale);
    const options = { ...pooled, rois, roiCount: count, samplingRatio, aligned, mode };
    cases.push(
      gradientCase(
        {
          name: `roiAlign ${mode}, samplingRatio ${samplingRatio}, aligned ${aligned}`,
          shape: small,
          data: randomData(random, small, mode !== 'avg'),
          outputShape: smallOutput,
          linear: mode === 'avg',
          forward: (input, out, precision) => roiAlignReference({ ...options, input, out, precision }),
          backward: (gradOutput, gradInput, precision, input) =>
            backwardReferences.roiAlignBackwardReference({
              ...options,
              gradOutput,
              gradInput,
              input: mode === 'avg' ? null : input,
              precision,
            }),
        },
        {
          boxes: boxesOf(rois),
          forward: [roiAlignSync, roiAlign],
          backward: [roiAlignBackwardSync, roiAlignBackward],
          options: { samplingRatio, aligned, mode },
          backwardNeedsInput: mode !== 'avg',
        },
      ),
    );
  }

  {
    const rois = randomBoxes(random, count, positionSensitive, scale);
    const options = { ...pooled, rois, roiCount: count };
    const outputShape = [count, 2, 2, 3];
    cases.push(
      linearCase(
        random,
        {
          name: 'psRoiPool',
          shape: positionSensitive,
          outputShape,
          kernelOptions: options,
          kernels: { forward: psRoiPoolReference, backward: backwardReferences.psRoiPoolBackwardReference },
        },
        {
          boxes: boxesOf(rois),
          forward: [psRoiPoolSync, psRoiPool],
          backward: [psRoiPoolBackwardSync, psRoiPoolBackward],
          options: {},
        },
      ),
    );
    for (const samplingRatio of [-1, 2]) {
      cases.push(
        linearCase(
          random,
          {
            name: `psRoiAlign, samplingRatio ${samplingRatio}`,
            shape: positionSensitive,
            outputShape,
            kernelOptions: { ...options, samplingRatio },
            kernels: { forward: psRoiAlignReference, backward: backwardReferences.psRoiAlignBackwardReference },
          },
          {
            boxes: boxesOf(rois),
            forward: [psRoiAlignSync, psRoiAlign],
            backward: [psRoiAlignBackwardSync, psRoiAlignBackward],
            options: { samplingRatio },
          },
        ),
      );
    }
  }

  for (const [samplingRatio, aligned, clockwise] of [
    [-1, true, false],
    [2, false, false],
    [3, true, true],
  ] as Array<[number, boolean, boolean]>) {
    const rois = randomRotatedBoxes(random, count, small, scale);
    const options = { ...pooled, rois, roiCount: count, samplingRatio, aligned, clockwise };
    cases.push(
      linearCase(
        random,
        {
          name: `roiAlignRotated, samplingRatio ${samplingRatio}, aligned ${aligned}, clockwise ${clockwise}`,
          shape: small,
          outputShape: smallOutput,
          kernelOptions: options,
          kernels: { forward: roiAlignRotatedReference, backward: backwardReferences.roiAlignRotatedBackwardReference },
        },
        {
          boxes: boxesOf(rois),
          forward: [roiAlignRotatedSync, roiAlignRotated],
          backward: [roiAlignRotatedBackwardSync, roiAlignRotatedBackward],
          options: { samplingRatio, aligned, clockwise },
        },
      ),
    );
  }

  {
    const rois = randomBoxes(random, count, small, scale);
    const options = { ...pooled, rois, roiCount: count };
    cases.push(
      linearCase(
        random,
        {
          name: 'preciseRoiPool',
          shape: small,
          outputShape: smallOutput,
          kernelOptions: options,
          kernels: { forward: preciseRoiPoolReference, backward: backwardReferences.preciseRoiPoolBackwardReference },
        },
        {
          boxes: boxesOf(rois),
          forward: [preciseRoiPoolSync, preciseRoiPool],
          backward: [preciseRoiPoolBackwardSync, preciseRoiPoolBackward],
          options: {},
        },
      ),
    );
  }
  return cases;
}

/** d(sum(gradOutput * forward(x)))/dx_i by central differences of the float64 forward, for every i. */
export function finiteDifferenceGradient(c: GradientCase, gradOutput: Float64Array, layout: Layout): Float64Array {
  const map = asMap(Float64Array.from(c.data), c.shape, layout);
  const out = new Float64Array(c.outputLength);
  const objective = () => {
    c.forward(map, out, 'float64');
    return out.reduce((sum, v, i) => sum + v * (gradOutput[i] as number), 0);
  };
  const h = 1e-4;
  return map.data.map((value, i) => {
    map.data[i] = value + h;
    const above = objective();
    map.data[i] = value - h;
    const below = objective();
    map.data[i] = value;
    return (above - below) / (2 * h);
  });
}
