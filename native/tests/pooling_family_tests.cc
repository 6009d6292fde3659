// Kernel tests of the pooling family (psRoiPool, spatialPyramidPool, cropAndResize,
// preciseRoiPool forward; roiPool, psRoiPool, preciseRoiPool backward), part of
// roiops_kernel_tests (kernel_tests.cc's main calls pooling_family_tests()).
//
//   1. Every table equals the scalar table bit for bit, on 1 and 2 threads, for random shapes
//      with channel tails, both layouts, boxes off the map, unusable rows, NaN/inf pixels, and
//      problems that take each kernel path (few boxes on a large map: planar/direct; many
//      boxes: channels-last). Every output element must be written.
//   2. The NCHW and NHWC runs of one problem agree bit for bit (after transposition): the
//      paths compute the same float expressions in the same order.
//   3. Identities: spatialPyramidPool of one box == roiPool with l x l bins (max mode);
//      preciseRoiPool of box (0,0,14,14) at scale 0.5 with 7x7 bins == avg_pool2d(2, stride 1)
//      (docs/semantics.md "preciseRoiPool"); that section's worked values.
//   4. Bad input: a non-ok Status, never a crash.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
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

// A map stored NCHW; views of it in either layout.
struct Map {
  int64_t batch, channels, height, width;
  std::vector<float> nchw, nhwc;

  FeatureMap view(Layout layout) const {
    return {layout == Layout::nchw ? nchw.data() : nhwc.data(),
            static_cast<int64_t>(nchw.size()),
            batch,
            channels,
            height,
            width,
            layout};
  }
};

// [A][B][P] -> [A][P][B]
std::vector<float> to_last(const std::vector<float>& v, int64_t a, int64_t b, int64_t p) {
  return swap_inner_axes(v, a, b, p);
}

// Values in [-2, 2) with a few NaN, +-inf and -0 pixels (`special` false: finite only).
Map random_map(Random& rng, int64_t batch, int64_t channels, int64_t height, int64_t width, bool special = true) {
  Map m{batch, channels, height, width, {}, {}};
  m.nchw.resize(static_cast<size_t>(batch * channels * height * width));
  for (float& v : m.nchw) {
    v = rng.uniform(-2.0f, 2.0f);
    if (special) {
      const int64_t r = rng.below(400);
      if (r == 0) v = std::numeric_limits<float>::quiet_NaN();
      if (r == 1) v = std::numeric_limits<float>::infinity();
      if (r == 2) v = -std::numeric_limits<float>::infinity();
      if (r == 3) v = -0.0f;
    }
  }
  m.nhwc = to_last(m.nchw, batch, channels, height * width);
  return m;
}

// `count` rows (b, x1, y1, x2, y2) in image coordinates for scale 0.5, many off the map, some
// inverted, a few unusable (batch index out of range or fractional, a NaN coordinate).
std::vector<float> random_rois(Random& rng, int64_t count, int64_t batch, int64_t height, int64_t width) {
  std::vector<float> rois;
  for (int64_t k = 0; k < count; ++k) {
    float b = static_cast<float>(rng.below(batch));
    const float x1 = rng.uniform(-6.0f, 2.0f * width + 4), y1 = rng.uniform(-6.0f, 2.0f * height + 4);
    float x2 = x1 + rng.uniform(-3.0f, 2.0f * width), y2 = y1 + rng.uniform(-3.0f, 2.0f * height);
    const int64_t r = rng.below(40);
    if (r == 0) b = static_cast<float>(batch);
    if (r == 1) b = 0.5f;
    if (r == 2) x2 = std::numeric_limits<float>::quiet_NaN();
    rois.insert(rois.end(), {b, x1, y1, x2, y2});
  }
  return rois;
}

RoiRows rows_of(const std::vector<float>& rois, int64_t columns = 5) {
  return {rois.data(), static_cast<int64_t>(rois.size()), static_cast<int64_t>(rois.size()) / columns, columns};
}

