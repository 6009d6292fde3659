// Layout changes done by the channels-last kernels: the input map NCHW -> NHWC once per
// call, and each RoI's [bins][C] tile -> [C][bins] when the output is NCHW.
#pragma once
#include "common.h"

namespace roiops {
namespace ROIOPS_ISA {

// The map as [N][H*W][C]: `map` itself when it is NHWC, else a transposed copy in `scratch`.
inline Status channels_last_map(const FeatureMap& map, const Execution& execution, Scratch<float>& scratch,
                                const float*& result) {
  if (map.layout == Layout::nhwc) {
    result = map.data;
    return Status::success();
  }
  const int64_t C = map.channels, pixels = map.height * map.width;
  float* dst;
  try {
    dst = scratch.reserve(map.batch * pixels * C);
  } catch (const std::bad_alloc&) {
    return {StatusCode::out_of_memory, -1, "out of memory for the channels-last copy of the input"};
  }
  constexpr int64_t kPixelsPerTask = 64;  // 64 x C floats written per task: stays in L2
  const int64_t blocks_per_image = (pixels + kPixelsPerTask - 1) / kPixelsPerTask;
  const Status status = run_tasks(map.batch * blocks_per_image, execution, [&](int64_t task) {
    const int64_t b = task / blocks_per_image;
    const int64_t p0 = (task % blocks_per_image) * kPixelsPerTask;
    const int64_t p1 = p0 + kPixelsPerTask < pixels ? p0 + kPixelsPerTask : pixels;
    const float* src_image = map.data + b * C * pixels;
    float* dst_image = dst + b * C * pixels;
    for (int64_t c = 0; c < C; ++c) {
      const float* src = src_image + c * pixels;
      for (int64_t p = p0; p < p1; ++p) dst_image[p * C + c] = src[p];
    }
    return Status::success();
  });
  result = dst;
  return status;
}

// tile [bins][C] -> out [C][bins], in blocks of 16 channels so reads stay contiguous.
template <class T>
inline void tile_to_planar(const T* tile, int64_t bins, int64_t C, T* out) {
  constexpr int64_t kBlock = 16;
  for (int64_t c0 = 0; c0 < C; c0 += kBlock) {
    const int64_t c1 = c0 + kBlock < C ? c0 + kBlock : C;
    for (int64_t b = 0; b < bins; ++b) {
      const T* src = tile + b * C;
      for (int64_t c = c0; c < c1; ++c) out[c * bins + b] = src[c];
    }
  }
}

}  // namespace ROIOPS_ISA
}  // namespace roiops
