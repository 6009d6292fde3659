// info(), setNumThreads(), getNumThreads() and the environment variables of docs/api.md "Runtime".
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { addonPath } from '../../lib/backend/native.js';
import { getNumThreads, info, setNumThreads } from '../../lib/index.js';
import { expectConfiguredBackend } from '../helpers/backend.js';

const root = join(import.meta.dirname, '..', '..');

/** info() as printed by a fresh Node process with `env` added to this project's environment. */
function infoInChild(env: Record<string, string>): { info: Record<string, unknown>; stderr: string } {
  const child = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      "import { info } from './lib/index.ts'; console.log(JSON.stringify(info()))",
    ],
    { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8' },
  );
  expect(child.status).toBe(0);
  return { info: JSON.parse(child.stdout), stderr: child.stderr };
}

describe('runtime', () => {
  it('reports version, backend, instruction set and threads', () => {
    expectConfiguredBackend();
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    const result = info();
    // On the JavaScript backend info() also says why (here: ROI_OPS_FORCE_JS=1).
    // On the addon, which binary: the file loaded and its build (docs/design.md).
    const why = result.native
      ? { addon: { path: addonPath(), build: result.addon?.build } }
      : { fallbackReason: 'ROI_OPS_FORCE_JS=1 selects the JavaScript backend' };
    expect(result).toEqual({ version, native: result.native, simd: result.simd, threads: getNumThreads(), ...why });
    if (result.native) expect(result.addon?.build).toMatch(/^(node-api|node-abi-\d+)$/);
    const levels = process.arch === 'arm64' ? ['neon', 'scalar'] : ['avx512', 'avx2', 'sse2', 'scalar'];
    if (result.native) expect(levels).toContain(result.simd);
    else expect(result.simd).toBe('js');
  });

  it('defaults to os.availableParallelism() threads and follows setNumThreads', () => {
    const { info: fresh } = infoInChild({});
    expect(fresh.threads).toBe(availableParallelism());
    const before = getNumThreads();
    setNumThreads(3);
    expect(info().threads).toBe(3);
    setNumThreads(before);
  });

  it('reads ROI_OPS_NUM_THREADS, and warns about a value it cannot use', () => {
    expect(infoInChild({ ROI_OPS_NUM_THREADS: '3' }).info.threads).toBe(3);
    const bad = infoInChild({ ROI_OPS_NUM_THREADS: 'lots' });
    expect(bad.info.threads).toBe(availableParallelism());
    expect(bad.stderr).toContain('[ROI_OPS_BAD_NUM_THREADS] Warning: ignoring ROI_OPS_NUM_THREADS="lots"');
  });

  it('caps the instruction set with ROI_OPS_SIMD and falls back to JavaScript with ROI_OPS_FORCE_JS', () => {
    const scalar = infoInChild({ ROI_OPS_SIMD: 'scalar' }).info;
    expect(scalar.simd).toBe(scalar.native ? 'scalar' : 'js');
    const baseline = infoInChild({ ROI_OPS_SIMD: process.arch === 'arm64' ? 'neon' : 'sse2' }).info;
    expect(baseline.simd).toBe(baseline.native ? (process.arch === 'arm64' ? 'neon' : 'sse2') : 'js');
    // an unknown value caps nothing: the same choice as no value at all
    expect(infoInChild({ ROI_OPS_SIMD: 'fastest-please' }).info.simd).toBe(infoInChild({ ROI_OPS_SIMD: '' }).info.simd);
    expect(infoInChild({ ROI_OPS_FORCE_JS: '1' }).info).toMatchObject({ native: false, simd: 'js' });
  });
});
