// Layout changes done by the channels-last kernels: the input map NCHW -> NHWC once per
// call, and each RoI's [bins][C] tile -> [C][bins] when the output is NCHW.
#pragma once
#include <cstdint>

#include "common.h"

namespace roiops {
namespace ROIOPS_ISA {

// dst[c * dst_stride + r] = src[r * src_stride + c] for r < rows, c < cols: width x width
// blocks through vector registers, the ragged edges element by element. T is float or
// int32_t (bits are moved, never computed on, so float registers carry int32 values unchanged).
template <class T>
inline void transpose(const T* src, int64_t rows, int64_t cols, int64_t src_stride, T* dst, int64_t dst_stride) {
  using V = VectorLanes;
  constexpr int64_t w = V::width;
  const int64_t full_rows = w > 1 ? rows - rows % w : 0;
  const int64_t full_cols = w > 1 ? cols - cols % w : 0;
  for (int64_t c = 0; c < full_cols; c += w)
    for (int64_t r = 0; r < full_rows; r += w)
      V::transpose_block(reinterpret_cast<const float*>(src + r * src_stride + c), src_stride,
                         reinterpret_cast<float*>(dst + c * dst_stride + r), dst_stride);
  // The ragged edges: rows past full_rows of the block columns, then every row of the rest.
  if (full_rows < rows)
    for (int64_t c = 0; c < full_cols; ++c)
      for (int64_t r = full_rows; r < rows; ++r) dst[c * dst_stride + r] = src[r * src_stride + c];
  for (int64_t c = full_cols; c < cols; ++c)
    for (int64_t r = 0; r < rows; ++r) dst[c * dst_stride + r] = src[r * src_stride + c];
}

// tile [bins][channels] -> out [channels][bins]
template <class T>
inline void tile_to_planar(const T* tile, int64_t bins, int64_t channels, T* out) {
  transpose(tile, bins, channels, channels, out, bins);
}

// Writes the NCHW map as [N][H*W][C] to dst (N*H*W*C floats), on the call's threads.
inline Status transpose_to_channels_last(const FeatureMap& map, const Execution& execution, float* dst) {
  const int64_t C = map.channels, pixels = map.height * map.width;
  // Tasks are columns of 256 pixels: [C][256] -> [256][C], a few hundred KiB at most.
  constexpr int64_t kPixelsPerTask = 256;
  const int64_t tasks_per_image = (pixels + kPixelsPerTask - 1) / kPixelsPerTask;
  const double elements = static_cast<double>(map.batch * pixels * C);
  return run_tasks(map.batch * tasks_per_image, for_work(execution, elements * 0.7), [&](int64_t task) {
    const int64_t b = task / tasks_per_image;
    const int64_t p0 = (task % tasks_per_image) * kPixelsPerTask;
    const int64_t count = p0 + kPixelsPerTask < pixels ? kPixelsPerTask : pixels - p0;
    transpose(map.data + b * C * pixels + p0, C, count, pixels, dst + b * C * pixels + p0 * C, C);
    return Status::success();
  });
}

// The map as [N][H*W][C]: `map` itself when it is NHWC, else a transposed copy in `scratch`.
inline Status channels_last_map(const FeatureMap& map, const Execution& execution, Scratch<float>& scratch,
                                const float*& result) {
  if (map.layout == Layout::nhwc) {
    result = map.data;
    return Status::success();
  }
  float* dst;
  try {
    dst = scratch.reserve(map.batch * map.height * map.width * map.channels);
  } catch (const std::bad_alloc&) {
    return {StatusCode::out_of_memory, -1, "out of memory for the channels-last copy of the input"};
  }
  result = dst;
  return transpose_to_channels_last(map, execution, dst);
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

// How the channels-last kernels write a RoI's block (roiPool always; roiAlign when its
// 64-channel tiling does not apply). NHWC output: straight into the output
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
