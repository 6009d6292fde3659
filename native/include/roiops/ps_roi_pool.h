// Position-sensitive RoI average pooling (R-FCN), docs/semantics.md "psRoiPool and psRoiAlign" (torchvision
// ps_roi_pool_kernel.cpp).
#pragma once
#include "status.h"
#include "tensor.h"

namespace roiops {

struct PsRoiPoolParams {
  int64_t pooled_height = 1;
  int64_t pooled_width = 1;
  float spatial_scale = 1.0f;
};

// Output [K, C/(PH*PW), PH, PW] (NCHW input) or [K, PH, PW, C/(PH*PW)] (NHWC input); output
// channel c_out of bin (ph, pw) averages input channel (c_out*PH + ph)*PW + pw over the bin.
// C not divisible by PH*PW is invalid_argument. Unusable rows (batch index, non-finite
// coordinates) give zeros.
Status ps_roi_pool_forward(const FeatureMap& input, const RoiRows& rois, const PsRoiPoolParams& params,
                           const PooledOutput& out, Execution execution = Execution());

}  // namespace roiops
