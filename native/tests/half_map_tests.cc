// Kernel tests of 16-bit maps handed to the kernels as they are (native/tests/kernel_tests.cc
// calls half_map_tests from its main), and of their 16-bit outputs, rounded row by row
// (kernels/roi_driver.h): roiAlign and multiScaleRoiAlign widen a float16 or
// bfloat16 map where they read it, in the channels-last copy (kernels/transpose.h) or, on the
// planar path, in the pixels their RoIs read (kernels/partial_widening.h). Each table's result must be
// that same table's result on the map widened first by the scalar table's widen_elements (the
// conversion kernel_tests.cc "half_conversions" holds every table to), bit for bit:
//   - NCHW with many RoIs on a small map (the channels-last path, with the widening fused into
//     the transpose: a channel count that is not a multiple of the vector width or of the
//     16-plane tiles, images of more than one 256-pixel tile; random values, then every 16-bit
//     pattern, NaNs included), NHWC (widened into the copy), on 1 and 2 threads;
//   - NCHW with few RoIs on a large map (the planar path, partial widening), with boxes off the
//     map, an unusable row, adaptive grids (the windowed sub-path); before each such call the
//     same table runs a call that widens every pixel of a different map, so that a pixel the
//     partial widening missed would be read stale and differ;
//   - multiScaleRoiAlign with one level planar and the others channels-last.
// Which path a call takes follows kernels/cost_model.h (copy_pays): the comments give the sums.
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "roiops/roiops.h"
#include "runtime/kernel_table.h"
#include "tests/test_support.h"

using namespace roiops_tests;

namespace {

using namespace roiops;

// A map of random 16-bit patterns (finite values in [-4, 4], rounded by the scalar table) and
// its float32 twin widened by the scalar table, both NCHW and NHWC.
struct HalfMap {
  int64_t n, c, h, w;
  ElementType type;
  std::vector<uint16_t> nchw16, nhwc16;
  std::vector<float> nchw, nhwc;

