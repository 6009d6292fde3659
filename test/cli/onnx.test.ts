// `roi-ops onnx inspect` and `roi-ops onnx bench` as users run them (the built CLI in its own
// process): inspect's plan against planOnnxModel's and against what is known of the tiny
// detectors of test/fixtures/onnx (scripts/make-onnx-detectors.py: two FPN levels at strides 8
// and 16, a 7x7 box head, a 14x14 mask head, 30 detections); bench's JSON (the shape the
// benchmark suite reads), its inputs from .npy files and their refusals. No time is judged.
import { once } from 'node:events';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { encodeNpy, npyHeader } from '../../cli/io/npy.js';
import { DataType } from '../../onnx/onnx-proto.js';
import { planOnnxModel, type OnnxPipelinePlan } from '../../onnx/index.js';
import { ensureBuilt, pattern, root, runCli, startCli, temporaryDirectory } from '../helpers/cli.js';
import { GraphBuilder } from '../helpers/onnx-builder.js';
import { ortVersion } from '../helpers/onnxruntime.js';

beforeAll(ensureBuilt, 120_000);

const fixtures = join(root, 'test', 'fixtures', 'onnx');
const fasterRcnn11 = join(fixtures, 'tiny-faster-rcnn-opset11.onnx');
const fasterRcnn16 = join(fixtures, 'tiny-faster-rcnn-opset16.onnx');
const maskRcnn16 = join(fixtures, 'tiny-mask-rcnn-opset16.onnx');
const dir = temporaryDirectory('onnx-cli');

/** The plan on one line, written here from the plan's steps (the CLI has its own formatter). */
const oneLine = (plan: OnnxPipelinePlan) =>
  plan.steps.map((step) => (step.kind === 'onnxruntime' ? `onnxruntime(${step.nodeNames.length})` : step.operator));

const detectorOutputs = [
  { name: 'boxes', type: 'float32' },
  { name: 'labels', type: 'int64' },
  { name: 'scores', type: 'float32' },
];

