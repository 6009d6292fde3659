// Precise RoI pooling (PrRoIPool), docs/semantics.md "preciseRoiPool": the exact integral of the
// zero-padded bilinear interpolant f(y, x) = sum X[i,j] hat(y - i) hat(x - j) over each bin,
// divided by the bin area. The integral is separable: pixel (i, j) contributes
// X[i,j] * Iy(i) * Ix(j), where Ix(j) = integral over the bin's [x0, x1] of hat(x - j), summed
// cell by cell with the closed-form 1-D hat integrals the reference uses: over a unit cell
// [s, s+1] clipped to local [a, b], pixel s (near corner) gets (b - a) - (b^2 - a^2)/2 and
// pixel s+1 (far corner) gets (b^2 - a^2)/2. So a RoI needs per-axis coefficient lists (like
// RoIAlign's separable taps) instead of the reference's per-cell corner loop.
//
// Exact arithmetic, so that every path and instruction set gives the same bits:
//  - geometry and per-axis integrals in double: x0 = double(row[1]) * double(scale), ...;
//    bin_w = max(x1 - x0, 0) / PW; bin p spans [x0 + p*bin_w, x0 + p*bin_w + bin_w];
//    weight(j) = (sum of its cell integrals) / bin_w; a RoI with bin_w * bin_h == 0 gives 0;
//  - the coefficient of pixel (i, j) is float(weight_y(i) * weight_x(j)) (the 1/area folded in);
//  - the output is a float sum from 0 of float(X[i,j] * coefficient), rows i ascending, then
//    columns j ascending, over the pixels of [0,H-1] x [0,W-1] whose cells the bin touches.
// Cells outside the map contribute nothing (zero padding), so the lists are clipped to it and
// a box far off the map costs nothing. The golden vectors are float64; this stays well inside
// their tolerance.
#pragma once
#include <cmath>
#include <limits>

#include "roi_driver.h"

namespace roiops {
namespace ROIOPS_ISA {

// The pixels one bin touches along one axis: first .. first + count - 1, with their
// weights at `offset` in the axis's weight list.
struct HatSpan {
  int64_t first = 0, count = 0, offset = 0;
};

// The bins of one RoI along one axis (`pooled` of them) on an axis of `size` pixels.
// Returns the number of weights written (at most pooled * size).
inline void hat_axis(double start, double bin, int64_t pooled, int64_t size, HatSpan* spans, Scratch<double>& storage,
                     double*& weights) {
  // First pass: the spans, so that the weights fit one allocation.
  int64_t total = 0;
  const double last = static_cast<double>(size);
  for (int64_t p = 0; p < pooled; ++p) {
    const double lo = start + static_cast<double>(p) * bin;
    const double hi = lo + bin;
    // Cells [s, s+1] with s in [floor(lo), ceil(hi)) touch pixels s and s+1; only cells in
    // [-1, size-1] reach a pixel of the map. Clamping first keeps the conversions defined.
    const double first_cell = std::floor(std::min(std::max(lo, -1.0), last));
    const double end_cell = std::ceil(std::min(std::max(hi, -1.0), last));
    HatSpan span;
    span.first = static_cast<int64_t>(std::max(first_cell, 0.0));
    const int64_t last_pixel = std::min(static_cast<int64_t>(end_cell), size - 1);
    span.count = end_cell > first_cell ? std::max<int64_t>(last_pixel - span.first + 1, 0) : 0;
    span.offset = total;
    total += span.count;
    spans[p] = span;
  }
  weights = storage.reserve(std::max<int64_t>(total, 1));
  for (int64_t p = 0; p < pooled; ++p) {
    const double lo = start + static_cast<double>(p) * bin;
    const double hi = lo + bin;
    const HatSpan& span = spans[p];
    double* w = weights + span.offset;
    for (int64_t i = 0; i < span.count; ++i) w[i] = 0.0;
    for (int64_t j = 0; j < span.count; ++j) {
      const int64_t pixel = span.first + j;
      // Cell pixel-1 (pixel is its far corner), then cell pixel (near corner).
      for (int64_t s = pixel - 1; s <= pixel; ++s) {
        const double cell = static_cast<double>(s);
        const double a = std::max(lo, cell) - cell, b = std::min(hi, cell + 1.0) - cell;
        if (!(b > a)) continue;
        const double half_squares = (b * b - a * a) * 0.5;
        w[j] += s == pixel ? (b - a) - half_squares : half_squares;
      }
    }
    for (int64_t j = 0; j < span.count; ++j) w[j] = w[j] / bin;
  }
}

// The per-axis coefficient lists of one RoI (per thread, reused across RoIs).
struct PreciseRoi {
  bool empty = true;  // bin area 0: every bin is 0
  Scratch<HatSpan> y_spans, x_spans;
  Scratch<double> y_storage, x_storage;
  HatSpan* ys = nullptr;
  HatSpan* xs = nullptr;
  double* y_weights = nullptr;
  double* x_weights = nullptr;

