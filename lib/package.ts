// Where roi-ops' own files are, found from the running code: the package root (the folder of
// the package.json named roi-ops), its version, and how to start one of its programs in a
// new Node process. The same code runs from the TypeScript sources of a checkout (through
// tsx) and bundled by tsup into dist/ (a checkout's build, or an installed package), so each
// answer is worked out at run time rather than written in.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The directory holding roi-ops' package.json, from the source tree or from dist/. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'roi-ops') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('roi-ops: cannot find its own package.json');
    dir = parent;
  }
}

let version: string | undefined;

/** roi-ops' version, from its package.json (without loading a backend). */
export function packageVersion(): string {
  version ??= JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')).version as string;
  return version;
}

/** True when this runs from the .ts sources (tsx), false from tsup's build (dist/). */
export const runsFromSource = fileURLToPath(import.meta.url).endsWith('.ts');

/**
 * How to run one of the package's programs in a new Node process, in the form this code
 * runs in: `source` (a .ts file) through tsx, which only a checkout has (a devDependency), or
 * `built`, its build under dist/, by node alone. `script` is the file of the form chosen.
 */
export function packageProgram(
  source: string,
  built: string,
  args: string[],
): { file: string; args: string[]; script: string } {
  const script = runsFromSource ? source : built;
  return { file: process.execPath, args: [...(runsFromSource ? ['--import', 'tsx'] : []), script, ...args], script };
}
