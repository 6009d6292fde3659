// `npm run bench`: times every workload on every contender that has the operator, each contender
// in its own process (so one's JIT, caches and thread pools do not help another), all in one run,
// and writes medians, ratios against roi-ops native (sync, 1 thread) and each contender's
// agreement with roi-ops to bench/results/ (JSON, Markdown, SVG). Measures; never asserts.
// Workloads: bench/workloads.ts (W1..W8b: roiAlign, roiPool, multiScaleRoiAlign, roiAlignRotated,
// psRoiAlign, psRoiPool). Each contender's `supports` says which operators (and options) it has; a
// contender that fails on a workload (for instance a native addon built before the operator
// existed) is recorded as an error and the run goes on.
// Then the section "ONNX detectors end to end" (bench/onnx-detectors.ts: O1-O3, real torchvision
// exports, the whole model against roi-ops/onnx's pipeline at 1 and 2 threads, through
// `roi-ops onnx bench`).
// Usage: npm run bench [-- --quick] [-- --only=W1,W4,O2] [-- --contenders=onnx,tfjs] [-- --out=DIR] [-- --json]
//   --quick         1 s of calls per contender and workload instead of 3 s, and fewer runs of each
//                   ONNX detector; writes quick.* instead of latest.*
//   --only          a subset of the workloads and ONNX detectors (an unknown one: exit 2)
//   --contenders    only the contenders whose name contains one of these words (the baseline and
//                   the roi-ops side of the speed targets always run); not the ONNX detectors' rows
//   --out           where the results go: default bench/results/ in a checkout, ./roi-ops-bench/ when built (bench/scripts.ts)
//   --json          the report as JSON on stdout, the progress lines on stderr
//   --command       the command line the report records (`roi-ops bench` passes its own)
// `roi-ops bench` (cli/bench.ts) runs this script by its path, built into dist/bench/ by tsup.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, platform, release, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

import { info, type RuntimeInfo } from 'roi-ops';

import { type ChildCommand, runChild as runChildWithin } from './child-process.js';
import { checkTargets, targetBaseline } from './targets.js';
import { formatMs, renderMarkdown, renderSvg } from './report.js';
import type { Agreement, ContenderInfo, Report, Result } from './types.js';
import { roiSamples, samplesInside } from './roi-align-geometry.js';
import { onnxDetectors, onnxDetectorsNote, defaultModelCache, runOnnxDetectors } from './onnx-detectors.js';
import {
  benchFile,
  benchScript,
  defaultResultsDirectory,
  onnxModelScript,
  roiOpsBin,
  roiOpsCommand,
} from './scripts.js';
import { kMaxCalls, type Timing } from './timing.js';
import { onlyInput, readFloats, writeWorkloadFiles } from './workload-files.js';
import { type Op, type OptionsOf, type Workload, workloads } from './workloads.js';

const args = process.argv.slice(2);
const valueOf = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const quick = args.includes('--quick');
const mode = quick ? 'quick' : 'full';
const only = valueOf('only')?.split(',');
const contenderFilter = valueOf('contenders')?.split(',');
const outDir = resolve(valueOf('out') ?? defaultResultsDirectory());
const json = args.includes('--json');
const command = valueOf('command') ?? `npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}`;
/** With --json, stdout carries the report alone. */
const log = json ? console.error : console.log;

const allWorkloads = workloads();
const unknownWorkloads = (only ?? []).filter(
  (id) => !allWorkloads.some((w) => w.id === id) && !onnxDetectors.some((d) => d.id === id),
);
if (unknownWorkloads.length > 0) {
  console.error(
    `--only: unknown workload ${unknownWorkloads.join(', ')} (the workloads are ${allWorkloads.map((w) => w.id).join(', ')}; the ONNX detectors ${onnxDetectors.map((d) => d.id).join(', ')})`,
  );
  process.exit(2);
}

/** Other work on the machine skews every median (two cores here): recorded, and flagged when high. */
const loadAtStart = loadavg()[0] as number;
const requireHere = createRequire(import.meta.url);
/** A child that hangs is stopped and recorded as an error, so the run always ends. */
const childTimeoutMs = 240_000;
/** Contenders that implement roi-ops' semantics must agree within this, relative to the output's scale. */
const tolerance = 1e-4;

// --- What is installed --------------------------------------------------------------------------

