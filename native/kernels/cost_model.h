// The cost model: every estimate that picks a kernel's path or its thread count, in one place.
// None of it changes a result (every path gives the same bits); it only decides speed.
//
// Units: nanoseconds per unit of work per channel, one thread. A unit is what a kernel's inner
// loop does once per channel: a bilinear sample (roiAlign family), a pixel read (max/avg
// pooling) or a coefficient tap (preciseRoiPool). The planar NCHW kernels are scalar; the
// channels-last kernels vectorise across channels but first need a transposed copy of an NCHW
// map, about one element move per map element. So the copy pays when
//     map elements per channel * kTransposeNs <= work per channel * (planar ns - channels-last ns),
// i.e. when N*H*W <= work * break_even, break_even = (planar - channels_last) / kTransposeNs.
//
// How each figure was set. The values were first measured on an AVX-512 AMD EPYC, one thread,
// with C++ harnesses that are not in the repository (no date recorded); they are kept as they
// were, so that no path choice or thread count moved with the refactor that gathered them here.
// Each was re-measured on 2026-12-07 with `sh bench/cost-model-probe.sh` (AVX-512 AMD EPYC, two
// cores shared with other jobs, load average ~8: absolute times are inflated, ratios less so);
// the probe forces each kernel through both paths of roi_driver.h on one thread on W1's shapes
// (bench/workloads.ts), and W6's shapes with the probe's own boxes. Its figures are quoted
// below as "probe 2026-12-07". Where they differ from a constant, the constant was left alone:
// the per-unit costs depend on the workload (box sizes, cache residency), so a change needs a
// quiet machine and the bench's W1..W8b before and after (bench/addon-ab.ts).
// Included inside an instruction-set namespace, like common.h.
#pragma once
#include <cstdint>

#include "common.h"

namespace roiops {
namespace ROIOPS_ISA {

// What one unit of a kernel's work costs on each path, and the break-even it implies.
struct PathCosts {
  double planar_ns;         // per unit per channel on the planar NCHW path (scalar)
  double channels_last_ns;  // per unit per channel on the channels-last path (vectorised)
  double break_even;        // map elements per channel that one unit of work pays to copy
};

// One transposed element (transpose_to_channels_last, NCHW -> [N][H*W][C]).
// Probe 2026-12-07: 0.60 ns for W6's 56 MB map (out of cache, the case the break-even decides);
// 0.10 ns for W1's 3.5 MB map, which stays in cache.
// Quiet re-run 2026-12-07 11:59 UTC (load 1.1, same command): 0.283 ns for W6's map, 0.135 ns for W1's.
constexpr double kTransposeNs = 0.7;

// roiAlign, multiScaleRoiAlign, psRoiAlign: one bilinear sample (4 loads, 4 mul, 4 add).
// break_even (3 - 0.15) / 0.7 = 4.07, rounded to 4. W1 (196000 samples for 3400 map pixels)
// goes channels-last; W6 (9653 samples for 54400 pixels of a 256-channel map) stays planar.
// Probe 2026-12-07: W1 planar 1.81 ns, channels-last 0.47 ns per sample; W6-like (18473
// samples for 54400 pixels) planar 1.46 ns, channels-last 0.31 ns, copy 8.4 ms, so planar was
// faster (6.9 against 9.8 ms) though this rule picks channels-last there: break-even 1.9 on
// that map, 2.2 for W1 with the out-of-cache copy cost.
// Quiet re-run 2026-12-07 11:59 UTC: W1 planar 0.751, channels-last 0.246 ns per sample,
// break-even 3.74 (this rule's 4 holds); W6-like planar 2.48 ms against channels-last 5.17 ms
// (copy 3.94 ms), break-even 0.93: on a map that does not fit in cache the copy costs twice as
// much per element, and this rule then picks the slower path. Not changed here (a speed-only
// decision for a quiet bench of W1..W8b before and after).
constexpr PathCosts kAlignSample{3.0, 0.15, 4.0};

// roiAlignRotated: a sample also computes its rotated position and corner list per bin.
// Its planar cost and break-even are roiAlign's (the same planar loop over listed samples).
// Probe 2026-12-07 (W7's shapes): planar 6.85 ns, channels-last 0.65 ns per sample.
// Quiet re-run 2026-12-07 11:59 UTC: planar 1.903, channels-last 0.236 ns, break-even 12.3.
constexpr PathCosts kRotatedSample{3.0, 0.2, 4.0};

// roiPool, spatialPyramidPool, psRoiPool (a pixel read) and preciseRoiPool (a tap: a
// multiply-add). break_even (1 - 0.1) / 0.7 = 1.29, rounded to 1.3.
// Probe 2026-12-07 (W1's shapes): roiPool planar 14.4 ns, channels-last 0.33 ns per pixel;
// preciseRoiPool planar 1.19 ns, channels-last 0.19 ns per tap. Both far on the channels-last
// side for W1, as this rule says; no workload near the break-even was probed.
// Quiet re-run 2026-12-07 11:59 UTC: roiPool (W4b) planar 5.27, channels-last 0.157 ns per
// pixel, break-even 37.8; preciseRoiPool planar 0.501, channels-last 0.073 ns, break-even 3.16.
constexpr PathCosts kPooledPixel{1.0, 0.1, 1.3};

// cropAndResize: one output element (two lerps of four corners). The copy pays when the crops
// have more output pixels than the map has pixels: measured 48 -> 21 ms for 300 14x14 crops of
// a 256x50x68 map (carried over from the kernel's first measurement, not re-run here).
constexpr PathCosts kCropElement{1.0, 0.3, 1.0};

// Backward passes: one scatter (pooling: one argmax/average add; roiAlign: one sample's four
// corner adds) and one gradient element zeroed or moved. Carried over from the backward
// kernels' first measurements (not re-run here): they only set the thread count.
constexpr double kPoolingScatterNs = 1.0;
constexpr double kPoolingGradientElementNs = 0.3;
constexpr double kAlignScatterNs = 1.0;
constexpr double kAlignGradientElementNs = 1.5;

// Waking pool threads costs microseconds, so a call estimated under this many nanoseconds runs
// on its calling thread alone. Set by W5 (10 RoIs of 16 channels, 1960 samples * 16 channels
// * 0.15 ns = 4.7 us estimated): 39 us on two threads against 19 us on one (first measurement).
// Probe 2026-12-07: W5's channels-last path 5.5 us on one thread and 5.5 us on two, no gain
// from the second thread; the 50 us bound itself was not re-derived.
// Quiet re-run 2026-12-07 11:59 UTC: W5 6.3 us on one thread, 10.5 us on two.
constexpr double kSingleThreadBelowNs = 50000.0;

// An output larger than this many elements is written with non-temporal stores: it cannot
// stay in cache anyway, and streaming saves reading each line before writing it (W1's 50 MB
// output: 2.1 ms this way, measured by the prototype; carried over, not re-run here).
constexpr int64_t kStreamOutputElements = int64_t(1) << 20;

// True when the transposed copy of an NCHW map (N*H*W elements per channel) pays for itself
// against `work_per_channel` units whose costs are `costs`.
inline bool copy_pays(const FeatureMap& map, double work_per_channel, const PathCosts& costs) {
  return static_cast<double>(map.batch * map.height * map.width) <= work_per_channel * costs.break_even;
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
