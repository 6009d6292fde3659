// RoIAlign forward: avg (torchvision, reference/semantics.md §2.1), max (mmcv §2.4, from
// -infinity) and onnx-max (ONNX/onnxruntime corner max, §2.5). Generic over the layout
// through strides; a bin with no samples is 0 in every mode.
#pragma once
#include <limits>
#include <new>
#include <vector>

#include "roi_align_common.h"

namespace roiops {
namespace ROIOPS_ISA {

// The four weighted corners of one sample.
struct SampleCorners {
  float w1v1, w2v2, w3v3, w4v4;
};

inline SampleCorners sample_corners(const float* plane, const Strides4& in, const AxisTap& ty, const AxisTap& tx) {
  const float w1 = ty.low_weight * tx.low_weight;
  const float w2 = ty.low_weight * tx.high_weight;
  const float w3 = ty.high_weight * tx.low_weight;
  const float w4 = ty.high_weight * tx.high_weight;
  const float v1 = plane[ty.low * in.row + tx.low * in.column];
  const float v2 = plane[ty.low * in.row + tx.high * in.column];
  const float v3 = plane[ty.high * in.row + tx.low * in.column];
  const float v4 = plane[ty.high * in.row + tx.high * in.column];
  return {w1 * v1, w2 * v2, w3 * v3, w4 * v4};
}

// One output bin of one channel.
inline float align_bin(const float* plane, const Strides4& in, const AxisTap* ytaps, const AxisTap* xtaps,
                       int64_t grid_h, int64_t grid_w, AlignMode mode) {
  if (grid_h * grid_w == 0) return 0.0f;
  if (mode == AlignMode::avg) {
    float sum = 0.0f;
    for (int64_t iy = 0; iy < grid_h; ++iy) {
      for (int64_t ix = 0; ix < grid_w; ++ix) {
        if (!ytaps[iy].valid || !xtaps[ix].valid) continue;
        const SampleCorners s = sample_corners(plane, in, ytaps[iy], xtaps[ix]);
        sum += s.w1v1 + s.w2v2 + s.w3v3 + s.w4v4;
      }
    }
    return sum / static_cast<float>(grid_h * grid_w);
  }
  float best = mode == AlignMode::max ? -std::numeric_limits<float>::infinity() : std::numeric_limits<float>::lowest();
  for (int64_t iy = 0; iy < grid_h; ++iy) {
    for (int64_t ix = 0; ix < grid_w; ++ix) {
      float value = 0.0f;  // a sample outside the map is worth 0, as in both references
      if (ytaps[iy].valid && xtaps[ix].valid) {
        const SampleCorners s = sample_corners(plane, in, ytaps[iy], xtaps[ix]);
        if (mode == AlignMode::max) {
          value = s.w1v1 + s.w2v2 + s.w3v3 + s.w4v4;
        } else {  // std::max chain exactly as onnxruntime's roialign.cc
          value = std::max(std::max(std::max(s.w1v1, s.w2v2), s.w3v3), s.w4v4);
        }
      }
      if (mode == AlignMode::max) {
        if (value > best) best = value;
      } else {
        best = std::max(best, value);
      }
    }
  }
  return best;
}

inline Status roi_align_forward(const FeatureMap& map, const RoiRows& rois, const RoiAlignParams& params,
                                const PooledOutput& out, CancelFlag cancel) {
  const int64_t C = map.channels, H = map.height, W = map.width;
  const int64_t PH = params.pooled_height, PW = params.pooled_width;
  const int64_t block = C * PH * PW;
  const Strides4 in = map_strides(map);
  const Strides4 pooled = pooled_strides(map, PH, PW);
  std::vector<AxisTap> ytaps, xtaps;

  for (int64_t k = 0; k < rois.count; ++k) {
    if (cancel.requested()) return {StatusCode::aborted, k, "aborted"};
    const float* row = rois.data + k * 5;
    float* out_block = out.data + k * block;
    if (!roi_row_is_valid(row, map.batch)) {
      fill_block(out_block, block, 0.0f);
      continue;
    }
    AlignGeometry g;
    if (!align_geometry(row, params.spatial_scale, params.aligned, params.sampling_ratio, PH, PW,
                        params.max_samples_per_roi, g)) {
      return {StatusCode::too_many_samples, k, "the RoI's sampling grid exceeds maxSamplesPerRoi"};
    }
    try {
      axis_taps(g.start_y, g.bin_h, PH, g.grid_h, H, ytaps);
      axis_taps(g.start_x, g.bin_w, PW, g.grid_w, W, xtaps);
    } catch (const std::bad_alloc&) {
      return {StatusCode::out_of_memory, k, "no memory for the RoI's sample table"};
    }
    const float* image = map.data + static_cast<int64_t>(row[0]) * in.batch;
    for (int64_t c = 0; c < C; ++c) {
      const float* plane = image + c * in.channel;
      for (int64_t ph = 0; ph < PH; ++ph) {
        for (int64_t pw = 0; pw < PW; ++pw) {
          out_block[c * pooled.channel + ph * pooled.row + pw * pooled.column] =
              align_bin(plane, in, ytaps.data() + ph * g.grid_h, xtaps.data() + pw * g.grid_w, g.grid_h, g.grid_w,
                        params.mode);
        }
      }
    }
  }
  return Status::success();
}

}  // namespace ROIOPS_ISA
}  // namespace roiops