function packageVersion(name: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(requireHere.resolve(`${name}/package.json`), 'utf8')) as { version: string })
      .version;
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
  const probe =
    'import json, sys, torch, torchvision; print(json.dumps({"python": sys.version.split()[0], "torch": torch.__version__, "torchvision": torchvision.__version__}))';
  const candidates = [
    ...new Set([process.env.ROI_OPS_BENCH_PYTHON, 'python3', '/usr/bin/python3'].filter((p): p is string => !!p)),
  ];
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

/** detectron2's version when the Python that has torchvision imports it (it builds on torch). */
function findDetectron2(python: string | undefined): string | undefined {
  if (!python) return undefined;
  const child = spawnSync(python, ['-c', 'import detectron2; print(detectron2.__version__)'], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return child.status === 0 ? child.stdout.trim() : undefined;
}
const detectron2Version = findDetectron2(torch?.python);

// --- Contenders ---------------------------------------------------------------------------------

interface Contender extends ContenderInfo {
  /** Whether it has the workload's operator with these options. */
  supports(op: Op, options: Workload['options']): boolean;
  /** Set when the contender cannot run on this machine: recorded as 'skipped', not an error. */
  skipReason?: string;
  /** The child process for one workload; it prints its timing as JSON and writes its output to `outputFile`. */
  child(workloadDirectory: string, workload: string, outputFile: string): ChildCommand;
  /** A roi-ops contender that must have run on the native addon (its child reports the backend). */
  native?: boolean;
  /** How its output is compared with roi-ops: all RoIs must agree, or only those sampling inside the map. */
  compare?: 'all' | 'interior';
}

const nodeChild = (script: string, scriptArgs: string[], env?: Record<string, string>) => ({
  ...benchScript(script, scriptArgs),
  ...(env ? { env } : {}),
});
/** A contender's operators: for each one it has, which options it can express. */
type Operators = { [O in Op]?: (options: OptionsOf[O]) => boolean };
const supportsOf =
  (operators: Operators): Contender['supports'] =>
  (op, options) =>
    (operators[op] as ((options: Workload['options']) => boolean) | undefined)?.(options) ?? false;
const alignAvg = supportsOf({ roiAlign: (o) => (o.mode ?? 'avg') === 'avg' });

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
  // Every operator of docs/api.md "Operators"; the native addon may not have a new one yet (then an error is recorded).
  supports: () => true,
  child: (directory, workload) => nodeChild('measure', [directory, workload, form, mode, variant], env),
});
const onnxruntime = (threads: number): Contender => ({
  id: `onnxruntime-node, ${threads} thread${threads > 1 ? 's' : ''}`,
  family: 'onnxruntime',
  description: `onnxruntime-node ${ortVersion ?? ''} CPU execution provider: a one-node RoiAlign model (opset 16, coordinate_transformation_mode half_pixel for aligned, sampling_ratio 0 for adaptive; bench/models/, made by scripts/make-onnx-roialign-model.ts), intraOpNumThreads ${threads}, interOpNumThreads 1. Timed: session.run() on ort.Tensors made once (rois [K,4] and int64 batch_indices split from the [K,5] boxes untimed).`,
  supports: alignAvg,
  ...(ortVersion ? {} : { skipReason: 'skipped: onnxruntime-node not installed' }),
  child: (directory, workload, outputFile) =>
    nodeChild('contenders/onnxruntime', [directory, workload, mode, outputFile, String(threads)]),
  compare: 'all',
});
const tfjs = (backend: 'cpu' | 'wasm'): Contender => ({
  id: `tfjs ${backend}`,
  family: 'tfjs',
  description:
    backend === 'cpu'
      ? `@tensorflow/tfjs-core ${tfjsVersions.core ?? ''} with @tensorflow/tfjs-backend-cpu ${tfjsVersions.cpu ?? ''} (plain JavaScript kernels): RoIAlign emulated by tf.image.cropAndResize + tf.avgPool (docs/semantics.md "cropAndResize"), NHWC.`
      : `@tensorflow/tfjs-core with @tensorflow/tfjs-backend-wasm ${tfjsVersions.wasm ?? ''} (C++ kernels compiled to WebAssembly, the SIMD build; in Node tfjs reports no multi-thread support, so one thread), the .wasm files loaded from node_modules; the same emulation.`,
  supports: alignAvg,
  ...(tfjsVersions.core && tfjsVersions[backend]
    ? {}
    : { skipReason: `skipped: @tensorflow/tfjs-core or -backend-${backend} not installed` }),
  child: (directory, workload, outputFile) =>
    nodeChild('contenders/tfjs', [directory, workload, mode, outputFile, backend]),
  compare: 'interior',
});
/** bench/contenders/torchvision_bench.py, which picks the torch operator of the workload's op. */
const pythonChild =
  (threads: number): Contender['child'] =>
  (directory, workload, outputFile) => ({
    file: torch?.python ?? 'python3',
    args: [benchFile('contenders', 'torchvision_bench.py'), directory, workload, mode, outputFile, String(threads)],
  });
