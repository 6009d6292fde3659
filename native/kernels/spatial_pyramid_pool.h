// Spatial pyramid pooling, docs/semantics.md "spatialPyramidPool", as docs/api.md defines it: level l pools the
// box with roiPool's overlapping floor/ceil bins over an l x l grid (roi_pool.h's bin
// machinery, called with this output's strides), max as roiPool (empty bin 0) or avg (the
// float mean of the bin's pixels, empty bin 0). Each row of the output is the levels in the
// given order, each flattened (C, l, l), whatever the input layout. Without RoIs a row is an
// image's whole map: the rounded box (0, 0, W-1, H-1) at scale 1, built directly in integers.
#pragma once
#include "roi_pool.h"

namespace roiops {
namespace ROIOPS_ISA {

// Where row r of the pyramid pools: its image and rounded box; false for an unusable row.
inline bool pyramid_row(const FeatureMap& map, const RoiRows* rois, float scale, int64_t r, int64_t& image,
                        RoundedBox& box) {
  if (rois == nullptr) {
    image = r;
    box = {0, 0, map.width, map.height};
    return true;
  }
  const float* row = rois->data + r * 5;
  if (!roi_row_is_valid(row, map.batch)) return false;
  image = static_cast<int64_t>(row[0]);
  box = round_box(row, scale);
  return true;
}

inline RoiPoolParams pyramid_level(int64_t l, float scale) {
  RoiPoolParams level;
  level.pooled_height = level.pooled_width = l;
  level.spatial_scale = scale;
  level.bins = BinRule::overlap;
  return level;
}

// The pyramid's rows for the driver (kernels/roi_driver.h): each level's (C, l, l) block in
// turn inside the row's block.
template <BinReduction R>
struct PyramidRows {
  const FeatureMap& map;
  const RoiRows* rois;
  const SpatialPyramidParams& params;

  bool usable(int64_t r) const {
    int64_t image = 0;
    RoundedBox box{};
    return pyramid_row(map, rois, params.spatial_scale, r, image, box);
  }

  Status planar(int64_t r, int64_t c0, int64_t c1, float* out_row) const {
    const int64_t C = map.channels, H = map.height, W = map.width;
    int64_t image = 0;
    RoundedBox box{};
    pyramid_row(map, rois, params.spatial_scale, r, image, box);
    int64_t offset = 0;
    for (int64_t i = 0; i < params.level_count; ++i) {
      const int64_t l = params.levels[i];
      pool_roi_planar<R>(map, map.data + image * C * H * W, box, pyramid_level(l, params.spatial_scale), c0, c1,
                         BlockStrides{l * l, 1}, out_row + offset, nullptr);
      offset += C * l * l;
    }
    return Status::success();
  }

  // Each level as a [l*l][C] tile, vectorised across channels, then transposed to its (C, l, l).
  // The output is (C, l, l) whatever the input layout, so the BlockWriter is not used.
  Status channels_last(int64_t r, const float* map_copy, const BlockWriter&, float* out_row) const {
    const int64_t C = map.channels, H = map.height, W = map.width;
    int64_t image = 0;
    RoundedBox box{};
    pyramid_row(map, rois, params.spatial_scale, r, image, box);
    thread_local Scratch<float> tile;
    const float* pixels_of_image = map_copy + image * H * W * C;
    int64_t offset = 0;
    for (int64_t i = 0; i < params.level_count; ++i) {
      const int64_t l = params.levels[i];
      float* values = tile.reserve(l * l * C);
      pool_roi_channels_last<R>(pixels_of_image, H, W, C, box, pyramid_level(l, params.spatial_scale), 0, C, C, values,
                                nullptr);
      tile_to_planar(values, l * l, C, out_row + offset);
      offset += C * l * l;
    }
    return Status::success();
  }
};

template <BinReduction R>
inline Status pyramid_pool(const FeatureMap& map, const RoiRows* rois, const SpatialPyramidParams& params,
                           const PooledOutput& out, const Execution& execution) {
  const int64_t count = rois != nullptr ? rois->count : map.batch;
  int64_t cells = 0;
  for (int64_t i = 0; i < params.level_count; ++i) cells += params.levels[i] * params.levels[i];

  double pixels = 0;
  for (int64_t r = 0; r < count; ++r) {
    int64_t image = 0;
    RoundedBox box{};
    if (!pyramid_row(map, rois, params.spatial_scale, r, image, box)) continue;
    for (int64_t i = 0; i < params.level_count; ++i)
      pixels += box_pixels(box, pyramid_level(params.levels[i], params.spatial_scale), map.height, map.width);
  }

  const RowPlan plan = costed_plan(map, count, map.channels * cells, pixels, kPooledPixel, out.data);
  return run_rows(PyramidRows<R>{map, rois, params}, map, plan, execution);
}

inline Status spatial_pyramid_pool_forward(const FeatureMap& map, const RoiRows* rois,
                                           const SpatialPyramidParams& params, const PooledOutput& out,
                                           Execution execution) {
  if (params.mode == PyramidMode::avg) return pyramid_pool<BinReduction::avg>(map, rois, params, out, execution);
  return pyramid_pool<BinReduction::max>(map, rois, params, out, execution);
}

}  // namespace ROIOPS_ISA
}  // namespace roiops
