// Layout changes done by the channels-last kernels: the input map NCHW -> NHWC once per
// call, and each RoI's [bins][C] tile -> [C][bins] when the output is NCHW.
#pragma once
#include <cstdint>

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
  // 16 pixels x 16 channels at a time: both the reads (16 floats of a channel row) and the
  // writes (16 floats of a pixel) stay within a few cache lines. Tasks are rows of 16 pixels.
  constexpr int64_t kBlock = 16;
  const int64_t blocks_per_image = (pixels + kBlock - 1) / kBlock;
  const Status status = run_tasks(map.batch * blocks_per_image, execution, [&](int64_t task) {
    const int64_t b = task / blocks_per_image;
    const int64_t p0 = (task % blocks_per_image) * kBlock;
    const int64_t p1 = p0 + kBlock < pixels ? p0 + kBlock : pixels;
    const float* src_image = map.data + b * C * pixels;
    float* dst_image = dst + b * C * pixels;
    for (int64_t c0 = 0; c0 < C; c0 += kBlock) {
      const int64_t c1 = c0 + kBlock < C ? c0 + kBlock : C;
      for (int64_t p = p0; p < p1; ++p)
        for (int64_t c = c0; c < c1; ++c) dst_image[p * C + c] = src_image[c * pixels + p];
    }
    return Status::success();
  });
  result = dst;
  return status;
}

// tile [bins][channels] -> out [channels][bins]: width x width blocks through vector
// registers, the ragged edges element by element. T is float or int32_t (bits are moved,
// never computed on, so the float registers carry int32 values unchanged).
template <class T>
inline void tile_to_planar(const T* tile, int64_t bins, int64_t channels, T* out) {
  using V = VectorLanes;
  constexpr int64_t w = V::width;
  const int64_t full_channels = w > 1 ? channels - channels % w : 0;
  const int64_t full_bins = w > 1 ? bins - bins % w : 0;
  for (int64_t c = 0; c < full_channels; c += w)
    for (int64_t b = 0; b < full_bins; b += w)
      V::transpose_block(reinterpret_cast<const float*>(tile + b * channels + c), channels,
                         reinterpret_cast<float*>(out + c * bins + b), bins);
  for (int64_t c = 0; c < channels; ++c) {
    const int64_t first_bin = c < full_channels ? full_bins : 0;
    for (int64_t b = first_bin; b < bins; ++b) out[c * bins + b] = tile[b * channels + c];
  }
}

// An output larger than this many elements is written with non-temporal stores: it cannot
// stay in cache anyway, and streaming saves reading each line before writing it (the
// prototype measured W1's 50 MB output at 2.1 ms this way).
constexpr int64_t kStreamOutputElements = int64_t(1) << 20;

// Copies count elements of T (float or int32_t, moved as bits) from a cache-resident tile to
// the output with non-temporal stores where the destination is aligned for them.
template <class T>
inline void stream_copy(const T* src, T* dst, int64_t count) {
  using V = VectorLanes;
  static_assert(sizeof(T) == sizeof(float), "streams 4-byte elements");
  int64_t i = 0;
  const uintptr_t misalignment = reinterpret_cast<uintptr_t>(dst) % V::stream_alignment;
  if (misalignment % sizeof(T) != 0) {  // cannot be aligned: plain copy
    for (; i < count; ++i) dst[i] = src[i];
    return;
  }
  const int64_t head = misalignment == 0 ? 0 : (V::stream_alignment - misalignment) / sizeof(T);
  for (; i < head && i < count; ++i) dst[i] = src[i];
  for (; i + V::width <= count; i += V::width)
    V::stream(reinterpret_cast<float*>(dst + i), V::load(reinterpret_cast<const float*>(src + i)));
  for (; i < count; ++i) dst[i] = src[i];
}

// How the channels-last kernels write a RoI's block. NHWC output: straight into the output
// (the stores interleave with the computation; streaming from a tile measured slower, W1
// 12.7 vs 11.0 ms). NCHW output: through a [bins][C] tile, transposed in cache and, when the
// output is large, streamed out (W1: 17.4 ms instead of 23).
struct BlockWriter {
  bool planar;  // NCHW output
  bool stream;  // non-temporal stores

  BlockWriter(const FeatureMap& map, int64_t output_elements)
      : planar(map.layout == Layout::nchw), stream(planar && output_elements > kStreamOutputElements) {}

  // Where the kernel should put the [bins][C] values: the output block itself when possible.
  template <class T>
  T* tile_for(T* out_block, Scratch<T>& tile, int64_t block) const {
    return planar || stream ? tile.reserve(block) : out_block;
  }

  // Moves a finished tile to the output block (nothing to do if the tile is the block).
  template <class T>
  void finish(const T* tile, int64_t bins, int64_t C, Scratch<T>& planar_scratch, T* out_block) const {
    if (tile == out_block) return;
    const T* source = tile;
    if (planar && !stream) return tile_to_planar(tile, bins, C, out_block);
    if (planar) {
      T* transposed = planar_scratch.reserve(bins * C);
      tile_to_planar(tile, bins, C, transposed);
      source = transposed;
    }
    stream_copy(source, out_block, bins * C);
    VectorLanes::stream_fence();
  }
};

}  // namespace ROIOPS_ISA
}  // namespace roiops
