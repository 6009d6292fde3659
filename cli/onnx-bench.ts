// `roi-ops onnx bench MODEL`: the whole model in onnxruntime-node against roi-ops/onnx's
// pipeline on the same inputs, alternating runs after a warm-up so both see the same load, with
// the largest difference of each output. onnxruntime-node is the user's: it is found where the
// user runs the command, then beside roi-ops, and loaded only here.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { createOnnxPipeline, type OnnxPipeline, type OnnxPipelinePlan, type PlanTensor } from '../onnx/index.js';
import { parseValue, stringValue } from './args.js';
import { UsageError, type Command, type ParsedCommandLine } from './command.js';
import { decodeElements } from './io/elements.js';
import { readFileBytes } from './io/file-error.js';
import { npyLayout } from './io/npy.js';
import { checkModelFile, planLine } from './onnx-model.js';
import { onStopSignals, stoppedStatus, type StopSignal } from './signals.js';

type Ort = typeof import('onnxruntime-node');
type OrtTensor = InstanceType<Ort['Tensor']>;

const name = 'roi-ops onnx bench';
/** Runs of each before the timed ones: the first runs allocate and page in the weights. */
const warmUpRuns = 2;
/** The untimed pause after each run (onnxruntime's workers spin for a while after a run: see settle below). */
const settleMs = 20;

/**
 * onnxruntime-node as the user installed it: from the current directory first (a project that
 * depends on it), then from where roi-ops is (installed beside it).
 */
async function loadOnnxRuntime(): Promise<Ort> {
  let path: string | undefined;
  for (const from of [join(process.cwd(), 'package.json'), fileURLToPath(import.meta.url)]) {
    try {
      path = createRequire(from).resolve('onnxruntime-node');
      break;
    } catch {
      // not installed there
    }
  }
  if (path === undefined)
    throw new Error(
      `${name}: needs onnxruntime-node (npm install onnxruntime-node), found neither from the current directory nor beside roi-ops`,
    );
  const loaded = (await import(pathToFileURL(path).href)) as Ort & { default?: Ort };
  // A CommonJS module imported: its exports are the namespace's default.
  return typeof loaded.InferenceSession === 'function' ? loaded : (loaded.default as Ort);
}

/** --input NAME=FILE.npy, as given: name -> file. */
function inputFiles(values: ParsedCommandLine['values']): Map<string, string> {
  const files = new Map<string, string>();
  const given = values.input;
  for (const text of Array.isArray(given) ? given : []) {
    const match = /^([^=]+)=(.+)$/.exec(String(text));
    if (match === null) throw new UsageError(`expected NAME=FILE.npy for --input but received ${JSON.stringify(text)}`);
    const [, input, file] = match as unknown as [string, string, string];
    if (files.has(input)) throw new UsageError(`--input ${input} is given twice`);
    files.set(input, file);
  }
  return files;
}

function parseImageSize(text: string | undefined): [number, number] {
  if (text === undefined) return [320, 320];
  const match = /^(\d{1,5}),(\d{1,5})$/.exec(text.trim());
  if (match === null || Number(match[1]) < 1 || Number(match[2]) < 1)
    throw new UsageError(`expected H,W (like 320,320) for --size but received ${JSON.stringify(text)}`);
  return [Number(match[1]), Number(match[2])];
}

/** A smooth deterministic RGB image in [0, 1]: detections as a photograph gives them, the same each run. */
function smoothImage(height: number, width: number): Float32Array {
  const pixels = new Float32Array(3 * height * width);
  for (let c = 0; c < 3; c++)
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++)
        pixels[(c * height + y) * width + x] =
          0.5 + 0.5 * Math.sin(0.05 * x * (c + 1) + 0.03 * y) * Math.cos(0.02 * (x - y));
  return pixels;
}

/** The element types an --input file may give, as the .npy reader names what it read. */
const readableTypes = ['float32', 'float16', 'int32', 'int64'];

