// createOnnxPipeline on hand-built graphs (test/helpers/onnx-builder.ts): every RoiAlign attribute
// combination of opsets 10, 16 and 22, MaxRoiPool, RoI stages that depend on earlier ones, tensors
// crossing the split without declared types; each run compared bit for bit with onnxruntime-node
// running the whole model. And the errors: a model roi-ops cannot run is refused, naming the node.
import type { Tensor } from 'onnxruntime-node';
import { ort, ortVersion } from '../helpers/onnxruntime.js';
import { afterAll, describe, expect, it } from 'vitest';

import { createOnnxPipeline, type OnnxPipeline } from '../../onnx/index.js';
import { DataType } from '../../onnx/onnx-proto.js';
import { GraphBuilder, type AttributeValue } from '../helpers/onnx-builder.js';

/** A deterministic pseudo-random float32 array (mulberry32), values in [-1, 1). */
function randomFloats(length: number, seed: number): Float32Array {
  let state = seed >>> 0;
  return Float32Array.from({ length }, () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 31 - 1;
  });
}

/** onnxruntime-node loads opset 22 models from 1.21 on (1.20 stops at opset 21). */
const supportsOpset22 = Number(ortVersion.split('.')[1]) >= 21;

const tensor = (data: Float32Array, dims: number[]) => new ort.Tensor('float32', data, dims);
const int64s = (values: number[]) => new ort.Tensor('int64', BigInt64Array.from(values.map(BigInt)), [values.length]);

/** Boxes in image coordinates over a width x height image: inside, across the edge, tiny, inverted. */
function boxesFor(width: number, height: number, count: number, seed: number): Float32Array {
  const r = randomFloats(count * 4, seed);
  const boxes = new Float32Array(count * 4);
  for (let k = 0; k < count; k++) {
    const x1 = (r[k * 4]! + 1) * 0.6 * width - 0.1 * width;
    const y1 = (r[k * 4 + 1]! + 1) * 0.6 * height - 0.1 * height;
    boxes.set([x1, y1, x1 + (r[k * 4 + 2]! + 1.05) * 0.4 * width, y1 + (r[k * 4 + 3]! + 1.05) * 0.4 * height], k * 4);
  }
  // The last two: a sub-pixel box and an inverted one.
  boxes.set([3.2, 4.1, 3.3, 4.15, 9, 9, 2, 1], (count - 2) * 4);
  return boxes;
}

const opened: OnnxPipeline[] = [];
afterAll(async () => Promise.all(opened.map((pipe) => pipe.release())));

/** Runs the pipeline and the whole model in onnxruntime on the same feeds; every output must be bitwise equal. */
async function expectSameAsWholeModel(
  bytes: Uint8Array,
  feeds: Record<string, Tensor>,
  pipe?: OnnxPipeline,
  reference: Uint8Array = bytes,
) {
  pipe ??= await createOnnxPipeline(ort, bytes);
  opened.push(pipe);
  const whole = await ort.InferenceSession.create(reference);
  const expected = await whole.run(feeds);
  const actual = await pipe.run(feeds);
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const [name, value] of Object.entries(expected)) {
    const got = actual[name]!;
    expect(got.type, name).toBe(value.type);
    expect(got.dims, name).toEqual(value.dims);
    const a = value.data as Float32Array;
    const b = got.data as Float32Array;
    expect(b.length, name).toBe(a.length);
    // Bitwise, NaN payloads included; only the sign of a zero may differ (docs/onnx.md "Where the
    // numbers can differ": onnxruntime's max mode gives -0 for a sample outside the map when the
    // plane's first pixel is negative).
    const bitsA = new Uint32Array(a.buffer, a.byteOffset, a.length);
    const bitsB = new Uint32Array(b.buffer, b.byteOffset, b.length);
    let firstDiff = -1;
    for (let i = 0; i < bitsA.length; i++)
      if (bitsA[i] !== bitsB[i] && !(a[i] === 0 && b[i] === 0)) {
        firstDiff = i;
        break;
      }
    expect(
      firstDiff === -1
        ? 'equal'
        : `${name}[${firstDiff}]: ${b[firstDiff]} (bits ${bitsB[firstDiff]!.toString(16)}) vs ${a[firstDiff]} (bits ${bitsA[firstDiff]!.toString(16)})`,
    ).toBe('equal');
  }
  await whole.release();
  return { pipe, outputs: actual };
}

