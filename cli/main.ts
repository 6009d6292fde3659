// The `roi-ops` command (package.json "bin", built to dist/cli.js). The commands live in
// cli/, one module each; cli/program.ts dispatches to them. The command line is an
// application of the library: it uses lib/index.ts (the public API) and lib/internal.ts only.
import { exitStatus } from './command.js';
import { runProgram } from './program.js';
import { stopSignalOf } from './signals.js';

/** How long a stopped command may take to exit on its own. */
const stuckExitMs = 500;

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

runProgram(process.argv.slice(2)).then((status) => {
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
