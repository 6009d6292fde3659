// What every kernel shares: box-row validation, conversions that must never be undefined
// behaviour whatever the caller passed, scratch memory, and how work is split into tasks.
// Included inside an instruction-set namespace (see native/isa/): it must not be
// included from anywhere else.
#pragma once
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <mutex>
#include <new>

#include "roiops/roiops.h"
#include "runtime/parallel.h"

// Inlining decided by hand where GCC's heuristics moved a per-bin call out of the hot loop
// when an unrelated path was added to a kernel (see align_roi_tiled): ROIOPS_FLATTEN inlines
// every call of a per-RoI function's body, ROIOPS_NOINLINE keeps a per-RoI path out of it.
#if defined(_MSC_VER)
#define ROIOPS_FLATTEN
#define ROIOPS_NOINLINE __declspec(noinline)
#else
#define ROIOPS_FLATTEN __attribute__((flatten))
#define ROIOPS_NOINLINE __attribute__((noinline))
#endif

namespace roiops {
namespace ROIOPS_ISA {

// docs/api.md "Bad input": a row is usable only if its batch index is an integer in [0, N)
// and its four coordinates are finite. torchvision truncates the index and reads out of
// bounds (vision#4828); we never do.
inline bool roi_row_is_valid(const float* row, int64_t batch) {
  const float b = row[0];
  if (!(b >= 0.0f) || !(static_cast<double>(b) < static_cast<double>(batch))) return false;
  if (std::floor(b) != b) return false;
  for (int i = 1; i < 5; ++i)
    if (!std::isfinite(row[i])) return false;
  return true;
}

// Scaled box coordinates are clamped to +-2^40 before any integer conversion: far past
// any addressable map, and small enough that the bin arithmetic below cannot overflow.
constexpr double kCoordinateLimit = 1099511627776.0;  // 2^40

inline int64_t clamp_to_int64(double v) {
  if (!(v > -kCoordinateLimit)) return -static_cast<int64_t>(kCoordinateLimit);
  if (!(v < kCoordinateLimit)) return static_cast<int64_t>(kCoordinateLimit);
  return static_cast<int64_t>(v);
}

template <class T>
inline void fill_block(T* block, int64_t count, T value) {
  for (int64_t i = 0; i < count; ++i) block[i] = value;
}

// Growable scratch memory for one thread or one call. Not std::vector<float>: the members of
// a std template over a shared type are weak symbols, so the linker keeps one copy for the
// whole addon, and it could keep this translation unit's AVX-512 copy for the baseline code
// (docs/design.md "Building"). A template of this namespace is private to its instruction set.
template <class T>
class Scratch {
 public:
  Scratch() = default;
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  ~Scratch() { delete[] data_; }

  // At least `count` elements, contents unspecified; throws std::bad_alloc.
  T* reserve(int64_t count) {
    if (count > capacity_) {
      delete[] data_;
      data_ = nullptr;
      capacity_ = 0;
      data_ = new T[static_cast<size_t>(count)];
      capacity_ = count;
    }
    return data_;
  }

  // What the last reserve returned.
  T* data() const { return data_; }

 private:
  T* data_ = nullptr;
  int64_t capacity_ = 0;
};

// The first failure among a call's parallel tasks (out of memory, a refused RoI, abort).
// Tasks that start after a failure skip their work.
class TaskStatus {
 public:
  bool failed() const { return failed_.load(std::memory_order_relaxed); }
  void fail(const Status& status) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!failed_.load()) first_ = status;
    failed_.store(true);
  }
  Status result() const { return failed_.load() ? first_ : Status::success(); }

 private:
  std::atomic<bool> failed_{false};
  std::mutex mutex_;
  Status first_;
};

// Runs body(task) for every task on the call's threads. Stops starting tasks after a
// failure or once the cancel flag is raised; a task that runs out of memory fails the call.
template <class Body>
Status run_tasks(int64_t tasks, const Execution& execution, Body&& body) {
  TaskStatus status;
  auto guarded = [&](int64_t task) {
    if (status.failed()) return;
    if (execution.cancel.requested()) return status.fail({StatusCode::aborted, -1, "aborted"});
    try {
      const Status s = body(task);
      if (!s.ok()) status.fail(s);
    } catch (const std::bad_alloc&) {
      status.fail({StatusCode::out_of_memory, -1, "out of memory for scratch space"});
    }
  };
  parallel_for(tasks, execution.threads, guarded);
  return status.result();
}

}  // namespace ROIOPS_ISA
}  // namespace roiops
