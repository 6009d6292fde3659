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
    const F unset = _mm_castsi128_ps(_mm_cmplt_epi32(index, _mm_setzero_si128()));
    const F take = _mm_or_ps(_mm_cmpgt_ps(v, best), _mm_and_ps(unset, _mm_cmpeq_ps(v, best)));
    best = _mm_or_ps(_mm_and_ps(take, v), _mm_andnot_ps(take, best));
    const I take_i = _mm_castps_si128(take);
    index = _mm_or_si128(_mm_and_si128(take_i, candidate), _mm_andnot_si128(take_i, index));
  }
  static F nan_where_unset(F best, I index) {
    const F unset = _mm_castsi128_ps(_mm_cmplt_epi32(index, _mm_setzero_si128()));
    const F nan = _mm_set1_ps(std::numeric_limits<float>::quiet_NaN());
    return _mm_or_ps(_mm_and_ps(unset, nan), _mm_andnot_ps(unset, best));
  }
};

}  // namespace ROIOPS_ISA
}  // namespace roiops
