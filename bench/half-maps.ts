// 16-bit feature maps beside float32 on the same workloads, in one process (docs/performance.md
// "16-bit feature maps"): W1 (box head) and W3 (FPN) of bench/workloads.ts, plus W1's map with a
// single RoI (where converting the map is all the work there is). Each workload runs as
//   float32            the workload as it is (the baseline of every ratio)
//   float16, bfloat16  the same map rounded to 16 bits, passed as a Uint16Array with dtype
//   float16 -> f16 out the float16 map with outputDtype 'float16'
//   JS widen + float32 what a caller had to do before: widen the float16 map in JavaScript
//                      (a table lookup per element), then the float32 call
//   onnxruntime float32, onnxruntime float16 (Cast)
//                      where onnxruntime-node is installed, on W1 and W1-1: its CPU RoiAlign on the
//                      float32 map, and on the same float16 map through the model that casts it
//                      to float first (its RoiAlign has no float16 kernel), 1 intra-op thread;
//                      their outputs' largest difference from roi-ops' is printed
// Sync calls, 1 thread, NCHW, into reused outputs; every timed call of a variant is paired with a
// float32 call next to it (order alternating), in CPU time, so that a shared machine's drifting
// load falls on both sides. Prints each variant's median per call and the median [quartiles] of
// its paired ratios to float32 (onnxruntime's session.run is awaited). Measures, never asserts.
// The float16 model is made by scripts/make-onnx-roialign-model.ts. Run after `npx tsup`:
//   npx tsx bench/half-maps.ts [--only=W1,W3,W1-1] [--budget=MS]
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import * as roiOps from 'roi-ops';

import {
  contenderSessionOptions,
  missingModel,
  modelDirectory,
  modelFileName,
  onnxAttributes,
  roiAlignNodeInputs,
  type OnnxInputType,
} from './onnx-models.js';
import { workloads, type BenchTensor, type Workload } from './workloads.js';

const args = process.argv.slice(2);
const valueOf = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const only = (valueOf('only') ?? 'W1,W3,W1-1').split(',');
const budget = Number(valueOf('budget') ?? 4000);

type Call = () => unknown; // or a Promise, awaited
type Api = Record<string, (input: unknown, boxes: unknown, options: object) => { data: ArrayBufferView }>;
const api = roiOps as unknown as Api;

/** The workload's Sync call on `inputs`, 1 thread, NCHW, into an output made by a first call. */
function callOf(w: Workload, inputs: unknown[], options: object = {}): Call {
  const call = api[`${w.op}Sync`]!;
  const input = w.op === 'multiScaleRoiAlign' ? inputs : inputs[0];
  const all = { ...w.options, layout: 'NCHW', threads: 1, ...options };
  const out = call(input, w.boxes, all).data;
  return () => call(input, w.boxes, { ...all, out });
}

type HalfType = 'float16' | 'bfloat16';

/**
 * A [1,C,H,W] map's elements through roi-ops itself, as `dtype`: roiPool with one bin per pixel
 * over the whole map copies every element (the bench reaches the library through its public
 * entry only), and outputDtype rounds it.
 */
function copied(map: { data: Float32Array | Uint16Array; shape: number[]; dtype?: HalfType }, dtype: string) {
  const [, , H = 1, W = 1] = map.shape;
  const whole = { data: new Float32Array([0, 0, 0, W - 1, H - 1]), shape: [1, 5] };
  return roiOps.roiPoolSync(map as never, whole, { outputSize: [H, W], outputDtype: dtype } as never).data;
}

function halfMaps(maps: BenchTensor[], dtype: HalfType) {
  return maps.map(({ data, shape }) => ({
    data: copied({ data, shape }, dtype) as unknown as Uint16Array,
    shape,
    dtype,
  }));
}

/** What a caller did before 16-bit maps were accepted: a float16 -> float32 table, and a loop over the map. */
const float16Table = copied(
  { data: Uint16Array.from({ length: 65536 }, (_, i) => i), shape: [1, 1, 256, 256], dtype: 'float16' },
  'float32',
);
function widenInJavaScript(bits: Uint16Array, into: Float32Array): void {
  for (let i = 0; i < bits.length; i++) into[i] = float16Table[bits[i] as number] as number;
}

/** Milliseconds of CPU time (user + system, every thread of the process) per call over `reps` calls. */
async function time(call: Call, reps: number): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < reps; i++) await call();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000 / reps;
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const fmt = (ms: number) => (ms < 1 ? `${(ms * 1000).toFixed(1)} us` : `${ms.toFixed(2)} ms`);

/** `variant` paired with `baseline` for `budgetMs`: the medians and the ratio's quartiles. */
async function paired(baseline: Call, variant: Call, budgetMs: number) {
  for (let i = 0; i < 3; i++) {
    // warm-up
    await baseline();
    await variant();
  }
  const reps = Math.max(1, Math.ceil(5 / (await time(baseline, 3)))); // ~5 ms of CPU time per sample
  const base: number[] = [],
    other: number[] = [],
    ratios: number[] = [];
  const end = performance.now() + budgetMs;
  for (let pair = 0; pair < 10 || (performance.now() < end && pair < 100000); pair++) {
    let tb: number, tv: number;
    if (pair % 2 === 0) {
      tb = await time(baseline, reps);
      tv = await time(variant, reps);
    } else {
      tv = await time(variant, reps);
      tb = await time(baseline, reps);
    }
    base.push(tb);
    other.push(tv);
    ratios.push(tv / tb);
  }
  return { base: quantile(base, 0.5), other: quantile(other, 0.5), ratios, reps };
}

