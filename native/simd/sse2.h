// SSE2 vector traits (x86-64 baseline: no flags needed). Contract shared by every traits
// type: load/store are unaligned (Float32Array views are only 4-byte aligned); arithmetic is
// plain IEEE mul/add/div with no fusion, so a lane computes bit for bit what the scalar
// code computes; greater_of and max_update follow ScalarLanes exactly, NaN included.
#pragma once
#include <emmintrin.h>

#include "simd/scalar.h"

namespace roiops {
namespace ROIOPS_ISA {

struct VectorLanes {
  static constexpr int64_t width = 4;
  using F = __m128;
  using I = __m128i;

  static F load(const float* p) { return _mm_loadu_ps(p); }
  static void store(float* p, F v) { _mm_storeu_ps(p, v); }
  static F zero() { return _mm_setzero_ps(); }
  static F set1(float v) { return _mm_set1_ps(v); }
  static F add(F a, F b) { return _mm_add_ps(a, b); }
  static F mul(F a, F b) { return _mm_mul_ps(a, b); }
  static F div(F a, F b) { return _mm_div_ps(a, b); }
  static F greater_of(F a, F b) { return _mm_max_ps(a, b); }  // maxps: a > b ? a : b

  static I iset1(int32_t v) { return _mm_set1_epi32(v); }
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

// Two doubles per register (contract in scalar.h, ScalarDoubleLanes).
struct DoubleLanes {
  static constexpr int64_t width = 2;
  using D = __m128d;
  static D load_floats(const float* p) {
    return _mm_cvtps_pd(_mm_castsi128_ps(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p))));
  }
  static void store_floats(float* p, D v) {
    _mm_storel_epi64(reinterpret_cast<__m128i*>(p), _mm_castps_si128(_mm_cvtpd_ps(v)));
  }
  static D set1(double v) { return _mm_set1_pd(v); }
  static D add(D a, D b) { return _mm_add_pd(a, b); }
  static D sub(D a, D b) { return _mm_sub_pd(a, b); }
  static D mul(D a, D b) { return _mm_mul_pd(a, b); }
};

}  // namespace ROIOPS_ISA
}  // namespace roiops
