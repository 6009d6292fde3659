// `npm run bench`: times every workload on every contender that has the operator, each contender
// in its own process (so one's JIT, caches and thread pools do not help another), all in one run,
// and writes medians, ratios against roi-ops native (sync, 1 thread) and each contender's
// agreement with roi-ops to bench/results/ (JSON, Markdown, SVG). Measures; never asserts.
// Usage: npm run bench [-- --quick] [-- --only=W1,W4] [-- --contenders=onnx,tfjs]
//   --quick         1 s of calls per contender and workload instead of 3 s; writes quick.* instead of latest.*
//   --only          a subset of the workloads
//   --contenders    only the contenders whose name contains one of these words (the baseline always runs)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, platform, release } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import { checkTargets } from './targets.js';
import { info, roiAlignSync, roiPoolSync, type RoiAlignOptions, type RoiPoolOptions, type RuntimeInfo } from '../lib/index.js';
import { type Agreement, type ContenderInfo, type Report, type Result, formatMs, renderMarkdown, renderSvg } from './report.js';
import { roiSamples, samplesInside } from './roi-align-geometry.js';
import { type LoadedWorkload, readFloats, readWorkload, writeWorkloadFiles } from './workload-files.js';
import { workloads } from './workloads.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const mode = quick ? 'quick' : 'full';
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
const contenderFilter = args.find((a) => a.startsWith('--contenders='))?.slice('--contenders='.length).split(',');
const command = `npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}`;

/** Other work on the machine skews every median (two cores here): recorded, and flagged when high. */
const loadAtStart = loadavg()[0] as number;
const here = import.meta.dirname;
const requireHere = createRequire(import.meta.url);
/** A child that hangs is stopped and recorded as an error, so the run always ends. */
const childTimeoutMs = 240_000;
/** Contenders that implement roi-ops' semantics must agree within this, relative to the output's scale. */
const tolerance = 1e-4;

// --- What is installed --------------------------------------------------------------------------

function packageVersion(name: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(requireHere.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;
  } catch {
    return undefined;
  }
}

interface PythonTorch {
  python: string;
  versions: { python: string; torch: string; torchvision: string };
}

/**
 * The first Python that imports torchvision: $ROI_OPS_BENCH_PYTHON, then `python3`, then Debian's
 * /usr/bin/python3 (apt's python3-torchvision installs there, and a pyenv or venv `python3` earlier
 * on the PATH does not see it).
 */
function findTorchvision(): PythonTorch | undefined {
  const probe = 'import json, sys, torch, torchvision; print(json.dumps({"python": sys.version.split()[0], "torch": torch.__version__, "torchvision": torchvision.__version__}))';
  const candidates = [...new Set([process.env.ROI_OPS_BENCH_PYTHON, 'python3', '/usr/bin/python3'].filter((p): p is string => !!p))];
  for (const python of candidates) {
    const child = spawnSync(python, ['-c', probe], { encoding: 'utf8', timeout: 60_000 });
    if (child.status === 0) return { python, versions: JSON.parse(child.stdout) };
  }
  return undefined;
}

const ortVersion = packageVersion('onnxruntime-node');
const tfjsVersions = {
  core: packageVersion('@tensorflow/tfjs-core'),
  cpu: packageVersion('@tensorflow/tfjs-backend-cpu'),
  wasm: packageVersion('@tensorflow/tfjs-backend-wasm'),
};
const torch = findTorchvision();

// --- Contenders ---------------------------------------------------------------------------------

interface Contender extends ContenderInfo {
  supports(op: string, options: RoiAlignOptions | RoiPoolOptions): boolean;
  /** Set when the contender cannot run on this machine: recorded as 'skipped', not an error. */
  skipReason?: string;
  /** The child process for one workload; it prints its timing as JSON and writes its output to `outputFile`. */
  child(workloadDirectory: string, workload: string, outputFile: string): { file: string; args: string[]; env?: Record<string, string> };
  /** A roi-ops contender that must have run on the native addon (its child reports the backend). */
  native?: boolean;
  /** How its output is compared with roi-ops: all RoIs must agree, or only those sampling inside the map. */
  compare?: 'all' | 'interior';
}

