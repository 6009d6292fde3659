// TensorFlow crop_and_resize, docs/semantics.md "cropAndResize", computed as TensorFlow.js's CPU
// backend does (the golden vectors' reference).
#pragma once
#include "status.h"
#include "tensor.h"

namespace roiops {

enum class CropMethod : int32_t { bilinear = 0, nearest = 1 };

struct CropAndResizeParams {
  int64_t crop_height = 1;
  int64_t crop_width = 1;
  CropMethod method = CropMethod::bilinear;
  float extrapolation_value = 0.0f;
};

// `boxes`: K rows of 4 normalized (y1, x1, y2, x2), columns == 4; `box_indices`: K int32
// image indices. Output [K, h, w, C] for an NHWC image, [K, C, h, w] for NCHW. A box whose
// index is outside [0, N) or whose coordinates are not finite gives zeros.
Status crop_and_resize_forward(const FeatureMap& image, const RoiRows& boxes, const int32_t* box_indices,
                               int64_t box_indices_length, const CropAndResizeParams& params, const PooledOutput& out,
                               Execution execution = Execution());

}  // namespace roiops
