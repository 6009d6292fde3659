// Spatial pyramid pooling, reference/semantics.md §6 as API.md defines it: level l pools the
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

template <BinReduction R>
inline Status pyramid_pool(const FeatureMap& map, const RoiRows* rois, const SpatialPyramidParams& params,
                           const PooledOutput& out, const Execution& execution) {
  const int64_t C = map.channels, H = map.height, W = map.width;
  const int64_t count = rois != nullptr ? rois->count : map.batch;
  int64_t cells = 0;
  for (int64_t i = 0; i < params.level_count; ++i) cells += params.levels[i] * params.levels[i];
  const int64_t row_block = C * cells;

  double pixels = 0;
  for (int64_t r = 0; r < count; ++r) {
    int64_t image = 0;
    RoundedBox box{};
    if (!pyramid_row(map, rois, params.spatial_scale, r, image, box)) continue;
    for (int64_t i = 0; i < params.level_count; ++i)
      pixels += box_pixels(box, pyramid_level(params.levels[i], params.spatial_scale), H, W);
  }

  if (!prefer_channels_last(map, pixels, 1.3)) {
    const int64_t chunks = std::max<int64_t>((C + kPlanarChannelsPerTask - 1) / kPlanarChannelsPerTask, 1);
    return run_tasks(count * chunks, for_work(execution, pixels * static_cast<double>(C)), [&](int64_t task) {
      const int64_t r = task / chunks, c0 = (task % chunks) * kPlanarChannelsPerTask;
      const int64_t c1 = std::min(c0 + kPlanarChannelsPerTask, C);
      float* out_row = out.data + r * row_block;
      int64_t image = 0;
      RoundedBox box{};
      const bool usable = pyramid_row(map, rois, params.spatial_scale, r, image, box);
      int64_t offset = 0;
      for (int64_t i = 0; i < params.level_count; ++i) {
        const int64_t l = params.levels[i];
        float* level_block = out_row + offset;
        if (usable) {
          pool_roi_planar<R>(map, map.data + image * C * H * W, box, pyramid_level(l, params.spatial_scale), c0, c1,
                             BlockStrides{l * l, 1}, level_block, nullptr);
        } else {
          fill_block(level_block + c0 * l * l, (c1 - c0) * l * l, 0.0f);
        }
        offset += C * l * l;
      }
      return Status::success();
    });
  }

  thread_local Scratch<float> transposed;
  const float* channels_last = nullptr;
  const Status prepared = channels_last_map(map, execution, transposed, channels_last);
  if (!prepared.ok()) return prepared;
  return run_tasks(count, for_work(execution, pixels * static_cast<double>(C) * 0.1), [&](int64_t r) {
    float* out_row = out.data + r * row_block;
    int64_t image = 0;
    RoundedBox box{};
    if (!pyramid_row(map, rois, params.spatial_scale, r, image, box)) {
      fill_block(out_row, row_block, 0.0f);
      return Status::success();
    }
    thread_local Scratch<float> tile;
    const float* pixels_of_image = channels_last + image * H * W * C;
    int64_t offset = 0;
    for (int64_t i = 0; i < params.level_count; ++i) {
      const int64_t l = params.levels[i];
      // A [l*l][C] tile, vectorised across channels, then transposed to the level's (C, l, l).
      float* values = tile.reserve(l * l * C);
      pool_roi_channels_last<R>(pixels_of_image, H, W, C, box, pyramid_level(l, params.spatial_scale), 0, C, C, values,
                                nullptr);
      tile_to_planar(values, l * l, C, out_row + offset);
      offset += C * l * l;
    }
    return Status::success();
  });
}

inline Status spatial_pyramid_pool_forward(const FeatureMap& map, const RoiRows* rois,
                                           const SpatialPyramidParams& params, const PooledOutput& out,
                                           Execution execution) {
  if (params.mode == PyramidMode::avg) return pyramid_pool<BinReduction::avg>(map, rois, params, out, execution);
  return pyramid_pool<BinReduction::max>(map, rois, params, out, execution);
}

}  // namespace ROIOPS_ISA
}  // namespace roiops
