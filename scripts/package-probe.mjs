// The probe the package checks run in a consumer project that installed the tarball
// (scripts/check-package.sh, scripts/test-node-majors.sh copy it there, so that 'roi-ops'
// resolves to the installed package): a 1x2x6x6 map, two boxes, roiAlign 2x2, sync and async,
// through require() or import (the first argument). Prints one JSON line: the architecture,
// what info() says, the roi-ops addon file the OS loaded, the values, and whether sync and
// async agree.
import { createRequire } from 'node:module';

const how = process.argv[2];
if (how !== 'require' && how !== 'import') throw new Error('usage: node package-probe.mjs require|import');
const roi = how === 'require' ? createRequire(import.meta.url)('roi-ops') : await import('roi-ops');

const input = { data: Float32Array.from({ length: 72 }, (_, i) => (i * 7) % 11), shape: [1, 2, 6, 6] };
const boxes = { data: new Float32Array([0, 0.5, 1, 4.5, 5, 0, 2, 0, 5, 3.5]), shape: [2, 5] };
const options = { outputSize: 2, samplingRatio: 2, aligned: true };
const sync = roi.roiAlignSync(input, boxes, options);
const promised = await roi.roiAlign(input, boxes, options);
process.report.excludeNetwork = true;
const addon =
  process.report.getReport().sharedObjects.find((p) => p.endsWith('.node') && p.includes('roi-ops')) ?? null;
console.log(
  JSON.stringify({
    arch: process.arch,
    info: roi.info(),
    addon,
    shape: sync.shape,
    values: Array.from(sync.data),
    same: Array.from(promised.data).join() === Array.from(sync.data).join(),
  }),
);
