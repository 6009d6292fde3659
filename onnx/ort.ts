// onnxruntime-node, as the pipeline sees it: the caller passes its own module (any release from
// 1.20 on; an optional peer dependency), and roi-ops takes only its types, never its code, so
// nothing of onnxruntime is loaded by importing roi-ops/onnx.
import type * as OnnxRuntime from 'onnxruntime-node';

/** onnxruntime-node's module (`import * as ort` or `require`), as far as the pipeline uses it. */
export type OrtModule = Pick<typeof OnnxRuntime, 'InferenceSession' | 'Tensor'>;
export type OrtSession = OnnxRuntime.InferenceSession;
export type OrtTensor = OnnxRuntime.Tensor;
