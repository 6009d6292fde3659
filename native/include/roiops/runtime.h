// Process-wide runtime facts: which instruction set the dispatcher chose and how many
// threads a call may use.
#pragma once
#include <cstdint>

namespace roiops {

// Name of the instruction-set path in use: "avx512", "avx2", "sse2", "neon" or "scalar".
const char* simd_level();

void set_num_threads(int32_t threads);  // clamped to >= 1
int32_t num_threads();

}  // namespace roiops
