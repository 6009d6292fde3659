// The measurements behind native/kernels/cost_model.h. Each forward kernel is run through both
// of its paths on the same input, forced through the driver (kernels/roi_driver.h), on one
// thread, and the time is divided by the work the cost model counts (bilinear samples, pixels
// read or taps, per channel), giving nanoseconds per unit on each path. The channels-last
// figure excludes the map's transposed copy, which is timed on its own (per map element).
// From those: break_even = (planar - channels_last) / transpose, the rule of copy_pays. Then
// W5 on one thread against two, which sets kSingleThreadBelowNs. Build and run:
//   sh bench/cost-model-probe.sh
// Prints figures; asserts nothing. Workloads: W1's shapes (1x256x50x68, 1000 proposals of
// bench/workloads.ts's kind, 7x7, scale 1/16), W5's (1x16x32x32, 10 RoIs).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <vector>

#if defined(PROBE_AVX512)
#define ROIOPS_ISA probe_avx512
#include "simd/avx512.h"
#elif defined(PROBE_AVX2)
#define ROIOPS_ISA probe_avx2
#include "simd/avx2.h"
#else
#define ROIOPS_ISA probe_sse2
#include "simd/sse2.h"
#endif
#include "kernels/precise_roi_pool.h"
#include "kernels/roi_align.h"
#include "kernels/roi_align_rotated.h"
#include "kernels/roi_pool.h"

using namespace roiops;
using namespace roiops::ROIOPS_ISA;

namespace {

struct Random {
  uint64_t state;
  double next() {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<double>(state >> 11) / 9007199254740992.0;
  }
};

// The fastest of `repeats` runs of f, in nanoseconds (the least disturbed by the other jobs
// of a shared machine).
template <class F>
double best_ns(int repeats, F&& f) {
  double best = 1e300;
  for (int i = 0; i < repeats; ++i) {
    const auto start = std::chrono::steady_clock::now();
    f();
    const auto end = std::chrono::steady_clock::now();
    best = std::min(best, std::chrono::duration<double, std::nano>(end - start).count());
  }
  return best;
}

// `count` proposal boxes 16..max_side px (log-uniform) inside an image_h x image_w image, batch 0,
// optionally with a sixth column (rotated rows: centre, size, angle).
std::vector<float> proposals(int64_t count, double image_h, double image_w, double max_side, bool rotated, uint64_t seed) {
  Random random{seed};
  std::vector<float> rows;
  for (int64_t k = 0; k < count; ++k) {
    const double w = 16 * std::pow(max_side / 16, random.next()), h = 16 * std::pow(max_side / 16, random.next());
    const double x = random.next() * (image_w - w), y = random.next() * (image_h - h);
    if (rotated) {
      const float row[6] = {0, float(x + w / 2), float(y + h / 2), float(w), float(h), float(-90 + 180 * random.next())};
      rows.insert(rows.end(), row, row + 6);
    } else {
      const float row[5] = {0, float(x), float(y), float(x + w), float(y + h)};
      rows.insert(rows.end(), row, row + 5);
    }
  }
  return rows;
}

struct Case {
  FeatureMap map;
  RoiRows rois;
  std::vector<float> data, boxes, out;
};

Case make_case(int64_t C, int64_t H, int64_t W, int64_t K, int64_t pooled, double max_side, bool rotated) {
  Case c;
  Random random{1};
  c.data.resize(static_cast<size_t>(C * H * W));
  for (float& v : c.data) v = static_cast<float>(random.next() * 2 - 1);
  c.boxes = proposals(K, 800, 1088, max_side, rotated, 2);
  c.out.resize(static_cast<size_t>(K * C * pooled * pooled));
  c.map.data = c.data.data();
  c.map.length = static_cast<int64_t>(c.data.size());
  c.map.batch = 1, c.map.channels = C, c.map.height = H, c.map.width = W;
  c.rois.data = c.boxes.data();
  c.rois.count = K;
  c.rois.columns = rotated ? 6 : 5;
  c.rois.length = K * c.rois.columns;
  return c;
}

Execution one_thread() {
  Execution e;
  e.threads = 1;
  return e;
}

// Both paths of one kernel on one case: prints ns per unit per channel and the implied break-even.
template <class Kernel>
void probe_paths(const char* name, const Case& c, const Kernel& kernel, double units, double transpose_ns, int repeats) {
  const int64_t block = static_cast<int64_t>(c.out.size()) / c.rois.count;
  float* out = const_cast<float*>(c.out.data());
  RowPlan plan{c.rois.count, block, c.map.channels, false, 1e12, out};
  const double planar = best_ns(repeats, [&] { run_planar_rows(kernel, plan, one_thread()); });
  plan.channels_last = true;
  const double channels_last = best_ns(repeats, [&] { run_channels_last_rows(kernel, c.map, plan, one_thread()); });
  const double copy = transpose_ns * static_cast<double>(c.map.batch * c.map.height * c.map.width * c.map.channels);
  const double per_unit = units * static_cast<double>(c.map.channels);
  const double planar_unit = planar / per_unit, channels_last_unit = (channels_last - copy) / per_unit;
  std::printf("%-16s planar %8.2f ms = %.3f ns/unit   channels-last %8.2f ms (copy %.2f ms) = %.3f ns/unit   "
              "break-even %.2f\n",
              name, planar / 1e6, planar_unit, channels_last / 1e6, copy / 1e6, channels_last_unit,
              (planar_unit - channels_last_unit) / transpose_ns);
}

}  // namespace

