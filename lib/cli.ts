// The `roi-ops` command (package.json "bin", built to dist/cli.js). The commands live in
// lib/cli/, one module each; lib/cli/program.ts dispatches to them.
import { runProgram } from './cli/program.js';

// exitCode, not exit(): stdout and stderr may still be flushing to a pipe.
runProgram(process.argv.slice(2)).then((status) => {
  process.exitCode = status;
});
