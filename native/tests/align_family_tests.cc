// Kernel tests of the RoIAlign family beyond roiAlign forward (native/tests/kernel_tests.cc
// calls run_align_family_tests from its main): psRoiAlign, roiAlignRotated,
// multiScaleRoiAlign forward and the roiAlign / psRoiAlign / roiAlignRotated backward passes.
//
//   1. Every table equals the scalar table bit for bit, in both layouts (NCHW input on a big
//      map with few RoIs takes the planar path, NHWC always the channels-last one, so the two
//      paths are compared too), on 1 and 2 threads, with channel tails (C not a multiple of the
//      vector width), boxes off the map and unusable rows; every output element is written.
//   2. Identities: rotated at angle 0 equals roiAlign (and its backward roiAlign avg's) on
//      boxes whose arithmetic is exact; multiScaleRoiAlign equals roiAlign of each RoI's level.
//   3. roiAlign backward (avg, max, onnx-max) equals a plain sequential loop over
//      (k, c, ph, pw, iy, ix, corner), transcribed from torchvision / mmcv / onnxruntime, bit for
//      bit: the order every gradient element sums in, whatever the threads.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "roiops/roiops.h"
#include "runtime/kernel_table.h"
#include "tests/test_support.h"

using namespace roiops_tests;

namespace {

using namespace roiops;

// [A][B][C][D] <-> [A][C][D][B] (NCHW <-> NHWC, also for [K][C][PH][PW] blocks).
std::vector<float> to_channels_last(const std::vector<float>& x, int64_t a, int64_t b, int64_t c, int64_t d) {
  return swap_inner_axes(x, a, b, c * d);
}
std::vector<float> from_channels_last(const std::vector<float>& x, int64_t a, int64_t b, int64_t c, int64_t d) {
  return swap_inner_axes(x, a, c * d, b);
}

// A map in canonical NCHW order, viewable in either layout.
struct Map {
  int64_t n, c, h, w;
  std::vector<float> nchw, nhwc;

