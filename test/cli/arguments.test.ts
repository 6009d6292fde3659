// The command line as people type it: a negative number after a flag is its value, the
// library's camelCase spelling of a flag gets a "did you mean", and --shard auto reads each
// array-job scheduler's variables (cli/shard.ts), saying which it used.
import { describe, expect, it } from 'vitest';

import { parseCommandLine, parseValue } from '../../cli/args.js';
import { UsageError, type Command } from '../../cli/command.js';
import { schedulers, ShardError, shardFromScheduler } from '../../cli/shard.js';

const command: Command = {
  name: 'try',
  summary: 'a command for these tests',
  usage: '[options]',
  description: '',
  options: {
    'sampling-ratio': { type: 'string', value: 'N', help: '' },
    'spatial-scale': { type: 'string', value: 'S', help: '' },
    scales: { type: 'string', short: 's', value: 'LIST', help: '' },
    aligned: { type: 'boolean', help: '' },
    output: { type: 'string', value: 'FILE', help: '' },
  },
  jsonHelp: '',
  positionals: { min: 0, max: 2 },
  examples: ['roi-ops try'],
  failure: 'never',
  run: async () => 0,
};

const parse = (...argv: string[]) => parseCommandLine(command, argv);
const usageError = (argv: string[]) => {
  try {
    parse(...argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`${argv.join(' ')} parsed`);
};

describe('negative numbers are values', () => {
  it.each([
    [['--sampling-ratio', '-1'], { 'sampling-ratio': '-1' }],
    [['--sampling-ratio', '-.5'], { 'sampling-ratio': '-.5' }],
    [['--spatial-scale', '-1/16'], { 'spatial-scale': '-1/16' }],
    [['--spatial-scale', '-inf'], { 'spatial-scale': '-inf' }],
    [['-s', '-1,2'], { scales: '-1,2' }],
    [['--sampling-ratio=-1', '--aligned'], { 'sampling-ratio': '-1', aligned: true }],
  ])('%j', (argv, values) => {
    expect(parse(...argv).values).toEqual(values);
  });

  it('only after an option that takes a value, and not after --', () => {
    // A boolean flag takes no value: -1 after it is still an unknown option.
    expect(usageError(['--aligned', '-1'])).toBe("Unknown option '-1'. 'roi-ops try --help' lists the options.");
    expect(parse('--', '-1').positionals).toEqual(['-1']);
    expect(parse('--output', 'a.npy', '--', '--sampling-ratio', '-1').positionals).toEqual(['--sampling-ratio', '-1']);
    // A value that is no number is left to parseArgs, which says it is ambiguous.
    expect(usageError(['--output', '-x'])).toMatch(/^Option '--output' argument is ambiguous/);
  });
});

describe('unknown options: the flag the user probably meant', () => {
  it.each([
    ['--samplingRatio', 'Did you mean --sampling-ratio?'],
    ['--sampling_ratio', 'Did you mean --sampling-ratio?'],
    ['--SpatialScale', 'Did you mean --spatial-scale?'],
    ['--samplng-ratio', 'Did you mean --sampling-ratio?'],
    ['--outptu', 'Did you mean --output?'],
    ['--jsn', 'Did you mean --json?'],
    ['--fast', "'roi-ops try --help' lists the options."],
  ])('%s', (flag, hint) => {
    expect(usageError([flag, '2'])).toBe(`Unknown option '${flag}'. ${hint}`);
  });

  it('names the option as typed, without its value', () => {
    expect(usageError(['--samplingRatio=2'])).toBe("Unknown option '--samplingRatio'. Did you mean --sampling-ratio?");
  });
});

describe('--shard', () => {
  it('i/n as typed', () => {
    expect(parseValue.shard('shard', '3/8')).toEqual({ index: 3, count: 8 });
    for (const text of ['8/8', '1/0', '-1/2', '1/2/3', 'x', '', '1e3/2000'])
      expect(() => parseValue.shard('shard', text)).toThrow(
        new UsageError(
          `expected i/n with 0 <= i < n (like 0/4) or auto for --shard but received ${JSON.stringify(text)}`,
        ),
      );
  });

  it.each(schedulers.map((scheduler) => [scheduler.name, scheduler] as const))('auto: %s', (name, { index, count }) => {
    expect(shardFromScheduler({ [index]: '2', [count]: '5', PATH: '/bin' })).toEqual({
      index: 2,
      count: 5,
      source: `${name}: ${index}=2, ${count}=5`,
    });
    expect(() => shardFromScheduler({ [index]: '5', [count]: '5' })).toThrow(
      new ShardError(`auto: ${index}=5 with ${count}=5 (${name}) is not a task i of 0 <= i < n`),
    );
    expect(() => shardFromScheduler({ [index]: '1' })).toThrow(
      new ShardError(`auto found ${index} (${name}) but not ${count}, the number of tasks`),
    );
    expect(() => shardFromScheduler({ [index]: '1', [count]: 'four' })).toThrow(
      new ShardError(`auto: expected a non-negative integer in ${count} but it holds "four"`),
    );
  });

  it('auto: a Slurm array numbered from a minimum, in steps', () => {
    const array = { SLURM_ARRAY_TASK_COUNT: '4', SLURM_ARRAY_TASK_MIN: '10', SLURM_ARRAY_TASK_STEP: '2' };
    // --array=10-16:2 gives the tasks 10, 12, 14, 16: the shards 0..3.
    expect(shardFromScheduler({ ...array, SLURM_ARRAY_TASK_ID: '14' })).toMatchObject({ index: 2, count: 4 });
    expect(() => shardFromScheduler({ ...array, SLURM_ARRAY_TASK_ID: '13' })).toThrow(
      /SLURM_ARRAY_TASK_ID=13 with SLURM_ARRAY_TASK_COUNT=4 \(Slurm job array\) is not a task/,
    );
  });

  it('auto: none, or two schedulers at once, is an error naming the variables', () => {
    expect(() => shardFromScheduler({})).toThrow(
      new ShardError(
        'auto found no array-job index in the environment; it reads JOB_COMPLETION_INDEX (Kubernetes Indexed Job), ' +
          'AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch array job), SLURM_ARRAY_TASK_ID (Slurm job array), ' +
          'CLOUD_RUN_TASK_INDEX (Cloud Run job)',
      ),
    );
    expect(() => shardFromScheduler({ JOB_COMPLETION_INDEX: '0', CLOUD_RUN_TASK_INDEX: '0' })).toThrow(
      new ShardError(
        'auto found JOB_COMPLETION_INDEX (Kubernetes Indexed Job) and CLOUD_RUN_TASK_INDEX (Cloud Run job); give the shard as i/n',
      ),
    );
  });

  it('as a flag: a usage error naming --shard auto', () => {
    const saved = process.env.JOB_COMPLETION_INDEX;
    process.env.JOB_COMPLETION_INDEX = '1';
    try {
      expect(() => parseValue.shard('shard', 'auto')).toThrow(
        new UsageError(
          '--shard auto found JOB_COMPLETION_INDEX (Kubernetes Indexed Job) but not JOB_COMPLETIONS, the number of tasks',
        ),
      );
    } finally {
      if (saved === undefined) delete process.env.JOB_COMPLETION_INDEX;
      else process.env.JOB_COMPLETION_INDEX = saved;
    }
  });
});
