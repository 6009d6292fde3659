// `roi-ops pool`: for every forward operator, the .npy it writes equals the library's own call
// on the same data (bit for bit: the same backend, and results do not depend on threads or on
// sync/async). Then the three kinds of failure: a usage error (exit 2), the library refusing
// an option (exit 1, its message), a file that is not what it claims (exit 1, the file's message).
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import {
  cropAndResizeSync,
  multiScaleRoiAlignSync,
  preciseRoiPoolSync,
  psRoiAlignSync,
  psRoiPoolSync,
  roiAlignRotatedSync,
  roiAlignSync,
  roiPoolSync,
  spatialPyramidPoolSync,
} from '../../lib/index.js';
import { npyHeader, writeNpy } from '../../cli/io/npy.js';
import { readTensorFile } from '../../cli/io/tensor-file.js';
import type { Tensor } from '../../lib/types.js';
import { ensureBuilt, pattern, runCli, temporaryDirectory, writeSafetensors } from '../helpers/cli.js';

const dir = temporaryDirectory('pool');
const file = (name: string) => join(dir, name);
const pool = (...args: string[]) => runCli(['pool', ...args], { cwd: dir });

// A batch of two 8-channel maps, stride 2 (boxes in a 24x28 image), in both layouts.
const map = { data: pattern(2 * 8 * 12 * 14), shape: [2, 8, 12, 14] };
const mapNhwc = { data: pattern(2 * 12 * 14 * 8, 5), shape: [2, 12, 14, 8] };
const boxes = { data: Float32Array.from([0, 2, 3, 15, 20, 1, 0, 0, 27, 23, 1, 6.5, 4, 9, 11.5]), shape: [3, 5] };
const rotatedBoxes = { data: Float32Array.from([0, 12, 10, 10, 6, 30, 1, 14, 12, 8, 8, -45]), shape: [2, 6] };
// A two-level pyramid for a 64x64 image, and one box per level.
const fpn = {
  p2: { data: pattern(8 * 16 * 16, 2), shape: [1, 8, 16, 16] },
  p3: { data: pattern(8 * 8 * 8, 3), shape: [1, 8, 8, 8] },
};
const fpnBoxes = { data: Float32Array.from([0, 4, 4, 30, 28, 0, 0, 8, 60, 63]), shape: [2, 5] };
// cropAndResize: NHWC images, normalized (y1, x1, y2, x2) boxes, one flipped, and their images.
const image = { data: pattern(2 * 10 * 12 * 3, 4), shape: [2, 10, 12, 3] };
const cropBoxes = { data: Float32Array.from([0, 0, 1, 1, 0.8, 0.1, 0.2, 0.9, -0.1, 0.2, 0.5, 1.2]), shape: [3, 4] };
const boxIndices = Int32Array.from([1, 0, 1]);

const rows = (tensor: Tensor) =>
  Array.from({ length: tensor.shape[0] as number }, (_, k) => Array.from(tensor.data.subarray(k * 5, k * 5 + 5)));

beforeAll(() => {
  ensureBuilt();
  writeNpy(file('map.npy'), map);
  writeNpy(file('map-nhwc.npy'), mapNhwc);
  writeFileSync(file('boxes.json'), JSON.stringify(rows(boxes)));
  writeFileSync(
    file('boxes.csv'),
    `batch,x1,y1,x2,y2\n${rows(boxes)
      .map((row) => row.join(','))
      .join('\n')}\n`,
  );
  writeNpy(file('rboxes.npy'), rotatedBoxes);
  writeSafetensors(file('fpn.safetensors'), fpn);
  writeNpy(file('p2.npy'), fpn.p2);
  writeNpy(file('p3.npy'), fpn.p3);
  writeNpy(file('fpn-boxes.npy'), fpnBoxes);
  writeNpy(file('image.npy'), image);
  writeNpy(file('crop-boxes.npy'), cropBoxes);
  writeNpy(file('box-indices.npy'), { data: boxIndices, shape: [3] });
}, 120_000);

interface OperatorCase {
  name: string;
  args: string[];
  expected: () => Tensor & { argmax?: Int32Array };
}

