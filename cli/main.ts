// The `roi-ops` command (package.json "bin", built to dist/cli.js). The commands live in
// cli/, one module each; cli/program.ts dispatches to them. The command line is an
// application of the library: it uses lib/index.ts (the public API) and lib/internal.ts only.
import { runProgram } from './program.js';

// exitCode, not exit(): stdout and stderr may still be flushing to a pipe.
runProgram(process.argv.slice(2)).then((status) => {
  process.exitCode = status;
});
