// Position-sensitive RoI average pooling, docs/semantics.md "psRoiPool and psRoiAlign" (torchvision
// ps_roi_pool_kernel.cpp): roiPool's floor/ceil bins of the rounded box without the +1
// (rw = max(xe - xs, 1)), clipped to [0, H-1] x [0, W-1] as torchvision's forward clips,
// the float mean of the bin (row-major sum / pixel count), 0 for an empty bin; output
// channel c_out of bin (ph, pw) reads input channel (c_out*PH + ph)*PW + pw.
//
// Two paths, same bits (each output is the same float sum in the same order):
//  - bin-major channels-last: the map is copied once to [N][H*W][PH*PW][C_out], so that the
//    C_out channels one bin reads are contiguous and the bin's mean is vectorised across
//    them. Reading the channels-last map directly would gather channels PH*PW floats apart
//    (196 bytes for 7x7): one cache line per lane, no better than scalar code, and AVX2/512
//    gathers run at about one element per cycle. The copy costs one move per map element
//    (the same transposition roiPool does), so it pays when the pooling reads more elements
//    than the map holds.
//  - direct: few RoIs on a large map; each output channel is summed from its input channel
//    in place (a plane of an NCHW map, or a strided channel of an NHWC map), scalar.
#pragma once
#include "roi_pool.h"

namespace roiops {
namespace ROIOPS_ISA {

// One psRoiPool bin along one axis: torchvision clips start and end to [0, size - 1].
inline BinSpan ps_bin(int64_t i, int64_t bins, int64_t start, int64_t length, int64_t size) {
  return pool_bin(i, bins, start, length, size - 1, BinRule::overlap);
}

// Pixels one output channel reads over every usable RoI (per channel of the output).
inline double ps_pixels(const FeatureMap& map, const RoiRows& rois, const PsRoiPoolParams& params) {
  double pixels = 0;
  const int64_t PH = params.pooled_height, PW = params.pooled_width;
  for (int64_t k = 0; k < rois.count; ++k) {
    const float* row = rois.data + k * 5;
    if (!roi_row_is_valid(row, map.batch)) continue;
    const RoundedBox box = round_box(row, params.spatial_scale, false);
    double rows = 0, cols = 0;
    for (int64_t ph = 0; ph < PH; ++ph) {
      const BinSpan s = ps_bin(ph, PH, box.y0, box.height, map.height);
      rows += static_cast<double>(s.empty() ? 0 : s.end - s.start);
    }
    for (int64_t pw = 0; pw < PW; ++pw) {
      const BinSpan s = ps_bin(pw, PW, box.x0, box.width, map.width);
      cols += static_cast<double>(s.empty() ? 0 : s.end - s.start);
    }
    pixels += rows * cols;
  }
  return pixels;
}

// psRoiPool's bin-major rows for the driver (kernels/roi_driver.h): each bin's mean over its
// C_out contiguous channels, vectorised.
struct PsPoolRows : MapAndRois {
  const PsRoiPoolParams& params;