int main() {
  std::printf("cost-model probe, %s, one thread unless said; best of several runs\n", VectorLanes::width == 16 ? "AVX-512"
                                                                                    : VectorLanes::width == 8 ? "AVX2"
                                                                                                              : "SSE2");
  const Case w1 = make_case(256, 50, 68, 1000, 7, 400, false);

  // The transposed copy, per map element.
  Scratch<float> scratch;
  const float* copy = nullptr;
  const double elements = static_cast<double>(w1.map.channels * w1.map.height * w1.map.width);
  const double transpose_ns =
      best_ns(20, [&] { channels_last_map(w1.map, one_thread(), scratch, copy); }) / elements;
  std::printf("%-16s %.3f ns/element (1x256x50x68 NCHW -> NHWC)\n", "transpose", transpose_ns);

  RoiAlignParams align;
  align.pooled_height = align.pooled_width = 7;
  align.spatial_scale = 1.0f / 16;
  align.sampling_ratio = 2;
  align.aligned = true;
  probe_paths("roiAlign (W1)", w1, RoiAlignRows<AlignMode::avg>{{w1.map, w1.rois}, align},
              total_samples(1, w1.rois, align), transpose_ns, 3);

  // W6, few big RoIs on a big map: the case the break-even keeps planar. Its map (56 MB) does
  // not stay in cache, so its copy is timed on its own too.
  const Case w6 = make_case(256, 200, 272, 8, 7, 800, false);
  const double w6_elements = static_cast<double>(256 * 200 * 272);
  const double w6_transpose_ns =
      best_ns(5, [&] { channels_last_map(w6.map, one_thread(), scratch, copy); }) / w6_elements;
  std::printf("%-16s %.3f ns/element (1x256x200x272 NCHW -> NHWC)\n", "transpose (W6)", w6_transpose_ns);
  RoiAlignParams adaptive = align;
  adaptive.spatial_scale = 1.0f / 4;
  adaptive.sampling_ratio = -1;
  const double w6_samples = total_samples(1, w6.rois, adaptive);
  std::printf("%-16s %g samples per channel for %g map pixels: copy_pays says %s\n", "roiAlign (W6)", w6_samples,
              w6_elements / 256, copy_pays(w6.map, w6_samples, kAlignSample) ? "channels-last" : "planar");
  probe_paths("roiAlign (W6)", w6, RoiAlignRows<AlignMode::avg>{{w6.map, w6.rois}, adaptive}, w6_samples,
              w6_transpose_ns, 3);

  const Case w7 = make_case(256, 50, 68, 1000, 7, 400, true);
  RoiAlignRotatedParams rotated;
  rotated.pooled_height = rotated.pooled_width = 7;
  rotated.spatial_scale = 1.0f / 16;
  rotated.sampling_ratio = 2;
  rotated.aligned = true;
  probe_paths("roiAlignRotated", w7, RotatedAlignRows{{w7.map, w7.rois}, rotated}, rotated_samples(1, w7.rois, rotated),
              transpose_ns, 3);

  RoiPoolParams pool;
  pool.pooled_height = pool.pooled_width = 7;
  pool.spatial_scale = 1.0f / 16;
  probe_paths("roiPool (W4b)", w1, RoiPoolRows{{w1.map, w1.rois}, pool, nullptr}, pixels_scanned(w1.map, w1.rois, pool),
              transpose_ns, 5);

  PreciseRoiPoolParams precise;
  precise.pooled_height = precise.pooled_width = 7;
  precise.spatial_scale = 1.0f / 16;
  probe_paths("preciseRoiPool", w1, PreciseRoiPoolRows{{w1.map, w1.rois}, precise},
              precise_taps_total(w1.map, w1.rois, precise), transpose_ns, 5);

  // W5's channels-last path (the one the cost model picks for it) on one thread and on two.
  const Case w5 = make_case(16, 32, 32, 10, 7, 256, false);
  const RoiAlignRows<AlignMode::avg> w5_kernel{{w5.map, w5.rois}, align};
  const RowPlan w5_plan{w5.rois.count, 16 * 49, 16, true, 1e12, const_cast<float*>(w5.out.data())};
  Execution two;
  two.threads = 2;
  std::vector<double> one_times, two_times;
  for (int round = 0; round < 5; ++round) {
    one_times.push_back(best_ns(400, [&] { run_channels_last_rows(w5_kernel, w5.map, w5_plan, one_thread()); }));
    two_times.push_back(best_ns(400, [&] { run_channels_last_rows(w5_kernel, w5.map, w5_plan, two); }));
  }
  std::sort(one_times.begin(), one_times.end());
  std::sort(two_times.begin(), two_times.end());
  const double w5_samples = total_samples(1, w5.rois, align);
  std::printf("W5 (roiAlign 1x16x32x32, 10 RoIs, %g samples, estimated %.1f us): 1 thread %.1f us, 2 threads %.1f us "
              "(median of 5 bests of 400)\n",
              w5_samples, path_ns(w5_samples, 16, kAlignSample, true) / 1e3, one_times[2] / 1e3, two_times[2] / 1e3);
  return 0;
}
