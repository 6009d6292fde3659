// `roi-ops batch` spread over tasks as schedulers and GNU parallel run it: with --shard i/n
// under parallel, and with --shard auto from each array-job scheduler's variables, the
// union of the shards' outputs is byte for byte the unsharded run, and every shard says
// which shard it ran and where that came from.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { writeNpy } from '../../cli/io/npy.js';
import { schedulers } from '../../cli/shard.js';
import { cli, ensureBuilt, listOutputs, pattern, runCli, temporaryDirectory } from '../helpers/cli.js';

const dir = temporaryDirectory('shards');
const jobCount = 7;
const outputs = Array.from({ length: jobCount }, (_, j) => `job${j}.npy`);

/** Runs `roi-ops batch jobs.jsonl --out-dir OUT ...extra` in `dir`, with `env` added. */
const batch = (outDir: string, extra: string[], env: Record<string, string> = {}) =>
  runCli(['batch', 'jobs.jsonl', '--out-dir', outDir, '--progress', 'lines', ...extra], {
    cwd: dir,
    env: { ...process.env, ...env },
  });

const outputsIn = (outDir: string) => listOutputs(join(dir, outDir));

const bytes = (outDir: string, path: string) => readFileSync(join(dir, outDir, path));

/** The union of the shards' outputs equals the unsharded run's, and no output is written twice. */
function expectUnionOfShards(outDirs: string[]): void {
  const written = outDirs.flatMap(outputsIn);
  expect([...written].sort()).toEqual(outputs);
  for (const outDir of outDirs)
    for (const path of outputsIn(outDir)) expect(bytes(outDir, path)).toEqual(bytes('all', path));
}

beforeAll(() => {
  ensureBuilt();
  writeNpy(join(dir, 'map.npy'), { data: pattern(2 * 4 * 9 * 11), shape: [2, 4, 9, 11] });
  writeFileSync(
    join(dir, 'boxes.json'),
    JSON.stringify([
      [0, 1, 1, 8, 6],
      [1, 0, 2, 10, 8],
      [0, 3, 0, 5, 8],
    ]),
  );
  // Each job pools differently, so a job's output in the wrong file would show.
  const jobs = outputs.map((output, j) =>
    JSON.stringify({ op: 'roiAlign', input: 'map.npy', boxes: 'boxes.json', output, outputSize: j + 1 }),
  );
  writeFileSync(join(dir, 'jobs.jsonl'), `${jobs.join('\n')}\n`);
  const all = batch('all', []);
  expect(all.status, all.stderr).toBe(0);
  expect(outputsIn('all')).toEqual(outputs);
}, 120_000);

describe('batch --shard auto', () => {
  it.each(schedulers.map((scheduler) => [scheduler.name, scheduler] as const))(
    '%s: three tasks cover the manifest, each saying where its shard came from',
    (name, { index, count }) => {
      const outDirs = [0, 1, 2].map((task) => {
        const outDir = `auto-${index}-${task}`;
        const env: Record<string, string> = { [index]: String(task), [count]: '3' };
        // Slurm numbers an `--array=1-3` from SLURM_ARRAY_TASK_MIN.
        if (index === 'SLURM_ARRAY_TASK_ID')
          Object.assign(env, { [index]: String(task + 1), SLURM_ARRAY_TASK_MIN: '1' });
        const result = batch(outDir, ['--shard', 'auto', '--json'], env);
        expect(result.status, result.stderr).toBe(0);
        const shard = { index: task, count: 3, source: `${name}: ${index}=${env[index]}, ${count}=3` };
        expect(JSON.parse(result.stdout)).toMatchObject({ shard, jobs: task === 0 ? 3 : 2, failed: 0 });
        expect(result.stderr.split('\n')[0]).toBe(
          `roi-ops batch: ${task === 0 ? 3 : 2} jobs in shard ${task}/3 (of ${jobCount}; ${shard.source}): ` +
            `${task === 0 ? 3 : 2} to run, 0 already done`,
        );
        return outDir;
      });
      expectUnionOfShards(outDirs);
    },
  );

  it('without a scheduler: a usage error naming the variables it reads, exit 2', () => {
    const env = Object.fromEntries(Object.keys(process.env).map((key) => [key, process.env[key] as string]));
    for (const { index } of schedulers) delete env[index];
    const result = runCli(['batch', 'jobs.jsonl', '--out-dir', 'none', '--shard', 'auto'], { cwd: dir, env });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(
      'roi-ops batch: --shard auto found no array-job index in the environment; it reads JOB_COMPLETION_INDEX',
    );
  });
});

describe('batch under GNU parallel', () => {
  /** `parallel` runs `roi-ops batch` once per argument after :::, two at a time. */
  const parallel = (command: string, args: string[]) => {
    const result = spawnSync(
      'parallel',
      ['--will-cite', '--jobs', '2', '--halt', 'now,fail=1', command, ':::', ...args],
      {
        cwd: dir,
        encoding: 'utf8',
      },
    );
    expect(result.error, 'GNU parallel (Debian: apt-get install parallel; .ci/run installs it)').toBeUndefined();
    expect(result.status, result.stderr).toBe(0);
  };
  const roiOps = `${JSON.stringify(process.execPath)} ${JSON.stringify(cli)}`;

  it('--shard {}/4 over ::: 0 1 2 3: the union is the unsharded run', () => {
    parallel(`${roiOps} batch jobs.jsonl --out-dir par-{} --shard {}/4 --threads 1 --progress none`, [
      '0',
      '1',
      '2',
      '3',
    ]);
    expectUnionOfShards(['par-0', 'par-1', 'par-2', 'par-3']);
  });

  it('--shard auto from a scheduler variable set per task, into one --out-dir: the same union', () => {
    mkdirSync(join(dir, 'par-auto'));
    parallel(
      `env CLOUD_RUN_TASK_INDEX={} CLOUD_RUN_TASK_COUNT=2 ${roiOps} batch jobs.jsonl --out-dir par-auto --shard auto --progress none`,
      ['0', '1'],
    );
    expectUnionOfShards(['par-auto']);
  });
});