// One operation on one problem: fills `out` (pre-sized) through `table`.
using Runner = std::function<Status(const KernelTable&, Layout, int32_t threads, std::vector<float>& out)>;

struct Case {
  std::string name;
  int64_t elements;
  // How to bring an NHWC result into the NCHW result's order: [a][b][p] -> [a][p][b] read
  // backwards (a = blocks, b = channels, p = positions); b == 0: same order in both layouts.
  int64_t blocks, channels, positions;
  Runner run;
};

// [A][P][B] -> [A][B][P]
std::vector<float> to_first(const std::vector<float>& v, int64_t a, int64_t b, int64_t p) {
  return swap_inner_axes(v, a, p, b);
}

int64_t first_difference(const std::vector<float>& a, const std::vector<float>& b) {
  for (size_t i = 0; i < a.size(); ++i)
    if (bits_of(a[i]) != bits_of(b[i])) return static_cast<int64_t>(i);
  return -1;
}

std::string at_text(const std::vector<float>& got, const std::vector<float>& want, int64_t i) {
  char text[160];
  std::snprintf(text, sizeof text, " element %lld: %.9g vs %.9g", static_cast<long long>(i),
                static_cast<double>(got[static_cast<size_t>(i)]), static_cast<double>(want[static_cast<size_t>(i)]));
  return text;
}

// Checks 1 and 2 for one case.
void expect_consistent(const Case& c) {
  const std::vector<const KernelTable*> all = tables();
  std::vector<float> reference[2];
  for (Layout layout : {Layout::nchw, Layout::nhwc}) {
    const std::string where = c.name + (layout == Layout::nchw ? " NCHW" : " NHWC");
    std::vector<float>& want = reference[static_cast<int>(layout)];
    want.assign(static_cast<size_t>(c.elements), unwritten());
    const Status s = c.run(scalar_kernel_table(), layout, 1, want);
    if (!check(s.ok(), where + ": scalar status " + s.message)) return;
    bool complete = true;
    for (float v : want) complete = complete && bits_of(v) != kUnwrittenBits;
    check(complete, where + ": scalar leaves elements unwritten");
    for (const KernelTable* table : all)
      for (int32_t threads : {1, 2}) {
        std::vector<float> got(static_cast<size_t>(c.elements), unwritten());
        const Status st = c.run(*table, layout, threads, got);
        const std::string at = where + " | " + table->simd + " | " + std::to_string(threads) + " thread(s)";
        if (!check(st.ok(), at + ": status " + st.message)) continue;
        const int64_t d = first_difference(got, want);
        check(d < 0, at + ": differs from scalar" + (d < 0 ? "" : at_text(got, want, d)));
      }
  }
  const std::vector<float> nhwc_as_nchw =
      c.channels == 0 ? reference[1] : to_first(reference[1], c.blocks, c.channels, c.positions);
  const int64_t d = first_difference(nhwc_as_nchw, reference[0]);
  check(d < 0, c.name + ": NHWC and NCHW results differ" + (d < 0 ? "" : at_text(nhwc_as_nchw, reference[0], d)));
}

PooledOutput output_of(std::vector<float>& out) { return {out.data(), static_cast<int64_t>(out.size()), nullptr, 0}; }

// ---------------------------------------------------------------------------------------
// 1 and 2: random problems

struct Shape {
  int64_t batch, height, width, count;

  std::string text() const {
    return "N=" + std::to_string(batch) + " " + std::to_string(height) + "x" + std::to_string(width) +
           " K=" + std::to_string(count);
  }
};

// A small map with many boxes (channels-last paths) and the same boxes on a map padded with
// 63 empty images (planar/direct paths for NCHW).
std::vector<Shape> shapes(Random& rng) {
  std::vector<Shape> list;
  for (int i = 0; i < 3; ++i) {
    const int64_t h = 4 + rng.below(14), w = 4 + rng.below(14);
    list.push_back({2, h, w, 60 + rng.below(40)});
    list.push_back({64, h, w, 3});
  }
  return list;
}

