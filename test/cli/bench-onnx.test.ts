// The suite's section "ONNX detectors end to end" (bench/onnx-detectors.ts) without the real
// models or command: a fake Python stands in for scripts/make-onnx-bench-models.py and a fake
// `roi-ops` prints the JSON of `roi-ops onnx bench --json`, so what is checked is what the suite
// records, when it generates or reuses models, and what it skips with which reason. Times are
// the fake's fixed numbers, never measured.
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import {
  defaultModelCache,
  type OnnxDetector,
  onnxDetectors,
  prepareModels,
  runOnnxDetectors,
} from '../../bench/onnx-detectors.js';
import { renderMarkdown, renderSvg } from '../../bench/report.js';
import type { OnnxDetectorsSection, Report } from '../../bench/types.js';
import { temporaryDirectory } from '../helpers/cli.js';

const directory = temporaryDirectory('bench-onnx');
let files = 0;
/** An executable file in the test's directory. */
function executable(text: string): string {
  const path = join(directory, `program-${files++}`);
  writeFileSync(path, text);
  chmodSync(path, 0o755);
  return path;
}

/** A stand-in for the model script: writes the three model files into its first argument and counts its runs. */
function fakePython(): { python: string; runs: () => number } {
  const counter = join(directory, `python-runs-${files}`);
  const python = executable(
    `#!/bin/sh\n# $1: the script, $2: the output folder\necho run >> '${counter}'\nmkdir -p "$2"\n` +
      onnxDetectors.map((d) => `echo model > "$2/${d.file}"\n`).join(''),
  );
  return { python, runs: () => (existsSync(counter) ? readFileSync(counter, 'utf8').split('\n').length - 1 : 0) };
}

/** A model script (its bytes are hashed into the cache folder's name). */
function modelScript(text = '# version 1\n'): string {
  const path = join(directory, `make-models-${files++}.py`);
  writeFileSync(path, text);
  return path;
}

/** A fake `roi-ops`: for `onnx bench MODEL --threads N --runs R --json`, prints the command's JSON with fixed times. */
const fakeRoiOps = executable(`#!/usr/bin/env node
const [, , onnx, bench, model, , threads, , runs, json] = process.argv;
if (onnx !== 'onnx' || bench !== 'bench' || json !== '--json') { console.error('unexpected ' + process.argv.slice(2).join(' ')); process.exit(2); }
const mask = model.includes('maskrcnn');
console.log(JSON.stringify({
  model, onnxruntime: '1.30.0', threads: Number(threads), runs: Number(runs), inputs: { image: [3, 320, 320] },
  plan: mask ? 'onnxruntime(1723) -> multiScaleRoiAlign -> onnxruntime(171) -> multiScaleRoiAlign -> onnxruntime(56)'
             : 'onnxruntime(1287) -> multiScaleRoiAlign -> onnxruntime(123)',
  wholeModelMs: { median: 120, q1: 110, q3: 130 }, pipelineMs: { median: 80, q1: 75, q3: 90 }, speedup: 1.5,
  outputs: {
    boxes: { dims: [100, 4], pipelineDims: [100, 4], largestDifference: 0 },
    ...(mask ? { masks: { dims: [100, 1, 320, 320], pipelineDims: [100, 1, 320, 320], largestDifference: 1.3e-5 } } : {}),
  },
}));
`);
const command = (file: string) => (args: string[]) => ({ file, args });

function section(overrides: Partial<Parameters<typeof runOnnxDetectors>[0]> = {}): {
  section: OnnxDetectorsSection;
  lines: string[];
} {
  const lines: string[] = [];
  const result = runOnnxDetectors({
    detectors: onnxDetectors,
    mode: 'quick',
    onnxruntime: '1.30.0',
    command: command(fakeRoiOps),
    python: fakePython().python,
    script: modelScript(),
    cache: join(directory, `cache-${files++}`),
    log: (line) => lines.push(line),
    ...overrides,
  });
  return { section: result, lines };
}

