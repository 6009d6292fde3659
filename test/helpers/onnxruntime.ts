// The onnxruntime-node the ONNX tests compare against: the devDependency, or another install
// named by ROI_OPS_TEST_ONNXRUNTIME (the path of its dist/index.js), so the same tests check the
// oldest supported release too (docs/onnx.md "Testing"). Loaded once, dynamically: two releases'
// native libraries cannot share a process.
type Ort = typeof import('onnxruntime-node');

export const ort: Ort = await import(process.env.ROI_OPS_TEST_ONNXRUNTIME ?? 'onnxruntime-node');
export const ortVersion: string = ort.env.versions.common;
