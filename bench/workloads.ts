// The benchmark workloads of docs/performance.md "The workloads" (W1, W2, W3 FPN, W4 with and W4b without argmax, W5,
// W6, W7 rotated, W8 / W8b position-sensitive), generated deterministically so every contender sees
// the same numbers.
import type {
  MultiScaleRoiAlignOptions,
  PsRoiAlignOptions,
  PsRoiPoolOptions,
  RoiAlignOptions,
  RoiAlignRotatedOptions,
  RoiPoolOptions,
} from '../lib/index.js';

/** The options of each roi-ops operator a workload can run. */
export interface OptionsOf {
  roiAlign: RoiAlignOptions;
  roiPool: RoiPoolOptions;
  psRoiAlign: PsRoiAlignOptions;
  psRoiPool: PsRoiPoolOptions;
  roiAlignRotated: RoiAlignRotatedOptions;
  multiScaleRoiAlign: MultiScaleRoiAlignOptions;
}
export type Op = keyof OptionsOf;

export interface BenchTensor {
  data: Float32Array;
  shape: number[];
}

interface WorkloadOf<O extends Op> {
  id: string;
  description: string;
  op: O;
  /** The feature maps, [N,C,H,W]: one, or for multiScaleRoiAlign the pyramid, finest level first. */
  inputs: BenchTensor[];
  /** [K,5] rows (batchIndex, x1, y1, x2, y2), or [K,6] rows (batchIndex, cx, cy, w, h, angle) for roiAlignRotated. */
  boxes: BenchTensor;
  options: OptionsOf[O];
}
/** One workload; `op` tells which options it carries. */
export type Workload = { [O in Op]: WorkloadOf<O> }[Op];

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

function featureMap(shape: [number, number, number, number], seed: number): BenchTensor {
  const random = prng(seed);
  return { data: Float32Array.from({ length: shape.reduce((a, b) => a * b) }, () => random() * 2 - 1), shape };
}

/** `count` boxes of 16..maxSide px (log-uniform) inside an image of imageH x imageW, batch 0. */
function proposals(count: number, imageH: number, imageW: number, maxSide: number, seed: number): BenchTensor {
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

/** The same boxes as rotated rows (batchIndex, cx, cy, w, h, angle): centre and size kept, angles uniform in [-90, 90) degrees. */
function rotated(boxes: BenchTensor, seed: number): BenchTensor {
  const random = prng(seed);
  const [count = 0] = boxes.shape;
  const data = new Float32Array(count * 6);
  for (let k = 0; k < count; k++) {
    const [b, x1, y1, x2, y2] = boxes.data.subarray(k * 5, k * 5 + 5) as unknown as [
      number,
      number,
      number,
      number,
      number,
    ];
    data.set([b, (x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1, -90 + 180 * random()], k * 6);
  }
  return { data, shape: [count, 6] };
}

/** An FPN pyramid P2..P5 of 256 channels for an 800x1088 image (strides 4, 8, 16, 32), finest first. */
function fpnPyramid(): BenchTensor[] {
  const sizes: Array<[number, number]> = [
    [200, 272],
    [100, 136],
    [50, 68],
    [25, 34],
  ];
  return sizes.map(([h, w], level) => featureMap([1, 256, h, w], 10 + level));
}

export function workloads(): Workload[] {
  const boxHeadMap = featureMap([1, 256, 50, 68], 1);
  const w1Boxes = proposals(1000, 800, 1088, 400, 2);
  const align = { outputSize: 7, spatialScale: 1 / 16, samplingRatio: 2, aligned: true };
  // R-FCN: 10 output channels (say 9 classes + background) x 7 x 7 position-sensitive bins.
  const rfcnMap = featureMap([1, 10 * 7 * 7, 50, 68], 8);
  const rfcnBoxes = proposals(300, 800, 1088, 400, 9);
  return [
    {
      id: 'W1',
      description: 'box head: 1x256x50x68, 1000 RoIs, 7x7, sr 2',
      op: 'roiAlign',
      inputs: [boxHeadMap],
      boxes: w1Boxes,
      options: align,
    },
    {
      id: 'W2',
      description: 'mask head: 1x256x50x68, 100 RoIs, 14x14, sr 2',
      op: 'roiAlign',
      inputs: [boxHeadMap],
      boxes: proposals(100, 800, 1088, 400, 3),
      options: { ...align, outputSize: 14 },
    },
    {
      id: 'W3',
      description:
        "FPN: 4 levels of 256 channels (200x272, 100x136, 50x68, 25x34) of an 800x1088 image, W1's 1000 RoIs, 7x7, sr 2",
      op: 'multiScaleRoiAlign',
      inputs: fpnPyramid(),
      boxes: w1Boxes,
      // torchvision MultiScaleRoIAlign: scales inferred from the image size, aligned false, canonical 224 / level 4.
      options: { outputSize: 7, samplingRatio: 2, imageSizes: [[800, 1088]] },
    },
    {
      id: 'W4',
      description: 'W1 with roiPool and argmax',
      op: 'roiPool',
      inputs: [boxHeadMap],
      boxes: w1Boxes,
      options: { outputSize: 7, spatialScale: 1 / 16, returnArgmax: true },
    },
    {
      id: 'W4b',
      description: 'W1 with roiPool, no argmax',
      op: 'roiPool',
      inputs: [boxHeadMap],
      boxes: w1Boxes,
      options: { outputSize: 7, spatialScale: 1 / 16 },
    },
    {
      id: 'W5',
      description: 'tiny: 1x16x32x32, 10 RoIs, 7x7',
      op: 'roiAlign',
      inputs: [featureMap([1, 16, 32, 32], 4)],
      boxes: proposals(10, 512, 512, 256, 5),
      options: { ...align, spatialScale: 1 / 16 },
    },
    {
      id: 'W6',
      description: 'few big: 1x256x200x272, 8 RoIs, adaptive sampling',
      op: 'roiAlign',
      inputs: [featureMap([1, 256, 200, 272], 6)],
      boxes: proposals(8, 800, 1088, 800, 7),
      options: { outputSize: 7, spatialScale: 1 / 4, samplingRatio: -1, aligned: true },
    },
    {
      id: 'W7',
      description: "rotated: W1's map, W1's 1000 RoIs turned by angles in [-90, 90), 7x7, sr 2, aligned",
      op: 'roiAlignRotated',
      inputs: [boxHeadMap],
      boxes: rotated(w1Boxes, 12),
      options: align,
    },
    {
      id: 'W8',
      description: 'R-FCN: 1x490x50x68 (10 channels x 7x7 bins), 300 RoIs, psRoiAlign 7x7, sr 2',
      op: 'psRoiAlign',
      inputs: [rfcnMap],
      boxes: rfcnBoxes,
      options: { outputSize: 7, spatialScale: 1 / 16, samplingRatio: 2 },
    },
    {
      id: 'W8b',
      description: 'W8 with psRoiPool',
      op: 'psRoiPool',
      inputs: [rfcnMap],
      boxes: rfcnBoxes,
      options: { outputSize: 7, spatialScale: 1 / 16 },
    },
  ];
}
