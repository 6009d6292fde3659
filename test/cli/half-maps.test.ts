// 16-bit feature maps on the command line (docs/cli.md "Input files"): a float16
// .npy map and F16/BF16 .safetensors maps go to the library as their bit patterns, so `pool` and
// `batch` write exactly what the library computes from the same { data: Uint16Array, shape, dtype };
// `--output-dtype float16` writes a '<f2' .npy of the library's float16 result; bfloat16, which
// numpy has no dtype for, is refused by name.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { cropAndResizeSync, roiAlignSync, roiPoolSync } from '../../lib/index.js';
import { narrow } from '../../lib/reference/half.js';
import { npyHeader, writeNpy } from '../../cli/io/npy.js';
import { readTensorFile } from '../../cli/io/tensor-file.js';
import { ensureBuilt, pattern, runCli, temporaryDirectory, writeSafetensors } from '../helpers/cli.js';

const dir = temporaryDirectory('half-maps');
const file = (name: string) => join(dir, name);
const pool = (...args: string[]) => runCli(['pool', ...args], { cwd: dir });

// Values in [-4, 4) with 16-bit roundings that differ from the float32 values, so a map read
// as float32 (or its patterns read as integers) would give other results.
const values = pattern(2 * 8 * 12 * 14).map((v) => (v - 0.5) * 8 + 1 / 3);
const shape = [2, 8, 12, 14];
const half = { data: narrow(values, 'float16', new Uint16Array(values.length)), shape, dtype: 'float16' as const };
const brain = { data: narrow(values, 'bfloat16', new Uint16Array(values.length)), shape, dtype: 'bfloat16' as const };
const boxes = { data: Float32Array.from([0, 2, 3, 15, 20, 1, 0, 0, 27, 23, 1, 6.5, 4, 9, 11.5]), shape: [3, 5] };
const options = { outputSize: 3, spatialScale: 0.5, samplingRatio: 2 };
const flags = ['--output-size', '3', '--spatial-scale', '1/2', '--sampling-ratio', '2'];

/** `bits` as a big-endian '>f2' .npy, as numpy saves a byte-swapped float16 array. */
function bigEndianNpy(bits: Uint16Array, dims: number[]): Buffer {
  const data = Buffer.alloc(bits.length * 2);
  bits.forEach((pattern, i) => data.writeUInt16BE(pattern, i * 2));
  return Buffer.concat([npyHeader('>f2', dims), data]);
}

beforeAll(() => {
  ensureBuilt();
  writeNpy(file('map-f2.npy'), half);
  writeFileSync(file('map-f2-big.npy'), bigEndianNpy(half.data, shape));
  writeNpy(file('boxes.npy'), boxes);
  // A 4-element F32 tensor first: the F16 and BF16 data then start at an even offset (read in
  // place); the header's length puts them there or not, and both must read the same.
  writeSafetensors(file('maps.safetensors'), {
    first: { data: new Float32Array(4), shape: [4] },
    half: { ...half, dtype: 'F16' },
    brain: { ...brain, dtype: 'BF16' },
  });
}, 120_000);

