// AVX-512 (F/DQ/BW/VL) vector traits, 16 lanes with mask registers. Same contract as sse2.h.
#pragma once
#include <immintrin.h>

#include "simd/lane_ops.h"
#include "simd/scalar.h"

namespace roiops::ROIOPS_ISA {

struct VectorLanes {
  ROIOPS_FLOAT_LANE_OPS(16, __m512, __m512i, _mm512_loadu_ps, _mm512_storeu_ps, _mm512_setzero_ps(), _mm512_set1_ps,
                        _mm512_add_ps, _mm512_mul_ps, _mm512_div_ps, _mm512_set1_epi32)
  static F greater_of(F a, F b) { return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(a, b, _CMP_GT_OQ), b, a); }

  static void istore(int32_t* p, I v) { _mm512_storeu_si512(p, v); }
  static void max_update(F& best, I& index, F v, I candidate) {
    const __mmask16 take = _mm512_mask_cmp_ps_mask(_mm512_cmp_ps_mask(v, v, _CMP_ORD_Q), v, best, _CMP_NLE_UQ);
    best = _mm512_mask_blend_ps(take, best, v);
    index = _mm512_mask_blend_epi32(take, index, candidate);
  }
  // Transposes a 16x16 block: dst[j * dst_stride + i] = src[i * src_stride + j] (bits only).
  static void transpose_block(const float* src, int64_t src_stride, float* dst, int64_t dst_stride) {
    transpose_rows([&](int i) { return load(src + i * src_stride); }, dst, dst_stride);
  }
  // The same from 16 rows made by row(i) (kernels/transpose.h widens 16-bit rows into them).
  template <class Row>
  static void transpose_rows(Row&& row, float* dst, int64_t dst_stride) {
    F r[16], t[16];
    for (int i = 0; i < 16; ++i) r[i] = row(i);
    for (int i = 0; i < 16; i += 2) {  // interleave pairs of rows
      t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
      t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < 16; i += 4) {  // 4x4 transposes inside each 128-bit lane
      r[i] = _mm512_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(1, 0, 1, 0));
      r[i + 1] = _mm512_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(3, 2, 3, 2));
      r[i + 2] = _mm512_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(1, 0, 1, 0));
      r[i + 3] = _mm512_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(3, 2, 3, 2));
    }
    // r[4q + k] holds, in 128-bit lane L, rows 4q..4q+3 of column 4L + k.
    for (int i = 0; i < 4; ++i) {                             // gather lanes 0,1 / 2,3 of row groups (0,1) and (2,3)
      t[i] = _mm512_shuffle_f32x4(r[i], r[i + 4], 0x44);      // lanes 0,1 of groups 0 and 1
      t[i + 4] = _mm512_shuffle_f32x4(r[i], r[i + 4], 0xee);  // lanes 2,3 of groups 0 and 1
      t[i + 8] = _mm512_shuffle_f32x4(r[i + 8], r[i + 12], 0x44);
      t[i + 12] = _mm512_shuffle_f32x4(r[i + 8], r[i + 12], 0xee);
    }
    for (int i = 0; i < 4; ++i) {
      store(dst + i * dst_stride, _mm512_shuffle_f32x4(t[i], t[i + 8], 0x88));              // column i
      store(dst + (i + 4) * dst_stride, _mm512_shuffle_f32x4(t[i], t[i + 8], 0xdd));        // column 4 + i
      store(dst + (i + 8) * dst_stride, _mm512_shuffle_f32x4(t[i + 4], t[i + 12], 0x88));   // column 8 + i
      store(dst + (i + 12) * dst_stride, _mm512_shuffle_f32x4(t[i + 4], t[i + 12], 0xdd));  // column 12 + i
    }
  }
  static constexpr int64_t stream_alignment = 64;
  static void stream(float* p, F v) { _mm512_stream_ps(p, v); }
  static void stream_fence() { _mm_sfence(); }
};

// Eight doubles per register (contract in scalar.h, ScalarDoubleLanes).
struct DoubleLanes {
  ROIOPS_DOUBLE_LANE_OPS(8, __m512d, _mm256_loadu_ps, _mm512_cvtps_pd, _mm512_cvtpd_ps, _mm256_storeu_ps,
                         _mm512_set1_pd, _mm512_add_pd, _mm512_sub_pd, _mm512_mul_pd)
};

// AVX-512F: sixteen float16 <-> float32 per instruction, exact one way, nearest-even the other.
struct HalfLanes {
  static constexpr int64_t width = 16;
  static void widen_float16(const uint16_t* p, float* out) {
    _mm512_storeu_ps(out, _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p))));
  }
  static void narrow_float16(const float* p, uint16_t* out) {
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out),
                        _mm512_cvtps_ph(_mm512_loadu_ps(p), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
  }
  // 16 patterns widened into a register: as widen_float16, and as bfloat16_to_float (the
  // top half of a float32, a NaN made quiet).
  static __m512 load_float16(const uint16_t* p) {
    return _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
  }
  static __m512 load_bfloat16(const uint16_t* p) {
    const __m512i bits =
        _mm512_slli_epi32(_mm512_cvtepu16_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p))), 16);
    const __mmask16 nan =
        _mm512_cmpgt_epi32_mask(_mm512_and_si512(bits, _mm512_set1_epi32(0x7fffffff)), _mm512_set1_epi32(0x7f800000));
    return _mm512_castsi512_ps(_mm512_mask_or_epi32(bits, nan, bits, _mm512_set1_epi32(0x00400000)));
  }
};

}  // namespace roiops::ROIOPS_ISA