/**
 * X -> Conv -> F -> RoiAlign(F, rois, batch_indices) -> R; m = ReduceMean(F) crosses from the first
 * part to the last without a declared type; Y = Conv(R + m). Outputs R and Y.
 */
function convRoiAlignConvGraph(attributes: Record<string, AttributeValue>, opset: number, channels = 4) {
  // ReduceMean's axes: an attribute up to opset 17, an input from opset 18.
  const axesAsInput = opset >= 18;
  const builder = new GraphBuilder();
  if (axesAsInput) builder.initializer('axes', BigInt64Array.from([0n, 2n, 3n]), [3]);
  return builder
    .input('X', DataType.FLOAT, ['N', 3, 'H', 'W'])
    .input('rois', DataType.FLOAT, ['K', 4])
    .input('batch_indices', DataType.INT64, ['K'])
    .initializer('w1', randomFloats(channels * 3 * 9, 1), [channels, 3, 3, 3])
    .initializer('w2', randomFloats(2 * channels, 2), [2, channels, 1, 1])
    .node('Conv', ['X', 'w1'], ['F'], { pads: [1, 1, 1, 1] })
    .node(
      'ReduceMean',
      axesAsInput ? ['F', 'axes'] : ['F'],
      ['m'],
      axesAsInput ? { keepdims: 1 } : { axes: [0, 2, 3], keepdims: 1 },
    )
    .node('RoiAlign', ['F', 'rois', 'batch_indices'], ['R'], attributes, 'roi_align')
    .node('Add', ['R', 'm'], ['Z'])
    .node('Conv', ['Z', 'w2'], ['Y'])
    .output('R', DataType.FLOAT)
    .output('Y');
}
const convRoiAlignConv = (attributes: Record<string, AttributeValue>, opset: number) =>
  convRoiAlignConvGraph(attributes, opset).bytes(opset);

function roiAlignFeeds(n: number, height: number, width: number, count: number, seed: number) {
  return {
    X: tensor(randomFloats(n * 3 * height * width, seed), [n, 3, height, width]),
    rois: tensor(boxesFor(width, height, count, seed + 1), [count, 4]),
    batch_indices: int64s(Array.from({ length: count }, (_, k) => k % n)),
  };
}

