// Position-sensitive RoIAlign forward (reference/semantics.md §3.2, torchvision
// ps_roi_align): RoIAlign avg with aligned=true, where output channel c_out of bin
// b = ph*PW + pw reads input channel c_out*PH*PW + b. torchvision's sample coordinate
// `hstart + (iy + .5f)*bin_h/grid_h` with hstart = ph*bin_h + start is RoIAlign's (float
// addition commutes), and its val = w1*v1 + w2*v2 + w3*v3 + w4*v4 and out_sum += val are
// RoIAlign's avg, so the RoIAlign machinery computes it exactly. Differences: a bin without
// samples is 0 (torchvision: 0/0 = NaN, §10.2).
//
// Channels-last path: the map is copied once as [N][H*W][bins][C_out] (channel c_out*bins + b
// moved to b*C_out + c_out), so that a bin's C_out channels are contiguous and vectorise like
// RoIAlign's. Planar path (few RoIs on a big map, in either layout): bin by bin, channel by
// channel, reading the map where it lies. An NHWC map took the copy whatever the work until
// the scale tests (native/tests/scale_tests.cc): one RoI on a 19 GB map allocated and wrote
// another 19 GB.
#pragma once
#include "roi_align.h"

namespace roiops {
namespace ROIOPS_ISA {

// The map as [N][H*W][bins][C/bins] in `scratch` (see above), from either layout.
inline Status ps_channels_last_map(const FeatureMap& map, int64_t bins, const Execution& execution,
                                   Scratch<float>& scratch, const float*& result) {
  const int64_t C = map.channels, pixels = map.height * map.width, groups = C / bins;
  float* dst;
  try {
    dst = scratch.reserve(map.batch * pixels * C);
  } catch (const std::bad_alloc&) {
    return {StatusCode::out_of_memory, -1, "out of memory for the channels-last copy of the input"};
  }
  result = dst;
  constexpr int64_t kPixelsPerTask = 256;
  const int64_t tasks_per_image = (pixels + kPixelsPerTask - 1) / kPixelsPerTask;
  const double elements = static_cast<double>(map.batch * pixels * C);
  return run_tasks(map.batch * tasks_per_image, for_work(execution, elements * 0.7), [&](int64_t task) {
    const int64_t n = task / tasks_per_image;
    const int64_t p0 = (task % tasks_per_image) * kPixelsPerTask;
    const int64_t count = std::min(kPixelsPerTask, pixels - p0);
    float* image = dst + n * pixels * C;
    if (map.layout == Layout::nchw) {
      const float* src = map.data + n * C * pixels;
      for (int64_t b = 0; b < bins; ++b)  // rows: channels c_out*bins + b; columns: pixels
        transpose(src + b * pixels + p0, groups, count, bins * pixels, image + p0 * C + b * groups, C);
    } else {
      const float* src = map.data + n * pixels * C;
      for (int64_t p = p0; p < p0 + count; ++p)  // per pixel: [C_out][bins] -> [bins][C_out]
        transpose(src + p * C, groups, bins, bins, image + p * C, groups);
    }
    return Status::success();
  });
}

inline Status ps_roi_align_forward(const FeatureMap& map, const RoiRows& rois, const PsRoiAlignParams& params,
                                   const PooledOutput& out, Execution execution) {
  const int64_t C = map.channels, H = map.height, W = map.width;
  const int64_t PH = params.pooled_height, PW = params.pooled_width, bins = PH * PW;
  const int64_t groups = C / bins, block = groups * bins;
  RoiAlignParams align;
  align.pooled_height = PH;
  align.pooled_width = PW;
  align.spatial_scale = params.spatial_scale;
  align.sampling_ratio = params.sampling_ratio;
  align.aligned = true;
  align.max_samples_per_roi = params.max_samples_per_roi;

  // Each input channel is read by one bin of each RoI. The copy pays when that work is large
  // against the map (kernels/common.h prefer_channels_last's rule, applied to both layouts).
  const double samples = total_samples(map, rois, align);
  if (static_cast<double>(map.batch * H * W) > samples / static_cast<double>(bins) * 4.0) {
    // Channel c of an image starts c * H * W (NCHW) or c (NHWC) floats in; a pixel row is W or
    // W * C floats, a pixel 1 or C. The output follows the layout: [C_out][bins] or [bins][C_out].
    const bool nchw = map.layout == Layout::nchw;
    const int64_t channel_step = nchw ? H * W : 1, row_stride = nchw ? W : W * C, column_stride = nchw ? 1 : C;
    const int64_t chunks = std::max<int64_t>((groups + kPlanarChannelsPerTask - 1) / kPlanarChannelsPerTask, 1);
    const Execution planar = for_work(execution, samples / static_cast<double>(bins) * static_cast<double>(C) * 3.0);
    return run_tasks(rois.count * chunks, planar, [&](int64_t task) {
      const int64_t k = task / chunks, c0 = (task % chunks) * kPlanarChannelsPerTask;
      const float* row = rois.data + k * 5;
      if (!roi_row_is_valid(row, map.batch)) {
        if (c0 == 0) fill_block(out.data + k * block, block, 0.0f);
        return Status::success();
      }
      thread_local RoiTaps taps;
      thread_local Scratch<BinSample> list;
      const Status status = roi_taps(row, k, H, W, params.spatial_scale, align, taps);
      if (!status.ok()) return status;
      const float* image = map.data + static_cast<int64_t>(row[0]) * C * H * W;
      const int64_t c1 = std::min(c0 + kPlanarChannelsPerTask, groups);
      const AxisSampler sampler{taps, PW};
      // Output channel c of bin b reads input channel c*bins + b.
      for (int64_t b = 0; b < bins; ++b)
        align_bin_planar<AlignMode::avg>(image + b * channel_step, bins * channel_step, row_stride, column_stride,
                                         sampler, b, c0, c1, out.data + k * block + (nchw ? b : b * groups),
                                         nchw ? bins : 1, list);
      return Status::success();
    });
  }

  thread_local Scratch<float> permuted;
  const float* channels_last = nullptr;
  const Status prepared = ps_channels_last_map(map, bins, execution, permuted, channels_last);
  if (!prepared.ok()) return prepared;
  const BlockWriter writer(map, rois.count * block);
  return run_tasks(rois.count, for_work(execution, samples / static_cast<double>(bins) * static_cast<double>(C) * 0.15),
                   [&](int64_t k) {
                     const float* row = rois.data + k * 5;
                     if (!roi_row_is_valid(row, map.batch)) {
                       fill_block(out.data + k * block, block, 0.0f);
                       return Status::success();
                     }
                     thread_local RoiTaps taps;
                     thread_local Scratch<float> tile, planar_tile;
                     thread_local Scratch<BinSample> list;
                     const Status status = roi_taps(row, k, H, W, params.spatial_scale, align, taps);
                     if (!status.ok()) return status;
                     const float* image = channels_last + static_cast<int64_t>(row[0]) * H * W * C;
                     const AxisSampler sampler{taps, PW};
                     float* out_block = out.data + k * block;
                     float* values = writer.tile_for(out_block, tile, block);  // [bins][C_out]
                     for (int64_t b = 0; b < bins; ++b)
                       align_bin_channels<AlignMode::avg>(image, W * C, C, sampler, b, b * groups, groups,
                                                          values + b * groups, list);
                     writer.finish(values, bins, groups, planar_tile, out_block);
                     return Status::success();
                   });
}

}  // namespace ROIOPS_ISA
}  // namespace roiops