type Ort = typeof import('onnxruntime-node');

/** onnxruntime-node, or why it cannot run here. */
async function loadOnnxruntime(): Promise<Ort | string> {
  try {
    return await import('onnxruntime-node');
  } catch (error) {
    return `onnxruntime-node is not installed (${(error as Error).message.split('\n')[0]})`;
  }
}

/** The largest |a[i] - b[i]| (NaN if either holds one where the other does not). */
function largestDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let largest = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (Number.isNaN(x) !== Number.isNaN(y)) return NaN;
    if (!Number.isNaN(x)) largest = Math.max(largest, Math.abs(x - y));
  }
  return largest;
}

/**
 * onnxruntime's RoiAlign on `w` with the map as `input` gives it: the float32 map, or the float16
 * patterns through the model that casts them to float. A session.run call (it allocates its
 * output, as its contender in bench/contenders/onnxruntime.ts does), or why it cannot run.
 */
async function onnxCall(
  ort: Ort,
  w: Workload,
  input: OnnxInputType,
  map: Float32Array | Uint16Array,
): Promise<{ call: () => Promise<Float32Array> } | string> {
  const attributes = w.op === 'roiAlign' ? onnxAttributes(w.options as roiOps.RoiAlignOptions) : undefined;
  if (!attributes) return `onnxruntime's RoiAlign cannot express ${w.op}`;
  const modelPath = join(modelDirectory, modelFileName(attributes, input));
  if (!existsSync(modelPath)) return missingModel(modelPath);
  const session = await ort.InferenceSession.create(modelPath, contenderSessionOptions(1));
  const { count, rois, batchIndices } = roiAlignNodeInputs(w.boxes);
  const shape = w.inputs[0]!.shape;
  const feeds = {
    X:
      input === 'float16'
        ? new ort.Tensor('float16', map as Uint16Array, shape)
        : new ort.Tensor('float32', map, shape),
    rois: new ort.Tensor('float32', rois, [count, 4]),
    batch_indices: new ort.Tensor('int64', batchIndices, [count]),
  };
  return { call: async () => (await session.run(feeds)).Y!.data as Float32Array };
}

const all = workloads();
const w1 = all.find((w) => w.id === 'W1')!;
const cases: Workload[] = [
  ...all.filter((w) => w.id === 'W1' || w.id === 'W3'),
  {
    ...w1,
    id: 'W1-1',
    description: "W1's map, 1 RoI (the conversion alone)",
    boxes: { data: w1.boxes.data.slice(0, 5), shape: [1, 5] },
  },
];

const { simd, addon } = roiOps.info();
const ort = await loadOnnxruntime();
console.log(`roi-ops ${simd} (${addon?.build ?? 'js'}); sync, 1 thread, NCHW, reused out; CPU time per call`);
console.log('variant/float32: median [quartiles] of paired ratios');
for (const w of cases.filter((c) => only.includes(c.id))) {
  console.log(`\n${w.id}: ${w.description}`);
  const float32 = callOf(w, w.inputs);
  const f16 = halfMaps(w.inputs, 'float16');
  const variants: Array<[string, Call]> = [
    ['float16', callOf(w, f16)],
    ['bfloat16', callOf(w, halfMaps(w.inputs, 'bfloat16'))],
    ['float16 -> f16 out', callOf(w, f16, { outputDtype: 'float16' })],
    [
      'JS widen + float32',
      (() => {
        const widened = f16.map((m) => ({ data: new Float32Array(m.data.length), shape: m.shape }));
        f16.forEach((m, i) => widenInJavaScript(m.data, widened[i]!.data));
        const run = callOf(w, widened);
        return () => {
          f16.forEach((m, i) => widenInJavaScript(m.data, widened[i]!.data));
          return run();
        };
      })(),
    ],
  ];
  if (typeof ort === 'string') console.log(`  onnxruntime: skipped: ${ort}`);
  else if (w.op !== 'roiAlign') console.log(`  onnxruntime: skipped: its RoiAlign cannot run ${w.op} (an FPN pooler)`);
  else {
    // The same map values as roi-ops' float32 and float16 variants, outputs compared with theirs.
    const pairs: Array<[string, OnnxInputType, Float32Array | Uint16Array, Call]> = [
      ['onnxruntime float32', 'float32', w.inputs[0]!.data, float32],
      ['onnxruntime float16 (Cast)', 'float16', f16[0]!.data, variants[0]![1]],
    ];
    for (const [name, input, map, ours] of pairs) {
      const made = await onnxCall(ort, w, input, map);
      if (typeof made === 'string') {
        console.log(`  ${name}: skipped: ${made}`);
        continue;
      }
      const theirs = await made.call();
      const difference = largestDifference(theirs, (ours() as { data: Float32Array }).data);
      console.log(`  ${name}: largest |difference| from roi-ops ${input} map: ${difference.toExponential(2)}`);
      variants.push([name, made.call]);
    }
  }
  for (const [name, call] of variants) {
    const r = await paired(float32, call, budget / variants.length);
    console.log(
      `  ${name.padEnd(26)} ${fmt(r.other).padStart(9)}  float32 ${fmt(r.base).padStart(9)}  ` +
        `ratio ${quantile(r.ratios, 0.5).toFixed(3)} [${quantile(r.ratios, 0.25).toFixed(3)}..${quantile(r.ratios, 0.75).toFixed(3)}]` +
        `  (${r.ratios.length} pairs of ${r.reps})`,
    );
  }
}