const cases: OperatorCase[] = [
  {
    name: 'roiPool (split bins, argmax, CSV boxes)',
    args: [
      '--op',
      'roiPool',
      '--input',
      'map.npy',
      '--boxes',
      'boxes.csv',
      '--output-size',
      '3x2',
      '--spatial-scale',
      '1/2',
      '--bins',
      'split',
      '--argmax-output',
      'argmax.npy',
    ],
    expected: () =>
      roiPoolSync(map, boxes, { outputSize: [3, 2], spatialScale: 0.5, bins: 'split', returnArgmax: true }),
  },
  {
    name: 'roiAlign (aligned, adaptive sampling written with =, max mode)',
    args: [
      '--op',
      'roiAlign',
      '--input',
      'map.npy',
      '--boxes',
      'boxes.json',
      '--output-size',
      '4',
      '--spatial-scale',
      '0.5',
      '--sampling-ratio=-1',
      '--aligned',
      '--mode',
      'max',
    ],
    expected: () =>
      roiAlignSync(map, boxes, { outputSize: 4, spatialScale: 0.5, samplingRatio: -1, aligned: true, mode: 'max' }),
  },
  {
    name: 'roiAlign (NHWC, 2 threads)',
    args: [
      '--op',
      'roiAlign',
      '--input',
      'map-nhwc.npy',
      '--boxes',
      'boxes.json',
      '--output-size',
      '2x3',
      '--spatial-scale',
      '0.5',
      '--sampling-ratio',
      '2',
      '--layout',
      'NHWC',
      '--threads',
      '2',
    ],
    expected: () =>
      roiAlignSync(mapNhwc, boxes, { outputSize: [2, 3], spatialScale: 0.5, samplingRatio: 2, layout: 'NHWC' }),
  },
  {
    name: 'psRoiPool (8 channels = 2 x 2x2 bins)',
    args: [
      '--op',
      'psRoiPool',
      '--input',
      'map.npy',
      '--boxes',
      'boxes.json',
      '--output-size',
      '2',
      '--spatial-scale',
      '0.5',
    ],
    expected: () => psRoiPoolSync(map, boxes, { outputSize: 2, spatialScale: 0.5 }),
  },
  {
    name: 'psRoiAlign',
    args: [
      '--op',
      'psRoiAlign',
      '--input',
      'map.npy',
      '--boxes',
      'boxes.json',
      '--output-size',
      '2x2',
      '--spatial-scale',
      '0.5',
      '--sampling-ratio',
      '2',
    ],
    expected: () => psRoiAlignSync(map, boxes, { outputSize: [2, 2], spatialScale: 0.5, samplingRatio: 2 }),
  },
  {
    name: 'roiAlignRotated (not aligned, clockwise)',
    args: [
      '--op',
      'roiAlignRotated',
      '--input',
      'map.npy',
      '--boxes',
      'rboxes.npy',
      '--output-size',
      '3',
      '--spatial-scale',
      '0.5',
      '--no-aligned',
      '--clockwise',
    ],
    expected: () =>
      roiAlignRotatedSync(map, rotatedBoxes, { outputSize: 3, spatialScale: 0.5, aligned: false, clockwise: true }),
  },
  {
    name: 'multiScaleRoiAlign (levels from one .safetensors by key, image size)',
    args: [
      '--op',
      'multiScaleRoiAlign',
      '--input',
      'fpn.safetensors',
      '--key',
      'p2',
      '--input',
      'fpn.safetensors',
      '--key',
      'p3',
      '--boxes',
      'fpn-boxes.npy',
      '--image-size',
      '64x64',
      '--output-size',
      '2',
      '--sampling-ratio',
      '2',
      '--canonical-scale',
      '32',
      '--canonical-level',
      '3',
    ],
    expected: () =>
      multiScaleRoiAlignSync([fpn.p2, fpn.p3], fpnBoxes, {
        outputSize: 2,
        samplingRatio: 2,
        imageSizes: [[64, 64]],
        canonicalScale: 32,
        canonicalLevel: 3,
      }),
  },
  {
    name: 'multiScaleRoiAlign (.npy levels, scales)',
    args: [
      '--op',
      'multiScaleRoiAlign',
      '--input',
      'p2.npy',
      '--input',
      'p3.npy',
      '--boxes',
      'fpn-boxes.npy',
      '--scales',
      '1/4,1/8',
      '--output-size',
      '3',
      '--aligned',
    ],
    expected: () =>
      multiScaleRoiAlignSync([fpn.p2, fpn.p3], fpnBoxes, { outputSize: 3, scales: [0.25, 0.125], aligned: true }),
  },
  {
    name: 'spatialPyramidPool (whole maps)',
    args: ['--op', 'spatialPyramidPool', '--input', 'map.npy', '--levels', '1,2,3', '--mode', 'avg'],
    expected: () => spatialPyramidPoolSync(map, { levels: [1, 2, 3], mode: 'avg' }),
  },
  {
    name: 'spatialPyramidPool (boxes)',
    args: ['--op', 'spatialPyramidPool', '--input', 'map.npy', '--boxes', 'boxes.json', '--spatial-scale', '0.5'],
    expected: () => spatialPyramidPoolSync(map, { boxes, spatialScale: 0.5 }),
  },
  {
    name: 'cropAndResize (box indices, nearest, negative extrapolation value)',
    args: [
      '--op',
      'cropAndResize',
      '--input',
      'image.npy',
      '--boxes',
      'crop-boxes.npy',
      '--box-indices',
      'box-indices.npy',
      '--crop-size',
      '5x4',
      '--method',
      'nearest',
      '--extrapolation-value=-1',
    ],
    expected: () =>
      cropAndResizeSync(image, cropBoxes, boxIndices, [5, 4], { method: 'nearest', extrapolationValue: -1 }),
  },
  {
    name: 'cropAndResize (every box on image 0 by default)',
    args: ['--op', 'cropAndResize', '--input', 'image.npy', '--boxes', 'crop-boxes.npy', '--crop-size', '3'],
    expected: () => cropAndResizeSync(image, cropBoxes, [0, 0, 0], 3),
  },
  {
    name: 'preciseRoiPool',
    args: [
      '--op',
      'preciseRoiPool',
      '--input',
      'map.npy',
      '--boxes',
      'boxes.json',
      '--output-size',
      '3',
      '--spatial-scale',
      '0.5',
    ],
    expected: () => preciseRoiPoolSync(map, boxes, { outputSize: 3, spatialScale: 0.5 }),
  },
];

