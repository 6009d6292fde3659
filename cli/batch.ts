// `roi-ops batch <manifest.jsonl> --out-dir DIR`: many jobs, one JSON object per line
// (manifest.ts). Resumable: a job recorded done by an earlier run (resume.ts) is skipped, and
// outputs are written atomically (atomic-write.ts). A bad job is reported and the others go on.
// SIGINT/SIGTERM abandon the jobs in flight (their outputs are never written) and exit
// 130/143; rerunning the same command finishes the rest.
import { setNumThreads } from '../lib/index.js';
import { parseValue, stringValue } from './args.js';
import { removeStaleTemporaries } from './atomic-write.js';
import { exitStatus, UsageError, type Command, type ParsedCommandLine } from './command.js';
import { count, formatDuration } from './format.js';
import { defaultMaxJobBytes, maxJobBytesOption, parseByteSize } from './job-memory.js';
import { jobOutputs, JobSpecError, type JobSpec } from './job-spec.js';
import { inShard, manifestPlaces, parseManifestEntry, readManifest, type ManifestEntry } from './manifest.js';
import { checkJobFiles, checkOutputsReplaceable, OutputClaims } from './output-files.js';
import { printable } from './printable.js';
import { createProgress, type Progress, type ProgressMode } from './progress.js';
import { isRecordedDone, markerPathFor, recordDone } from './resume.js';
import { runJob, type JobPlaces } from './run-job.js';
import type { ChosenShard } from './shard.js';
import { afterAbort, onStopSignals, stoppedStatus, type StopSignal } from './signals.js';

interface Settings {
  manifest: string;
  outDir: string;
  shard: ChosenShard;
  concurrency: number;
  threads?: number;
  force: boolean;
  progress: ProgressMode;
  maxJobBytes: number;
}

export interface BatchFailure {
  line: number;
  /** The job's output as the manifest names it, when the line got that far. */
  output?: string;
  message: string;
}

export interface BatchSummary {
  manifest: string;
  outDir: string;
  /** With `source` when `--shard auto` chose it: the scheduler and its variables. */
  shard: ChosenShard;
  /** Jobs in the manifest, and in this shard. */
  manifestJobs: number;
  jobs: number;
  done: number;
  /** Already done by an earlier run (its marker and outputs verified: resume.ts). */
  skipped: number;
  failed: number;
  /** Not finished because of SIGINT/SIGTERM (abandoned in flight, or never started). */
  notRun: number;
  interruptedBy: StopSignal | null;
  seconds: number;
  failures: BatchFailure[];
}

function readSettings({ values, positionals }: ParsedCommandLine): Settings {
  /** The option `name` parsed, or `fallback` when it is not given. */
  const option = <T>(name: string, parse: (flag: string, text: string) => T, fallback: T): T => {
    const text = stringValue(values, name);
    return text === undefined ? fallback : parse(name, text);
  };
  const outDir = stringValue(values, 'out-dir');
  if (outDir === undefined) throw new UsageError('missing --out-dir DIR: the directory the outputs go under');
  // An empty name would resolve to the current directory: say so rather than write there.
  if (outDir === '')
    throw new UsageError('expected a directory for --out-dir but received "" (for the current directory: --out-dir .)');
  const progress = option('progress', parseValue.choice(['auto', 'bar', 'lines', 'none'] as const), 'auto');
  const threads = option('threads', parseValue.integerIn(1, 65536), undefined);
  return {
    manifest: positionals[0] as string,
    outDir,
    shard: option('shard', parseValue.shard, { index: 0, count: 1 }),
    concurrency: option('concurrency', parseValue.integerIn(1, 1024), 1),
    ...(threads === undefined ? {} : { threads }),
    force: values.force === true,
    maxJobBytes: option('max-job-bytes', parseByteSize, defaultMaxJobBytes()),
    // A bar only where a person watches it; logs get lines they can read.
    progress: progress === 'auto' ? (process.stderr.isTTY ? 'bar' : 'lines') : progress,
  };
}