const torchvision = (threads: number): Contender => ({
  id: `torchvision, ${threads} thread${threads > 1 ? 's' : ''}`,
  family: 'torchvision',
  description: `torchvision.ops.roi_align / roi_pool / MultiScaleRoIAlign / ps_roi_align / ps_roi_pool ${torch ? `(torchvision ${torch.versions.torchvision}, torch ${torch.versions.torch}, ${torch.python})` : ''} on CPU tensors, torch.set_num_threads(${threads}), under torch.inference_mode(); bench/contenders/torchvision_bench.py.`,
  supports: supportsOf({
    roiAlign: (o) => (o.mode ?? 'avg') === 'avg',
    roiPool: (o) => (o.bins ?? 'overlap') === 'overlap',
    // MultiScaleRoIAlign: never aligned, scales inferred from the image sizes.
    multiScaleRoiAlign: (o) => !o.aligned && o.scales === undefined,
    psRoiAlign: () => true,
    psRoiPool: () => true,
  }),
  ...(torch ? {} : { skipReason: 'skipped: torchvision not importable' }),
  child: pythonChild(threads),
  compare: 'all',
});
/** torchvision has no rotated RoIAlign; detectron2's ROIAlignRotated (aligned, counter-clockwise) is the reference implementation. */
const detectron2: Contender = {
  id: 'detectron2, 1 thread',
  family: 'detectron2',
  description: `detectron2.layers.ROIAlignRotated${detectron2Version ? ` (detectron2 ${detectron2Version})` : ''} on CPU tensors, torch.set_num_threads(1), under torch.inference_mode(); bench/contenders/torchvision_bench.py.`,
  supports: supportsOf({ roiAlignRotated: (o) => (o.aligned ?? true) && !o.clockwise }),
  ...(detectron2Version
    ? {}
    : {
        skipReason: `skipped: detectron2 not importable (${torch?.python ?? 'python3'} -c 'import detectron2' fails)`,
      }),
  child: pythonChild(1),
  compare: 'all',
};

const allContenders: Contender[] = [
  roiOps(
    baseline,
    "the workload's operator in its Sync form (roiAlignSync, roiPoolSync, multiScaleRoiAlignSync, roiAlignRotatedSync, psRoiAlignSync, psRoiPoolSync) on the native addon, ROI_OPS_NUM_THREADS=1. The baseline of every ratio.",
    'sync',
    { ROI_OPS_NUM_THREADS: '1' },
  ),
  roiOps('roi-ops native sync, 2 threads', 'the same with ROI_OPS_NUM_THREADS=2.', 'sync', {
    ROI_OPS_NUM_THREADS: '2',
  }),
  roiOps(
    'roi-ops native sync, 1 thread, reused out',
    'ROI_OPS_NUM_THREADS=1, writing into one preallocated `out` (and `argmaxOut` for W4), the arrays of one untimed call: no output allocation per call.',
    'sync',
    { ROI_OPS_NUM_THREADS: '1' },
    'reused-out',
  ),
  roiOps(
    'roi-ops native sync, 2 threads, reused out',
    'the same with ROI_OPS_NUM_THREADS=2, writing into one preallocated `out` (and `argmaxOut` for W4), the arrays of one untimed call: no output allocation per call.',
    'sync',
    { ROI_OPS_NUM_THREADS: '2' },
    'reused-out',
  ),
  roiOps(
    'roi-ops native sync, 1 thread, NHWC',
    'NHWC input and output (the map, or each pyramid level for W3, transposed once, untimed), ROI_OPS_NUM_THREADS=1.',
    'sync',
    { ROI_OPS_NUM_THREADS: '1' },
    'nhwc',
  ),
  roiOps(
    'roi-ops native async, 1 thread',
    "awaiting the workload's operator (roiAlign, roiPool, multiScaleRoiAlign, ...: the kernel runs on a libuv thread), ROI_OPS_NUM_THREADS=1.",
    'async',
    { ROI_OPS_NUM_THREADS: '1' },
  ),
  roiOps('roi-ops native async, 2 threads', "awaiting the workload's operator, ROI_OPS_NUM_THREADS=2.", 'async', {
    ROI_OPS_NUM_THREADS: '2',
  }),
  roiOps(
    'roi-ops JavaScript',
    'the pure TypeScript backend (ROI_OPS_FORCE_JS=1): lib/reference, the plain-JavaScript contender.',
    'sync',
    { ROI_OPS_FORCE_JS: '1', ROI_OPS_NUM_THREADS: '1' },
  ),
  onnxruntime(1),
  onnxruntime(2),
  tfjs('cpu'),
  tfjs('wasm'),
  torchvision(1),
  torchvision(2),
  detectron2,
];
// The baseline of the ratios and the roi-ops side of the targets run whatever the filter says,
// so that `--contenders torchvision` still checks the targets against torchvision.
const contenders = allContenders.filter(
  (c) =>
    c.id === baseline ||
    c.id === targetBaseline ||
    !contenderFilter ||
    contenderFilter.some((word) => c.id.includes(word)),
);