  const std::vector<float>& in(Layout layout) const { return layout == Layout::nchw ? nchw : nhwc; }
  FeatureMap view(Layout layout) const {
    const std::vector<float>& data = in(layout);
    return {data.data(), static_cast<int64_t>(data.size()), n, c, h, w, layout};
  }
};

Map random_map(Random& random, int64_t n, int64_t c, int64_t h, int64_t w) {
  Map m{n, c, h, w, std::vector<float>(static_cast<size_t>(n * c * h * w)), {}};
  for (float& v : m.nchw) v = random.uniform(-2, 2);
  // A few equal values, so that the max modes meet ties.
  for (int64_t i = 0; i < n * c * h * w; i += 7) m.nchw[static_cast<size_t>(i)] = 1.0f;
  m.nhwc = to_channels_last(m.nchw, n, c, h, w);
  return m;
}

// K boxes of (b, x1, y1, x2, y2) over an image `scale` times the map, some off the map, some
// inverted, one unusable row; `columns` 6 makes rotated rows (b, cx, cy, w, h, angle).
std::vector<float> random_rois(Random& random, int64_t count, int64_t batch, float image_h, float image_w,
                               int64_t columns) {
  std::vector<float> rois;
  for (int64_t k = 0; k < count; ++k) {
    const float b = k == 3 ? static_cast<float>(batch) : static_cast<float>(random.below(batch));  // row 3 unusable
    if (columns == 5) {
      const float x1 = random.uniform(-0.2f * image_w, image_w), y1 = random.uniform(-0.2f * image_h, image_h);
      const float x2 = x1 + random.uniform(-0.1f * image_w, 0.7f * image_w),
                  y2 = y1 + random.uniform(-0.1f * image_h, 0.7f * image_h);
      rois.insert(rois.end(), {b, x1, y1, x2, y2});
    } else {
      const float angles[] = {0.0f, 90.0f, -45.0f, 30.5f, 1000.0f, random.uniform(-180, 180)};
      rois.insert(rois.end(), {b, random.uniform(-0.1f * image_w, image_w), random.uniform(-0.1f * image_h, image_h),
                               random.uniform(-0.05f * image_w, 0.6f * image_w),
                               random.uniform(-0.05f * image_h, 0.6f * image_h), angles[k % 6]});
    }
  }
  return rois;
}

// One computation: given a table, a layout and a thread count, its result in canonical
// (NCHW) order, or a failed status.
using Computation = std::function<Status(const KernelTable&, Layout, int32_t, std::vector<float>&)>;

// Runs `out` of `elements` floats (one float off alignment, filled with the unwritten pattern)
// through `call`, and returns it in canonical order ([a][b][c][d] from the layout's order).
Status run_into(int64_t a, int64_t b, int64_t c, int64_t d, Layout layout, std::vector<float>& result,
                const std::function<Status(float*, int64_t)>& call) {
  const int64_t elements = a * b * c * d;
  std::vector<float> buffer(static_cast<size_t>(elements + 1), unwritten());
  const Status status = call(buffer.data() + 1, elements);
  std::vector<float> out(buffer.begin() + 1, buffer.end());
  result = layout == Layout::nchw ? out : from_channels_last(out, a, b, c, d);
  return status;
}

// "" when `got` has the bits of `want`; else ": element i is <got>, <want_name> <want>" for the first
// element that differs.
std::string bit_difference(const std::vector<float>& got, const std::vector<float>& want, const char* want_name) {
  for (size_t i = 0; i < got.size(); ++i)
    if (bits_of(got[i]) != bits_of(want[i])) {
      char text[200];
      std::snprintf(text, sizeof text, ": element %zu is %.9g, %s %.9g", i, static_cast<double>(got[i]), want_name,
                    static_cast<double>(want[i]));
      return text;
    }
  return "";
}

// Part 1: every table, layout and thread count against scalar / NCHW / 1 thread.
void compare_everywhere(const std::string& name, const Computation& compute) {
  std::vector<float> want;
  const Status base = compute(scalar_kernel_table(), Layout::nchw, 1, want);
  if (!check(base.ok(), name + ": scalar NCHW status " + base.message)) return;
  size_t unwritten_at = want.size();
  for (size_t i = 0; i < want.size(); ++i)
    if (bits_of(want[i]) == kUnwrittenBits) unwritten_at = std::min(unwritten_at, i);
  check(unwritten_at == want.size(), name + ": element " + std::to_string(unwritten_at) + " never written");
  for (const KernelTable* table : tables())
    for (Layout layout : {Layout::nchw, Layout::nhwc})
      for (int32_t threads : {1, 2}) {
        std::vector<float> got;
        const std::string where = name + " | " + table->simd + (layout == Layout::nchw ? " NCHW" : " NHWC") + " | " +
                                  std::to_string(threads) + " thread(s)";
        const Status status = compute(*table, layout, threads, got);
        if (!check(status.ok(), where + ": status " + status.message)) continue;
        const std::string difference = bit_difference(got, want, "scalar NCHW");
        check(difference.empty(), where + difference);
      }
}

Execution threads_of(int32_t threads) {
  Execution e;
  e.threads = threads;
  return e;
}

// A random problem of part 1, drawn in this order: a map of two images, `count` RoIs over an
// image 1/`scale` times the map (5 or 6 columns), and a gradient of the pooled output
// [count][out_channels][ph][pw] in both layouts.
struct RandomProblem {
  Map map;
  std::vector<float> rois;
  int64_t count, columns, out_channels, ph, pw;
  std::vector<float> grad_output, grad_output_nhwc;