describe('roi-ops onnx inspect', () => {
  it.each([
    [fasterRcnn11, false],
    [fasterRcnn16, true],
  ])("%s: --json is planOnnxModel's plan; one multiScaleRoiAlign over the two FPN levels", async (model, aligned) => {
    const result = runCli(['onnx', 'inspect', model, '--json']);
    expect(result.status, result.stderr).toBe(0);
    const printed = JSON.parse(result.stdout) as { model: string; plan: OnnxPipelinePlan };
    expect(printed.model).toBe(model);
    expect(printed.plan).toEqual(await planOnnxModel(model));
    const { plan } = printed;
    expect(plan.opset).toBe(model === fasterRcnn11 ? 11 : 16);
    expect(plan.inputs).toEqual([{ name: 'image', type: 'float32', dims: [3, 'height', 'width'] }]);
    expect(plan.outputs).toMatchObject(detectorOutputs);
    expect(plan.steps.map((step) => step.kind)).toEqual(['onnxruntime', 'roi-ops', 'onnxruntime']);
    expect(plan.steps[0]).toMatchObject({ inputs: ['image'] });
    expect(plan.steps[1]).toMatchObject({
      operator: 'multiScaleRoiAlign',
      options: { outputSize: [7, 7], scales: [1 / 8, 1 / 16], aligned, mode: 'avg' },
    });
    expect((plan.steps[2] as { outputs: string[] }).outputs.sort()).toEqual(['boxes', 'labels', 'scores']);
    // Every node name is in the JSON.
    const part = plan.steps[0] as { nodes: number; nodeNames: string[] };
    expect(part.nodeNames).toHaveLength(part.nodes);
  });

  it('prints the plan as text: inputs, outputs, the plan on one line, each step', async () => {
    const result = runCli(['onnx', 'inspect', fasterRcnn16]);
    expect(result.status, result.stderr).toBe(0);
    const plan = await planOnnxModel(fasterRcnn16);
    const roiStep = plan.steps[1] as Extract<OnnxPipelinePlan['steps'][number], { kind: 'roi-ops' }>;
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe(`${fasterRcnn16}: opset 16, 1 RoI stage(s) for roi-ops, 2 onnxruntime part(s)`);
    expect(lines[1]).toBe('inputs:  image float32 [3,height,width]');
    expect(lines[3]).toBe(`plan:    ${oneLine(plan).join(' -> ')}`);
    expect(result.stdout).toContain(`2. roi-ops multiScaleRoiAlign: node ${roiStep.node}\n`);
    expect(result.stdout).toContain(`     options:   ${JSON.stringify(roiStep.options)}\n`);
    expect(result.stdout).toContain(`     semantics: ${roiStep.semantics}\n`);
    expect(result.stdout).toMatch(/\n3\. onnxruntime: \d+ node\(s\): .*\n {5}inputs: {4}.*\n {5}outputs: {3}/);
  });

  it('the Mask R-CNN: two RoI stages, the mask head after the box head; --no-multi-scale: one roiAlign per level', async () => {
    const result = runCli(['onnx', 'inspect', maskRcnn16, '--json']);
    expect(result.status, result.stderr).toBe(0);
    const { plan } = JSON.parse(result.stdout) as { plan: OnnxPipelinePlan };
    expect(oneLine(plan)).toEqual([
      'onnxruntime(1005)',
      'multiScaleRoiAlign',
      'onnxruntime(171)',
      'multiScaleRoiAlign',
      'onnxruntime(52)',
    ]);
    expect(plan.steps[1]).toMatchObject({ options: { outputSize: [7, 7] } });
    expect(plan.steps[3]).toMatchObject({ options: { outputSize: [14, 14] } });
    expect(plan.outputs.map((output) => output.name)).toEqual(['boxes', 'labels', 'scores', 'masks']);

    const single = runCli(['onnx', 'inspect', maskRcnn16, '--no-multi-scale', '--json']);
    expect(single.status, single.stderr).toBe(0);
    const separate = (JSON.parse(single.stdout) as { plan: OnnxPipelinePlan }).plan;
    expect(separate).toEqual(await planOnnxModel(maskRcnn16, { multiScale: false }));
    const roiSteps = separate.steps.filter((step) => step.kind === 'roi-ops');
    expect(roiSteps.map((step) => [step.operator, (step.options as { spatialScale: number }).spatialScale])).toEqual([
      ['roiAlign', 1 / 8],
      ['roiAlign', 1 / 16],
      ['roiAlign', 1 / 8],
      ['roiAlign', 1 / 16],
    ]);
  });

  it('a model with no RoI node, a refused attribute, a truncated file: exit 1, the message names the node or field', () => {
    const noRoi = join(dir, 'relu.onnx');
    writeFileSync(
      noRoi,
      new GraphBuilder()
        .input('X', DataType.FLOAT, [1, 2, 4, 4])
        .node('Relu', ['X'], ['Y'])
        .output('Y', DataType.FLOAT)
        .bytes(16),
    );
    const none = runCli(['onnx', 'inspect', noRoi]);
    expect(none.status).toBe(1);
    expect(none.stderr).toBe(
      `roi-ops/onnx: ${noRoi}: no RoiAlign or MaxRoiPool node (of the ONNX domain) feeds the outputs; nothing for roi-ops to run\n`,
    );

    const badMode = join(dir, 'bad-mode.onnx');
    writeFileSync(
      badMode,
      new GraphBuilder()
        .input('X', DataType.FLOAT, [1, 2, 8, 8])
        .input('rois', DataType.FLOAT, [3, 4])
        .input('batch', DataType.INT64, [3])
        .node('RoiAlign', ['X', 'rois', 'batch'], ['Y'], { mode: 'median' }, 'pool_me')
        .output('Y', DataType.FLOAT)
        .bytes(16),
    );
    const refused = runCli(['onnx', 'inspect', badMode]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/^roi-ops\/onnx: .*'pool_me'.*mode.*median/);

    const truncated = join(dir, 'truncated.onnx');
    writeFileSync(truncated, readFileSync(fasterRcnn16).subarray(0, 5000));
    const cut = runCli(['onnx', 'inspect', truncated]);
    expect(cut.status).toBe(1);
    expect(cut.stderr).toMatch(
      new RegExp(
        `^roi-ops onnx inspect: ${truncated}: ModelProto\\.graph at byte \\d+: a length of \\d+ bytes, but only \\d+ remain`,
      ),
    );
    expect(cut.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a missing file or a directory: exit 1 naming it; a wrong command line: exit 2', () => {
    const missing = join(dir, 'nowhere.onnx');
    expect(runCli(['onnx', 'inspect', missing])).toMatchObject({
      status: 1,
      stderr: `roi-ops onnx inspect: ${missing}: cannot read the model (ENOENT)\n`,
    });
    const folder = join(dir, 'a-folder.onnx');
    mkdirSync(folder);
    expect(runCli(['onnx', 'inspect', folder])).toMatchObject({
      status: 1,
      stderr: `roi-ops onnx inspect: ${folder}: is a directory; expected an ONNX model file\n`,
    });
    const usage = (args: string[], message: string) => {
      const result = runCli(args);
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stderr.split('\n')[0]).toBe(message);
    };
    usage(
      ['onnx', 'inspect'],
      'roi-ops onnx inspect: missing argument: roi-ops onnx inspect MODEL [--no-multi-scale] [--json]',
    );
    usage(['onnx', 'inspect', 'a.onnx', 'b.onnx'], "roi-ops onnx inspect: unexpected argument 'b.onnx'");
    usage(
      ['onnx', 'inspect', 'a.onnx', '--multi'],
      "roi-ops onnx inspect: Unknown option '--multi'. 'roi-ops onnx inspect --help' lists the options.",
    );
    usage(['onnx'], "roi-ops onnx: missing subcommand; expected 'onnx inspect' or 'onnx bench'");
    usage(['onnx', 'run'], "roi-ops onnx: unknown subcommand 'run'; expected 'onnx inspect' or 'onnx bench'");
  });
});

