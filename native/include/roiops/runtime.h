// Process-wide runtime facts: which instruction set the dispatcher chose and how many
// threads a call may use.
#pragma once
#include <cstdint>

namespace roiops {

// Name of the instruction-set path in use: "avx512", "avx2", "sse2", "neon" or "scalar".
const char* simd_level();

void set_num_threads(int32_t threads);  // clamped to >= 1
// The process's starting count (ROI_OPS_NUM_THREADS or the CPU count): applied only if no
// set_num_threads or earlier set_initial_num_threads came first. Every Node environment (the
// main thread, each worker) loads the addon and supplies its default, but the pool is one per
// process: a worker starting up must not undo the main thread's setNumThreads.
void set_initial_num_threads(int32_t threads);
int32_t num_threads();

}  // namespace roiops
