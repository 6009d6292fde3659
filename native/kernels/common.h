// What every kernel shares: strides for both layouts, box-row validation, and the
// conversions that must never be undefined behaviour whatever the caller passed.
// Included inside an instruction-set namespace (see native/isa/): it must not be
// included from anywhere else.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "roiops/roiops.h"

namespace roiops {
namespace ROIOPS_ISA {

// Element strides of a 4-d tensor seen as (batch, channel, row, column).
struct Strides4 {
  int64_t batch, channel, row, column;
};

inline Strides4 map_strides(const FeatureMap& map) {
  const int64_t C = map.channels, H = map.height, W = map.width;
  if (map.layout == Layout::nhwc) return {H * W * C, 1, W * C, C};
  return {C * H * W, H * W, W, 1};
}

// Strides of one RoI's output block, (unused, channel, bin row, bin column).
inline Strides4 pooled_strides(const FeatureMap& map, int64_t pooled_h, int64_t pooled_w) {
  const int64_t C = map.channels;
  if (map.layout == Layout::nhwc) return {pooled_h * pooled_w * C, 1, pooled_w * C, C};
  return {C * pooled_h * pooled_w, pooled_h * pooled_w, pooled_w, 1};
}

// API.md "Bad input": a row is usable only if its batch index is an integer in [0, N)
// and its four coordinates are finite. torchvision truncates the index and reads out of
// bounds (vision#4828); we never do.
inline bool roi_row_is_valid(const float* row, int64_t batch) {
  const float b = row[0];
  if (!(b >= 0.0f) || !(static_cast<double>(b) < static_cast<double>(batch))) return false;
  if (std::floor(b) != b) return false;
  for (int i = 1; i < 5; ++i)
    if (!std::isfinite(row[i])) return false;
  return true;
}

// Scaled box coordinates are clamped to +-2^40 before any integer conversion: far past
// any addressable map, and small enough that the bin arithmetic below cannot overflow.
constexpr double kCoordinateLimit = 1099511627776.0;  // 2^40

inline int64_t clamp_to_int64(double v) {
  if (!(v > -kCoordinateLimit)) return -static_cast<int64_t>(kCoordinateLimit);
  if (!(v < kCoordinateLimit)) return static_cast<int64_t>(kCoordinateLimit);
  return static_cast<int64_t>(v);
}

inline void fill_block(float* block, int64_t count, float value) { std::fill(block, block + count, value); }

}  // namespace ROIOPS_ISA
}  // namespace roiops
