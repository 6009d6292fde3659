// Which prebuild a Node picks, and what the others do there (scripts/test-node-majors.sh runs
// this on every Node major of scripts/node-binaries.json, after `npm run prebuildify:all`):
// node-gyp-build prefers the per-ABI build of this Node's NODE_MODULE_VERSION and takes the
// Node-API build on a major it has no per-ABI build for (as on a future Node); a per-ABI build
// of another major refuses to load, and roi-ops falls back saying why.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { packageRoot } from '../../lib/package.js';

const requireHere = createRequire(import.meta.url);
const root = packageRoot();
const tuple = `${process.platform}-${process.arch}`;
const prebuilds = join(root, 'prebuilds', tuple);
const majors = (
  requireHere('../../scripts/node-binaries.json') as { majors: Array<{ major: number; modules: number }> }
).majors;
const napiFile = 'roi-ops.napi.glibc.node';
const abiFile = (modules: number | string) => `roi-ops.node.abi${modules}.glibc.node`;
const resolvePrebuild = (requireHere('node-gyp-build') as { resolve(dir: string): string }).resolve;
const buildOf = (path: string) => (requireHere(path) as { addonBuild(): string }).addonBuild();

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

/** A package directory whose prebuilds/<tuple>/ holds (links to) `files` of this checkout's prebuilds, and no build/. */
function packageWith(files: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'roi-ops-prebuilds-'));
  scratch.push(dir);
  mkdirSync(join(dir, 'prebuilds', tuple), { recursive: true });
  for (const file of files) symlinkSync(join(prebuilds, file), join(dir, 'prebuilds', tuple, file));
  return dir;
}

describe(`the prebuilds of ${tuple} on Node ${process.versions.node} (NODE_MODULE_VERSION ${process.versions.modules})`, () => {
  it('are the Node-API build and one per-ABI build per Node major of scripts/node-binaries.json', () => {
    const expected = [napiFile, ...majors.map((m) => abiFile(m.modules))].sort();
    expect(
      readdirSync(prebuilds)
        .filter((f) => f.endsWith('.node'))
        .sort(),
    ).toEqual(expected);
    expect(majors.map((m) => String(m.modules))).toContain(process.versions.modules);
  });

  it("node-gyp-build picks this major's per-ABI build, and says so", () => {
    const picked = resolvePrebuild(packageWith(readdirSync(prebuilds)));
    expect(picked.endsWith(`/${abiFile(process.versions.modules)}`)).toBe(true);
    expect(buildOf(picked)).toBe(`node-abi-${process.versions.modules}`);
  });

  it('node-gyp-build picks the Node-API build when no per-ABI build is for this major (a future Node)', () => {
    const others = majors.filter((m) => String(m.modules) !== process.versions.modules).map((m) => abiFile(m.modules));
    const picked = resolvePrebuild(packageWith([napiFile, ...others]));
    expect(picked.endsWith(`/${napiFile}`)).toBe(true);
    expect(buildOf(picked)).toBe('node-api');
  });

  it.each(majors.filter((m) => String(m.modules) !== process.versions.modules))(
    'the per-ABI build of Node $major refuses to load here, and roi-ops falls back saying why',
    ({ modules }) => {
      const child = spawnSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const roi = await import('./dist/index.js'); console.log(JSON.stringify(roi.info()));`,
        ],
        {
          cwd: root,
          encoding: 'utf8',
          env: { ...process.env, ROI_OPS_REQUIRE_NATIVE: '', ROI_OPS_ADDON_PATH: join(prebuilds, abiFile(modules)) },
        },
      );
      expect(child.status, child.stderr).toBe(0);
      const info = JSON.parse(child.stdout);
      expect(info.native).toBe(false);
      expect(info.fallbackReason).toContain(
        `roi-ops: this addon was built for NODE_MODULE_VERSION ${modules} and uses V8's BackingStore API, ` +
          `but this Node is NODE_MODULE_VERSION ${process.versions.modules}`,
      );
    },
  );
});