describe('roi-ops pool writes what the library call returns', () => {
  it.each(cases.map((c, i) => [c.name, c, i] as const))('%s', async (_name, { args, expected }, i) => {
    const output = `out-${i}.npy`;
    const result = pool(...args, '--output', output);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const want = expected();
    expect(want.data.some((value) => value !== 0)).toBe(true); // a comparison of zeros would prove little
    const written = await readTensorFile(file(output));
    expect(written.dtype).toBe('float32');
    expect(written.shape).toEqual(want.shape);
    expect(written.data).toEqual(want.data);
    expect(result.stdout).toMatch(new RegExp(`^${args[1]} \\[${want.shape.join(',')}\\] -> ${output}`));
    if (want.argmax) {
      const argmax = await readTensorFile(file('argmax.npy'));
      expect(argmax.dtype).toBe('int32');
      expect(argmax.shape).toEqual(want.shape);
      expect(argmax.data).toEqual(want.argmax);
    }
  });

  it('covers every forward operator', () => {
    const ops = new Set(cases.map((c) => c.args[1]));
    expect([...ops].sort()).toEqual([
      'cropAndResize',
      'multiScaleRoiAlign',
      'preciseRoiPool',
      'psRoiAlign',
      'psRoiPool',
      'roiAlign',
      'roiAlignRotated',
      'roiPool',
      'spatialPyramidPool',
    ]);
  });

  it('--json prints the op, the output, its shape and the times', () => {
    const result = pool(
      '--op',
      'roiAlign',
      '--input',
      'map.npy',
      '--boxes',
      'boxes.json',
      '--output',
      'json.npy',
      '--output-size',
      '2',
      '--json',
    );
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({
      op: 'roiAlign',
      output: 'json.npy',
      shape: [3, 8, 2, 2],
      dtype: 'float32',
      notices: [],
    });
    expect(Object.keys(report.ms)).toEqual(['read', 'compute', 'write']);
  });

  it('reads float64 maps as float32 and says so on stderr', async () => {
    // writeNpy writes float32 and int32 only; numpy's default is float64.
    writeFileSync(
      file('map-f8.npy'),
      Buffer.concat([npyHeader('<f8', map.shape), new Uint8Array(new Float64Array(map.data).buffer)]),
    );
    const result = pool(
      '--op',
      'roiAlign',
      '--input',
      'map-f8.npy',
      '--boxes',
      'boxes.json',
      '--output',
      'f8.npy',
      '--output-size',
      '2',
    );
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/^roi-ops pool: note: map-f8\.npy/);
    expect((await readTensorFile(file('f8.npy'))).data).toEqual(roiAlignSync(map, boxes, { outputSize: 2 }).data);
  });

  it('takes operator names in kebab-case and snake_case (--op roi-align, roi_align)', async () => {
    for (const op of ['roi-align', 'roi_align']) {
      const result = pool(
        ...['--op', op, '--input', 'map.npy', '--boxes', 'boxes.json', '--output', `${op}.npy`, '--output-size', '2'],
      );
      expect(result.status, result.stderr).toBe(0);
      expect((await readTensorFile(file(`${op}.npy`))).data).toEqual(roiAlignSync(map, boxes, { outputSize: 2 }).data);
    }
  });

  it('reads integer .npy boxes (int32 and int64, as pixel boxes are often saved)', async () => {
    const rows = [0, 2, 3, 15, 20, 1, 0, 0, 27, 23];
    writeNpy(file('boxes-i4.npy'), { data: Int32Array.from(rows), shape: [2, 5] });
    writeFileSync(
      file('boxes-i8.npy'),
      Buffer.concat([npyHeader('<i8', [2, 5]), new Uint8Array(BigInt64Array.from(rows.map(BigInt)).buffer)]),
    );
    const want = roiAlignSync(map, { data: Float32Array.from(rows), shape: [2, 5] }, { outputSize: 2 }).data;
    for (const name of ['boxes-i4.npy', 'boxes-i8.npy']) {
      const result = pool(
        ...['--op', 'roiAlign', '--input', 'map.npy', '--boxes', name, '--output', `${name}-out.npy`],
        ...['--output-size', '2'],
      );
      expect(result.status, result.stderr).toBe(0);
      expect((await readTensorFile(file(`${name}-out.npy`))).data).toEqual(want);
    }
  });

  it('a missing --output-size is a usage error naming the flag (exit 2)', () => {
    const result = pool('--op', 'psRoiAlign', '--input', 'map.npy', '--boxes', 'boxes.json', '--output', 'no-size.npy');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('roi-ops pool: missing --output-size: psRoiAlign requires it\n');
    expect(result.stderr).toContain('Usage: roi-ops pool --op NAME');
    expect(existsSync(file('no-size.npy'))).toBe(false);
  });

  it('takes a negative number after a flag as its value (--sampling-ratio -1), as typed', async () => {
    const result = pool(
      ...['--op', 'roiAlign', '--input', 'map.npy', '--boxes', 'boxes.json', '--output', 'negative.npy'],
      ...['--output-size', '2', '--sampling-ratio', '-1', '--spatial-scale', '1/2'],
    );
    expect(result.status, result.stderr).toBe(0);
    const want = roiAlignSync(map, boxes, { outputSize: 2, samplingRatio: -1, spatialScale: 0.5 });
    expect((await readTensorFile(file('negative.npy'))).data).toEqual(want.data);
  });
});

