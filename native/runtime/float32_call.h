// How a forward call with 16-bit maps or a 16-bit output runs on the float32 kernels
// (docs/api.md "16-bit feature maps"): each 16-bit map is widened, exactly, into float32
// memory (4 bytes per element), the kernel runs on that, and a 16-bit output is computed into
// float32 memory (4 bytes per output element) and rounded into the caller's patterns after.
// roiAlign and multiScaleRoiAlign take their 16-bit maps as they are and widen only what they
// read (operators.cc, HalfValues::in_kernel).
// Float32 maps and outputs are used in place. Both conversions run on the call's threads, with
// the instruction set's conversions (kernels/half.h).
//
// The float32 memory is kept per calling thread and reused by its next call, as the kernels
// keep their channels-last copies: a fresh 74 MB block per call (W3's pyramid) cost more in
// page faults than the pooling itself (docs/performance.md "16-bit feature maps").
// Baseline code, included by operators.cc only.
#pragma once
#include <cstdint>
#include <memory>
#include <new>

#include "runtime/kernel_table.h"
#include "runtime/parallel.h"

namespace roiops {

// Growable float memory of one thread; contents unspecified.
class FloatScratch {
 public:
  // At least `count` floats, or nullptr when they cannot be allocated.
  float* reserve(int64_t count) {
    if (count > capacity_) {
      data_.reset();
      capacity_ = 0;
      data_.reset(new (std::nothrow) float[static_cast<size_t>(count)]);
      if (data_ == nullptr) return nullptr;
      capacity_ = count;
    }
    return data_.get();
  }

 private:
  std::unique_ptr<float[]> data_;
  int64_t capacity_ = 0;
};

class Float32Call {
 public:
  explicit Float32Call(const Execution& execution) : execution_(execution) {}

  // `count` maps as float32 in `views`: each itself, or its widened copy. False when the
  // copies cannot be allocated.
  bool widen(const FeatureMap* maps, int64_t count, FeatureMap* views) {
    int64_t total = 0;
    for (int64_t i = 0; i < count; ++i)
      if (maps[i].type != ElementType::float32) total += maps[i].length;
    float* copy = total > 0 ? map_scratch().reserve(total) : nullptr;
    if (total > 0 && copy == nullptr) return false;
    const auto convert = active_kernels().widen_elements;
    for (int64_t i = 0; i < count; ++i) {
      const FeatureMap& map = maps[i];
      views[i] = map;
      if (map.type == ElementType::float32) continue;
      chunked(map.length, [&](int64_t begin, int64_t n) { convert(map.data16 + begin, n, map.type, copy + begin); });
      views[i].data = copy;
      views[i].data16 = nullptr;
      views[i].type = ElementType::float32;
      copy += map.length;
    }
    return true;
  }

  // Where the kernel writes `out`: itself, or float32 memory narrowed by finish(). False when
  // that cannot be allocated.
  bool output(const PooledOutput& out, PooledOutput& view) {
    view = out;
    if (out.type == ElementType::float32) return true;
    // An empty output needs no memory (and reserve(0) on a thread that never reserved gives null).
    float* values = out.length > 0 ? out_scratch().reserve(out.length) : nullptr;
    if (out.length > 0 && values == nullptr) return false;
    view.data = values;
    view.data16 = nullptr;
    view.type = ElementType::float32;
    return true;
  }

  // After the kernel: rounds the float32 values into a 16-bit `out`.
  void finish(const PooledOutput& out, const PooledOutput& view) {
    if (out.type == ElementType::float32) return;
    const auto convert = active_kernels().narrow_elements;
    chunked(out.length, [&](int64_t begin, int64_t n) { convert(view.data + begin, n, out.type, out.data16 + begin); });
  }

 private:
  static FloatScratch& map_scratch() {
    thread_local FloatScratch scratch;
    return scratch;
  }
  static FloatScratch& out_scratch() {
    thread_local FloatScratch scratch;
    return scratch;
  }

  // Runs convert(begin, count) over [0, length) in chunks of 64K elements on the call's threads.
  template <class Convert>
  void chunked(int64_t length, Convert&& convert) {
    constexpr int64_t kChunk = int64_t(1) << 16;
    auto task = [&](int64_t chunk) {
      const int64_t begin = chunk * kChunk;
      convert(begin, length - begin < kChunk ? length - begin : kChunk);
    };
    parallel_for((length + kChunk - 1) / kChunk, execution_.threads, task);
  }

  Execution execution_;
};

}  // namespace roiops
