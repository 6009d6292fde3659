// Position-sensitive RoIAlign forward (docs/semantics.md "psRoiPool and psRoiAlign", torchvision
// ps_roi_align): RoIAlign avg with aligned=true, where output channel c_out of bin
// b = ph*PW + pw reads input channel c_out*PH*PW + b. torchvision's sample coordinate
// `hstart + (iy + .5f)*bin_h/grid_h` with hstart = ph*bin_h + start is RoIAlign's (float
// addition commutes), and its val = w1*v1 + w2*v2 + w3*v3 + w4*v4 and out_sum += val are
// RoIAlign's avg, so the RoIAlign machinery computes it exactly. Differences: a bin without
// samples is 0 (torchvision: 0/0 = NaN, docs/semantics.md "Where the peers differ").
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

// psRoiAlign's RoIAlign parameters: avg, aligned, the same grid.
inline RoiAlignParams ps_align_params(const PsRoiAlignParams& params) {
  return RoiAlignParams{params.pooled_height, params.pooled_width, params.spatial_scale,      params.sampling_ratio,
                        /*aligned=*/true,     AlignMode::avg,      params.max_samples_per_roi};
}

// psRoiAlign's rows for the driver (kernels/roi_driver.h). Its planar path reads either layout
// in place; its channels-last path reads the bin-major copy. The output follows the layout:
// [C_out][bins] or [bins][C_out].
struct PsAlignRows : MapAndRois {
  const RoiAlignParams& align;

  int64_t bins() const { return align.pooled_height * align.pooled_width; }

  Status planar(int64_t k, int64_t c0, int64_t c1, float* out_block) const {
    const int64_t C = map.channels, H = map.height, W = map.width, bins = this->bins(), groups = C / bins;
    // Channel c of an image starts c * H * W (NCHW) or c (NHWC) floats in; a pixel row is W or
    // W * C floats, a pixel 1 or C.
    const bool nchw = map.layout == Layout::nchw;
    const int64_t channel_step = nchw ? H * W : 1, row_stride = nchw ? W : W * C, column_stride = nchw ? 1 : C;
    thread_local RoiTaps taps;
    thread_local Scratch<BinSample> list;
    const Status status = roi_taps(row(k), k, H, W, align.spatial_scale, align, taps);
    if (!status.ok()) return status;
    const float* channels = image(k, map.data);
    const AxisSampler sampler{taps, align.pooled_width};
    // Output channel c of bin b reads input channel c*bins + b.
    for (int64_t b = 0; b < bins; ++b)
      align_bin_planar<AlignMode::avg>(channels + b * channel_step, bins * channel_step, row_stride, column_stride,
                                       sampler, b, c0, c1, out_block + (nchw ? b : b * groups), nchw ? bins : 1, list);
    return Status::success();
  }

  Status channels_last(int64_t k, const float* bin_major, const BlockWriter& writer, float* out_block) const {
    const int64_t C = map.channels, H = map.height, W = map.width, bins = this->bins(), groups = C / bins;
    thread_local RoiTaps taps;
    thread_local Scratch<float> tile, planar_tile;
    thread_local Scratch<BinSample> list;
    const Status status = roi_taps(row(k), k, H, W, align.spatial_scale, align, taps);
    if (!status.ok()) return status;
    const float* pixels = image(k, bin_major);
    const AxisSampler sampler{taps, align.pooled_width};
    float* values = writer.tile_for(out_block, tile, groups * bins);  // [bins][C_out]
    for (int64_t b = 0; b < bins; ++b)
      align_bin_channels<AlignMode::avg>(pixels, W * C, C, sampler, b, b * groups, groups, values + b * groups, list);
    writer.finish(values, bins, groups, planar_tile, out_block);
    return Status::success();
  }
};

inline Status ps_roi_align_forward(const FeatureMap& map, const RoiRows& rois, const PsRoiAlignParams& params,
                                   const PooledOutput& out, Execution execution) {
  const RoiAlignParams align = ps_align_params(params);
  const int64_t bins = params.pooled_height * params.pooled_width, groups = map.channels / bins;
  // Each input channel is read by one bin of each RoI. The bin-major copy is made from either
  // layout, so it is taken only when it pays, NHWC or not.
  const double samples_per_channel = total_samples(map.batch, rois, align) / static_cast<double>(bins);
  const bool channels_last = copy_pays(map, samples_per_channel, kAlignSample);
  RowPlan plan{rois.count,
               groups * bins,
               groups,
               channels_last,
               path_ns(samples_per_channel, map.channels, kAlignSample, channels_last),
               out.data};
  plan.copy = MapCopy::bin_major;
  plan.bins = bins;
  return run_rows(PsAlignRows{{map, rois}, align}, map, plan, execution);
}

}  // namespace ROIOPS_ISA
}  // namespace roiops
