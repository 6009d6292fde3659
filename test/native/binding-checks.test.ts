// The addon re-checks every length it relies on: a wrong call made straight to the binding
// (bypassing the TypeScript validation) throws instead of reading or writing out of bounds.
import { createRequire } from 'node:module';

import { describe, expect, it } from 'vitest';

import { addonPath } from '../../lib/backend/native.js';
import { callBindingAsync } from '../helpers/native-binding.js';

const binding = createRequire(import.meta.url)(addonPath()) as Record<string, (...args: unknown[]) => unknown>;

const input = new Float32Array(1 * 2 * 4 * 4);
const rois = new Float32Array([0, 0, 0, 3, 3]);
const out = new Float32Array(1 * 2 * 2 * 2);

// (input, inputType, N, C, H, W, layout, rois, K, out, outputType, PH, PW, spatialScale, samplingRatio, aligned,
// mode, maxSamples, threads)
const alignArgs = (overrides: Record<number, unknown> = {}) => {
  const args: unknown[] = [input, 0, 1, 2, 4, 4, 0, rois, 1, out, 0, 2, 2, 1, 2, false, 0, 1 << 24, 0];
  for (const [i, v] of Object.entries(overrides)) args[Number(i)] = v;
  return args;
};

describe('native binding', () => {
  it('computes with well-formed arguments', () => {
    expect(() => binding.roiAlignSync?.(...alignArgs())).not.toThrow();
  });

  it.each([
    ['input shorter than its shape', { 0: new Float32Array(31) }, 'roiAlign: input data is shorter than its shape'],
    ['RoI data shorter than K*5', { 8: 2 }, 'roiAlign: RoI data is shorter than count * columns'],
    [
      'output shorter than [K,C,PH,PW]',
      { 9: new Float32Array(7) },
      'roiAlign: output buffer is shorter than [K,C,PH,PW]',
    ],
    ['zero height', { 4: 0 }, 'roiAlign: input height and width must be >= 1'],
    ['a shape that overflows', { 2: 2 ** 40, 3: 2 ** 40 }, 'roiAlign: input shape overflows'],
  ])('refuses %s with a RangeError', (_, overrides, message) => {
    expect(() => binding.roiAlignSync?.(...alignArgs(overrides))).toThrow(new RangeError(message));
  });

  it('refuses a RoI over the sample budget without hanging', () => {
    const huge = new Float32Array([0, 0, 0, 1e30, 1e30]);
    expect(() => binding.roiAlignSync?.(...alignArgs({ 7: huge, 14: -1 }))).toThrow(
      new RangeError("roiAlign: boxes row 0: the RoI's sampling grid exceeds maxSamplesPerRoi"),
    );
  });

  it('refuses wrong types with a TypeError', () => {
    expect(() => binding.roiAlignSync?.(...alignArgs({ 0: new Float64Array(32) }))).toThrow(
      new TypeError('roi-ops native binding: argument 0 must be a Float32Array'),
    );
    expect(() => binding.roiAlignSync?.(...alignArgs({ 16: 3 }))).toThrow(
      new TypeError('roi-ops native binding: argument 16 must be an integer in range'),
    );
    expect(() => binding.roiAlignSync?.(...alignArgs({ 18: -1 }))).toThrow(
      new TypeError('roi-ops native binding: argument 18 must be an integer in range'),
    );
    expect(() =>
      binding.roiPoolSync?.(input, 0, 1, 2, 4, 4, 0, rois, 1, out, 0, new Float32Array(8), 2, 2, 1, 0, 0),
    ).toThrow(new TypeError('roi-ops native binding: argument 11 must be an Int32Array or null'));
  });

  it('reads 16-bit maps and outputs as Uint16Arrays, as inputType and outputType say', () => {
    const bits = new Uint16Array(32);
    expect(() => binding.roiAlignSync?.(...alignArgs({ 0: bits }))).toThrow(
      new TypeError('roi-ops native binding: argument 0 must be a Float32Array'),
    );
    expect(() => binding.roiAlignSync?.(...alignArgs({ 1: 1 }))).toThrow(
      new TypeError('roi-ops native binding: argument 0 must be a Uint16Array'),
    );
    expect(() => binding.roiAlignSync?.(...alignArgs({ 0: bits, 1: 3 }))).toThrow(
      new TypeError('roi-ops native binding: argument 1 must be an integer in range'),
    );
    expect(() => binding.roiAlignSync?.(...alignArgs({ 10: 2 }))).toThrow(
      new TypeError('roi-ops native binding: argument 9 must be a Uint16Array'),
    );
    expect(() => binding.roiAlignSync?.(...alignArgs({ 0: new Uint16Array(31), 1: 1 }))).toThrow(
      new RangeError('roiAlign: input data is shorter than its shape'),
    );
    expect(() => binding.roiAlignSync?.(...alignArgs({ 0: bits, 1: 2, 9: new Uint16Array(7), 10: 1 }))).toThrow(
      new RangeError('roiAlign: output buffer is shorter than [K,C,PH,PW]'),
    );
    expect(() => binding.roiAlignSync?.(...alignArgs({ 0: bits, 1: 2, 9: new Uint16Array(8), 10: 1 }))).not.toThrow();
  });

  it('refuses an argmax buffer shorter than the output', () => {
    expect(() =>
      binding.roiPoolSync?.(input, 0, 1, 2, 4, 4, 0, rois, 1, out, 0, new Int32Array(3), 2, 2, 1, 0, 0),
    ).toThrow(new RangeError('roiPool: argmax buffer is shorter than [K,C,PH,PW]'));
  });

  it('rejects an async call with bad lengths instead of crashing', async () => {
    await expect(
      callBindingAsync(
        'roiPoolAsync',
        input,
        0,
        1,
        2,
        4,
        4,
        0,
        rois,
        1,
        new Float32Array(2),
        0,
        null,
        2,
        2,
        1,
        0,
        0,
        new Int32Array(1),
      ),
    ).rejects.toThrow(new RangeError('roiPool: output buffer is shorter than [K,C,PH,PW]'));
  });

  it('refuses an async call without the function that it settles with', () => {
    expect(() => binding.roiAlignAsync?.(...alignArgs(), new Int32Array(1))).toThrow(
      new TypeError('roi-ops native binding: argument 20 must be a function'),
    );
    expect(() => binding.roiAlignAsync?.(...alignArgs(), null, 'settle')).toThrow(
      new TypeError('roi-ops native binding: argument 20 must be a function'),
    );
  });
});