interface PlannedJob {
  entry: ManifestEntry;
  spec: JobSpec;
}

interface Plan {
  manifestJobs: number;
  inShard: number;
  toRun: PlannedJob[];
  skipped: number;
  failures: BatchFailure[];
  /** Every file this shard's jobs write (outputs and markers): whose stale temporaries it may remove. */
  ownFiles: string[];
}

/**
 * Records the files `spec` writes; a file that an earlier line writes too, however spelled,
 * fails this line, naming the earlier one.
 */
function claimOutputs(spec: JobSpec, line: number, places: JobPlaces, claims: OutputClaims): void {
  checkJobFiles(spec, places, (field) => `"${field}"`);
  for (const output of jobOutputs(spec)) {
    const earlier = claims.claim(places.output(output), line);
    if (earlier !== undefined)
      throw new JobSpecError(`output ${JSON.stringify(output)} is also written by line ${earlier}`);
  }
}

/**
 * Reads every line (so that a duplicated output is found the same way by every shard), and
 * sorts this shard's jobs into those to run, those already done, and lines that are no job.
 */
function planBatch(entries: ManifestEntry[], settings: Settings, places: JobPlaces): Plan {
  const plan: Plan = { manifestJobs: entries.length, inShard: 0, toRun: [], skipped: 0, failures: [], ownFiles: [] };
  const claims = new OutputClaims();
  for (const entry of entries) {
    const mine = inShard(entry, settings.shard);
    if (mine) plan.inShard += 1;
    let spec: JobSpec;
    try {
      spec = parseManifestEntry(entry);
      claimOutputs(spec, entry.line, places, claims);
      if (mine) checkOutputsReplaceable(jobOutputs(spec).map(places.output));
    } catch (error) {
      if (mine) plan.failures.push({ line: entry.line, message: (error as Error).message });
      continue;
    }
    if (!mine) continue;
    plan.ownFiles.push(...jobOutputs(spec).map(places.output), markerPathFor(settings.outDir, spec.output));
    if (!settings.force && isRecordedDone(settings.outDir, spec, places.output)) plan.skipped += 1;
    else plan.toRun.push({ entry, spec });
  }
  return plan;
}

const isAbort = (error: unknown) => (error as { name?: unknown })?.name === 'AbortError';

/** How long the jobs in flight get to settle after SIGINT/SIGTERM before they are left behind. */
const abandonAfterMs = 250;

/** Runs `jobs`, `concurrency` at a time, until done or `signal` fires; returns the failures. */
async function runJobs(
  jobs: PlannedJob[],
  settings: Settings,
  places: JobPlaces,
  progress: Progress,
  signal: AbortSignal,
) {
  const failures: BatchFailure[] = [];
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < jobs.length && !signal.aborted) {
      const { entry, spec } = jobs[next++] as PlannedJob;
      const where = `roi-ops batch: line ${entry.line} (${spec.output})`;
      try {
        const report = await runJob(spec, places, { maxJobBytes: settings.maxJobBytes, signal });
        for (const notice of report.notices) progress.message(`${where}: note: ${notice}`);
        done += 1;
        progress.jobFinished(false);
      } catch (error) {
        // A job abandoned because of the signal neither failed nor finished: a rerun runs it.
        if (signal.aborted && isAbort(error)) continue;
        const message = error instanceof Error ? error.message : String(error);
        failures.push({ line: entry.line, output: spec.output, message });
        progress.message(`${where}: ${message}`);
        progress.jobFinished(true);
      }
    }
  };
  const workers = Promise.all(Array.from({ length: Math.min(settings.concurrency, jobs.length) }, worker));
  // An aborted job settles as soon as its read reaches the next chunk or its call the next
  // check; one blocked in the system (a stalled network file system) is not waited for.
  await Promise.race([workers, afterAbort(signal, abandonAfterMs)]);
  return { done, failures };
}

