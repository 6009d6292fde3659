// 16-bit maps on the planar path (docs/performance.md "16-bit feature maps"): the kernel reads
// the map where it lies, in float32, so it gets a float32 copy in which only the pixels its
// RoIs read are widened (the rest of the copy is never read, and left unwritten). The planar
// path is taken for few boxes on a large map, so this widens a fraction of what widening the
// whole map did. Same floats where read: same results.
#pragma once
#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

#include "cost_model.h"
#include "half.h"

namespace roiops {
namespace ROIOPS_ISA {

// The pixels of each image that a call reads, as one span of columns per (image, row): the
// union of the windows of the RoIs that read that row, from the leftmost column to the
// rightmost (a few RoIs widen about their own windows, many widen whole rows).
class PixelsRead {
 public:
  PixelsRead(int64_t batch, int64_t height)
      : height_(height), spans_(static_cast<size_t>(batch * height), Span{kNone, -1}) {}

  // Rows [y0, y1] x columns [x0, x1] of `image`, rows clipped to the map (columns come clipped
  // from the taps).
  void mark(int64_t image, int64_t y0, int64_t y1, int64_t x0, int64_t x1) {
    for (int64_t y = std::max<int64_t>(y0, 0); y <= std::min(y1, height_ - 1); ++y) {
      Span& span = spans_[static_cast<size_t>(image * height_ + y)];
      span.x0 = std::min(span.x0, x0);
      span.x1 = std::max(span.x1, x1);
    }
  }
  // Row y's columns [x0, x1] of `image`; x1 < x0 when the row is not read.
  void span(int64_t image, int64_t y, int64_t& x0, int64_t& x1) const {
    const Span& s = spans_[static_cast<size_t>(image * height_ + y)];
    x0 = s.x0;
    x1 = s.x1;
  }

 private:
  static constexpr int64_t kNone = std::numeric_limits<int64_t>::max();
  struct Span {
    int64_t x0, x1;
  };
  int64_t height_;
  std::vector<Span> spans_;
};

// `view` as `map` in float32 at `dst` (map.length floats), of which the pixels in `read` are
// widened, on the call's threads: one task per (image, channel) plane for NCHW, per image for
// NHWC (whose pixels hold every channel).
inline Status widen_pixels_read(const FeatureMap& map, const PixelsRead& read, const Execution& execution, float* dst,
                                FeatureMap& view) {
  const int64_t N = map.batch, C = map.channels, H = map.height, W = map.width;
  const bool nchw = map.layout == Layout::nchw;
  // Elements per pixel in a task's rows: 1 in a plane (NCHW), every channel (NHWC).
  const int64_t pixel_elements = nchw ? 1 : C, tasks = nchw ? N * C : N;
  // The thread count as if every element were widened (an upper bound on the work).
  const Status status =
      run_tasks(tasks, for_work(execution, static_cast<double>(N * C * H * W) * kTransposeNs), [&](int64_t task) {
        const int64_t image = nchw ? task / C : task;
        const int64_t first = task * H * W * pixel_elements;  // the task's plane (NCHW) or image (NHWC)
        for (int64_t y = 0; y < H; ++y) {
          int64_t x0, x1;
          read.span(image, y, x0, x1);
          if (x1 < x0) continue;
          const int64_t begin = first + (y * W + x0) * pixel_elements;
          widen_elements(map.data16 + begin, (x1 - x0 + 1) * pixel_elements, map.type, dst + begin);
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
