// Kernel tests over the plain C++ API (native/include/roiops), without Node and without a
// test framework, so that they run where the addon cannot be loaded: cross-compiled for
// arm64 under qemu-aarch64, and under `qemu-x86_64 -cpu Nehalem`, where any AVX instruction
// would fault (scripts/test-emulated.sh).
//
//   1. Known answers: the hand-checked vectors of docs/semantics.md "Worked examples" (and the
//      mmcv example of "The three modes"), plus the kernels' rules for unusable rows and -inf/NaN bins, through every
//      instruction-set table, both layouts, one and 19 channels (vector lanes
//      and tails), and both kernel paths (planar NCHW and channels-last).
//   2. Random problems: every table equals the scalar table bit for bit (the kernels compute
//      each lane with the scalar operations in the scalar order, kernels/roi_align.h), for
//      channel tails and full vectors, boxes off the map, invalid rows, NaN/inf/±0 pixels,
//      every RoIAlign mode, both roiPool bin rules with argmax, 1 and 2 threads, outputs
//      below and above the streamed-output threshold, misaligned buffers. Every output
//      element must be written.
//   3. Bad input: a non-ok Status, never a crash.
//
// Only tables the CPU supports are called (runtime/cpu_features.h); the dispatcher's choice
// must be one of them. ROI_OPS_EXPECT_SIMD=name additionally requires that choice.
// Exit status 0 when every check passed.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "roiops/roiops.h"
#include "runtime/kernel_table.h"
#include "tests/test_support.h"

using namespace roiops_tests;

namespace {

using namespace roiops;

// ---------------------------------------------------------------------------------------
// Messages

std::string format(const char* pattern, double a, double b = 0, double c = 0) {
  char text[200];
  std::snprintf(text, sizeof text, pattern, a, b, c);
  return text;
}

// ---------------------------------------------------------------------------------------
// Problems (a map and its boxes) and operations (what to compute on them)

const char* layout_name(Layout layout) { return layout == Layout::nchw ? "NCHW" : "NHWC"; }

struct Problem {
  std::string name;
  int64_t batch = 1, channels = 1, height = 1, width = 1;
  Layout layout = Layout::nchw;
  // The map starts this many floats into `buffer`: typed-array views are only 4-byte aligned.
  int64_t misalign = 0;
  std::vector<float> buffer;
  std::vector<float> rois;  // rows of (batch index, x1, y1, x2, y2)

  int64_t count() const { return static_cast<int64_t>(rois.size() / 5); }
  int64_t elements() const { return batch * channels * height * width; }
  float& at(int64_t n, int64_t c, int64_t y, int64_t x) {
    const int64_t i = layout == Layout::nchw ? ((n * channels + c) * height + y) * width + x
                                             : ((n * height + y) * width + x) * channels + c;
    return buffer[static_cast<size_t>(misalign + i)];
  }
  FeatureMap map() const { return {buffer.data() + misalign, elements(), batch, channels, height, width, layout}; }
  RoiRows rows() const { return {rois.data(), static_cast<int64_t>(rois.size()), count()}; }
};

Problem empty_problem(std::string name, int64_t batch, int64_t channels, int64_t height, int64_t width, Layout layout,
                      int64_t misalign) {
  Problem p;
  p.name = std::move(name);
  p.batch = batch;
  p.channels = channels;
  p.height = height;
  p.width = width;
  p.layout = layout;
  p.misalign = misalign;
  p.buffer.assign(static_cast<size_t>(misalign + p.elements()), 0.0f);
  return p;
}

// The same boxes `times` times over.
Problem with_repeated_rois(const Problem& p, int64_t times) {
  Problem repeated = p;
  repeated.rois.clear();
  for (int64_t i = 0; i < times; ++i) repeated.rois.insert(repeated.rois.end(), p.rois.begin(), p.rois.end());
  return repeated;
}

enum class Kind { align, pool };

struct Operation {
  std::string name;
  Kind kind = Kind::align;
  RoiAlignParams align;
  RoiPoolParams pool;
  bool with_argmax = false;