// --- Measuring ----------------------------------------------------------------------------------

/** Runs a child to its end under the suite's time limit: its JSON report, or why it failed. */
const runChild = (child: ChildCommand) => runChildWithin(child, childTimeoutMs);

function measureInChild(contender: Contender, directory: string, workload: string, outputFile: string): Result {
  const child = runChild(contender.child(directory, workload, outputFile));
  const base = { workload, contender: contender.id };
  if ('failure' in child) return { ...base, status: 'error', reason: child.failure };
  const { medianMs, minMs, maxMs, runs, ...details } = child.report;
  const timing = { medianMs: medianMs as number, minMs: minMs as number, maxMs: maxMs as number, runs: runs as number };
  if (contender.native && (details.backend as { native?: boolean } | undefined)?.native !== true) {
    return {
      ...base,
      status: 'error',
      reason: 'the native addon did not load in the child (being rebuilt?), so the JavaScript backend ran',
      ...timing,
      details,
    };
  }
  return { ...base, status: 'ok', ...timing, details };
}

interface Reference {
  data: Float32Array;
  backend: NonNullable<Agreement['referenceBackend']>;
}

/**
 * roi-ops' own output, the yardstick of every agreement, from a child (bench/roi-ops-output.ts): on
 * the native addon, or on the JavaScript backend when the native one cannot run the operator (an
 * addon built before it) or ROI_OPS_FORCE_JS=1 is set here.
 */
function referenceOutput(directory: string, workload: string): Reference | string {
  const file = join(directory, `${workload}.reference.f32`);
  const failures: string[] = [];
  for (const env of [{}, { ROI_OPS_FORCE_JS: '1' }] as Array<Record<string, string>>) {
    const child = runChild(nodeChild('roi-ops-output', [directory, workload, file], env));
    if ('failure' in child) {
      failures.push(child.failure);
      continue;
    }
    const native = (child.report.backend as RuntimeInfo).native;
    return { data: readFloats(file), backend: native ? 'native' : 'JavaScript' };
  }
  return `no roi-ops output to compare with: ${failures.join(' / ')}`;
}

/** Per RoI, whether every RoIAlign sample lies inside the map (roiAlign workloads, for the 'interior' comparison). */
function interiorRois(w: Workload): boolean[] | string {
  if (w.op !== 'roiAlign') return `no interior comparison for ${w.op}`;
  const [, , H = 0, W = 0] = onlyInput(w).shape;
  return roiSamples(w.boxes.data, w.options).map((roi) => samplesInside(roi, H, W));
}

/** How far a contender's output is from roi-ops' on the RoIs to compare, or why it cannot be told. */
function agreement(
  output: Float32Array,
  yardstick: Reference | string,
  compareRoi: boolean[] | string,
  rows: Agreement['rows'],
): Agreement | string {
  if (typeof yardstick === 'string') return yardstick;
  if (typeof compareRoi === 'string') return compareRoi;
  const { data: reference, backend } = yardstick;
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
    referenceBackend: backend,
    ...(rows === 'interior' ? { allRoisMaxAbsDiff } : { withinTolerance: relativeDiff <= tolerance }),
  };
}

const selected = allWorkloads.filter((w) => !only || only.includes(w.id));
const started = performance.now();
const scratch = mkdtempSync(join(tmpdir(), 'roi-ops-bench-'));
writeWorkloadFiles(scratch, selected);

