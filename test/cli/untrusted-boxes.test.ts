// `roi-ops pool` on box files another program wrote (issue 16 items 4, 5, 6): a batch index
// that float32 would round into an integer is refused naming the row, or pools to zeros with
// --invalid-boxes zero, whichever of JSON, CSV or a float64 .npy holds it; a NaN row that
// numpy.savetxt wrote first is a row; a FIFO given as a file is refused at once.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { roiAlignSync } from '../../lib/index.js';
import { npyHeader, writeNpy } from '../../cli/io/npy.js';
import { readTensorFile } from '../../cli/io/tensor-file.js';
import { ensureBuilt, pattern, runCli, temporaryDirectory } from '../helpers/cli.js';

const dir = temporaryDirectory('untrusted-boxes');
const file = (name: string) => join(dir, name);
const pool = (...args: string[]) => runCli(['pool', ...args], { cwd: dir });

const map = { data: pattern(2 * 3 * 8 * 8), shape: [2, 3, 8, 8] };
const first = [0, 1, 1, 6, 6];
const second = [1, 0, 2, 7, 5];
const good = [first, second];
const almostOne = [0.99999999, 1, 1, 6, 6];

/** The operator's output for `rows` as the library pools them: each row's block of output elements. */
function expected(rows: number[][]): Float32Array {
  return roiAlignSync(map, { data: Float32Array.from(rows.flat()), shape: [rows.length, 5] }, { outputSize: 2 }).data;
}

const args = (boxes: string, output: string, ...more: string[]) => [
  '--op',
  'roiAlign',
  '--input',
  'map.npy',
  '--boxes',
  boxes,
  '--output',
  output,
  '--output-size',
  '2',
  ...more,
];

beforeAll(() => {
  ensureBuilt();
  writeNpy(file('map.npy'), map);
  writeFileSync(file('almost.json'), JSON.stringify([first, almostOne, second]));
  writeFileSync(file('almost.csv'), [first, almostOne, second].map((row) => row.join(',')).join('\n'));
  const float64 = Float64Array.from([...first, 0.9999999999, 1, 1, 6, 6, ...second]);
  writeFileSync(file('almost.npy'), new Uint8Array([...npyHeader('<f8', [3, 5]), ...new Uint8Array(float64.buffer)]));
}, 120_000);

describe('a batch index float32 would round to an integer', () => {
  it.each(['almost.json', 'almost.csv', 'almost.npy'])('%s: refused, naming the row', (boxes) => {
    const result = pool(...args(boxes, 'refused.npy'));
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^roi-ops pool: roiAlign: boxes\[1\] .*0\.99999999.*\n$/);
  });

  it.each(['almost.json', 'almost.csv', 'almost.npy'])(
    '%s: zeros for that row with --invalid-boxes zero',
    async (boxes) => {
      const output = `zero-${boxes}.npy`;
      const result = pool(...args(boxes, output, '--invalid-boxes', 'zero'));
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      const written = await readTensorFile(file(output));
      expect(written.shape).toEqual([3, 3, 2, 2]);
      const perRow = 3 * 2 * 2;
      const want = expected(good);
      expect(written.data.subarray(0, perRow)).toEqual(want.subarray(0, perRow));
      expect(written.data.subarray(perRow, 2 * perRow)).toEqual(new Float32Array(perRow));
      expect(written.data.subarray(2 * perRow)).toEqual(want.subarray(perRow));
    },
  );
});

describe('NaN rows are rows', () => {
  it.each([
    ['savetxt.csv', 'nan,nan,nan,nan,nan\n0,1,1,6,6\n1,0,2,7,5\n'],
    ['null.json', '[[null, null, null, null, null], [0, 1, 1, 6, 6], [1, 0, 2, 7, 5]]'],
  ])('%s: the first row pools to zeros with --invalid-boxes zero, K is kept', async (name, text) => {
    writeFileSync(file(name), text);
    const output = `nan-${name}.npy`;
    const result = pool(...args(name, output, '--invalid-boxes', 'zero'));
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const written = await readTensorFile(file(output));
    expect(written.shape).toEqual([3, 3, 2, 2]);
    expect(written.data).toEqual(Float32Array.from([...new Float32Array(12), ...expected(good)]));
    const refused = pool(...args(name, 'nan-refused.npy'));
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/^roi-ops pool: roiAlign: boxes\[0\] .*\n$/);
  });
});

describe("cropAndResize's box indices in float64", () => {
  it('0.9999999999 is not an integer: refused naming it, not rounded to image 1', () => {
    const image = { data: pattern(2 * 6 * 6 * 1), shape: [2, 6, 6, 1] };
    writeNpy(file('image.npy'), image);
    writeNpy(file('crop-boxes.npy'), { data: Float32Array.of(0, 0, 1, 1), shape: [1, 4] });
    const indices = Float64Array.of(0.9999999999);
    writeFileSync(file('indices.npy'), new Uint8Array([...npyHeader('<f8', [1]), ...new Uint8Array(indices.buffer)]));
    const result = runCli(
      [
        'pool',
        '--op',
        'cropAndResize',
        '--input',
        'image.npy',
        '--boxes',
        'crop-boxes.npy',
        '--box-indices',
        'indices.npy',
        '--crop-size',
        '2',
        '--output',
        'crops.npy',
      ],
      { cwd: dir },
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^roi-ops pool: cropAndResize: .*boxIndices.*0\.9999999999.*\n$/);
  });
});

describe('files that are not regular files', () => {
  it('a FIFO as the input: refused at once, exit 1, naming it', () => {
    execFileSync('mkfifo', [file('fifo.npy')]);
    const result = pool(
      '--op',
      'roiAlign',
      '--input',
      'fifo.npy',
      '--boxes',
      'almost.json',
      '--output',
      'f.npy',
      '--output-size',
      '2',
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('roi-ops pool: fifo.npy: is a FIFO (named pipe); expected a regular file\n');
  });
});
