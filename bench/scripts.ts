// Where the benchmark's files are, and how to start one of its scripts: the one place of the
// suite that knows the difference between a checkout and an installed package. In a checkout
// the scripts are the TypeScript sources under bench/, run through tsx, and the files used as
// they are (the Python contender, the ONNX models) are read where they stand. tsup builds the
// scripts into dist/bench/ and copies those files beside them (tsup.config.ts): that is what
// an installed package has, run by node alone. Whichever form this module runs in, every
// script beside it is in the same form (lib/package.ts tells which).
import { join, resolve } from 'node:path';

import { packageProgram, packageRoot, runsFromSource } from '../lib/package.js';

/** The suite's folder: bench/ in a checkout, its build dist/bench/ when built. */
function benchDirectory(): string {
  return runsFromSource ? join(packageRoot(), 'bench') : join(packageRoot(), 'dist', 'bench');
}

/** A file the suite uses as it is (e.g. 'models', 'contenders/torchvision_bench.py'). */
export function benchFile(...parts: string[]): string {
  return join(benchDirectory(), ...parts);
}

/** How to run bench script `name` (its path under bench/ without extension: 'measure', 'contenders/tfjs') in a new Node process. */
export function benchScript(name: string, args: string[]): { file: string; args: string[] } {
  return packageProgram(benchFile(`${name}.ts`), benchFile(`${name}.js`), args);
}

/**
 * How to run the `roi-ops` command line in a new Node process: the package's bin, dist/cli.js,
 * by its path, in a checkout (after `npm run build:ts`) and in an installed package alike.
 */
export function roiOpsCommand(args: string[]): { file: string; args: string[] } {
  return { file: process.execPath, args: [roiOpsBin(), ...args] };
}

/** The package's bin, dist/cli.js. */
export function roiOpsBin(): string {
  return join(packageRoot(), 'dist', 'cli.js');
}

/** The script that makes the suite's ONNX detectors: in scripts/ in a checkout, copied into dist/bench/ when built. */
export function onnxModelScript(): string {
  const name = 'make-onnx-bench-models.py';
  return runsFromSource ? join(packageRoot(), 'scripts', name) : benchFile(name);
}

/**
 * Where a run writes its results when not told: bench/results/ in a checkout (the committed
 * runs the README quotes); ./roi-ops-bench/ when built, as an installed package's own folder
 * is neither writable everywhere nor the user's.
 */
export function defaultResultsDirectory(): string {
  return runsFromSource ? benchFile('results') : resolve('roi-ops-bench');
}
