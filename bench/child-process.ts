// How the suite runs one of its children (a contender, the reference output, `roi-ops onnx
// bench`): to its end, with a time limit, its stdout read as one JSON report. Every child of
// bench/run.ts and bench/onnx-detectors.ts goes through here, so a failure reads the same
// everywhere: why it ended and the line of its stderr that says what went wrong.
import { spawnSync } from 'node:child_process';

/** A child process: the program, its arguments, and variables added to this process's environment. */
export interface ChildCommand {
  file: string;
  args: string[];
  env?: Record<string, string>;
}

/**
 * What a failed child said: the error line Node prints amid the source excerpt and stack (e.g.
 * "TypeError: … is not a function"), or the `roi-ops` command line's own error line (e.g.
 * "roi-ops: unknown command 'onnx'", followed by its usage), else its last lines.
 */
export function stderrGist(stderr: string): string {
  const lines = stderr.trim().split('\n');
  return (
    lines.find((line) => /^[A-Z]\w*Error\b/.test(line) || /^roi-ops[\w -]*: /.test(line)) ?? lines.slice(-6).join(' | ')
  );
}

/** Runs a child to its end: its JSON report, or why it failed (it is stopped after `timeoutMs`). */
export function runChild(
  { file, args, env }: ChildCommand,
  timeoutMs: number,
): { report: Record<string, unknown> } | { failure: string } {
  const child = spawnSync(file, args, {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 16 << 20,
  });
  if (child.error || child.status !== 0) {
    const why = child.error?.message ?? `exit ${child.status ?? child.signal}`;
    return { failure: `${why}: ${stderrGist(child.stderr ?? '')}`.slice(0, 600) };
  }
  try {
    const report: unknown = JSON.parse(child.stdout);
    if (typeof report !== 'object' || report === null || Array.isArray(report))
      return { failure: `printed ${JSON.stringify(report).slice(0, 80)}, not a JSON object` };
    return { report: report as Record<string, unknown> };
  } catch {
    return { failure: `printed no JSON report: ${JSON.stringify(child.stdout.trim().slice(0, 200))}` };
  }
}