  void compute(const float* row, float spatial_scale, int64_t PH, int64_t PW, int64_t H, int64_t W) {
    const double scale = static_cast<double>(spatial_scale);
    const double x0 = static_cast<double>(row[1]) * scale, y0 = static_cast<double>(row[2]) * scale;
    const double x1 = static_cast<double>(row[3]) * scale, y1 = static_cast<double>(row[4]) * scale;
    const double bin_w = std::max(x1 - x0, 0.0) / static_cast<double>(PW);
    const double bin_h = std::max(y1 - y0, 0.0) / static_cast<double>(PH);
    empty = !(bin_w * bin_h != 0.0);
    ys = y_spans.reserve(PH);
    xs = x_spans.reserve(PW);
    if (empty) return;
    hat_axis(y0, bin_h, PH, H, ys, y_storage, y_weights);
    hat_axis(x0, bin_w, PW, W, xs, x_storage, x_weights);
  }
};

// One pixel of a bin: its element offset (relative to channel 0 of the image) and coefficient.
struct PreciseTap {
  int64_t offset;
  float coefficient;
};

// The taps of bin (ph, pw), rows ascending then columns; returns how many.
inline int64_t precise_bin_taps(const PreciseRoi& roi, int64_t ph, int64_t pw, int64_t row_stride,
                                int64_t column_stride, Scratch<PreciseTap>& storage, PreciseTap*& taps) {
  const HatSpan& sy = roi.ys[ph];
  const HatSpan& sx = roi.xs[pw];
  taps = storage.reserve(std::max<int64_t>(sy.count * sx.count, 1));
  int64_t n = 0;
  for (int64_t i = 0; i < sy.count; ++i) {
    const double wy = roi.y_weights[sy.offset + i];
    for (int64_t j = 0; j < sx.count; ++j)
      taps[n++] = {(sy.first + i) * row_stride + (sx.first + j) * column_stride,
                   static_cast<float>(wy * roi.x_weights[sx.offset + j])};
  }
  return n;
}

// Taps per channel over every usable RoI.
inline double precise_taps_total(const FeatureMap& map, const RoiRows& rois, const PreciseRoiPoolParams& params) {
  thread_local PreciseRoi roi;
  double taps = 0;
  for (int64_t k = 0; k < rois.count; ++k) {
    const float* row = rois.data + k * 5;
    if (!roi_row_is_valid(row, map.batch)) continue;
    try {
      roi.compute(row, params.spatial_scale, params.pooled_height, params.pooled_width, map.height, map.width);
    } catch (const std::bad_alloc&) {
      return std::numeric_limits<double>::infinity();  // the tasks will report it
    }
    if (roi.empty) continue;
    double rows = 0, cols = 0;
    for (int64_t ph = 0; ph < params.pooled_height; ++ph) rows += static_cast<double>(roi.ys[ph].count);
    for (int64_t pw = 0; pw < params.pooled_width; ++pw) cols += static_cast<double>(roi.xs[pw].count);
    taps += rows * cols;
  }
  return taps;
}

// sum += X * coefficient over `count` taps, channels [c, c + NV*L::width), into dst.
template <class L, int NV>
inline void precise_channels(const float* image, const PreciseTap* taps, int64_t count, int64_t c, float* dst) {
  typename L::F acc[NV];
  for (int j = 0; j < NV; ++j) acc[j] = L::zero();
  const float* base = image + c;
  for (int64_t t = 0; t < count; ++t) {
    const typename L::F w = L::set1(taps[t].coefficient);
    for (int j = 0; j < NV; ++j) acc[j] = L::add(acc[j], L::mul(L::load(base + taps[t].offset + j * L::width), w));
  }
  for (int j = 0; j < NV; ++j) L::store(dst + j * L::width, acc[j]);
}

// preciseRoiPool's rows for the driver (kernels/roi_driver.h). A row whose bins have no area
// pools to 0 like an unusable one.
struct PreciseRoiPoolRows : MapAndRois {
  const PreciseRoiPoolParams& params;