  FeatureMap half(Layout layout) const {
    const std::vector<uint16_t>& data = layout == Layout::nchw ? nchw16 : nhwc16;
    FeatureMap map{nullptr, static_cast<int64_t>(data.size()), n, c, h, w, layout};
    map.type = type;
    map.data16 = data.data();
    return map;
  }
  FeatureMap widened(Layout layout) const {
    const std::vector<float>& data = layout == Layout::nchw ? nchw : nhwc;
    return {data.data(), static_cast<int64_t>(data.size()), n, c, h, w, layout};
  }
};

// `any_bits`: every 16-bit pattern may come (NaNs signalling and quiet, infinities,
// subnormals, -0), which the conversions must widen as the scalar table does.
HalfMap random_half_map(Random& random, ElementType type, int64_t n, int64_t c, int64_t h, int64_t w,
                        bool any_bits = false) {
  const KernelTable& scalar = scalar_kernel_table();
  const int64_t count = n * c * h * w;
  HalfMap m{n, c, h, w, type, std::vector<uint16_t>(static_cast<size_t>(count)), {}, {}, {}};
  if (any_bits) {
    for (uint16_t& pattern : m.nchw16) pattern = static_cast<uint16_t>(random.next());
  } else {
    std::vector<float> values(static_cast<size_t>(count));
    for (float& v : values) v = random.uniform(-4, 4);
    scalar.narrow_elements(values.data(), count, type, m.nchw16.data());
  }
  m.nhwc16.resize(m.nchw16.size());
  for (int64_t image = 0; image < n; ++image)
    for (int64_t channel = 0; channel < c; ++channel)
      for (int64_t pixel = 0; pixel < h * w; ++pixel)
        m.nhwc16[static_cast<size_t>((image * h * w + pixel) * c + channel)] =
            m.nchw16[static_cast<size_t>((image * c + channel) * h * w + pixel)];
  m.nchw.resize(m.nchw16.size());
  m.nhwc.resize(m.nchw16.size());
  scalar.widen_elements(m.nchw16.data(), count, type, m.nchw.data());
  scalar.widen_elements(m.nhwc16.data(), count, type, m.nhwc.data());
  return m;
}

// K boxes (b, x1, y1, x2, y2) over a `height` x `width` image, from `small` boxes up to most of
// it, some hanging off the map; row 1 unusable (batch index out of range).
std::vector<float> random_boxes(Random& random, int64_t count, int64_t batch, float height, float width, float size) {
  std::vector<float> rois;
  for (int64_t k = 0; k < count; ++k) {
    const float b = k == 1 ? static_cast<float>(batch) : static_cast<float>(random.below(batch));
    const float x1 = random.uniform(-0.1f * width, width), y1 = random.uniform(-0.1f * height, height);
    rois.insert(rois.end(), {b, x1, y1, x1 + random.uniform(0, size * width), y1 + random.uniform(0, size * height)});
  }
  return rois;
}

Execution threads(int32_t count) {
  Execution execution;
  execution.threads = count;
  return execution;
}

// Calls `run` into a K*C*PH*PW output filled with unwritten(); false when the status is not ok.
template <class Run>
bool output_of(int64_t elements, std::vector<float>& out, Run&& run) {
  out.assign(static_cast<size_t>(elements), unwritten());
  return run(out.data(), elements).ok();
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

const char* name_of(ElementType type) { return type == ElementType::float16 ? "float16" : "bfloat16"; }

// roiAlign on `map` (16-bit) against roiAlign on its widened twin, on every table, both
// layouts where `layouts` says, 1 and 2 threads. `poison`: a call before each 16-bit one that
// widens every pixel of another map of the same shape into the same per-thread memory.
void expect_roi_align_widened(const std::string& where, const HalfMap& map, const HalfMap* poison,
                              const std::vector<float>& rois, const RoiAlignParams& params,
                              std::initializer_list<Layout> layouts) {
  const int64_t K = static_cast<int64_t>(rois.size()) / 5;
  const RoiRows rows{rois.data(), static_cast<int64_t>(rois.size()), K, 5};
  const int64_t elements = K * map.c * params.pooled_height * params.pooled_width;
  const std::vector<float> whole_box = {0, -1, -1, static_cast<float>(map.w + 1), static_cast<float>(map.h + 1)};
  const RoiRows whole{whole_box.data(), 5, 1, 5};
  for (const KernelTable* table : tables())
    for (Layout layout : layouts)
      for (int32_t thread_count : {1, 2}) {
        const std::string name = where + " " + name_of(map.type) + " " + table->simd +
                                 (layout == Layout::nchw ? " NCHW " : " NHWC ") + std::to_string(thread_count) + "t";
        std::vector<float> want, got, scrap;
        const bool want_ok = output_of(elements, want, [&](float* out, int64_t n) {
          return table->roi_align_forward(map.widened(layout), rows, params, {out, n}, threads(thread_count));
        });
        if (poison != nullptr)
          output_of(map.c * params.pooled_height * params.pooled_width, scrap, [&](float* out, int64_t n) {
            return table->roi_align_forward(poison->half(layout), whole, params, {out, n}, threads(thread_count));
          });
        const bool got_ok = output_of(elements, got, [&](float* out, int64_t n) {
          return table->roi_align_forward(map.half(layout), rows, params, {out, n}, threads(thread_count));
        });
        check(want_ok && got_ok, name + ": status");
        check(same_bits(want, got), name + ": equals roiAlign on the widened map");
        // Into a 16-bit output of the map's format, which roiAlign rounds row by row: the
        // scalar table's rounding of the float32 result.
        std::vector<uint16_t> rounded(want.size()), got16(want.size(), 0xdead);
        scalar_kernel_table().narrow_elements(want.data(), elements, map.type, rounded.data());
        PooledOutput out16;
        out16.length = elements;
        out16.type = map.type;
        out16.data16 = got16.data();
        const bool got16_ok =
            table->roi_align_forward(map.half(layout), rows, params, out16, threads(thread_count)).ok();
        check(got16_ok && got16 == rounded, name + ": into a 16-bit output, the float32 result rounded");
      }
}

void roi_align_half_maps(Random& random) {
  for (ElementType type : {ElementType::float16, ElementType::bfloat16}) {
    RoiAlignParams params;
    params.pooled_height = 3;
    params.pooled_width = 2;
    params.sampling_ratio = 2;
    // Channels-last: 2 images of 20x17 = 340 pixels (a 256-pixel tile and a ragged one), 37
    // channels (16-plane tiles 16 + 16 + 5); 40 RoIs of 24 samples each: 960 * 0.54 ns against
    // 680 pixels * 0.14 ns, the copy pays.
    const HalfMap small = random_half_map(random, type, 2, 37, 20, 17);
    for (bool aligned : {false, true}) {
      params.aligned = aligned;
      expect_roi_align_widened(std::string("roiAlign channels-last") + (aligned ? " aligned" : ""), small, nullptr,
                               random_boxes(random, 40, 2, 20, 17, 0.8f), params, {Layout::nchw, Layout::nhwc});
    }
    // The same copy from every 16-bit pattern: infinities, subnormals and NaN payloads widened
    // in registers (AVX2, AVX-512, NEON) as the scalar table widens them. (Whether a signalling
    // NaN was made quiet does not show here: roiAlign multiplies every value first, which
    // quiets it.)
    expect_roi_align_widened("roiAlign channels-last, any bits", random_half_map(random, type, 2, 37, 20, 17, true),
                             nullptr, random_boxes(random, 40, 2, 20, 17, 0.8f), params, {Layout::nchw, Layout::nhwc});
    // Planar: 2 images of 60x70 = 8400 pixels (1176 ns of copy) and 19 channels; 3 RoIs of 24
    // samples (at most 39 ns saved): the copy does not pay. Small boxes, so most pixels go unread.
    const HalfMap large = random_half_map(random, type, 2, 19, 60, 70);
    const HalfMap other = random_half_map(random, type, 2, 19, 60, 70);
    for (int trial = 0; trial < 4; ++trial)
      expect_roi_align_widened("roiAlign planar, trial " + std::to_string(trial), large, &other,
                               random_boxes(random, 3, 2, 60, 70, 0.25f), params, {Layout::nchw});
    // Planar, windowed: one box of about 12x11 pixels with an 8x8 grid per bin (384 samples,
    // 207 ns saved, below the copy's 1176), whose window has fewer pixels than it has samples.
    params.sampling_ratio = 8;
    expect_roi_align_widened("roiAlign planar windowed", large, &other, {1, 10.5f, 20.25f, 22, 31}, params,
                             {Layout::nchw});
    // Every mode on both paths.
    for (AlignMode mode : {AlignMode::max, AlignMode::onnx_max}) {
      params.mode = mode;
      params.sampling_ratio = 2;
      const std::string tag = mode == AlignMode::max ? " max" : " onnx-max";
      expect_roi_align_widened("roiAlign channels-last" + tag, small, nullptr,
                               random_boxes(random, 40, 2, 20, 17, 0.8f), params, {Layout::nchw});
      expect_roi_align_widened("roiAlign planar" + tag, large, &other, random_boxes(random, 3, 2, 60, 70, 0.25f),
                               params, {Layout::nchw});
    }
  }
}

// Three levels: the finest (2 x 96x80 = 15360 pixels, 2150 ns of copy) gets 2 RoIs and stays
// planar; the coarser ones get about 20 RoIs each (24 samples each: about 270 ns saved against
// 540 and 34 ns of copy: the middle one stays planar too, the coarsest goes channels-last).
void multi_scale_half_maps(Random& random) {
  for (ElementType type : {ElementType::float16, ElementType::bfloat16}) {
    const int64_t N = 2, C = 21;
    const HalfMap levels[] = {random_half_map(random, type, N, C, 96, 80), random_half_map(random, type, N, C, 48, 40),
                              random_half_map(random, type, N, C, 12, 10)};
    const float scales[] = {0.25f, 0.125f, 0.03125f};
    const int64_t K = 44;
    const std::vector<float> rois = random_boxes(random, K, N, 384, 320, 0.3f);
    std::vector<int32_t> level_of(K);
    for (int64_t k = 0; k < K; ++k) level_of[static_cast<size_t>(k)] = k < 2 ? 0 : static_cast<int32_t>(1 + k % 2);
    level_of[5] = -1;  // a row of zeros
    MultiScaleRoiAlignParams params;
    params.pooled_height = 3;
    params.pooled_width = 2;
    params.sampling_ratio = 2;
    const RoiRows rows{rois.data(), static_cast<int64_t>(rois.size()), K, 5};
    const int64_t elements = K * C * 6;
    for (const KernelTable* table : tables())
      for (Layout layout : {Layout::nchw, Layout::nhwc})
        for (int32_t thread_count : {1, 2}) {
          const std::string name = std::string("multiScaleRoiAlign ") + name_of(type) + " " + table->simd +
                                   (layout == Layout::nchw ? " NCHW " : " NHWC ") + std::to_string(thread_count) + "t";
          FeatureMap half[3], widened[3];
          for (int l = 0; l < 3; ++l) half[l] = levels[l].half(layout), widened[l] = levels[l].widened(layout);
          std::vector<float> want, got;
          const bool want_ok = output_of(elements, want, [&](float* out, int64_t n) {
            return table->multi_scale_roi_align_forward({widened, scales, 3}, rows, {level_of.data(), K}, params,
                                                        {out, n}, threads(thread_count));
          });
          const bool got_ok = output_of(elements, got, [&](float* out, int64_t n) {
            return table->multi_scale_roi_align_forward({half, scales, 3}, rows, {level_of.data(), K}, params, {out, n},
                                                        threads(thread_count));
          });
          check(want_ok && got_ok, name + ": status");
          check(same_bits(want, got), name + ": equals multiScaleRoiAlign on the widened levels");
          std::vector<uint16_t> rounded(want.size()), got16(want.size(), 0xdead);
          scalar_kernel_table().narrow_elements(want.data(), elements, type, rounded.data());
          PooledOutput out16;
          out16.length = elements;
          out16.type = type;
          out16.data16 = got16.data();
          const bool got16_ok = table
                                    ->multi_scale_roi_align_forward({half, scales, 3}, rows, {level_of.data(), K},
                                                                    params, out16, threads(thread_count))
                                    .ok();
          check(got16_ok && got16 == rounded, name + ": into a 16-bit output, the float32 result rounded");
        }
  }
}

}  // namespace

void half_map_tests() {
  const Tally before = tally();
  Random random(0x16b175);
  roi_align_half_maps(random);
  multi_scale_half_maps(random);
  report_section("16-bit maps in the kernels", before);
}
