// createOnnxPipeline: an ONNX model run as onnxruntime-node sessions with roi-ops computing its
// RoI nodes between them (docs/onnx.md). The model is read and split once; run() feeds each step
// the tensors it reads and keeps each tensor only until its last reader has run.
import { writeModel } from './onnx-proto.js';
import type { OrtModule, OrtSession, OrtTensor } from './ort.js';
import { modelBytes, planOf, splitWithOptions, type OnnxPipelinePlan, type PlanOptions } from './plan.js';
import { runStage } from './run-stage.js';
import { stageInputs, type Step } from './split.js';
import { tensorValues } from './tensor-data.js';

export interface OnnxPipelineOptions extends PlanOptions {
  /** Passed to every InferenceSession.create (its intraOpNumThreads is overridden by `threads`). */
  sessionOptions?: object;
  /** Threads for onnxruntime's intra-op pool and for roi-ops' calls; default: each one's own default. */
  threads?: number;
}

export interface OnnxPipeline {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly plan: OnnxPipelinePlan;
  /** The model's outputs for these inputs, as InferenceSession.run on the whole model gives them. */
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}

const fn = 'createOnnxPipeline';

/**
 * The parts' session options, with onnxruntime's intra-op spinning off unless the caller set it.
 * Each part is a session with a thread pool of its own, whose workers spin for a while after each
 * of its runs (onnxruntime's default), so one part's spinning workers take the cores from the next
 * part's pool and from roi-ops' threads. Measured here on the Faster R-CNN at 2 threads
 * (onnxruntime-node 1.30): the part after the RoI stage took 25.0 ms with spinning, 13.6 ms
 * without; the whole pipeline 46.9 against 29.4 ms (docs/onnx.md "Threads"). A single whole-model
 * session, which has no neighbour, is left as its caller makes it.
 */
function withoutSpinning(sessionOptions: object): object {
  const extra = (sessionOptions as { extra?: Record<string, unknown> }).extra ?? {};
  const session = (extra.session ?? {}) as Record<string, unknown>;
  const intraOp = (session.intra_op ?? {}) as Record<string, unknown>;
  // onnxruntime reads `extra` as nested objects or as dotted keys: the caller's setting either way wins.
  if ('allow_spinning' in intraOp || 'session.intra_op.allow_spinning' in extra) return sessionOptions;
  return {
    ...sessionOptions,
    extra: { ...extra, session: { ...session, intra_op: { ...intraOp, allow_spinning: '0' } } },
  };
}