void random_forward_cases() {
  Random rng(2024);
  for (const Shape& shape : shapes(rng)) {
    const std::string dims = shape.text();
    // psRoiPool: C = C_out * PH * PW with C_out a vector tail or one channel.
    for (const int64_t c_out : {1, 3, 19}) {
      const int64_t ph = 1 + rng.below(3), pw = 1 + rng.below(3), C = c_out * ph * pw;
      const Map map = random_map(rng, shape.batch, C, shape.height, shape.width);
      const std::vector<float> rois = random_rois(rng, shape.count, shape.batch, shape.height, shape.width);
      PsRoiPoolParams params;
      params.pooled_height = ph;
      params.pooled_width = pw;
      params.spatial_scale = 0.5f;
      const int64_t K = shape.count;
      expect_consistent(
          {"psRoiPool " + dims + " C_out=" + std::to_string(c_out) + " " + std::to_string(ph) + "x" +
               std::to_string(pw),
           K * C, K, c_out, ph * pw, [&](const KernelTable& t, Layout l, int32_t threads, std::vector<float>& out) {
             return t.ps_roi_pool_forward(map.view(l), rows_of(rois), params, output_of(out), {CancelFlag(), threads});
           }});
    }
    for (const int64_t C : {1, 5, 37}) {
      const Map map = random_map(rng, shape.batch, C, shape.height, shape.width);
      const std::vector<float> rois = random_rois(rng, shape.count, shape.batch, shape.height, shape.width);
      const int64_t K = shape.count;
      // spatialPyramidPool: output [rows, C*sum(l*l)] in both layouts.
      const std::vector<int64_t> levels = {2, 1, 3};
      for (PyramidMode mode : {PyramidMode::max, PyramidMode::avg})
        for (bool whole_map : {false, true}) {
          SpatialPyramidParams params;
          params.levels = levels.data();
          params.level_count = 3;
          params.spatial_scale = 0.5f;
          params.mode = mode;
          const int64_t count = whole_map ? shape.batch : K;
          expect_consistent({std::string("spatialPyramidPool ") + (mode == PyramidMode::max ? "max " : "avg ") +
                                 (whole_map ? "whole map " : "boxes ") + dims + " C=" + std::to_string(C),
                             count * C * 14, count, 0, 0,
                             [&](const KernelTable& t, Layout l, int32_t threads, std::vector<float>& out) {
                               const RoiRows r = rows_of(rois);
                               return t.spatial_pyramid_pool_forward(map.view(l), whole_map ? nullptr : &r, params,
                                                                     output_of(out), {CancelFlag(), threads});
                             }});
        }
      // preciseRoiPool.
      for (const int64_t size : {1, 2, 3}) {
        PreciseRoiPoolParams params;
        params.pooled_height = size;
        params.pooled_width = size + 1;
        params.spatial_scale = 0.5f;
        const int64_t bins = size * (size + 1);
        expect_consistent({"preciseRoiPool " + dims + " C=" + std::to_string(C) + " " + std::to_string(size) + "x" +
                               std::to_string(size + 1),
                           K * C * bins, K, C, bins,
                           [&](const KernelTable& t, Layout l, int32_t threads, std::vector<float>& out) {
                             return t.precise_roi_pool_forward(map.view(l), rows_of(rois), params, output_of(out),
                                                               {CancelFlag(), threads});
                           }});
      }
      // cropAndResize: normalized boxes in [-0.3, 1.3], some flipped, some unusable.
      std::vector<float> boxes;
      std::vector<int32_t> indices;
      for (int64_t k = 0; k < K; ++k) {
        for (int i = 0; i < 4; ++i) boxes.push_back(rng.uniform(-0.3f, 1.3f));
        const int64_t r = rng.below(30);
        indices.push_back(r == 0   ? static_cast<int32_t>(shape.batch)
                          : r == 1 ? -1
                                   : static_cast<int32_t>(rng.below(shape.batch)));
        if (r == 2) boxes.back() = std::numeric_limits<float>::infinity();
      }
      for (CropMethod method : {CropMethod::bilinear, CropMethod::nearest})
        for (const std::pair<int64_t, int64_t>& crop :
             std::vector<std::pair<int64_t, int64_t>>{{1, 1}, {3, 5}, {7, 7}}) {
          CropAndResizeParams params;
          params.crop_height = crop.first;
          params.crop_width = crop.second;
          params.method = method;
          params.extrapolation_value = -1.5f;
          const int64_t cells = crop.first * crop.second;
          // NHWC output [K][h*w][C]; NCHW [K][C][h*w]: channels-last runs give the transposed order.
          expect_consistent({std::string("cropAndResize ") +
                                 (method == CropMethod::nearest ? "nearest " : "bilinear ") +
                                 std::to_string(crop.first) + "x" + std::to_string(crop.second) + " " + dims +
                                 " C=" + std::to_string(C),
                             K * C * cells, K, C, cells,
                             [&](const KernelTable& t, Layout l, int32_t threads, std::vector<float>& out) {
                               return t.crop_and_resize_forward(map.view(l), rows_of(boxes, 4), indices.data(),
                                                                static_cast<int64_t>(indices.size()), params,
                                                                output_of(out), {CancelFlag(), threads});
                             }});
        }
    }
  }
}

