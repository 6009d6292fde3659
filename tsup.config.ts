import { defineConfig } from 'tsup';

// ESM and CommonJS builds of the library with their declarations, and the CLI.
export default defineConfig([
  {
    entry: { index: 'lib/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    shims: true,
    target: 'node20',
    platform: 'node',
    clean: true,
    sourcemap: true,
  },
  {
    entry: { cli: 'lib/cli.ts' },
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    banner: { js: '#!/usr/bin/env node' },
    sourcemap: true,
  },
]);