interface BenchReport {
  model: string;
  onnxruntime: string;
  threads: number;
  runs: number;
  inputs: Record<string, number[]>;
  plan: string;
  wholeModelMs: { median: number; q1: number; q3: number };
  pipelineMs: { median: number; q1: number; q3: number };
  speedup: number;
  outputs: Record<string, { dims: number[]; pipelineDims: number[]; largestDifference: number }>;
}

function benchJson(args: string[]): BenchReport {
  const result = runCli(['onnx', 'bench', ...args, '--json']);
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as BenchReport;
}

/** A .npy file of int64 values (encodeNpy writes float32, int32 and float16 only). */
function int64Npy(values: bigint[], shape: number[]): Uint8Array {
  const data = BigInt64Array.from(values);
  return Buffer.concat([npyHeader('<i8', shape), new Uint8Array(data.buffer)]);
}

describe('roi-ops onnx bench', () => {
  it('--json: the agreed shape, the plan on one line, no difference on the detections', async () => {
    const report = benchJson([fasterRcnn16, '--runs', '2']);
    expect(Object.keys(report)).toEqual([
      'model',
      'onnxruntime',
      'threads',
      'runs',
      'inputs',
      'plan',
      'wholeModelMs',
      'pipelineMs',
      'speedup',
      'outputs',
    ]);
    expect(report).toMatchObject({ model: fasterRcnn16, onnxruntime: ortVersion, threads: 1, runs: 2 });
    expect(report.inputs).toEqual({ image: [3, 320, 320] });
    expect(report.plan).toBe(oneLine(await planOnnxModel(fasterRcnn16)).join(' -> '));
    for (const times of [report.wholeModelMs, report.pipelineMs]) {
      expect(Object.keys(times)).toEqual(['median', 'q1', 'q3']);
      expect(times.q1).toBeGreaterThan(0);
      expect(times.q1).toBeLessThanOrEqual(times.median);
      expect(times.median).toBeLessThanOrEqual(times.q3);
    }
    expect(report.speedup).toBeCloseTo(report.wholeModelMs.median / report.pipelineMs.median, 12);
    expect(Object.keys(report.outputs).sort()).toEqual(['boxes', 'labels', 'scores']);
    for (const [name, output] of Object.entries(report.outputs)) {
      expect(output.pipelineDims, name).toEqual(output.dims);
      expect(output.largestDifference, name).toBe(0);
    }
    expect(report.outputs.boxes?.dims).toEqual([30, 4]);
  }, 60_000);

  it('prints the medians, the speed-up, the plan and each output as text', () => {
    const result = runCli(['onnx', 'bench', fasterRcnn11, '--runs', '1', '--threads', '2', '--size', '160,200']);
    expect(result.status, result.stderr).toBe(0);
    const text = result.stdout;
    expect(text).toContain(`${fasterRcnn11}: onnxruntime-node ${ortVersion}, 2 thread(s), 1 alternating runs`);
    expect(text).toContain('  inputs:      image [3,160,200]\n');
    expect(text).toMatch(/\n {2}plan: {8}onnxruntime\(\d+\) -> multiScaleRoiAlign -> onnxruntime\(\d+\)\n/);
    expect(text).toMatch(/\n {2}whole model: median [\d.]+ ms \(quartiles [\d.]+-[\d.]+ ms\)\n/);
    expect(text).toMatch(/\n {2}speed-up: {4}[\d.]+x\n/);
    expect(text).toMatch(/\n {4}labels \[\d+\]: largest difference 0, counts equal \(\d+\)\n/);
  }, 60_000);

  it('--input NAME=FILE.npy feeds the model the file', () => {
    const image = join(dir, 'image.npy');
    writeFileSync(image, encodeNpy({ data: pattern(3 * 96 * 128), shape: [3, 96, 128] }));
    const report = benchJson([maskRcnn16, '--runs', '1', '--input', `image=${image}`]);
    expect(report.inputs).toEqual({ image: [3, 96, 128] });
    expect(report.outputs.masks?.dims.slice(2)).toEqual([96, 128]);
    for (const [name, output] of Object.entries(report.outputs)) {
      expect(output.pipelineDims, name).toEqual(output.dims);
      // The mask paste runs in a sub-model onnxruntime optimizes on its own (docs/onnx.md).
      expect(output.largestDifference, name).toBeLessThanOrEqual(name === 'masks' ? 2 ** -20 : 0);
    }
  }, 60_000);

  it('a model whose inputs are not an image: each from a file, int64 included', () => {
    const model = join(dir, 'roi-align.onnx');
    writeFileSync(
      model,
      new GraphBuilder()
        .input('X', DataType.FLOAT, [1, 2, 'H', 'W'])
        .input('rois', DataType.FLOAT, ['K', 4])
        .input('batch', DataType.INT64, ['K'])
        .node('Relu', ['X'], ['F'])
        .node('RoiAlign', ['F', 'rois', 'batch'], ['Y'], { output_height: 3, output_width: 3, sampling_ratio: 2 })
        .output('Y', DataType.FLOAT)
        .bytes(16),
    );
    const notAnImage = runCli(['onnx', 'bench', model, '--runs', '1']);
    expect(notAnImage.status).toBe(2);
    expect(notAnImage.stderr.split('\n')[0]).toBe(
      "roi-ops onnx bench: the model's input 'X' (float32 [1,2,H,W]) is not an image [3,H,W] float32, so give it: --input X=FILE.npy",
    );
    const files = { X: join(dir, 'X.npy'), rois: join(dir, 'rois.npy'), batch: join(dir, 'batch.npy') };
    writeFileSync(files.X, encodeNpy({ data: pattern(2 * 10 * 12).map((v) => v - 0.5), shape: [1, 2, 10, 12] }));
    writeFileSync(files.rois, encodeNpy({ data: Float32Array.from([0, 0, 5, 5, 1, 2, 11, 9]), shape: [2, 4] }));
    writeFileSync(files.batch, int64Npy([0n, 0n], [2]));
    const given = Object.entries(files).flatMap(([name, file]) => ['--input', `${name}=${file}`]);
    const report = benchJson([model, '--runs', '1', ...given]);
    expect(report.inputs).toEqual({ X: [1, 2, 10, 12], rois: [2, 4], batch: [2] });
    expect(report.plan).toBe('onnxruntime(1) -> roiAlign');
    expect(report.outputs).toEqual({ Y: { dims: [2, 2, 3, 3], pipelineDims: [2, 2, 3, 3], largestDifference: 0 } });
  }, 60_000);

  it('refuses an input file of the wrong dtype or shape, an unknown input, a malformed --input (exit 2)', () => {
    const ints = join(dir, 'ints.npy');
    writeFileSync(ints, encodeNpy({ data: new Int32Array(3 * 8 * 8), shape: [3, 8, 8] }));
    const batched = join(dir, 'batched.npy');
    writeFileSync(batched, encodeNpy({ data: new Float32Array(3 * 8 * 8), shape: [1, 3, 8, 8] }));
    const usage = (args: string[], message: string) => {
      const result = runCli(['onnx', 'bench', fasterRcnn16, '--runs', '1', ...args]);
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stderr.split('\n')[0]).toBe(`roi-ops onnx bench: ${message}`);
    };
    usage(
      ['--input', `image=${ints}`],
      `--input image=${ints}: the file holds int32; the model's input 'image' is float32`,
    );
    usage(
      ['--input', `image=${batched}`],
      `--input image=${batched}: the file's shape is [1,3,8,8]; the model's input 'image' is [3,height,width]`,
    );
    usage(['--input', `picture=${ints}`], '--input picture: the model has no input of that name (its inputs: image)');
    usage(['--input', ints], `expected NAME=FILE.npy for --input but received ${JSON.stringify(ints)}`);
    usage(['--size', '320x320'], 'expected H,W (like 320,320) for --size but received "320x320"');
    usage(['--runs', '0'], 'expected an integer in [1, 1000000] for --runs but received "0"');
  }, 60_000);

  it('an input file that cannot be read is a failure naming it (exit 1)', () => {
    const missing = join(dir, 'missing.npy');
    const result = runCli(['onnx', 'bench', fasterRcnn16, '--runs', '1', '--input', `image=${missing}`]);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(`roi-ops onnx bench: ${missing}: cannot read the file (ENOENT)\n`);
  }, 60_000);

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    '%s during the timed runs: stops after the run under way, exit %i, nothing on stdout',
    async (signal, status) => {
      const child = startCli(['onnx', 'bench', fasterRcnn11, '--runs', '100000', '--size', '64,64', '--json'], root);
      let stderr = '';
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      const timing = new Promise<void>((resolve) =>
        child.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          if (stderr.includes('timing 100000 alternating runs')) resolve();
        }),
      );
      await timing;
      child.kill(signal);
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code, stderr).toBe(status);
      expect(stderr).toMatch(new RegExp(`roi-ops onnx bench: stopped by ${signal} after \\d+ of 100000 runs\\n$`));
      expect(stdout).toBe('');
    },
    60_000,
  );

  it("uses the onnxruntime-node of the current directory's project before the one beside roi-ops", () => {
    // A stand-in that says when it is used: the checkout's own onnxruntime-node would run the model.
    const project = join(dir, 'project');
    const fake = join(project, 'node_modules', 'onnxruntime-node');
    mkdirSync(fake, { recursive: true });
    writeFileSync(join(project, 'package.json'), '{ "name": "user-project", "private": true }');
    writeFileSync(join(fake, 'package.json'), '{ "name": "onnxruntime-node", "version": "0.0.0", "main": "index.js" }');
    writeFileSync(
      join(fake, 'index.js'),
      "exports.env = { versions: { node: '0.0.0' } };\n" +
        'exports.Tensor = class Tensor {};\n' +
        "exports.InferenceSession = { create: async () => { throw new Error('the stand-in onnxruntime-node was used'); } };\n",
    );
    const result = runCli(['onnx', 'bench', fasterRcnn11, '--runs', '1'], { cwd: project });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('roi-ops onnx bench: the stand-in onnxruntime-node was used\n');
  });
});
