// A detector end to end: onnxruntime-node on the whole model against roi-ops/onnx's pipeline,
// on the same image, alternating, and the largest difference between their outputs
// (docs/onnx.md "First measurement"). Not yet part of `roi-ops bench`: run it by hand after
// `npm run build:ts` (it loads roi-ops/onnx by name, i.e. dist/), with a model made by
// scripts/make-onnx-bench-models.py:
//   npx tsx bench/onnx-pipeline.ts MODEL.onnx [--threads N] [--runs N] [--size H,W]
// The model's one input must be an image, [3, H, W] float32 (torchvision's detection exports);
// the image is a smooth deterministic pattern.
import { parseArgs } from 'node:util';

import { createOnnxPipeline } from 'roi-ops/onnx';

type Ort = typeof import('onnxruntime-node');

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    threads: { type: 'string', default: '1' },
    runs: { type: 'string', default: '20' },
    size: { type: 'string', default: '320,320' },
  },
});
const file = positionals[0];
const threads = Number(values.threads);
const runs = Number(values.runs);
const [height, width] = values.size.split(',').map(Number) as [number, number];
if (file === undefined || !(threads >= 1) || !(runs >= 1) || !(height >= 1) || !(width >= 1)) {
  console.error('usage: npx tsx bench/onnx-pipeline.ts MODEL.onnx [--threads N] [--runs N] [--size H,W]');
  process.exit(2);
}

let ort: Ort;
try {
  ort = await import('onnxruntime-node');
} catch {
  console.log('skipped: onnxruntime-node is not installed');
  process.exit(0);
}

const whole = await ort.InferenceSession.create(file, { intraOpNumThreads: threads, interOpNumThreads: 1 });
const pipe = await createOnnxPipeline(ort, file, { threads, sessionOptions: { interOpNumThreads: 1 } });
if (pipe.inputNames.length !== 1)
  throw new Error(`${file}: expected one input (an image), found ${pipe.inputNames.join(', ')}`);
const [inputName] = pipe.inputNames as [string];

const pixels = new Float32Array(3 * height * width);
for (let c = 0; c < 3; c++)
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      pixels[(c * height + y) * width + x] =
        0.5 + 0.5 * Math.sin(0.05 * x * (c + 1) + 0.03 * y) * Math.cos(0.02 * (x - y));
const feeds = { [inputName]: new ort.Tensor('float32', pixels, [3, height, width]) };

const milliseconds = async (run: () => Promise<unknown>) => {
  const start = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - start) / 1e6;
};
const median = (times: number[]) => [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)] as number;

// Two warm-up runs each, then alternate so both see the same load.
for (let i = 0; i < 2; i++) {
  await whole.run(feeds);
  await pipe.run(feeds);
}
const wholeTimes: number[] = [];
const pipeTimes: number[] = [];
let expected: Record<string, { data: unknown; dims: readonly number[] }> = {};
let actual: typeof expected = {};
for (let i = 0; i < runs; i++) {
  wholeTimes.push(await milliseconds(async () => (expected = await whole.run(feeds))));
  pipeTimes.push(await milliseconds(async () => (actual = await pipe.run(feeds))));
}
let largest = 0;
for (const [name, value] of Object.entries(expected)) {
  const a = value.data as ArrayLike<number | bigint>;
  const b = actual[name]?.data as ArrayLike<number | bigint>;
  if (b === undefined || b.length !== a.length) largest = Infinity;
  else for (let i = 0; i < a.length; i++) largest = Math.max(largest, Math.abs(Number(a[i]) - Number(b[i])));
}
const plan = pipe.plan.steps.map((step) => (step.kind === 'roi-ops' ? step.operator : `onnxruntime(${step.nodes})`));
console.log(`${file}: ${height}x${width}, ${threads} thread(s), median of ${runs}`);
console.log(`  plan: ${plan.join(' -> ')}`);
console.log(
  `  whole model ${median(wholeTimes).toFixed(1)} ms, pipeline ${median(pipeTimes).toFixed(1)} ms: ` +
    `${(median(wholeTimes) / median(pipeTimes)).toFixed(2)}x; largest output difference ${largest}`,
);
await Promise.all([whole.release(), pipe.release()]);