// roiPool's argmax for a problem, from the scalar table (the backward's input).
std::vector<int32_t> roi_pool_argmax(const Map& map, Layout layout, const std::vector<float>& rois,
                                     const RoiPoolParams& params) {
  const int64_t elements =
      static_cast<int64_t>(rois.size() / 5) * map.channels * params.pooled_height * params.pooled_width;
  std::vector<float> values(static_cast<size_t>(elements));
  std::vector<int32_t> argmax(static_cast<size_t>(elements));
  PooledOutput out{values.data(), elements, argmax.data(), elements};
  scalar_kernel_table().roi_pool_forward(map.view(layout), rows_of(rois), params, out, {CancelFlag(), 1});
  return argmax;
}

GradientMap gradient_of(const Map& map, Layout layout, std::vector<float>& data) {
  return {data.data(), static_cast<int64_t>(data.size()), map.batch, map.channels, map.height, map.width, layout};
}

void random_backward_cases() {
  Random rng(77);
  for (const Shape& shape : shapes(rng)) {
    const std::string dims = shape.text();
    const int64_t K = shape.count;
    for (const int64_t C : {1, 5, 70}) {
      const Map map = random_map(rng, shape.batch, C, shape.height, shape.width, false);
      const Map image_sized = random_map(rng, shape.batch, C, shape.height, shape.width, false);
      const std::vector<float> rois = random_rois(rng, K, shape.batch, shape.height, shape.width);
      const int64_t elements = shape.batch * C * shape.height * shape.width;
      // roiPool: argmax from the forward of each layout, gradOutput in that layout's order.
      RoiPoolParams pool;
      pool.pooled_height = 2;
      pool.pooled_width = 3;
      pool.spatial_scale = 0.5f;
      std::vector<float> dy_nchw(static_cast<size_t>(K * C * 6));
      for (float& v : dy_nchw) v = rng.uniform(-1.0f, 1.0f);
      const std::vector<float> dy_nhwc = to_last(dy_nchw, K, C, 6);
      const std::vector<int32_t> argmax_nchw = roi_pool_argmax(map, Layout::nchw, rois, pool);
      const std::vector<int32_t> argmax_nhwc = roi_pool_argmax(map, Layout::nhwc, rois, pool);
      expect_consistent(
          {"roiPoolBackward " + dims + " C=" + std::to_string(C), elements, shape.batch, C, shape.height * shape.width,
           [&](const KernelTable& t, Layout l, int32_t threads, std::vector<float>& out) {
             const bool planar = l == Layout::nchw;
             PooledGradient dy{planar ? dy_nchw.data() : dy_nhwc.data(), static_cast<int64_t>(dy_nchw.size()),
                               planar ? argmax_nchw.data() : argmax_nhwc.data(),
                               static_cast<int64_t>(argmax_nchw.size())};
             return t.roi_pool_backward(dy, rows_of(rois), pool, gradient_of(map, l, out), {CancelFlag(), threads});
           }});
      // preciseRoiPool.
      PreciseRoiPoolParams precise;
      precise.pooled_height = 2;
      precise.pooled_width = 3;
      precise.spatial_scale = 0.5f;
      expect_consistent({"preciseRoiPoolBackward " + dims + " C=" + std::to_string(C), elements, shape.batch, C,
                         shape.height * shape.width,
                         [&](const KernelTable& t, Layout l, int32_t threads, std::vector<float>& out) {
                           const bool planar = l == Layout::nchw;
                           PooledGradient dy{planar ? dy_nchw.data() : dy_nhwc.data(),
                                             static_cast<int64_t>(dy_nchw.size()), nullptr, 0};
                           return t.precise_roi_pool_backward(
                               dy, rows_of(rois), precise, gradient_of(image_sized, l, out), {CancelFlag(), threads});
                         }});
      // psRoiPool: C_out = C / (PH*PW) with 1x1 or the whole C as groups.
      if (C % 5 == 0) {
        PsRoiPoolParams ps;
        ps.pooled_height = 1;
        ps.pooled_width = 5;
        ps.spatial_scale = 0.5f;
        const int64_t c_out = C / 5;
        std::vector<float> ps_nchw(static_cast<size_t>(K * C));
        for (float& v : ps_nchw) v = rng.uniform(-1.0f, 1.0f);
        const std::vector<float> ps_nhwc = to_last(ps_nchw, K, c_out, 5);
        expect_consistent(
            {"psRoiPoolBackward " + dims + " C=" + std::to_string(C), elements, shape.batch, C,
             shape.height * shape.width, [&](const KernelTable& t, Layout l, int32_t threads, std::vector<float>& out) {
               PooledGradient dy{l == Layout::nchw ? ps_nchw.data() : ps_nhwc.data(),
                                 static_cast<int64_t>(ps_nchw.size()), nullptr, 0};
               return t.ps_roi_pool_backward(dy, rows_of(rois), ps, gradient_of(map, l, out), {CancelFlag(), threads});
             }});
      }
    }
  }
}

