// RoIAlign forward: avg (torchvision, docs/semantics.md "roiAlign"), max (mmcv, from
// -infinity) and onnx-max (ONNX/onnxruntime corner max), both in "The three modes"; a bin with no samples is 0
// in every mode. Two paths: channels-last, vectorised across channels (many RoIs), and
// planar NCHW (few RoIs on a large map). Vector lanes compute each channel with exactly the
// scalar operations in the reference's order (mul, then add, no fusion), so both paths and
// every instruction set give bit-identical results.
#pragma once
#include <limits>
#include <type_traits>
#include <vector>

#include "partial_widening.h"
#include "roi_align_common.h"
#include "roi_driver.h"

namespace roiops {
namespace ROIOPS_ISA {

// Where one bin's samples read from: its taps along y and x.
struct BinTaps {
  const AxisTap* y;
  int64_t grid_h;
  const AxisTap* x;
  int64_t grid_w;
};

// The accumulation of each mode, over a vector of channels.
template <class L, AlignMode M>
struct AlignAccumulator {
  using F = typename L::F;
  static F start() {
    if (M == AlignMode::avg) return L::zero();
    if (M == AlignMode::max) return L::set1(-std::numeric_limits<float>::infinity());
    return L::set1(std::numeric_limits<float>::lowest());  // onnxruntime starts from lowest()
  }
  // The value of one sample from its four weighted corners.
  static F sample(F w1v1, F w2v2, F w3v3, F w4v4) {
    if (M == AlignMode::onnx_max) {
      // std::max(std::max(std::max(a, b), c), d), where std::max(a, b) is greater_of(b, a)
      return L::greater_of(w4v4, L::greater_of(w3v3, L::greater_of(w2v2, w1v1)));
    }
    return L::add(L::add(L::add(w1v1, w2v2), w3v3), w4v4);
  }
  static F accumulate(F acc, F value) {
    if (M == AlignMode::avg) return L::add(acc, value);
    return L::greater_of(value, acc);  // (value > best) ? value : best, as both references do
  }
};

// One bilinear sample of a bin, ready for every channel: the element offsets of its four
// corners (relative to channel 0 of the image) and their weights, as torchvision's
// pre_calc. Built once per bin and reused by every block of channels.
struct BinSample {
  int64_t o1, o2, o3, o4;
  float w1, w2, w3, w4;
  bool inside;  // false: the sample lies outside the map and is worth 0
};

// The sample whose taps along y and x are ty and tx, written to *sample unless it lies
// outside the map and !keep_outside; returns how many were written (0 or 1). The weights are
// torchvision's w1 = hy*hx, w2 = hy*lx, w3 = ly*hx, w4 = ly*lx.
inline int64_t list_sample(const AxisTap& ty, const AxisTap& tx, int64_t row_stride, int64_t column_stride,
                           bool keep_outside, BinSample* sample) {
  if (!ty.valid || !tx.valid) {
    if (!keep_outside) return 0;
    *sample = BinSample{0, 0, 0, 0, 0.0f, 0.0f, 0.0f, 0.0f, false};
    return 1;
  }
  *sample = BinSample{ty.low * row_stride + tx.low * column_stride,
                      ty.low * row_stride + tx.high * column_stride,
                      ty.high * row_stride + tx.low * column_stride,
                      ty.high * row_stride + tx.high * column_stride,
                      ty.low_weight * tx.low_weight,
                      ty.low_weight * tx.high_weight,
                      ty.high_weight * tx.low_weight,
                      ty.high_weight * tx.high_weight,
                      true};
  return 1;
}

// Samples are listed in chunks of this many, so a huge adaptive grid needs no huge buffer.
constexpr int64_t kSampleChunk = 256;

// Samples [first, first + count) of a bin in the reference's order (iy outer, ix inner),
// into `samples`; `column_stride` is C for a channels-last image and 1 for a plane. avg
// drops the samples outside the map (they add nothing); the maxima keep them, because a 0
// is a candidate. Returns how many were written.
inline int64_t list_samples(const BinTaps& taps, int64_t first, int64_t count, int64_t row_stride,
                            int64_t column_stride, bool keep_outside, BinSample* samples) {
  int64_t n = 0;
  int64_t iy = first / taps.grid_w, ix = first % taps.grid_w;
  for (int64_t s = 0; s < count; ++s, ++ix) {
    if (ix == taps.grid_w) {
      ix = 0;
      ++iy;
    }
    n += list_sample(taps.y[iy], taps.x[ix], row_stride, column_stride, keep_outside, samples + n);
  }
  return n;
}

// Folds `count` samples into channels [c, c + NV*L::width), whose running values live in
// dst[0 .. NV*L::width) between chunks (`first`: the bin's first chunk, start afresh).
template <class L, int NV, AlignMode M>
inline void accumulate_samples(const float* image, const BinSample* samples, int64_t count, int64_t c, bool first,
                               float* dst) {
  using A = AlignAccumulator<L, M>;
  typename L::F acc[NV];
  for (int j = 0; j < NV; ++j) acc[j] = first ? A::start() : L::load(dst + j * L::width);
  const float* base = image + c;
  for (int64_t s = 0; s < count; ++s) {
    const BinSample& sample = samples[s];
    if (M != AlignMode::avg && !sample.inside) {
      for (int j = 0; j < NV; ++j) acc[j] = A::accumulate(acc[j], L::zero());
      continue;
    }
    const typename L::F w1 = L::set1(sample.w1), w2 = L::set1(sample.w2), w3 = L::set1(sample.w3),
                        w4 = L::set1(sample.w4);
    for (int j = 0; j < NV; ++j) {
      const int64_t o = j * L::width;
      const typename L::F value =
          A::sample(L::mul(w1, L::load(base + sample.o1 + o)), L::mul(w2, L::load(base + sample.o2 + o)),
                    L::mul(w3, L::load(base + sample.o3 + o)), L::mul(w4, L::load(base + sample.o4 + o)));
      acc[j] = A::accumulate(acc[j], value);
    }
  }
  for (int j = 0; j < NV; ++j) L::store(dst + j * L::width, acc[j]);
}

// avg's last step, the reference's sum / samples, over dst[0 .. count). When `samples` is a
// power of two its reciprocal is exact, and x * (1/2^k) is the same correctly rounded number
// as x / 2^k, so the cheap multiply gives bit-identical results (vector division costs ~16
// cycles per 16 lanes: a fifth of W1's kernel time before this).
inline void divide_by_samples(float* dst, int64_t count, int64_t samples) {
  using V = VectorLanes;
  const float divisor = static_cast<float>(samples);
  int64_t i = 0;
  if ((samples & (samples - 1)) == 0) {
    const float reciprocal = 1.0f / divisor;
    const V::F factor = V::set1(reciprocal);
    for (; i + V::width <= count; i += V::width) V::store(dst + i, V::mul(V::load(dst + i), factor));
    for (; i < count; ++i) dst[i] = dst[i] * reciprocal;
    return;
  }
  const V::F vector_divisor = V::set1(divisor);
  for (; i + V::width <= count; i += V::width) V::store(dst + i, V::div(V::load(dst + i), vector_divisor));
  for (; i < count; ++i) dst[i] = dst[i] / divisor;
}

// Folds a list of samples into channels [c0, c0 + count) of dst: blocks of four vectors,
// then single vectors, then a scalar tail (same arithmetic in every lane).
template <AlignMode M>
inline void accumulate_channels(const float* image, const BinSample* list, int64_t listed, int64_t c0, int64_t count,
                                bool fresh, float* dst) {
  using V = VectorLanes;
  int64_t i = 0;
  for (; i + 4 * V::width <= count; i += 4 * V::width)
    accumulate_samples<V, 4, M>(image, list, listed, c0 + i, fresh, dst + i);
  for (; i + V::width <= count; i += V::width) accumulate_samples<V, 1, M>(image, list, listed, c0 + i, fresh, dst + i);
  for (; i < count; ++i) accumulate_samples<ScalarLanes, 1, M>(image, list, listed, c0 + i, fresh, dst + i);
}

// The bin of an axis-aligned RoI whose taps are `taps`, folded into channels [c, c + NV*L::width)
// of dst straight from the taps: the same samples in the same order, with the same weights
// and sums, as list_samples + accumulate_samples, but without writing a list first. Listing
// cost more than the arithmetic for few channels (W5, 16 channels: 1960 samples took ~18 us
// through lists, measured with a C++ harness).
template <class L, int NV, AlignMode M>
inline void accumulate_bin_taps(const float* image, const BinTaps& taps, int64_t row_stride, int64_t column_stride,
                                int64_t c, float* dst) {
  using A = AlignAccumulator<L, M>;
  typename L::F acc[NV];
  for (int j = 0; j < NV; ++j) acc[j] = A::start();
  const float* base = image + c;
  for (int64_t iy = 0; iy < taps.grid_h; ++iy) {
    const AxisTap& ty = taps.y[iy];
    const int64_t low_row = ty.low * row_stride, high_row = ty.high * row_stride;
    for (int64_t ix = 0; ix < taps.grid_w; ++ix) {
      const AxisTap& tx = taps.x[ix];
      if (!ty.valid || !tx.valid) {
        if (M != AlignMode::avg)
          for (int j = 0; j < NV; ++j) acc[j] = A::accumulate(acc[j], L::zero());
        continue;
      }
      const int64_t low_column = tx.low * column_stride, high_column = tx.high * column_stride;
      const float* p1 = base + low_row + low_column;
      const float* p2 = base + low_row + high_column;
      const float* p3 = base + high_row + low_column;
      const float* p4 = base + high_row + high_column;
      const typename L::F w1 = L::set1(ty.low_weight * tx.low_weight), w2 = L::set1(ty.low_weight * tx.high_weight),
                          w3 = L::set1(ty.high_weight * tx.low_weight), w4 = L::set1(ty.high_weight * tx.high_weight);
      for (int j = 0; j < NV; ++j) {
        const int64_t o = j * L::width;
        const typename L::F value = A::sample(L::mul(w1, L::load(p1 + o)), L::mul(w2, L::load(p2 + o)),
                                              L::mul(w3, L::load(p3 + o)), L::mul(w4, L::load(p4 + o)));
        acc[j] = A::accumulate(acc[j], value);
      }
    }
  }
  for (int j = 0; j < NV; ++j) L::store(dst + j * L::width, acc[j]);
}

// One bin of an axis-aligned RoI on a channels-last image, channels [c0, c0 + count), into
// dst[0 .. count), straight from its taps (blocks of four vectors, single vectors, a scalar tail).
template <AlignMode M>
inline void align_bin_taps(const float* image, int64_t row_stride, int64_t C, const BinTaps& taps, int64_t c0,
                           int64_t count, float* dst) {
  using V = VectorLanes;
  const int64_t total = taps.grid_h * taps.grid_w;
  if (total == 0) {
    fill_block(dst, count, 0.0f);
    return;
  }
  int64_t i = 0;
  for (; i + 4 * V::width <= count; i += 4 * V::width)
    accumulate_bin_taps<V, 4, M>(image, taps, row_stride, C, c0 + i, dst + i);
  for (; i + V::width <= count; i += V::width)
    accumulate_bin_taps<V, 1, M>(image, taps, row_stride, C, c0 + i, dst + i);
  for (; i < count; ++i) accumulate_bin_taps<ScalarLanes, 1, M>(image, taps, row_stride, C, c0 + i, dst + i);
  if (M == AlignMode::avg) divide_by_samples(dst, count, total);
}

struct AxisSampler;

// One bin of a channels-last image (rows of W*C floats), channels [c0, c0 + count), into
// dst[0 .. count). `sampler` lists the bin's samples (AxisSampler below, or the rotated one of
// roi_align_rotated.h); `samples` is per-thread scratch. An AxisSampler's bins are computed
// straight from their taps (align_bin_taps).
template <AlignMode M, class Sampler>
inline void align_bin_channels(const float* image, int64_t row_stride, int64_t C, const Sampler& sampler, int64_t bin,
                               int64_t c0, int64_t count, float* dst, Scratch<BinSample>& samples) {
  if constexpr (std::is_same_v<Sampler, AxisSampler>) {
    align_bin_taps<M>(image, row_stride, C, sampler.bin_taps(bin), c0, count, dst);
    return;
  }
  const int64_t total = sampler.per_bin();
  if (total == 0) {
    fill_block(dst, count, 0.0f);
    return;
  }
  BinSample* list = samples.reserve(kSampleChunk);
  for (int64_t first = 0; first < total; first += kSampleChunk) {
    const int64_t listed =
        sampler.list(bin, first, std::min(kSampleChunk, total - first), row_stride, C, M != AlignMode::avg, list);
    accumulate_channels<M>(image, list, listed, c0, count, first == 0, dst);
  }
  if (M == AlignMode::avg) divide_by_samples(dst, count, total);
}

// One bin of channels [c0, c1) on the planar path, channel by channel, written to
// out[c * channel_stride] for each channel c. Channel c starts at image + c * plane_size; a
// pixel row is row_stride floats, a pixel column_stride (an NCHW plane: width and 1).
template <AlignMode M, class Sampler>
inline void align_bin_planar(const float* image, int64_t plane_size, int64_t row_stride, int64_t column_stride,
                             const Sampler& sampler, int64_t bin, int64_t c0, int64_t c1, float* out,
                             int64_t channel_stride, Scratch<BinSample>& samples) {
  const int64_t total = sampler.per_bin();
  if (total == 0) {
    for (int64_t c = c0; c < c1; ++c) out[c * channel_stride] = 0.0f;
    return;
  }
  BinSample* list = samples.reserve(kSampleChunk);
  for (int64_t first = 0; first < total; first += kSampleChunk) {
    const int64_t listed = sampler.list(bin, first, std::min(kSampleChunk, total - first), row_stride, column_stride,
                                        M != AlignMode::avg, list);
    for (int64_t c = c0; c < c1; ++c)
      accumulate_samples<ScalarLanes, 1, M>(image + c * plane_size, list, listed, 0, first == 0,
                                            out + c * channel_stride);
  }
  if (M == AlignMode::avg)
    for (int64_t c = c0; c < c1; ++c) out[c * channel_stride] = out[c * channel_stride] / static_cast<float>(total);
}

// The sample taps of one RoI along both axes (per thread, reused across RoIs).
struct RoiTaps {
  AlignGeometry geometry;
  std::vector<AxisTap> y, x;