  int64_t pooled_height() const { return kind == Kind::align ? align.pooled_height : pool.pooled_height; }
  int64_t pooled_width() const { return kind == Kind::align ? align.pooled_width : pool.pooled_width; }
};

Operation align_op(int64_t ph, int64_t pw, int64_t sampling_ratio, bool aligned, AlignMode mode, float scale = 1.0f) {
  static const char* const modes[] = {"avg", "max", "onnx-max"};
  Operation op;
  op.kind = Kind::align;
  op.align = pooled_params<RoiAlignParams>(ph, pw, scale);
  op.align.sampling_ratio = sampling_ratio;
  op.align.aligned = aligned;
  op.align.mode = mode;
  op.name = std::string("roiAlign ") + modes[static_cast<int>(mode)] + " " + std::to_string(ph) + "x" +
            std::to_string(pw) + " sr " + std::to_string(sampling_ratio) + (aligned ? " aligned" : "");
  return op;
}

Operation pool_op(int64_t ph, int64_t pw, BinRule bins, bool with_argmax, float scale = 1.0f) {
  Operation op;
  op.kind = Kind::pool;
  op.pool = pooled_params<RoiPoolParams>(ph, pw, scale);
  op.pool.bins = bins;
  op.with_argmax = with_argmax;
  op.name = std::string("roiPool ") + (bins == BinRule::split ? "split " : "overlap ") + std::to_string(ph) + "x" +
            std::to_string(pw) + (with_argmax ? " argmax" : "");
  return op;
}

// ---------------------------------------------------------------------------------------
// Running a table

// An argmax element no kernel wrote (outputs start as unwritten(), test_support.h).
constexpr int32_t kUnwrittenIndex = 0x5a5a5a5a;

struct Result {
  Status status;
  std::vector<float> values;
  std::vector<int32_t> argmax;  // empty unless the operation asks for it
};

// Calls one table directly (the checks of runtime/operators.cc are for the public entry
// points; the problems here are valid). `out_misalign` floats precede the output.
Result run(const KernelTable& table, const Problem& p, const Operation& op, int32_t threads, int64_t out_misalign = 0,
           const int32_t* cancel = nullptr) {
  const int64_t elements = p.count() * p.channels * op.pooled_height() * op.pooled_width();
  std::vector<float> values(static_cast<size_t>(out_misalign + elements), unwritten());
  std::vector<int32_t> argmax(op.with_argmax ? static_cast<size_t>(out_misalign + elements) : 0, kUnwrittenIndex);
  PooledOutput out;
  out.data = values.data() + out_misalign;
  out.length = elements;
  if (op.with_argmax) {
    out.argmax = argmax.data() + out_misalign;
    out.argmax_length = elements;
  }
  Execution execution;
  execution.threads = threads;
  execution.cancel = CancelFlag(cancel);
  Result result;
  result.status = op.kind == Kind::align ? table.roi_align_forward(p.map(), p.rows(), op.align, out, execution)
                                         : table.roi_pool_forward(p.map(), p.rows(), op.pool, out, execution);
  result.values.assign(values.begin() + out_misalign, values.end());
  if (op.with_argmax) result.argmax.assign(argmax.begin() + out_misalign, argmax.end());
  return result;
}

std::string describe(const KernelTable& table, const Problem& p, const Operation& op, int32_t threads) {
  return std::string(table.simd) + " | " + p.name + " | " + op.name + " | " + std::to_string(threads) + " thread(s)";
}

std::string status_text(const Status& s) {
  return "status " + std::to_string(static_cast<int>(s.code)) + " (" + s.message + ")";
}

// The first element still holding the fill pattern, or -1.
int64_t first_unwritten(const Result& r) {
  for (size_t i = 0; i < r.values.size(); ++i)
    if (bits_of(r.values[i]) == kUnwrittenBits) return static_cast<int64_t>(i);
  for (size_t i = 0; i < r.argmax.size(); ++i)
    if (r.argmax[i] == kUnwrittenIndex) return static_cast<int64_t>(i);
  return -1;
}

// The first element whose bits differ between two results, or -1.
int64_t first_bit_difference(const Result& a, const Result& b, size_t from_b = 0) {
  for (size_t i = 0; i < a.values.size(); ++i)
    if (bits_of(a.values[i]) != bits_of(b.values[from_b + i])) return static_cast<int64_t>(i);
  for (size_t i = 0; i < a.argmax.size(); ++i)
    if (a.argmax[i] != b.argmax[from_b + i]) return static_cast<int64_t>(i);
  return -1;
}

std::string difference_text(const Result& got, const Result& want, int64_t i, size_t from_want = 0) {
  const size_t g = static_cast<size_t>(i), w = from_want + static_cast<size_t>(i);
  char text[200];
  std::snprintf(text, sizeof text, "element %lld: %.9g vs %.9g (bits %08x vs %08x)", static_cast<long long>(i),
                static_cast<double>(got.values[g]), static_cast<double>(want.values[w]),
                static_cast<unsigned>(bits_of(got.values[g])), static_cast<unsigned>(bits_of(want.values[w])));
  std::string result = text;
  if (!got.argmax.empty())
    result += ", argmax " + std::to_string(got.argmax[g]) + " vs " + std::to_string(want.argmax[w]);
  return result;
}

// ---------------------------------------------------------------------------------------
// 1. Known answers

// The docs/semantics.md "The deepsense.ai 8×8 example" feature map (row y = 0..7, column x = 0..7).
const std::vector<float> kArticleMap = {
    0.88f, 0.44f, 0.14f, 0.16f, 0.37f, 0.77f, 0.96f, 0.27f,  //
    0.19f, 0.45f, 0.57f, 0.16f, 0.63f, 0.29f, 0.71f, 0.70f,  //
    0.66f, 0.26f, 0.82f, 0.64f, 0.54f, 0.73f, 0.59f, 0.26f,  //
    0.85f, 0.34f, 0.76f, 0.84f, 0.29f, 0.75f, 0.62f, 0.25f,  //
    0.32f, 0.74f, 0.21f, 0.39f, 0.34f, 0.03f, 0.33f, 0.48f,  //
    0.20f, 0.14f, 0.16f, 0.13f, 0.73f, 0.65f, 0.96f, 0.32f,  //
    0.19f, 0.69f, 0.09f, 0.86f, 0.88f, 0.07f, 0.01f, 0.48f,  //
    0.83f, 0.24f, 0.97f, 0.04f, 0.24f, 0.35f, 0.50f, 0.91f,
};

std::vector<float> arange(int64_t n) {
  std::vector<float> values(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) values[static_cast<size_t>(i)] = static_cast<float>(i);
  return values;
}

// A map whose first image has `plane` in every channel; the other `batch - 1` images are 0.
Problem replicated_map(const std::string& name, const std::vector<float>& plane, int64_t height, int64_t width,
                       int64_t batch, int64_t channels, Layout layout, const std::vector<float>& rois) {
  Problem p = empty_problem(name, batch, channels, height, width, layout, 1);
  for (int64_t c = 0; c < channels; ++c)
    for (int64_t y = 0; y < height; ++y)
      for (int64_t x = 0; x < width; ++x) p.at(0, c, y, x) = plane[static_cast<size_t>(y * width + x)];
  p.rois = rois;
  return p;
}

// Per-RoI [PH*PW] answers, laid out as the kernels write them for `channels` equal channels.
template <class T>
std::vector<T> replicated_answer(const std::vector<T>& per_roi, int64_t count, int64_t bins, int64_t channels,
                                 Layout layout) {
  std::vector<T> out;
  for (int64_t k = 0; k < count; ++k) {
    const T* roi = per_roi.data() + k * bins;
    if (layout == Layout::nchw) {
      for (int64_t c = 0; c < channels; ++c) out.insert(out.end(), roi, roi + bins);
    } else {
      for (int64_t b = 0; b < bins; ++b) out.insert(out.end(), static_cast<size_t>(channels), roi[b]);
    }
  }
  return out;
}

bool close_to(float got, float want) {
  if (std::isnan(want)) return std::isnan(got);
  return got == want || std::fabs(got - want) <= 1e-5f * std::max(1.0f, std::fabs(want));
}

// The kernels take the planar NCHW path for little work on many pixels and the channels-last
// path for much work on few pixels (prefer_channels_last in native/kernels/cost_model.h). A test reaches
// the first with its boxes on a map padded with empty images, and the second with its boxes
// repeated until there are twice as many output bins as map pixels.
constexpr int64_t kPaddingImages = 63;

int64_t channels_last_repeats(const Problem& p, int64_t bins) {
  return std::max<int64_t>(2, (2 * p.batch * p.height * p.width + p.count() * bins - 1) / (p.count() * bins));
}

// Checks `want` (and `want_argmax`, for roiPool with argmax) for every table, both layouts,
// 1 and 19 channels, and both kernel paths.
void expect_known(const std::string& name, const std::vector<float>& plane, int64_t height, int64_t width,
                  const std::vector<float>& rois, const Operation& op, const std::vector<float>& want,
                  const std::vector<int32_t>& want_argmax = {}) {
  const int64_t bins = op.pooled_height() * op.pooled_width();
  for (const KernelTable* table : tables())
    for (Layout layout : {Layout::nchw, Layout::nhwc})
      for (int64_t channels : {1, 19})
        for (bool planar : {true, false}) {
          Problem p =
              replicated_map(name, plane, height, width, planar ? 1 + kPaddingImages : 1, channels, layout, rois);
          const int64_t times = planar ? 1 : channels_last_repeats(p, bins);
          p = with_repeated_rois(p, times);
          p.name += std::string(" ") + layout_name(layout) + " C=" + std::to_string(channels) +
                    (planar ? " padded map" : " repeated boxes");
          const int32_t threads = planar ? 1 : 2;
          const Result r = run(*table, p, op, threads);
          const std::string where = describe(*table, p, op, threads);
          if (!check(r.status.ok(), where + ": " + status_text(r.status))) continue;
          std::vector<float> repeated_want;
          std::vector<int32_t> repeated_argmax;
          for (int64_t i = 0; i < times; ++i) {
            repeated_want.insert(repeated_want.end(), want.begin(), want.end());
            repeated_argmax.insert(repeated_argmax.end(), want_argmax.begin(), want_argmax.end());
          }
          const std::vector<float> expected = replicated_answer(repeated_want, p.count(), bins, channels, layout);
          int64_t bad = -1;
          for (size_t i = 0; i < expected.size() && bad < 0; ++i)
            if (!close_to(r.values[i], expected[i])) bad = static_cast<int64_t>(i);
          check(bad < 0, where + (bad < 0 ? ""
                                          : format(": element %.0f is %.9g, expected %.9g", static_cast<double>(bad),
                                                   r.values[static_cast<size_t>(std::max<int64_t>(bad, 0))],
                                                   expected[static_cast<size_t>(std::max<int64_t>(bad, 0))])));
          if (op.with_argmax) {
            const std::vector<int32_t> expected_argmax =
                replicated_answer(repeated_argmax, p.count(), bins, channels, layout);
            check(r.argmax == expected_argmax, where + ": argmax differs from the known answer");
          }
        }
}

void known_answers() {
  // docs/semantics.md "The deepsense.ai 8×8 example", torchvision rules: the literal box, its half-open reading, and the box that gives
  // the article's figures; argmax is y*8+x. 'split' bins of the inclusive box (0,3,6,7) are
  // the article's own disjoint sections.
  expect_known("deepsense 8x8 (0,3,7,8)", kArticleMap, 8, 8, {0, 0, 3, 7, 8}, pool_op(2, 2, BinRule::overlap, true),
               {0.85f, 0.96f, 0.97f, 0.91f}, {24, 46, 58, 63});
  expect_known("deepsense 8x8 (0,3,6,7)", kArticleMap, 8, 8, {0, 0, 3, 6, 7}, pool_op(2, 2, BinRule::overlap, true),
               {0.85f, 0.96f, 0.97f, 0.96f}, {24, 46, 58, 46});
  expect_known("deepsense 8x8 (0,2,6,7)", kArticleMap, 8, 8, {0, 0, 2, 6, 7}, pool_op(2, 2, BinRule::overlap, true),
               {0.85f, 0.84f, 0.97f, 0.96f}, {24, 27, 58, 46});
  expect_known("deepsense 8x8 split (0,3,6,7)", kArticleMap, 8, 8, {0, 0, 3, 6, 7}, pool_op(2, 2, BinRule::split, true),
               {0.85f, 0.84f, 0.97f, 0.96f}, {24, 27, 58, 46});
  expect_known("deepsense 8x8 three boxes, no argmax", kArticleMap, 8, 8, {0, 0, 3, 7, 8, 0, 0, 3, 6, 7, 0, 0, 2, 6, 7},
               pool_op(2, 2, BinRule::overlap, false),
               {0.85f, 0.96f, 0.97f, 0.91f, 0.85f, 0.96f, 0.97f, 0.96f, 0.85f, 0.84f, 0.97f, 0.96f});

  // docs/semantics.md "A 4×4 map": arange(16) as 4x4, RoI max pooling (argmax equals the values) ...
  const std::vector<float> map16 = arange(16), rois16 = {0, 0, 0, 2, 2, 0, 0, 1, 3, 3};
  expect_known("4x4 map", map16, 4, 4, rois16, pool_op(2, 2, BinRule::overlap, true), {5, 6, 9, 10, 9, 11, 13, 15},
               {5, 6, 9, 10, 9, 11, 13, 15});
  // ... and its RoIAlign table (0.625 exercises the snap of [-1, 0] to row/column 0).
  for (int64_t sr : {-1, 1, 2})
    expect_known("4x4 map", map16, 4, 4, rois16, align_op(2, 2, sr, false, AlignMode::avg),
                 {2.5f, 3.5f, 6.5f, 7.5f, 6.75f, 8.25f, 10.75f, 12.25f});
  expect_known("4x4 map", map16, 4, 4, rois16, align_op(2, 2, -1, true, AlignMode::avg),
               {0, 1, 4, 5, 4.3125f, 5.75f, 8.3125f, 9.75f});
  expect_known("4x4 map", map16, 4, 4, rois16, align_op(2, 2, 2, true, AlignMode::avg),
               {0.625f, 1.5f, 4.125f, 5, 4.3125f, 5.75f, 8.3125f, 9.75f});
  expect_known("4x4 map", map16, 4, 4, rois16, align_op(2, 2, 1, true, AlignMode::avg),
               {0, 1, 4, 5, 4.25f, 5.75f, 8.25f, 9.75f});
  // The max-mode divergence: samples at (0.75|2.25)^2 of box (0,0,3,3).
  const std::vector<float> box33 = {0, 0, 0, 3, 3};
  expect_known("4x4 map divergence", map16, 4, 4, box33, align_op(1, 1, 2, false, AlignMode::avg), {7.5f});
  expect_known("4x4 map divergence", map16, 4, 4, box33, align_op(1, 1, 2, false, AlignMode::max), {11.25f});
  expect_known("4x4 map divergence", map16, 4, 4, box33, align_op(1, 1, 2, false, AlignMode::onnx_max), {5.625f});

  // docs/semantics.md "Smaller ones": MXNet ROIPooling on arange(48) as 8x6 (scale 0.7 exercises the rounding), and
  // torchvision RoIAlign on the same map.
  const std::vector<float> map48 = arange(48), box44 = {0, 0, 0, 4, 4};
  expect_known("MXNet 8x6", map48, 8, 6, box44, pool_op(2, 2, BinRule::overlap, true), {14, 16, 26, 28},
               {14, 16, 26, 28});
  expect_known("MXNet 8x6", map48, 8, 6, box44, pool_op(2, 2, BinRule::overlap, true, 0.7f), {7, 9, 19, 21},
               {7, 9, 19, 21});
  expect_known("MXNet 8x6", map48, 8, 6, box33, align_op(2, 2, -1, false, AlignMode::avg),
               {5.25f, 6.75f, 14.25f, 15.75f});
  // docs/semantics.md "Smaller ones": detectron2's 5x5 arange(25), box [1,1,3,3], 4x4 output, adaptive sampling.
  const std::vector<float> map25 = arange(25), box1133 = {0, 1, 1, 3, 3};
  expect_known("detectron2 5x5", map25, 5, 5, box1133, align_op(4, 4, 0, false, AlignMode::avg),
               {7.5f, 8, 8.5f, 9, 10, 10.5f, 11, 11.5f, 12.5f, 13, 13.5f, 14, 15, 15.5f, 16, 16.5f});
  expect_known("detectron2 5x5", map25, 5, 5, box1133, align_op(4, 4, 0, true, AlignMode::avg),
               {4.5f, 5, 5.5f, 6, 7, 7.5f, 8, 8.5f, 9.5f, 10, 10.5f, 11, 12, 12.5f, 13, 13.5f});
  // docs/semantics.md "The three modes": mmcv's aligned 2x2 example.
  expect_known("mmcv 2x2", {1, 2, 3, 4}, 2, 2, {0, 0, 0, 1, 1}, align_op(2, 2, 2, true, AlignMode::avg),
               {1, 1.25f, 1.5f, 1.75f});

  // Rows that are not usable (batch index out of range or not an integer, a non-finite
  // coordinate) and boxes entirely off the map give 0 (argmax -1) in every mode.
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  const std::vector<float> unusable = {1000, 0,   0, 2, 2, -1, 0, 0, 2,   2, 0.5f, 0,  0,  2,  2,
                                       0,    nan, 0, 2, 2, 0,  0, 0, inf, 2, 0,    40, 40, 60, 60};
  const std::vector<float> zeros(6 * 4, 0.0f);
  const std::vector<int32_t> none(6 * 4, -1);
  expect_known("unusable rows", map16, 4, 4, unusable, pool_op(2, 2, BinRule::overlap, true), zeros, none);
  expect_known("unusable rows", map16, 4, 4, unusable, pool_op(2, 2, BinRule::split, true), zeros, none);
  for (AlignMode mode : {AlignMode::avg, AlignMode::max, AlignMode::onnx_max})
    expect_known("unusable rows", map16, 4, 4, unusable, align_op(2, 2, 2, true, mode), zeros);

  // Max pooling over -inf and NaN (kernels/roi_pool.h): a bin of -inf gives -inf and names
  // its first pixel; a bin of NaNs gives NaN and -1; NaNs beside numbers are skipped.
  expect_known("-inf map", std::vector<float>(4, -inf), 2, 2, {0, 0, 0, 1, 1}, pool_op(1, 1, BinRule::overlap, true),
               {-inf}, {0});
  expect_known("NaN map", std::vector<float>(4, nan), 2, 2, {0, 0, 0, 1, 1}, pool_op(1, 1, BinRule::overlap, true),
               {nan}, {-1});
  expect_known("NaN beside numbers", {nan, 1, 3, nan}, 2, 2, {0, 0, 0, 1, 1}, pool_op(1, 1, BinRule::split, true), {3},
               {2});
}

// ---------------------------------------------------------------------------------------
// 2. Every table equals the scalar table, bit for bit

// Two images of values in [-2, 2) with a few NaN, ±inf and ±0 pixels; `count` boxes in image
// coordinates (spatial scale 0.25), many hanging off the map, some inverted, and a few rows
// that are not usable (they must give zeros on every path).
Problem random_problem(uint64_t seed, int64_t channels, int64_t height, int64_t width, int64_t count, Layout layout) {
  Random random(seed);
  Problem p = empty_problem("", 2, channels, height, width, layout, static_cast<int64_t>(seed % 3));
  p.name = "seed " + std::to_string(seed) + " " + layout_name(layout) + " C=" + std::to_string(channels) + " " +
           std::to_string(height) + "x" + std::to_string(width) + " K=" + std::to_string(count);
  for (int64_t i = 0; i < p.elements(); ++i) p.buffer[static_cast<size_t>(p.misalign + i)] = random.uniform(-2, 2);
  const float specials[] = {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(),
                            -std::numeric_limits<float>::infinity(), 0.0f, -0.0f};
  const int64_t special_count = std::max<int64_t>(5, p.elements() / 200);
  for (int64_t i = 0; i < special_count; ++i)
    p.buffer[static_cast<size_t>(p.misalign + random.below(p.elements()))] = specials[i % 5];
  for (int64_t k = 0; k < count; ++k) {
    const float x1 = random.uniform(-8, static_cast<float>(width + 4) * 4 - 8);
    const float y1 = random.uniform(-8, static_cast<float>(height + 4) * 4 - 8);
    const float x2 = x1 + random.uniform(-2, static_cast<float>(width) * 3 - 2);
    const float y2 = y1 + random.uniform(-2, static_cast<float>(height) * 3 - 2);
    float batch_index = static_cast<float>(k % 2);
    if (k % 13 == 5) batch_index = 2;     // out of range
    if (k % 17 == 7) batch_index = 0.5f;  // not an integer
    p.rois.insert(p.rois.end(), {batch_index, x1, y1, k % 19 == 11 ? std::numeric_limits<float>::quiet_NaN() : x2, y2});
  }
  return p;
}

std::vector<Operation> random_operations() {
  return {
      align_op(3, 2, -1, false, AlignMode::avg, 0.25f),     align_op(3, 2, 2, true, AlignMode::avg, 0.25f),
      align_op(2, 3, 0, true, AlignMode::max, 0.25f),       align_op(3, 2, -1, false, AlignMode::max, 0.25f),
      align_op(3, 2, 3, false, AlignMode::onnx_max, 0.25f), align_op(2, 2, -1, true, AlignMode::onnx_max, 0.25f),
      pool_op(2, 3, BinRule::overlap, true, 0.25f),         pool_op(3, 2, BinRule::split, true, 0.25f),
      pool_op(2, 2, BinRule::overlap, false, 0.25f),
  };
}

// The scalar table on one thread is the reference; every table, on 1 and 2 threads, into
// an aligned and a misaligned output, must give the same bits.
void expect_same_as_scalar(const Problem& p, const Operation& op) {
  const Result reference = run(scalar_kernel_table(), p, op, 1);
  const std::string where = describe(scalar_kernel_table(), p, op, 1);
  if (!check(reference.status.ok(), where + ": " + status_text(reference.status))) return;
  const int64_t unwritten = first_unwritten(reference);
  check(unwritten < 0, where + format(": element %.0f was never written", static_cast<double>(unwritten)));
  for (const KernelTable* table : tables())
    for (int32_t threads : {1, 2}) {
      if (table == &scalar_kernel_table() && threads == 1) continue;
      const Result r = run(*table, p, op, threads, threads == 2 ? 1 : 0);
      const std::string here = describe(*table, p, op, threads);
      if (!check(r.status.ok(), here + ": " + status_text(r.status))) continue;
      const int64_t bad = first_bit_difference(r, reference);
      check(bad < 0, here + ": differs from scalar at " + (bad < 0 ? "" : difference_text(r, reference, bad)));
    }
}

// The planar NCHW path and the channels-last path give the same bits: a few boxes on a large
// map (planar) against the same boxes repeated (channels-last, see channels_last_repeats).
// The boxes lie on the map, so every bin of the repeated problem has work, and the rows that
// are not usable are few.
void expect_paths_agree(const Problem& p, const Operation& op) {
  const Problem repeated = with_repeated_rois(p, channels_last_repeats(p, op.pooled_height() * op.pooled_width()));
  for (const KernelTable* table : tables()) {
    const Result planar = run(*table, p, op, 1);
    const Result channels_last = run(*table, repeated, op, 2);
    const std::string here = describe(*table, p, op, 1) + " | planar vs channels-last path";
    if (!check(planar.status.ok() && channels_last.status.ok(),
               here + ": " + status_text(planar.status) + ", " + status_text(channels_last.status)))
      continue;
    std::string difference;
    for (int64_t copy = 0; copy < repeated.count() / p.count() && difference.empty(); ++copy) {
      const size_t from = static_cast<size_t>(copy) * planar.values.size();
      const int64_t bad = first_bit_difference(planar, channels_last, from);
      if (bad >= 0)
        difference = "copy " + std::to_string(copy) + " of the boxes differs at " +
                     difference_text(planar, channels_last, bad, from);
    }
    check(difference.empty(), here + ": " + difference);
  }
}

void paths_agree() {
  uint64_t seed = 400;
  for (int64_t channels : {5, 37}) {
    Problem p = random_problem(seed++, channels, 48, 40, 0, Layout::nchw);
    Random random(seed++);
    for (int64_t k = 0; k < 6; ++k) {
      const float x1 = random.uniform(0, 120), y1 = random.uniform(0, 150);
      p.rois.insert(p.rois.end(),
                    {static_cast<float>(k % 2), x1, y1, x1 + random.uniform(4, 24), y1 + random.uniform(4, 24)});
    }
    p.rois.insert(p.rois.end(), {0, 150, 180, 170, 200});  // partly off the map (scaled by 0.25)
    p.rois.insert(p.rois.end(), {7, 0, 0, 20, 20});        // not usable
    p.name += " K=8";
    for (const Operation& op : random_operations()) expect_paths_agree(p, op);
  }
}

void random_problems() {
  const std::vector<Operation> operations = random_operations();
  uint64_t seed = 1;
  for (Layout layout : {Layout::nchw, Layout::nhwc}) {
    std::vector<Problem> problems;
    // Channel counts: below, at and past each vector width (4, 8, 16), and one to four whole
    // vectors of each (roiAlign's fixed-width bins, kernels/roi_align.h align_bins_from_taps).
    for (int64_t channels : {1, 3, 4, 8, 12, 16, 17, 24, 32, 37, 48, 64, 67})
      problems.push_back(random_problem(seed++, channels, 9, 13, 40, layout));
    problems.push_back(random_problem(seed++, 21, 40, 50, 3, layout));  // few RoIs on a large map
    problems.push_back(random_problem(seed++, 5, 1, 1, 12, layout));    // a 1x1 map
    problems.push_back(random_problem(seed++, 7, 2, 30, 25, layout));   // a 2-row map
    for (const Problem& p : problems)
      for (const Operation& op : operations) expect_same_as_scalar(p, op);
  }
}

// Outputs over 2^20 elements: NCHW output is then streamed out with non-temporal stores
// (kStreamOutputElements in native/kernels/cost_model.h), each RoI block at a different alignment.
void large_outputs() {
  uint64_t seed = 100;
  for (Layout layout : {Layout::nchw, Layout::nhwc}) {
    const Problem p = random_problem(seed++, 67, 12, 16, 70, layout);
    const std::vector<Operation> operations = {align_op(16, 16, 2, true, AlignMode::avg, 0.25f),
                                               align_op(16, 16, 1, false, AlignMode::onnx_max, 0.25f),
                                               pool_op(16, 16, BinRule::overlap, true, 0.25f)};
    for (const Operation& op : operations) {
      check(p.count() * p.channels * op.pooled_height() * op.pooled_width() > (int64_t(1) << 20),
            p.name + " | " + op.name + ": output is over 2^20 elements");
      expect_same_as_scalar(p, op);
    }
  }
}

// Boxes far past any map (clamped, native/kernels/common.h clamp_to_int64) with a fixed grid: valid, and the same
// on every table.
void extreme_boxes() {
  for (Layout layout : {Layout::nchw, Layout::nhwc}) {
    Problem p = random_problem(200, 19, 6, 7, 0, layout);
    p.name += " extreme boxes";
    p.rois = {0, -1e30f, -1e30f, 1e30f, 1e30f, 1, 1e30f, 1e30f, -1e30f, -1e30f, 0, -3e9f, 2, 3e9f, 4};
    expect_same_as_scalar(p, pool_op(3, 3, BinRule::overlap, true));
    expect_same_as_scalar(p, pool_op(3, 3, BinRule::split, true));
    for (AlignMode mode : {AlignMode::avg, AlignMode::max, AlignMode::onnx_max})
      expect_same_as_scalar(p, align_op(3, 3, 2, false, mode));
  }
}

// ---------------------------------------------------------------------------------------
// 3. Bad input: a non-ok Status, never a crash

bool expect_status(const std::string& name, const Status& status, StatusCode want) {
  const bool ok = status.code == want && (want == StatusCode::ok || std::strlen(status.message) > 0);
  return check(ok,
               name + ": expected status " + std::to_string(static_cast<int>(want)) + ", got " + status_text(status));
}

// A valid call (a 1x2x4x4 map, one box, 2x2 output) that each case breaks in one place.
struct ValidCall {
  std::vector<float> data = std::vector<float>(32, 1.0f);
  std::vector<float> rois = {0, 0, 0, 3, 3};
  std::vector<float> out = std::vector<float>(8);
  std::vector<int32_t> argmax = std::vector<int32_t>(8);