/** The tensor of `--input NAME=FILE`: its stored dtype and shape must be the input's. */
async function tensorFromFile(ort: Ort, input: PlanTensor, file: string): Promise<OrtTensor> {
  const bytes = await readFileBytes(file);
  const { shape, stored, dataOffset } = npyLayout(bytes, file);
  const flag = `--input ${input.name}=${file}`;
  if (input.type !== undefined && !readableTypes.includes(input.type))
    throw new UsageError(
      `${flag}: the model's input '${input.name}' is ${input.type}; .npy inputs can be ${readableTypes.join(', ')}`,
    );
  if (input.type !== undefined && stored.name !== input.type)
    throw new UsageError(`${flag}: the file holds ${stored.name}; the model's input '${input.name}' is ${input.type}`);
  const fits =
    input.dims === undefined ||
    (input.dims.length === shape.length && input.dims.every((dim, i) => typeof dim !== 'number' || dim === shape[i]));
  if (!fits)
    throw new UsageError(
      `${flag}: the file's shape is [${shape.join(',')}]; the model's input '${input.name}' is [${input.dims?.join(',')}]`,
    );
  const loaded = decodeElements(file, bytes, dataOffset, shape, stored);
  // The reader narrows int64 to int32 (refusing values that do not fit); the model takes int64.
  if (stored.name === 'int64') return new ort.Tensor('int64', BigInt64Array.from(loaded.data, BigInt), shape);
  return new ort.Tensor(stored.name as 'float32' | 'float16' | 'int32', loaded.data, shape);
}

/** The model's feeds: the files given, and the smooth image for an image input not given. */
async function feedsFor(
  ort: Ort,
  plan: OnnxPipelinePlan,
  files: Map<string, string>,
  size: [number, number],
): Promise<Record<string, OrtTensor>> {
  for (const input of files.keys())
    if (!plan.inputs.some((candidate) => candidate.name === input))
      throw new UsageError(
        `--input ${input}: the model has no input of that name (its inputs: ${plan.inputs.map((i) => i.name).join(', ')})`,
      );
  const feeds: Record<string, OrtTensor> = {};
  for (const input of plan.inputs) {
    const file = files.get(input.name);
    if (file !== undefined) {
      feeds[input.name] = await tensorFromFile(ort, input, file);
      continue;
    }
    const { dims } = input;
    if (input.type !== 'float32' || dims?.length !== 3 || (typeof dims[0] === 'number' && dims[0] !== 3))
      throw new UsageError(
        `the model's input '${input.name}' (${input.type ?? 'type not declared'} [${dims?.join(',') ?? ''}]) is not an ` +
          `image [3,H,W] float32, so give it: --input ${input.name}=FILE.npy`,
      );
    // A size the model fixes wins over --size.
    const [height, width] = [1, 2].map((axis, i) => {
      const dim = dims[axis];
      return typeof dim === 'number' ? dim : size[i];
    }) as [number, number];
    feeds[input.name] = new ort.Tensor('float32', smoothImage(height, width), [3, height, width]);
  }
  return feeds;
}

interface Quartiles {
  median: number;
  q1: number;
  q3: number;
}

/** The quartiles of `times`, each interpolated between the two nearest ranks (numpy's default). */
function quartiles(times: number[]): Quartiles {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (p: number) => {
    const position = (sorted.length - 1) * p;
    const low = Math.floor(position);
    const high = Math.min(low + 1, sorted.length - 1);
    return (sorted[low] as number) + ((sorted[high] as number) - (sorted[low] as number)) * (position - low);
  };
  return { median: at(0.5), q1: at(0.25), q3: at(0.75) };
}

interface OutputComparison {
  dims: number[];
  pipelineDims: number[];
  largestDifference: number;
}

/**
 * Each output of the whole model against the pipeline's: the largest absolute difference over the
 * elements both have (row-major; when the dims differ, the dims say so), NaN against NaN counting
 * as equal and NaN against a number as an infinite difference.
 */