  BinTaps bin(int64_t ph, int64_t pw) const {
    return {y.data() + ph * geometry.grid_h, geometry.grid_h, x.data() + pw * geometry.grid_w, geometry.grid_w};
  }
};

// Every bin of an axis-aligned RoI straight from its taps into values[bins][C], each bin's
// channels as NV whole vectors fixed at compile time: with few channels the per-bin set-up of
// align_bin_taps (a call, the channel-block loops, a divide per bin) cost more than the
// samples (W5, 16 channels, 4 samples per bin). avg divides the whole block once at the end.
template <AlignMode M, int NV>
inline void align_bins_from_taps_fixed(const float* image, int64_t row_stride, int64_t C, const RoiTaps& taps,
                                       int64_t PH, int64_t PW, float* values) {
  const int64_t total = taps.geometry.grid_h * taps.geometry.grid_w;
  if (total == 0) {
    fill_block(values, PH * PW * C, 0.0f);
    return;
  }
  float* bin_values = values;
  for (int64_t ph = 0; ph < PH; ++ph)
    for (int64_t pw = 0; pw < PW; ++pw, bin_values += C)
      accumulate_bin_taps<VectorLanes, NV, M>(image, taps.bin(ph, pw), row_stride, C, 0, bin_values);
  if (M == AlignMode::avg) divide_by_samples(values, PH * PW * C, total);
}

// Every bin of an axis-aligned RoI straight from its taps into values[bins][C] (bins numbered
// ph * PW + pw): the fixed-width loop above when C is one to four whole vectors, else bin by bin.
// Kept out of line (a call per RoI), so that align_roi_tiled stays small around its hot loop.
template <AlignMode M>
ROIOPS_NOINLINE void align_bins_from_taps(const float* image, int64_t row_stride, int64_t C, const RoiTaps& taps,
                                          int64_t PH, int64_t PW, float* values) {
  using V = VectorLanes;
  const int64_t vectors = C % V::width == 0 ? C / V::width : 0;
  switch (vectors) {
    case 1:
      return align_bins_from_taps_fixed<M, 1>(image, row_stride, C, taps, PH, PW, values);
    case 2:
      return align_bins_from_taps_fixed<M, 2>(image, row_stride, C, taps, PH, PW, values);
    case 3:
      return align_bins_from_taps_fixed<M, 3>(image, row_stride, C, taps, PH, PW, values);
    case 4:
      return align_bins_from_taps_fixed<M, 4>(image, row_stride, C, taps, PH, PW, values);
    default:
      for (int64_t ph = 0; ph < PH; ++ph)
        for (int64_t pw = 0; pw < PW; ++pw)
          align_bin_taps<M>(image, row_stride, C, taps.bin(ph, pw), 0, C, values + (ph * PW + pw) * C);
  }
}

// The samples of an axis-aligned RoI, bin by bin (bins numbered ph * PW + pw).
struct AxisSampler {
  const RoiTaps& taps;
  int64_t pooled_width;

