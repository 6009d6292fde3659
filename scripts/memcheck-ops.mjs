// The workload of scripts/memcheck.sh: one plain node process (no test runner, no child
// processes) that runs every operator of roi-ops through its public API on the native addon:
// the 9 forwards and the 6 backwards, Sync and async, NCHW and NHWC, on small problems (one
// thread) and on one larger problem each (two threads, so the addon's thread pool runs), plus
// the addon's refusals (a RangeError from a short buffer, Sync and async, and a TypeError)
// and an async call aborted while it runs. Each Sync result must equal its async twin.
// Valgrind makes node 30-50x slower, so the problems are small; it prints one line per group.
// Run by scripts/memcheck.sh under valgrind; `node scripts/memcheck-ops.mjs` runs it alone.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const roiOps = await import(join(root, 'dist', 'index.js'));

const info = roiOps.info();
if (!info.native) throw new Error('memcheck-ops: the native addon did not load (build it: npm run build:native)');
console.log(`memcheck-ops: roi-ops ${info.version}, native, dispatch ${info.simd}, ${info.threads} threads`);

// A fixed pseudo-random sequence (mulberry32), so every run does the same work.
let seed = 0x2545f491;
function random() {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
}
const tensor = (shape) => ({
  data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => random() * 2 - 1),
  shape,
});
/** [N, C, H, W] in `layout`'s order. */
const mapShape = (layout, n, c, h, w) => (layout === 'NCHW' ? [n, c, h, w] : [n, h, w, c]);

/** K rows (batch, x1, y1, x2, y2) over an H x W map: inside, across the border, and one degenerate. */
function boxes(k, n, h, w) {
  const data = new Float32Array(k * 5);
  for (let i = 0; i < k; i++) {
    const x1 = random() * w - 2,
      y1 = random() * h - 2;
    const row = i === k - 1 ? [i % n, x1, y1, x1, y1] : [i % n, x1, y1, x1 + 1 + random() * w, y1 + 1 + random() * h];
    data.set(row, i * 5);
  }
  return { data, shape: [k, 5] };
}
/** K rows (batch, cx, cy, w, h, angle). */
function rotatedBoxes(k, n, h, w) {
  const data = new Float32Array(k * 6);
  for (let i = 0; i < k; i++)
    data.set(
      [i % n, random() * w, random() * h, 1 + (random() * w) / 2, 1 + (random() * h) / 2, random() * 360 - 180],
      i * 6,
    );
  return { data, shape: [k, 6] };
}
/** K rows (y1, x1, y2, x2), normalized, one flipped and one reaching outside the image. */
function cropBoxes(k) {
  const data = new Float32Array(k * 4);
  for (let i = 0; i < k; i++) data.set([random(), random(), random() * 1.4 - 0.2, random() * 1.4 - 0.2], i * 4);
  return { data, shape: [k, 4] };
}
const gradFor = (y) => ({ data: Float32Array.from(y.data, () => random()), shape: y.shape });

/** The Sync form, then the async one, of `name`; both must give the same tensor (and argmax). */
async function both(name, ...args) {
  const sync = roiOps[`${name}Sync`](...args);
  const async = await roiOps[name](...args);
  assert.deepEqual(async.shape, sync.shape, name);
  assert.deepEqual(async.data, sync.data, name);
  if (sync.argmax) assert.deepEqual(async.argmax, sync.argmax, name);
  return sync;
}

