// RoI max pooling, docs/semantics.md "roiPool" (torchvision roi_pool_kernel.cpp), plus the
// disjoint 'split' bins of docs/api.md "roiPool". Two paths with identical results: channels-last,
// vectorised across channels (many RoIs), and planar NCHW (few RoIs on a large map).
#pragma once
#include <cfloat>
#include <cmath>
#include <limits>

#include "roi_driver.h"

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
      return j * q +
             static_cast<int64_t>((static_cast<uint64_t>(j) * static_cast<uint64_t>(r)) / static_cast<uint64_t>(bins));
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
// inclusive end, malformed boxes forced to one pixel. psRoiPool's rule (`inclusive_end`
// false, docs/semantics.md "psRoiPool and psRoiAlign") takes max(end - start, 1) instead: no +1.
struct RoundedBox {
  int64_t x0, y0, width, height;
};

inline RoundedBox round_box(const float* row, float scale, bool inclusive_end = true) {
  const int64_t xs = clamp_to_int64(std::round(row[1] * scale));
  const int64_t ys = clamp_to_int64(std::round(row[2] * scale));
  const int64_t xe = clamp_to_int64(std::round(row[3] * scale));
  const int64_t ye = clamp_to_int64(std::round(row[4] * scale));
  const int64_t extra = inclusive_end ? 1 : 0;
  return {xs, ys, std::max(xe - xs + extra, int64_t(1)), std::max(ye - ys + extra, int64_t(1))};
}

// The plane index h*W+w a maximum is recorded under. Without argmax output a plane may
// exceed 2^31 pixels; the index then only needs to stay non-negative.
inline int32_t plane_index(int64_t y, int64_t x, int64_t width) {
  return static_cast<int32_t>(std::min<int64_t>(y * width + x, std::numeric_limits<int32_t>::max()));
}

// What a bin is reduced to: roiPool's maximum (with its argmax), or the mean of its pixels
// (spatialPyramidPool 'avg', psRoiPool).
enum class BinReduction { max, avg };

// Where a RoI's pooled values go inside its output block: value (c, bin) at
// c * channel + bin * bin. roiPool's NCHW block is {PH*PW, 1}, a channels-last tile {1, C};
// spatialPyramidPool places each level's (C, l, l) block inside its output row this way.
struct BlockStrides {
  int64_t channel, bin;
};

// Channels [c, c + NV*L::width) of one non-empty bin of a channels-last image, into
// values[0 .. NV*L::width) and indices[0 .. NV*L::width) (indices may be null).
// Best of the bin's non-NaN values, first occurrence in row-major order on ties. Unlike
// torchvision's -FLT_MAX start, a bin of -inf values gives -inf and names its first pixel;
// a bin of only NaNs gives NaN and -1 (docs/semantics.md "roiPool"). The running maximum
// starts as (NaN, -1), "nothing taken yet" (ScalarLanes::max_update), which is also the
// answer for a bin of NaNs.
template <class L, int NV>
inline void pool_channels(const float* image, int64_t width, int64_t C, BinSpan rows, BinSpan cols, int64_t c,
                          float* values, int32_t* indices) {
  typename L::F best[NV];
  typename L::I index[NV];
  for (int j = 0; j < NV; ++j) {
    best[j] = L::set1(std::numeric_limits<float>::quiet_NaN());
    index[j] = L::iset1(-1);
  }
  for (int64_t y = rows.start; y < rows.end; ++y) {
    for (int64_t x = cols.start; x < cols.end; ++x) {
      const float* pixel = image + (y * width + x) * C + c;
      const typename L::I candidate = L::iset1(plane_index(y, x, width));
      for (int j = 0; j < NV; ++j) L::max_update(best[j], index[j], L::load(pixel + j * L::width), candidate);
    }
  }
  for (int j = 0; j < NV; ++j) {
    L::store(values + j * L::width, best[j]);
    if (indices != nullptr) L::istore(indices + j * L::width, index[j]);
  }
}

// The mean of a non-empty bin, as torchvision's ps_roi_pool computes it: a float sum in
// row-major order divided by the pixel count converted to float. `pixel_stride` is the
// distance between neighbouring pixels (C of a channels-last image).
template <class L, int NV>
inline void average_channels(const float* image, int64_t width, int64_t pixel_stride, BinSpan rows, BinSpan cols,
                             int64_t c, float* values) {
  typename L::F sum[NV];
  for (int j = 0; j < NV; ++j) sum[j] = L::zero();
  for (int64_t y = rows.start; y < rows.end; ++y) {
    for (int64_t x = cols.start; x < cols.end; ++x) {
      const float* pixel = image + (y * width + x) * pixel_stride + c;
      for (int j = 0; j < NV; ++j) sum[j] = L::add(sum[j], L::load(pixel + j * L::width));
    }
  }
  const typename L::F area = L::set1(static_cast<float>((rows.end - rows.start) * (cols.end - cols.start)));
  for (int j = 0; j < NV; ++j) L::store(values + j * L::width, L::div(sum[j], area));
}