describe('roi-ops pool with a 16-bit map', () => {
  it('a float16 .npy map (little- or big-endian) gives the library result on the same 16-bit map', async () => {
    const want = roiAlignSync(half, boxes, options);
    // The map is not its widened float32 by accident: the float32 map's result differs.
    expect(want.data).not.toEqual(roiAlignSync({ data: values, shape }, boxes, options).data);
    for (const input of ['map-f2.npy', 'map-f2-big.npy']) {
      const result = pool(
        '--op',
        'roiAlign',
        '--input',
        input,
        '--boxes',
        'boxes.npy',
        '--output',
        `${input}-out.npy`,
        ...flags,
      );
      expect(result.status, result.stderr).toBe(0);
      expect(result.stderr).toBe('');
      const written = await readTensorFile(file(`${input}-out.npy`));
      expect(written).toEqual({ data: want.data, shape: want.shape, dtype: 'float32', notices: [] });
    }
  });

  it('F16 and BF16 .safetensors maps (--key) give the library result on the same 16-bit maps', async () => {
    for (const [key, map] of [
      ['half', half],
      ['brain', brain],
    ] as const) {
      const result = pool(
        ...['--op', 'roiAlign', '--input', 'maps.safetensors', '--key', key, '--boxes', 'boxes.npy'],
        ...['--output', `${key}.npy`, ...flags],
      );
      expect(result.status, result.stderr).toBe(0);
      expect((await readTensorFile(file(`${key}.npy`))).data).toEqual(roiAlignSync(map, boxes, options).data);
    }
  });

  it('roiPool with its argmax on a float16 map', async () => {
    const result = pool(
      ...['--op', 'roiPool', '--input', 'map-f2.npy', '--boxes', 'boxes.npy', '--output', 'pool.npy'],
      ...['--argmax-output', 'argmax.npy', '--output-size', '2', '--spatial-scale', '0.5'],
    );
    expect(result.status, result.stderr).toBe(0);
    const want = roiPoolSync(half, boxes, { outputSize: 2, spatialScale: 0.5, returnArgmax: true });
    expect((await readTensorFile(file('pool.npy'))).data).toEqual(want.data);
    expect((await readTensorFile(file('argmax.npy'))).data).toEqual(want.argmax);
  });

  it('float16 .npy boxes are widened to float32 (exactly) and pool as the float32 boxes do', async () => {
    writeNpy(file('boxes-f2.npy'), {
      data: narrow(boxes.data, 'float16', new Uint16Array(15)),
      shape: [3, 5],
      dtype: 'float16',
    });
    // Every box value above is a float16 value (halves and integers below 2048), so widening gives them back.
    const result = pool(
      '--op',
      'roiAlign',
      '--input',
      'map-f2.npy',
      '--boxes',
      'boxes-f2.npy',
      '--output',
      'f2-boxes.npy',
      ...flags,
    );
    expect(result.status, result.stderr).toBe(0);
    expect((await readTensorFile(file('f2-boxes.npy'))).data).toEqual(roiAlignSync(half, boxes, options).data);
  });
});

describe('cropAndResize with 16-bit files', () => {
  it('a float16 NHWC image and float16 box indices (widened to the integers they hold)', async () => {
    // The map above read as NHWC [2, 8, 12, 14]: 2 images of 8 x 12, 14 channels.
    const cropBoxes = { data: Float32Array.from([0, 0, 1, 1, 0.8, 0.1, 0.2, 0.9]), shape: [2, 4] };
    writeNpy(file('crop-boxes.npy'), cropBoxes);
    writeNpy(file('indices-f2.npy'), { data: Uint16Array.of(0x3c00, 0x0000), shape: [2], dtype: 'float16' }); // 1, 0
    const result = pool(
      ...['--op', 'cropAndResize', '--input', 'map-f2.npy', '--boxes', 'crop-boxes.npy'],
      ...['--box-indices', 'indices-f2.npy', '--crop-size', '3x2', '--output', 'crops.npy'],
    );
    expect(result.status, result.stderr).toBe(0);
    const want = cropAndResizeSync(half, cropBoxes, Int32Array.of(1, 0), [3, 2]);
    expect((await readTensorFile(file('crops.npy'))).data).toEqual(want.data);
  });
});

describe('roi-ops pool --output-dtype', () => {
  it("float16 writes a '<f2' .npy whose bits are the library's outputDtype: 'float16' result", async () => {
    const cases = [
      ['map-f2.npy', [], half],
      ['maps.safetensors', ['--key', 'brain'], brain],
    ] as const;
    for (const [input, key, map] of cases) {
      const output = `f16-of-${key.length === 0 ? 'npy' : 'brain'}.npy`;
      const result = pool(
        ...['--op', 'roiAlign', '--input', input, ...key, '--boxes', 'boxes.npy', '--output', output],
        ...['--output-dtype', 'float16', ...flags],
      );
      expect(result.status, result.stderr).toBe(0);
      // The summary names the dtype written, since --output-dtype changes what a reader gets.
      expect(result.stdout).toMatch(new RegExp(`^roiAlign \\[3,8,3,3\\] -> ${output} \\(float16\\) in `));
      const want = roiAlignSync(map, boxes, { ...options, outputDtype: 'float16' });
      const bytes = readFileSync(file(output));
      expect(bytes.toString('latin1', 10, 128)).toContain(
        "{'descr': '<f2', 'fortran_order': False, 'shape': (3, 8, 3, 3), }",
      );
      expect(await readTensorFile(file(output))).toEqual({
        data: want.data,
        shape: want.shape,
        dtype: 'float16',
        notices: [],
      });
    }
  });

  it('float32 is the default and may be said', async () => {
    const result = pool(
      ...['--op', 'roiAlign', '--input', 'map-f2.npy', '--boxes', 'boxes.npy', '--output', 'f32.npy'],
      ...['--output-dtype', 'float32', ...flags],
    );
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^roiAlign \[3,8,3,3\] -> f32\.npy \(float32\) in /);
    expect((await readTensorFile(file('f32.npy'))).data).toEqual(roiAlignSync(half, boxes, options).data);
  });

  it('bfloat16 is a usage error that says why and what to use (exit 2), and writes nothing', () => {
    const result = pool(
      ...['--op', 'roiAlign', '--input', 'map-f2.npy', '--boxes', 'boxes.npy', '--output', 'bf16.npy'],
      ...['--output-dtype', 'bfloat16', ...flags],
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(
      'roi-ops pool: --output-dtype bfloat16 cannot be written: numpy has no bfloat16 dtype, so a .npy file cannot hold it; use float16, or float32 (the default)\n',
    );
    expect(existsSync(file('bf16.npy'))).toBe(false);
  });

  it("another value is the library's refusal (exit 1)", () => {
    const result = pool(
      ...['--op', 'roiAlign', '--input', 'map-f2.npy', '--boxes', 'boxes.npy', '--output', 'f64.npy'],
      ...['--output-dtype', 'float64', ...flags],
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /^roi-ops pool: roiAlign: expected .* for options\.outputDtype but received "float64"/,
    );
    expect(existsSync(file('f64.npy'))).toBe(false);
  });
});

