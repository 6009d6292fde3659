// docs/api.md "Mistakes that run": a call whose every box lies outside the map (a forgotten
// spatialScale; cropAndResize boxes in pixels rather than normalized) emits one process warning,
// code ROI_OPS_BOXES_OUTSIDE, once per process and operator (its Sync and async forms together),
// and none when any box reaches the map. The warnings are remembered per process, and each test
// file runs in its own process: the tests that expect no warning run first, each on an operator
// that has not warned yet, so that their silence is not the once-per-process rule's.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import * as roiOps from '../../lib/index.js';
import { expectConfiguredBackend } from '../helpers/backend.js';

const code = 'ROI_OPS_BOXES_OUTSIDE';

/** The ROI_OPS_BOXES_OUTSIDE warnings emitted while `run` runs (they are emitted on the next tick). */
async function warningsOf(run: () => unknown): Promise<string[]> {
  const seen: string[] = [];
  const listener = (warning: Error & { code?: string }) => {
    if (warning.code === code) seen.push(warning.message);
  };
  process.on('warning', listener);
  try {
    await run();
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', listener);
  }
  return seen;
}

// A stride-16 map of a 160x240 image, and proposals in image pixels.
const input = { data: Float32Array.from({ length: 2 * 4 * 10 * 15 }, (_, i) => 1 + (i % 5)), shape: [2, 4, 10, 15] };
const pixelBoxes = [
  [0, 8, 4, 120, 150],
  [1, 100, 20, 230, 90],
];
const stride = 1 / 16;

describe('no warning', () => {
  it('runs on the configured backend', () => {
    expectConfiguredBackend();
  });

  it('when the boxes are scaled onto the map, or one box reaches it', async () => {
    expect(
      await warningsOf(() => roiOps.roiAlignSync(input, pixelBoxes, { outputSize: 2, spatialScale: stride })),
    ).toEqual([]);
    // Unscaled, the first box still overlaps the 10x15 map: its output is not all zeros, nothing to warn of.
    expect(await warningsOf(() => roiOps.roiAlign(input, pixelBoxes, { outputSize: 2 }))).toEqual([]);
    // Within the -1 band of the bilinear sample (docs/semantics.md "The bilinear sample") is still on the map.
    expect(await warningsOf(() => roiOps.roiAlignSync(input, [[0, -3, -3, -0.5, -0.5]], { outputSize: 1 }))).toEqual(
      [],
    );
    // A rotated box whose centre is off the map but whose corner reaches it.
    expect(await warningsOf(() => roiOps.roiAlignRotatedSync(input, [[0, 17, 5, 6, 2, 0]], { outputSize: 1 }))).toEqual(
      [],
    );
  });

  it('for no boxes, and for rows the policy pools to zeros', async () => {
    expect(await warningsOf(() => roiOps.roiPoolSync(input, [], { outputSize: 2 }))).toEqual([]);
    const invalid = [[5, 1000, 1000, 2000, 2000]]; // batch index 5 of 2: zeros by policy, not by position
    expect(await warningsOf(() => roiOps.roiPoolSync(input, invalid, { outputSize: 2, invalidBoxes: 'zero' }))).toEqual(
      [],
    );
  });

  it('for cropAndResize boxes inside the unit square, or on an axis of one pixel', async () => {
    const image = { data: new Float32Array(2 * 1 * 9 * 3), shape: [2, 1, 9, 3] }; // NHWC: images 1 high, 9 wide
    expect(await warningsOf(() => roiOps.cropAndResizeSync(image, [[0, 0, 1, 1]], [0], 2))).toEqual([]);
    // y of 2 to 5 is outside [0, 1], but the image is 1 pixel high: TensorFlow reads row 0 whatever y is.
    expect(await warningsOf(() => roiOps.cropAndResizeSync(image, [[2, 0.5, 5, 0.5]], [0], 2))).toEqual([]);
  });
});