  Status channels_last(int64_t k, const float* bin_major, const BlockWriter& writer, float* out_block) const {
    const int64_t C = map.channels, H = map.height, W = map.width, PH = params.pooled_height, PW = params.pooled_width;
    const int64_t bins = PH * PW, C_out = C / bins, block = C_out * bins;
    const float* pixels = image(k, bin_major);
    const RoundedBox box = round_box(row(k), params.spatial_scale, false);
    thread_local Scratch<float> tile, planar_tile;
    float* values = writer.tile_for(out_block, tile, block);
    for (int64_t ph = 0; ph < PH; ++ph) {
      const BinSpan rows_span = ps_bin(ph, PH, box.y0, box.height, H);
      for (int64_t pw = 0; pw < PW; ++pw) {
        const BinSpan cols_span = ps_bin(pw, PW, box.x0, box.width, W);
        const int64_t b = ph * PW + pw;
        if (rows_span.empty() || cols_span.empty()) {
          fill_block(values + b * C_out, C_out, 0.0f);
          continue;
        }
        // Bin b's channels start at b*C_out inside each pixel's C floats.
        reduce_bin_channels<BinReduction::avg>(pixels + b * C_out, W, C, rows_span, cols_span, 0, C_out,
                                               values + b * C_out, nullptr);
      }
    }
    writer.finish(values, bins, C_out, planar_tile, out_block);
    return Status::success();
  }
};

inline Status ps_roi_pool_forward(const FeatureMap& map, const RoiRows& rois, const PsRoiPoolParams& params,
                                  const PooledOutput& out, Execution execution) {
  const int64_t C = map.channels, H = map.height, W = map.width;
  const int64_t PH = params.pooled_height, PW = params.pooled_width, bins = PH * PW;
  const int64_t C_out = C / bins, block = C_out * bins;
  const int64_t pixels_per_image = H * W;

  const double pixels = ps_pixels(map, rois, params);
  const double reads = pixels * static_cast<double>(C_out);
  // The bin-major map is the input itself when that is already its order (bin_major_map);
  // otherwise the copy costs one move per map element and pays when the pooling reads more.
  const bool identity = map.layout == Layout::nhwc && (bins == 1 || C_out == 1);
  if (!identity && static_cast<double>(map.batch * pixels_per_image * C) > reads * kPooledPixel.break_even) {
    // Direct path. Every output element reads one input channel (output (k, c_in) with
    // c_in = c_out*bins + b). On an NCHW map, RoI by RoI (as torchvision does) each output
    // element misses cache in a plane of its own: W8b (300 RoIs, 490 planes of 50x68) took
    // 2.9 ms that way, about what torchvision takes; plane by plane, 2.0 ms.
    thread_local Scratch<BinSpan> row_spans, col_spans;
    thread_local Scratch<int64_t> images;
    BinSpan* rows_of;
    BinSpan* cols_of;
    int64_t* image_of;  // each RoI's image (0 for an unusable row, whose bins are all empty)
    try {
      rows_of = row_spans.reserve(rois.count * PH);
      cols_of = col_spans.reserve(rois.count * PW);
      image_of = images.reserve(rois.count);
    } catch (const std::bad_alloc&) {
      return {StatusCode::out_of_memory, -1, "out of memory for the bins of the RoIs"};
    }
    for (int64_t k = 0; k < rois.count; ++k) {
      const float* row = rois.data + k * 5;
      const bool usable = roi_row_is_valid(row, map.batch);
      const RoundedBox box = usable ? round_box(row, params.spatial_scale, false) : RoundedBox{0, 0, 1, 1};
      image_of[k] = usable ? static_cast<int64_t>(row[0]) : 0;
      // An unusable row gets empty spans: its outputs are 0, as for an empty bin.
      for (int64_t ph = 0; ph < PH; ++ph)
        rows_of[k * PH + ph] = usable ? ps_bin(ph, PH, box.y0, box.height, H) : BinSpan{0, 0};
      for (int64_t pw = 0; pw < PW; ++pw)
        cols_of[k * PW + pw] = usable ? ps_bin(pw, PW, box.x0, box.width, W) : BinSpan{0, 0};
    }
    // One output element of an NCHW map: plane c_in's bin of RoI k.
    const auto pool = [&](int64_t k, int64_t c_in) {
      const int64_t b = c_in % bins;
      const BinSpan rows_span = rows_of[k * PH + b / PW], cols_span = cols_of[k * PW + b % PW];
      float value = 0.0f;
      if (!rows_span.empty() && !cols_span.empty()) {
        const float* image = map.data + image_of[k] * C * pixels_per_image;
        average_channels<ScalarLanes, 1>(image + c_in * pixels_per_image, W, 1, rows_span, cols_span, 0, &value);
      }
      out.data[k * block + c_in] = value;
    };
    if (map.layout == Layout::nchw) {
      // NCHW: a task takes 16 input planes, and every RoI reads its bin of each in turn.
      const int64_t chunks = (C + kPlanarChannelsPerTask - 1) / kPlanarChannelsPerTask;
      return run_tasks(chunks, for_work(execution, reads * kPooledPixel.planar_ns), [&](int64_t task) {
        const int64_t c0 = task * kPlanarChannelsPerTask, c1 = std::min(c0 + kPlanarChannelsPerTask, C);
        for (int64_t c_in = c0; c_in < c1; ++c_in)
          for (int64_t k = 0; k < rois.count; ++k) pool(k, c_in);
        return Status::success();
      });
    }
    // NHWC: a channel's neighbours belong to other bins, so RoI by RoI (a task: one RoI, 16
    // output channels), where the RoI's pixels, C floats each, stay in cache across its bins.
    const int64_t chunks = (C_out + kPlanarChannelsPerTask - 1) / kPlanarChannelsPerTask;
    return run_tasks(rois.count * chunks, for_work(execution, reads * kPooledPixel.planar_ns), [&](int64_t task) {
      const int64_t k = task / chunks, c0 = (task % chunks) * kPlanarChannelsPerTask;
      const int64_t c1 = std::min(c0 + kPlanarChannelsPerTask, C_out);
      float* out_block = out.data + k * block;
      const BinSpan* rows_span = rows_of + k * PH;
      const BinSpan* cols_span = cols_of + k * PW;
      const float* image = map.data + image_of[k] * C * pixels_per_image;
      for (int64_t c_out = c0; c_out < c1; ++c_out) {
        for (int64_t ph = 0; ph < PH; ++ph) {
          for (int64_t pw = 0; pw < PW; ++pw) {
            const int64_t b = ph * PW + pw;
            float value = 0.0f;
            if (!rows_span[ph].empty() && !cols_span[pw].empty())
              average_channels<ScalarLanes, 1>(image, W, C, rows_span[ph], cols_span[pw], c_out * bins + b, &value);
            out_block[b * C_out + c_out] = value;
          }
        }
      }
      return Status::success();
    });
  }

  RowPlan plan{rois.count, block, C_out, true, reads * kPooledPixel.channels_last_ns, out.data};
  plan.copy = MapCopy::bin_major;
  plan.bins = bins;
  return run_channels_last_rows(PsPoolRows{{map, rois}, params}, map, plan, execution);
}

}  // namespace ROIOPS_ISA
}  // namespace roiops
