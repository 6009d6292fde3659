// Layout changes done by the channels-last kernels: the input map NCHW -> NHWC once per
// call (a 16-bit map widened to float32 in the same pass), and each RoI's [bins][C] tile ->
// [C][bins] when the output is NCHW.
#pragma once
#include <cstdint>

#include "cost_model.h"
#include "half.h"

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

// Pixels per task of run_pixel_tiles.
constexpr int64_t kPixelsPerTask = 256;

// Runs copy_tile(image, first_pixel, pixel_count) over every image's pixels in tiles of
// kPixelsPerTask pixels (a [C][256] -> [256][C] tile is a few hundred KiB at most), on the
// call's threads.
template <class CopyTile>
inline Status run_pixel_tiles(const FeatureMap& map, const Execution& execution, CopyTile&& copy_tile) {
  const int64_t pixels = map.height * map.width;
  const int64_t tasks_per_image = (pixels + kPixelsPerTask - 1) / kPixelsPerTask;
  const double elements = static_cast<double>(map.batch * pixels * map.channels);
  return run_tasks(map.batch * tasks_per_image, for_work(execution, elements * kTransposeNs), [&](int64_t task) {
    const int64_t n = task / tasks_per_image;
    const int64_t p0 = (task % tasks_per_image) * kPixelsPerTask;
    copy_tile(n, p0, std::min(kPixelsPerTask, pixels - p0));
    return Status::success();
  });
}

// Pixels [p0, p0 + count) of the C 16-bit NCHW planes at `planes` (plane c at planes + c *
// pixels, pixel p0 first) to dst[p * C + c] as floats, with the conversion of an instruction
// set whose HalfLanes load a whole vector (AVX2, AVX-512, NEON): each width x width block is
// widened as it is loaded into registers and transposed there, so the map is read once at 2
// bytes an element and the floats written once (docs/performance.md "16-bit feature maps").
// The ragged edges element by element, as transpose() does.
template <class Half, ElementType kType, class V = VectorLanes>
inline void widen_transpose_in_registers(const uint16_t* planes, int64_t C, int64_t pixels, int64_t count, float* dst) {
  constexpr int64_t w = V::width;
  const auto load = [](const uint16_t* p) {
    if constexpr (kType == ElementType::float16)
      return Half::load_float16(p);
    else
      return Half::load_bfloat16(p);
  };
  const auto widen = [](uint16_t h) {
    return kType == ElementType::float16 ? float16_to_float(h) : bfloat16_to_float(h);
  };
  const int64_t full_channels = C - C % w, full_pixels = count - count % w;
  for (int64_t p = 0; p < full_pixels; p += w)
    for (int64_t c = 0; c < full_channels; c += w)
      V::transpose_rows([&](int i) { return load(planes + (c + i) * pixels + p); }, dst + p * C + c, C);
  for (int64_t c = 0; c < full_channels; ++c)
    for (int64_t p = full_pixels; p < count; ++p) dst[p * C + c] = widen(planes[c * pixels + p]);
  for (int64_t c = full_channels; c < C; ++c)
    for (int64_t p = 0; p < count; ++p) dst[p * C + c] = widen(planes[c * pixels + p]);
}

// The same for every instruction set (count <= kPixelsPerTask): in registers where the
// instruction set can (above), else 16 planes at a time widened into a 16 KiB tile that stays
// in L1 while it is transposed (SSE2 has no float16 conversion, the scalar path no vectors).
// Templates on the lanes, so that the register path is only compiled where it exists.
template <class Half = HalfLanes>
inline void widen_to_channels_last(const uint16_t* planes, ElementType type, int64_t C, int64_t pixels, int64_t count,
                                   float* dst) {
  if constexpr (Half::width > 1 && Half::width == VectorLanes::width) {
    if (type == ElementType::float16)
      return widen_transpose_in_registers<Half, ElementType::float16>(planes, C, pixels, count, dst);
    return widen_transpose_in_registers<Half, ElementType::bfloat16>(planes, C, pixels, count, dst);
  } else {
    constexpr int64_t kPlanesPerTile = 16;
    float tile[kPlanesPerTile * kPixelsPerTask];
    for (int64_t c0 = 0; c0 < C; c0 += kPlanesPerTile) {
      const int64_t planes_here = std::min(kPlanesPerTile, C - c0);
      for (int64_t c = 0; c < planes_here; ++c)
        widen_elements(planes + (c0 + c) * pixels, count, type, tile + c * count);
      transpose(tile, planes_here, count, count, dst + c0, C);
    }
  }
}

