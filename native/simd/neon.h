// NEON vector traits (AArch64 baseline: every arm64 CPU has it). Same contract as sse2.h.
// vmaxq_f32 propagates NaN, unlike x86 maxps, so greater_of is an explicit compare/select.
#pragma once
#include <arm_neon.h>

#include "simd/lane_ops.h"
#include "simd/scalar.h"

namespace roiops::ROIOPS_ISA {

struct VectorLanes {
  ROIOPS_FLOAT_LANE_OPS(4, float32x4_t, int32x4_t, vld1q_f32, vst1q_f32, vdupq_n_f32(0.0f), vdupq_n_f32, vaddq_f32,
                        vmulq_f32, vdivq_f32, vdupq_n_s32)
  static F greater_of(F a, F b) { return vbslq_f32(vcgtq_f32(a, b), a, b); }

  static void istore(int32_t* p, I v) { vst1q_s32(p, v); }
  static void max_update(F& best, I& index, F v, I candidate) {
    const uint32x4_t take = vbicq_u32(vceqq_f32(v, v), vcleq_f32(v, best));  // v == v && !(v <= best)
    best = vbslq_f32(take, v, best);
    index = vbslq_s32(take, candidate, index);
  }
  // Transposes a 4x4 block: dst[j * dst_stride + i] = src[i * src_stride + j] (bits only).
  static void transpose_block(const float* src, int64_t src_stride, float* dst, int64_t dst_stride) {
    transpose_rows([&](int i) { return load(src + i * src_stride); }, dst, dst_stride);
  }
  // The same from 4 rows made by row(i) (kernels/transpose.h widens 16-bit rows into them).
  template <class Row>
  static void transpose_rows(Row&& row, float* dst, int64_t dst_stride) {
    const float32x4x2_t a = vtrnq_f32(row(0), row(1));
    const float32x4x2_t b = vtrnq_f32(row(2), row(3));
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
  ROIOPS_DOUBLE_LANE_OPS(2, float64x2_t, vld1_f32, vcvt_f64_f32, vcvt_f32_f64, vst1_f32, vdupq_n_f64, vaddq_f64,
                         vsubq_f64, vmulq_f64)
};

// AArch64 FCVTL/FCVTN: four float16 <-> float32 per instruction, exact one way, rounding by
// FPCR the other (nearest-even: Node never changes it), a NaN kept quiet with its payload.
struct HalfLanes {
  static constexpr int64_t width = 4;
  static void widen_float16(const uint16_t* p, float* out) {
    vst1q_f32(out, vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(p))));
  }
  static void narrow_float16(const float* p, uint16_t* out) {
    vst1_u16(out, vreinterpret_u16_f16(vcvt_f16_f32(vld1q_f32(p))));
  }
  // 4 patterns widened into a register: as widen_float16, and as bfloat16_to_float (the top
  // half of a float32, a NaN made quiet).
  static float32x4_t load_float16(const uint16_t* p) { return vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(p))); }
  static float32x4_t load_bfloat16(const uint16_t* p) {
    const uint32x4_t bits = vshll_n_u16(vld1_u16(p), 16);
    const uint32x4_t nan = vcgtq_u32(vandq_u32(bits, vdupq_n_u32(0x7fffffff)), vdupq_n_u32(0x7f800000));
    return vreinterpretq_f32_u32(vorrq_u32(bits, vandq_u32(nan, vdupq_n_u32(0x00400000))));
  }
};

}  // namespace roiops::ROIOPS_ISA
