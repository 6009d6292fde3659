// float16 and bfloat16 <-> float32 (docs/api.md "16-bit feature maps"): every 16-bit value
// widens to float32 exactly (a NaN to a quiet NaN with its payload); float32 narrows to the nearest 16-bit value, ties to even,
// overflow to infinity, subnormals kept, a NaN kept as a quiet NaN with the top bits of its
// payload (what F16C, AVX-512 and NEON do, so the bit arithmetic here is the same function).
// The vector instructions come from the instruction set's HalfLanes (simd/*.h); bfloat16 is a
// 16-bit shift, which the compiler vectorises itself. lib/reference/half.ts is the
// JavaScript twin; native/tests check every path against these scalar functions.
#pragma once
#include <cstdint>
#include <cstring>

#include "roiops/tensor.h"

namespace roiops {
namespace ROIOPS_ISA {

inline uint32_t float_bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return u;
}

inline float bits_float(uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

inline float float16_to_float(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000) << 16;
  const uint32_t exponent = (h >> 10) & 0x1f;
  uint32_t mantissa = h & 0x3ff;
  if (exponent == 0x1f)  // infinity, or a NaN: quiet (as F16C quiets a signalling one), payload kept
    return bits_float(sign | (mantissa == 0 ? 0x7f800000u : 0x7fc00000u | (mantissa << 13)));
  if (exponent != 0) return bits_float(sign | ((exponent + 112) << 23) | (mantissa << 13));
  if (mantissa == 0) return bits_float(sign);
  // A subnormal m * 2^-24: normalised, as float32's exponent range holds it.
  uint32_t e = 113;
  while ((mantissa & 0x400) == 0) {
    mantissa <<= 1;
    --e;
  }
  return bits_float(sign | (e << 23) | ((mantissa & 0x3ff) << 13));
}

inline uint16_t float_to_float16(float f) {
  const uint32_t x = float_bits(f);
  const uint32_t sign = (x >> 16) & 0x8000;
  const uint32_t exponent = (x >> 23) & 0xff;
  const uint32_t mantissa = x & 0x7fffff;
  if (exponent == 0xff) return static_cast<uint16_t>(mantissa == 0 ? sign | 0x7c00 : sign | 0x7e00 | (mantissa >> 13));
  const int32_t e = static_cast<int32_t>(exponent) - 112;  // the float16 exponent field
  if (e >= 0x1f) return static_cast<uint16_t>(sign | 0x7c00);
  if (e >= 1) {
    const uint32_t rest = mantissa & 0x1fff;
    const uint32_t half = sign | (static_cast<uint32_t>(e) << 10) | (mantissa >> 13);
    // A carry out of the mantissa steps the exponent, up to infinity: still right.
    return static_cast<uint16_t>(rest > 0x1000 || (rest == 0x1000 && (half & 1)) ? half + 1 : half);
  }
  const int32_t shift = 14 - e;  // a float16 subnormal: units of 2^-24
  if (shift > 24) return static_cast<uint16_t>(sign);
  const uint32_t significand = mantissa | 0x800000;
  const uint32_t kept = significand >> shift;
  const uint32_t rest = significand & ((uint32_t(1) << shift) - 1);
  const uint32_t tie = uint32_t(1) << (shift - 1);
  return static_cast<uint16_t>(sign | (rest > tie || (rest == tie && (kept & 1)) ? kept + 1 : kept));
}

// The top 16 bits of a float32; a NaN made quiet, as float16's.
inline float bfloat16_to_float(uint16_t b) {
  const uint32_t bits = static_cast<uint32_t>((b & 0x7fff) > 0x7f80 ? b | 0x40 : b) << 16;
  return bits_float(bits);
}

inline uint16_t float_to_bfloat16(float f) {
  const uint32_t x = float_bits(f);
  if ((x & 0x7fffffff) > 0x7f800000) return static_cast<uint16_t>((x >> 16) | 0x40);  // NaN: quiet
  return static_cast<uint16_t>((x + 0x7fff + ((x >> 16) & 1)) >> 16);  // a carry is right, up to infinity
}

// count 16-bit patterns of `type` (float16 or bfloat16) -> floats.
inline void widen_elements(const uint16_t* src, int64_t count, ElementType type, float* dst) {
  int64_t i = 0;
  if (type == ElementType::bfloat16) {
    for (; i < count; ++i) dst[i] = bfloat16_to_float(src[i]);
    return;
  }
  if constexpr (HalfLanes::width > 0)
    for (; i + HalfLanes::width <= count; i += HalfLanes::width) HalfLanes::widen_float16(src + i, dst + i);
  for (; i < count; ++i) dst[i] = float16_to_float(src[i]);
}

// count floats -> 16-bit patterns of `type`, rounded to nearest-even.
inline void narrow_elements(const float* src, int64_t count, ElementType type, uint16_t* dst) {
  int64_t i = 0;
  if (type == ElementType::bfloat16) {
    for (; i < count; ++i) dst[i] = float_to_bfloat16(src[i]);
    return;
  }
  if constexpr (HalfLanes::width > 0)
    for (; i + HalfLanes::width <= count; i += HalfLanes::width) HalfLanes::narrow_float16(src + i, dst + i);
  for (; i < count; ++i) dst[i] = float_to_float16(src[i]);
}

}  // namespace ROIOPS_ISA
}  // namespace roiops
