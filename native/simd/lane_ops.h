// The part of every instruction set's lanes types that is one intrinsic per operation:
// the vector type names, the width, and the plain load/store/arithmetic wrappers. Each ISA
// header passes its intrinsic names and writes by hand only what differs in more than a
// name (greater_of and max_update for NaN, transpose_block, the streaming stores,
// DoubleLanes' float conversions). The macros expand to the same static inline member
// functions the headers used to spell out, so the generated code is unchanged.
// scalar.h, the portable path and the contract, spells its operations out in plain C++.
#pragma once

// Inside `struct VectorLanes { ... }`: width, F, I, load, store, zero, set1, add, mul, div,
// iset1. ZERO is an expression (the all-zero vector); the others name functions.
#define ROIOPS_FLOAT_LANE_OPS(WIDTH, FLOATS, INTS, LOAD, STORE, ZERO, SET1, ADD, MUL, DIV, ISET1) \
  static constexpr int64_t width = WIDTH;                                                         \
  using F = FLOATS;                                                                               \
  using I = INTS;                                                                                 \
  static F load(const float* p) { return LOAD(p); }                                               \
  static void store(float* p, F v) { STORE(p, v); }                                               \
  static F zero() { return ZERO; }                                                                \
  static F set1(float v) { return SET1(v); }                                                      \
  static F add(F a, F b) { return ADD(a, b); }                                                    \
  static F mul(F a, F b) { return MUL(a, b); }                                                    \
  static F div(F a, F b) { return DIV(a, b); }                                                    \
  static I iset1(int32_t v) { return ISET1(v); }

// Inside `struct DoubleLanes { ... }`: width, D, load_floats and store_floats (`width` floats
// read as one half-width float vector FLOAT_LOAD, widened by WIDEN; narrowed by NARROW and
// written by FLOAT_STORE), set1, add, sub, mul.
#define ROIOPS_DOUBLE_LANE_OPS(WIDTH, DOUBLES, FLOAT_LOAD, WIDEN, NARROW, FLOAT_STORE, SET1, ADD, SUB, MUL) \
  static constexpr int64_t width = WIDTH;                                                                   \
  using D = DOUBLES;                                                                                        \
  static D load_floats(const float* p) { return WIDEN(FLOAT_LOAD(p)); }                                     \
  static void store_floats(float* p, D v) { FLOAT_STORE(p, NARROW(v)); }                                    \
  static D set1(double v) { return SET1(v); }                                                               \
  static D add(D a, D b) { return ADD(a, b); }                                                              \
  static D sub(D a, D b) { return SUB(a, b); }                                                              \
  static D mul(D a, D b) { return MUL(a, b); }
