// RoIAlign, semantics of docs/semantics.md "roiAlign" (avg) and "The three modes" (max, onnx-max).
#pragma once
#include "status.h"
#include "tensor.h"

namespace roiops {

enum class AlignMode : int32_t {
  avg = 0,       // torchvision: mean of the bilinear samples
  max = 1,       // mmcv: largest bilinear sample, starting from -infinity
  onnx_max = 2,  // ONNX / onnxruntime: largest individually weighted corner of any sample
};

struct RoiAlignParams {
  int64_t pooled_height = 1;
  int64_t pooled_width = 1;
  float spatial_scale = 1.0f;
  int64_t sampling_ratio = -1;  // <= 0: adaptive, ceil(roi size / pooled size) per RoI
  bool aligned = false;
  AlignMode mode = AlignMode::avg;
  // Refuse (too_many_samples) any RoI whose PH*PW*gridH*gridW exceeds this.
  int64_t max_samples_per_roi = int64_t(1) << 24;
};

// Writes every element of out.data. A row whose batch index is not an integer in [0, N)
// or whose coordinates are not finite gives zeros.
Status roi_align_forward(const FeatureMap& input, const RoiRows& rois, const RoiAlignParams& params,
                         const PooledOutput& out, Execution execution = Execution());

}  // namespace roiops