export async function createOnnxPipeline(
  ort: OrtModule,
  model: string | Uint8Array,
  options: OnnxPipelineOptions = {},
): Promise<OnnxPipeline> {
  if (typeof ort?.InferenceSession?.create !== 'function' || typeof ort?.Tensor !== 'function')
    throw new TypeError(
      `${fn}: expected the onnxruntime-node module (import * as ort from 'onnxruntime-node') for ort`,
    );
  const { bytes, what } = await modelBytes(fn, model);
  const { threads, sessionOptions = {}, multiScale } = options;
  if (threads !== undefined && (!Number.isSafeInteger(threads) || threads < 1))
    throw new RangeError(`${fn}: expected an integer >= 1 for options.threads, got ${String(threads)}`);
  const split = splitWithOptions(fn, bytes, what, multiScale);
  const sessionConfig = withoutSpinning(
    threads === undefined ? sessionOptions : { ...sessionOptions, intraOpNumThreads: threads },
  );
  const sessions = new Map<Step, OrtSession>();
  try {
    for (const step of split.steps)
      if (step.kind === 'onnxruntime')
        sessions.set(step, await ort.InferenceSession.create(writeModel(step.model), sessionConfig));
  } catch (error) {
    await Promise.all([...sessions.values()].map((session) => session.release()));
    throw error;
  }
  const constants = new Map(
    [...split.constants].map(([name, tensor]) => {
      const values = tensorValues(tensor, `${what}: initializer '${name}'`);
      return [name, new ort.Tensor(values.type, values.data, values.dims)];
    }),
  );

  // How many steps (and the caller, for an output) read each tensor: a tensor is dropped after its last reader.
  const readsOf = (step: Step) => (step.kind === 'onnxruntime' ? step.inputs : stageInputs(step.stage));
  const plan = planOf(split);
  let released = false;
  // Output buffers of roi-ops steps that a finished run no longer reads, kept for the next run's
  // step: a new [K, C, PH, PW] array per run (50 MB for 1000 RoIs of 256 channels at 7x7) costs
  // its page faults every run, more than the pooling itself on a loaded machine (docs/onnx.md
  // "Memory"). Each run takes its own buffer off the list, so runs in flight never share one;
  // a model output is never kept (the caller owns it). Held until release().
  const spareOutputs = new Map<Step, Float32Array[]>();

  async function run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>> {
    if (released) throw new Error('OnnxPipeline.run: the pipeline was released');
    if (feeds === null || typeof feeds !== 'object')
      throw new TypeError('OnnxPipeline.run: expected an object of tensors for feeds');
    for (const name of Object.keys(feeds)) {
      if (split.initializerInputNames.includes(name))
        throw new RangeError(
          `OnnxPipeline.run: feeds.${name} is an initializer the model lists as an input too; onnxruntime-node ` +
            'runs it as a constant and ignores a feed of it, so the pipeline refuses one (leave it out)',
        );
      if (!split.inputNames.includes(name))
        throw new RangeError(
          `OnnxPipeline.run: feeds.${name} is not an input of the model (its inputs: ${split.inputNames.join(', ')})`,
        );
    }
    const values = new Map<string, OrtTensor>(constants);
    for (const name of split.inputNames) {
      if (feeds[name] === undefined)
        throw new RangeError(
          `OnnxPipeline.run: feeds.${name} is missing (the model's inputs: ${split.inputNames.join(', ')})`,
        );
      values.set(name, feeds[name]);
    }
    const remaining = new Map<string, number>();
    for (const step of split.steps)
      for (const name of readsOf(step)) remaining.set(name, (remaining.get(name) ?? 0) + 1);
    for (const name of split.outputNames) remaining.set(name, Infinity);
    // The buffers this run's roi-ops steps wrote, by tensor name.
    const lent = new Map<string, { step: Step; buffer: Float32Array }>();
    const consumed = (names: readonly string[]) => {
      for (const name of names) {
        const left = (remaining.get(name) ?? 1) - 1;
        remaining.set(name, left);
        if (left === 0) values.delete(name);
      }
    };
    for (const step of split.steps) {
      if (step.kind === 'onnxruntime') {
        const session = sessions.get(step) as OrtSession;
        const partFeeds = Object.fromEntries(step.inputs.map((name) => [name, values.get(name) as OrtTensor]));
        const results = await session.run(partFeeds, step.outputs);
        for (const name of step.outputs) values.set(name, results[name] as OrtTensor);
      } else {
        const { output } = step.stage;
        const keep = !split.outputNames.includes(output);
        const spare = keep ? spareOutputs.get(step)?.pop() : undefined;
        const tensor = await runStage(ort, step.stage, values, threads, spare);
        values.set(output, tensor);
        const data = tensor.data as Float32Array;
        if (keep)
          lent.set(output, { step, buffer: spare !== undefined && data.buffer === spare.buffer ? spare : data });
      }
      consumed(readsOf(step));
    }
    const outputs = Object.fromEntries(split.outputNames.map((name) => [name, values.get(name) as OrtTensor]));
    // Kept for the next run once every reader has run, unless an output the caller gets shares its
    // memory (a guard: were onnxruntime to hand a part's input back as its output, the caller's
    // output would change under it in the next run).
    const returned = new Set(Object.values(outputs).map((tensor) => (tensor.data as ArrayBufferView).buffer));
    for (const [name, { step, buffer }] of lent) {
      if (released || remaining.get(name) !== 0 || returned.has(buffer.buffer)) continue;
      spareOutputs.set(step, [...(spareOutputs.get(step) ?? []), buffer]);
    }
    return outputs;
  }

  return {
    inputNames: [...split.inputNames],
    outputNames: [...split.outputNames],
    plan,
    run,
    async release() {
      if (released) return;
      released = true;
      spareOutputs.clear();
      await Promise.all([...sessions.values()].map((session) => session.release()));
    },
  };
}
