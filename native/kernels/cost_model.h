// The cost model: every estimate that picks a kernel's path or its thread count, in one place.
// None of it changes a result (every path gives the same bits); it only decides speed.
//
// Units: nanoseconds per unit of work per channel, one thread. A unit is what a kernel's inner
// loop does once per channel: a bilinear sample (roiAlign family), a pixel read (max/avg
// pooling) or a coefficient tap (preciseRoiPool). The planar NCHW kernels are scalar; the
// channels-last kernels vectorise across channels but first need a transposed copy of an NCHW
// map, one element move per map element, which costs more once the map leaves the cache. So
// the copy pays when
//     map elements per channel * transpose ns <= work per channel * (planar ns - channels-last ns).
//
// How each figure was set: `sh bench/cost-model-probe.sh` (AVX-512 AMD EPYC, 2 cores shared
// with other jobs), run three times on 2026-12-07 between 12:18 and 12:19 UTC, load average
// 2.1-2.3 (another job held about one core; the probe takes the best of several runs on one
// thread). Each constant below quotes the three runs' figures and takes their median, rounded.
// Single-thread figures; the two-thread one (kSingleThreadBelowNs) suffers most from the load.
// `sh bench/cost-model-probe.sh paths` prints the path and thread count these give W1..W8b.
//
// Included inside an instruction-set namespace, like common.h.
#pragma once
#include <cstdint>

#include "common.h"

namespace roiops {
namespace ROIOPS_ISA {

// The transposed copy (transpose_to_channels_last, NCHW -> [N][H*W][C]), per element, one
// thread, on 256-channel maps of 0.5 to 53 MB. Runs 1/2/3, ns per element:
//   0.5-3.3 MB: 0.160 0.149 0.154 0.133 / 0.200 0.203 0.248 0.134 / 0.157 0.122 0.129 0.088
//   6-53 MB:    0.255 0.317 0.316 0.456 0.685 0.402 / 0.254 0.319 0.322 0.571 0.767 0.282 /
//               0.285 0.286 0.321 0.338 0.554 0.277
// The step lies between the 3.3 MB map (W1's) and the 6 MB one, hence the bound of 4 MB of map
// (its copy as big again). In cache: median 0.154, W1's map alone 0.133 0.134 0.088 -> 0.14.
// Out of cache: median 0.32 (W6's 53 MB map: 0.402 0.282 0.277, and 0.423 0.299 0.325 in the
// probe's first transpose). Before: one figure, 0.7 ns, for every map.
constexpr double kTransposeCacheBytes = 4.0 * 1024 * 1024;
constexpr double kTransposeInCacheNs = 0.14;
constexpr double kTransposeOutOfCacheNs = 0.32;
// The figure transpose.h's thread count uses: the out-of-cache one, an upper bound.
constexpr double kTransposeNs = kTransposeOutOfCacheNs;

// What one unit of a kernel's work costs on each path.
struct PathCosts {
  double planar_ns;         // per unit per channel on the planar NCHW path (scalar)
  double channels_last_ns;  // per unit per channel on the channels-last path (vectorised)
  // Map elements per channel one unit of work pays to copy when the map does not fit in cache
  // (the rule of a kernel that does not size its map: ps_roi_pool.h); copy_pays sizes the map.
  double break_even;

