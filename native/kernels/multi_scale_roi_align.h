// Multi-scale (FPN) RoIAlign forward (docs/semantics.md "multiScaleRoiAlign", torchvision
// MultiScaleRoIAlign): one call for every level. Each RoI runs RoIAlign avg's per-RoI work
// (kernels/roi_align.h) on its level's map with its level's scale, so row k is bit for bit
// roi_align_forward of that level. The path (channels-last or planar) is chosen per level from
// the RoIs it holds, as roi_align_forward would for that level alone; each level chosen for
// the channels-last path is transposed once per call. A 16-bit level is widened in that copy,
// or on the planar path only where its RoIs read (kernels/partial_widening.h).
#pragma once
#include "roi_align.h"

namespace roiops {
namespace ROIOPS_ISA {

// The 16-bit levels on the planar path (plans[l].channels_last false) in float32: the pixels
// their RoIs read widened into one per-thread block of `elements` floats (every such level
// whole), and plans[l].data pointed there.
template <class LevelPlan>
inline Status widen_planar_levels(const FeatureLevels& levels, const RoiRows& rois, const RoiLevelIndices& roi_levels,
                                  const RoiAlignParams& align, int64_t elements, const Execution& execution,
                                  LevelPlan* plans) {
  thread_local Scratch<float> widened;
  float* dst;
  try {
    dst = widened.reserve(elements);
  } catch (const std::bad_alloc&) {
    return {StatusCode::out_of_memory, -1, "out of memory for the float32 copy of a 16-bit map"};
  }
  for (int64_t l = 0; l < levels.count; ++l) {
    const FeatureMap& map = levels.maps[l];
    if (plans[l].channels_last) continue;
    PixelsRead read(map.batch, map.height);
    for (int64_t k = 0; k < rois.count; ++k)
      if (roi_levels.data[k] == l)
        mark_pixels_read(rois.data + k * 5, map.batch, map.height, map.width, levels.scales[l], align, read);
    FeatureMap view;
    const Status status = widen_pixels_read(map, read, execution, dst, view);
    if (!status.ok()) return status;
    plans[l].data = view.data;
    dst += map.batch * map.channels * map.height * map.width;
  }
  return Status::success();
}

inline Status multi_scale_roi_align_forward(const FeatureLevels& levels, const RoiRows& rois,
                                            const RoiLevelIndices& roi_levels, const MultiScaleRoiAlignParams& params,
                                            const PooledOutput& out, Execution execution) {
  const int64_t L = levels.count;
  const FeatureMap& first = levels.maps[0];
  const int64_t N = first.batch, C = first.channels;
  const int64_t PH = params.pooled_height, PW = params.pooled_width, bins = PH * PW, block = C * bins;
  RoiAlignParams align;
  align.pooled_height = PH;
  align.pooled_width = PW;
  align.sampling_ratio = params.sampling_ratio;
  align.aligned = params.aligned;
  align.max_samples_per_roi = params.max_samples_per_roi;

  auto level_of = [&](int64_t k) -> int64_t {
    const int32_t l = roi_levels.data[k];
    return l >= 0 && l < L ? l : -1;
  };

  // Per level: its samples, its path, the floats it reads.
  struct LevelPlan {
    double samples = 0;
    bool channels_last = false;
    const float* data = nullptr;  // [N][H*W][C] when channels_last, else the NCHW map in float32
  };
  Scratch<LevelPlan> plan_scratch;
  LevelPlan* plans;
  try {
    plans = plan_scratch.reserve(L);
  } catch (const std::bad_alloc&) {
    return {StatusCode::out_of_memory, -1, "out of memory for the level plans"};
  }
  for (int64_t l = 0; l < L; ++l) plans[l] = LevelPlan();
  for (int64_t k = 0; k < rois.count; ++k) {
    const int64_t l = level_of(k);
    if (l >= 0) plans[l].samples += roi_samples(rois.data + k * 5, N, levels.scales[l], align);
  }
  // A 16-bit level is widened in its channels-last copy, or on the planar path into a float32
  // copy of the pixels its RoIs read (as roi_align_forward does for one map).
  const bool half = first.type != ElementType::float32;
  int64_t copy_elements = 0, widened_elements = 0;
  bool any_planar = false;
  double work = 0;
  for (int64_t l = 0; l < L; ++l) {
    const FeatureMap& map = levels.maps[l];
    const int64_t elements = N * map.height * map.width * C;
    plans[l].channels_last = prefer_channels_last(map, plans[l].samples, kAlignSample);
    if (plans[l].channels_last && (map.layout == Layout::nchw || half)) copy_elements += elements;
    if (!plans[l].channels_last && half) widened_elements += elements;
    if (!plans[l].channels_last) plans[l].data = map.data;
    any_planar = any_planar || (!plans[l].channels_last && plans[l].samples > 0);
    work += path_ns(plans[l].samples, C, kAlignSample, plans[l].channels_last);
  }

  // One thread_local buffer holds every transposed level, so repeated calls reuse its pages.
  thread_local Scratch<float> transposed;
  float* copies = nullptr;
  if (copy_elements > 0) {
    try {
      copies = transposed.reserve(copy_elements);
    } catch (const std::bad_alloc&) {
      return {StatusCode::out_of_memory, -1, "out of memory for the channels-last copy of the input"};
    }
  }
  for (int64_t l = 0; l < L; ++l) {
    const FeatureMap& map = levels.maps[l];
    if (!plans[l].channels_last) continue;
    if (map.layout == Layout::nhwc && !half) {
      plans[l].data = map.data;
      continue;
    }
    const Status status = map.layout == Layout::nhwc ? widen_channels_last(map, execution, copies)
                                                     : transpose_to_channels_last(map, execution, copies);
    if (!status.ok()) return status;
    plans[l].data = copies;
    copies += N * map.height * map.width * C;
  }
  if (widened_elements > 0) {
    const Status status = widen_planar_levels(levels, rois, roi_levels, align, widened_elements, execution, plans);
    if (!status.ok()) return status;
  }

  // The output as the row driver sees it, for its 16-bit output handling (kernels/roi_driver.h:
  // each row rounded as soon as it is done).
  RowPlan rows_out{rois.count, block, C, false, 0.0, out.data};
  if (out.type != ElementType::float32) {
    rows_out.out16 = out.data16;
    rows_out.out_type = out.type;
  }
  const BlockWriter writer(first, rows_out.out16 != nullptr ? 0 : rois.count * block);
  // With a planar level, RoIs split into channel chunks as roi_align_forward's planar path
  // does; a channels-last RoI is then done by its chunk 0.
  const int64_t chunks =
      any_planar ? std::max<int64_t>((C + kPlanarChannelsPerTask - 1) / kPlanarChannelsPerTask, 1) : 1;
  return run_tasks(rois.count * chunks, for_work(execution, work), [&](int64_t task) {
    const int64_t k = task / chunks, chunk = task % chunks;
    const float* row = rois.data + k * 5;
    const int64_t l = level_of(k);
    if (l < 0 || !roi_row_is_valid(row, N)) {
      if (chunk == 0) fill_unusable_row(rows_out, k);
      return Status::success();
    }
    const FeatureMap& map = levels.maps[l];
    const LevelPlan& plan = plans[l];
    if (plan.channels_last && chunk != 0) return Status::success();
    const int64_t H = map.height, W = map.width;
    thread_local RoiTaps taps;
    const Status status = roi_taps(row, k, H, W, levels.scales[l], align, taps);
    if (!status.ok()) return status;
    const int64_t b = static_cast<int64_t>(row[0]);
    float* values = block_of(rows_out, k);
    if (plan.channels_last) {
      align_roi_channels_last<AlignMode::avg>(plan.data + b * H * W * C, W, C, AxisSampler{taps, PW}, bins, writer,
                                              values);
      round_block(rows_out, k, values, 0, block);
    } else {
      // Unsplit (no planar level has samples, yet this RoI's level is planar: it has none), the
      // one task pools every channel; split, its chunk's.
      const int64_t c0 = chunk * kPlanarChannelsPerTask;
      const int64_t c1 = chunks == 1 ? C : std::min(c0 + kPlanarChannelsPerTask, C);
      align_roi_planar<AlignMode::avg>(plan.data + b * C * H * W, H, W, taps, PH, PW, c0, c1, values);
      round_block(rows_out, k, values, c0 * bins, (c1 - c0) * bins);
    }
    return Status::success();
  });
}

}  // namespace ROIOPS_ISA
}  // namespace roiops