describe('RoiAlign nodes', () => {
  const cases: [number, Record<string, AttributeValue>][] = [
    [10, {}],
    [10, { mode: 'max', output_height: 3, output_width: 5, sampling_ratio: 2, spatial_scale: { float: 0.5 } }],
    [10, { output_height: 7, output_width: 7, sampling_ratio: 0, spatial_scale: { float: 0.25 } }],
    [11, { mode: 'avg', output_height: 2, output_width: 3, sampling_ratio: 3 }],
    [16, { output_height: 4, output_width: 4 }],
    [
      16,
      {
        coordinate_transformation_mode: 'half_pixel',
        output_height: 7,
        output_width: 7,
        spatial_scale: { float: 0.5 },
      },
    ],
    [16, { coordinate_transformation_mode: 'output_half_pixel', output_height: 7, output_width: 7, sampling_ratio: 2 }],
    [16, { mode: 'max', output_height: 5, output_width: 3, sampling_ratio: 0, spatial_scale: { float: 0.125 } }],
    [16, { mode: 'max', coordinate_transformation_mode: 'output_half_pixel', output_height: 6, output_width: 6 }],
    [22, { output_height: 7, output_width: 7, sampling_ratio: 2, spatial_scale: { float: 0.25 } }],
    [22, { mode: 'max', coordinate_transformation_mode: 'half_pixel', output_height: 2, output_width: 2 }],
    [22, { coordinate_transformation_mode: 'output_half_pixel', sampling_ratio: 1, output_height: 3, output_width: 3 }],
  ];

  it.each(cases)('opset %i %o: equal to onnxruntime on the whole model', async (opset, attributes) => {
    const bytes = convRoiAlignConv(attributes, opset);
    // onnxruntime has no RoiAlign-22 kernel (1.30) or no opset 22 at all (1.20); RoiAlign-22 only
    // widens the element types of RoiAlign-16, so the reference is the same graph at opset 21.
    const reference = opset === 22 ? convRoiAlignConv(attributes, 21) : bytes;
    if (opset === 22 && !supportsOpset22) {
      await expect(createOnnxPipeline(ort, bytes)).rejects.toThrow(/Opset 22/);
      return;
    }
    const { pipe } = await expectSameAsWholeModel(bytes, roiAlignFeeds(2, 12, 16, 9, opset), undefined, reference);
    expect(pipe.plan.steps.map((step) => step.kind)).toEqual(['onnxruntime', 'roi-ops', 'onnxruntime']);
    expect(pipe.plan.steps[0]).toMatchObject({ inputs: ['X'], outputs: expect.arrayContaining(['F', 'm']) });
    expect(pipe.plan.steps[1]).toMatchObject({ kind: 'roi-ops', operator: 'roiAlign', node: 'roi_align', output: 'R' });
    // Dynamic sizes: another batch, map size and box count through the same pipeline.
    await expectSameAsWholeModel(bytes, roiAlignFeeds(1, 20, 9, 30, opset + 100), pipe, reference);
  });

  it('maps the attributes to roiAlign options per opset', async () => {
    const plan = async (opset: number, attributes: Record<string, AttributeValue>) => {
      const pipe = await createOnnxPipeline(ort, convRoiAlignConv(attributes, opset));
      opened.push(pipe);
      return pipe.plan.steps[1];
    };
    expect(await plan(10, {})).toMatchObject({
      options: { outputSize: [1, 1], spatialScale: 1, samplingRatio: 0, aligned: false, mode: 'avg' },
    });
    expect(await plan(16, { mode: 'max' })).toMatchObject({
      options: { aligned: true, mode: 'onnx-max' },
      semantics: expect.stringContaining('coordinate_transformation_mode half_pixel'),
    });
    expect(await plan(21, { coordinate_transformation_mode: 'output_half_pixel' })).toMatchObject({
      options: { aligned: false },
    });
  });

  it('takes batch_indices from an initializer and gives an empty result for zero boxes', async () => {
    const builder = new GraphBuilder()
      .input('X', DataType.FLOAT, [1, 2, 'H', 'W'])
      .input('rois', DataType.FLOAT, [3, 4])
      .initializer('bi', BigInt64Array.from([0n, 0n, 0n]), [3])
      .node('Relu', ['X'], ['F'])
      .node('RoiAlign', ['F', 'rois', 'bi'], ['Y'], { output_height: 2, output_width: 2 })
      .output('Y', DataType.FLOAT);
    const bytes = builder.bytes(16);
    const { pipe } = await expectSameAsWholeModel(bytes, {
      X: tensor(randomFloats(2 * 8 * 8, 5), [1, 2, 8, 8]),
      rois: tensor(Float32Array.from([0, 0, 4, 4, 1, 1, 7, 3, 2, 2, 2.5, 6]), [3, 4]),
    });
    expect(pipe.plan.steps.map((step) => step.kind)).toEqual(['onnxruntime', 'roi-ops']);
    expect(pipe.inputNames).toEqual(['X', 'rois']);

    const empty = convRoiAlignConv({ output_height: 2, output_width: 2 }, 16);
    const { outputs } = await expectSameAsWholeModel(empty, {
      X: tensor(randomFloats(3 * 8 * 8, 9), [1, 3, 8, 8]),
      rois: tensor(new Float32Array(0), [0, 4]),
      batch_indices: int64s([]),
    });
    expect(outputs.R!.dims).toEqual([0, 4, 2, 2]);
  });
});