describe('memory per job with 16-bit maps', () => {
  it('counts the map at 2 bytes a value read, 4 widened, and a float16 output at 6 (computed in float32)', () => {
    // map-f2.npy: 128 + 2688 x 2 bytes; boxes.npy: 128 + 15 x 4; the widened map: 2688 x 4;
    // the output: 3 x 8 x 3 x 3 = 216 values x 6. 17,740 bytes in all.
    const run = (limit: string) =>
      pool(
        ...['--op', 'roiAlign', '--input', 'map-f2.npy', '--boxes', 'boxes.npy', '--output', `mem-${limit}.npy`],
        ...['--output-dtype', 'float16', '--max-job-bytes', limit, ...flags],
      );
    const refused = run('17739');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toBe(
      'roi-ops pool: the job needs about 17.3 KiB: its files 5.56 KiB, a working copy of its maps 10.5 KiB, ' +
        'its output 1.27 KiB (216 float16 values (computed in float32)); over the limit of 17.3 KiB per job; ' +
        'raise it with --max-job-bytes if the machine has the memory\n',
    );
    expect(run('17740').status).toBe(0);
  });
});

describe('roi-ops batch with 16-bit maps', () => {
  it('runs float16 and bfloat16 maps with "outputDtype" as any other option; refuses "outputDtype": "bfloat16"', async () => {
    mkdirSync(file('data'));
    for (const name of ['map-f2.npy', 'maps.safetensors', 'boxes.npy']) {
      writeFileSync(file(`data/${name}`), readFileSync(file(name)));
    }
    const common = { op: 'roiAlign', boxes: 'boxes.npy', ...options };
    const lines = [
      { ...common, input: 'map-f2.npy', output: 'a.npy' },
      { ...common, input: 'maps.safetensors', key: 'brain', output: 'b.npy', outputDtype: 'float16' },
      { ...common, input: 'map-f2.npy', output: 'c.npy', outputDtype: 'bfloat16' },
    ];
    writeFileSync(file('data/jobs.jsonl'), lines.map((line) => JSON.stringify(line)).join('\n') + '\n');
    const result = runCli(['batch', 'data/jobs.jsonl', '--out-dir', 'out', '--json'], { cwd: dir });
    expect(result.status).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({
      done: 2,
      failed: 1,
      failures: [
        {
          line: 3,
          message:
            '"outputDtype" bfloat16 cannot be written: numpy has no bfloat16 dtype, so a .npy file cannot hold it; use float16, or float32 (the default)',
        },
      ],
    });
    expect((await readTensorFile(file('out/a.npy'))).data).toEqual(roiAlignSync(half, boxes, options).data);
    const b = await readTensorFile(file('out/b.npy'));
    expect(b.dtype).toBe('float16');
    expect(b.data).toEqual(roiAlignSync(brain, boxes, { ...options, outputDtype: 'float16' }).data);
    expect(existsSync(file('out/c.npy'))).toBe(false);
  });
});