function compareOutputs(
  expected: Record<string, OrtTensor>,
  actual: Record<string, OrtTensor>,
): Record<string, OutputComparison> {
  const comparison: Record<string, OutputComparison> = {};
  for (const [output, whole] of Object.entries(expected)) {
    const piped = actual[output] as OrtTensor;
    const a = whole.data as ArrayLike<number | bigint>;
    const b = piped.data as ArrayLike<number | bigint>;
    let largest = 0;
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const x = Number(a[i]);
      const y = Number(b[i]);
      if (Number.isNaN(x) || Number.isNaN(y)) largest = Number.isNaN(x) && Number.isNaN(y) ? largest : Infinity;
      else largest = Math.max(largest, Math.abs(x - y));
    }
    comparison[output] = { dims: [...whole.dims], pipelineDims: [...piped.dims], largestDifference: largest };
  }
  return comparison;
}

/** Detections are counted, not only compared: a different count is what a user looks for first. */
const detectionOutput = /box|label|score/i;

function outputLine(output: string, { dims, pipelineDims, largestDifference }: OutputComparison): string {
  const shown = (d: number[]) => `[${d.join(',')}]`;
  const sameDims = shown(dims) === shown(pipelineDims);
  const counts = detectionOutput.test(output)
    ? dims[0] === pipelineDims[0]
      ? `, counts equal (${dims[0]})`
      : `, counts DIFFER (${dims[0]} whole, ${pipelineDims[0]} pipeline)`
    : '';
  const dimsText = sameDims ? shown(dims) : `${shown(dims)} whole, ${shown(pipelineDims)} pipeline`;
  const difference = largestDifference === 0 ? '0' : largestDifference.toExponential(2);
  return `    ${output} ${dimsText}: largest difference ${difference}${counts}`;
}

const ms = (value: number) => value.toFixed(value < 10 ? 2 : 1);
const timesLine = (times: Quartiles) => `median ${ms(times.median)} ms (quartiles ${ms(times.q1)}-${ms(times.q3)} ms)`;

