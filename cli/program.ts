// `roi-ops <command> [options]`: finds the command, parses its options, runs it, and turns
// what went wrong into a message on stderr and an exit status (command.ts `exitStatus`);
// runAsProcess ends the process with that status, also when its output is closed or a signal
// stopped it.
import { packageVersion } from '../lib/internal.js';
import { formatHelp, parseCommandLine, shortUsage } from './args.js';
import { batchCommand } from './batch.js';
import { benchCommand } from './bench.js';
import { exitStatus, UsageError, type Command } from './command.js';
import { demoCommand } from './demo.js';
import { explainCommand } from './explain.js';
import { infoCommand } from './info.js';
import { onnxBenchCommand } from './onnx-bench.js';
import { onnxInspectCommand } from './onnx-inspect.js';
import { poolCommand } from './pool.js';
import { printable, printableLines } from './printable.js';
import { stopSignalOf } from './signals.js';

const commands: Command[] = [
  infoCommand,
  poolCommand,
  batchCommand,
  explainCommand,
  demoCommand,
  benchCommand,
  onnxInspectCommand,
  onnxBenchCommand,
];

/** Commands named by two words (`roi-ops onnx inspect`): the first word, and its subcommands. */
const groups = new Map([['onnx', ['inspect', 'bench']]]);

function globalUsage(): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  const list = commands.map((command) => {
    const [first, ...rest] = command.summary.split('\n');
    return [`  ${command.name.padEnd(width)}  ${first}`, ...rest.map((line) => `  ${' '.repeat(width)}  ${line}`)].join(
      '\n',
    );
  });
  return [
    'Usage: roi-ops <command> [options]',
    '',
    'Commands:',
    ...list,
    '',
    "Run 'roi-ops <command> --help' for a command's options and examples.",
    '',
    'Options:',
    '  -h, --help    show this help',
    '  --version     print the version of roi-ops',
    '',
    `Exit status: ${exitStatus.ok} success; ${exitStatus.failed} the command failed (batch: at least one job failed);`,
    `${exitStatus.usage} usage error; ${exitStatus.interrupted} interrupted (SIGINT), ${exitStatus.terminated} stopped (SIGTERM);`,
    `${exitStatus.closedOutput} stdout or stderr closed by its reader (like \`| head -1\`).`,
  ].join('\n');
}

/** Runs the command line `argv` (without node and the script); resolves to the exit status. */
export async function runProgram(argv: readonly string[]): Promise<number> {
  const [first, ...afterFirst] = argv;
  if (first === '-h' || first === '--help') return print(globalUsage());
  if (first === '--version') return print(packageVersion());
  if (first === undefined) return usageError('roi-ops: missing command', globalUsage());
  let name = first;
  let rest = afterFirst;
  const subcommands = groups.get(first);
  if (subcommands !== undefined) {
    const [sub, ...afterSub] = afterFirst;
    const listed = subcommands.map((word) => `'${first} ${word}'`).join(' or ');
    if (sub === '-h' || sub === '--help') return print(globalUsage());
    if (sub === undefined || !subcommands.includes(sub)) {
      const problem = sub === undefined ? 'missing subcommand' : `unknown subcommand '${sub}'`;
      return usageError(`roi-ops ${first}: ${problem}; expected ${listed}`, globalUsage());
    }
    name = `${first} ${sub}`;
    rest = afterSub;
  }
  const command = commands.find((candidate) => candidate.name === name);
  if (command === undefined) {
    const problem = name.startsWith('-')
      ? `expected a command before the option '${name}'`
      : `unknown command '${name}'`;
    return usageError(`roi-ops: ${problem}`, globalUsage());
  }
  try {
    const commandLine = parseCommandLine(command, rest);
    if (commandLine.help) return print(formatHelp(command));
    return await command.run(commandLine);
  } catch (error) {
    if (error instanceof UsageError)
      return usageError(`roi-ops ${command.name}: ${error.message}`, shortUsage(command));
    process.stderr.write(`${failureMessage(command, error)}\n`);
    return exitStatus.failed;
  }
}

/**
 * `roi-ops <command>: <message>`. The message is what a user can act on (roi-ops' errors name
 * the function, the argument and a fix; a file's error starts with the file); the stack of a
 * bundled file is not. It may quote a file or a manifest, so it is printed as one printable
 * line (printable.ts); only a message already naming roi-ops (the addon's load error, which
 * lists the platform and the fixes) keeps its lines, each printable and indented.
 */
function failureMessage(command: Command, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.startsWith('roi-ops') ? printableLines(message) : `roi-ops ${command.name}: ${printable(message)}`;
}

function print(text: string): number {
  process.stdout.write(`${text}\n`);
  return exitStatus.ok;
}

function usageError(message: string, usage: string): number {
  process.stderr.write(`${printable(message)}\n\n${usage}\n`);
  return exitStatus.usage;
}

/** How long a stopped command may take to exit on its own. */
const stuckExitMs = 500;

/**
 * Runs the command line `argv` as this process: its exit status, a closed stdout or stderr,
 * and a stop by signal that a blocked read must not hold (cli/main.ts calls it).
 */
export function runAsProcess(argv: readonly string[]): void {
  // A reader that goes away (`roi-ops batch --json | head -1`) closes the pipe, which Node
  // reports as an EPIPE error on the stream; left unhandled it prints a stack trace. Nothing
  // more can be said to that reader, so exit quietly, with the status of a program that
  // SIGPIPE stops (command.ts `exitStatus.closedOutput`), as a shell expects of one. The
  // outputs already written are complete (cli/atomic-write.ts), so a rerun resumes.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(exitStatus.closedOutput);
      throw error;
    });
  }
  void runProgram(argv).then((status) => {
    // exitCode, not exit(): stdout and stderr may still be flushing to a pipe.
    process.exitCode = status;
    const signal = stopSignalOf(status);
    // A command stopped by SIGINT/SIGTERM has abandoned its jobs, but a read blocked in the
    // system (a FIFO no one writes, a stalled network file system) keeps the event loop open,
    // and even exit() would wait for that thread. If the process is still here after a
    // moment, it ends as the signal would have ended it (the status the shell shows is the
    // same, 128 + the signal's number); the timer does not keep a finished process alive.
    if (signal !== undefined) setTimeout(() => process.kill(process.pid, signal), stuckExitMs).unref();
  });
}
