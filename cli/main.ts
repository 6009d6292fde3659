// The `roi-ops` command (package.json "bin", built to dist/cli.js). The commands live in
// cli/, one module each; cli/program.ts dispatches to them and runs them as this process. The
// command line is an application of the library: it uses lib/index.ts (the public API) and
// lib/internal.ts only.
import { runAsProcess } from './program.js';

runAsProcess(process.argv.slice(2));
