// The loader when no binary fits (lib/backend/index.ts): on a copy of the built package that
// has no build/ and no usable prebuild, roi-ops runs on the JavaScript backend with one
// ROI_OPS_NO_NATIVE warning per process, info() and `roi-ops info` say why, and
// ROI_OPS_REQUIRE_NATIVE=1 turns it into an error that lists platform, architecture, libc,
// Node and Node-API versions, the prebuilds that were there, the reason and the fixes.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { addonPath } from '../../lib/backend/native.js';
import { ensureBuilt, root } from '../helpers/cli.js';

/**
 * The package as installed, minus any binary: package.json, the built entry points, the CLI and
 * the chunks of code they share (tsup splits what the ESM entries have in common).
 */
function copyWithoutBinary(): string {
  const dir = mkdtempSync(join(tmpdir(), 'roi-ops-no-binary-'));
  mkdirSync(join(dir, 'dist'));
  copyFileSync(join(root, 'package.json'), join(dir, 'package.json'));
  for (const file of readdirSync(join(root, 'dist')).filter((name) => /\.c?js$/.test(name)))
    copyFileSync(join(root, 'dist', file), join(dir, 'dist', file));
  // its dependencies (node-gyp-build) as an install has them
  symlinkSync(realpathSync(join(root, 'node_modules')), join(dir, 'node_modules'), 'dir');
  return dir;
}

let bare: string; // no binary at all
let muslOnly: string; // only a prebuild for another libc: skipped by node-gyp-build on glibc

beforeAll(() => {
  ensureBuilt();
  bare = copyWithoutBinary();
  muslOnly = copyWithoutBinary();
  mkdirSync(join(muslOnly, 'prebuilds', 'linux-x64'), { recursive: true });
  writeFileSync(join(muslOnly, 'prebuilds', 'linux-x64', 'roi-ops.musl.node'), '');
}, 120_000);

afterAll(() => {
  for (const dir of [bare, muslOnly]) if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Runs node in `cwd` with this environment minus every ROI_OPS_* variable, plus `env`. */
function run(cwd: string, args: string[], env: Record<string, string> = {}) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('ROI_OPS_')));
  return spawnSync(process.execPath, args, { cwd, encoding: 'utf8', env: { ...clean, ...env } });
}

/** An ESM program in `cwd`; prints one JSON line. */
function runModule(cwd: string, code: string, env: Record<string, string> = {}) {
  const child = run(cwd, ['--input-type=module', '-e', code], env);
  expect(child.status, child.stderr).toBe(0);
  return { result: JSON.parse(child.stdout), stderr: child.stderr };
}

// Loads the ESM and the CommonJS build (two module instances, as in a dual-package process)
// and calls many functions of each, sync and async.
const manyCalls = `
  import { createRequire } from 'node:module';
  const warnings = [];
  process.on('warning', (w) => warnings.push({ name: w.name, code: w.code, message: w.message }));
  const esm = await import('./dist/index.js');
  const cjs = createRequire(import.meta.url)('./dist/index.cjs');
  const input = { data: new Float32Array(16).map((_, i) => i), shape: [1, 1, 4, 4] };
  const boxes = { data: new Float32Array([0, 0, 0, 3, 3]), shape: [1, 5] };
  const values = [];
  for (const roi of [esm, cjs]) {
    for (let i = 0; i < 3; i++) values.push(Array.from(roi.roiPoolSync(input, boxes, { outputSize: 2 }).data));
    values.push(Array.from((await roi.roiPool(input, boxes, { outputSize: 2 })).data));
    roi.roiAlignSync(input, boxes, { outputSize: 2 });
    await roi.roiAlign(input, boxes, { outputSize: 2 });
    roi.setNumThreads(2);
    roi.getNumThreads();
  }
  await new Promise((resolve) => setTimeout(resolve, 10)); // warnings are emitted on a later tick
  console.log(JSON.stringify({ warnings, values, esm: esm.info(), cjs: cjs.info() }));
`;

const noBuild =
  /^No native build was found for platform=\S+ arch=\S+ runtime=node abi=\d+ uv=\d+ libc=\S+ node=\S+\n\s*loaded from: /;

