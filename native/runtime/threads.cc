// The thread count callers ask for (setNumThreads, ROI_OPS_NUM_THREADS). Kernels still run
// on the calling thread; the persistent pool that honours this number is the next step
// (README, "Status, honestly").
#include <atomic>
#include <thread>

#include "roiops/runtime.h"

namespace roiops {
namespace {

int32_t default_threads() {
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int32_t>(n);
}

std::atomic<int32_t>& thread_setting() {
  static std::atomic<int32_t> threads{default_threads()};
  return threads;
}

}  // namespace

void set_num_threads(int32_t threads) { thread_setting().store(threads < 1 ? 1 : threads); }

int32_t num_threads() { return thread_setting().load(); }

}  // namespace roiops