describe('session options', () => {
  // docs/onnx.md "Threads": each part's pool would spin after its run and take the cores from the next part.
  it("turns onnxruntime's intra-op spinning off in the parts, unless the caller sets it", async () => {
    const bytes = convRoiAlignConv({ output_height: 2, output_width: 2 }, 16);
    const given: object[] = [];
    const recording = {
      ...ort,
      Tensor: ort.Tensor,
      InferenceSession: {
        create: (model: Uint8Array, options: object) => {
          given.push(options);
          return ort.InferenceSession.create(model, options);
        },
      },
    } as unknown as typeof ort;
    const cases: Array<[object, object]> = [
      [{}, { extra: { session: { intra_op: { allow_spinning: '0' } } } }],
      [
        { threads: 2, sessionOptions: { logSeverityLevel: 3, extra: { session: { disable_prepacking: '1' } } } },
        {
          logSeverityLevel: 3,
          intraOpNumThreads: 2,
          extra: { session: { disable_prepacking: '1', intra_op: { allow_spinning: '0' } } },
        },
      ],
      [
        { sessionOptions: { extra: { session: { intra_op: { allow_spinning: '1' } } } } },
        { extra: { session: { intra_op: { allow_spinning: '1' } } } },
      ],
      [
        { sessionOptions: { extra: { 'session.intra_op.allow_spinning': '1' } } },
        { extra: { 'session.intra_op.allow_spinning': '1' } },
      ],
    ];
    for (const [options, expected] of cases) {
      given.length = 0;
      const pipe = await createOnnxPipeline(recording, bytes, options);
      await pipe.release();
      expect(given).toEqual([expected, expected]); // the parts before and after the RoiAlign
    }
  });
});

describe('MaxRoiPool nodes', () => {
  const model = (withRelu: boolean) => {
    const builder = new GraphBuilder()
      .input('X', DataType.FLOAT, ['N', 2, 'H', 'W'])
      .input('rois', DataType.FLOAT, ['K', 5])
      .node(withRelu ? 'Relu' : 'Identity', ['X'], ['F'])
      .node('MaxRoiPool', ['F', 'rois'], ['P'], { pooled_shape: [3, 2], spatial_scale: { float: 0.5 } }, 'max_roi_pool')
      .node('Sigmoid', ['P'], ['Y'])
      .output('P', DataType.FLOAT)
      .output('Y');
    return builder.bytes(13);
  };
  const feeds = (n: number, height: number, width: number, seed: number) => {
    const count = 8;
    const boxes = boxesFor(2 * width, 2 * height, count, seed);
    const rows = new Float32Array(count * 5);
    for (let k = 0; k < count; k++) rows.set([k % n, ...boxes.subarray(k * 4, k * 4 + 4)], k * 5);
    // One box wholly off the map: every bin empty.
    rows.set([0, 4 * width, 4 * height, 5 * width, 5 * height], 0);
    const x = randomFloats(n * 2 * height * width, seed);
    x.fill(0, 0, width * 3); // zeros: onnxruntime's maximum of a zero bin is FLT_MIN
    return { X: tensor(x, [n, 2, height, width]), rois: tensor(rows, [count, 5]) };
  };

  it.each([true, false])('equal to onnxruntime on the whole model (ReLU before: %s)', async (withRelu) => {
    const bytes = model(withRelu);
    const { pipe } = await expectSameAsWholeModel(bytes, feeds(2, 10, 12, 7));
    expect(pipe.plan.steps[1]).toMatchObject({ kind: 'roi-ops', operator: 'roiPool', node: 'max_roi_pool' });
    await expectSameAsWholeModel(bytes, feeds(1, 5, 17, 8), pipe);
  });
});

describe('RoI stages that depend on earlier ones', () => {
  it("runs RoiAlign -> Conv -> RoiAlign (a second stage on the first one's output) as onnxruntime does", async () => {
    const bytes = new GraphBuilder()
      .input('X', DataType.FLOAT, [1, 3, 'H', 'W'])
      .input('rois', DataType.FLOAT, ['K', 4])
      .input('batch_indices', DataType.INT64, ['K'])
      .input('rois2', DataType.FLOAT, ['J', 4])
      .input('batch_indices2', DataType.INT64, ['J'])
      .initializer('w1', randomFloats(4 * 3 * 9, 11), [4, 3, 3, 3])
      .initializer('w2', randomFloats(4 * 4 * 9, 12), [4, 4, 3, 3])
      .node('Conv', ['X', 'w1'], ['F'], { pads: [1, 1, 1, 1] })
      .node('RoiAlign', ['F', 'rois', 'batch_indices'], ['R1'], { output_height: 6, output_width: 6 }, 'box_roi')
      .node('Conv', ['R1', 'w2'], ['G'], { pads: [1, 1, 1, 1] })
      .node('Shape', ['F'], ['fshape'])
      .node(
        'RoiAlign',
        ['G', 'rois2', 'batch_indices2'],
        ['R2'],
        { output_height: 3, output_width: 3, mode: 'max' },
        'mask_roi',
      )
      .node('Relu', ['R2'], ['Y'])
      .output('Y', DataType.FLOAT)
      .output('fshape')
      .bytes(16);
    const { pipe } = await expectSameAsWholeModel(bytes, {
      X: tensor(randomFloats(3 * 14 * 18, 13), [1, 3, 14, 18]),
      rois: tensor(boxesFor(18, 14, 5, 14), [5, 4]),
      batch_indices: int64s([0, 0, 0, 0, 0]),
      rois2: tensor(boxesFor(6, 6, 4, 15), [4, 4]),
      batch_indices2: int64s([0, 4, 2, 2]),
    });
    expect(pipe.plan.steps.map((step) => (step.kind === 'roi-ops' ? step.node : step.outputs.join('+')))).toEqual([
      'F+fshape',
      'box_roi',
      'G',
      'mask_roi',
      'Y',
    ]);
  });
});