/**
 * SIGINT and SIGTERM abort the run: jobs in flight are abandoned (their outputs are written
 * only after the library call returns, so none is half-written) and no new job starts. A
 * second signal ends the process at once, as the signal does by default (exit() could wait
 * for a read blocked in the system): the writes are synchronous, so no temporary file is
 * open then.
 */
function stopOnSignals(
  controller: AbortController,
  progress: Progress,
): { stoppedBy: () => StopSignal | null; release: () => void } {
  let stoppedBy: StopSignal | null = null;
  const release = onStopSignals((signal) => {
    if (stoppedBy !== null) {
      release();
      process.kill(process.pid, signal);
      return;
    }
    stoppedBy = signal;
    progress.message(
      `roi-ops batch: ${signal}: abandoning the jobs in flight; run the same command again to resume (again to quit now)`,
    );
    controller.abort();
  });
  return { stoppedBy: () => stoppedBy, release };
}

async function runBatch(settings: Settings): Promise<BatchSummary> {
  const started = Date.now();
  const places: JobPlaces = {
    ...manifestPlaces(settings.manifest, settings.outDir),
    jobWritten: (spec, written) => recordDone(settings.outDir, spec, written),
  };
  const plan = planBatch(await readManifest(settings.manifest), settings, places);
  // Each output belongs to one line and each line to one shard, so no other run's write in
  // progress can own these temporaries (unless the same shard runs twice at once).
  const stale = removeStaleTemporaries(plan.ownFiles);
  if (settings.threads !== undefined) setNumThreads(settings.threads);
  const progress = createProgress(settings.progress);
  const { index, count: shards, source } = settings.shard;
  // Which shard, and from where when a scheduler's variables chose it (--shard auto).
  const shardText = ` in shard ${index}/${shards} (of ${plan.manifestJobs}${source === undefined ? '' : `; ${source}`})`;
  const unreadable = plan.failures.length > 0 ? `, ${plan.failures.length} not runnable as written (below)` : '';
  progress.start(
    plan.toRun.length,
    `roi-ops batch: ${count(plan.inShard, 'job')}${shards > 1 || source !== undefined ? shardText : ''}: ` +
      `${plan.toRun.length} to run, ${plan.skipped} already done${unreadable}`,
  );
  if (stale > 0)
    progress.message(`roi-ops batch: removed ${count(stale, 'temporary file')} left by an interrupted run`);
  for (const failure of plan.failures) progress.message(`roi-ops batch: line ${failure.line}: ${failure.message}`);
  const controller = new AbortController();
  const signals = stopOnSignals(controller, progress);
  try {
    const { done, failures } = await runJobs(plan.toRun, settings, places, progress, controller.signal);
    progress.finish();
    const allFailures = [...plan.failures, ...failures].sort((a, b) => a.line - b.line).map(printableFailure);
    return {
      manifest: settings.manifest,
      outDir: settings.outDir,
      shard: settings.shard,
      manifestJobs: plan.manifestJobs,
      jobs: plan.inShard,
      done,
      skipped: plan.skipped,
      failed: allFailures.length,
      notRun: plan.toRun.length - done - failures.length,
      interruptedBy: signals.stoppedBy(),
      seconds: (Date.now() - started) / 1000,
      failures: allFailures,
    };
  } finally {
    signals.release();
  }
}

/**
 * A failure as the summary reports it: its message and output quote the manifest and the
 * files, so they are made printable and bounded, in --json too (JSON.stringify leaves C1
 * controls and bidirectional overrides raw, and bounds nothing).
 */
function printableFailure(failure: BatchFailure): BatchFailure {
  return {
    ...failure,
    ...(failure.output === undefined ? {} : { output: printable(failure.output) }),
    message: printable(failure.message),
  };
}