// One non-empty bin, channels [c0, c0 + count): vectors of four, single vectors, then a
// scalar tail computing exactly what a lane computes.
template <BinReduction R>
inline void reduce_bin_channels(const float* image, int64_t width, int64_t pixel_stride, BinSpan rows, BinSpan cols,
                                int64_t c0, int64_t count, float* values, int32_t* indices) {
  using V = VectorLanes;
  int64_t i = 0;
  const auto at = [&](int64_t j) { return indices != nullptr ? indices + j : nullptr; };
  if (R == BinReduction::max) {
    for (; i + 4 * V::width <= count; i += 4 * V::width)
      pool_channels<V, 4>(image, width, pixel_stride, rows, cols, c0 + i, values + i, at(i));
    for (; i + V::width <= count; i += V::width)
      pool_channels<V, 1>(image, width, pixel_stride, rows, cols, c0 + i, values + i, at(i));
    for (; i < count; ++i)
      pool_channels<ScalarLanes, 1>(image, width, pixel_stride, rows, cols, c0 + i, values + i, at(i));
  } else {
    for (; i + 4 * V::width <= count; i += 4 * V::width)
      average_channels<V, 4>(image, width, pixel_stride, rows, cols, c0 + i, values + i);
    for (; i + V::width <= count; i += V::width)
      average_channels<V, 1>(image, width, pixel_stride, rows, cols, c0 + i, values + i);
    for (; i < count; ++i) average_channels<ScalarLanes, 1>(image, width, pixel_stride, rows, cols, c0 + i, values + i);
  }
}

// Channels [c0, c0 + count) of every bin of one RoI on the channels-last path: bin b's
// `count` values (and argmax indices, for max with indices != null) at b * bin_stride.
template <BinReduction R>
inline void pool_roi_channels_last(const float* image, int64_t H, int64_t W, int64_t C, const RoundedBox& box,
                                   const RoiPoolParams& params, int64_t c0, int64_t count, int64_t bin_stride,
                                   float* values, int32_t* indices) {
  const int64_t PH = params.pooled_height, PW = params.pooled_width;
  for (int64_t ph = 0; ph < PH; ++ph) {
    const BinSpan rows = pool_bin(ph, PH, box.y0, box.height, H, params.bins);
    for (int64_t pw = 0; pw < PW; ++pw) {
      const BinSpan cols = pool_bin(pw, PW, box.x0, box.width, W, params.bins);
      float* bin_values = values + (ph * PW + pw) * bin_stride;
      int32_t* bin_indices = indices != nullptr ? indices + (ph * PW + pw) * bin_stride : nullptr;
      if (rows.empty() || cols.empty()) {
        fill_block(bin_values, count, 0.0f);
        if (bin_indices != nullptr) fill_block(bin_indices, count, int32_t(-1));
        continue;
      }
      reduce_bin_channels<R>(image, W, C, rows, cols, c0, count, bin_values, bin_indices);
    }
  }
}

// Channels [c0, c1) of one RoI on the planar NCHW path, written in place at `strides`.
template <BinReduction R>
inline void pool_roi_planar(const FeatureMap& map, const float* image, const RoundedBox& box,
                            const RoiPoolParams& params, int64_t c0, int64_t c1, BlockStrides strides, float* out_block,
                            int32_t* argmax_block) {
  const int64_t H = map.height, W = map.width, PH = params.pooled_height, PW = params.pooled_width;
  for (int64_t c = c0; c < c1; ++c) {
    const float* plane = image + c * H * W;
    for (int64_t ph = 0; ph < PH; ++ph) {
      const BinSpan rows = pool_bin(ph, PH, box.y0, box.height, H, params.bins);
      for (int64_t pw = 0; pw < PW; ++pw) {
        const BinSpan cols = pool_bin(pw, PW, box.x0, box.width, W, params.bins);
        const int64_t at = c * strides.channel + (ph * PW + pw) * strides.bin;
        float value = 0.0f;
        int32_t index = -1;
        if (!rows.empty() && !cols.empty()) {
          if (R == BinReduction::max) {
            value = std::numeric_limits<float>::quiet_NaN();  // nothing taken yet, as in pool_channels
            for (int64_t y = rows.start; y < rows.end; ++y)
              for (int64_t x = cols.start; x < cols.end; ++x)
                ScalarLanes::max_update(value, index, plane[y * W + x], plane_index(y, x, W));
          } else {
            average_channels<ScalarLanes, 1>(plane, W, 1, rows, cols, 0, &value);
          }
        }
        out_block[at] = value;
        if (argmax_block != nullptr) argmax_block[at] = index;
      }
    }
  }
}

