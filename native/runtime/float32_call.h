// How a forward call with 16-bit maps or a 16-bit output runs on the float32 kernels
// (docs/api.md "16-bit feature maps"): each 16-bit map is widened, exactly, into float32
// memory of the call's own (4 bytes per element, freed when the call returns), the kernel
// runs on that, and a 16-bit output is computed into float32 memory of the call's own and
// rounded into the caller's patterns after. Float32 maps and outputs are used in place.
// Both conversions run on the call's threads, with the instruction set's conversions
// (kernels/half.h). Baseline code, included by operators.cc only.
#pragma once
#include <cstdint>
#include <memory>
#include <new>
#include <vector>

#include "runtime/kernel_table.h"
#include "runtime/parallel.h"

namespace roiops {

class Float32Call {
 public:
  explicit Float32Call(const Execution& execution) : execution_(execution) {}

  // `map` as float32: itself, or its widened copy. False when the copy cannot be allocated.
  bool widen(const FeatureMap& map, FeatureMap& view) {
    view = map;
    if (map.type == ElementType::float32) return true;
    float* copy = allocate(map.length);
    if (copy == nullptr) return false;
    const auto convert = active_kernels().widen_elements;
    chunked(map.length,
            [&](int64_t begin, int64_t count) { convert(map.data16 + begin, count, map.type, copy + begin); });
    view.data = copy;
    view.data16 = nullptr;
    view.type = ElementType::float32;
    return true;
  }

  // Where the kernel writes `out`: itself, or float32 memory narrowed by finish(). False when that cannot be allocated.
  bool output(const PooledOutput& out, PooledOutput& view) {
    view = out;
    if (out.type == ElementType::float32) return true;
    float* values = allocate(out.length);
    if (values == nullptr) return false;
    view.data = values;
    view.data16 = nullptr;
    view.type = ElementType::float32;
    return true;
  }

  // After the kernel: rounds the float32 values into a 16-bit `out`.
  void finish(const PooledOutput& out, const PooledOutput& view) {
    if (out.type == ElementType::float32) return;
    const auto convert = active_kernels().narrow_elements;
    chunked(out.length,
            [&](int64_t begin, int64_t count) { convert(view.data + begin, count, out.type, out.data16 + begin); });
  }

 private:
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

  float* allocate(int64_t count) {
    float* memory = new (std::nothrow) float[static_cast<size_t>(count > 0 ? count : 1)];
    if (memory != nullptr) memory_.emplace_back(memory);
    return memory;
  }

  Execution execution_;
  std::vector<std::unique_ptr<float[]>> memory_;
};

}  // namespace roiops