  // Row k's coefficient lists in `roi`; false when its bins have no area.
  bool prepare(int64_t k, PreciseRoi& roi) const {
    roi.compute(row(k), params.spatial_scale, params.pooled_height, params.pooled_width, map.height, map.width);
    return !roi.empty;
  }

  Status planar(int64_t k, int64_t c0, int64_t c1, float* out_block) const {
    const int64_t H = map.height, W = map.width, PW = params.pooled_width;
    const int64_t bins = params.pooled_height * PW;
    thread_local PreciseRoi roi;
    thread_local Scratch<PreciseTap> tap_storage;
    if (!prepare(k, roi)) {
      fill_block(out_block + c0 * bins, (c1 - c0) * bins, 0.0f);
      return Status::success();
    }
    const float* plane = image(k, map.data);
    for (int64_t ph = 0; ph < params.pooled_height; ++ph)
      for (int64_t pw = 0; pw < PW; ++pw) {
        PreciseTap* taps;
        const int64_t count = precise_bin_taps(roi, ph, pw, W, 1, tap_storage, taps);
        for (int64_t c = c0; c < c1; ++c)
          precise_channels<ScalarLanes, 1>(plane + c * H * W, taps, count, 0, out_block + c * bins + ph * PW + pw);
      }
    return Status::success();
  }

  Status channels_last(int64_t k, const float* map_copy, const BlockWriter& writer, float* out_block) const {
    using V = VectorLanes;
    const int64_t C = map.channels, W = map.width, PW = params.pooled_width;
    const int64_t bins = params.pooled_height * PW, block = C * bins;
    thread_local PreciseRoi roi;
    thread_local Scratch<PreciseTap> tap_storage;
    thread_local Scratch<float> tile, planar_tile;
    if (!prepare(k, roi)) {
      fill_block(out_block, block, 0.0f);
      return Status::success();
    }
    const float* pixels = image(k, map_copy);
    float* values = writer.tile_for(out_block, tile, block);
    for (int64_t ph = 0; ph < params.pooled_height; ++ph)
      for (int64_t pw = 0; pw < PW; ++pw) {
        PreciseTap* taps;
        const int64_t count = precise_bin_taps(roi, ph, pw, W * C, C, tap_storage, taps);
        float* dst = values + (ph * PW + pw) * C;
        int64_t c = 0;
        for (; c + 4 * V::width <= C; c += 4 * V::width) precise_channels<V, 4>(pixels, taps, count, c, dst + c);
        for (; c + V::width <= C; c += V::width) precise_channels<V, 1>(pixels, taps, count, c, dst + c);
        for (; c < C; ++c) precise_channels<ScalarLanes, 1>(pixels, taps, count, c, dst + c);
      }
    writer.finish(values, bins, C, planar_tile, out_block);
    return Status::success();
  }
};

inline Status precise_roi_pool_forward(const FeatureMap& map, const RoiRows& rois, const PreciseRoiPoolParams& params,
                                       const PooledOutput& out, Execution execution) {
  const double taps = precise_taps_total(map, rois, params);
  const RowPlan plan = costed_plan(map, rois.count, map.channels * params.pooled_height * params.pooled_width, taps,
                                   kPooledPixel, out.data);
  return run_rows(PreciseRoiPoolRows{{map, rois}, params}, map, plan, execution);
}

}  // namespace ROIOPS_ISA
}  // namespace roiops
