// TensorFlow crop_and_resize, docs/semantics.md "cropAndResize", as TensorFlow.js 4.22's CPU backend
// computes it (tfjs-backend-cpu kernels/CropAndResize.js, the reference of the golden vectors).
//
// Precision: tfjs runs in JavaScript numbers, i.e. doubles, and rounds once when it stores
// into the float32 output. Float32 C++ cannot reproduce that bit for bit (TensorFlow's own C++
// kernel, in float, differs from tfjs in the last bits), so this kernel computes the same
// double expressions in the same order:
//   scale = (y2 - y1) * (H - 1) / (crop_h - 1)              (0 when crop_h == 1)
//   in_y  = y1 * (H - 1) + y * scale      or 0.5 * (y1 + y2) * (H - 1) when crop_h == 1
//   outside [0, H-1] -> extrapolation value; top = floor(in_y), bottom = ceil(in_y),
//   y_lerp = in_y - top (same along x)
//   top_v = TL + (TR - TL) * x_lerp; bottom_v = BL + (BR - BL) * x_lerp
//   out = float(top_v + (bottom_v - top_v) * y_lerp)
//   nearest: the pixel (round(in_y), round(in_x)); in_y >= 0 there, so JavaScript's
//   Math.round (ties up) and C round (ties away from zero) agree.
// The per-channel arithmetic runs in double vector lanes (DoubleLanes: floats widened exactly,
// narrowed once with round-to-nearest-even), so every instruction set gives the same bits, and
// they are tfjs's bits whenever the inputs are the same float32 values.
#pragma once
#include <cmath>

#include "roi_driver.h"