  constexpr PathCosts(double planar, double channels_last)
      : planar_ns(planar),
        channels_last_ns(channels_last),
        break_even((planar - channels_last) / kTransposeOutOfCacheNs) {}
};

// roiAlign, multiScaleRoiAlign, psRoiAlign: one bilinear sample (4 loads, 4 mul, 4 add).
// W1's shapes, ns per sample per channel, planar 1.042 0.820 0.778, channels-last 0.326 0.262
// 0.257 -> {0.8, 0.26}. Break-even (0.8 - 0.26) / 0.14 = 3.9 in cache (W1 goes channels-last:
// 196000 samples for 3400 pixels), / 0.32 = 1.7 out of cache. The probe's W6-like case (18473
// samples for the 54400 pixels of a 53 MB map) now goes planar: planar 3.61 2.48 2.70 ms against
// channels-last 8.53 9.70 6.45 ms (the copy alone 5.90 4.17 4.52 ms), where the single 0.7 ns
// transpose picked channels-last. Before: {3.0, 0.15}, break-even 4 for every map.
// Of the bench's workloads only W8 changes path (psRoiAlign, about 1200 samples per channel for
// the 3400 pixels of a 6.7 MB map: channels-last before, planar now). npx tsx bench/addon-ab.ts
// --only=W1,...,W8b --budget=2000, new/old per call, 1 thread, 2026-12-07 12:21-12:25 UTC, load
// ~2.5, against /work/s7/before-roi_ops.node in both load orders twice: W8 0.72 0.70 0.73 0.78;
// against this commit's parent, both orders: W8 0.79 0.70. The rest within the load-order
// noise: W1 1.09 1.02 1.06 1.03 / 1.03 1.02, W6 0.99 1.03 0.95 1.16 / 1.03 1.01, W8b 0.99-1.02.
constexpr PathCosts kAlignSample{0.8, 0.26};

// roiAlignRotated: a sample also computes its rotated position and corner list per bin.
// W7's shapes: planar 2.894 1.941 2.018, channels-last 0.295 0.263 0.258 -> {2.0, 0.26}
// (break-even 12.4 in cache). Before: {3.0, 0.2}, break-even 4.
constexpr PathCosts kRotatedSample{2.0, 0.26};

// roiPool, spatialPyramidPool, psRoiPool (a pixel read) and preciseRoiPool (a tap: a
// multiply-add), one figure for the four. W1's shapes: preciseRoiPool planar 0.943 0.923 0.548,
// channels-last 0.099 0.109 0.079 -> {0.9, 0.1}; roiPool (W4b) planar 6.90 6.98 5.53,
// channels-last 0.254 0.157 0.174. Set from preciseRoiPool's, the smaller gain per unit, so the
// copy is taken only where it pays for all four. Break-even (0.9 - 0.1) / 0.14 = 5.7 in cache,
// 2.5 out of cache. Before: {1.0, 0.1}, break-even 1.3.
constexpr PathCosts kPooledPixel{0.9, 0.1};

// cropAndResize: one output element (two lerps of four corners). 300 14x14 crops of W1's map in
// one call (channels-last) against calls of 10 (planar), ns per output element per channel:
// planar 2.712 1.851 1.844, channels-last less the copy 1.053 0.817 0.828 -> {1.85, 0.83}
// (break-even 7.3 in cache). Before: {1.0, 0.3}, break-even 1, from the kernel's first
// measurement (48 -> 21 ms for these crops).
constexpr PathCosts kCropElement{1.85, 0.83};

// Backward passes: one scatter (pooling: one argmax/average add; roiAlign: one sample's four
// corner adds) and one gradient element zeroed or moved. They only set the thread count. W1's
// shapes: with no RoIs (the gradient alone) and with W1's 1000 RoIs (the rest, per scatter).
// roiPool: gradient element 0.044 0.041 0.037, scatter 1.816 1.806 1.324 -> 0.04, 1.8.
// roiAlign: gradient element 0.183 0.182 0.133, scatter 1.436 1.436 1.015 -> 0.18, 1.4.
// Before: 0.3, 1.0 and 1.5, 1.0 (the kernels' first measurements).
constexpr double kPoolingScatterNs = 1.8;
constexpr double kPoolingGradientElementNs = 0.04;
constexpr double kAlignScatterNs = 1.4;
constexpr double kAlignGradientElementNs = 0.18;

// Waking pool threads costs microseconds, so a call estimated under this many nanoseconds runs
// on its calling thread alone. roiAlign's channels-last path on W5's map with 5 to 2560 RoIs,
// one thread against two, two/one time per run: up to 20 us one-thread time (5-20 RoIs) 1.02
// 0.76 0.97 / 1.00 0.97 1.00 / 0.93 0.98 0.99, no gain but noise; from 40 to 1280 RoIs (20 us to
// 0.65 ms) 0.66-1.01 / 0.63-0.97 / 0.87-1.01, a gain that grows with the work; 2560 RoIs (1.8
// ms) 0.73 / 0.72 / 0.65. The second core was busy with another job, so where two threads start
// to pay was not found more closely than "between 20 and 60 us": 50 us kept (W5: 8 us, one thread).
constexpr double kSingleThreadBelowNs = 50000.0;

// An output larger than this many elements is written with non-temporal stores, so that it
// does not evict the map and the copy from cache. roiPool's channels-last path on W1's map, NCHW
// output, one thread, streamed/plain time per run at 2^17, 2^18, 2^19, 2^19.6, 2^20, 2^20.6,
// 2^21, 2^22, 2^23, 2^23.6 elements:
//   1.11 1.16 1.16 1.16 1.14 1.08 1.00 0.98 1.00 1.01 / 1.09 1.15 0.87 1.15 1.12 0.96 0.94 1.09
//   1.07 1.05 / 1.16 1.18 1.20 1.22 1.22 1.19 1.16 1.08 1.03 1.12
// Streaming costs 10-20% up to 2^20 elements and stops costing from about 2^21 on; it did not
// pay at any size on one thread here. Kept at 2^20 (W1's first measurement, by the prototype:
// roiAlign's 50 MB output 2.1 ms faster streamed): moving it would move W1..W4 and W7, whose
// outputs are 2^22.3-2^23.6 elements, and this probe does not show a gain either way there.
constexpr int64_t kStreamOutputElements = int64_t(1) << 20;

// One transposed element of `map`: the in-cache cost while the map and its copy fit in cache.
inline double transpose_element_ns(const FeatureMap& map) {
  const double bytes = static_cast<double>(map.batch * map.channels * map.height * map.width) * sizeof(float);
  return bytes <= kTransposeCacheBytes ? kTransposeInCacheNs : kTransposeOutOfCacheNs;
}

// True when the transposed copy of an NCHW map (N*H*W elements per channel) pays for itself
// against `work_per_channel` units whose costs are `costs`.
inline bool copy_pays(const FeatureMap& map, double work_per_channel, const PathCosts& costs) {
  return static_cast<double>(map.batch * map.height * map.width) * transpose_element_ns(map) <=
         work_per_channel * (costs.planar_ns - costs.channels_last_ns);
}

// The channels-last path: always for an NHWC map (no copy needed), else when the copy pays.
inline bool prefer_channels_last(const FeatureMap& map, double work_per_channel, const PathCosts& costs) {
  return map.layout == Layout::nhwc || copy_pays(map, work_per_channel, costs);
}

// The estimated nanoseconds of `work_per_channel` units over `channels` channels on one path.
inline double path_ns(double work_per_channel, int64_t channels, const PathCosts& costs, bool channels_last) {
  return work_per_channel * static_cast<double>(channels) * (channels_last ? costs.channels_last_ns : costs.planar_ns);
}

// The call's execution, on one thread when its work is too small to wake the pool.
inline Execution for_work(Execution execution, double nanoseconds) {
  if (nanoseconds < kSingleThreadBelowNs) execution.threads = 1;
  return execution;
}

}  // namespace ROIOPS_ISA
}  // namespace roiops