describe('bench/onnx-detectors.ts: the suite section "ONNX detectors end to end"', () => {
  it('names its rows O1-O3 for --only, the three models of scripts/make-onnx-bench-models.py', () => {
    expect(onnxDetectors.map((d) => [d.id, d.file])).toEqual([
      ['O1', 'fasterrcnn_mobilenet_v3_large_320_fpn-opset11.onnx'],
      ['O2', 'fasterrcnn_mobilenet_v3_large_320_fpn-opset16.onnx'],
      ['O3', 'maskrcnn_resnet50_fpn-opset16.onnx'],
    ]);
    const script = readFileSync(join(import.meta.dirname, '..', '..', 'scripts', 'make-onnx-bench-models.py'), 'utf8');
    expect(script).toContain('fasterrcnn_mobilenet_v3_large_320_fpn-opset{opset}.onnx');
    expect(script).toContain('"maskrcnn_resnet50_fpn-opset16.onnx"');
  });

  it('records each model at 1 and 2 threads with what `roi-ops onnx bench --json` printed', () => {
    const { section: result, lines } = section();
    expect(result.results.map((r) => [r.detector, r.threads, r.status, r.runs])).toEqual([
      ['O1', 1, 'ok', 5],
      ['O1', 2, 'ok', 5],
      ['O2', 1, 'ok', 5],
      ['O2', 2, 'ok', 5],
      ['O3', 1, 'ok', 1],
      ['O3', 2, 'ok', 1],
    ]);
    const mask = result.results[4];
    expect(mask).toMatchObject({
      model: 'maskrcnn_resnet50_fpn-opset16.onnx',
      onnxruntime: '1.30.0',
      wholeModelMs: { median: 120, q1: 110, q3: 130 },
      pipelineMs: { median: 80, q1: 75, q3: 90 },
      speedup: 1.5,
      // The largest over every output: the masks' here, the boxes' 0.
      largestDifference: 1.3e-5,
    });
    expect(mask?.plan).toContain('multiScaleRoiAlign -> onnxruntime(171) -> multiScaleRoiAlign');
    expect(result.results[0]?.largestDifference).toBe(0);
    expect(result.models).toMatch(/make-models-\d+-[0-9a-f]{12} \(generated in \d+ s\)$/);
    expect(lines).toContain(
      'O1 fasterrcnn_mobilenet_v3_large_320_fpn-opset11.onnx, 2 threads: whole model 120.0 ms, pipeline 80.0 ms: 1.50x, largest output difference 0 (5 runs; onnxruntime(1287) -> multiScaleRoiAlign -> onnxruntime(123))',
    );
  });

  it('--full runs more', () => {
    const detectors = onnxDetectors.filter((d) => d.id === 'O3');
    const { section: result } = section({ detectors, mode: 'full' });
    expect(result.results.map((r) => [r.detector, r.threads, r.runs])).toEqual([
      ['O3', 1, 8],
      ['O3', 2, 8],
    ]);
  });

  it('generates the models once per version of the script, then reuses them; a new script version makes new ones', () => {
    const cache = join(directory, 'shared-cache');
    const { python, runs } = fakePython();
    const script = modelScript('# version 1\n');
    const log = () => {};
    const first = prepareModels({ python, script, cache, log });
    expect(first).toMatchObject({ generatedSeconds: expect.any(Number) });
    const second = prepareModels({ python, script, cache, log });
    expect(second).toEqual({ directory: (first as { directory: string }).directory });
    expect(runs()).toBe(1);
    // Reused with no Python at all.
    expect(prepareModels({ python: undefined, script, cache, log })).toEqual(second);

    writeFileSync(script, '# version 2\n');
    const third = prepareModels({ python, script, cache, log });
    expect(runs()).toBe(2);
    expect((third as { directory: string }).directory).not.toBe((first as { directory: string }).directory);
    // Only the finished folders remain: no half-written one.
    expect(readdirSync(cache).filter((name) => name.includes('partial'))).toEqual([]);
    expect(readdirSync(cache)).toHaveLength(2);
  });

  it('without a Python that imports torchvision, every row is skipped, saying so', () => {
    const { section: result, lines } = section({ python: undefined });
    expect(result.results).toHaveLength(6);
    for (const r of result.results) {
      expect(r.status).toBe('skipped');
      expect(r.reason).toBe(
        'skipped: the models are not made yet and no Python here imports torchvision ($ROI_OPS_BENCH_PYTHON, python3 and /usr/bin/python3 tried; Debian: apt-get install python3-torchvision python3-onnx)',
      );
    }
    expect(result.models).toBe(result.results[0]?.reason);
    expect(lines).toHaveLength(3);
  });

  it('a model script that fails: skipped with its stderr last line, and nothing left in the cache', () => {
    const python = executable(
      `#!/bin/sh\nmkdir -p "$2"; echo half > "$2/${onnxDetectors[0]?.file}"\necho 'Traceback (most recent call last):' >&2\necho "ModuleNotFoundError: No module named 'onnx'" >&2\nexit 1\n`,
    );
    const cache = join(directory, 'failing-cache');
    const script = modelScript();
    const { section: result } = section({ python, cache, script });
    expect(result.results[0]?.status).toBe('skipped');
    expect(result.results[0]?.reason).toBe(
      `skipped: generating the models failed (${python} ${script}): exit 1: ModuleNotFoundError: No module named 'onnx'`,
    );
    expect(readdirSync(cache)).toEqual([]);
  });

  it('a script that writes no model is skipped, naming the missing files', () => {
    const python = executable('#!/bin/sh\nmkdir -p "$2"\n');
    const script = modelScript();
    const { section: result } = section({ python, script, detectors: onnxDetectors.slice(0, 1) });
    expect(result.results[0]?.reason).toBe(
      `skipped: ${script} ran but did not write ${onnxDetectors.map((d) => d.file).join(', ')}`,
    );
  });

  it('skips every row without onnxruntime-node or a built command line, before making any model', () => {
    const { python, runs } = fakePython();
    const noOrt = section({ onnxruntime: undefined, python });
    expect(noOrt.section.results.map((r) => r.reason)).toEqual(
      new Array(6).fill('skipped: onnxruntime-node not installed'),
    );
    const noCli = section({ command: { missing: '/x/dist/cli.js is not built (npm run build:ts builds it)' }, python });
    expect(noCli.section.results[5]?.reason).toBe('skipped: /x/dist/cli.js is not built (npm run build:ts builds it)');
    expect(runs()).toBe(0);
  });

  it('a command that fails or prints another shape is an error row naming what came', () => {
    const detectors: OnnxDetector[] = onnxDetectors.slice(1, 2);
    const failing = executable(
      `#!/usr/bin/env node\nconsole.error('RangeError: model.onnx: no RoI node'); process.exit(1);\n`,
    );
    const failed = section({ detectors, command: command(failing) }).section.results[0];
    expect(failed?.status).toBe('error');
    expect(failed?.reason).toMatch(
      /^roi-ops onnx bench \S+fasterrcnn_mobilenet_v3_large_320_fpn-opset16\.onnx --threads 1 --runs 5 --json: exit 1: RangeError: model\.onnx: no RoI node$/,
    );

    // A roi-ops without the command: its own error line, not the usage that follows it.
    const older = executable(
      `#!/bin/sh\necho "roi-ops: unknown command 'onnx'" >&2\necho >&2\necho 'Usage: roi-ops <command> [options]' >&2\nexit 2\n`,
    );
    expect(section({ detectors, command: command(older) }).section.results[0]?.reason).toMatch(
      /--json: exit 2: roi-ops: unknown command 'onnx'$/,
    );

    const odd = executable(
      `#!/usr/bin/env node\nconsole.log(JSON.stringify({ model: 'm', onnxruntime: '1.30.0', plan: 'p', threads: 1, runs: 5, speedup: 1, wholeModelMs: { median: 1 }, pipelineMs: { median: 1, q1: 1, q3: 1 }, outputs: {} }));\n`,
    );
    expect(section({ detectors, command: command(odd) }).section.results[0]?.reason).toBe(
      'roi-ops onnx bench printed an unexpected report: "wholeModelMs" is {"median":1}, expected { median, q1, q3 } numbers',
    );
    const text = executable('#!/bin/sh\necho whole model 120 ms\n');
    expect(section({ detectors, command: command(text) }).section.results[0]?.reason).toMatch(
      /--json: printed no JSON report: "whole model 120 ms"$/,
    );
  });

  it('keeps the cache outside the repository: $XDG_CACHE_HOME, else ~/.cache', () => {
    expect(defaultModelCache({ XDG_CACHE_HOME: '/var/cache/me' })).toBe('/var/cache/me/roi-ops/onnx-models');
    expect(defaultModelCache({})).toMatch(/\/\.cache\/roi-ops\/onnx-models$/);
  });

  it('the report shows the rows as a table, and as bars in the chart', () => {
    const { section: measured } = section({ detectors: onnxDetectors.slice(2) });
    const { section: skipped } = section({ detectors: onnxDetectors.slice(0, 1), onnxruntime: undefined });
    const report: Report = {
      command: 'npm run bench -- --only=O1,O3',
      date: '2026-12-07 18:00 UTC',
      mode: 'quick',
      durationSeconds: 1,
      baseline: 'roi-ops native sync, 1 thread',
      machine: { cpu: 'cpu', cores: 2, simdFlags: [], os: 'linux' },
      versions: {},
      contenders: [],
      workloads: [],
      results: [],
      notes: [],
      onnxDetectors: { models: measured.models, results: [...skipped.results, ...measured.results] },
    };
    const markdown = renderMarkdown(report);
    expect(markdown).toContain('## ONNX detectors end to end');
    expect(markdown).toContain(
      '| O1 | fasterrcnn_mobilenet_v3_large_320_fpn-opset11.onnx | 1 | skipped | skipped: onnxruntime-node not installed | | | | |',
    );
    expect(markdown).toContain(
      '| O3 | maskrcnn_resnet50_fpn-opset16.onnx | 2 | 120.0 (110.0..130.0) | 80.00 (75.00..90.00) | 1.50× | 1.3e-5 | 1 | `onnxruntime(1723) -> multiScaleRoiAlign -> onnxruntime(171) -> multiScaleRoiAlign -> onnxruntime(56)` |',
    );
    const svg = renderSvg(report);
    expect(svg).toContain('O3: maskrcnn_resnet50_fpn-opset16.onnx end to end');
    expect(svg).toContain('roi-ops/onnx pipeline, 2 threads');
    expect(svg).toContain('80.00 ms (1.50× faster)');
    expect(svg).toContain('skipped: onnxruntime-node not installed');
  });
});
