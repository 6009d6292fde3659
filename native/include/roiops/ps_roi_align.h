// Position-sensitive RoIAlign (R-FCN), semantics of docs/semantics.md "psRoiPool and psRoiAlign"
// (torchvision ps_roi_align).
#pragma once
#include "status.h"
#include "tensor.h"

namespace roiops {

// Always "aligned" (box shifted by -0.5 after scaling, no >= 1 clamp) and always an average.
struct PsRoiAlignParams {
  int64_t pooled_height = 1;
  int64_t pooled_width = 1;
  float spatial_scale = 1.0f;
  int64_t sampling_ratio = -1;                     // <= 0: adaptive, ceil(roi size / pooled size) per RoI
  int64_t max_samples_per_roi = int64_t(1) << 24;  // PH*PW*gridH*gridW above this: too_many_samples
};

// Input [N,C,H,W] or [N,H,W,C]; C must be a multiple of PH*PW. Output channel c_out of bin
// (ph, pw) reads input channel (c_out*PH + ph)*PW + pw; out is [K, C/(PH*PW), PH, PW] or
// [K, PH, PW, C/(PH*PW)] following the input's layout. A bin without samples (zero-size box,
// adaptive grid) is 0 (torchvision: 0/0 = NaN). Unusable rows (batch index not an integer in
// [0, N), coordinates not finite) give zeros.
Status ps_roi_align_forward(const FeatureMap& input, const RoiRows& rois, const PsRoiAlignParams& params,
                            const PooledOutput& out, Execution execution = Execution());

}  // namespace roiops
