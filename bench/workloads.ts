// The benchmark workloads of the speed issue that the current operators can run (W1, W2,
// W4 with and W4b without argmax, W5, W6), generated deterministically so every contender sees the same numbers.
import type { RoiAlignOptions, RoiPoolOptions, TensorLike } from '../lib/index.js';

export interface Workload {
  id: string;
  description: string;
  op: 'roiAlign' | 'roiPool';
  input: TensorLike & { shape: number[] };
  boxes: TensorLike & { shape: number[] };
  options: RoiAlignOptions | RoiPoolOptions;
}

function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function featureMap(shape: [number, number, number, number], seed: number): Workload['input'] {
  const random = prng(seed);
  return { data: Float32Array.from({ length: shape.reduce((a, b) => a * b) }, () => random() * 2 - 1), shape };
}

/** `count` boxes of 16..maxSide px (log-uniform) inside an image of imageH x imageW, batch 0. */
function proposals(count: number, imageH: number, imageW: number, maxSide: number, seed: number): Workload['boxes'] {
  const random = prng(seed);
  const side = () => 16 * (maxSide / 16) ** random();
  const data = new Float32Array(count * 5);
  for (let k = 0; k < count; k++) {
    const w = side();
    const h = side();
    const x = random() * (imageW - w);
    const y = random() * (imageH - h);
    data.set([0, x, y, x + w, y + h], k * 5);
  }
  return { data, shape: [count, 5] };
}

export function workloads(): Workload[] {
  const boxHeadMap = featureMap([1, 256, 50, 68], 1);
  const w1Boxes = proposals(1000, 800, 1088, 400, 2);
  const align = { outputSize: 7, spatialScale: 1 / 16, samplingRatio: 2, aligned: true };
  return [
    { id: 'W1', description: 'box head: 1x256x50x68, 1000 RoIs, 7x7, sr 2', op: 'roiAlign', input: boxHeadMap, boxes: w1Boxes, options: align },
    {
      id: 'W2',
      description: 'mask head: 1x256x50x68, 100 RoIs, 14x14, sr 2',
      op: 'roiAlign',
      input: boxHeadMap,
      boxes: proposals(100, 800, 1088, 400, 3),
      options: { ...align, outputSize: 14 },
    },
    {
      id: 'W4',
      description: 'W1 with roiPool and argmax',
      op: 'roiPool',
      input: boxHeadMap,
      boxes: w1Boxes,
      options: { outputSize: 7, spatialScale: 1 / 16, returnArgmax: true },
    },
    {
      id: 'W4b',
      description: 'W1 with roiPool, no argmax',
      op: 'roiPool',
      input: boxHeadMap,
      boxes: w1Boxes,
      options: { outputSize: 7, spatialScale: 1 / 16 },
    },
    {
      id: 'W5',
      description: 'tiny: 1x16x32x32, 10 RoIs, 7x7',
      op: 'roiAlign',
      input: featureMap([1, 16, 32, 32], 4),
      boxes: proposals(10, 512, 512, 256, 5),
      options: { ...align, spatialScale: 1 / 16 },
    },
    {
      id: 'W6',
      description: 'few big: 1x256x200x272, 8 RoIs, adaptive sampling',
      op: 'roiAlign',
      input: featureMap([1, 256, 200, 272], 6),
      boxes: proposals(8, 800, 1088, 800, 7),
      options: { outputSize: 7, spatialScale: 1 / 4, samplingRatio: -1, aligned: true },
    },
  ];
}