  int64_t per_bin() const { return taps.geometry.grid_h * taps.geometry.grid_w; }
  BinTaps bin_taps(int64_t bin) const { return taps.bin(bin / pooled_width, bin % pooled_width); }
  int64_t list(int64_t bin, int64_t first, int64_t count, int64_t row_stride, int64_t column_stride, bool keep_outside,
               BinSample* samples) const {
    return list_samples(taps.bin(bin / pooled_width, bin % pooled_width), first, count, row_stride, column_stride,
                        keep_outside, samples);
  }
};

// The taps of row k on a height x width map scaled by `spatial_scale` (the params' own scale
// for roiAlign, the RoI's level scale for multiScaleRoiAlign).
inline Status roi_taps(const float* row, int64_t k, int64_t height, int64_t width, float spatial_scale,
                       const RoiAlignParams& params, RoiTaps& taps) {
  if (!align_geometry(row, spatial_scale, params.aligned, params.sampling_ratio, params.pooled_height,
                      params.pooled_width, params.max_samples_per_roi, taps.geometry)) {
    return {StatusCode::too_many_samples, k, "the RoI's sampling grid exceeds maxSamplesPerRoi"};
  }
  const AlignGeometry& g = taps.geometry;
  axis_taps(g.start_y, g.bin_h, params.pooled_height, g.grid_h, height, taps.y);
  axis_taps(g.start_x, g.bin_w, params.pooled_width, g.grid_w, width, taps.x);
  return Status::success();
}

// The smallest window [y0, y1] x [x0, x1] of map pixels that a RoI's valid taps read;
// false when no tap is valid (every sample lies outside the map).
struct PixelWindow {
  int64_t y0, y1, x0, x1;
  int64_t height() const { return y1 - y0 + 1; }
  int64_t width() const { return x1 - x0 + 1; }
};

inline bool tap_window(const RoiTaps& taps, PixelWindow& window) {
  window = {std::numeric_limits<int64_t>::max(), -1, std::numeric_limits<int64_t>::max(), -1};
  for (const AxisTap& t : taps.y)
    if (t.valid) window.y0 = std::min(window.y0, t.low), window.y1 = std::max(window.y1, t.high);
  for (const AxisTap& t : taps.x)
    if (t.valid) window.x0 = std::min(window.x0, t.low), window.x1 = std::max(window.x1, t.high);
  return window.y1 >= 0 && window.x1 >= 0;
}

// The taps of `taps` moved into `window`'s coordinates.
inline void shift_taps(const RoiTaps& taps, const PixelWindow& window, RoiTaps& shifted) {
  shifted.geometry = taps.geometry;
  shifted.y = taps.y;
  shifted.x = taps.x;
  for (AxisTap& t : shifted.y) t.low -= window.y0, t.high -= window.y0;
  for (AxisTap& t : shifted.x) t.low -= window.x0, t.high -= window.x0;
}

// Channels [c0, c1) of one RoI on the NCHW path through a small channels-last copy of the
// window its samples read: worth it when the window has fewer pixels than the RoI has
// samples (adaptive grids on big boxes), because the bins then run vectorised across the
// channels (W6: 8 big RoIs on a 256x200x272 map). Same samples, same order, same results.
template <AlignMode M>
inline void align_roi_windowed(const float* image, int64_t plane_size, int64_t width, const RoiTaps& taps,
                               const PixelWindow& window, int64_t PH, int64_t PW, int64_t c0, int64_t c1,
                               float* out_block, Scratch<float>& tile, Scratch<float>& bin_values, RoiTaps& shifted,
                               Scratch<BinSample>& samples) {
  const int64_t channels = c1 - c0, bins = PH * PW;
  const int64_t row_stride = window.width() * channels;
  float* copy = tile.reserve(window.height() * row_stride);
  for (int64_t y = window.y0; y <= window.y1; ++y)
    transpose(image + c0 * plane_size + y * width + window.x0, channels, window.width(), plane_size,
              copy + (y - window.y0) * row_stride, channels);
  shift_taps(taps, window, shifted);
  float* values = bin_values.reserve(channels);
  const AxisSampler sampler{shifted, PW};
  for (int64_t b = 0; b < bins; ++b) {
    align_bin_channels<M>(copy, row_stride, channels, sampler, b, 0, channels, values, samples);
    for (int64_t c = 0; c < channels; ++c) out_block[(c0 + c) * bins + b] = values[c];
  }
}

// An NCHW-output RoI on the channels-last path whose bins have at most kSampleChunk samples:
// every bin's samples are listed once, then the RoI is computed 64 channels at a time into a
// [bins][64] tile that stays in L1 while it is transposed into `planar` ([C][bins]). Measured
// with a C++ harness, W1, one thread, AVX-512: ~13.7 ms against ~14.7 ms for whole [bins][C]
// tiles (a 50 KB tile goes through L2 twice). Flattened: when align_bins_from_taps was added,
// GCC 12 moved the per-bin accumulation out of line, and W1 went from ~15.7 to ~17.4 ms (C++
// harness, best of 4, AVX-512, AMD EPYC); flattened, ~14.8 against ~14.6 before the change.
template <AlignMode M, class Sampler>
ROIOPS_FLATTEN inline void align_roi_tiled(const float* image, int64_t W, int64_t C, const Sampler& sampler,
                                           int64_t bins, float* planar, Scratch<BinSample>& lists,
                                           Scratch<int64_t>& counts, Scratch<float>& tile) {
  constexpr int64_t kChunk = 64;
  const int64_t total = sampler.per_bin();
  // Up to one tile of channels, an axis-aligned RoI's bins are computed straight from their
  // taps. With more, listing each bin's samples once for all tiles is cheaper (W1, 256
  // channels: ~16 ms with lists against ~19 ms from the taps, C++ harness, AVX-512).
  if constexpr (std::is_same_v<Sampler, AxisSampler>) {
    if (C <= kChunk) {
      float* small = tile.reserve(bins * C);
      align_bins_from_taps<M>(image, W * C, C, sampler.taps, bins / sampler.pooled_width, sampler.pooled_width, small);
      transpose(small, bins, C, C, planar, bins);
      return;
    }
  }
  BinSample* all = lists.reserve(bins * total);
  int64_t* listed = counts.reserve(bins);
  for (int64_t b = 0; b < bins; ++b)
    listed[b] = sampler.list(b, 0, total, W * C, C, M != AlignMode::avg, all + b * total);
  float* small = tile.reserve(bins * kChunk);
  for (int64_t c0 = 0; c0 < C; c0 += kChunk) {
    const int64_t count = std::min(kChunk, C - c0);
    for (int64_t b = 0; b < bins; ++b) {
      accumulate_channels<M>(image, all + b * total, listed[b], c0, count, true, small + b * count);
      if (M == AlignMode::avg) divide_by_samples(small + b * count, count, total);
    }
    transpose(small, bins, count, count, planar + c0 * bins, bins);
  }
}

// One RoI on the channels-last path: `image` is its [H][W][C] map, `out_block` its [C][bins]
// or [bins][C] block. NCHW output with bins of at most kSampleChunk samples: 64-channel L1
// tiles (align_roi_tiled). Otherwise all C channels of a bin at once, through BlockWriter.
template <AlignMode M, class Sampler>
inline void align_roi_channels_last(const float* image, int64_t W, int64_t C, const Sampler& sampler, int64_t bins,
                                    const BlockWriter& writer, float* out_block) {
  thread_local Scratch<float> tile, planar_tile;
  thread_local Scratch<BinSample> samples;
  const int64_t block = C * bins, total = sampler.per_bin();
  if (writer.planar && total > 0 && total <= kSampleChunk) {
    thread_local Scratch<BinSample> lists;
    thread_local Scratch<int64_t> counts;
    float* planar = writer.stream ? planar_tile.reserve(block) : out_block;
    align_roi_tiled<M>(image, W, C, sampler, bins, planar, lists, counts, tile);
    if (writer.stream) {
      stream_copy(planar, out_block, block);
      VectorLanes::stream_fence();
    }
    return;
  }
  float* values = writer.tile_for(out_block, tile, block);
  if constexpr (std::is_same_v<Sampler, AxisSampler>) {
    align_bins_from_taps<M>(image, W * C, C, sampler.taps, bins / sampler.pooled_width, sampler.pooled_width, values);
  } else {
    for (int64_t b = 0; b < bins; ++b)
      align_bin_channels<M>(image, W * C, C, sampler, b, 0, C, values + b * C, samples);
  }
  writer.finish(values, bins, C, planar_tile, out_block);
}

// Channels [c0, c1) of one axis-aligned RoI on the planar NCHW path (`image`: its [C][H][W]
// map): through a channels-last copy of the window it reads when that window has fewer pixels
// than the RoI has samples, else bin by bin, channel by channel.
template <AlignMode M>
inline void align_roi_planar(const float* image, int64_t H, int64_t W, const RoiTaps& taps, int64_t PH, int64_t PW,
                             int64_t c0, int64_t c1, float* out_block) {
  thread_local RoiTaps shifted;
  thread_local Scratch<BinSample> samples;
  thread_local Scratch<float> window_copy, bin_values;
  PixelWindow window;
  const double roi_samples =
      static_cast<double>(PH * PW) * static_cast<double>(taps.geometry.grid_h * taps.geometry.grid_w);
  if (tap_window(taps, window) && static_cast<double>(window.height() * window.width()) <= roi_samples) {
    align_roi_windowed<M>(image, H * W, W, taps, window, PH, PW, c0, c1, out_block, window_copy, bin_values, shifted,
                          samples);
    return;
  }
  const AxisSampler sampler{taps, PW};
  for (int64_t b = 0; b < PH * PW; ++b)
    align_bin_planar<M>(image, H * W, W, 1, sampler, b, c0, c1, out_block + b, PH * PW, samples);
}

// Bilinear samples per channel of one row (0 if the row is unusable or will be refused).
inline double roi_samples(const float* row, int64_t batch, float spatial_scale, const RoiAlignParams& params) {
  AlignGeometry g;
  if (!roi_row_is_valid(row, batch)) return 0.0;
  if (!align_geometry(row, spatial_scale, params.aligned, params.sampling_ratio, params.pooled_height,
                      params.pooled_width, params.max_samples_per_roi, g)) {
    return 0.0;  // refused when its task runs
  }
  return static_cast<double>(params.pooled_height * params.pooled_width) * static_cast<double>(g.grid_h * g.grid_w);
}

// Bilinear samples per channel over every usable RoI (what the NCHW kernel would compute).
inline double total_samples(int64_t batch, const RoiRows& rois, const RoiAlignParams& params) {
  double samples = 0;
  for (int64_t k = 0; k < rois.count; ++k)
    samples += roi_samples(rois.data + k * 5, batch, params.spatial_scale, params);
  return samples;
}

// roiAlign's rows for the driver (kernels/roi_driver.h).
template <AlignMode M>
struct RoiAlignRows : MapAndRois {
  const RoiAlignParams& params;