describe('roi-ops pool failures', () => {
  const base = ['--op', 'roiAlign', '--input', 'map.npy', '--boxes', 'boxes.json', '--output', 'fail.npy'];

  it.each([
    [
      ['--op', 'roiMagic', '--input', 'map.npy', '--boxes', 'boxes.json', '--output', 'x.npy'],
      'unknown operator "roiMagic" (string) for --op; expected one of roiPool, roiAlign,',
    ],
    [['--op', 'roiAlign', '--input', 'map.npy', '--boxes', 'boxes.json'], 'missing --output: the .npy file to write'],
    [
      ['--op', 'roiAlign', '--input', 'map.npy', '--output', 'x.npy'],
      'missing --boxes: the boxes file (.npy, .json or .csv)',
    ],
    [
      [...base, '--output-size', '7y7'],
      'expected a size N or HxW (like 7 or 7x7) for --output-size but received "7y7"',
    ],
    [
      [...base, '--spatial-scale', 'a sixteenth'],
      'expected a number (like 0.0625 or 1/16) for --spatial-scale but received "a sixteenth"',
    ],
    [[...base, '--aligned', '--no-aligned'], '--no-aligned contradicts --aligned'],
    [[...base, '--argmax-output', 'a.npy'], '--argmax-output is for roiPool, not roiAlign'],
    [[...base, '--input', 'again.npy'], 'roiAlign takes one --input, not 2'],
    [
      ['--op', 'roiAlign', '--input', 'map.npy', '--boxes', 'boxes.json', '--output', 'x.txt'],
      '--output must name a .npy file, not "x.txt"',
    ],
    [[...base, '--frobnicate'], "Unknown option '--frobnicate'"],
    [[...base, 'extra'], "unexpected argument 'extra'"],
  ])('usage error %#: exit 2, nothing written', (args, message) => {
    const result = pool(...args);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`roi-ops pool: ${message}`);
    expect(result.stderr).toContain('Usage: roi-ops pool --op NAME --input FILE');
    expect(existsSync(file('fail.npy'))).toBe(false);
  });

  it.each([
    [['--output-size', '0'], 'roiAlign: expected an integer >= 1 for options.outputSize but received 0 (number)'],
    [
      ['--output-size', '2', '--sampling-ratio', '1.5'],
      'roiAlign: expected an integer for options.samplingRatio but received 1.5 (number)',
    ],
    [['--output-size', '2', '--mode', 'median'], "roiAlign: expected one of 'avg', 'max', 'onnx-max' for options.mode"],
    [['--output-size', '2', '--bins', 'split'], 'roiAlign: unknown option options.bins; expected one of'],
    [
      ['--output-size', '2', '--spatial-scale', '1/0'],
      'roiAlign: expected a positive finite number for options.spatialScale but received Infinity (number)',
    ],
  ])('the library refuses %j: exit 1 with its message', (args, message) => {
    const result = pool(...base, ...args);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`roi-ops pool: ${message}`);
    expect(result.stderr).not.toContain('Usage:');
    expect(existsSync(file('fail.npy'))).toBe(false);
  });

  it('a malformed input file: exit 1 with the file-format message, which names the file', () => {
    writeFileSync(file('garbage.npy'), 'not an array');
    const result = pool(
      '--op',
      'roiAlign',
      '--input',
      'garbage.npy',
      '--boxes',
      'boxes.json',
      '--output',
      'fail.npy',
      '--output-size',
      '2',
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^roi-ops pool: garbage\.npy: .*\n$/);
    expect(existsSync(file('fail.npy'))).toBe(false);
  });

  it('a malformed boxes file and a missing file: exit 1, naming the file', () => {
    writeFileSync(file('ragged.json'), '[[0, 1, 2, 3, 4], [0, 1, 2]]');
    const ragged = pool(
      '--op',
      'roiAlign',
      '--input',
      'map.npy',
      '--boxes',
      'ragged.json',
      '--output',
      'fail.npy',
      '--output-size',
      '2',
    );
    expect(ragged.status).toBe(1);
    expect(ragged.stderr).toMatch(/^roi-ops pool: ragged\.json: /);
    const missing = pool(
      '--op',
      'roiAlign',
      '--input',
      'nowhere.npy',
      '--boxes',
      'boxes.json',
      '--output',
      'fail.npy',
      '--output-size',
      '2',
    );
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/^roi-ops pool: nowhere\.npy: .*ENOENT/);
  });
});
