// The measurements behind native/kernels/cost_model.h. Each forward kernel is run through both
// of its paths on the same input, forced through the driver (kernels/roi_driver.h), on one
// thread, and the time is divided by the work the cost model counts (bilinear samples, pixels
// read or taps, per channel), giving nanoseconds per unit on each path. The channels-last
// figure excludes the map's transposed copy, which is timed on its own (per map element).
// From those: break_even = (planar - channels_last) / transpose, the rule of copy_pays. Then,
// one section per remaining constant: the transpose per element as the map grows past the
// cache (kTransposeInCacheNs, kTransposeOutOfCacheNs, kTransposeCacheBytes), cropAndResize on
// both paths (kCropElement), the backward passes' scatters and gradient elements (the
// kPooling*/kAlign* backward constants), roiPool's channels-last output streamed or not as it
// grows past 2^20 elements (kStreamOutputElements), and roiAlign on one thread against two as
// its work grows (kSingleThreadBelowNs). Build and run:
//   sh bench/cost-model-probe.sh          (quick: one repeat each, a check that it runs;
//                                          paths: only the path choices of W1..W8b)
// Prints figures; asserts nothing. Workloads: W1's shapes (1x256x50x68, 1000 proposals of
// bench/workloads.ts's kind, 7x7, scale 1/16), W5's (1x16x32x32, 10 RoIs).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
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
#include "kernels/crop_and_resize.h"
#include "kernels/pooling_backward.h"
#include "kernels/precise_roi_pool.h"
#include "kernels/roi_align.h"
#include "kernels/roi_align_backward.h"
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
std::vector<float> proposals(int64_t count, double image_h, double image_w, double max_side, bool rotated,
                             uint64_t seed) {
  Random random{seed};
  std::vector<float> rows;
  for (int64_t k = 0; k < count; ++k) {
    const double w = 16 * std::pow(max_side / 16, random.next()), h = 16 * std::pow(max_side / 16, random.next());
    const double x = random.next() * (image_w - w), y = random.next() * (image_h - h);
    if (rotated) {
      const float row[6] = {0,        float(x + w / 2), float(y + h / 2),
                            float(w), float(h),         float(-90 + 180 * random.next())};
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

// The operators' parameters of the bench's workloads: 7x7 bins at stride 16 (W1's roiPool), with
// two samples per bin side and aligned (W1's roiAlign, W7's roiAlignRotated).
template <class Params>
Params box_head() {
  Params params;
  params.pooled_height = params.pooled_width = 7;
  params.spatial_scale = 1.0f / 16;
  return params;
}

template <class Params>
Params box_head_sampled() {
  Params params = box_head<Params>();
  params.sampling_ratio = 2;
  params.aligned = true;
  return params;
}

RoiAlignParams box_head_align() { return box_head_sampled<RoiAlignParams>(); }
RoiAlignRotatedParams rotated_align() { return box_head_sampled<RoiAlignRotatedParams>(); }
RoiPoolParams box_head_pool() { return box_head<RoiPoolParams>(); }

// W6's roiAlign: adaptive sampling at stride 4.
RoiAlignParams few_big_align() {
  RoiAlignParams adaptive = box_head_align();
  adaptive.spatial_scale = 1.0f / 4;
  adaptive.sampling_ratio = -1;
  return adaptive;
}

// The repeat count of a measurement: `normal` unless the probe runs quick (a check that it runs).
bool quick = false;
int repeats_of(int normal) { return quick ? 1 : normal; }

// The median of the bests of `rounds` rounds of best_ns(repeats, f): steadier than one best
// for the short calls whose single- and two-thread times are compared.
template <class F>
double median_best_ns(int rounds, int repeats, F&& f) {
  std::vector<double> bests;
  for (int i = 0; i < rounds; ++i) bests.push_back(best_ns(repeats, f));
  std::sort(bests.begin(), bests.end());
  return bests[bests.size() / 2];
}

// A 1 x channels x height x width NCHW map of values in [-1, 1).
struct Map {
  std::vector<float> data;
  FeatureMap map;
  Map(int64_t channels, int64_t height, int64_t width) : data(static_cast<size_t>(channels * height * width)) {
    Random random{7};
    for (float& v : data) v = static_cast<float>(random.next() * 2 - 1);
    map.data = data.data();
    map.length = static_cast<int64_t>(data.size());
    map.batch = 1, map.channels = channels, map.height = height, map.width = width;
  }
};

// The transposed copy per element as the map grows: flat while the map (read) and its copy
// (written) stay in cache, higher once they do not.
void probe_transpose_sizes() {
  std::printf("\n-- transpose NCHW -> NHWC, one thread, 256 channels (kTranspose*)\n");
  const int64_t sides[][2] = {{16, 32},  {32, 32},  {32, 64},   {50, 68},   {64, 96},
                              {64, 128}, {96, 128}, {128, 128}, {128, 256}, {200, 272}};
  Scratch<float> scratch;
  const float* copy = nullptr;
  for (const auto& side : sides) {
    const Map m(256, side[0], side[1]);
    const double elements = static_cast<double>(256 * side[0] * side[1]);
    const int repeats = repeats_of(elements > 4e6 ? 5 : 20);
    const double ns = best_ns(repeats, [&] { channels_last_map(m.map, one_thread(), scratch, copy); }) / elements;
    std::printf("transpose 256x%3lldx%3lld  map %6.2f MB  %.3f ns/element\n", static_cast<long long>(side[0]),
                static_cast<long long>(side[1]), elements * 4 / 1048576, ns);
  }
}

// cropAndResize, 14x14 crops of W1's map, bilinear: 300 boxes in one call (its rule picks
// channels-last: 58800 output pixels for 3400 map pixels) against the same boxes in calls of 10
// (1960 output pixels each: planar). The channels-last time less the copy, per output element.
void probe_crop(double transpose_ns) {
  std::printf("\n-- cropAndResize, 300 boxes 14x14 of 1x256x50x68, one thread (kCropElement)\n");
  const Map m(256, 50, 68);
  const int64_t count = 300, side = 14, C = 256;
  Random random{3};
  std::vector<float> boxes;
  for (int64_t k = 0; k < count; ++k) {
    const double h = 0.05 + 0.5 * random.next(), w = 0.05 + 0.5 * random.next();
    const double y = random.next() * (1 - h), x = random.next() * (1 - w);
    const float box[4] = {float(y), float(x), float(y + h), float(x + w)};
    boxes.insert(boxes.end(), box, box + 4);
  }
  const std::vector<int32_t> indices(static_cast<size_t>(count), 0);
  std::vector<float> out(static_cast<size_t>(count * side * side * C));
  CropAndResizeParams params;
  params.crop_height = params.crop_width = side;
  auto call = [&](int64_t first, int64_t n) {
    const RoiRows rows{boxes.data() + first * 4, n * 4, n, 4};
    const PooledOutput o{out.data() + first * side * side * C, n * side * side * C};
    ROIOPS_ISA::crop_and_resize_forward(m.map, rows, indices.data() + first, 1, params, o, one_thread());
  };
  const int repeats = repeats_of(7);
  const double planar = best_ns(repeats, [&] {
    for (int64_t first = 0; first < count; first += 10) call(first, 10);
  });
  const double channels_last = best_ns(repeats, [&] { call(0, count); });
  const double copy = transpose_ns * static_cast<double>(C * 50 * 68);
  const double units = static_cast<double>(count * side * side * C);
  const double planar_unit = planar / units, channels_last_unit = (channels_last - copy) / units;
  std::printf(
      "cropAndResize    planar %8.2f ms = %.3f ns/element   channels-last %8.2f ms (copy %.2f ms) = %.3f "
      "ns/element   break-even %.2f\n",
      planar / 1e6, planar_unit, channels_last / 1e6, copy / 1e6, channels_last_unit,
      (planar_unit - channels_last_unit) / transpose_ns);
}

// The backward passes on W1's shapes, one thread: with no RoIs (only the gradient zeroed and,
// for roiAlign, moved from its accumulator: per gradient element) and with W1's 1000 RoIs (the
// rest, per scatter: roiPool one argmax add per output element, roiAlign one sample's four
// corner adds per channel).
void probe_backward(const Case& w1, const RoiAlignParams& align) {
  std::printf("\n-- backward passes, W1's shapes, one thread (kPooling*/kAlign* backward)\n");
  const int64_t C = w1.map.channels, bins = 49;
  const double gradient_elements = static_cast<double>(C * w1.map.height * w1.map.width);
  std::vector<float> gradient(static_cast<size_t>(gradient_elements));
  GradientMap grad;
  grad.data = gradient.data();
  grad.length = static_cast<int64_t>(gradient.size());
  grad.batch = 1, grad.channels = C, grad.height = w1.map.height, grad.width = w1.map.width;
  const RoiRows none{w1.boxes.data(), 0, 0, 5};
  const int repeats = repeats_of(7);

  // roiPool: the forward's own argmax, and dY = 1.
  const RoiPoolParams pool = box_head_pool();
  std::vector<int32_t> argmax(w1.out.size());
  std::vector<float> pooled(w1.out.size());
  const RoiPoolRows forward{{w1.map, w1.rois}, pool, argmax.data()};
  RowPlan plan{w1.rois.count, C * bins, C, false, 1e12, pooled.data(), argmax.data()};
  run_planar_rows(forward, plan, one_thread());
  const std::vector<float> ones(w1.out.size(), 1.0f);
  const PooledGradient dy{ones.data(), static_cast<int64_t>(ones.size()), argmax.data(),
                          static_cast<int64_t>(argmax.size())};
  const double pool_empty =
      best_ns(repeats, [&] { ROIOPS_ISA::roi_pool_backward(dy, none, pool, grad, one_thread()); });
  const double pool_full =
      best_ns(repeats, [&] { ROIOPS_ISA::roi_pool_backward(dy, w1.rois, pool, grad, one_thread()); });
  const double pool_scatters = static_cast<double>(w1.rois.count * C * bins);
  std::printf(
      "roiPool backward   no RoIs %.2f ms = %.3f ns/gradient element   1000 RoIs %.2f ms: %.3f ns/scatter "
      "(%g scatters)\n",
      pool_empty / 1e6, pool_empty / gradient_elements, pool_full / 1e6, (pool_full - pool_empty) / pool_scatters,
      pool_scatters);

  const double align_empty =
      best_ns(repeats, [&] { ROIOPS_ISA::roi_align_backward(dy, none, align, w1.map, grad, one_thread()); });
  const double align_full =
      best_ns(repeats, [&] { ROIOPS_ISA::roi_align_backward(dy, w1.rois, align, w1.map, grad, one_thread()); });
  const double align_scatters = total_samples(1, w1.rois, align) * static_cast<double>(C);
  std::printf(
      "roiAlign backward  no RoIs %.2f ms = %.3f ns/gradient element   1000 RoIs %.2f ms: %.3f ns/scatter "
      "(%g scatters)\n",
      align_empty / 1e6, align_empty / gradient_elements, align_full / 1e6, (align_full - align_empty) / align_scatters,
      align_scatters);
}

// roiPool's channels-last path on W1's map (NCHW output through a tile), its output written
// with plain or non-temporal stores, as the output grows around 2^20 elements.
void probe_streaming(const Case& w1) {
  std::printf(
      "\n-- roiPool channels-last, NCHW output, plain vs streamed stores, one thread (kStreamOutputElements)\n");
  const RoiPoolParams pool = box_head_pool();
  const RoiPoolRows kernel{{w1.map, w1.rois}, pool, nullptr};
  Scratch<float> scratch;
  const float* copy = nullptr;
  channels_last_map(w1.map, one_thread(), scratch, copy);
  const int64_t block = kernel.block();
  std::vector<float> out(w1.out.size(), 0.0f);
  for (const int64_t rows : {10, 21, 42, 63, 84, 126, 168, 336, 672, 1000}) {
    BlockWriter writer(w1.map, rows * block);
    auto run = [&] {
      for (int64_t r = 0; r < rows; ++r) kernel.channels_last(r, copy, writer, out.data() + r * block);
    };
    const int repeats = repeats_of(rows < 200 ? 30 : 7);
    writer.stream = false;
    const double plain = median_best_ns(3, repeats, run);
    writer.stream = true;
    const double streamed = median_best_ns(3, repeats, run);
    const double elements = static_cast<double>(rows * block);
    std::printf("output %8.0f elements (2^%.2f, %6.2f MB)  plain %.3f  streamed %.3f ns/element  streamed/plain %.3f\n",
                elements, std::log2(elements), elements * 4 / 1048576, plain / elements, streamed / elements,
                streamed / plain);
  }
}

// roiAlign (W5's map and boxes, more of them) on one thread against two as the work grows: the
// estimate for_work compares with kSingleThreadBelowNs, and the one-thread time it stands for.
void probe_threads(const RoiAlignParams& align) {
  std::printf("\n-- roiAlign on 1x16x32x32, channels-last, 1 vs 2 threads (kSingleThreadBelowNs)\n");
  Execution two;
  two.threads = 2;
  for (const int64_t rows : {5, 10, 20, 40, 80, 160, 320, 640, 1280, 2560}) {
    const Case c = make_case(16, 32, 32, rows, 7, 256, false);
    const RoiAlignRows<AlignMode::avg> kernel{{c.map, c.rois}, align};
    const RowPlan plan{rows, 16 * 49, 16, true, 1e12, const_cast<float*>(c.out.data())};
    const int repeats = repeats_of(rows <= 40 ? 400 : 60);
    const double one = median_best_ns(5, repeats, [&] { run_channels_last_rows(kernel, c.map, plan, one_thread()); });
    const double both = median_best_ns(5, repeats, [&] { run_channels_last_rows(kernel, c.map, plan, two); });
    const double samples = total_samples(1, c.rois, align);
    std::printf(
        "%4lld RoIs  %8g samples x 16 channels  estimate %7.1f us  1 thread %7.1f us  2 threads %7.1f us  "
        "2/1 %.2f\n",
        static_cast<long long>(rows), samples, path_ns(samples, 16, kAlignSample, true) / 1e3, one / 1e3, both / 1e3,
        both / one);
  }
}

// Both paths of one kernel on one case: prints ns per unit per channel and the implied break-even.
template <class Kernel>
void probe_paths(const char* name, const Case& c, const Kernel& kernel, double units, double transpose_ns,
                 int repeats) {
  const int64_t block = static_cast<int64_t>(c.out.size()) / c.rois.count;
  float* out = const_cast<float*>(c.out.data());
  RowPlan plan{c.rois.count, block, c.map.channels, false, 1e12, out};
  repeats = repeats_of(repeats);
  const double planar = best_ns(repeats, [&] { run_planar_rows(kernel, plan, one_thread()); });
  plan.channels_last = true;
  const double channels_last = best_ns(repeats, [&] { run_channels_last_rows(kernel, c.map, plan, one_thread()); });
  const double copy = transpose_ns * static_cast<double>(c.map.batch * c.map.height * c.map.width * c.map.channels);
  const double per_unit = units * static_cast<double>(c.map.channels);
  const double planar_unit = planar / per_unit, channels_last_unit = (channels_last - copy) / per_unit;
  std::printf(
      "%-16s planar %8.2f ms = %.3f ns/unit   channels-last %8.2f ms (copy %.2f ms) = %.3f ns/unit   "
      "break-even %.2f\n",
      name, planar / 1e6, planar_unit, channels_last / 1e6, copy / 1e6, channels_last_unit,
      (planar_unit - channels_last_unit) / transpose_ns);
}

// Which path and how many threads the compiled cost model gives the bench's workloads
// (bench/workloads.ts), rebuilt here with the probe's own boxes of the same kind (another
// random stream, so the counts are close, not equal). Compile the probe against an older
// native/ (-I) to see what a change of constants moves.
void print_path(const char* name, const FeatureMap& map, double work, const PathCosts& costs, bool rule = true) {
  const bool channels_last = rule && prefer_channels_last(map, work, costs);
  const double ns = path_ns(work, map.channels, costs, channels_last);
  std::printf("%-22s %10.0f units per channel, %6lld map pixels: %-13s estimate %9.1f us, %s\n", name, work,
              static_cast<long long>(map.batch * map.height * map.width), channels_last ? "channels-last" : "planar",
              ns / 1e3, for_work(Execution{}, ns).threads == 1 ? "1 thread" : "all threads");
}

void probe_workload_paths() {
  std::printf("\n-- the bench's workloads under the compiled constants (probe's boxes)\n");
  const RoiAlignParams align = box_head_align();
  const Case w1 = make_case(256, 50, 68, 1000, 7, 400, false);
  print_path("W1 roiAlign", w1.map, total_samples(1, w1.rois, align), kAlignSample);
  const Case w2 = make_case(256, 50, 68, 100, 14, 400, false);
  RoiAlignParams mask = align;
  mask.pooled_height = mask.pooled_width = 14;
  print_path("W2 roiAlign 14x14", w2.map, total_samples(1, w2.rois, mask), kAlignSample);
  // W3: torchvision's level rule (canonical 224 at level 4, levels 2..5 = strides 4..32).
  const int64_t sides[4][2] = {{200, 272}, {100, 136}, {50, 68}, {25, 34}};
  double level_samples[4] = {0, 0, 0, 0};
  RoiAlignParams fpn = align;
  fpn.aligned = false;
  for (int64_t k = 0; k < w1.rois.count; ++k) {
    const float* row = w1.boxes.data() + k * 5;
    const double area = std::sqrt(double(row[3] - row[1]) * double(row[4] - row[2]));
    const int level = std::min(5, std::max(2, static_cast<int>(std::floor(4 + std::log2(area / 224 + 1e-6)))));
    level_samples[level - 2] += roi_samples(row, 1, 1.0f / float(4 << (level - 2)), fpn);
  }
  for (int l = 0; l < 4; ++l) {
    FeatureMap level = w1.map;
    level.height = sides[l][0], level.width = sides[l][1];
    const char* names[4] = {"W3 level P2", "W3 level P3", "W3 level P4", "W3 level P5"};
    print_path(names[l], level, level_samples[l], kAlignSample);
  }
  const RoiPoolParams pool = box_head_pool();
  print_path("W4/W4b roiPool", w1.map, pixels_scanned(w1.map, w1.rois, pool), kPooledPixel);
  Case w5 = make_case(16, 32, 32, 10, 7, 256, false);
  w5.boxes = proposals(10, 512, 512, 256, false, 5);
  w5.rois.data = w5.boxes.data();
  print_path("W5 roiAlign", w5.map, total_samples(1, w5.rois, align), kAlignSample);
  const Case w6 = make_case(256, 200, 272, 8, 7, 800, false);
  const RoiAlignParams adaptive = few_big_align();
  print_path("W6 roiAlign", w6.map, total_samples(1, w6.rois, adaptive), kAlignSample);
  const Case w7 = make_case(256, 50, 68, 1000, 7, 400, true);
  const RoiAlignRotatedParams rotated = rotated_align();
  print_path("W7 roiAlignRotated", w7.map, rotated_samples(1, w7.rois, rotated), kRotatedSample);
  const Case w8 = make_case(490, 50, 68, 300, 7, 400, false);
  print_path("W8 psRoiAlign", w8.map, total_samples(1, w8.rois, align) / 49, kAlignSample);
  // psRoiPool: copies the map bin-major when its map elements are at most its reads (pixels of
  // the bins, times output channels) times kPooledPixel's break-even (ps_roi_pool.h).
  PsRoiPoolParams ps;
  ps.pooled_height = ps.pooled_width = 7;
  ps.spatial_scale = 1.0f / 16;
  const double reads = ps_pixels(w8.map, w8.rois, ps) * 10;
  const bool ps_copy = 490.0 * 3400 <= reads * kPooledPixel.break_even;
  std::printf("%-22s %10.0f reads, %8d map elements: %-13s estimate %9.1f us, %s\n", "W8b psRoiPool", reads, 490 * 3400,
              ps_copy ? "bin-major" : "direct", reads * kPooledPixel.planar_ns / 1e3,
              for_work(Execution{}, reads * kPooledPixel.planar_ns).threads == 1 ? "1 thread" : "all threads");
}
}  // namespace

int main(int argc, char** argv) {
  quick = argc > 1 && std::string(argv[1]) == "quick";
  if (argc > 1 && std::string(argv[1]) == "paths") {
    probe_workload_paths();
    return 0;
  }
  std::printf("cost-model probe, %s, one thread unless said; best of several runs\n",
              VectorLanes::width == 16  ? "AVX-512"
              : VectorLanes::width == 8 ? "AVX2"
                                        : "SSE2");
  const Case w1 = make_case(256, 50, 68, 1000, 7, 400, false);

  // The transposed copy, per map element.
  Scratch<float> scratch;
  const float* copy = nullptr;
  const double elements = static_cast<double>(w1.map.channels * w1.map.height * w1.map.width);
  const double transpose_ns =
      best_ns(repeats_of(20), [&] { channels_last_map(w1.map, one_thread(), scratch, copy); }) / elements;
  std::printf("%-16s %.3f ns/element (1x256x50x68 NCHW -> NHWC)\n", "transpose", transpose_ns);

  const RoiAlignParams align = box_head_align();
  probe_paths("roiAlign (W1)", w1, RoiAlignRows<AlignMode::avg>{{w1.map, w1.rois}, align},
              total_samples(1, w1.rois, align), transpose_ns, 3);

  // W6, few big RoIs on a big map: the case the break-even keeps planar. Its map (56 MB) does
  // not stay in cache, so its copy is timed on its own too.
  const Case w6 = make_case(256, 200, 272, 8, 7, 800, false);
  const double w6_elements = static_cast<double>(256 * 200 * 272);
  const double w6_transpose_ns =
      best_ns(repeats_of(5), [&] { channels_last_map(w6.map, one_thread(), scratch, copy); }) / w6_elements;
  std::printf("%-16s %.3f ns/element (1x256x200x272 NCHW -> NHWC)\n", "transpose (W6)", w6_transpose_ns);
  const RoiAlignParams adaptive = few_big_align();
  const double w6_samples = total_samples(1, w6.rois, adaptive);
  std::printf("%-16s %g samples per channel for %g map pixels: copy_pays says %s\n", "roiAlign (W6)", w6_samples,
              w6_elements / 256, copy_pays(w6.map, w6_samples, kAlignSample) ? "channels-last" : "planar");
  probe_paths("roiAlign (W6)", w6, RoiAlignRows<AlignMode::avg>{{w6.map, w6.rois}, adaptive}, w6_samples,
              w6_transpose_ns, 3);

  const Case w7 = make_case(256, 50, 68, 1000, 7, 400, true);
  const RoiAlignRotatedParams rotated = rotated_align();
  probe_paths("roiAlignRotated", w7, RotatedAlignRows{{w7.map, w7.rois}, rotated}, rotated_samples(1, w7.rois, rotated),
              transpose_ns, 3);

  const RoiPoolParams pool = box_head_pool();
  probe_paths("roiPool (W4b)", w1, RoiPoolRows{{w1.map, w1.rois}, pool, nullptr}, pixels_scanned(w1.map, w1.rois, pool),
              transpose_ns, 5);

  PreciseRoiPoolParams precise;
  precise.pooled_height = precise.pooled_width = 7;
  precise.spatial_scale = 1.0f / 16;
  probe_paths("preciseRoiPool", w1, PreciseRoiPoolRows{{w1.map, w1.rois}, precise},
              precise_taps_total(w1.map, w1.rois, precise), transpose_ns, 5);

  probe_transpose_sizes();
  probe_crop(transpose_ns);
  probe_backward(w1, align);
  probe_streaming(w1);
  probe_threads(align);
  return 0;
}
