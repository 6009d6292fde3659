// Precise RoI pooling (PrRoIPool, IoU-Net), docs/semantics.md "preciseRoiPool": the exact integral of
// the zero-padded bilinear interpolant over each bin, divided by the bin area.
#pragma once
#include "status.h"
#include "tensor.h"

namespace roiops {

struct PreciseRoiPoolParams {
  int64_t pooled_height = 1;
  int64_t pooled_width = 1;
  float spatial_scale = 1.0f;
};

// Output [K,C,PH,PW] or [K,PH,PW,C] following the input layout. A bin of area 0 gives 0;
// unusable rows give zeros.
Status precise_roi_pool_forward(const FeatureMap& input, const RoiRows& rois, const PreciseRoiPoolParams& params,
                                const PooledOutput& out, Execution execution = Execution());

}  // namespace roiops