  RoiRows rows() const { return {rois.data(), static_cast<int64_t>(rois.size()), count, columns}; }
  PooledGradient gradient(Layout layout) const {
    const std::vector<float>& g = layout == Layout::nchw ? grad_output : grad_output_nhwc;
    return {g.data(), static_cast<int64_t>(g.size())};
  }
};

RandomProblem random_problem(Random& random, int64_t channels, int64_t h, int64_t w, int64_t count, float scale,
                             int64_t columns, int64_t out_channels, int64_t ph, int64_t pw) {
  RandomProblem problem{random_map(random, 2, channels, h, w), {}, count, columns, out_channels, ph, pw, {}, {}};
  problem.rois = random_rois(random, count, 2, static_cast<float>(h) / scale, static_cast<float>(w) / scale, columns);
  problem.grad_output.resize(static_cast<size_t>(count * out_channels * ph * pw));
  for (float& v : problem.grad_output) v = random.uniform(-1, 1);
  problem.grad_output_nhwc = to_channels_last(problem.grad_output, count, out_channels, ph, pw);
  return problem;
}

// Part 1 for a backward pass: the input's gradient (shaped like the map).
using BackwardCall =
    std::function<Status(const KernelTable&, Layout, const PooledGradient&, const GradientMap&, Execution)>;

void compare_backward_everywhere(const std::string& name, const RandomProblem& p, const BackwardCall& call) {
  const Map& m = p.map;
  compare_everywhere(name, [&](const KernelTable& t, Layout layout, int32_t threads, std::vector<float>& result) {
    return run_into(m.n, m.c, m.h, m.w, layout, result, [&](float* out, int64_t n) {
      return call(t, layout, p.gradient(layout), {out, n, m.n, m.c, m.h, m.w, layout}, threads_of(threads));
    });
  });
}

// Part 1 for an operator whose backward pass reads no forward input: the forward output
// [count][out_channels][ph][pw], then (as "<name> backward") the input's gradient.
template <class Params, class ForwardEntry, class BackwardEntry>
void compare_passes_everywhere(const std::string& name, const RandomProblem& p, const Params& params,
                               ForwardEntry KernelTable::*forward, BackwardEntry KernelTable::*backward) {
  const RoiRows rows = p.rows();
  compare_everywhere(name, [&](const KernelTable& t, Layout layout, int32_t threads, std::vector<float>& result) {
    return run_into(p.count, p.out_channels, p.ph, p.pw, layout, result, [&](float* out, int64_t n) {
      return (t.*forward)(p.map.view(layout), rows, params, {out, n}, threads_of(threads));
    });
  });
  compare_backward_everywhere(name + " backward", p,
                              [&](const KernelTable& t, Layout, const PooledGradient& g, const GradientMap& grad_input,
                                  Execution e) { return (t.*backward)(g, rows, params, grad_input, e); });
}

// ---------------------------------------------------------------------------------------
// Part 1: the operators over random problems

void ps_forward_and_backward(Random& random) {
  struct Shape {
    int64_t ph, pw, groups, h, w, count, ratio;
  };
  const Shape shapes[] = {
      {2, 2, 5, 9, 11, 30, -1}, {3, 2, 19, 7, 6, 25, 2}, {2, 3, 1, 40, 44, 3, 1}, {7, 7, 3, 13, 9, 12, 0}};
  for (const Shape& s : shapes) {
    const int64_t C = s.ph * s.pw * s.groups;
    const RandomProblem problem = random_problem(random, C, s.h, s.w, s.count, 0.25f, 5, s.groups, s.ph, s.pw);
    PsRoiAlignParams params = pooled_params<PsRoiAlignParams>(s.ph, s.pw, 0.25f);
    params.sampling_ratio = s.ratio;
    const std::string name = "psRoiAlign " + std::to_string(s.ph) + "x" + std::to_string(s.pw) + " C " +
                             std::to_string(C) + " map " + std::to_string(s.h) + "x" + std::to_string(s.w);
    compare_passes_everywhere(name, problem, params, &KernelTable::ps_roi_align_forward,
                              &KernelTable::ps_roi_align_backward);
  }
}

// A roiAlign-like problem of part 1: C channels (in and out), an HxW map, K RoIs, PHxPW bins,
// a sampling ratio, scale 1/2.
struct AlignShape {
  int64_t c, h, w, count, ph, pw, ratio;