/** Node's own thread-pool round trip (bench/threadpool-round-trip.ts), the floor under any async call. */
function threadpoolRoundTrip(): Timing | undefined {
  const child = runChild(nodeChild('threadpool-round-trip', [mode]));
  if ('failure' in child) {
    log(`thread-pool round trip: ERROR ${child.failure}`);
    return undefined;
  }
  const timing = child.report as unknown as Timing;
  log(
    `thread-pool round trip (crypto.pbkdf2, 1 iteration) median ${formatMs(timing.medianMs)} ms (min ${formatMs(timing.minMs)})`,
  );
  return timing;
}
const roundTrip = threadpoolRoundTrip();

const results: Result[] = [];
try {
  for (const w of selected) {
    const rois = w.boxes.shape[0] as number;
    let reference: Reference | string | undefined;
    let interior: boolean[] | string | undefined;
    for (const contender of contenders) {
      if (!contender.supports(w.op, w.options)) continue;
      if (contender.skipReason) {
        results.push({ workload: w.id, contender: contender.id, status: 'skipped', reason: contender.skipReason });
        log(`${w.id} ${contender.id.padEnd(32)} ${contender.skipReason}`);
        continue;
      }
      const outputFile = join(scratch, `${w.id}.output.f32`);
      rmSync(outputFile, { force: true });
      const m = measureInChild(contender, scratch, w.id, outputFile);
      if (m.status === 'ok' && contender.compare && existsSync(outputFile)) {
        reference ??= referenceOutput(scratch, w.id);
        const compareRoi =
          contender.compare === 'all' ? new Array<boolean>(rois).fill(true) : (interior ??= interiorRois(w));
        const a = agreement(readFloats(outputFile), reference, compareRoi, contender.compare);
        if (typeof a === 'string') m.reason = a;
        else m.agreement = a;
      }
      results.push(m);
      if (m.status !== 'ok') {
        log(`${w.id} ${contender.id.padEnd(32)} ERROR ${m.reason}`);
        continue;
      }
      const diff = m.agreement
        ? `, max abs diff vs roi-ops ${m.agreement.maxAbsDiff.toExponential(1)} over ${m.agreement.comparedRois}/${rois} RoIs`
        : '';
      log(
        `${w.id} ${contender.id.padEnd(32)} median ${formatMs(m.medianMs as number)} ms (min ${formatMs(m.minMs as number)}, max ${formatMs(m.maxMs as number)}, ${m.runs} runs${diff})`,
      );
    }
    for (const file of ['output', 'reference']) rmSync(join(scratch, `${w.id}.${file}.f32`), { force: true });
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

const selectedDetectors = onnxDetectors.filter((d) => !only || only.includes(d.id));
const onnxSection =
  selectedDetectors.length === 0
    ? undefined
    : runOnnxDetectors({
        detectors: selectedDetectors,
        mode,
        onnxruntime: ortVersion,
        command: existsSync(roiOpsBin())
          ? roiOpsCommand
          : { missing: `${roiOpsBin()} is not built (npm run build:ts builds it)` },
        python: torch?.python,
        script: onnxModelScript(),
        cache: defaultModelCache(),
        log,
      });

for (const r of results) {
  const base = results.find((b) => b.workload === r.workload && b.contender === baseline && b.status === 'ok');
  if (r.status === 'ok' && base) r.ratio = (r.medianMs as number) / (base.medianMs as number);
}

// --- Report -------------------------------------------------------------------------------------

function simdFlags(): string[] {
  try {
    const flags = new Set(/^flags\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.split(/\s+/) ?? []);
    return [
      'sse4_2',
      'avx',
      'avx2',
      'fma',
      'f16c',
      'avx512f',
      'avx512bw',
      'avx512vl',
      'avx512_vnni',
      'avx512_bf16',
      'amx_tile',
    ].filter((f) => flags.has(f));
  } catch {
    return [];
  }
}

// What the baseline child ran on (this process may have loaded roi-ops at another moment).
const roiOpsInfo =
  (results.find((r) => r.contender === baseline && r.details?.backend)?.details?.backend as RuntimeInfo | undefined) ??
  info();
const loadAtEnd = loadavg()[0] as number;
const busyNote =
  loadAtStart > 0.5
    ? [
        `The machine was busy: its 1-minute load average was ${loadAtStart.toFixed(2)} before the run started (${loadAtEnd.toFixed(2)} at its end, own processes included) on ${cpus().length} cores, so these medians, the 2-thread ones most, carry other processes' noise.`,
      ]
    : [];
const versions: Record<string, string> = {
  node: process.version,
  'roi-ops': `${roiOpsInfo.version} (${roiOpsInfo.native ? 'native' : 'JavaScript'}, ${roiOpsInfo.simd})`,
  'onnxruntime-node': ortVersion ?? 'not installed',
  '@tensorflow/tfjs-core': tfjsVersions.core ?? 'not installed',
  '@tensorflow/tfjs-backend-cpu': tfjsVersions.cpu ?? 'not installed',
  '@tensorflow/tfjs-backend-wasm': tfjsVersions.wasm ?? 'not installed',
  ...(torch
    ? {
        python: `${torch.versions.python} (${torch.python})`,
        torch: torch.versions.torch,
        torchvision: torch.versions.torchvision,
        detectron2: detectron2Version ?? 'not importable',
      }
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
    ...(roundTrip ? { threadpoolRoundTripMs: { median: roundTrip.medianMs, min: roundTrip.minMs } } : {}),
    loadAverage1m: { atStart: Number(loadAtStart.toFixed(2)), atEnd: Number(loadAtEnd.toFixed(2)) },
    roiOps: roiOpsInfo,
  },
  versions,
  contenders: contenders.map(({ id, family, description }) => ({ id, family, description })),
  workloads: selected.map((w) => ({
    id: w.id,
    description: w.description,
    op: w.op,
    rois: w.boxes.shape[0] as number,
  })),
  results,
  ...(onnxSection ? { onnxDetectors: onnxSection } : {}),
  targets: checkTargets(results, roundTrip?.medianMs),
  notes: [
    ...busyNote,
    `Every contender runs in a fresh process per workload and reads the same workload bytes (written once per run from bench/workloads.ts). Timing: a warm-up of at least one call and a tenth of the time budget, then calls until at least 3 and either ${kMaxCalls} calls or the time budget; the median is reported.`,
    `Ratios are median ÷ the median of "${baseline}" on the same workload in this run (above 1 = slower than roi-ops).`,
    `Agreement: max |contender − roi-ops| over the output, and that divided by max |roi-ops| ("rel"); onnxruntime-node, torchvision and detectron2 implement the same semantics and are expected within ${tolerance} relative.`,
    'tfjs emulates RoIAlign with crop_and_resize + avgPool (tensorpack mapping, docs/semantics.md "cropAndResize"). Its input is transposed to NHWC once, outside the timed region, and its boxes converted to normalized (y1, x1, y2, x2) once, also untimed; the timed call includes downloading the result into a Float32Array. Its samples outside [0, size−1] are 0 where RoIAlign replicates the edge, so agreement is reported on the RoIs whose samples all lie inside the map; the difference on all RoIs is shown for context, not as an error. With adaptive sampling (W6) each distinct per-RoI grid is one crop_and_resize call.',
    'onnxruntime-node, tfjs and torchvision have no RoI max pooling with argmax except torchvision.ops.roi_pool, so W4 (roiPool) has roi-ops and torchvision only.',
    'onnxruntime-node and tfjs have only RoIAlign (avg), so W3, W7, W8 and W8b have roi-ops and the torch-based contenders only. W3: torchvision.ops.MultiScaleRoIAlign(["0", "1", "2", "3"], 7, 2) on an OrderedDict of the four levels, [boxes[:, 1:]] (made once, untimed) and [(800, 1088)]; it infers and caches its level scales on its first call, which is the warm-up. W8, W8b: torchvision.ops.ps_roi_align / ps_roi_pool.',
    "W7 (rotated): torchvision has no rotated RoIAlign; the reference implementation is detectron2's ROIAlignRotated, whose contender runs when detectron2 is importable and is recorded as skipped otherwise (mmcv's RoIAlignRotated has no contender).",
    ...(onnxSection ? [onnxDetectorsNote] : []),
    'A roi-ops operator that the native addon of the run lacks (built before it) is an error on the native contenders; the agreement yardstick is then roi-ops\' JavaScript backend, marked "vs roi-ops JavaScript".',
  ],
};

const name = quick ? 'quick' : 'latest';
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, `${name}.json`), `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(join(outDir, `${name}.md`), renderMarkdown(report));
writeFileSync(join(outDir, `${name}.svg`), renderSvg(report));
const shownDir = relative(process.cwd(), outDir).startsWith('..') ? outDir : relative(process.cwd(), outDir) || '.';
log(`\n${Math.round(report.durationSeconds)} s; wrote ${join(shownDir, `${name}.json`)}, ${name}.md and ${name}.svg`);
if (json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
