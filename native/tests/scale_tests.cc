// Kernel tests past 2^31 elements (docs/design.md "Robustness": "Scale"), part of roiops_kernel_tests
// (kernel_tests.cc's main calls scale_tests()).
//
// The feature maps are [2, 36, 8192, 8192] floats (19 GB) in each layout: every image is
// 2.4e9 elements, so the second image starts past 2^31, and so do, inside the first image,
// channels 32..35 (NCHW) and the bottom rows (NHWC). They are anonymous private mappings with
// MAP_NORESERVE: only the pages written are committed (about 15 MB here), and untouched pages
// read as zeros. Only the bottom-right 40x40 window of each image is written, with the same
// values in both images; every RoI lies in (or hangs off the bottom-right edge of) that window.
//
// The oracle is the same kernel on a small dense map holding just the window, with the RoIs
// moved by the window's origin: offsets under 2^31 there. RoI coordinates and bin sizes are
// multiples of 1/8, so the sample positions are exact in both maps and every float operation
// is the same: the results must agree bit for bit (roiPool's argmax, an index in the plane,
// moved by the origin too). A kernel computing any offset in 32 bits reads the wrong pixels
// (or faults). cropAndResize takes normalized boxes, which cannot be moved exactly: its box on
// the second image must give what the same box gives on the first. Backward passes are not
// run: their gradient map is as large as the input, and they write all of it.
//
// Where anonymous mappings are unavailable (not POSIX) the tests say so and count as skipped;
// where a mapping fails (no address space) they fail.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "roiops/roiops.h"
#include "runtime/kernel_table.h"
#include "tests/test_support.h"
#if defined(__unix__) || defined(__APPLE__)
#include <sys/mman.h>
#define ROIOPS_HAVE_MMAP 1
#endif

using namespace roiops_tests;

namespace {

using namespace roiops;

constexpr int64_t kBatch = 2, kChannels = 36, kSize = 8192;  // 2 x 2.4e9 elements
constexpr int64_t kWindow = 40;                              // the written bottom-right corner
constexpr int64_t kOrigin = kSize - kWindow;                 // where the window starts, both axes

// Element offset of (n, c, y, x) in an [n][C][h][w] map of `layout`, in 64 bits.
int64_t offset(Layout layout, int64_t n, int64_t c, int64_t y, int64_t x, int64_t h, int64_t w) {
  return layout == Layout::nchw ? ((n * kChannels + c) * h + y) * w + x : ((n * h + y) * w + x) * kChannels + c;
}

// The window's pixel (c, dy, dx): varied, finite, exactly representable.
float window_value(int64_t c, int64_t dy, int64_t dx) {
  return static_cast<float>((c * 131 + dy * 37 + dx * 11) % 1021) / 64.0f - 7.0f;
}

// A [2, 36, 8192, 8192] map of `layout` whose pages exist only where written.
class SparseMap {
 public:
  explicit SparseMap(Layout layout) : layout_(layout), bytes_(kBatch * kChannels * kSize * kSize * sizeof(float)) {
#if ROIOPS_HAVE_MMAP
    void* p = mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    data_ = p == MAP_FAILED ? nullptr : static_cast<float*>(p);
#endif
    if (data_ == nullptr) return;
    for (int64_t n = 0; n < kBatch; ++n)
      for (int64_t c = 0; c < kChannels; ++c)
        for (int64_t dy = 0; dy < kWindow; ++dy)
          for (int64_t dx = 0; dx < kWindow; ++dx)
            data_[offset(layout, n, c, kOrigin + dy, kOrigin + dx, kSize, kSize)] = window_value(c, dy, dx);
  }
  ~SparseMap() {
#if ROIOPS_HAVE_MMAP
    if (data_ != nullptr) munmap(data_, bytes_);
#endif
  }
  SparseMap(const SparseMap&) = delete;
  SparseMap& operator=(const SparseMap&) = delete;

  bool mapped() const { return data_ != nullptr; }
  FeatureMap view() const {
    return {data_, kBatch * kChannels * kSize * kSize, kBatch, kChannels, kSize, kSize, layout_};
  }

