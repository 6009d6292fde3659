// DESIGN.md "Layers": the kernel code (native/include/roiops, native/kernels, native/isa,
// native/runtime) knows nothing of JavaScript; only native/addon includes napi.h. And both
// builds take their sources from native/sources.json.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

import { describe, expect, it } from 'vitest';

import { packageRoot } from '../../lib/backend/native.js';

const root = packageRoot();

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

describe('native source layout', () => {
  it('keeps napi.h out of the kernel code', () => {
    const kernelFiles = ['native/include', 'native/kernels', 'native/isa', 'native/runtime'].flatMap((d) => filesUnder(join(root, d)));
    expect(kernelFiles.length).toBeGreaterThan(5);
    const offenders = kernelFiles.filter((file) => /#include\s*[<"]napi\.h[>"]/.test(readFileSync(file, 'utf8')));
    expect(offenders.map((f) => relative(root, f))).toEqual([]);
    const addon = filesUnder(join(root, 'native/addon')).filter((file) => /napi\.h/.test(readFileSync(file, 'utf8')));
    expect(addon.length).toBeGreaterThan(0);
  });

  it('builds every C++ source through native/sources.json, read by both build files', () => {
    const sources = JSON.parse(readFileSync(join(root, 'native/sources.json'), 'utf8')) as Record<string, unknown>;
    const listed = Object.values(sources).filter(Array.isArray).flat().sort();
    const onDisk = filesUnder(join(root, 'native'))
      .filter((file) => file.endsWith('.cc'))
      .map((file) => relative(root, file))
      .sort();
    expect(listed).toEqual(onDisk);
    expect(readFileSync(join(root, 'binding.gyp'), 'utf8')).toContain("require('./native/sources.json')");
    expect(readFileSync(join(root, 'CMakeLists.txt'), 'utf8')).toContain('native/sources.json');
  });
});
