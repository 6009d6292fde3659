// `roi-ops info`: what it reports is what this process sees (info(), the platform, Node), the
// addon it names is the file the OS loaded, and the JavaScript backend says why it runs.
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';

import { beforeAll, describe, expect, it } from 'vitest';

import type { InfoReport } from '../../cli/info.js';
import { info } from '../../lib/index.js';
import { ensureBuilt, runCli } from '../helpers/cli.js';

beforeAll(ensureBuilt, 120_000);

describe('roi-ops info', () => {
  it('--json: the runtime of info(), the addon file loaded, platform, libc, Node and CPU', () => {
    const result = runCli(['info', '--json']);
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout) as InfoReport;
    const { version, native, simd, threads, addon } = info();
    expect(report).toMatchObject({ version, native, simd, threads, addonError: null });
    expect(native).toBe(true); // this project requires the addon
    expect(report.addon).toBe(addon?.path);
    expect(report.addonBuild).toBe(addon?.build);
    expect(report.addonBuild).toMatch(/^(node-api|node-abi-\d+)$/);
    expect(report.addon).toMatch(/(roi_ops|roi-ops\.[\w.]+)\.node$/);
    expect(existsSync(report.addon as string)).toBe(true);
    expect(report).toMatchObject({
      platform: process.platform,
      arch: process.arch,
      node: process.versions.node,
      napi: process.versions.napi,
    });
    if (process.platform === 'linux') expect(['glibc', 'musl']).toContain(report.libc);
    expect(report.cpus).toBe(cpus().length);
    expect(report.cpuModel.length).toBeGreaterThan(0);
    expect(report.environment.ROI_OPS_REQUIRE_NATIVE).toBe('1');
  });

  it('prints a table with one row per subject', () => {
    const result = runCli(['info']);
    expect(result.status).toBe(0);
    const { version, simd, threads, addon } = info();
    const rows = Object.fromEntries(
      result.stdout
        .trimEnd()
        .split('\n')
        .map((line) => [line.slice(0, 11).trim(), line.slice(13)]),
    );
    expect(Object.keys(rows)).toEqual(['roi-ops', 'backend', 'addon', 'platform', 'node', 'cpu', 'environment']);
    expect(rows['roi-ops']).toBe(version);
    expect(rows.backend).toBe(`native, ${simd}, ${threads} thread${threads === 1 ? '' : 's'}`);
    expect(rows.addon).toBe(`${addon?.path} (${addon?.build} build)`);
    expect(rows.platform).toMatch(new RegExp(`^${process.platform} ${process.arch}, OS release `));
    expect(rows.node).toBe(`${process.versions.node}, Node-API ${process.versions.napi}`);
    expect(rows.environment).toContain('ROI_OPS_REQUIRE_NATIVE=1');
  });

  it('on the JavaScript backend: no addon, and why', () => {
    const result = runCli(['info', '--json'], { env: { ...process.env, ROI_OPS_FORCE_JS: '1' } });
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      native: false,
      simd: 'js',
      addon: null,
      addonBuild: null,
      addonError: 'ROI_OPS_FORCE_JS=1 selects the JavaScript backend',
    });
    const text = runCli(['info'], { env: { ...process.env, ROI_OPS_FORCE_JS: '1' } });
    expect(text.stdout).toContain(
      'addon        none loaded\nwhy          ROI_OPS_FORCE_JS=1 selects the JavaScript backend\n',
    );
  });
});
