// AVX2 vector traits (compiled with -mavx2 -mfma, used only when CPUID and XGETBV say the
// CPU and the OS support it). Same contract as sse2.h; no FMA, so lanes stay bit-exact.
#pragma once
#include <immintrin.h>

#include "simd/lane_ops.h"
#include "simd/scalar.h"

namespace roiops::ROIOPS_ISA {

struct VectorLanes {
  ROIOPS_FLOAT_LANE_OPS(8, __m256, __m256i, _mm256_loadu_ps, _mm256_storeu_ps, _mm256_setzero_ps(), _mm256_set1_ps,
                        _mm256_add_ps, _mm256_mul_ps, _mm256_div_ps, _mm256_set1_epi32)
  static F greater_of(F a, F b) { return _mm256_max_ps(a, b); }

  static void istore(int32_t* p, I v) { _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), v); }
  static void max_update(F& best, I& index, F v, I candidate) {
    const F take = _mm256_and_ps(_mm256_cmp_ps(v, best, _CMP_NLE_UQ), _mm256_cmp_ps(v, v, _CMP_ORD_Q));
    best = _mm256_blendv_ps(best, v, take);
    index = _mm256_castps_si256(_mm256_blendv_ps(_mm256_castsi256_ps(index), _mm256_castsi256_ps(candidate), take));
  }
  // Transposes an 8x8 block: dst[j * dst_stride + i] = src[i * src_stride + j] (bits only).
  static void transpose_block(const float* src, int64_t src_stride, float* dst, int64_t dst_stride) {
    transpose_rows([&](int i) { return load(src + i * src_stride); }, dst, dst_stride);
  }
  // The same from 8 rows made by row(i) (kernels/transpose.h widens 16-bit rows into them).
  template <class Row>
  static void transpose_rows(Row&& row, float* dst, int64_t dst_stride) {
    F r[8], t[8];
    for (int i = 0; i < 8; ++i) r[i] = row(i);
    for (int i = 0; i < 8; i += 2) {
      t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
      t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < 8; i += 4) {
      r[i] = _mm256_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(1, 0, 1, 0));
      r[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(3, 2, 3, 2));
      r[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(1, 0, 1, 0));
      r[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(3, 2, 3, 2));
    }
    for (int i = 0; i < 4; ++i) {
      store(dst + i * dst_stride, _mm256_permute2f128_ps(r[i], r[i + 4], 0x20));
      store(dst + (i + 4) * dst_stride, _mm256_permute2f128_ps(r[i], r[i + 4], 0x31));
    }
  }
  static constexpr int64_t stream_alignment = 32;
  static void stream(float* p, F v) { _mm256_stream_ps(p, v); }
  static void stream_fence() { _mm_sfence(); }
};

// Four doubles per register (contract in scalar.h, ScalarDoubleLanes).
struct DoubleLanes {
  ROIOPS_DOUBLE_LANE_OPS(4, __m256d, _mm_loadu_ps, _mm256_cvtps_pd, _mm256_cvtpd_ps, _mm_storeu_ps, _mm256_set1_pd,
                         _mm256_add_pd, _mm256_sub_pd, _mm256_mul_pd)
};

// F16C (built with -mf16c; the dispatcher requires its CPUID bit for this path): eight
// float16 <-> float32 per instruction, exact one way, nearest-even the other.
struct HalfLanes {
  static constexpr int64_t width = 8;
  static void widen_float16(const uint16_t* p, float* out) {
    _mm256_storeu_ps(out, _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))));
  }
  static void narrow_float16(const float* p, uint16_t* out) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out),
                     _mm256_cvtps_ph(_mm256_loadu_ps(p), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
  }
  // 8 patterns widened into a register: as widen_float16, and as bfloat16_to_float (the top
  // half of a float32, a NaN made quiet).
  static __m256 load_float16(const uint16_t* p) {
    return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
  }
  static __m256 load_bfloat16(const uint16_t* p) {
    const __m256i bits =
        _mm256_slli_epi32(_mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))), 16);
    const __m256i nan =
        _mm256_cmpgt_epi32(_mm256_and_si256(bits, _mm256_set1_epi32(0x7fffffff)), _mm256_set1_epi32(0x7f800000));
    return _mm256_castsi256_ps(_mm256_or_si256(bits, _mm256_and_si256(nan, _mm256_set1_epi32(0x00400000))));
  }
};

}  // namespace roiops::ROIOPS_ISA
