// Contender: TensorFlow.js emulating RoIAlign (avg) with crop_and_resize + average pooling, the
// tensorpack mapping of docs/semantics.md "cropAndResize", on one workload, in this process.
// Usage: tfjs.ts <workload dir> <workload id> <quick|full> <output file> <cpu|wasm>
// Prints the timing as JSON, then writes the output as [K,C,PH,PW] to <output file>.
//
// RoIAlign with a g_h x g_w sampling grid per bin takes, along x, M = PW*g_w samples at
// xs + (j + 1/2)*d (d = roi width / M, xs the shifted box start). crop_and_resize with crop width M
// samples x0*(W-1) + j*(x1-x0)*(W-1)/(M-1), so x0 = (xs + d/2)/(W-1), x1 = (xs + roiWidth - d/2)/(W-1)
// reproduces those sample points (likewise along y); an avgPool g_h x g_w with the same stride then
// averages each bin's samples. What still differs by design: a sample outside [0, W-1] is
// crop_and_resize's extrapolation value 0 where RoIAlign replicates the edge over [-1, 0] and
// [W-1, W] (and is 0 only beyond), so only boxes whose samples all lie inside the map agree.
// An adaptive sampling ratio gives each RoI its own grid: RoIs are grouped by grid, one
// crop_and_resize per group, and the results put back in box order.
//
// Untimed, once: the NCHW input is transposed to NHWC (TensorFlow's layout) and the [K,5] boxes
// become normalized (y1, x1, y2, x2) crop boxes. Timed: crop_and_resize, avgPool, (for several
// grids) concat + gather, and downloading the result into a Float32Array, as roi-ops returns one.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

import { outputSizeOf, roiSamples } from '../roi-align-geometry.js';
import { timeBudgetMs, timeCalls } from '../timing.js';
import { onlyInput, readWorkload, writeOutput } from '../workload-files.js';

const [directory, id, mode, outputFile, backend] = process.argv.slice(2);
if (!directory || !id || !outputFile || (backend !== 'cpu' && backend !== 'wasm')) {
  throw new Error('usage: tfjs.ts <workload dir> <workload id> <quick|full> <output file> <cpu|wasm>');
}
if (backend === 'wasm') {
  // The .wasm binaries ship in the npm package; load them from there, not from a CDN.
  const packageJson = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json');
  setWasmPaths(`${join(dirname(packageJson), 'dist')}/`);
}
if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} failed to initialise`);
await tf.ready();

const workload = readWorkload(directory, id);
if (workload.op !== 'roiAlign') throw new Error(`${id}: the tfjs emulation only does roiAlign`);
const options = workload.options;
if ((options.mode ?? 'avg') !== 'avg') throw new Error(`${id}: the tfjs emulation only does mode 'avg'`);
const input = onlyInput(workload);
const [N, C, H, W] = input.shape as [number, number, number, number];
const [PH, PW] = outputSizeOf(options);
const count = workload.boxes.shape[0] as number;

interface Group {
  gridH: number;
  gridW: number;
  rows: number[];
  boxes: number[];
  boxIndices: number[];
}
const groups = new Map<string, Group>();
roiSamples(workload.boxes.data, options).forEach((roi, k) => {
  const key = `${roi.gridH}x${roi.gridW}`;
  const group = groups.get(key) ?? { gridH: roi.gridH, gridW: roi.gridW, rows: [], boxes: [], boxIndices: [] };
  groups.set(key, group);
  group.rows.push(k);
  // Normalized (y1, x1, y2, x2): 0 is pixel centre 0, 1 is pixel centre H-1 (or W-1).
  group.boxes.push(roi.firstY / (H - 1), roi.firstX / (W - 1), roi.lastY / (H - 1), roi.lastX / (W - 1));
  group.boxIndices.push(roi.batchIndex);
});

const image = tf.tidy(() => tf.transpose(tf.tensor4d(input.data, [N, C, H, W]), [0, 2, 3, 1]));
const cropInputs = [...groups.values()].map((g) => ({
  ...g,
  boxesTensor: tf.tensor2d(g.boxes, [g.rows.length, 4], 'float32'),
  boxIndicesTensor: tf.tensor1d(g.boxIndices, 'int32'),
}));
// With several grids the groups are concatenated: position p holds RoI concatenatedOrder[p], so
// output row k is gathered from position inverse[k].
const concatenatedOrder = cropInputs.flatMap((g) => g.rows);
const inverse = new Int32Array(count);
concatenatedOrder.forEach((row, position) => (inverse[row] = position));
const inverseTensor = tf.tensor1d(inverse, 'int32');

/** [K, PH, PW, C] */
const roiAlignNHWC = (): tf.Tensor4D =>
  tf.tidy(() => {
    const pooled = cropInputs.map((g) =>
      tf.avgPool(
        tf.image.cropAndResize(image, g.boxesTensor, g.boxIndicesTensor, [PH * g.gridH, PW * g.gridW], 'bilinear', 0),
        [g.gridH, g.gridW],
        [g.gridH, g.gridW],
        'valid',
      ),
    );
    return pooled.length === 1 ? (pooled[0] as tf.Tensor4D) : tf.gather(tf.concat(pooled, 0), inverseTensor);
  });

const timing = await timeCalls(async () => {
  const result = roiAlignNHWC();
  await result.data();
  result.dispose();
}, timeBudgetMs(mode));

const nchw = tf.tidy(() => tf.transpose(roiAlignNHWC(), [0, 3, 1, 2]));
writeOutput(outputFile, (await nchw.data()) as Float32Array);
const wasmFlags =
  backend === 'wasm'
    ? {
        simd: await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'),
        multithread: await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'),
      }
    : undefined;
process.stdout.write(JSON.stringify({ ...timing, outputShape: nchw.shape, grids: [...groups.keys()], wasmFlags }));
