// `--shard auto`: which part of a manifest this process runs, from the array-job index that a
// scheduler gives each task, so one command line serves every task of the array. Each
// scheduler's variables, and how its index maps to 0..n-1, are here.

import type { Shard } from './manifest.js';

/** A shard; from `--shard auto`, also the scheduler and the variables that gave it. */
export interface ChosenShard extends Shard {
  source?: string;
}

type Environment = Readonly<Record<string, string | undefined>>;

interface Scheduler {
  name: string;
  /** The variable holding this task's index, and the one holding the number of tasks. */
  index: string;
  count: string;
  /** The 0-based shard of the index read (default: the index itself). */
  zeroBased?(index: number, environment: Environment): number;
}

/**
 * The array-job schedulers `--shard auto` knows, in the order they are looked for. Kubernetes
 * sets JOB_COMPLETION_INDEX itself; JOB_COMPLETIONS is the manifest's `completions`, which
 * a pod sees only when the Job passes it as an environment variable (docs/cli.md shows how).
 */
export const schedulers: readonly Scheduler[] = [
  { name: 'Kubernetes Indexed Job', index: 'JOB_COMPLETION_INDEX', count: 'JOB_COMPLETIONS' },
  { name: 'AWS Batch array job', index: 'AWS_BATCH_JOB_ARRAY_INDEX', count: 'AWS_BATCH_JOB_ARRAY_SIZE' },
  {
    name: 'Slurm job array',
    index: 'SLURM_ARRAY_TASK_ID',
    count: 'SLURM_ARRAY_TASK_COUNT',
    // `--array=1-8` or `--array=0-14:2` number the tasks from SLURM_ARRAY_TASK_MIN in steps
    // of SLURM_ARRAY_TASK_STEP; the shard is the task's position in that sequence.
    zeroBased(index, environment) {
      const min = Number(environment.SLURM_ARRAY_TASK_MIN ?? 0);
      const step = Number(environment.SLURM_ARRAY_TASK_STEP ?? 1);
      return Number.isSafeInteger(min) && Number.isSafeInteger(step) && step > 0 ? (index - min) / step : NaN;
    },
  },
  { name: 'Cloud Run job', index: 'CLOUD_RUN_TASK_INDEX', count: 'CLOUD_RUN_TASK_COUNT' },
];

/** Why `--shard` cannot be chosen; the caller reports it as a usage error. */
export class ShardError extends Error {
  override name = 'ShardError';
}

const decimalInteger = /^\d{1,15}$/;

/** `--shard auto`: the shard given by the one scheduler whose index variable is set. */
export function shardFromScheduler(environment: Environment = process.env): ChosenShard {
  const present = schedulers.filter((scheduler) => environment[scheduler.index] !== undefined);
  if (present.length === 0) {
    const names = schedulers.map((scheduler) => `${scheduler.index} (${scheduler.name})`).join(', ');
    throw new ShardError(`auto found no array-job index in the environment; it reads ${names}`);
  }
  if (present.length > 1) {
    const names = present.map((scheduler) => `${scheduler.index} (${scheduler.name})`).join(' and ');
    throw new ShardError(`auto found ${names}; give the shard as i/n`);
  }
  const scheduler = present[0] as Scheduler;
  const read = (name: string): number => {
    const value = environment[name];
    if (value === undefined)
      throw new ShardError(`auto found ${scheduler.index} (${scheduler.name}) but not ${name}, the number of tasks`);
    if (!decimalInteger.test(value.trim()))
      throw new ShardError(`auto: expected a non-negative integer in ${name} but it holds ${JSON.stringify(value)}`);
    return Number(value.trim());
  };
  const raw = read(scheduler.index);
  const count = read(scheduler.count);
  const index = scheduler.zeroBased ? scheduler.zeroBased(raw, environment) : raw;
  if (count < 1 || !Number.isSafeInteger(index) || index < 0 || index >= count) {
    throw new ShardError(
      `auto: ${scheduler.index}=${raw} with ${scheduler.count}=${count} (${scheduler.name}) is not a task i of 0 <= i < n`,
    );
  }
  return { index, count, source: `${scheduler.name}: ${scheduler.index}=${raw}, ${scheduler.count}=${count}` };
}
