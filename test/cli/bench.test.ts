// `roi-ops bench` as users run it: the built CLI starts the suite built into dist/bench/, in a
// fresh directory, on the smallest run the suite allows (the tiny workload W5, the baseline and
// the JavaScript backend: a few seconds). Times are never judged; what is checked is that the
// run completes, writes its results where the user is, and records what it ran.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import type { Report } from '../../bench/types.js';
import { ensureBuilt, runCli, temporaryDirectory } from '../helpers/cli.js';

beforeAll(ensureBuilt, 120_000);

describe('roi-ops bench', () => {
  const cwd = temporaryDirectory('bench-test');

  it('runs a quick W5 on the baseline and the JavaScript backend, writing ./roi-ops-bench/', () => {
    const result = runCli(['bench', '--only', 'W5', '--contenders', 'JavaScript'], { cwd });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('W5 roi-ops native sync, 1 thread');
    expect(result.stdout).toContain('wrote roi-ops-bench/quick.json, quick.md and quick.svg');
    for (const file of ['quick.json', 'quick.md', 'quick.svg'])
      expect(existsSync(join(cwd, 'roi-ops-bench', file)), file).toBe(true);

    const report = JSON.parse(readFileSync(join(cwd, 'roi-ops-bench', 'quick.json'), 'utf8')) as Report;
    expect(report.command).toBe('roi-ops bench --only W5 --contenders JavaScript');
    expect(report.mode).toBe('quick');
    expect(report.workloads.map((w) => w.id)).toEqual(['W5']);
    // --only named no ONNX detector: the section is left out, not skipped.
    expect(report.onnxDetectors).toBeUndefined();
    // The baseline of the ratios and the roi-ops side of the targets run whatever --contenders
    // selects, so the W5 target is measured.
    expect(report.results.map((r) => [r.contender, r.status])).toEqual([
      ['roi-ops native sync, 1 thread', 'ok'],
      ['roi-ops native sync, 1 thread, reused out', 'ok'],
      ['roi-ops JavaScript', 'ok'],
    ]);
    const perCall = report.targets?.find((t) => t.target === 'W5 tiny, per synchronous call');
    expect(perCall?.met, perCall?.measured).not.toBeNull();
    // The asynchronous contender was left out: its target says so.
    expect(report.targets?.find((t) => t.target === 'W5 tiny, per asynchronous call')?.measured).toBe(
      'not measured: "roi-ops native async, 1 thread" did not run',
    );
    // The baseline ran on the addon in its child (it would be an error otherwise).
    expect((report.machine.roiOps as { native: boolean }).native).toBe(true);
  }, 60_000);

  it('--json prints the report on stdout and --out chooses the folder', () => {
    const out = join(cwd, 'elsewhere');
    const result = runCli(['bench', '--only', 'W5', '--contenders', 'JavaScript', '--out', out, '--json'], { cwd });
    expect(result.status, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.command).toBe(`roi-ops bench --only W5 --contenders JavaScript --out ${out} --json`);
    expect(result.stderr).toContain('W5 roi-ops JavaScript');
    expect(JSON.parse(readFileSync(join(out, 'quick.json'), 'utf8'))).toEqual(report);
  }, 60_000);

  it('an unknown workload is a usage error (exit 2), and --help shows the options and examples', () => {
    const result = runCli(['bench', '--only', 'W99'], { cwd });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--only: unknown workload W99 (the workloads are W1,');
    const onnx = runCli(['bench', '--only', 'O1,O9'], { cwd });
    expect(onnx.status).toBe(2);
    expect(onnx.stderr).toContain('; the ONNX detectors O1, O2, O3)');
    expect(onnx.stderr).toMatch(/^--only: unknown workload O9 \(/);
    const help = runCli(['bench', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain(
      'Usage: roi-ops bench [--full] [--only W1,W3] [--contenders WORDS] [--out DIR] [--json]',
    );
    expect(help.stdout).toContain('roi-ops bench --only W5 --contenders JavaScript --json');
    expect(runCli(['--help']).stdout).toMatch(/^ {2}bench +run the benchmark suite/m);
  });
});