function formatSummary(summary: BatchSummary): string {
  const { index, count: shards } = summary.shard;
  const scope = shards > 1 ? `shard ${index}/${shards} of ${summary.manifest}` : summary.manifest;
  const lines = [
    `roi-ops batch: ${summary.done} done, ${summary.failed} failed, ${summary.skipped} skipped (already done)` +
      `${summary.notRun > 0 ? `, ${summary.notRun} not run` : ''} of ${count(summary.jobs, 'job')} (${scope}) in ${formatDuration(summary.seconds)}`,
  ];
  if (summary.failed > 0)
    lines.push(
      `failed: ${summary.failures.map((failure) => `line ${failure.line}`).join(', ')} (messages above, on stderr)`,
    );
  if (summary.interruptedBy !== null)
    lines.push(`interrupted by ${summary.interruptedBy}: run the same command again to finish the remaining jobs`);
  return lines.join('\n');
}

export const batchCommand: Command = {
  name: 'batch',
  summary: 'run the jobs of a JSON Lines manifest (resumable, atomic outputs, shardable)',
  usage: '<manifest.jsonl> --out-dir DIR [--shard i/n|auto] [--concurrency N] [options]',
  description: [
    'Runs many pool jobs, one JSON object per line of the manifest, with the fields of',
    "'roi-ops pool' in camelCase (the library's option names):",
    '  {"op":"roiAlign","input":"a.npy","boxes":"a.json","output":"a-out.npy","outputSize":[7,7],"spatialScale":0.0625}',
    "Inputs resolve against the manifest's directory; outputs are written under --out-dir, each",
    'atomically (a temporary file, then a rename), so an interrupted run leaves no half-written',
    'file and a rerun skips the jobs recorded done (under DIR/.roi-ops-done/) whose outputs are',
    'unchanged. A job that fails is reported (with its line) and the others go on. Progress goes',
    'to stderr: a bar on a terminal, else plain lines.',
    'Job j (0-based, counting non-blank lines) belongs to shard j mod n.',
  ].join('\n'),
  options: {
    'out-dir': { type: 'string', value: 'DIR', help: 'where the outputs go (created if missing); required' },
    shard: {
      type: 'string',
      value: 'i/n|auto',
      help: 'run only the jobs j with j mod n = i (0 <= i < n), for one machine of n;\nauto: i and n from the array-job variables of Kubernetes Indexed Jobs,\nAWS Batch, Slurm or Cloud Run (docs/cli.md)',
    },
    concurrency: {
      type: 'string',
      value: 'N',
      help: "jobs in flight at once (default 1: each call already uses every thread;\nmore overlap one job's file reading and writing with another's pooling)",
    },
    threads: {
      type: 'string',
      value: 'N',
      help: 'threads roi-ops computes with, shared by all jobs (default: every CPU)',
    },
    force: { type: 'boolean', help: 'run every job, also those recorded done' },
    'max-job-bytes': maxJobBytesOption,
    progress: {
      type: 'string',
      value: 'MODE',
      help: 'auto (default: a bar on a terminal, else lines), bar, lines or none',
    },
  },
  jsonHelp: 'print the summary as one JSON object (counts, and each failure with its line)',
  positionals: { min: 1, max: 1 },
  examples: [
    'roi-ops batch jobs.jsonl --out-dir pooled/',
    'roi-ops batch jobs.jsonl --out-dir pooled/ --shard 3/8 --concurrency 2 --json',
    'parallel roi-ops batch jobs.jsonl --out-dir pooled/ --shard {}/4 ::: 0 1 2 3',
  ],
  failure: 'at least one job failed (the others ran)',
  notes: `Exit status ${exitStatus.interrupted} on SIGINT, ${exitStatus.terminated} on SIGTERM: the jobs in flight are abandoned; run again to resume.`,
  async run(commandLine) {
    const summary = await runBatch(readSettings(commandLine));
    process.stdout.write(commandLine.json ? `${JSON.stringify(summary, null, 2)}\n` : `${formatSummary(summary)}\n`);
    if (summary.interruptedBy !== null) return stoppedStatus(summary.interruptedBy);
    return summary.failed > 0 ? exitStatus.failed : exitStatus.ok;
  },
};
