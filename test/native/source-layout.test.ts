// docs/design.md "The layers": the kernel code (native/include/roiops, native/kernels, native/isa,
// native/runtime) knows nothing of JavaScript; only native/addon includes napi.h. And both
// builds take their sources from native/sources.json.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

import { describe, expect, it } from 'vitest';

import { packageRoot } from '../../lib/package.js';

const root = packageRoot();

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

describe('native source layout', () => {
  it('keeps napi.h out of the kernel code', () => {
    const kernelFiles = ['native/include', 'native/kernels', 'native/isa', 'native/runtime'].flatMap((d) =>
      filesUnder(join(root, d)),
    );
    expect(kernelFiles.length).toBeGreaterThan(5);
    const offenders = kernelFiles.filter((file) => /#include\s*[<"]napi\.h[>"]/.test(readFileSync(file, 'utf8')));
    expect(offenders.map((f) => relative(root, f))).toEqual([]);
    const addon = filesUnder(join(root, 'native/addon')).filter((file) => /napi\.h/.test(readFileSync(file, 'utf8')));
    expect(addon.length).toBeGreaterThan(0);
  });

  it('builds every C++ source through native/sources.json, read by both build files', () => {
    const sources = JSON.parse(readFileSync(join(root, 'native/sources.json'), 'utf8')) as {
      core: string[];
      addon: string[];
      tests: string[];
      fuzz: string[];
      sanitize: string[];
      isa: Record<string, { sources: string[] }>;
    };
    const listed = [
      ...sources.core,
      ...sources.addon,
      ...sources.tests,
      ...sources.fuzz,
      ...sources.sanitize,
      ...Object.values(sources.isa).flatMap((isa) => isa.sources),
    ].sort();
    const onDisk = filesUnder(join(root, 'native'))
      .filter((file) => file.endsWith('.cc'))
      .map((file) => relative(root, file))
      .sort();
    expect(listed).toEqual(onDisk);
    expect(readFileSync(join(root, 'binding.gyp'), 'utf8')).toContain("require('./native/sources.json')");
    expect(readFileSync(join(root, 'CMakeLists.txt'), 'utf8')).toContain('native/sources.json');
  });

  it('keeps every inline function an instruction-set object defines in its own namespace', () => {
    // A weak (COMDAT) function outside the ISA's namespace, say std::vector<float>::resize
    // compiled with -mavx512f, could be the copy the linker keeps for the baseline code too.
    const objects = join(root, 'build', 'Release', 'obj.target');
    expect(existsSync(objects), 'the node-gyp build must exist').toBe(true);
    const isaObjects = filesUnder(objects).filter((file) => /native\/isa\/\w+\.o$/.test(file));
    expect(isaObjects.length).toBeGreaterThanOrEqual(process.arch === 'x64' ? 4 : 2);
    for (const object of isaObjects) {
      const nm = spawnSync('nm', ['-C', '--defined-only', object], { encoding: 'utf8' });
      expect(nm.status, nm.stderr).toBe(0);
      const shared = nm.stdout.split('\n').filter((line) => / W /.test(line) && !/_isa::/.test(line));
      expect(shared, relative(root, object)).toEqual([]);
    }
  });
});
