// Vector traits for the portable path: one float per "vector". The kernels are written
// once against this interface (see sse2.h for the contract every instruction set meets);
// this header is also what every wider path uses for its channel tail, so tails compute
// exactly what the vector lanes compute.
#pragma once
#include <cstdint>
#include <limits>

namespace roiops {
namespace ROIOPS_ISA {

struct ScalarLanes {
  static constexpr int64_t width = 1;
  using F = float;
  using I = int32_t;

  static F load(const float* p) { return *p; }
  static void store(float* p, F v) { *p = v; }
  static F zero() { return 0.0f; }
  static F set1(float v) { return v; }
  static F add(F a, F b) { return a + b; }
  static F mul(F a, F b) { return a * b; }
  static F div(F a, F b) { return a / b; }
  // (a > b) ? a : b, lane by lane: NaN in either operand gives b.
  static F greater_of(F a, F b) { return a > b ? a : b; }

  static I iset1(int32_t v) { return v; }
  static void istore(int32_t* p, I v) { *p = v; }
  // roiPool's running maximum, which starts from (NaN, -1): take (v, candidate)
  // when v is a number and either v > best or best is still NaN, i.e. !(v <= best) && v == v.
  // So NaN pixels are never taken, a bin of -inf names its first pixel, ties keep the first,
  // and a bin of only NaNs stays (NaN, -1): docs/semantics.md "roiPool", two comparisons per
  // vector (the former "v > best || (index < 0 && v == best)" took three and an index test).
  static void max_update(F& best, I& index, F v, I candidate) {
    if (!(v <= best) && v == v) {
      best = v;
      index = candidate;
    }
  }
  // Transposes a width x width block: dst[j * dst_stride + i] = src[i * src_stride + j].
  static void transpose_block(const float* src, int64_t, float* dst, int64_t) { *dst = *src; }
  // Non-temporal stores: the portable path has none, so stream is a plain store.
  static constexpr int64_t stream_alignment = 4;
  static void stream(float* p, F v) { *p = v; }
  static void stream_fence() {}
};

// 16-bit float conversions in vector registers (kernels/half.h): `width` float16 patterns
// <-> floats at a time, rounding to nearest-even, NaN kept quiet with its top payload bits.
// The portable path has none (width 0): kernels/half.h's bit arithmetic converts everything.
struct ScalarHalfLanes {
  static constexpr int64_t width = 0;
  static void widen_float16(const uint16_t*, float*) {}
  static void narrow_float16(const float*, uint16_t*) {}
};

// Doubles for the kernels that must reproduce a double-precision reference (crop_and_resize
// matches TensorFlow.js, which computes in JavaScript numbers): `width` floats are widened
// exactly, combined in double, and narrowed once, rounding to nearest even as a
// Float32Array store does. Same contract for every instruction set's DoubleLanes.
struct ScalarDoubleLanes {
  static constexpr int64_t width = 1;
  using D = double;
  static D load_floats(const float* p) { return static_cast<double>(*p); }
  static void store_floats(float* p, D v) { *p = static_cast<float>(v); }
  static D set1(double v) { return v; }
  static D add(D a, D b) { return a + b; }
  static D sub(D a, D b) { return a - b; }
  static D mul(D a, D b) { return a * b; }
};

}  // namespace ROIOPS_ISA
}  // namespace roiops
