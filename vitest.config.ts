import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

// Every instruction-set path of this architecture, each forced through ROI_OPS_SIMD (a cap:
// on a CPU without AVX-512, the avx512 project runs the widest path the CPU has).
const instructionSets = process.arch === 'arm64' ? ['scalar', 'neon'] : ['scalar', 'sse2', 'avx2', 'avx512'];

const perInstructionSet: TestProjectInlineConfiguration[] = instructionSets.map((isa) => ({
  extends: true,
  test: {
    name: `native-${isa}`,
    include: ['test/api/**/*.test.ts'],
    env: { ROI_OPS_REQUIRE_NATIVE: '1', ROI_OPS_EXPECT_BACKEND: 'native', ROI_OPS_SIMD: isa },
  },
}));

// One suite, run against every backend (docs/design.md "Tests"): the native addon (which must
// load: ROI_OPS_REQUIRE_NATIVE=1) at its default dispatch and forced to each instruction
// set, and the JavaScript fallback selected by ROI_OPS_FORCE_JS=1. Each project runs in its own forked processes, so the environment is
// set before the addon loads. Native-only behaviour (threads of the event loop, pinning)
// and the command line are tested once, on the native project.
export default defineConfig({
  test: {
    pool: 'forks',
    execArgv: ['--expose-gc'],
    testTimeout: 60_000,
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'native',
          include: [
            'test/api/**/*.test.ts',
            'test/native/**/*.test.ts',
            'test/cli/**/*.test.ts',
            'test/onnx/**/*.test.ts',
          ],
          env: { ROI_OPS_REQUIRE_NATIVE: '1', ROI_OPS_EXPECT_BACKEND: 'native' },
        },
      },
      {
        extends: true,
        test: {
          name: 'js',
          // test/io/: the file formats of the command line, test/structure/: the import layout
          // of the TypeScript sources, and test/types/: the published types as consumers compile
          // them; pure TypeScript all, so run once, here. test/onnx/: roi-ops/onnx against
          // onnxruntime on the JavaScript kernels too.
          include: [
            'test/api/**/*.test.ts',
            'test/onnx/**/*.test.ts',
            'test/reference/**/*.test.ts',
            'test/io/**/*.test.ts',
            'test/structure/**/*.test.ts',
            'test/types/**/*.test.ts',
          ],
          env: { ROI_OPS_FORCE_JS: '1', ROI_OPS_EXPECT_BACKEND: 'js' },
        },
      },
      ...perInstructionSet,
    ],
  },
});