const tsxChild = (script: string, scriptArgs: string[], env?: Record<string, string>) => ({
  file: process.execPath,
  args: ['--import', 'tsx', join(here, script), ...scriptArgs],
  ...(env ? { env } : {}),
});
const alignAvg = (op: string, options: RoiAlignOptions | RoiPoolOptions) => op === 'roiAlign' && ((options as RoiAlignOptions).mode ?? 'avg') === 'avg';

const baseline = 'roi-ops native sync, 1 thread';
/** How a roi-ops contender calls: a fresh output per call, a reused `out`, or NHWC in and out. */
type RoiOpsVariant = 'plain' | 'reused-out' | 'nhwc';
const roiOps = (
  id: string,
  description: string,
  form: 'sync' | 'async',
  env: Record<string, string>,
  variant: RoiOpsVariant = 'plain',
): Contender => ({
  id,
  family: 'roi-ops',
  description,
  native: !env.ROI_OPS_FORCE_JS,
  supports: () => true,
  child: (directory, workload) => tsxChild('measure.ts', [directory, workload, form, mode, variant], env),
});
const onnxruntime = (threads: number): Contender => ({
  id: `onnxruntime-node, ${threads} thread${threads > 1 ? 's' : ''}`,
  family: 'onnxruntime',
  description: `onnxruntime-node ${ortVersion ?? ''} CPU execution provider: a one-node RoiAlign model (opset 16, coordinate_transformation_mode half_pixel for aligned, sampling_ratio 0 for adaptive; bench/models/, made by scripts/make-onnx-roialign-model.ts), intraOpNumThreads ${threads}, interOpNumThreads 1. Timed: session.run() on ort.Tensors made once (rois [K,4] and int64 batch_indices split from the [K,5] boxes untimed).`,
  supports: alignAvg,
  ...(ortVersion ? {} : { skipReason: 'skipped: onnxruntime-node not installed' }),
  child: (directory, workload, outputFile) => tsxChild('contenders/onnxruntime.ts', [directory, workload, mode, outputFile, String(threads)]),
  compare: 'all',
});
const tfjs = (backend: 'cpu' | 'wasm'): Contender => ({
  id: `tfjs ${backend}`,
  family: 'tfjs',
  description:
    backend === 'cpu'
      ? `@tensorflow/tfjs-core ${tfjsVersions.core ?? ''} with @tensorflow/tfjs-backend-cpu ${tfjsVersions.cpu ?? ''} (plain JavaScript kernels): RoIAlign emulated by tf.image.cropAndResize + tf.avgPool (semantics.md §2.8), NHWC.`
      : `@tensorflow/tfjs-core with @tensorflow/tfjs-backend-wasm ${tfjsVersions.wasm ?? ''} (C++ kernels compiled to WebAssembly, the SIMD build; in Node tfjs reports no multi-thread support, so one thread), the .wasm files loaded from node_modules; the same emulation.`,
  supports: alignAvg,
  ...(tfjsVersions.core && tfjsVersions[backend] ? {} : { skipReason: `skipped: @tensorflow/tfjs-core or -backend-${backend} not installed` }),
  child: (directory, workload, outputFile) => tsxChild('contenders/tfjs.ts', [directory, workload, mode, outputFile, backend]),
  compare: 'interior',
});
const torchvision = (threads: number): Contender => ({
  id: `torchvision, ${threads} thread${threads > 1 ? 's' : ''}`,
  family: 'torchvision',
  description: `torchvision.ops.roi_align / roi_pool ${torch ? `(torchvision ${torch.versions.torchvision}, torch ${torch.versions.torch}, ${torch.python})` : ''} on CPU tensors, torch.set_num_threads(${threads}), under torch.inference_mode(); bench/contenders/torchvision_bench.py.`,
  supports: (op, options) => (op === 'roiPool' ? ((options as RoiPoolOptions).bins ?? 'overlap') === 'overlap' : alignAvg(op, options)),
  ...(torch ? {} : { skipReason: 'skipped: torchvision not importable' }),
  child: (directory, workload, outputFile) => ({
    file: torch?.python ?? 'python3',
    args: [join(here, 'contenders', 'torchvision_bench.py'), directory, workload, mode, outputFile, String(threads)],
  }),
  compare: 'all',
});