describe('no binary: the JavaScript backend', () => {
  it('warns once per process, with the code ROI_OPS_NO_NATIVE, however many calls and module instances', () => {
    const { result, stderr } = runModule(bare, manyCalls);
    expect(result.warnings).toHaveLength(1);
    const [warning] = result.warnings;
    expect(warning.name).toBe('Warning');
    expect(warning.code).toBe('ROI_OPS_NO_NATIVE');
    expect(warning.message).toMatch(
      /^roi-ops: no native build loaded \(No native build was found for platform=\S+ arch=\S+ .*\); using the JavaScript backend, which is much slower\. `npx roi-ops info` shows why; ROI_OPS_REQUIRE_NATIVE=1 makes this an error that lists the fixes\.$/,
    );
    expect(stderr.match(/\[ROI_OPS_NO_NATIVE\] Warning: roi-ops: no native build loaded/g)).toHaveLength(1);
    // every call ran, on the JavaScript backend, with the right numbers
    expect(result.values).toHaveLength(8);
    for (const values of result.values) expect(values).toEqual([5, 7, 13, 15]);
  });

  it('info() reports the JavaScript backend and why the addon is not in use', () => {
    const { result } = runModule(bare, manyCalls);
    for (const runtime of [result.esm, result.cjs]) {
      expect(runtime).toMatchObject({ native: false, simd: 'js', threads: 2 });
      expect(runtime.fallbackReason).toMatch(noBuild);
      expect(runtime.fallbackReason).toContain(`loaded from: ${bare}`);
    }
  });

  it('ROI_OPS_FORCE_JS=1 is a choice: no warning, and info() names the variable', () => {
    const { result, stderr } = runModule(bare, manyCalls, { ROI_OPS_FORCE_JS: '1' });
    expect(result.warnings).toEqual([]);
    expect(stderr).not.toContain('ROI_OPS_NO_NATIVE');
    expect(result.esm).toMatchObject({
      native: false,
      simd: 'js',
      fallbackReason: 'ROI_OPS_FORCE_JS=1 selects the JavaScript backend',
    });
  });

  it('`roi-ops info` names no addon and gives the load error', () => {
    const child = run(bare, ['dist/cli.js', 'info', '--json']);
    expect(child.status, child.stderr).toBe(0);
    const report = JSON.parse(child.stdout);
    expect(report).toMatchObject({ native: false, simd: 'js', addon: null });
    expect(report.addonError).toMatch(noBuild);
    expect(child.stderr.match(/\[ROI_OPS_NO_NATIVE\]/g)).toHaveLength(1);
  });
});

describe('no binary and ROI_OPS_REQUIRE_NATIVE=1: an error', () => {
  const requireNative = `
    const roi = await import('./dist/index.js');
    const warnings = [];
    process.on('warning', (w) => warnings.push(w.code));
    const input = { data: new Float32Array(16), shape: [1, 1, 4, 4] };
    const errors = [];
    const attempts = [
      () => roi.roiPoolSync(input, { data: new Float32Array([0, 0, 0, 3, 3]), shape: [1, 5] }, { outputSize: 2 }),
      () => roi.info(),
    ];
    for (const attempt of attempts) {
      try {
        attempt();
        errors.push(null);
      } catch (e) {
        errors.push({ name: e.name, code: e.code, message: e.message, cause: e.cause?.message });
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
    process.report.excludeNetwork = true;
    const { glibcVersionRuntime } = process.report.getReport().header;
    console.log(JSON.stringify({ errors, warnings, glibcVersionRuntime: glibcVersionRuntime ?? null }));
  `;

  /** The message the loader must give, around the reason it was given by node-gyp-build. */
  function expectedMessage(reason: string, prebuilds: string, glibc: string | null): string {
    const libc =
      process.platform !== 'linux'
        ? `not applicable (${process.platform})`
        : glibc !== null
          ? `glibc ${glibc}`
          : 'musl';
    return [
      'roi-ops: the native addon could not be loaded, and ROI_OPS_REQUIRE_NATIVE=1 rules out the JavaScript backend.',
      `  platform:     ${process.platform}`,
      `  architecture: ${process.arch}`,
      `  libc:         ${libc}`,
      `  node:         ${process.versions.node}`,
      `  node-api:     ${process.versions.napi} (the addon needs 8 or newer)`,
      `  prebuilds:    ${prebuilds}`,
      `  reason:       ${reason
        .trim()
        .split('\n')
        .map((line) => line.trim())
        .join('\n                ')}`,
      '  fixes:',
      '    - build the addon from source: npm rebuild roi-ops --build-from-source, with a C++17 compiler,',
      '      make and Python 3 installed (Debian/Ubuntu: apt-get install g++ make python3; Alpine: apk add',
      '      build-base python3; macOS: xcode-select --install)',
      '    - or install roi-ops where a prebuild listed above fits (same platform, architecture and libc, a',
      '      glibc at least as new as the one it was built on), and keep its prebuilds/ directory: a bundler',
      '      must leave roi-ops external, a deployment must copy node_modules/roi-ops whole',
      '    - or unset ROI_OPS_REQUIRE_NATIVE to run on the JavaScript backend (the same results, much slower)',
    ].join('\n');
  }

  it('lists platform, architecture, libc, Node, Node-API, the reason and the fixes; no warning, no fallback', () => {
    const { result } = runModule(bare, requireNative, { ROI_OPS_REQUIRE_NATIVE: '1' });
    expect(result.warnings).toEqual([]);
    // every call fails the same way: no backend was cached
    expect(result.errors).toHaveLength(2);
    expect(result.errors[1]).toEqual(result.errors[0]);
    const [error] = result.errors;
    expect(error).toMatchObject({ name: 'Error', code: 'ROI_OPS_NO_NATIVE' });
    expect(error.cause).toMatch(noBuild);
    expect(error.message).toBe(
      expectedMessage(error.cause, 'none (this install has no prebuilds directory)', result.glibcVersionRuntime),
    );
  });

  it('names the prebuilds that are there when none fits (a musl prebuild on glibc)', () => {
    const { result } = runModule(muslOnly, requireNative, { ROI_OPS_REQUIRE_NATIVE: '1' });
    const [error] = result.errors;
    expect(error.code).toBe('ROI_OPS_NO_NATIVE');
    expect(error.message).toBe(
      expectedMessage(error.cause, 'linux-x64 (roi-ops.musl.node)', result.glibcVersionRuntime),
    );
    if (result.glibcVersionRuntime !== null) expect(error.cause).toMatch(noBuild);
  });

  it('`roi-ops info` prints the report and fails', () => {
    const child = run(bare, ['dist/cli.js', 'info', '--json'], { ROI_OPS_REQUIRE_NATIVE: '1' });
    expect(child.status).not.toBe(0);
    const report = JSON.parse(child.stdout);
    expect(report).toMatchObject({
      native: false,
      simd: null,
      addon: null,
      environment: { ROI_OPS_REQUIRE_NATIVE: '1' },
    });
    expect(report.addonError).toContain('ROI_OPS_REQUIRE_NATIVE=1 rules out the JavaScript backend');
    expect(report.addonError).toContain(`  architecture: ${process.arch}\n`);
  });
});