  FeatureMap map() const {
    FeatureMap m;
    m.data = data.data();
    m.length = 32;
    m.batch = 1;
    m.channels = 2;
    m.height = 4;
    m.width = 4;
    return m;
  }
  RoiRows rows() const { return {rois.data(), static_cast<int64_t>(rois.size()), 1}; }
  PooledOutput output(bool with_argmax) {
    PooledOutput o;
    o.data = out.data();
    o.length = 8;
    if (with_argmax) {
      o.argmax = argmax.data();
      o.argmax_length = 8;
    }
    return o;
  }
  static RoiAlignParams align() {
    RoiAlignParams p;
    p.pooled_height = p.pooled_width = 2;
    return p;
  }
  static RoiPoolParams pool() {
    RoiPoolParams p;
    p.pooled_height = p.pooled_width = 2;
    return p;
  }
};

// The same broken arguments through roiAlign and roiPool (with argmax).
void expect_both_refuse(const std::string& name, const FeatureMap& map, const RoiRows& rows, ValidCall& call,
                        StatusCode want = StatusCode::invalid_argument) {
  expect_status("roiAlign, " + name, roi_align_forward(map, rows, ValidCall::align(), call.output(false)), want);
  expect_status("roiPool, " + name, roi_pool_forward(map, rows, ValidCall::pool(), call.output(true)), want);
}

void bad_input() {
  ValidCall call;
  const StatusCode invalid = StatusCode::invalid_argument;
  expect_both_refuse("a valid call", call.map(), call.rows(), call, StatusCode::ok);

  FeatureMap map = call.map();
  map.length = 31;
  expect_both_refuse("input data shorter than its shape", map, call.rows(), call);
  map = call.map();
  map.data = nullptr;
  expect_both_refuse("no input data", map, call.rows(), call);
  map = call.map();
  map.batch = int64_t(1) << 40;
  map.channels = int64_t(1) << 30;
  expect_both_refuse("an input shape whose element count overflows", map, call.rows(), call);
  map = call.map();
  map.height = 0;
  expect_both_refuse("a zero input height", map, call.rows(), call);
  map = call.map();
  map.channels = -2;
  expect_both_refuse("negative channels", map, call.rows(), call);
  map = call.map();
  map.layout = static_cast<Layout>(7);
  expect_both_refuse("an unknown layout", map, call.rows(), call);

  RoiRows rows = call.rows();
  rows.length = 4;
  expect_both_refuse("RoI data shorter than count * 5", call.map(), rows, call);
  rows = call.rows();
  rows.count = -1;
  expect_both_refuse("a negative RoI count", call.map(), rows, call);
  rows = call.rows();
  rows.count = std::numeric_limits<int64_t>::max() / 2;
  expect_both_refuse("a RoI count whose element count overflows", call.map(), rows, call);

  PooledOutput out = call.output(true);
  out.length = 7;
  expect_status("roiAlign, output shorter than [K,C,PH,PW]",
                roi_align_forward(call.map(), call.rows(), ValidCall::align(), out), invalid);
  expect_status("roiPool, output shorter than [K,C,PH,PW]",
                roi_pool_forward(call.map(), call.rows(), ValidCall::pool(), out), invalid);
  out = call.output(true);
  out.argmax_length = 7;
  expect_status("roiPool, argmax shorter than [K,C,PH,PW]",
                roi_pool_forward(call.map(), call.rows(), ValidCall::pool(), out), invalid);
  out = call.output(false);
  out.data = nullptr;
  expect_status("roiAlign, no output buffer", roi_align_forward(call.map(), call.rows(), ValidCall::align(), out),
                invalid);

  RoiAlignParams align = ValidCall::align();
  align.pooled_height = 0;
  expect_status("roiAlign, output height 0", roi_align_forward(call.map(), call.rows(), align, call.output(false)),
                invalid);
  align = ValidCall::align();
  align.pooled_height = align.pooled_width = int64_t(1) << 31;
  expect_status("roiAlign, an output shape whose element count overflows",
                roi_align_forward(call.map(), call.rows(), align, call.output(false)), invalid);
  align = ValidCall::align();
  align.spatial_scale = std::numeric_limits<float>::quiet_NaN();
  expect_status("roiAlign, a NaN spatial scale", roi_align_forward(call.map(), call.rows(), align, call.output(false)),
                invalid);
  align = ValidCall::align();
  align.spatial_scale = std::numeric_limits<float>::infinity();
  expect_status("roiAlign, an infinite spatial scale",
                roi_align_forward(call.map(), call.rows(), align, call.output(false)), invalid);
  align = ValidCall::align();
  align.mode = static_cast<AlignMode>(9);
  expect_status("roiAlign, an unknown mode", roi_align_forward(call.map(), call.rows(), align, call.output(false)),
                invalid);
  align = ValidCall::align();
  align.max_samples_per_roi = 0;
  expect_status("roiAlign, max samples per RoI 0",
                roi_align_forward(call.map(), call.rows(), align, call.output(false)), invalid);

  RoiPoolParams pool = ValidCall::pool();
  pool.pooled_width = -3;
  expect_status("roiPool, output width -3", roi_pool_forward(call.map(), call.rows(), pool, call.output(true)),
                invalid);
  pool = ValidCall::pool();
  pool.bins = static_cast<BinRule>(5);
  expect_status("roiPool, an unknown bin rule", roi_pool_forward(call.map(), call.rows(), pool, call.output(true)),
                invalid);
  pool = ValidCall::pool();
  pool.spatial_scale = -std::numeric_limits<float>::infinity();
  expect_status("roiPool, an infinite spatial scale",
                roi_pool_forward(call.map(), call.rows(), pool, call.output(true)), invalid);

  // argmax indexes a plane with int32: a plane of 2^32 pixels cannot have one (no data is
  // needed to see that: the batch is empty).
  map = call.map();
  map.batch = 0;
  map.height = map.width = int64_t(1) << 16;
  map.data = nullptr;
  map.length = 0;
  expect_status("roiPool, argmax over a plane of 2^32 pixels",
                roi_pool_forward(map, call.rows(), ValidCall::pool(), call.output(true)), invalid);
  expect_status("roiPool without argmax, a plane of 2^32 pixels and an empty batch (zeros)",
                roi_pool_forward(map, call.rows(), ValidCall::pool(), call.output(false)), StatusCode::ok);
  check(call.out == std::vector<float>(8, 0.0f), "roiPool, a row of an empty batch gives zeros");

  // Empty but valid problems.
  rows = call.rows();
  rows.count = 0;
  rows.data = nullptr;
  rows.length = 0;
  expect_both_refuse("no boxes", call.map(), rows, call, StatusCode::ok);
  map = call.map();
  map.channels = 0;
  map.data = nullptr;
  map.length = 0;
  expect_both_refuse("no channels", map, call.rows(), call, StatusCode::ok);
}

// A call with nothing to write returns at once from every entry point: a map of 2^40 images
// of 2x3 pixels and no channels has no elements, but a kernel looping over its images or
// pixels would run for hours (CI would time out instead of this check failing). The same for
// an input gradient of no channels or no images.
void empty_maps_return_at_once() {
  for (Layout layout : {Layout::nchw, Layout::nhwc}) {
    const std::string in = std::string(" (") + layout_name(layout) + ")";
    FeatureMap map;
    map.batch = int64_t(1) << 40;
    map.channels = 0;
    map.height = 2;
    map.width = 3;
    map.layout = layout;
    GradientMap grad;
    grad.batch = map.batch;
    grad.height = map.height;
    grad.width = map.width;
    grad.layout = layout;
    const std::vector<float> five = {0, 0, 0, 1, 1}, six = {0, 1, 1, 2, 2, 0};
    const RoiRows rois{five.data(), 5, 1, 5}, rotated{six.data(), 6, 1, 6};
    const PooledOutput none;
    expect_status("roiPool forward" + in, roi_pool_forward(map, rois, RoiPoolParams(), none), StatusCode::ok);
    expect_status("roiAlign forward" + in, roi_align_forward(map, rois, RoiAlignParams(), none), StatusCode::ok);
    expect_status("psRoiAlign forward" + in, ps_roi_align_forward(map, rois, PsRoiAlignParams(), none), StatusCode::ok);
    expect_status("psRoiPool forward" + in, ps_roi_pool_forward(map, rois, PsRoiPoolParams(), none), StatusCode::ok);
    expect_status("roiAlignRotated forward" + in,
                  roi_align_rotated_forward(map, rotated, RoiAlignRotatedParams(), none), StatusCode::ok);
    expect_status("preciseRoiPool forward" + in, precise_roi_pool_forward(map, rois, PreciseRoiPoolParams(), none),
                  StatusCode::ok);
    const float scale = 1.0f;
    const int32_t level = 0;
    expect_status("multiScaleRoiAlign forward" + in,
                  multi_scale_roi_align_forward({&map, &scale, 1}, rois, {&level, 1}, MultiScaleRoiAlignParams(), none),
                  StatusCode::ok);
    const int64_t levels[] = {1, 2};
    SpatialPyramidParams pyramid;
    pyramid.levels = levels;
    pyramid.level_count = 2;
    expect_status("spatialPyramidPool forward, whole maps" + in,
                  spatial_pyramid_pool_forward(map, nullptr, pyramid, none), StatusCode::ok);
    const std::vector<float> box = {0, 0, 1, 1};
    expect_status("cropAndResize forward" + in,
                  crop_and_resize_forward(map, {box.data(), 4, 1, 4}, &level, 1, CropAndResizeParams(), none),
                  StatusCode::ok);
    for (int64_t channels : {int64_t(0), int64_t(1)}) {  // no channels; one channel of no images
      grad.channels = channels;
      grad.batch = channels == 0 ? map.batch : 0;
      const std::string g = in + (channels == 0 ? ", no channels" : ", no images");
      const std::vector<float> dy(static_cast<size_t>(channels), 1.0f);
      const std::vector<int32_t> argmax(static_cast<size_t>(channels), -1);
      const PooledGradient dout{dy.data(), channels, argmax.data(), channels};
      FeatureMap input = map;  // the max modes' forward input: the gradient's shape
      input.batch = grad.batch;
      input.channels = channels;
      expect_status("roiAlign backward" + g, roi_align_backward(dout, rois, RoiAlignParams(), input, grad),
                    StatusCode::ok);
      expect_status("psRoiAlign backward" + g, ps_roi_align_backward(dout, rois, PsRoiAlignParams(), grad),
                    StatusCode::ok);
      expect_status("roiAlignRotated backward" + g,
                    roi_align_rotated_backward(dout, rotated, RoiAlignRotatedParams(), grad), StatusCode::ok);
      expect_status("roiPool backward" + g, roi_pool_backward(dout, rois, RoiPoolParams(), grad), StatusCode::ok);
      expect_status("psRoiPool backward" + g, ps_roi_pool_backward(dout, rois, PsRoiPoolParams(), grad),
                    StatusCode::ok);
      expect_status("preciseRoiPool backward" + g, precise_roi_pool_backward(dout, rois, PreciseRoiPoolParams(), grad),
                    StatusCode::ok);
    }
  }
}

// Refusals made inside the kernels, so checked on every table: an adaptive sampling grid
// over max_samples_per_roi (naming the row), and the cancel flag.
void refusals_in_kernels() {
  const Operation adaptive = align_op(2, 2, -1, false, AlignMode::avg);
  Operation capped = align_op(2, 2, 2, false, AlignMode::max);  // 2*2 bins * 2*2 samples = 16
  const int32_t raised = 1;
  for (Layout layout : {Layout::nchw, Layout::nhwc}) {
    Problem huge = random_problem(300, 5, 8, 8, 0, layout);
    huge.rois = {0, 1, 1, 6, 6, 1, 0, 0, 1e30f, 1e30f, 0, 2, 2, 3, 3};
    huge.name += " huge box in row 1";
    Problem small = huge;
    small.rois = {0, 0, 0, 7, 7};
    small.name = huge.name.substr(0, huge.name.find(" huge")) + " one 7x7 box";
    for (const KernelTable* table : tables())
      for (int32_t threads : {1, 2}) {
        const Result r = run(*table, huge, adaptive, threads);
        expect_status(describe(*table, huge, adaptive, threads), r.status, StatusCode::too_many_samples);
        check(r.status.roi == 1, describe(*table, huge, adaptive, threads) + ": the refusal names row " +
                                     std::to_string(r.status.roi) + ", not 1");

        capped.align.max_samples_per_roi = 15;
        expect_status(describe(*table, small, capped, threads) + ", at most 15 samples",
                      run(*table, small, capped, threads).status, StatusCode::too_many_samples);
        capped.align.max_samples_per_roi = 16;
        expect_status(describe(*table, small, capped, threads) + ", at most 16 samples",
                      run(*table, small, capped, threads).status, StatusCode::ok);

        for (const Operation& op : {align_op(2, 2, 2, true, AlignMode::avg), pool_op(2, 2, BinRule::overlap, true)})
          expect_status(describe(*table, small, op, threads) + ", cancelled",
                        run(*table, small, op, threads, 0, &raised).status, StatusCode::aborted);
      }
  }
}

// ---------------------------------------------------------------------------------------
// 16-bit conversions (kernels/half.h): every instruction set's widen_elements and
// narrow_elements against the scalar table's bit arithmetic (itself the twin of
// lib/reference/half.ts, which test/reference/half.test.ts holds to independent oracles).

uint32_t bits_of(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return u;
}

void half_conversions() {
  const Tally before = tally();
  const KernelTable& scalar = scalar_kernel_table();
  std::vector<uint16_t> all(65536);
  for (size_t i = 0; i < all.size(); ++i) all[i] = static_cast<uint16_t>(i);
  // Float32 patterns at, around and away from every float16 tie (low 13 bits 0x1000) and every
  // bfloat16 tie (low 16 bits 0x8000), then random ones.
  std::vector<float> floats;
  auto add = [&](uint32_t u) {
    float f;
    std::memcpy(&f, &u, sizeof f);
    floats.push_back(f);
  };
  for (uint32_t high = 0; high < (1u << 19); ++high)
    for (uint32_t low : {0u, 0xfffu, 0x1000u, 0x1001u}) add((high << 13) | low);
  for (uint32_t high = 0; high < (1u << 16); ++high)
    for (uint32_t low : {0x7fffu, 0x8000u, 0x8001u}) add((high << 16) | low);
  Random random(16);
  for (int i = 0; i < 1 << 20; ++i) add(static_cast<uint32_t>(random.next()));
  for (ElementType type : {ElementType::float16, ElementType::bfloat16}) {
    const char* name = type == ElementType::float16 ? "float16" : "bfloat16";
    std::vector<float> want(all.size());
    scalar.widen_elements(all.data(), static_cast<int64_t>(all.size()), type, want.data());
    std::vector<uint16_t> want_narrow(floats.size());
    scalar.narrow_elements(floats.data(), static_cast<int64_t>(floats.size()), type, want_narrow.data());
    // The scalar functions: every non-NaN pattern survives a round trip, a NaN stays a quiet NaN.
    std::vector<uint16_t> back(all.size());
    scalar.narrow_elements(want.data(), static_cast<int64_t>(want.size()), type, back.data());
    int64_t round_trip_failures = 0;
    const uint16_t exponent = type == ElementType::float16 ? 0x7c00 : 0x7f80;
    for (size_t i = 0; i < all.size(); ++i) {
      const bool ok = std::isnan(want[i]) ? (bits_of(want[i]) & 0x400000u) != 0 && (back[i] & exponent) == exponent &&
                                                (back[i] & ~exponent & 0x7fff) != 0
                                          : back[i] == all[i];
      round_trip_failures += !ok;
    }
    check(round_trip_failures == 0, std::string(name) + ": every pattern survives widen then narrow");
    for (const KernelTable* table : tables()) {
      // Offset by one element, so that vector loads are unaligned and the tail is scalar.
      std::vector<float> got(all.size() + 1);
      table->widen_elements(all.data() + 1, static_cast<int64_t>(all.size()) - 1, type, got.data() + 1);
      int64_t widen_mismatches = 0;
      for (size_t i = 1; i < all.size(); ++i) widen_mismatches += bits_of(got[i]) != bits_of(want[i]);
      check(widen_mismatches == 0, std::string(table->simd) + " widens every " + name + " pattern as scalar does");
      std::vector<uint16_t> narrowed(floats.size());
      table->narrow_elements(floats.data(), static_cast<int64_t>(floats.size()), type, narrowed.data());
      int64_t narrow_mismatches = 0;
      for (size_t i = 0; i < floats.size(); ++i) narrow_mismatches += narrowed[i] != want_narrow[i];
      check(narrow_mismatches == 0, std::string(table->simd) + " rounds " + std::to_string(floats.size()) +
                                        " float32 values to " + name + " as scalar does");
    }
  }
  // Named cases: ties to even, overflow, underflow, NaN payloads (what F16C gives on x86-64).
  const std::pair<float, uint16_t> float16_cases[] = {{65504.0f, 0x7bff},
                                                      {65520.0f, 0x7c00},
                                                      {std::ldexp(1.0f, -24), 0x0001},
                                                      {std::ldexp(1.0f, -25), 0x0000},
                                                      {std::ldexp(3.0f, -25), 0x0002},
                                                      {1.0f + std::ldexp(1.0f, -11), 0x3c00},
                                                      {-0.0f, 0x8000}};
  for (const auto& [value, pattern] : float16_cases) {
    for (const KernelTable* table : tables()) {
      uint16_t got = 0;
      table->narrow_elements(&value, 1, ElementType::float16, &got);
      check(got == pattern, std::string(table->simd) + ": " + std::to_string(value) + " -> float16");
    }
  }
  report_section("16-bit conversions", before);
}

// Dispatch

void dispatch() {
  const char* chosen = simd_level();
  bool runnable = false;
  for (const KernelTable* table : tables()) runnable = runnable || std::strcmp(table->simd, chosen) == 0;
  check(runnable, std::string("the dispatcher chose ") + chosen + ", which this CPU cannot run");
  check(std::strcmp(active_kernels().simd, chosen) == 0, "simd_level() names the active table");
  const char* expected = std::getenv("ROI_OPS_EXPECT_SIMD");
  if (expected != nullptr && *expected != '\0')
    check(std::strcmp(expected, chosen) == 0,
          std::string("ROI_OPS_EXPECT_SIMD=") + expected + " but the dispatcher chose " + chosen);
  const char* cap = std::getenv("ROI_OPS_SIMD");
  std::printf("dispatch: %s (ROI_OPS_SIMD %s)\n", chosen, cap != nullptr ? cap : "unset");
}

}  // namespace

// The other test files, each counted into the one tally (test_support.h) and reporting its
// own section: psRoiAlign, roiAlignRotated, multiScaleRoiAlign and their backward passes;
// the pooling family; maps past 2^31 elements; 16-bit maps handed to the kernels.
void align_family_tests();    // native/tests/align_family_tests.cc
void pooling_family_tests();  // native/tests/pooling_family_tests.cc
void scale_tests();           // native/tests/scale_tests.cc
void half_map_tests();        // native/tests/half_map_tests.cc

int main() {
  set_num_threads(2);  // so that "2 threads" means two, even on a one-core machine
  dispatch();
  half_conversions();
  known_answers();
  random_problems();
  paths_agree();
  large_outputs();
  extreme_boxes();
  bad_input();
  refusals_in_kernels();
  empty_maps_return_at_once();
  align_family_tests();
  pooling_family_tests();
  scale_tests();
  half_map_tests();
  std::string names;
  for (const KernelTable* table : tables()) names += (names.empty() ? "" : " ") + std::string(table->simd);
  std::printf("kernel tests: %d passed, %d failed (tables: %s)\n", tally().passed, tally().failed, names.c_str());
  return tally().failed == 0 ? 0 : 1;
}
