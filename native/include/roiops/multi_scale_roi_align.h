// Multi-scale (FPN) RoIAlign, semantics of docs/semantics.md "multiScaleRoiAlign" (torchvision
// MultiScaleRoIAlign): every RoI is RoIAlign (avg) on the level its index names, with that
// level's spatial scale. The level of each RoI (torchvision's LevelMapper) is computed by the
// caller.
#pragma once
#include "status.h"
#include "tensor.h"

namespace roiops {

struct MultiScaleRoiAlignParams {
  int64_t pooled_height = 1;
  int64_t pooled_width = 1;
  int64_t sampling_ratio = -1;  // <= 0: adaptive
  bool aligned = false;         // torchvision's MultiScaleRoIAlign uses aligned=False
  int64_t max_samples_per_roi = int64_t(1) << 24;
};

// The pyramid: `count` maps (same batch, channels and layout; any height and width), finest
// first, and one spatial scale per map.
struct FeatureLevels {
  const FeatureMap* maps = nullptr;
  const float* scales = nullptr;
  int64_t count = 0;
};

// One level index per RoI row; -1 (or any index outside [0, levels)) gives a row of zeros.
struct RoiLevelIndices {
  const int32_t* data = nullptr;
  int64_t length = 0;
};

// RoI rows of five in image coordinates; out is [K,C,PH,PW] or [K,PH,PW,C] following the
// maps' layout. Row k equals roi_align_forward of its level's map with spatial_scale =
// that level's scale, bit for bit.
Status multi_scale_roi_align_forward(const FeatureLevels& levels, const RoiRows& rois,
                                     const RoiLevelIndices& roi_levels, const MultiScaleRoiAlignParams& params,
                                     const PooledOutput& out, Execution execution = Execution());

}  // namespace roiops
