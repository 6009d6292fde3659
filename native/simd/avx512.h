// AVX-512 (F/DQ/BW/VL) vector traits, 16 lanes with mask registers. Same contract as sse2.h.
#pragma once
#include <immintrin.h>

#include "simd/scalar.h"

namespace roiops {
namespace ROIOPS_ISA {

struct VectorLanes {
  static constexpr int64_t width = 16;
  using F = __m512;
  using I = __m512i;

  static F load(const float* p) { return _mm512_loadu_ps(p); }
  static void store(float* p, F v) { _mm512_storeu_ps(p, v); }
  static F zero() { return _mm512_setzero_ps(); }
  static F set1(float v) { return _mm512_set1_ps(v); }
  static F add(F a, F b) { return _mm512_add_ps(a, b); }
  static F mul(F a, F b) { return _mm512_mul_ps(a, b); }
  static F div(F a, F b) { return _mm512_div_ps(a, b); }
  static F greater_of(F a, F b) { return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(a, b, _CMP_GT_OQ), b, a); }

  static I iset1(int32_t v) { return _mm512_set1_epi32(v); }
  static void istore(int32_t* p, I v) { _mm512_storeu_si512(p, v); }
  static void max_update(F& best, I& index, F v, I candidate) {
    const __mmask16 unset = _mm512_cmplt_epi32_mask(index, _mm512_setzero_si512());
    const __mmask16 take = _mm512_cmp_ps_mask(v, best, _CMP_GT_OQ) | (unset & _mm512_cmp_ps_mask(v, best, _CMP_EQ_OQ));
    best = _mm512_mask_blend_ps(take, best, v);
    index = _mm512_mask_blend_epi32(take, index, candidate);
  }
  static F nan_where_unset(F best, I index) {
    const __mmask16 unset = _mm512_cmplt_epi32_mask(index, _mm512_setzero_si512());
    return _mm512_mask_blend_ps(unset, best, _mm512_set1_ps(std::numeric_limits<float>::quiet_NaN()));
  }
};

}  // namespace ROIOPS_ISA
}  // namespace roiops