// Pixels per channel that pooling one box scans (bins may overlap); `height`/`width` are the
// sizes bins are clipped to.
inline double box_pixels(const RoundedBox& box, const RoiPoolParams& params, int64_t height, int64_t width) {
  double rows = 0, cols = 0;
  for (int64_t ph = 0; ph < params.pooled_height; ++ph) {
    const BinSpan span = pool_bin(ph, params.pooled_height, box.y0, box.height, height, params.bins);
    rows += static_cast<double>(span.empty() ? 0 : span.end - span.start);
  }
  for (int64_t pw = 0; pw < params.pooled_width; ++pw) {
    const BinSpan span = pool_bin(pw, params.pooled_width, box.x0, box.width, width, params.bins);
    cols += static_cast<double>(span.empty() ? 0 : span.end - span.start);
  }
  return rows * cols;
}

// Pixels per channel that max pooling scans over every usable RoI.
inline double pixels_scanned(const FeatureMap& map, const RoiRows& rois, const RoiPoolParams& params) {
  double pixels = 0;
  for (int64_t k = 0; k < rois.count; ++k) {
    const float* row = rois.data + k * 5;
    if (!roi_row_is_valid(row, map.batch)) continue;
    pixels += box_pixels(round_box(row, params.spatial_scale), params, map.height, map.width);
  }
  return pixels;
}

// roiPool's rows for the driver (kernels/roi_driver.h). `argmax`: the call's argmax output or null.
struct RoiPoolRows : MapAndRois {
  const RoiPoolParams& params;
  int32_t* argmax;

  int64_t block() const { return map.channels * params.pooled_height * params.pooled_width; }
  int32_t* argmax_block(int64_t k) const { return argmax != nullptr ? argmax + k * block() : nullptr; }

  Status planar(int64_t k, int64_t c0, int64_t c1, float* out_block) const {
    pool_roi_planar<BinReduction::max>(map, image(k, map.data), round_box(row(k), params.spatial_scale), params, c0, c1,
                                       BlockStrides{params.pooled_height * params.pooled_width, 1}, out_block,
                                       argmax_block(k));
    return Status::success();
  }

  // All channels of a bin at once (contiguous pixel reads), then the block is written out.
  // 64-channel tiles that stay in L1, as roiAlign's, measured slower here: W4 with argmax
  // ~18.1 against ~16.9 ms (C++ harness, AVX-512, 1 thread, best of 6), each pixel read then
  // being 256 bytes of its 1 KB. Without argmax output no index is stored.
  Status channels_last(int64_t k, const float* map_copy, const BlockWriter& writer, float* out_block) const {
    const int64_t C = map.channels, bins = params.pooled_height * params.pooled_width;
    thread_local Scratch<float> value_tile, planar_values;
    thread_local Scratch<int32_t> index_tile, planar_indices;
    int32_t* out_indices = argmax_block(k);
    float* values = writer.tile_for(out_block, value_tile, block());
    int32_t* indices = out_indices != nullptr ? writer.tile_for(out_indices, index_tile, block()) : nullptr;
    pool_roi_channels_last<BinReduction::max>(image(k, map_copy), map.height, map.width, C,
                                              round_box(row(k), params.spatial_scale), params, 0, C, C, values,
                                              indices);
    writer.finish(values, bins, C, planar_values, out_block);
    if (indices != nullptr) writer.finish(indices, bins, C, planar_indices, out_indices);
    return Status::success();
  }
};

inline Status roi_pool_forward(const FeatureMap& map, const RoiRows& rois, const RoiPoolParams& params,
                               const PooledOutput& out, Execution execution) {
  const RoiPoolRows kernel{{map, rois}, params, out.argmax};
  const double pixels = pixels_scanned(map, rois, params);
  // Unusable rows pool to 0 and argmax -1 (the public contract's "Bad input", invalidBoxes 'zero').
  const RowPlan plan = costed_plan(map, rois.count, kernel.block(), pixels, kPooledPixel, out.data, out.argmax);
  return run_rows(kernel, map, plan, execution);
}

}  // namespace ROIOPS_ISA
}  // namespace roiops
