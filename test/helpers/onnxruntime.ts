// The onnxruntime-node the ONNX tests compare against: the devDependency, or another install
// named by ROI_OPS_TEST_ONNXRUNTIME (the path of its dist/index.js), so the same tests check the
// oldest supported release too (docs/onnx.md "Testing"). Loaded once, dynamically: two releases'
// native libraries cannot share a process.
type Ort = typeof import('onnxruntime-node');

export const ort: Ort = await import(process.env.ROI_OPS_TEST_ONNXRUNTIME ?? 'onnxruntime-node');
export const ortVersion: string = ort.env.versions.common;

// scripts/test-onnxruntime-oldest.sh says which release it installed: a run that loaded
// another (a wrong path, a stale cache) must fail rather than test the wrong onnxruntime.
const wantedVersion = process.env.ROI_OPS_TEST_ONNXRUNTIME_VERSION;
if (wantedVersion !== undefined && ortVersion !== wantedVersion)
  throw new Error(`test/helpers/onnxruntime.ts: expected onnxruntime-node ${wantedVersion}, loaded ${ortVersion}`);
