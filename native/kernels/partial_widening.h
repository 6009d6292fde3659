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

// Pixels per aligned group of a span: a span is widened from the group its first pixel is in
// to the end of the group its last one is in (clipped to the row), so that a short span is
// still whole vectors of conversions and whole cache lines (32 16-bit values: 64 bytes), and
// rows whose spans reach across merge into one run. roiAlign on W1's map with its first RoI
// (a C++ harness, one thread, AVX-512, best of 300, three runs): spans as they are 57-58 us,
// whole rows 37-38 us, spans in groups of 32 pixels 28-30 us; the float32 map 23-25 us. The
// runs are found once per image, not per plane: with a 1-pixel box, 31 us against 22 us.
constexpr int64_t kSpanGroup = 32;

// The runs of pixels to widen in each image: [begin, begin + count) in the image's pixel order
// (y * W + x), consecutive runs merged, found once for all the planes of the image.
struct PixelRun {
  int64_t begin, count;
};

inline void pixel_runs(const PixelsRead& read, int64_t image, int64_t H, int64_t W, std::vector<PixelRun>& runs) {
  runs.clear();
  for (int64_t y = 0; y < H; ++y) {
    int64_t x0, x1;
    read.span(image, y, x0, x1);
    if (x1 < x0) continue;
    const int64_t begin = y * W + x0 - x0 % kSpanGroup;
    const int64_t end = y * W + std::min(W, x1 - x1 % kSpanGroup + kSpanGroup);
    if (!runs.empty() && runs.back().begin + runs.back().count >= begin)
      runs.back().count = std::max(runs.back().count, end - runs.back().begin);
    else
      runs.push_back({begin, end - begin});
  }
}

// `view` as `map` in float32 at `dst` (map.length floats), of which the pixels in `read` are
// widened, on the call's threads: one task per (image, channel) plane for NCHW, per image for
// NHWC (whose pixels hold every channel).
inline Status widen_pixels_read(const FeatureMap& map, const PixelsRead& read, const Execution& execution, float* dst,
                                FeatureMap& view) {
  const int64_t N = map.batch, C = map.channels, H = map.height, W = map.width;
  const bool nchw = map.layout == Layout::nchw;
  std::vector<std::vector<PixelRun>> runs(static_cast<size_t>(N));
  for (int64_t image = 0; image < N; ++image) pixel_runs(read, image, H, W, runs[static_cast<size_t>(image)]);
  // Elements per pixel in a task's planes: 1 (NCHW), every channel (NHWC).
  const int64_t pixel_elements = nchw ? 1 : C, tasks = nchw ? N * C : N;
  // The thread count as if every element were widened (an upper bound on the work).
  const Status status =
      run_tasks(tasks, for_work(execution, static_cast<double>(N * C * H * W) * kTransposeNs), [&](int64_t task) {
        const int64_t image = nchw ? task / C : task;
        const int64_t first = task * H * W * pixel_elements;  // the task's plane (NCHW) or image (NHWC)
        for (const PixelRun& run : runs[static_cast<size_t>(image)]) {
          const int64_t begin = first + run.begin * pixel_elements;
          widen_elements(map.data16 + begin, run.count * pixel_elements, map.type, dst + begin);
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
