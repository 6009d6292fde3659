// SSE2 vector traits (x86-64 baseline: no flags needed). Contract shared by every traits
// type: load/store are unaligned (Float32Array views are only 4-byte aligned); arithmetic is
// plain IEEE mul/add/div with no fusion, so a lane computes bit for bit what the scalar
// code computes; greater_of and max_update follow ScalarLanes exactly, NaN included.
#pragma once
#include <emmintrin.h>

#include "simd/lane_ops.h"
#include "simd/scalar.h"

namespace roiops::ROIOPS_ISA {

struct VectorLanes {
  ROIOPS_FLOAT_LANE_OPS(4, __m128, __m128i, _mm_loadu_ps, _mm_storeu_ps, _mm_setzero_ps(), _mm_set1_ps, _mm_add_ps,
                        _mm_mul_ps, _mm_div_ps, _mm_set1_epi32)
  static F greater_of(F a, F b) { return _mm_max_ps(a, b); }  // maxps: a > b ? a : b

  static void istore(int32_t* p, I v) { _mm_storeu_si128(reinterpret_cast<__m128i*>(p), v); }
  static void max_update(F& best, I& index, F v, I candidate) {
    const F take = _mm_and_ps(_mm_cmpnle_ps(v, best), _mm_cmpord_ps(v, v));  // !(v <= best) && v == v
    best = _mm_or_ps(_mm_and_ps(take, v), _mm_andnot_ps(take, best));
    const I take_i = _mm_castps_si128(take);
    index = _mm_or_si128(_mm_and_si128(take_i, candidate), _mm_andnot_si128(take_i, index));
  }
  // Transposes a 4x4 block: dst[j * dst_stride + i] = src[i * src_stride + j]. Only moves
  // bits (no arithmetic), so it serves int32 tiles too.
  static void transpose_block(const float* src, int64_t src_stride, float* dst, int64_t dst_stride) {
    F r0 = load(src), r1 = load(src + src_stride), r2 = load(src + 2 * src_stride), r3 = load(src + 3 * src_stride);
    _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
    store(dst, r0);
    store(dst + dst_stride, r1);
    store(dst + 2 * dst_stride, r2);
    store(dst + 3 * dst_stride, r3);
  }
  // Non-temporal store to a 16-byte aligned address; stream_fence orders them before the
  // results are handed to another thread.
  static constexpr int64_t stream_alignment = 16;
  static void stream(float* p, F v) { _mm_stream_ps(p, v); }
  static void stream_fence() { _mm_sfence(); }
};

// SSE2 has no two-float load or store: the two floats move as one 64-bit integer.
inline __m128 load_two_floats(const float* p) {
  return _mm_castsi128_ps(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)));
}
inline void store_two_floats(float* p, __m128 v) {
  _mm_storel_epi64(reinterpret_cast<__m128i*>(p), _mm_castps_si128(v));
}

// Two doubles per register (contract in scalar.h, ScalarDoubleLanes).
struct DoubleLanes {
  ROIOPS_DOUBLE_LANE_OPS(2, __m128d, load_two_floats, _mm_cvtps_pd, _mm_cvtpd_ps, store_two_floats, _mm_set1_pd,
                         _mm_add_pd, _mm_sub_pd, _mm_mul_pd)
};

// SSE2 has no float16 conversion instruction: kernels/half.h's bit arithmetic.
using HalfLanes = ScalarHalfLanes;

}  // namespace roiops::ROIOPS_ISA