// Writes the NCHW map as [N][H*W][C] floats to dst (N*H*W*C floats), on the call's threads; a
// 16-bit map is widened on the way (exactly: kernels/half.h).
inline Status transpose_to_channels_last(const FeatureMap& map, const Execution& execution, float* dst) {
  const int64_t C = map.channels, pixels = map.height * map.width;
  return run_pixel_tiles(map, execution, [&](int64_t n, int64_t p0, int64_t count) {
    float* tile_dst = dst + n * C * pixels + p0 * C;
    if (map.type == ElementType::float32)
      transpose(map.data + n * C * pixels + p0, C, count, pixels, tile_dst, C);
    else
      widen_to_channels_last(map.data16 + n * C * pixels + p0, map.type, C, pixels, count, tile_dst);
  });
}

// Writes a 16-bit NHWC map widened to floats, in the same order, to dst, on the call's threads.
inline Status widen_channels_last(const FeatureMap& map, const Execution& execution, float* dst) {
  const int64_t C = map.channels, pixels = map.height * map.width;
  return run_pixel_tiles(map, execution, [&](int64_t n, int64_t p0, int64_t count) {
    const int64_t first = (n * pixels + p0) * C;
    widen_elements(map.data16 + first, count * C, map.type, dst + first);
  });
}

// Room for a whole copy of the map in `scratch`, or out_of_memory naming `copy`.
inline Status reserve_map_copy(const FeatureMap& map, Scratch<float>& scratch, const char* copy, float*& dst) {
  try {
    dst = scratch.reserve(map.batch * map.height * map.width * map.channels);
  } catch (const std::bad_alloc&) {
    return {StatusCode::out_of_memory, -1, copy};
  }
  return Status::success();
}

// The map as [N][H*W][C] floats: `map` itself when it is a float32 NHWC map, else a copy in
// `scratch` (transposed from NCHW, widened from 16 bits, or both in one pass).
inline Status channels_last_map(const FeatureMap& map, const Execution& execution, Scratch<float>& scratch,
                                const float*& result) {
  if (map.layout == Layout::nhwc && map.type == ElementType::float32) {
    result = map.data;
    return Status::success();
  }
  float* dst = nullptr;
  const Status reserved = reserve_map_copy(map, scratch, "out of memory for the channels-last copy of the input", dst);
  if (!reserved.ok()) return reserved;
  result = dst;
  if (map.layout == Layout::nhwc) return widen_channels_last(map, execution, dst);
  return transpose_to_channels_last(map, execution, dst);
}

// The map as [N][H*W][bins][C/bins], for the position-sensitive kernels: input channel
// c_out*bins + b moves to b*C_out + c_out, so that the C_out channels one bin reads are
// contiguous. `map` itself when that is already its order (NHWC with one bin or one output
// channel), else a copy in `scratch`.
inline Status bin_major_map(const FeatureMap& map, int64_t bins, const Execution& execution, Scratch<float>& scratch,
                            const float*& result) {
  const int64_t C = map.channels, C_out = C / bins, pixels = map.height * map.width;
  if (map.layout == Layout::nhwc && (bins == 1 || C_out == 1)) {
    result = map.data;
    return Status::success();
  }
  float* dst = nullptr;
  const Status reserved = reserve_map_copy(map, scratch, "out of memory for the bin-major copy of the input", dst);
  if (!reserved.ok()) return reserved;
  result = dst;
  return run_pixel_tiles(map, execution, [&](int64_t n, int64_t p0, int64_t count) {
    const float* src = map.data + n * C * pixels;
    float* image = dst + n * C * pixels;
    if (map.layout == Layout::nchw) {
      // Plane c_out*bins + b, pixels p0.., to [pixel][b*C_out + c_out].
      for (int64_t b = 0; b < bins; ++b)
        transpose(src + b * pixels + p0, C_out, count, bins * pixels, image + p0 * C + b * C_out, C);
    } else {
      // Per pixel, the [C_out][bins] channels to [bins][C_out].
      for (int64_t p = p0; p < p0 + count; ++p) transpose(src + p * C, C_out, bins, bins, image + p * C, C_out);
    }
  });
}

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