 private:
  Layout layout_;
  size_t bytes_;
  float* data_ = nullptr;
};

// The window alone, [1, 36, 40, 40] in `layout`: the oracle's map.
struct WindowMap {
  explicit WindowMap(Layout layout) : layout(layout), data(static_cast<size_t>(kChannels * kWindow * kWindow)) {
    for (int64_t c = 0; c < kChannels; ++c)
      for (int64_t dy = 0; dy < kWindow; ++dy)
        for (int64_t dx = 0; dx < kWindow; ++dx)
          data[offset(layout, 0, c, dy, dx, kWindow, kWindow)] = window_value(c, dy, dx);
  }
  FeatureMap view() const {
    return {data.data(), static_cast<int64_t>(data.size()), 1, kChannels, kWindow, kWindow, layout};
  }
  Layout layout;
  std::vector<float> data;
};

// RoI rows (b, x1, y1, x2, y2) in window coordinates: multiples of 1/8, sizes that make every
// bin (for the pooled sizes used, 2x2 and 3x3) 1/2, 1, 2 or 4 pixels wide; two hang off the
// window's bottom-right edge (the map's edge), none off its top-left (the map's interior).
std::vector<float> window_rois(int64_t pooled) {
  const float p = static_cast<float>(pooled);
  return {0, 1.0f,    2.0f,  1.0f + p,           2.0f + p,         // 1-pixel bins
          0, 3.5f,    5.25f, 3.5f + 2 * p,       5.25f + 4 * p,    // 2x4-pixel bins
          0, 10.125f, 7.0f,  10.125f + 0.5f * p, 7.0f + 0.5f * p,  // half-pixel bins
          0, 20.0f,   12.5f, 20.0f + 4 * p,      12.5f + 2 * p,    // 4x2
          0, 30.0f,   31.0f, 30.0f + 4 * p,      31.0f + 4 * p,    // off the bottom-right edge
          0, 37.5f,   2.0f,  37.5f + 2 * p,      2.0f + p};        // off the right edge
}

// The rows moved to image `n` of the big map.
std::vector<float> moved(std::vector<float> rows, int64_t n, int64_t columns = 5) {
  for (size_t k = 0; k < rows.size(); k += static_cast<size_t>(columns)) {
    rows[k] = static_cast<float>(n);
    rows[k + 1] += static_cast<float>(kOrigin);
    rows[k + 2] += static_cast<float>(kOrigin);
    if (columns == 5) {
      rows[k + 3] += static_cast<float>(kOrigin);
      rows[k + 4] += static_cast<float>(kOrigin);
    }
  }
  return rows;
}

RoiRows rows_of(const std::vector<float>& rows, int64_t columns = 5) {
  return {rows.data(), static_cast<int64_t>(rows.size()), static_cast<int64_t>(rows.size()) / columns, columns};
}

// One operator's forward pass: writes `out` (and its argmax when it has one) for `rows` on `map`.
struct Operation {
  std::string name;
  int64_t pooled;           // output bins per axis
  int64_t columns;          // 5, or 6 for rotated boxes
  int64_t outputs_per_row;  // floats of output per RoI row
  bool has_argmax;
  std::function<Status(const KernelTable&, const FeatureMap&, const RoiRows&, const PooledOutput&)> run;
};

std::vector<Operation> operations() {
  std::vector<Operation> ops;
  const Execution two{CancelFlag(), 2};
  // An operator whose kernel entry takes (map, rows, params, out, execution).
  auto add = [&](const std::string& name, int64_t pooled, int64_t columns, int64_t outputs_per_row, bool has_argmax,
                 auto entry, auto params) {
    ops.push_back({name, pooled, columns, outputs_per_row, has_argmax,
                   [=](const KernelTable& t, const FeatureMap& m, const RoiRows& r, const PooledOutput& out) {
                     return (t.*entry)(m, r, params, out, two);
                   }});
  };
  for (int64_t pooled : {2, 3}) {
    for (AlignMode mode : {AlignMode::avg, AlignMode::max, AlignMode::onnx_max}) {
      RoiAlignParams p = pooled_params<RoiAlignParams>(pooled, pooled);
      p.sampling_ratio = mode == AlignMode::avg ? -1 : 2;
      p.aligned = mode != AlignMode::max;
      p.mode = mode;
      add("roiAlign " + std::to_string(pooled) + " mode " + std::to_string(static_cast<int>(mode)), pooled, 5,
          kChannels * pooled * pooled, false, &KernelTable::roi_align_forward, p);
    }
    for (BinRule bins : {BinRule::overlap, BinRule::split}) {
      RoiPoolParams p = pooled_params<RoiPoolParams>(pooled, pooled);
      p.bins = bins;
      add("roiPool " + std::to_string(pooled) + " bins " + std::to_string(static_cast<int>(bins)), pooled, 5,
          kChannels * pooled * pooled, true, &KernelTable::roi_pool_forward, p);
    }
    const int64_t ps_channels = kChannels / (pooled * pooled);
    add("psRoiPool " + std::to_string(pooled), pooled, 5, ps_channels * pooled * pooled, false,
        &KernelTable::ps_roi_pool_forward, pooled_params<PsRoiPoolParams>(pooled, pooled));
    PsRoiAlignParams ps_align = pooled_params<PsRoiAlignParams>(pooled, pooled);
    ps_align.sampling_ratio = 2;
    add("psRoiAlign " + std::to_string(pooled), pooled, 5, ps_channels * pooled * pooled, false,
        &KernelTable::ps_roi_align_forward, ps_align);
    add("preciseRoiPool " + std::to_string(pooled), pooled, 5, kChannels * pooled * pooled, false,
        &KernelTable::precise_roi_pool_forward, pooled_params<PreciseRoiPoolParams>(pooled, pooled));
    ops.push_back({"multiScaleRoiAlign " + std::to_string(pooled), pooled, 5, kChannels * pooled * pooled, false,
                   [=](const KernelTable& t, const FeatureMap& m, const RoiRows& r, const PooledOutput& out) {
                     MultiScaleRoiAlignParams p;
                     p.pooled_height = p.pooled_width = pooled;
                     p.sampling_ratio = 2;
                     const float scale = 1.0f;
                     const std::vector<int32_t> level(static_cast<size_t>(r.count), 0);
                     return t.multi_scale_roi_align_forward({&m, &scale, 1}, r, {level.data(), r.count}, p, out, two);
                   }});
  }
  // Rotated boxes at angle 0 (sin 0 = 0 exactly): (b, cx, cy, w, h, angle) from the same corners.
  RoiAlignRotatedParams rotated_params = pooled_params<RoiAlignRotatedParams>(2, 2);
  rotated_params.sampling_ratio = 2;
  add("roiAlignRotated", 2, 6, kChannels * 4, false, &KernelTable::roi_align_rotated_forward, rotated_params);
  static const int64_t levels[] = {1, 2, 4};
  for (PyramidMode mode : {PyramidMode::max, PyramidMode::avg})
    ops.push_back({"spatialPyramidPool mode " + std::to_string(static_cast<int>(mode)), 2, 5, kChannels * 21, false,
                   [=](const KernelTable& t, const FeatureMap& m, const RoiRows& r, const PooledOutput& out) {
                     SpatialPyramidParams p;
                     p.levels = levels;
                     p.level_count = 3;
                     p.mode = mode;
                     return t.spatial_pyramid_pool_forward(m, &r, p, out, two);
                   }});
  return ops;
}

// Rotated rows (b, cx, cy, w, h, 0) with the corners of 5-column rows.
std::vector<float> rotated(const std::vector<float>& rows) {
  std::vector<float> out;
  for (size_t k = 0; k < rows.size(); k += 5)
    out.insert(out.end(), {rows[k], (rows[k + 1] + rows[k + 3]) / 2, (rows[k + 2] + rows[k + 4]) / 2,
                           rows[k + 3] - rows[k + 1], rows[k + 4] - rows[k + 2], 0.0f});
  return out;
}

struct Output {
  std::vector<float> values;
  std::vector<int32_t> argmax;
  Status status;
};

Output run(const Operation& op, const KernelTable& table, const FeatureMap& map, const std::vector<float>& rows) {
  const int64_t count = static_cast<int64_t>(rows.size()) / op.columns;
  const int64_t n = count * op.outputs_per_row;
  Output o{std::vector<float>(static_cast<size_t>(n), unwritten()),
           std::vector<int32_t>(op.has_argmax ? static_cast<size_t>(n) : 0, -2),
           {}};
  const PooledOutput out{o.values.data(), n, op.has_argmax ? o.argmax.data() : nullptr, op.has_argmax ? n : 0};
  o.status = op.run(table, map, rows_of(rows, op.columns), out);
  return o;
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

// The window map's argmax (dy * 40 + dx) as the big map's plane index.
std::vector<int32_t> argmax_in_big_map(std::vector<int32_t> argmax) {
  for (int32_t& a : argmax)
    if (a >= 0) a = static_cast<int32_t>((kOrigin + a / kWindow) * kSize + kOrigin + a % kWindow);
  return argmax;
}

void operators_past_2_31(Layout layout, const SparseMap& big, const WindowMap& small) {
  const char* layout_name = layout == Layout::nchw ? "NCHW" : "NHWC";
  for (const Operation& op : operations()) {
    const std::vector<float> base = window_rois(op.pooled);
    const std::vector<float> rows = op.columns == 6 ? rotated(base) : base;
    for (const KernelTable* table : tables()) {
      const std::string what = std::string(layout_name) + " " + op.name + " (" + table->simd + ")";
      const Output want = run(op, *table, small.view(), rows);
      if (!check(want.status.ok(), what + ": the window map's call failed: " + want.status.message)) continue;
      bool read_something = false;
      for (float v : want.values) read_something = read_something || (v != 0.0f && std::isfinite(v));
      check(read_something, what + ": the oracle reads the window");
      for (int64_t n = 0; n < kBatch; ++n) {
        const Output got = run(op, *table, big.view(), moved(rows, n, op.columns));
        const std::string where = what + ", image " + std::to_string(n);
        if (!check(got.status.ok(), where + " failed: " + got.status.message)) continue;
        check(same_bits(got.values, want.values), where + ": differs from the window map's result");
        if (op.has_argmax) check(got.argmax == argmax_in_big_map(want.argmax), where + ": argmax differs");
      }
    }
  }
}

// Boxes normalized to the big map (y1, x1, y2, x2) inside or across its window: the same box
// on image 1 (past 2^31) must give what it gives on image 0.
void crop_and_resize_past_2_31(Layout layout, const SparseMap& big) {
  const float last = static_cast<float>(kSize - 1);
  const float w0 = static_cast<float>(kOrigin) / last;
  const std::vector<float> boxes = {w0 + 2 / last,  w0 + 3 / last,  w0 + 30 / last, w0 + 25 / last,
                                    w0 + 10 / last, w0 + 1 / last,  1.0f,           1.0f,
                                    w0 - 5 / last,  w0 + 20 / last, w0 + 12 / last, w0 + 38 / last};
  CropAndResizeParams p;
  p.crop_height = 5;
  p.crop_width = 4;
  for (CropMethod method : {CropMethod::bilinear, CropMethod::nearest}) {
    p.method = method;
    for (const KernelTable* table : tables()) {
      const std::string what = std::string(layout == Layout::nchw ? "NCHW" : "NHWC") + " cropAndResize method " +
                               std::to_string(static_cast<int>(method)) + " (" + table->simd + ")";
      std::vector<std::vector<float>> outs;
      for (int32_t image : {0, 1}) {
        const std::vector<int32_t> indices(3, image);
        std::vector<float> out(static_cast<size_t>(3 * 5 * 4 * kChannels), 0.0f);
        const Status s = table->crop_and_resize_forward(big.view(), rows_of(boxes, 4), indices.data(), 3, p,
                                                        {out.data(), static_cast<int64_t>(out.size()), nullptr, 0},
                                                        {CancelFlag(), 2});
        check(s.ok(), what + " image " + std::to_string(image) + " failed");
        outs.push_back(out);
      }
      bool read_something = false;
      for (float v : outs[0]) read_something = read_something || v != 0.0f;
      check(read_something, what + ": reads the window");
      check(same_bits(outs[0], outs[1]), what + ": image 1 differs from image 0");
    }
  }
}

}  // namespace

void scale_tests() {
#if !ROIOPS_HAVE_MMAP
  std::printf(
      "scale tests: SKIPPED, no anonymous memory mappings on this platform (nothing past 2^31 elements was tested)\n");
#else
  const Tally before = tally();
  for (Layout layout : {Layout::nchw, Layout::nhwc}) {
    const SparseMap big(layout);
    if (!check(big.mapped(), "could not map 19 GB of address space (MAP_NORESERVE) for the scale tests")) continue;
    const WindowMap small(layout);
    operators_past_2_31(layout, big, small);
    crop_and_resize_past_2_31(layout, big);
  }
  report_section("scale tests", before,
                 " (maps of " + std::to_string(kBatch * kChannels * kSize * kSize) + " elements, images past 2^31)");
#endif
}