const allContenders: Contender[] = [
  roiOps(baseline, 'roiAlignSync / roiPoolSync on the native addon, ROI_OPS_NUM_THREADS=1. The baseline of every ratio.', 'sync', { ROI_OPS_NUM_THREADS: '1' }),
  roiOps('roi-ops native sync, 2 threads', 'the same with ROI_OPS_NUM_THREADS=2.', 'sync', { ROI_OPS_NUM_THREADS: '2' }),
  roiOps('roi-ops native sync, 1 thread, reused out', 'ROI_OPS_NUM_THREADS=1, writing into one preallocated `out` (and `argmaxOut` for W4): no output allocation per call.', 'sync', { ROI_OPS_NUM_THREADS: '1' }, 'reused-out'),
  roiOps('roi-ops native sync, 2 threads, reused out', 'the same with ROI_OPS_NUM_THREADS=2, writing into one preallocated `out` (and `argmaxOut` for W4): no output allocation per call.', 'sync', { ROI_OPS_NUM_THREADS: '2' }, 'reused-out'),
  roiOps('roi-ops native sync, 1 thread, NHWC', 'NHWC input and output (the map transposed once, untimed), ROI_OPS_NUM_THREADS=1.', 'sync', { ROI_OPS_NUM_THREADS: '1' }, 'nhwc'),
  roiOps('roi-ops native async, 1 thread', 'awaiting roiAlign / roiPool (the kernel runs on a libuv thread), ROI_OPS_NUM_THREADS=1.', 'async', { ROI_OPS_NUM_THREADS: '1' }),
  roiOps('roi-ops native async, 2 threads', 'awaiting roiAlign / roiPool, ROI_OPS_NUM_THREADS=2.', 'async', { ROI_OPS_NUM_THREADS: '2' }),
  roiOps('roi-ops JavaScript', 'the pure TypeScript backend (ROI_OPS_FORCE_JS=1): lib/reference, the plain-JavaScript contender.', 'sync', { ROI_OPS_FORCE_JS: '1', ROI_OPS_NUM_THREADS: '1' }),
  onnxruntime(1),
  onnxruntime(2),
  tfjs('cpu'),
  tfjs('wasm'),
  torchvision(1),
  torchvision(2),
];
const contenders = allContenders.filter((c) => c.id === baseline || !contenderFilter || contenderFilter.some((word) => c.id.includes(word)));

// --- Measuring ----------------------------------------------------------------------------------

function measureInChild(contender: Contender, directory: string, workload: string, outputFile: string): Result {
  const { file, args: childArgs, env } = contender.child(directory, workload, outputFile);
  const child = spawnSync(file, childArgs, { env: { ...process.env, ...env }, encoding: 'utf8', timeout: childTimeoutMs, maxBuffer: 16 << 20 });
  const base = { workload, contender: contender.id };
  if (child.error || child.status !== 0) {
    const why = child.error?.message ?? `exit ${child.status ?? child.signal}`;
    const stderr = (child.stderr ?? '').trim().split('\n').slice(-6).join(' | ');
    return { ...base, status: 'error', reason: `${why}: ${stderr}`.slice(0, 600) };
  }
  const { medianMs, minMs, maxMs, runs, ...details } = JSON.parse(child.stdout) as Record<string, unknown>;
  const timing = { medianMs: medianMs as number, minMs: minMs as number, maxMs: maxMs as number, runs: runs as number };
  if (contender.native && (details.backend as { native?: boolean } | undefined)?.native !== true) {
    return { ...base, status: 'error', reason: 'the native addon did not load in the child (being rebuilt?), so the JavaScript backend ran', ...timing, details };
  }
  return { ...base, status: 'ok', ...timing, details };
}

/** roi-ops' own output (native unless ROI_OPS_FORCE_JS is set here), the yardstick of every agreement. */
function referenceOutput(w: LoadedWorkload): Float32Array {
  const input = { data: w.input, shape: w.inputShape };
  const boxes = { data: w.boxes, shape: w.boxesShape };
  return w.op === 'roiPool' ? roiPoolSync(input, boxes, w.options as RoiPoolOptions).data : roiAlignSync(input, boxes, w.options as RoiAlignOptions).data;
}

