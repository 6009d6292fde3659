// roi-ops/onnx: ONNX detectors on onnxruntime-node with roi-ops running their RoI stages
// (docs/onnx.md). Named exports only.
export { createOnnxPipeline } from './pipeline.js';
export type { OnnxPipeline, OnnxPipelineOptions } from './pipeline.js';
export { planOnnxModel } from './plan.js';
export type { OnnxPipelinePlan, PlanOptions, PlanStep, PlanTensor } from './plan.js';
export type { OrtModule, OrtSession, OrtTensor } from './ort.js';