// ---------------------------------------------------------------------------------------
// 3. Identities

void identities() {
  Random rng(5);
  for (const KernelTable* table : tables())
    for (Layout layout : {Layout::nchw, Layout::nhwc})
      for (const int64_t C : {1, 19}) {
        const std::string where =
            std::string(table->simd) + (layout == Layout::nchw ? " NCHW" : " NHWC") + " C=" + std::to_string(C);
        // spatialPyramidPool (max) of one box, level l == roiPool with l x l bins, NCHW order.
        const Map map = random_map(rng, 2, C, 13, 11);
        const std::vector<float> box = {1, -2.0f, 3.0f, 17.5f, 22.0f};
        for (const int64_t l : {1, 2, 3, 5}) {
          RoiPoolParams pool;
          pool.pooled_height = pool.pooled_width = l;
          pool.spatial_scale = 0.5f;
          std::vector<float> pooled(static_cast<size_t>(C * l * l)), pyramid(static_cast<size_t>(C * l * l));
          table->roi_pool_forward(map.view(layout), rows_of(box), pool, output_of(pooled), {CancelFlag(), 2});
          if (layout == Layout::nhwc) pooled = to_first(pooled, 1, C, l * l);
          SpatialPyramidParams params;
          params.levels = &l;
          params.level_count = 1;
          params.spatial_scale = 0.5f;
          const RoiRows rows = rows_of(box);
          table->spatial_pyramid_pool_forward(map.view(layout), &rows, params, output_of(pyramid), {CancelFlag(), 2});
          check(first_difference(pooled, pyramid) < 0,
                where + ": spatialPyramidPool level " + std::to_string(l) + " != roiPool");
        }
        // preciseRoiPool, box (0,0,14,14) at scale 0.5, 7x7 bins == avg_pool2d(2, stride 1)[:7,:7].
        const Map features = random_map(rng, 1, C, 9, 10, false);
        const std::vector<float> roi = {0, 0, 0, 14, 14};
        PreciseRoiPoolParams precise;
        precise.pooled_height = precise.pooled_width = 7;
        precise.spatial_scale = 0.5f;
        std::vector<float> out(static_cast<size_t>(C * 49));
        table->precise_roi_pool_forward(features.view(layout), rows_of(roi), precise, output_of(out),
                                        {CancelFlag(), 1});
        if (layout == Layout::nhwc) out = to_first(out, 1, C, 49);
        bool close = true;
        for (int64_t c = 0; c < C; ++c)
          for (int64_t y = 0; y < 7; ++y)
            for (int64_t x = 0; x < 7; ++x) {
              const float* plane = features.nchw.data() + c * 90;
              const double want = (static_cast<double>(plane[y * 10 + x]) + plane[y * 10 + x + 1] +
                                   plane[(y + 1) * 10 + x] + plane[(y + 1) * 10 + x + 1]) /
                                  4.0;
              const double got = out[static_cast<size_t>(c * 49 + y * 7 + x)];
              close = close && std::fabs(got - want) <= 1e-5 + 1e-5 * std::fabs(want);
            }
        check(close, where + ": preciseRoiPool 7x7 of (0,0,14,14) at 0.5 != avg_pool2d(2, 1)");
        // docs/semantics.md "preciseRoiPool" worked values on arange(16) as 4x4.
        Map ramp{1, 1, 4, 4, {}, {}};
        for (int i = 0; i < 16; ++i) ramp.nchw.push_back(static_cast<float>(i));
        ramp.nhwc = ramp.nchw;
        PreciseRoiPoolParams one;
        std::vector<float> v(1), four(4);
        const std::vector<float> b1 = {0, 0, 0, 3, 3}, b2 = {0, -1, -1, 1, 1};
        table->precise_roi_pool_forward(ramp.view(layout), rows_of(b1), one, output_of(v), {});
        check(std::fabs(v[0] - 7.5f) < 1e-5f, where + ": preciseRoiPool box (0,0,3,3) 1x1 != 7.5");
        table->precise_roi_pool_forward(ramp.view(layout), rows_of(b2), one, output_of(v), {});
        check(std::fabs(v[0] - 0.9375f) < 1e-6f, where + ": preciseRoiPool box (-1,-1,1,1) 1x1 != 0.9375");
        PreciseRoiPoolParams two;
        two.pooled_height = two.pooled_width = 2;
        table->precise_roi_pool_forward(ramp.view(layout), rows_of(b1), two, output_of(four), {});
        const float want4[4] = {3.75f, 5.25f, 9.75f, 11.25f};
        bool ok4 = true;
        for (int i = 0; i < 4; ++i) ok4 = ok4 && std::fabs(four[static_cast<size_t>(i)] - want4[i]) < 1e-5f;
        check(ok4, where + ": preciseRoiPool box (0,0,3,3) 2x2");
      }
}