/** Every forward and backward on one problem size, in one layout. */
async function allOperators(layout, size) {
  const { n, c, h, w, k, ph, threads } = size;
  const input = tensor(mapShape(layout, n, c, h, w));
  const rois = boxes(k, n, h, w);
  const common = { outputSize: ph, layout, threads };
  const inputShape = input.shape;

  const pooled = await both('roiPool', input, rois, { ...common, spatialScale: 1, returnArgmax: true });
  await both('roiPool', input, rois, { ...common, spatialScale: 0.5, bins: 'split' });
  await both('roiPoolBackward', gradFor(pooled), pooled.argmax, rois, { ...common, inputShape });

  for (const [mode, aligned, samplingRatio] of [
    ['avg', false, 2],
    ['max', true, -1],
    ['onnx-max', true, 0],
  ]) {
    const options = { ...common, spatialScale: 1, samplingRatio, aligned, mode };
    const y = await both('roiAlign', input, rois, options);
    await both('roiAlignBackward', gradFor(y), rois, { ...options, inputShape, ...(mode === 'avg' ? {} : { input }) });
  }

  // Position-sensitive: C = Cout * PH * PW.
  const psInput = tensor(mapShape(layout, n, 2 * ph * ph, h, w));
  const ps = { ...common, spatialScale: 1, inputShape: psInput.shape };
  const psPooled = await both('psRoiPool', psInput, rois, common);
  await both('psRoiPoolBackward', gradFor(psPooled), rois, ps);
  const psAligned = await both('psRoiAlign', psInput, rois, { ...common, samplingRatio: 2 });
  await both('psRoiAlignBackward', gradFor(psAligned), rois, { ...ps, samplingRatio: 2 });

  const rboxes = rotatedBoxes(k, n, h, w);
  for (const [aligned, clockwise] of [
    [true, false],
    [false, true],
  ]) {
    const options = { ...common, samplingRatio: 2, aligned, clockwise };
    const y = await both('roiAlignRotated', input, rboxes, options);
    await both('roiAlignRotatedBackward', gradFor(y), rboxes, { ...options, inputShape });
  }

  const precise = await both('preciseRoiPool', input, rois, { ...common, spatialScale: 1 });
  await both('preciseRoiPoolBackward', gradFor(precise), rois, { ...common, spatialScale: 1, inputShape });

  // Two levels (the finer twice the size); boxes in image coordinates of a (2h, 2w) image.
  const levels = [
    tensor(mapShape(layout, n, c, h, w)),
    tensor(mapShape(layout, n, c, Math.ceil(h / 2), Math.ceil(w / 2))),
  ];
  const imageBoxes = boxes(k, n, 2 * h, 2 * w);
  await both('multiScaleRoiAlign', levels, imageBoxes, {
    ...common,
    samplingRatio: 2,
    imageSizes: Array.from({ length: n }, () => [2 * h, 2 * w]),
    canonicalScale: 8,
    canonicalLevel: 2,
  });

  await both('spatialPyramidPool', input, { levels: [1, 2, 3], layout, threads });
  await both('spatialPyramidPool', input, { levels: [2, 1], boxes: rois, mode: 'avg', layout, threads });

  const crops = cropBoxes(k);
  const boxIndices = Int32Array.from({ length: k }, (_, i) => i % n);
  await both('cropAndResize', input, crops, boxIndices, [ph, ph + 1], {
    method: 'bilinear',
    extrapolationValue: -1,
    layout,
    threads,
  });
  await both('cropAndResize', input, crops, boxIndices, ph, { method: 'nearest', layout, threads });
}

const small = { n: 2, c: 4, h: 9, w: 11, k: 4, ph: 2, threads: 1 };
const large = { n: 1, c: 32, h: 40, w: 40, k: 48, ph: 7, threads: 2 };
for (const layout of ['NCHW', 'NHWC']) {
  for (const [label, size] of [
    ['small, 1 thread', small],
    ['larger, 2 threads', large],
  ]) {
    const started = Date.now();
    await allOperators(layout, size);
    console.log(
      `memcheck-ops: every operator, forward and backward, Sync and async, ${layout}, ${label}: ${Date.now() - started} ms`,
    );
  }
}

// The addon's own refusals, straight through the binding (the public API validates first).
const binding = createRequire(import.meta.url)('node-gyp-build')(root);
const input = new Float32Array(1 * 2 * 4 * 4);
const rois = new Float32Array([0, 0, 0, 3, 3]);
// (input, inputType, N, C, H, W, layout, rois, K, out, outputType, PH, PW, scale, ratio, aligned, mode, budget, threads)
const alignArgs = (out) => [input, 0, 1, 2, 4, 4, 0, rois, 1, out, 0, 2, 2, 1, 2, false, 0, 1 << 24, 0];
// An Async entry takes its abort flag and the function it settles with last (lib/backend/native.ts).
const callAsync = (fn, ...args) =>
  new Promise((resolve, reject) =>
    fn(...args, new Int32Array(1), (error) => (error === undefined ? resolve() : reject(error))),
  );
assert.throws(() => binding.roiAlignSync(...alignArgs(new Float32Array(7))), RangeError);
await assert.rejects(callAsync(binding.roiAlignAsync, ...alignArgs(new Float32Array(7))), RangeError);
assert.throws(() => binding.roiAlignSync(...alignArgs(new Float64Array(8))), TypeError);
await assert.rejects(
  callAsync(
    binding.roiPoolAsync,
    input,
    0,
    1,
    2,
    4,
    4,
    0,
    rois,
    1,
    new Float32Array(8),
    0,
    new Int32Array(3),
    2,
    2,
    1,
    0,
    0,
  ),
  RangeError,
);

// An async call aborted while it runs: the promise rejects with the signal's reason.
const big = tensor([1, 64, 96, 96]);
const controller = new AbortController();
const pending = roiOps.roiAlign(big, boxes(256, 1, 96, 96), {
  outputSize: 7,
  samplingRatio: 4,
  threads: 2,
  signal: controller.signal,
});
setTimeout(() => controller.abort(), 1);
await assert.rejects(pending, { name: 'AbortError' });
console.log('memcheck-ops: refusals (Sync and async) and an aborted async call: done');
