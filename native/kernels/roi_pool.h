// RoI max pooling, reference/semantics.md §1.1 (torchvision roi_pool_kernel.cpp), plus the
// disjoint 'split' bins of API.md. Generic over the layout through strides.
#pragma once
#include <cfloat>
#include <cmath>
#include <limits>

#include "common.h"

namespace roiops {
namespace ROIOPS_ISA {

// One bin along one axis: [start, end) in map pixels, already clipped to [0, size].
struct BinSpan {
  int64_t start, end;
  bool empty() const { return end <= start; }
};

// The inclusive box start..start+length-1 (length >= 1) cut into `bins` bins; bin `i`.
inline BinSpan pool_bin(int64_t i, int64_t bins, int64_t start, int64_t length, int64_t size, BinRule rule) {
  int64_t lo, hi;
  if (rule == BinRule::split) {
    // floor(i*L/n) without overflowing i*L: L = q*n + r, so i*L/n = i*q + (i*r)/n with
    // i < n and r < n, both below 2^32 because the output fits a typed array.
    const int64_t q = length / bins, r = length % bins;
    const auto cut = [&](int64_t j) {
      return j * q + static_cast<int64_t>((static_cast<uint64_t>(j) * static_cast<uint64_t>(r)) /
                                          static_cast<uint64_t>(bins));
    };
    lo = cut(i);
    hi = cut(i + 1);
  } else {
    // torchvision computes the bin size and both products in the input type (float).
    const float bin_size = static_cast<float>(length) / static_cast<float>(bins);
    lo = static_cast<int64_t>(std::floor(static_cast<float>(i) * bin_size));
    hi = static_cast<int64_t>(std::ceil(static_cast<float>(i + 1) * bin_size));
  }
  return {std::min(std::max(lo + start, int64_t(0)), size), std::min(std::max(hi + start, int64_t(0)), size)};
}

// The box as the Caffe rule sees it: C round (half away from zero) of the scaled corners,
// inclusive end, malformed boxes forced to one pixel.
struct RoundedBox {
  int64_t x0, y0, width, height;
};

inline RoundedBox round_box(const float* row, float scale) {
  const int64_t xs = clamp_to_int64(std::round(row[1] * scale));
  const int64_t ys = clamp_to_int64(std::round(row[2] * scale));
  const int64_t xe = clamp_to_int64(std::round(row[3] * scale));
  const int64_t ye = clamp_to_int64(std::round(row[4] * scale));
  return {xs, ys, std::max(xe - xs + 1, int64_t(1)), std::max(ye - ys + 1, int64_t(1))};
}

inline Status roi_pool_forward(const FeatureMap& map, const RoiRows& rois, const RoiPoolParams& params,
                               const PooledOutput& out, CancelFlag cancel) {
  const int64_t C = map.channels, H = map.height, W = map.width;
  const int64_t PH = params.pooled_height, PW = params.pooled_width;
  const int64_t block = C * PH * PW;
  const Strides4 in = map_strides(map);
  const Strides4 pooled = pooled_strides(map, PH, PW);

  for (int64_t k = 0; k < rois.count; ++k) {
    if (cancel.requested()) return {StatusCode::aborted, k, "aborted"};
    const float* row = rois.data + k * 5;
    float* out_block = out.data + k * block;
    int32_t* argmax_block = out.argmax != nullptr ? out.argmax + k * block : nullptr;
    if (!roi_row_is_valid(row, map.batch)) {
      fill_block(out_block, block, 0.0f);
      if (argmax_block != nullptr) std::fill(argmax_block, argmax_block + block, -1);
      continue;
    }
    const RoundedBox box = round_box(row, params.spatial_scale);
    const float* image = map.data + static_cast<int64_t>(row[0]) * in.batch;

    for (int64_t ph = 0; ph < PH; ++ph) {
      const BinSpan rows_span = pool_bin(ph, PH, box.y0, box.height, H, params.bins);
      for (int64_t pw = 0; pw < PW; ++pw) {
        const BinSpan cols_span = pool_bin(pw, PW, box.x0, box.width, W, params.bins);
        const bool empty = rows_span.empty() || cols_span.empty();
        for (int64_t c = 0; c < C; ++c) {
          const int64_t at = c * pooled.channel + ph * pooled.row + pw * pooled.column;
          // Best of the bin's non-NaN values, first occurrence in row-major order on ties.
          // Unlike torchvision's -FLT_MAX start, a bin of -inf values gives -inf and names
          // its first pixel; a bin of only NaNs gives NaN and -1 (reference/semantics.md §1.1).
          float best = -std::numeric_limits<float>::infinity();
          int64_t best_index = -1;
          if (!empty) {
            const float* plane = image + c * in.channel;
            for (int64_t y = rows_span.start; y < rows_span.end; ++y) {
              const float* line = plane + y * in.row;
              for (int64_t x = cols_span.start; x < cols_span.end; ++x) {
                const float v = line[x * in.column];
                if (v > best || (best_index < 0 && v == best)) {
                  best = v;
                  best_index = y * W + x;
                }
              }
            }
          }
          float value = best;
          if (empty) value = 0.0f;
          else if (best_index < 0) value = std::numeric_limits<float>::quiet_NaN();
          out_block[at] = value;
          if (argmax_block != nullptr) argmax_block[at] = static_cast<int32_t>(best_index);
        }
      }
    }
  }
  return Status::success();
}

}  // namespace ROIOPS_ISA
}  // namespace roiops
