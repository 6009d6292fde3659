// 16-bit maps on the planar path (docs/performance.md "16-bit feature maps"): the kernel reads
// the map where it lies, in float32, so it gets a float32 copy in which only the pixel rows its
// RoIs read are widened (the rest of the copy is never read, and left unwritten). Detection
// boxes cover a fraction of a large map, which is when the planar path is taken, so this widens
// a fraction of what widening the whole map did. Same floats where read: same results.
#pragma once
#include <algorithm>
#include <cstdint>
#include <vector>

#include "cost_model.h"
#include "half.h"

namespace roiops {
namespace ROIOPS_ISA {

// The pixel rows of each image that a call reads, as a mark per (image, row).
class RowsRead {
 public:
  RowsRead(int64_t batch, int64_t height) : height_(height), marks_(static_cast<size_t>(batch * height), 0) {}

  // Rows [y0, y1] of `image`, clipped to the map.
  void mark(int64_t image, int64_t y0, int64_t y1) {
    y0 = std::max<int64_t>(y0, 0);
    y1 = std::min(y1, height_ - 1);
    for (int64_t y = y0; y <= y1; ++y) marks_[static_cast<size_t>(image * height_ + y)] = 1;
  }
  bool marked(int64_t image, int64_t y) const { return marks_[static_cast<size_t>(image * height_ + y)] != 0; }

 private:
  int64_t height_;
  std::vector<uint8_t> marks_;
};

// `view` as `map` in float32 at `dst` (map.length floats), of which the rows in `rows` are
// widened, on the call's threads: one task per (image, channel) plane for NCHW, per image for
// NHWC (whose rows hold every channel).
inline Status widen_rows_read(const FeatureMap& map, const RowsRead& rows, const Execution& execution, float* dst,
                              FeatureMap& view) {
  const int64_t N = map.batch, C = map.channels, H = map.height, W = map.width;
  const bool nchw = map.layout == Layout::nchw;
  // Elements of one row, and rows per task: a row of one plane (NCHW) or of every channel (NHWC).
  const int64_t row_elements = nchw ? W : W * C, tasks = nchw ? N * C : N;
  // The thread count as if every element were widened (an upper bound on the work).
  const Status status =
      run_tasks(tasks, for_work(execution, static_cast<double>(N * C * H * W) * kTransposeNs), [&](int64_t task) {
        const int64_t image = nchw ? task / C : task;
        const int64_t first = task * H * row_elements;  // the task's plane (NCHW) or image (NHWC)
        for (int64_t y = 0; y < H;) {
          if (!rows.marked(image, y)) {
            ++y;
            continue;
          }
          int64_t end = y + 1;
          while (end < H && rows.marked(image, end)) ++end;
          const int64_t begin = first + y * row_elements;
          widen_elements(map.data16 + begin, (end - y) * row_elements, map.type, dst + begin);
          y = end;
        }
        return Status::success();
      });
  view = map;
  view.data = dst;
  view.data16 = nullptr;
  view.type = ElementType::float32;
  return status;
}

}  // namespace ROIOPS_ISA
}  // namespace roiops