export const onnxBenchCommand: Command = {
  name: 'onnx bench',
  summary: 'time an ONNX detector whole in onnxruntime-node against the roi-ops/onnx pipeline',
  usage: 'MODEL [--input NAME=FILE.npy ...] [--threads N] [--runs N] [--size H,W] [--json]',
  description: [
    'Runs the model whole in onnxruntime-node and through createOnnxPipeline (docs/onnx.md) on the',
    'same inputs: two warm-up runs of each, then --runs runs of each, alternating so both see the same',
    "load, with a 20 ms pause after each (onnxruntime's workers spin after a run). Prints both medians",
    'with their quartiles, the speed-up, the plan on one line, and for each',
    'output the largest absolute difference between the two (and, for boxes, labels and scores,',
    'whether the detection counts are equal). Inputs come from .npy files (--input); an image input',
    '[3,H,W] float32 that is not given gets a smooth deterministic image of --size. Needs',
    'onnxruntime-node, found from the current directory or beside roi-ops (npm install onnxruntime-node).',
  ].join('\n'),
  options: {
    input: {
      type: 'string',
      multiple: true,
      value: 'NAME=FILE.npy',
      help: "the model's input NAME from a .npy file (its dtype and shape must be the input's);\nrepeat for each input",
    },
    threads: {
      type: 'string',
      value: 'N',
      help: "threads for onnxruntime's intra-op pool and for roi-ops, the same for both (default 1)",
    },
    runs: { type: 'string', value: 'N', help: 'timed runs of each, after 2 warm-up runs (default 20)' },
    size: { type: 'string', value: 'H,W', help: 'the size of the generated image (default 320,320)' },
  },
  jsonHelp:
    'print one JSON object: model, onnxruntime, threads, runs, inputs, plan, wholeModelMs,\npipelineMs, speedup, outputs (docs/cli.md "`roi-ops onnx bench`")',
  positionals: { min: 1, max: 1 },
  examples: [
    'roi-ops onnx bench fasterrcnn.onnx',
    'roi-ops onnx bench fasterrcnn.onnx --threads 2 --runs 50 --size 480,640',
    'roi-ops onnx bench detector.onnx --input images=image.npy --json',
  ],
  failure: 'the model or an input cannot be read, onnxruntime-node is missing, or a run failed',
  notes: 'The times are taken on this machine as it is: close other programs first.',
  async run({ values, positionals, json }) {
    const model = positionals[0] as string;
    const threads = parseValue.integerIn(1, 1024)('threads', stringValue(values, 'threads') ?? '1');
    const runs = parseValue.integerIn(1, 1_000_000)('runs', stringValue(values, 'runs') ?? '20');
    const size = parseImageSize(stringValue(values, 'size'));
    const files = inputFiles(values);
    await checkModelFile(model);
    const ort = await loadOnnxRuntime();

    let stopped: StopSignal | undefined;
    const release = onStopSignals((signal) => (stopped ??= signal));
    const opened: Array<{ release(): Promise<void> }> = [];
    try {
      const sessionOptions = { interOpNumThreads: 1 };
      const pipe: OnnxPipeline = await createOnnxPipeline(ort, model, { threads, sessionOptions });
      opened.push(pipe);
      const feeds = await feedsFor(ort, pipe.plan, files, size);
      const whole = await ort.InferenceSession.create(model, { ...sessionOptions, intraOpNumThreads: threads });
      opened.push(whole);

      // A pause after each run, so that the other side does not start while this one's onnxruntime
      // workers still spin (they do, after each run, unless told not to): a service runs one of the
      // two, not both in turn. Measured on the Faster R-CNN at 2 threads: the pipeline took 46.5 ms
      // with no pause and 37.9 ms with 20 ms (docs/onnx.md "Threads"); untimed.
      const settle = () => new Promise((resolve) => setTimeout(resolve, settleMs));
      for (let i = 0; i < warmUpRuns && stopped === undefined; i++) {
        await whole.run(feeds);
        await pipe.run(feeds);
      }
      // On stderr, so --json's stdout stays one object: a large model's runs take minutes.
      if (stopped === undefined) process.stderr.write(`${name}: warmed up; timing ${runs} alternating runs of each\n`);
      const wholeTimes: number[] = [];
      const pipeTimes: number[] = [];
      let expected: Record<string, OrtTensor> = {};
      let actual: Record<string, OrtTensor> = {};
      const timed = async (run: () => Promise<Record<string, OrtTensor>>) => {
        const start = process.hrtime.bigint();
        const outputs = await run();
        return { outputs, ms: Number(process.hrtime.bigint() - start) / 1e6 };
      };
      for (let i = 0; i < runs && stopped === undefined; i++) {
        const w = await timed(() => whole.run(feeds));
        await settle();
        const p = await timed(() => pipe.run(feeds));
        await settle();
        wholeTimes.push(w.ms);
        pipeTimes.push(p.ms);
        [expected, actual] = [w.outputs, p.outputs];
      }
      if (stopped !== undefined) {
        process.stderr.write(`${name}: stopped by ${stopped} after ${wholeTimes.length} of ${runs} runs\n`);
        return stoppedStatus(stopped);
      }

      const wholeModelMs = quartiles(wholeTimes);
      const pipelineMs = quartiles(pipeTimes);
      const report = {
        model,
        onnxruntime: ort.env?.versions?.node ?? ort.env?.versions?.common ?? 'unknown',
        threads,
        runs,
        inputs: Object.fromEntries(Object.entries(feeds).map(([input, tensor]) => [input, [...tensor.dims]])),
        plan: planLine(pipe.plan),
        wholeModelMs,
        pipelineMs,
        speedup: wholeModelMs.median / pipelineMs.median,
        outputs: compareOutputs(expected, actual),
      };
      if (json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else
        process.stdout.write(
          [
            `${model}: onnxruntime-node ${report.onnxruntime}, ${threads} thread(s), ${runs} alternating runs of each after ${warmUpRuns} warm-up runs`,
            `  inputs:      ${Object.entries(report.inputs)
              .map(([input, dims]) => `${input} [${dims.join(',')}]`)
              .join(', ')}`,
            `  plan:        ${report.plan}`,
            `  whole model: ${timesLine(wholeModelMs)}`,
            `  pipeline:    ${timesLine(pipelineMs)}`,
            `  speed-up:    ${report.speedup.toFixed(2)}x`,
            '  outputs (whole model against pipeline):',
            ...Object.entries(report.outputs).map(([output, comparison]) => outputLine(output, comparison)),
          ].join('\n') + '\n',
        );
      return 0;
    } finally {
      release();
      await Promise.all(opened.map((session) => session.release()));
    }
  },
};