  RandomProblem draw(Random& random, int64_t columns) const {
    return random_problem(random, c, h, w, count, 0.5f, columns, c, ph, pw);
  }
  template <class Params>
  Params params() const {
    Params p = pooled_params<Params>(ph, pw, 0.5f);
    p.sampling_ratio = ratio;
    return p;
  }
  std::string text() const { return " C " + std::to_string(c) + " map " + std::to_string(h) + "x" + std::to_string(w); }
};

void rotated_forward_and_backward(Random& random) {
  const AlignShape shapes[] = {
      {1, 9, 11, 36, 2, 2, -1}, {19, 8, 7, 30, 3, 2, 2}, {37, 44, 40, 3, 2, 3, 1}, {16, 12, 10, 24, 7, 7, 0}};
  for (const AlignShape& s : shapes)
    for (bool aligned : {true, false})
      for (bool clockwise : {false, true}) {
        const RandomProblem problem = s.draw(random, 6);
        RoiAlignRotatedParams params = s.params<RoiAlignRotatedParams>();
        params.aligned = aligned;
        params.clockwise = clockwise;
        const std::string name =
            "roiAlignRotated" + s.text() + (aligned ? " aligned" : "") + (clockwise ? " clockwise" : "");
        compare_passes_everywhere(name, problem, params, &KernelTable::roi_align_rotated_forward,
                                  &KernelTable::roi_align_rotated_backward);
      }
}

void roi_align_backward_everywhere(Random& random) {
  const AlignShape shapes[] = {
      {1, 9, 11, 36, 2, 2, -1}, {19, 8, 7, 30, 3, 2, 2}, {37, 44, 40, 3, 2, 3, 1}, {33, 10, 12, 20, 7, 7, 2}};
  for (const AlignShape& s : shapes)
    for (AlignMode mode : {AlignMode::avg, AlignMode::max, AlignMode::onnx_max})
      for (bool aligned : {true, false}) {
        const RandomProblem problem = s.draw(random, 5);
        RoiAlignParams params = s.params<RoiAlignParams>();
        params.aligned = aligned;
        params.mode = mode;
        const RoiRows rows = problem.rows();
        static const char* const modes[] = {"avg", "max", "onnx-max"};
        const std::string name =
            std::string("roiAlign backward ") + modes[static_cast<int>(mode)] + s.text() + (aligned ? " aligned" : "");
        compare_backward_everywhere(name, problem,
                                    [&](const KernelTable& t, Layout layout, const PooledGradient& g,
                                        const GradientMap& grad_input, Execution e) {
                                      return t.roi_align_backward(g, rows, params, problem.map.view(layout), grad_input,
                                                                  e);
                                    });
      }
}

// ---------------------------------------------------------------------------------------
// Part 2: identities

void rotated_at_angle_zero_is_roi_align(Random& random) {
  // Dyadic boxes (centres and sizes multiples of 1/4, scale 1/2) and power-of-two bins and
  // grids: every position is exact, so the two operators' different rounding steps agree.
  for (bool aligned : {true, false}) {
    const Map map = random_map(random, 2, 19, 12, 13);
    std::vector<float> axis, rotated;
    for (int64_t k = 0; k < 24; ++k) {
      const float b = static_cast<float>(k % 2);
      const float cx = static_cast<float>(random.below(100)) * 0.25f,
                  cy = static_cast<float>(random.below(100)) * 0.25f;
      // At least 1 map pixel wide: aligned=false clamps a smaller box to 1 about its centre
      // (rotated) or about its corner (roiAlign), a difference of definition.
      const float w = static_cast<float>(random.below(60) + 4) * 0.5f,
                  h = static_cast<float>(random.below(60) + 4) * 0.5f;
      axis.insert(axis.end(), {b, cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2});
      rotated.insert(rotated.end(), {b, cx, cy, w, h, 0.0f});
    }
    RoiAlignParams align = pooled_params<RoiAlignParams>(2, 4, 0.5f);
    align.sampling_ratio = 2;
    align.aligned = aligned;
    RoiAlignRotatedParams params = pooled_params<RoiAlignRotatedParams>(2, 4, 0.5f);
    params.sampling_ratio = 2;
    params.aligned = aligned;
    const RoiRows axis_rows{axis.data(), static_cast<int64_t>(axis.size()), 24, 5};
    const RoiRows rotated_rows{rotated.data(), static_cast<int64_t>(rotated.size()), 24, 6};
    std::vector<float> grad_output(static_cast<size_t>(24 * 19 * 8));
    for (float& v : grad_output) v = random.uniform(-1, 1);
    for (const KernelTable* t : tables())
      for (Layout layout : {Layout::nchw, Layout::nhwc}) {
        const std::string where = std::string("rotated angle 0 == roiAlign | ") + t->simd +
                                  (aligned ? " aligned" : "") + (layout == Layout::nchw ? " NCHW" : " NHWC");
        std::vector<float> a(grad_output.size()), b(grad_output.size());
        check(t->roi_align_forward(map.view(layout), axis_rows, align, {a.data(), static_cast<int64_t>(a.size())}, {})
                      .ok() &&
                  t->roi_align_rotated_forward(map.view(layout), rotated_rows, params,
                                               {b.data(), static_cast<int64_t>(b.size())}, {})
                      .ok(),
              where + ": status");
        check(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0, where + ": forward");
        const std::vector<float> g = layout == Layout::nchw ? grad_output : to_channels_last(grad_output, 24, 19, 2, 4);
        std::vector<float> ga(map.nchw.size()), gb(map.nchw.size());
        const GradientMap grad_a{ga.data(), static_cast<int64_t>(ga.size()), 2, 19, 12, 13, layout};
        const GradientMap grad_b{gb.data(), static_cast<int64_t>(gb.size()), 2, 19, 12, 13, layout};
        check(t->roi_align_backward({g.data(), static_cast<int64_t>(g.size())}, axis_rows, align, map.view(layout),
                                    grad_a, {})
                      .ok() &&
                  t->roi_align_rotated_backward({g.data(), static_cast<int64_t>(g.size())}, rotated_rows, params,
                                                grad_b, {})
                      .ok(),
              where + ": backward status");
        check(std::memcmp(ga.data(), gb.data(), ga.size() * sizeof(float)) == 0, where + ": backward");
      }
  }
}

void multi_scale_is_roi_align_per_level(Random& random) {
  const int64_t C = 21, N = 2;
  const Map levels[] = {random_map(random, N, C, 48, 40), random_map(random, N, C, 24, 20),
                        random_map(random, N, C, 12, 10)};
  const float scales[] = {0.25f, 0.125f, 0.0625f};
  const int64_t K = 40;
  const std::vector<float> rois = random_rois(random, K, N, 192, 160, 5);
  std::vector<int32_t> level_of(K);
  for (int64_t k = 0; k < K; ++k)
    level_of[static_cast<size_t>(k)] = static_cast<int32_t>(random.below(5)) - 1;  // -1..3
  level_of[0] = 2;
  for (bool aligned : {false, true})
    for (int64_t ratio : {2, -1}) {
      MultiScaleRoiAlignParams params;
      params.pooled_height = 3;
      params.pooled_width = 2;
      params.sampling_ratio = ratio;
      params.aligned = aligned;
      const RoiRows rows{rois.data(), static_cast<int64_t>(rois.size()), K, 5};
      const std::string name =
          std::string("multiScaleRoiAlign") + (aligned ? " aligned" : "") + " sr " + std::to_string(ratio);
      auto compute = [&](const KernelTable& t, Layout layout, int32_t threads, std::vector<float>& result) {
        FeatureMap maps[3];
        for (int l = 0; l < 3; ++l) maps[l] = levels[l].view(layout);
        return run_into(K, C, 3, 2, layout, result, [&](float* out, int64_t n) {
          return t.multi_scale_roi_align_forward({maps, scales, 3}, rows, {level_of.data(), K}, params, {out, n},
                                                 threads_of(threads));
        });
      };
      compare_everywhere(name, compute);
      // Row by row against roiAlign of its level (zeros for a level outside [0, 3)).
      std::vector<float> multi;
      compute(*tables().back(), Layout::nchw, 2, multi);
      std::vector<float> expected(multi.size(), 0.0f);
      for (int l = 0; l < 3; ++l) {
        RoiAlignParams align;
        align.pooled_height = 3;
        align.pooled_width = 2;
        align.sampling_ratio = ratio;
        align.aligned = aligned;
        align.spatial_scale = scales[l];
        std::vector<float> single(multi.size());
        tables().back()->roi_align_forward(levels[l].view(Layout::nchw), rows, align,
                                           {single.data(), static_cast<int64_t>(single.size())}, threads_of(1));
        for (int64_t k = 0; k < K; ++k)
          if (level_of[static_cast<size_t>(k)] == l)
            for (int64_t i = 0; i < C * 6; ++i)
              expected[static_cast<size_t>(k * C * 6 + i)] = single[static_cast<size_t>(k * C * 6 + i)];
      }
      check(std::memcmp(multi.data(), expected.data(), multi.size() * sizeof(float)) == 0,
            name + ": rows equal roiAlign of their level");
    }
}

// ---------------------------------------------------------------------------------------
// Part 3: roiAlign backward against a sequential transcription of the references

struct Tap {
  bool valid = false;
  int64_t low = 0, high = 0;
  float lw = 0, hw = 0;
};

Tap tap(float v, int64_t size) {  // docs/semantics.md "The bilinear sample"
  Tap t;
  if (!(v >= -1.0f && v <= static_cast<float>(size))) return t;
  if (v <= 0) v = 0;
  t.low = static_cast<int64_t>(v);
  if (t.low >= size - 1) {
    t.low = t.high = size - 1;
    v = static_cast<float>(t.low);
  } else {
    t.high = t.low + 1;
  }
  const float l = v - static_cast<float>(t.low);
  t.hw = l;
  t.lw = 1.0f - l;
  t.valid = true;
  return t;
}

std::vector<float> sequential_backward(const Map& map, const std::vector<float>& rois, int64_t K,
                                       const RoiAlignParams& p, const std::vector<float>& grad_output) {
  const int64_t C = map.c, H = map.h, W = map.w, PH = p.pooled_height, PW = p.pooled_width;
  std::vector<float> grad(map.nchw.size(), 0.0f);
  for (int64_t k = 0; k < K; ++k) {
    const float* r = rois.data() + k * 5;
    if (!(r[0] >= 0 && r[0] < static_cast<float>(map.n)) || std::floor(r[0]) != r[0]) continue;
    const int64_t b = static_cast<int64_t>(r[0]);
    const float off = p.aligned ? 0.5f : 0.0f;
    const float xs = r[1] * p.spatial_scale - off, ys = r[2] * p.spatial_scale - off;
    float rw = r[3] * p.spatial_scale - off - xs, rh = r[4] * p.spatial_scale - off - ys;
    if (!p.aligned) rw = std::max(rw, 1.0f), rh = std::max(rh, 1.0f);
    const float bh = rh / static_cast<float>(PH), bw = rw / static_cast<float>(PW);
    const int64_t gh = p.sampling_ratio > 0
                           ? p.sampling_ratio
                           : std::max<int64_t>(0, static_cast<int64_t>(std::ceil(rh / static_cast<float>(PH))));
    const int64_t gw = p.sampling_ratio > 0
                           ? p.sampling_ratio
                           : std::max<int64_t>(0, static_cast<int64_t>(std::ceil(rw / static_cast<float>(PW))));
    const float count = static_cast<float>(gh * gw);
    for (int64_t c = 0; c < C; ++c) {
      const float* plane = map.nchw.data() + (b * C + c) * H * W;
      float* g_plane = grad.data() + (b * C + c) * H * W;
      for (int64_t ph = 0; ph < PH; ++ph)
        for (int64_t pw = 0; pw < PW; ++pw) {
          const float g = grad_output[static_cast<size_t>(((k * C + c) * PH + ph) * PW + pw)];
          float best =
              p.mode == AlignMode::max ? -std::numeric_limits<float>::infinity() : std::numeric_limits<float>::lowest();
          Tap win_y, win_x;
          int win_corner = -1;
          for (int64_t iy = 0; iy < gh; ++iy)
            for (int64_t ix = 0; ix < gw; ++ix) {
              const float y = ys + static_cast<float>(ph) * bh +
                              static_cast<float>(static_cast<float>(iy) + 0.5f) * bh / static_cast<float>(gh);
              const float x = xs + static_cast<float>(pw) * bw +
                              static_cast<float>(static_cast<float>(ix) + 0.5f) * bw / static_cast<float>(gw);
              const Tap ty = tap(y, H), tx = tap(x, W);
              const bool inside = ty.valid && tx.valid;
              const int64_t o[4] = {ty.low * W + tx.low, ty.low * W + tx.high, ty.high * W + tx.low,
                                    ty.high * W + tx.high};
              const float w[4] = {ty.lw * tx.lw, ty.lw * tx.hw, ty.hw * tx.lw, ty.hw * tx.hw};
              if (p.mode == AlignMode::avg) {
                if (inside)
                  for (int q = 0; q < 4; ++q) g_plane[o[q]] += g * w[q] / count;  // torchvision add_grad
                continue;
              }
              float value = 0;
              int corner = 0;
              if (inside) {
                float v[4];
                for (int q = 0; q < 4; ++q) v[q] = w[q] * plane[o[q]];
                if (p.mode == AlignMode::max) {
                  value = v[0] + v[1] + v[2] + v[3];
                } else {
                  value = std::max(std::max(std::max(v[0], v[1]), v[2]), v[3]);
                  corner = value == v[0] ? 0 : value == v[1] ? 1 : value == v[2] ? 2 : 3;
                  if (std::isnan(v[0])) corner = 0;
                }
              }
              if (value > best) {
                best = value;
                win_y = ty;
                win_x = tx;
                win_corner = inside ? corner : -1;
              }
            }
          if (p.mode == AlignMode::avg || win_corner < 0) continue;
          const int64_t o[4] = {win_y.low * W + win_x.low, win_y.low * W + win_x.high, win_y.high * W + win_x.low,
                                win_y.high * W + win_x.high};
          const float w[4] = {win_y.lw * win_x.lw, win_y.lw * win_x.hw, win_y.hw * win_x.lw, win_y.hw * win_x.hw};
          if (p.mode == AlignMode::max) {
            for (int q = 0; q < 4; ++q) g_plane[o[q]] += g * w[q];  // mmcv
          } else {
            g_plane[o[win_corner]] += g * w[win_corner];
          }
        }
    }
  }
  return grad;
}

void roi_align_backward_is_sequential(Random& random) {
  for (AlignMode mode : {AlignMode::avg, AlignMode::max, AlignMode::onnx_max})
    for (bool aligned : {false, true})
      for (int64_t ratio : {-1, 2, 3}) {
        const Map map = random_map(random, 2, 19, 9, 10);
        const int64_t K = 25;
        const std::vector<float> rois = random_rois(random, K, 2, 18, 20, 5);
        RoiAlignParams params;
        params.pooled_height = 3;
        params.pooled_width = 2;
        params.spatial_scale = 0.5f;
        params.sampling_ratio = ratio;
        params.aligned = aligned;
        params.mode = mode;
        std::vector<float> grad_output(static_cast<size_t>(K * 19 * 6));
        for (float& v : grad_output) v = random.uniform(-1, 1);
        const std::vector<float> want = sequential_backward(map, rois, K, params, grad_output);
        static const char* const modes[] = {"avg", "max", "onnx-max"};
        std::vector<float> got(want.size());
        const Status status = scalar_kernel_table().roi_align_backward(
            {grad_output.data(), static_cast<int64_t>(grad_output.size())},
            {rois.data(), static_cast<int64_t>(rois.size()), K, 5}, params, map.view(Layout::nchw),
            {got.data(), static_cast<int64_t>(got.size()), 2, 19, 9, 10, Layout::nchw}, threads_of(2));
        const std::string difference = bit_difference(got, want, "sequential");
        check(status.ok() && difference.empty(), std::string("roiAlign backward ") + modes[static_cast<int>(mode)] +
                                                     (aligned ? " aligned" : "") + " sr " + std::to_string(ratio) +
                                                     " == the sequential reference loop" + difference);
      }
}

}  // namespace

void align_family_tests() {
  const Tally before = tally();
  Random random{20260401};
  ps_forward_and_backward(random);
  rotated_forward_and_backward(random);
  roi_align_backward_everywhere(random);
  rotated_at_angle_zero_is_roi_align(random);
  multi_scale_is_roi_align_per_level(random);
  roi_align_backward_is_sequential(random);
  report_section("align family tests", before);
}