  Status planar(int64_t k, int64_t c0, int64_t c1, float* out_block) const {
    thread_local RoiTaps taps;
    const Status status = roi_taps(row(k), k, map.height, map.width, params.spatial_scale, params, taps);
    if (!status.ok()) return status;
    align_roi_planar<M>(image(k, map.data), map.height, map.width, taps, params.pooled_height, params.pooled_width, c0,
                        c1, out_block);
    return Status::success();
  }

  Status channels_last(int64_t k, const float* map_copy, const BlockWriter& writer, float* out_block) const {
    thread_local RoiTaps taps;
    const Status status = roi_taps(row(k), k, map.height, map.width, params.spatial_scale, params, taps);
    if (!status.ok()) return status;
    align_roi_channels_last<M>(image(k, map_copy), map.width, map.channels, AxisSampler{taps, params.pooled_width},
                               params.pooled_height * params.pooled_width, writer, out_block);
    return Status::success();
  }
};

// Marks in `read` the pixels that row `row` reads on a height x width map at `spatial_scale`:
// the window of its valid taps. Nothing for an unusable row or one whose grid is refused (its
// task fills or refuses it without reading the map).
inline void mark_pixels_read(const float* row, int64_t batch, int64_t height, int64_t width, float spatial_scale,
                             const RoiAlignParams& params, PixelsRead& read) {
  thread_local RoiTaps taps;
  PixelWindow window;
  if (!roi_row_is_valid(row, batch) || !roi_taps(row, 0, height, width, spatial_scale, params, taps).ok() ||
      !tap_window(taps, window))
    return;
  read.mark(static_cast<int64_t>(row[0]), window.y0, window.y1, window.x0, window.x1);
}

// The float32 map the planar path reads for a 16-bit `map`: the pixels the call's RoIs read,
// widened into per-thread memory (kernels/partial_widening.h), as big as the whole map widened.
inline Status planar_float32_map(const FeatureMap& map, const RoiRows& rois, const RoiAlignParams& params,
                                 const Execution& execution, FeatureMap& view) {
  thread_local Scratch<float> widened;
  float* dst = nullptr;
  const Status reserved = reserve_map_copy(map, widened, "out of memory for the float32 copy of a 16-bit map", dst);
  if (!reserved.ok()) return reserved;
  PixelsRead read(map.batch, map.height);
  for (int64_t k = 0; k < rois.count; ++k)
    mark_pixels_read(rois.data + k * 5, map.batch, map.height, map.width, params.spatial_scale, params, read);
  return widen_pixels_read(map, read, execution, dst, view);
}

// A 16-bit map goes to the kernel as it is: the channels-last path widens it in its copy
// (channels_last_map), the planar path reads the pixels its RoIs need from a partial float32
// copy (planar_float32_map). The path is the one a float32 map would take.
template <AlignMode M>
inline Status roi_align_mode(const FeatureMap& map, const RoiRows& rois, const RoiAlignParams& params,
                             const PooledOutput& out, const Execution& execution) {
  const double samples = total_samples(map.batch, rois, params);
  RowPlan plan = costed_plan(map, rois.count, map.channels * params.pooled_height * params.pooled_width, samples,
                             kAlignSample, out.data);
  if (out.type != ElementType::float32) {
    plan.out16 = out.data16;
    plan.out_type = out.type;
  }
  if (plan.channels_last || map.type == ElementType::float32)
    return run_rows(RoiAlignRows<M>{{map, rois}, params}, map, plan, execution);
  FeatureMap view;
  const Status widened = planar_float32_map(map, rois, params, execution, view);
  if (!widened.ok()) return widened;
  return run_rows(RoiAlignRows<M>{{view, rois}, params}, view, plan, execution);
}

inline Status roi_align_forward(const FeatureMap& map, const RoiRows& rois, const RoiAlignParams& params,
                                const PooledOutput& out, Execution execution) {
  switch (params.mode) {
    case AlignMode::max:
      return roi_align_mode<AlignMode::max>(map, rois, params, out, execution);
    case AlignMode::onnx_max:
      return roi_align_mode<AlignMode::onnx_max>(map, rois, params, out, execution);
    default:
      return roi_align_mode<AlignMode::avg>(map, rois, params, out, execution);
  }
}

}  // namespace ROIOPS_ISA
}  // namespace roiops
