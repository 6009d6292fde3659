// RoI max pooling (Fast R-CNN), semantics of docs/semantics.md "roiPool".
#pragma once
#include "status.h"
#include "tensor.h"

namespace roiops {

enum class BinRule : int32_t {
  overlap = 0,  // torchvision/Caffe: floor/ceil bins that may share a row or column
  split = 1,    // disjoint bins [floor(i*L/n), floor((i+1)*L/n)) of the same inclusive box
};

struct RoiPoolParams {
  int64_t pooled_height = 1;
  int64_t pooled_width = 1;
  float spatial_scale = 1.0f;
  BinRule bins = BinRule::overlap;
};

// Writes every element of out.data (and out.argmax when given). A row whose batch index
// is not an integer in [0, N) or whose coordinates are not finite pools to 0 / argmax -1.
Status roi_pool_forward(const FeatureMap& input, const RoiRows& rois, const RoiPoolParams& params,
                        const PooledOutput& out, Execution execution = Execution());

}  // namespace roiops
