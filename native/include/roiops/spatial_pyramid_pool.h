// Spatial pyramid pooling (SPPNet), docs/semantics.md "spatialPyramidPool", as docs/api.md defines it: each
// level l pools the box with roiPool's overlapping floor/ceil bins over an l x l grid.
#pragma once
#include "status.h"
#include "tensor.h"

namespace roiops {

enum class PyramidMode : int32_t {
  max = 0,  // as roiPool: best non-NaN value of the bin, empty bin 0
  avg = 1,  // mean of the bin's pixels (row-major float sum / pixel count), empty bin 0
};

struct SpatialPyramidParams {
  const int64_t* levels = nullptr;  // grid sizes l >= 1, in output order (any order)
  int64_t level_count = 0;
  float spatial_scale = 1.0f;
  PyramidMode mode = PyramidMode::max;
};

// `rois` null: one row per image, pooling its whole map (the box (0,0,W-1,H-1) at scale 1).
// Output [rows, C*sum(l*l)] for both input layouts: per row, the levels in the given order,
// each flattened (C, l, l) row-major. Unusable rows give zeros.
Status spatial_pyramid_pool_forward(const FeatureMap& input, const RoiRows* rois, const SpatialPyramidParams& params,
                                    const PooledOutput& out, Execution execution = Execution());

}  // namespace roiops