// Which Node majors a binary loads on (native/addon/call_memory.h): the Node-API build on
// every one; a per-ABI build, which uses V8's BackingStore beneath Node-API, only on the
// NODE_MODULE_VERSION it was built for, whatever its file's tags say. Another major is
// simulated by changing what process.versions.modules reports before the addon loads.
describe('a Node major the binary was not built for', () => {
  const otherAbi = `Object.defineProperty(process.versions, 'modules', { value: '999' });`;
  const build = (createRequire(import.meta.url)(addonPath()) as { addonBuild(): string }).addonBuild();
  const thisBinary = { ROI_OPS_ADDON_PATH: addonPath() }; // the build under test, in the child too
  const refusal =
    'roi-ops: this addon was built for NODE_MODULE_VERSION ' +
    `${process.versions.modules} and uses V8's BackingStore API, but this Node is NODE_MODULE_VERSION 999; ` +
    'rebuild it for this Node (npm rebuild roi-ops --build-from-source)';

  it(`loads the Node-API build natively, and a per-ABI build falls back saying why (this is ${build})`, () => {
    expect(build).toMatch(/^(node-api|node-abi-\d+)$/);
    const { result } = runModule(
      root,
      `${otherAbi}
      const roi = await import('./dist/index.js');
      console.log(JSON.stringify(roi.info()));`,
      thisBinary,
    );
    if (build === 'node-api') {
      expect(result).toMatchObject({ native: true, addon: { path: addonPath(), build: 'node-api' } });
      expect(result.fallbackReason).toBeUndefined();
    } else {
      expect(result.native).toBe(false);
      expect(result.fallbackReason).toContain(refusal);
    }
  });

  it('under ROI_OPS_REQUIRE_NATIVE=1: the Node-API build computes, a per-ABI build is an error', () => {
    const child = run(
      root,
      [
        '--input-type=module',
        '-e',
        `${otherAbi}
      const roi = await import('./dist/index.js');
      const input = { data: new Float32Array(16).map((_, i) => i), shape: [1, 1, 4, 4] };
      const y = await roi.roiPool(input, { data: new Float32Array([0, 0, 0, 3, 3]), shape: [1, 5] }, { outputSize: 2 });
      console.log(JSON.stringify(Array.from(y.data)));`,
      ],
      { ...thisBinary, ROI_OPS_REQUIRE_NATIVE: '1' },
    );
    if (build === 'node-api') {
      expect(child.status, child.stderr).toBe(0);
      expect(JSON.parse(child.stdout)).toEqual([5, 7, 13, 15]);
    } else {
      expect(child.status).not.toBe(0);
      expect(child.stderr).toContain('this Node is NODE_MODULE_VERSION 999');
    }
  });
});
