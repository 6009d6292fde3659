// What an async call costs on each build of the addon (docs/design.md, "One binary for every
// Node"): the Node-API build copies what an async call reads and writes, a per-ABI build does
// not. Medians of awaited roiAlign calls, 1 thread, on W1's shapes (1x256x50x68, 1000 RoIs,
// 7x7, a fresh 50 MB out per call) and W5's (1x16x32x32, 10 RoIs), in this process, with the
// binary ROI_OPS_ADDON_PATH names (else the one node-gyp-build picks). Measures, never asserts.
//   ROI_OPS_ADDON_PATH=prebuilds/linux-x64/roi-ops.napi.glibc.node node bench/addon-builds.mjs
// Run the builds one after the other, several times, on a quiet machine: one run says little.
import { info, roiAlign } from '../dist/index.js';

function randomish(n) {
  return Float32Array.from({ length: n }, (_, i) => ((i * 7919) % 1000) / 1000);
}

function boxes(count, span) {
  const rows = new Float32Array(count * 5);
  for (let k = 0; k < count; k++) {
    const x = (k * 37) % span,
      y = (k * 53) % span;
    rows.set([0, x, y, x + 16 + (k % 300), y + 16 + (k % 200)], k * 5);
  }
  return { data: rows, shape: [count, 5] };
}

async function median(label, calls, call) {
  for (let i = 0; i < Math.ceil(calls / 5); i++) await call(); // warm-up
  const times = [];
  for (let i = 0; i < calls; i++) {
    const t = performance.now();
    await call();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return `${label} ${times[times.length >> 1].toFixed(label.startsWith('W5') ? 4 : 2)} ms`;
}

const w1 = { data: randomish(256 * 50 * 68), shape: [1, 256, 50, 68] };
const w1Boxes = boxes(1000, 800);
const w5 = { data: randomish(16 * 32 * 32), shape: [1, 16, 32, 32] };
const w5Boxes = boxes(10, 16);
const options = { outputSize: 7, samplingRatio: 2, threads: 1 };
const results = [
  await median('W1 async', 25, () => roiAlign(w1, w1Boxes, { ...options, spatialScale: 1 / 16 })),
  await median('W5 async', 5000, () => roiAlign(w5, w5Boxes, options)),
];
const { addon } = info();
console.log(`node ${process.versions.node}, ${addon?.build ?? 'no addon'}: ${results.join(', ')} (medians, 1 thread)`);