// ---------------------------------------------------------------------------------------
// 4. Bad input

void expect_invalid(const std::string& what, const Status& status) {
  check(status.code == StatusCode::invalid_argument && std::strlen(status.message) > 0,
        what + ": expected invalid_argument, got " + std::to_string(static_cast<int>(status.code)));
}

void bad_input() {
  std::vector<float> data(2 * 4 * 4 * 4, 1.0f), out(64), grad(data.size());
  const std::vector<float> rois = {0, 0, 0, 3, 3};
  FeatureMap map;
  map.data = data.data();
  map.length = static_cast<int64_t>(data.size());
  map.batch = 2;
  map.channels = 4;
  map.height = map.width = 4;
  PsRoiPoolParams ps;
  ps.pooled_height = 3;
  expect_invalid("psRoiPool C % (PH*PW) != 0", ps_roi_pool_forward(map, rows_of(rois), ps, output_of(out)));
  ps.pooled_height = 2;
  ps.pooled_width = 2;
  PooledOutput short_out{out.data(), 0, nullptr, 0};
  expect_invalid("psRoiPool short output", ps_roi_pool_forward(map, rows_of(rois), ps, short_out));
  check(ps_roi_pool_forward(map, rows_of(rois), ps, output_of(out)).ok(), "psRoiPool valid call");
  SpatialPyramidParams spp;
  const int64_t bad_levels[2] = {2, -1};
  spp.levels = bad_levels;
  spp.level_count = 2;
  expect_invalid("spatialPyramidPool level -1", spatial_pyramid_pool_forward(map, nullptr, spp, output_of(out)));
  const int64_t huge[2] = {int64_t(1) << 32, int64_t(1) << 32};
  spp.levels = huge;
  expect_invalid("spatialPyramidPool overflowing levels",
                 spatial_pyramid_pool_forward(map, nullptr, spp, output_of(out)));
  CropAndResizeParams crop;
  const std::vector<float> boxes = {0, 0, 1, 1};
  const int32_t index = 0;
  expect_invalid("cropAndResize no indices",
                 crop_and_resize_forward(map, rows_of(boxes, 4), nullptr, 0, crop, output_of(out)));
  expect_invalid("cropAndResize rows of 5",
                 crop_and_resize_forward(map, rows_of(rois), &index, 1, crop, output_of(out)));
  crop.crop_width = 0;
  expect_invalid("cropAndResize width 0",
                 crop_and_resize_forward(map, rows_of(boxes, 4), &index, 1, crop, output_of(out)));
  GradientMap g;
  g.data = grad.data();
  g.length = static_cast<int64_t>(grad.size()) - 1;
  g.batch = 2;
  g.channels = 4;
  g.height = g.width = 4;
  PooledGradient dy{out.data(), 64, nullptr, 0};
  expect_invalid("preciseRoiPoolBackward short gradient", precise_roi_pool_backward(dy, rows_of(rois), {}, g));
  g.length = static_cast<int64_t>(grad.size());
  expect_invalid("roiPoolBackward without argmax", roi_pool_backward(dy, rows_of(rois), {}, g));
  std::vector<int32_t> argmax(4, 16);
  dy.argmax = argmax.data();
  dy.argmax_length = 4;
  expect_invalid("roiPoolBackward argmax 16 on a 4x4 plane", roi_pool_backward(dy, rows_of(rois), {}, g));
  argmax.assign(4, 15);
  check(roi_pool_backward(dy, rows_of(rois), {}, g).ok(), "roiPoolBackward valid call");
  check(grad[15] == 1.0f && grad[16 + 15] == 1.0f && grad[0] == 0.0f, "roiPoolBackward scatters to the argmax pixel");
  // Cancelled: every kernel reports aborted.
  const int32_t raised = 1;
  const Execution cancelled{CancelFlag(&raised), 2};
  check(precise_roi_pool_backward(dy, rows_of(rois), {}, g, cancelled).code == StatusCode::aborted,
        "preciseRoiPoolBackward cancelled");
  check(ps_roi_pool_forward(map, rows_of(rois), ps, output_of(out), cancelled).code == StatusCode::aborted,
        "psRoiPool cancelled");
}

}  // namespace

void pooling_family_tests() {
  const Tally before = tally();
  random_forward_cases();
  random_backward_cases();
  identities();
  bad_input();
  report_section("pooling family tests", before);
}