function agreement(output: Float32Array, reference: Float32Array, compareRoi: boolean[], rows: Agreement['rows']): Agreement | string {
  if (output.length !== reference.length) return `output has ${output.length} elements, roi-ops ${reference.length}`;
  const perRoi = reference.length / compareRoi.length;
  let maxAbsDiff = 0;
  let allRoisMaxAbsDiff = 0;
  let referenceScale = 0;
  for (let k = 0; k < compareRoi.length; k++) {
    for (let i = k * perRoi; i < (k + 1) * perRoi; i++) {
      const diff = Math.abs((output[i] as number) - (reference[i] as number));
      // NaN must not hide: Math.max propagates it.
      allRoisMaxAbsDiff = Math.max(allRoisMaxAbsDiff, diff);
      if (compareRoi[k]) {
        maxAbsDiff = Math.max(maxAbsDiff, diff);
        referenceScale = Math.max(referenceScale, Math.abs(reference[i] as number));
      }
    }
  }
  const compared = compareRoi.filter(Boolean).length;
  const relativeDiff = referenceScale > 0 ? maxAbsDiff / referenceScale : maxAbsDiff;
  return {
    rows,
    comparedRois: compared,
    totalRois: compareRoi.length,
    maxAbsDiff,
    referenceScale,
    relativeDiff,
    ...(rows === 'interior' ? { allRoisMaxAbsDiff } : { withinTolerance: relativeDiff <= tolerance }),
  };
}

const selected = workloads().filter((w) => !only || only.includes(w.id));
const started = performance.now();
const scratch = join(here, 'results', 'tmp', `run-${process.pid}`);
mkdirSync(scratch, { recursive: true });
writeWorkloadFiles(scratch, selected);

