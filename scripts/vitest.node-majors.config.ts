// The suites scripts/test-node-majors.sh runs on each Node major of scripts/node-binaries.json,
// once per prebuild that Node can load: its per-ABI build and the Node-API build (the binary
// every later major gets), each chosen through ROI_OPS_ADDON_PATH and checked by
// ROI_OPS_EXPECT_ADDON_BUILD (test/helpers/backend.ts). The whole suite (vitest.config.ts) runs
// on the machine's Node against build/Release; these are what depends on the Node and the
// binary: loading, every golden vector sync and async, abort, workers, buffers transferred or
// detached mid-call, and which prebuild node-gyp-build picks.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

import base from '../vitest.config.js';

export const nodeMajorSuites = [
  'test/native/loader.test.ts',
  'test/packaging/prebuild-selection.test.ts',
  'test/api/golden-parity.test.ts',
  'test/api/golden-operators.test.ts',
  // 16-bit maps: a real Float16Array only exists on Node 24 and later.
  'test/api/half-maps.test.ts',
  'test/api/async.test.ts',
  'test/native/abort-load.test.ts',
  'test/native/workers.test.ts',
  'test/native/transfer.test.ts',
  'test/native/lifetime.test.ts',
  'test/native/buffers.test.ts',
  'test/cli/info.test.ts',
];

const root = fileURLToPath(new URL('..', import.meta.url));
const prebuilds = join(root, 'prebuilds', `${process.platform}-${process.arch}`);
const modules = process.versions.modules;

const builds: Array<[name: string, file: string, build: string]> = [
  [`abi${modules}`, `roi-ops.node.abi${modules}.glibc.node`, `node-abi-${modules}`],
  ['napi', 'roi-ops.napi.glibc.node', 'node-api'],
];

const projects: TestProjectInlineConfiguration[] = builds.map(([name, file, build]) => ({
  extends: true,
  test: {
    name,
    include: nodeMajorSuites,
    env: {
      ROI_OPS_REQUIRE_NATIVE: '1',
      ROI_OPS_EXPECT_BACKEND: 'native',
      ROI_OPS_ADDON_PATH: join(prebuilds, file),
      ROI_OPS_EXPECT_ADDON_BUILD: build,
    },
  },
}));

export default defineConfig({
  ...base,
  root,
  test: { ...base.test, projects },
});