describe('every box outside the map', () => {
  it('warns once, naming the likely cause and how to silence it, and pools zeros', async () => {
    const far = [[0, 480, 320, 700, 500]];
    let result: roiOps.Tensor | undefined;
    const warnings = await warningsOf(async () => {
      result = roiOps.psRoiAlignSync(input, far, { outputSize: 2 });
    });
    expect(warnings).toEqual([
      'psRoiAlign: the one box lies outside the 10x15 map at spatialScale 1, so the output is zeros. Boxes are in ' +
        'image coordinates and spatialScale maps them onto the map: was it forgotten (1/16 for a stride-16 map)? ' +
        `(shown once per process for psRoiAlign; node --disable-warning=${code} silences it)`,
    ]);
    expect(result?.data.every((v) => v === 0)).toBe(true);
    // The same operator again, sync or async: no second warning.
    expect(await warningsOf(() => roiOps.psRoiAlign(input, far, { outputSize: 2 }))).toEqual([]);
    expect(await warningsOf(() => roiOps.psRoiAlignSync(input, far, { outputSize: 2 }))).toEqual([]);
  });

  it('once for each operator, async forms included', async () => {
    const far = [
      [0, 400, 400, 600, 600],
      [1, -300, 10, -100, 90],
    ];
    const rotated = [[0, 500, 500, 40, 20, 30]];
    const calls: Array<[string, () => unknown]> = [
      ['roiAlign', () => roiOps.roiAlign(input, far, { outputSize: 2, spatialScale: 0.5 })],
      ['roiPool', () => roiOps.roiPoolSync(input, far, { outputSize: 2 })],
      ['psRoiPool', () => roiOps.psRoiPool(input, far, { outputSize: 2 })],
      ['preciseRoiPool', () => roiOps.preciseRoiPoolSync(input, far, { outputSize: 2 })],
      ['roiAlignRotated', () => roiOps.roiAlignRotated(input, rotated, { outputSize: 2 })],
      ['spatialPyramidPool', () => roiOps.spatialPyramidPoolSync(input, { boxes: far })],
      [
        'multiScaleRoiAlign',
        () => roiOps.multiScaleRoiAlignSync([input, input], far, { outputSize: 2, scales: [1, 0.5] }),
      ],
    ];
    for (const [operator, call] of calls) {
      const warnings = await warningsOf(call);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(new RegExp(`^${operator}: (all 2 boxes lie|the one box lies) outside the 10x15 map`));
      expect(await warningsOf(call)).toEqual([]);
    }
  });

  it('cropAndResize: boxes in pixels rather than normalized', async () => {
    const image = { data: new Float32Array(1 * 8 * 8 * 1), shape: [1, 8, 8, 1] };
    expect(await warningsOf(() => roiOps.cropAndResize(image, [[2, 2, 6, 6]], [0], 2))).toEqual([
      'cropAndResize: the one box lies outside the image, so every crop is extrapolationValue. Boxes are normalized ' +
        '(y1, x1, y2, x2): 0 is the first pixel, 1 the last; divide pixel coordinates by height - 1 and width - 1 ' +
        `(shown once per process for cropAndResize; node --disable-warning=${code} silences it)`,
    ]);
  });

  it('is printed by Node, and silenced by --disable-warning as the message says', () => {
    const script = [
      `import { roiAlignSync } from ${JSON.stringify(join(import.meta.dirname, '..', '..', 'lib', 'index.ts'))};`,
      'const input = { data: new Float32Array(100), shape: [1, 1, 10, 10] };',
      'roiAlignSync(input, [[0, 100, 100, 200, 200]], { outputSize: 1 });',
      'roiAlignSync(input, [[0, 100, 100, 200, 200]], { outputSize: 1 });',
    ].join('\n');
    const run = (...flags: string[]) =>
      spawnSync(process.execPath, [...flags, '--import', 'tsx', '--input-type=module', '-e', script], {
        encoding: 'utf8',
        env: { ...process.env, NODE_OPTIONS: '' },
      });
    const printed = run();
    expect(printed.status).toBe(0);
    const lines = printed.stderr.split('\n').filter((line) => line.includes(code));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\(node:\d+\) \[ROI_OPS_BOXES_OUTSIDE\] Warning: roiAlign: the one box lies outside/);
    const silenced = run(`--disable-warning=${code}`);
    expect(silenced.status).toBe(0);
    expect(silenced.stderr).not.toContain(code);
  });
});