const results: Result[] = [];
try {
  for (const w of selected) {
    const loaded = readWorkload(scratch, w.id);
    const rois = loaded.boxesShape[0] as number;
    let reference: Float32Array | undefined;
    let interior: boolean[] | undefined;
    for (const contender of contenders) {
      if (!contender.supports(w.op, w.options)) continue;
      if (contender.skipReason) {
        results.push({ workload: w.id, contender: contender.id, status: 'skipped', reason: contender.skipReason });
        console.log(`${w.id} ${contender.id.padEnd(32)} ${contender.skipReason}`);
        continue;
      }
      const outputFile = join(scratch, `${w.id}.output.f32`);
      rmSync(outputFile, { force: true });
      const m = measureInChild(contender, scratch, w.id, outputFile);
      if (m.status === 'ok' && contender.compare && existsSync(outputFile)) {
        reference ??= referenceOutput(loaded);
        const [, , H, W] = loaded.inputShape as [number, number, number, number];
        interior ??= roiSamples(loaded.boxes, loaded.options as RoiAlignOptions).map((roi) => samplesInside(roi, H, W));
        const compareRoi = contender.compare === 'all' ? new Array<boolean>(rois).fill(true) : interior;
        const a = agreement(readFloats(outputFile), reference, compareRoi, contender.compare);
        if (typeof a === 'string') m.reason = a;
        else m.agreement = a;
      }
      results.push(m);
      if (m.status !== 'ok') {
        console.log(`${w.id} ${contender.id.padEnd(32)} ERROR ${m.reason}`);
        continue;
      }
      const diff = m.agreement ? `, max abs diff vs roi-ops ${m.agreement.maxAbsDiff.toExponential(1)} over ${m.agreement.comparedRois}/${rois} RoIs` : '';
      console.log(`${w.id} ${contender.id.padEnd(32)} median ${formatMs(m.medianMs as number)} ms (min ${formatMs(m.minMs as number)}, max ${formatMs(m.maxMs as number)}, ${m.runs} runs${diff})`);
    }
    rmSync(join(scratch, `${w.id}.output.f32`), { force: true });
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

for (const r of results) {
  const base = results.find((b) => b.workload === r.workload && b.contender === baseline && b.status === 'ok');
  if (r.status === 'ok' && base) r.ratio = (r.medianMs as number) / (base.medianMs as number);
}

// --- Report -------------------------------------------------------------------------------------

function simdFlags(): string[] {
  try {
    const flags = new Set(/^flags\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.split(/\s+/) ?? []);
    return ['sse4_2', 'avx', 'avx2', 'fma', 'f16c', 'avx512f', 'avx512bw', 'avx512vl', 'avx512_vnni', 'avx512_bf16', 'amx_tile'].filter((f) => flags.has(f));
  } catch {
    return [];
  }
}

// What the baseline child ran on (this process may have loaded roi-ops at another moment).
const roiOpsInfo = (results.find((r) => r.contender === baseline && r.details?.backend)?.details?.backend as RuntimeInfo | undefined) ?? info();
const loadAtEnd = loadavg()[0] as number;
const busyNote =
  loadAtStart > 0.5
    ? [`The machine was busy: its 1-minute load average was ${loadAtStart.toFixed(2)} before the run started (${loadAtEnd.toFixed(2)} at its end, own processes included) on ${cpus().length} cores, so these medians, the 2-thread ones most, carry other processes' noise.`]
    : [];
const versions: Record<string, string> = {
  node: process.version,
  'roi-ops': `${roiOpsInfo.version} (${roiOpsInfo.native ? 'native' : 'JavaScript'}, ${roiOpsInfo.simd})`,
  'onnxruntime-node': ortVersion ?? 'not installed',
  '@tensorflow/tfjs-core': tfjsVersions.core ?? 'not installed',
  '@tensorflow/tfjs-backend-cpu': tfjsVersions.cpu ?? 'not installed',
  '@tensorflow/tfjs-backend-wasm': tfjsVersions.wasm ?? 'not installed',
  ...(torch
    ? { python: `${torch.versions.python} (${torch.python})`, torch: torch.versions.torch, torchvision: torch.versions.torchvision }
    : { torchvision: 'not importable' }),
};
const report: Report = {
  command,
  date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
  mode,
  durationSeconds: (performance.now() - started) / 1000,
  baseline,
  machine: {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    simdFlags: simdFlags(),
    os: `${platform()} ${release()}`,
    uvThreadpoolSize: process.env.UV_THREADPOOL_SIZE,
    loadAverage1m: { atStart: Number(loadAtStart.toFixed(2)), atEnd: Number(loadAtEnd.toFixed(2)) },
    roiOps: roiOpsInfo,
  },
  versions,
  contenders: contenders.map(({ id, family, description }) => ({ id, family, description })),
  workloads: selected.map((w) => ({ id: w.id, description: w.description, op: w.op, rois: w.boxes.shape[0] as number })),
  results,
  targets: checkTargets(results),
  notes: [
    ...busyNote,
    'Every contender runs in a fresh process per workload and reads the same workload bytes (written once per run from bench/workloads.ts). Timing: one warm-up call, then calls until at least 3 and either 200 calls or the time budget; the median is reported.',
    `Ratios are median ÷ the median of "${baseline}" on the same workload in this run (above 1 = slower than roi-ops).`,
    `Agreement: max |contender − roi-ops| over the output, and that divided by max |roi-ops| ("rel"); onnxruntime-node and torchvision implement the same semantics and are expected within ${tolerance} relative.`,
    'tfjs emulates RoIAlign with crop_and_resize + avgPool (tensorpack mapping, semantics.md §2.8). Its input is transposed to NHWC once, outside the timed region, and its boxes converted to normalized (y1, x1, y2, x2) once, also untimed; the timed call includes downloading the result into a Float32Array. Its samples outside [0, size−1] are 0 where RoIAlign replicates the edge, so agreement is reported on the RoIs whose samples all lie inside the map; the difference on all RoIs is shown for context, not as an error. With adaptive sampling (W6) each distinct per-RoI grid is one crop_and_resize call.',
    'onnxruntime-node, tfjs and torchvision have no RoI max pooling with argmax except torchvision.ops.roi_pool, so W4 (roiPool) has roi-ops and torchvision only.',
  ],
};

const dir = join(here, 'results');
const name = quick ? 'quick' : 'latest';
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(join(dir, `${name}.md`), renderMarkdown(report));
writeFileSync(join(dir, `${name}.svg`), renderSvg(report));
console.log(`\n${Math.round(report.durationSeconds)} s; wrote bench/results/${name}.json, ${name}.md and ${name}.svg`);