namespace roiops {
namespace ROIOPS_ISA {

// One output row or column of a box: where it samples along its axis.
struct CropTap {
  int64_t low = 0, high = 0, nearest = 0;
  double lerp = 0.0;
  bool inside = false;  // false: the sample is outside [0, size - 1] (extrapolation value)
};

// Sample i of crop along an axis of `size` pixels, for the box edges v1, v2 (normalized).
inline CropTap crop_tap(float v1, float v2, int64_t i, int64_t crop, int64_t size) {
  const double a = static_cast<double>(v1), b = static_cast<double>(v2);
  const double last = static_cast<double>(size - 1);
  const double scale = crop > 1 ? (b - a) * last / static_cast<double>(crop - 1) : 0.0;
  const double in = crop > 1 ? a * last + static_cast<double>(i) * scale : 0.5 * (a + b) * last;
  CropTap tap;
  if (in >= 0.0 && in <= last) {
    const double low = std::floor(in);
    tap.low = static_cast<int64_t>(low);
    tap.high = static_cast<int64_t>(std::ceil(in));
    tap.nearest = static_cast<int64_t>(std::round(in));
    tap.lerp = in - low;
    tap.inside = true;
  }
  return tap;
}

// A box row is usable when its image index is in [0, N) and its coordinates are finite.
inline bool crop_box_is_valid(const float* box, int32_t index, int64_t batch) {
  if (index < 0 || static_cast<int64_t>(index) >= batch) return false;
  for (int i = 0; i < 4; ++i)
    if (!std::isfinite(box[i])) return false;
  return true;
}

// Bilinear interpolation of channels [c, c + D::width) at four corner pointers.
template <class D>
inline void lerp_channels(const float* tl, const float* tr, const float* bl, const float* br, typename D::D x_lerp,
                          typename D::D y_lerp, float* dst) {
  const typename D::D top_left = D::load_floats(tl), top_right = D::load_floats(tr);
  const typename D::D bottom_left = D::load_floats(bl), bottom_right = D::load_floats(br);
  const typename D::D top = D::add(top_left, D::mul(D::sub(top_right, top_left), x_lerp));
  const typename D::D bottom = D::add(bottom_left, D::mul(D::sub(bottom_right, bottom_left), x_lerp));
  D::store_floats(dst, D::add(top, D::mul(D::sub(bottom, top), y_lerp)));
}

// One output row (y) of one box from a channels-last image: crop_w pixels of C channels.
inline void crop_row_channels_last(const float* image, int64_t W, int64_t C, const CropTap& ty, const CropTap* tx,
                                   int64_t crop_w, const CropAndResizeParams& params, float* dst) {
  using D = DoubleLanes;
  using S = ScalarDoubleLanes;
  for (int64_t x = 0; x < crop_w; ++x, dst += C) {
    const CropTap& t = tx[x];
    if (!ty.inside || !t.inside) {
      fill_block(dst, C, params.extrapolation_value);
      continue;
    }
    if (params.method == CropMethod::nearest) {
      const float* src = image + (ty.nearest * W + t.nearest) * C;
      for (int64_t c = 0; c < C; ++c) dst[c] = src[c];
      continue;
    }
    const float* tl = image + (ty.low * W + t.low) * C;
    const float* tr = image + (ty.low * W + t.high) * C;
    const float* bl = image + (ty.high * W + t.low) * C;
    const float* br = image + (ty.high * W + t.high) * C;
    const D::D xv = D::set1(t.lerp), yv = D::set1(ty.lerp);
    int64_t c = 0;
    for (; c + D::width <= C; c += D::width) lerp_channels<D>(tl + c, tr + c, bl + c, br + c, xv, yv, dst + c);
    for (; c < C; ++c) lerp_channels<S>(tl + c, tr + c, bl + c, br + c, t.lerp, ty.lerp, dst + c);
  }
}

// One output row (y) of one box, channel c, from an NCHW plane: crop_w values.
inline void crop_row_planar(const float* plane, int64_t W, const CropTap& ty, const CropTap* tx, int64_t crop_w,
                            const CropAndResizeParams& params, float* dst) {
  using S = ScalarDoubleLanes;
  for (int64_t x = 0; x < crop_w; ++x) {
    const CropTap& t = tx[x];
    if (!ty.inside || !t.inside) {
      dst[x] = params.extrapolation_value;
    } else if (params.method == CropMethod::nearest) {
      dst[x] = plane[ty.nearest * W + t.nearest];
    } else {
      lerp_channels<S>(plane + ty.low * W + t.low, plane + ty.low * W + t.high, plane + ty.high * W + t.low,
                       plane + ty.high * W + t.high, t.lerp, ty.lerp, dst + x);
    }
  }
}

// Tasks are (box, output row) pairs: each output element belongs to one task. An NCHW image
// with more output pixels than map pixels per channel is first copied channels-last (one move
// per map element), so that rows are computed vectorised across channels into a [w][C] tile
// and transposed into the [C][h][w] block: measured 48 -> 21 ms for 300 14x14 crops of a
// 256x50x68 map. Otherwise the planes are read in place, scalar. Same doubles, same bits.
inline Status crop_and_resize_forward(const FeatureMap& map, const RoiRows& boxes, const int32_t* box_indices, int64_t,
                                      const CropAndResizeParams& params, const PooledOutput& out, Execution execution) {
  const int64_t C = map.channels, H = map.height, W = map.width;
  const int64_t crop_h = params.crop_height, crop_w = params.crop_width;
  const int64_t cells = crop_h * crop_w, block = cells * C;
  const bool channels_last = prefer_channels_last(map, static_cast<double>(boxes.count * cells), kCropElement);
  thread_local Scratch<float> transposed;
  const float* source = map.data;
  if (channels_last) {
    const Status prepared = channels_last_map(map, execution, transposed, source);
    if (!prepared.ok()) return prepared;
  }
  const double work = path_ns(static_cast<double>(boxes.count * cells), C, kCropElement, channels_last);
  return run_tasks(boxes.count * crop_h, for_work(execution, work), [&](int64_t task) {
    const int64_t k = task / crop_h, y = task % crop_h;
    const float* box = boxes.data + k * 4;
    float* out_block = out.data + k * block;
    const int32_t index = box_indices[k];
    if (!crop_box_is_valid(box, index, map.batch)) {
      if (map.layout == Layout::nhwc) {
        fill_block(out_block + y * crop_w * C, crop_w * C, 0.0f);
      } else {
        for (int64_t c = 0; c < C; ++c) fill_block(out_block + (c * crop_h + y) * crop_w, crop_w, 0.0f);
      }
      return Status::success();
    }
    thread_local Scratch<CropTap> taps;
    CropTap* tx = taps.reserve(crop_w + 1);
    CropTap& ty = tx[crop_w];
    for (int64_t x = 0; x < crop_w; ++x) tx[x] = crop_tap(box[1], box[3], x, crop_w, W);
    ty = crop_tap(box[0], box[2], y, crop_h, H);
    const float* image = source + static_cast<int64_t>(index) * C * H * W;
    if (map.layout == Layout::nhwc) {
      crop_row_channels_last(image, W, C, ty, tx, crop_w, params, out_block + y * crop_w * C);
    } else if (channels_last) {
      thread_local Scratch<float> tile;
      float* row = tile.reserve(crop_w * C);
      crop_row_channels_last(image, W, C, ty, tx, crop_w, params, row);
      transpose(row, crop_w, C, C, out_block + y * crop_w, cells);
    } else {
      for (int64_t c = 0; c < C; ++c)
        crop_row_planar(image + c * H * W, W, ty, tx, crop_w, params, out_block + (c * crop_h + y) * crop_w);
    }
    return Status::success();
  });
}

}  // namespace ROIOPS_ISA
}  // namespace roiops
