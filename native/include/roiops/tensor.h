// Plain views of the buffers a kernel reads and writes. Every size is 64-bit so
// that N*C*H*W past 2^31 elements addresses correctly.
#pragma once
#include <cstdint>

namespace roiops {

enum class Layout : int32_t { nchw = 0, nhwc = 1 };

// What a forward map's or output's elements are (docs/api.md "16-bit feature maps"). A 16-bit
// map is widened to float32 exactly and pooled as that float32 map; a 16-bit output is the
// float32 result rounded to nearest-even. The kernels themselves compute in float32 only.
enum class ElementType : int32_t { float32 = 0, float16 = 1, bfloat16 = 2 };

// A batch of feature maps, [N,C,H,W] or [N,H,W,C] depending on `layout`. Its elements are
// `data` when `type` is float32, else the 16-bit patterns at `data16` (and `data` is null).
struct FeatureMap {
  const float* data = nullptr;
  int64_t length = 0;  // elements available at `data` (or `data16`)
  int64_t batch = 0, channels = 0, height = 0, width = 0;
  Layout layout = Layout::nchw;
  ElementType type = ElementType::float32;
  const uint16_t* data16 = nullptr;
};

// K rows of (batchIndex, x1, y1, x2, y2) in image coordinates; rotated boxes have six
// columns (batchIndex, cx, cy, w, h, angle).
struct RoiRows {
  const float* data = nullptr;
  int64_t length = 0;  // elements available at `data`, must be count * columns
  int64_t count = 0;
  int64_t columns = 5;
};

// Where a pooled result goes: [K,C,PH,PW] or [K,PH,PW,C] following the map's layout.
// Its elements go to `data` when `type` is float32, else to `data16` as 16-bit patterns.
struct PooledOutput {
  float* data = nullptr;
  int64_t length = 0;         // elements available at `data` (or `data16`)
  int32_t* argmax = nullptr;  // optional, same element order as data
  int64_t argmax_length = 0;
  ElementType type = ElementType::float32;
  uint16_t* data16 = nullptr;
};

// A flag another thread may raise to stop a running kernel between RoIs. It points
// into an Int32Array owned by the caller (the async binding), or is null.
class CancelFlag {
 public:
  CancelFlag() = default;
  explicit CancelFlag(const int32_t* flag) : flag_(flag) {}
  bool requested() const {
    if (flag_ == nullptr) return false;
#if defined(_MSC_VER)
    return *static_cast<const volatile int32_t*>(flag_) != 0;
#else
    return __atomic_load_n(flag_, __ATOMIC_RELAXED) != 0;
#endif
  }

 private:
  const int32_t* flag_ = nullptr;
};

// How a call runs: its cancel flag and how many threads it may use (0: the process setting,
// set_num_threads). Results do not depend on the thread count.
struct Execution {
  CancelFlag cancel;
  int32_t threads = 0;
};

}  // namespace roiops
