// `roi-ops bench`: runs the benchmark suite (bench/run.ts in a checkout, its build
// dist/bench/run.js in an installed package) in a child process, started by its path: the
// command line imports nothing of bench/, quick by default, with
// the results written to ./roi-ops-bench/ or --out. The suite already runs every contender in
// a process of its own and records what it cannot run; this command turns its options into
// the suite's, passes on signals, and returns the suite's exit status.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { packageProgram, packageRoot } from '../lib/internal.js';
import { stringValue } from './args.js';
import { exitStatus, type Command, type ParsedCommandLine } from './command.js';
import { runChild, stoppedStatus } from './signals.js';

/** The suite's arguments for these options, and the command line its report records. */
function suiteArguments(values: ParsedCommandLine['values'], json: boolean): string[] {
  const full = values.full === true;
  const only = stringValue(values, 'only');
  const contenders = stringValue(values, 'contenders');
  const out = stringValue(values, 'out');
  const given = [
    full ? '--full' : '',
    only ? `--only ${only}` : '',
    contenders ? `--contenders ${contenders}` : '',
    out ? `--out ${out}` : '',
    json ? '--json' : '',
  ];
  return [
    ...(full ? [] : ['--quick']),
    ...(only !== undefined ? [`--only=${only}`] : []),
    ...(contenders !== undefined ? [`--contenders=${contenders}`] : []),
    // Always passed: run by hand from a checkout, the suite would write into bench/results/.
    `--out=${resolve(out ?? 'roi-ops-bench')}`,
    ...(json ? ['--json'] : []),
    `--command=${['roi-ops bench', ...given.filter(Boolean)].join(' ')}`,
  ];
}

/** The suite's exit status as this command's: 2 stays a usage error, a signal is reported as the shell does. */
function statusOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (signal === 'SIGINT' || signal === 'SIGTERM') return stoppedStatus(signal);
  if (code === exitStatus.ok || code === exitStatus.usage) return code;
  return exitStatus.failed;
}

export const benchCommand: Command = {
  name: 'bench',
  summary:
    'run the benchmark suite: roi-ops against the JavaScript backend and every peer installed\n(onnxruntime-node, tfjs, torchvision); quick by default',
  usage: '[--full] [--only W1,W3] [--contenders WORDS] [--out DIR] [--json]',
  description: [
    'Runs roi-ops\' benchmark suite: fixed workloads (W1..W8b, docs/performance.md "The workloads":',
    'the box head, the mask head, FPN, roiPool, tiny, few big boxes, rotated, position-sensitive)',
    'timed on roi-ops (native, sync and async, 1 and 2 threads, NHWC, and its JavaScript backend)',
    'and on every peer installed next to it (onnxruntime-node, @tensorflow/tfjs-backend-cpu/-wasm,',
    'torchvision and detectron2 through python3), each contender in a process of its own, with how',
    'far each peer is from roi-ops. A peer that is not installed is recorded as skipped. The quick',
    'run gives each contender 1 s per workload (a few minutes in all), --full 3 s. The results go to',
    'roi-ops-bench/ in the current directory: quick.json, quick.md and quick.svg (latest.* with --full).',
    'Then "ONNX detectors end to end" (O1-O3: torchvision\'s Faster R-CNN at opsets 11 and 16 and Mask',
    'R-CNN, docs/performance.md "ONNX detectors end to end"): `roi-ops onnx bench` on each at 1 and 2',
    'threads, the models made once by python3 with torchvision into ~/.cache/roi-ops/onnx-models.',
  ].join('\n'),
  options: {
    full: { type: 'boolean', help: 'the full run: 3 s per contender and workload instead of 1 s' },
    only: {
      type: 'string',
      value: 'W1,W3',
      help: 'only these workloads and ONNX detectors (comma-separated: W1..W8b, O1, O2, O3)',
    },
    contenders: {
      type: 'string',
      value: 'WORDS',
      help: 'only the contenders whose name contains one of these comma-separated words\n(onnx, tfjs, torchvision, JavaScript, async, ...); roi-ops native sync, 1 thread\n(the baseline of every ratio) always runs',
    },
    out: {
      type: 'string',
      value: 'DIR',
      help: 'write the results into DIR (default ./roi-ops-bench, created if missing)',
    },
  },
  jsonHelp: 'print the report as JSON on stdout (the progress lines go to stderr)',
  positionals: { min: 0, max: 0 },
  examples: [
    'roi-ops bench',
    'roi-ops bench --only W1,W3 --contenders onnx,torchvision',
    'roi-ops bench --full --out results/',
    'roi-ops bench --only W5 --contenders JavaScript --json',
  ],
  failure: 'the suite could not run (a contender that fails on a workload is recorded, not fatal)',
  notes: 'Every median is taken on this machine as it is: close other programs first, and compare runs of one machine.',
  async run({ values, json }) {
    const root = packageRoot();
    const suite = packageProgram(
      join(root, 'bench', 'run.ts'),
      join(root, 'dist', 'bench', 'run.js'),
      suiteArguments(values, json),
    );
    if (!existsSync(suite.script))
      throw new Error(
        `${suite.script} is missing: this build of roi-ops has no benchmark suite (npm run build:ts builds it)`,
      );
    const { code, signal } = await runChild(suite.file, suite.args);
    return statusOf(code, signal);
  },
};