describe('what the pipeline refuses', () => {
  const relu = new GraphBuilder().input('X', DataType.FLOAT, [2]).node('Relu', ['X'], ['Y']).output('Y').bytes(13);

  it('a model without RoI nodes', async () => {
    await expect(createOnnxPipeline(ort, relu)).rejects.toThrow(
      'roi-ops/onnx: the model bytes: no RoiAlign or MaxRoiPool node (of the ONNX domain) feeds the outputs; nothing for roi-ops to run',
    );
  });

  it.each<[number, Record<string, AttributeValue>, string]>([
    [16, { mode: 'median' }, "attribute mode: expected 'avg' or 'max', got 'median'"],
    [
      16,
      { coordinate_transformation_mode: 'pytorch_half_pixel' },
      "attribute coordinate_transformation_mode: expected 'half_pixel' or 'output_half_pixel', got 'pytorch_half_pixel'",
    ],
    [16, { sampling_ratio: -1 }, 'attribute sampling_ratio: expected an integer >= 0 (0 = adaptive), got -1'],
    [16, { output_height: 0 }, 'attributes output_height, output_width: expected integers >= 1, got 0, 1'],
    [16, { spatial_scale: { float: 0 } }, 'attribute spatial_scale: expected a positive finite number, got 0'],
    [16, { spatial_scale: 2 }, 'attribute spatial_scale: expected an attribute of type FLOAT, got type INT'],
    [
      10,
      { coordinate_transformation_mode: 'half_pixel' },
      "attribute 'coordinate_transformation_mode' is not one of RoiAlign (opset 10)'s",
    ],
    [16, { sampling_rate: 2 }, "attribute 'sampling_rate' is not one of RoiAlign (opset 16)'s"],
  ])(
    'a RoiAlign node (opset %i, %o) roi-ops cannot honour, naming the node and attribute',
    async (opset, attributes, message) => {
      await expect(createOnnxPipeline(ort, convRoiAlignConv(attributes, opset))).rejects.toThrow(
        `roi-ops/onnx: RoiAlign node 'roi_align': ${message}`,
      );
    },
  );

  it('a RoI node inside a subgraph', async () => {
    const body = new GraphBuilder()
      .node('RoiAlign', ['X', 'rois', 'bi'], ['R'], {}, 'inner_roi')
      .output('R', DataType.FLOAT).graph;
    const builder = new GraphBuilder()
      .input('c', DataType.BOOL, [])
      .input('X', DataType.FLOAT, [1, 1, 4, 4])
      .input('rois', DataType.FLOAT, [1, 4])
      .input('bi', DataType.INT64, [1])
      .output('Y', DataType.FLOAT);
    builder.graph.node!.push({
      op_type: 'If',
      name: 'branch',
      input: ['c'],
      output: ['Y'],
      attribute: [
        { name: 'then_branch', type: 5, g: body },
        { name: 'else_branch', type: 5, g: body },
      ],
    });
    await expect(createOnnxPipeline(ort, builder.bytes(16))).rejects.toThrow(
      "roi-ops/onnx: the model bytes: RoiAlign node 'inner_roi' lies inside the subgraph of If node 'branch'; roi-ops runs RoI nodes of the main graph only",
    );
  });

  it('a tensor crossing the split whose element type cannot be told', async () => {
    const builder = convRoiAlignConvGraph({}, 16);
    builder.graph.node![1] = {
      op_type: 'Mystery',
      domain: 'com.example',
      input: ['F'],
      output: ['m'],
      name: 'mystery',
    };
    await expect(createOnnxPipeline(ort, builder.bytes(16))).rejects.toThrow(
      "roi-ops/onnx: cannot tell the element type of tensor 'm', which crosses the split (no rule for op Mystery of node 'mystery')",
    );
  });

  it('inputs roi-ops cannot take, at run time, naming the node', async () => {
    const pipe = await createOnnxPipeline(ort, convRoiAlignConv({ output_height: 2, output_width: 2 }, 16));
    opened.push(pipe);
    const feeds = roiAlignFeeds(1, 8, 8, 3, 1);
    await expect(pipe.run({ ...feeds, batch_indices: int64s([0, 1, 0]) })).rejects.toThrow(
      /^roi-ops\/onnx: RoiAlign node 'roi_align': roiAlign: .*row 1/,
    );
    const nonFinite = Float32Array.from(feeds.X.data as Float32Array);
    nonFinite[2 * 8 * 8] = NaN; // X[0,2,0,0] -> F[0,*,0,0] after the 3x3 convolution
    await expect(pipe.run({ ...feeds, X: tensor(nonFinite, [...feeds.X.dims]) })).rejects.toThrow(
      "roi-ops/onnx: RoiAlign node 'roi_align': input F[0,0,0,0] is NaN; onnxruntime spreads a non-finite first pixel",
    );
    await expect(pipe.run({ ...feeds, rois: tensor(new Float32Array(15), [3, 5]) })).rejects.toThrow(
      "roi-ops/onnx: RoiAlign node 'roi_align': input rois has dims [3,5], expected [num_rois, 4]",
    );
    await expect(pipe.run({ ...feeds, batch_indices: int64s([0, 0]) })).rejects.toThrow(
      "roi-ops/onnx: RoiAlign node 'roi_align': input batch_indices has dims [2], expected [3] (one per RoI)",
    );
  });

  it('keeps running as planned when the caller changes its copy of the plan or the names', async () => {
    const bytes = convRoiAlignConv({ output_height: 3, output_width: 3 }, 16);
    const pipe = await createOnnxPipeline(ort, bytes);
    const step = pipe.plan.steps[1] as { inputs: string[]; options: { outputSize: number[] } };
    step.inputs.length = 0;
    step.options.outputSize[0] = 99;
    (pipe.inputNames as string[]).push('extra');
    await expectSameAsWholeModel(bytes, roiAlignFeeds(1, 8, 8, 3, 1), pipe);
  });

  it('feeds that do not match the inputs, and a released pipeline', async () => {
    const pipe = await createOnnxPipeline(ort, convRoiAlignConv({}, 16));
    const feeds = roiAlignFeeds(1, 8, 8, 3, 1);
    await expect(pipe.run({ X: feeds.X, rois: feeds.rois })).rejects.toThrow(
      "OnnxPipeline.run: feeds.batch_indices is missing (the model's inputs: X, rois, batch_indices)",
    );
    await expect(pipe.run({ ...feeds, extra: feeds.X })).rejects.toThrow(
      'OnnxPipeline.run: feeds.extra is not an input of the model (its inputs: X, rois, batch_indices)',
    );
    await pipe.release();
    await expect(pipe.run(feeds)).rejects.toThrow('OnnxPipeline.run: the pipeline was released');
  });

  it('arguments that are not onnxruntime, a model, or a thread count', async () => {
    const bytes = convRoiAlignConv({}, 16);
    await expect(createOnnxPipeline({} as typeof ort, bytes)).rejects.toThrow(
      "createOnnxPipeline: expected the onnxruntime-node module (import * as ort from 'onnxruntime-node') for ort",
    );
    await expect(createOnnxPipeline(ort, 42 as unknown as Uint8Array)).rejects.toThrow(
      'createOnnxPipeline: expected a file path or a Uint8Array for model',
    );
    await expect(createOnnxPipeline(ort, bytes, { threads: 0 })).rejects.toThrow(
      'createOnnxPipeline: expected an integer >= 1 for options.threads, got 0',
    );
    await expect(createOnnxPipeline(ort, bytes.subarray(0, 50))).rejects.toThrow(
      /^the model bytes: ModelProto\..* at byte \d+: /,
    );
  });
});
