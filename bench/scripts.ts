// Where the benchmark's files are, and how to start one of its scripts: the one place that
// knows the difference between a checkout and an installed package. In a checkout the
// scripts are the TypeScript sources under bench/, run through tsx; tsup also builds them
// into dist/bench/ (tsup.config.ts), which is what an installed package has, run by node
// alone (tsx is a devDependency). Whichever form this module runs in, every script beside it
// is in the same form. Files used as they are (the Python contender, the ONNX models) stay
// under bench/ in both; package.json "files" ships them.
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { packageRoot } from '../lib/backend/native.js';

/** True when this runs from tsup's build (dist/), false from the .ts sources (tsx). */
export const compiled = !fileURLToPath(import.meta.url).endsWith('.ts');

/** A file shipped as it is under bench/ (e.g. 'models', 'contenders/torchvision_bench.py'). */
export function benchFile(...parts: string[]): string {
  return join(packageRoot(), 'bench', ...parts);
}

/** The file of bench script `name` (its path under bench/ without extension: 'measure', 'contenders/tfjs'). */
export function benchScriptPath(name: string): string {
  return compiled ? join(packageRoot(), 'dist', 'bench', `${name}.js`) : benchFile(`${name}.ts`);
}

/** How to run bench script `name` in a new Node process. */
export function benchScript(name: string, args: string[]): { file: string; args: string[] } {
  return { file: process.execPath, args: [...(compiled ? [] : ['--import', 'tsx']), benchScriptPath(name), ...args] };
}

/**
 * Where a run writes its results when not told: bench/results/ in a checkout (the committed
 * runs the README quotes); ./roi-ops-bench/ when built, as an installed package's own folder
 * is neither writable everywhere nor the user's.
 */
export function defaultResultsDirectory(): string {
  return compiled ? resolve('roi-ops-bench') : benchFile('results');
}
