// NEON vector traits (AArch64 baseline: every arm64 CPU has it). Same contract as sse2.h.
// vmaxq_f32 propagates NaN, unlike x86 maxps, so greater_of is an explicit compare/select.
#pragma once
#include <arm_neon.h>

#include "simd/scalar.h"

namespace roiops {
namespace ROIOPS_ISA {

struct VectorLanes {
  static constexpr int64_t width = 4;
  using F = float32x4_t;
  using I = int32x4_t;

  static F load(const float* p) { return vld1q_f32(p); }
  static void store(float* p, F v) { vst1q_f32(p, v); }
  static F zero() { return vdupq_n_f32(0.0f); }
  static F set1(float v) { return vdupq_n_f32(v); }
  static F add(F a, F b) { return vaddq_f32(a, b); }
  static F mul(F a, F b) { return vmulq_f32(a, b); }
  static F div(F a, F b) { return vdivq_f32(a, b); }
  static F greater_of(F a, F b) { return vbslq_f32(vcgtq_f32(a, b), a, b); }

  static I iset1(int32_t v) { return vdupq_n_s32(v); }
  static void istore(int32_t* p, I v) { vst1q_s32(p, v); }
  static void max_update(F& best, I& index, F v, I candidate) {
    const uint32x4_t take = vbicq_u32(vceqq_f32(v, v), vcleq_f32(v, best));  // v == v && !(v <= best)
    best = vbslq_f32(take, v, best);
    index = vbslq_s32(take, candidate, index);
  }
  // Transposes a 4x4 block: dst[j * dst_stride + i] = src[i * src_stride + j] (bits only).
  static void transpose_block(const float* src, int64_t src_stride, float* dst, int64_t dst_stride) {
    const float32x4x2_t a = vtrnq_f32(load(src), load(src + src_stride));
    const float32x4x2_t b = vtrnq_f32(load(src + 2 * src_stride), load(src + 3 * src_stride));
    store(dst, vcombine_f32(vget_low_f32(a.val[0]), vget_low_f32(b.val[0])));
    store(dst + dst_stride, vcombine_f32(vget_low_f32(a.val[1]), vget_low_f32(b.val[1])));
    store(dst + 2 * dst_stride, vcombine_f32(vget_high_f32(a.val[0]), vget_high_f32(b.val[0])));
    store(dst + 3 * dst_stride, vcombine_f32(vget_high_f32(a.val[1]), vget_high_f32(b.val[1])));
  }
  // AArch64 has no general non-temporal store intrinsic worth the name: plain stores.
  static constexpr int64_t stream_alignment = 16;
  static void stream(float* p, F v) { vst1q_f32(p, v); }
  static void stream_fence() {}
};

// Two doubles per register (contract in scalar.h, ScalarDoubleLanes).
struct DoubleLanes {
  static constexpr int64_t width = 2;
  using D = float64x2_t;
  static D load_floats(const float* p) { return vcvt_f64_f32(vld1_f32(p)); }
  static void store_floats(float* p, D v) { vst1_f32(p, vcvt_f32_f64(v)); }
  static D set1(double v) { return vdupq_n_f64(v); }
  static D add(D a, D b) { return vaddq_f64(a, b); }
  static D sub(D a, D b) { return vsubq_f64(a, b); }
  static D mul(D a, D b) { return vmulq_f64(a, b); }
};

}  // namespace ROIOPS_ISA
}  // namespace roiops
