// Rotated RoIAlign forward (docs/semantics.md "roiAlignRotated": detectron2 ROIAlignRotated,
// mmcv's aligned/clockwise options). A rotated RoI's samples are not separable (each one's
// position mixes both local coordinates), so the kernel lists every sample of a bin with its
// four corner offsets and weights (BinSample) and reuses RoIAlign's channel-vectorised
// accumulation (kernels/roi_align.h) on a channels-last map, or its planar path when a few
// RoIs sit on a big NCHW map.
//
// Positions, in float and in detectron2's order:
//   yy = -h/2 + ph*bin_h + (iy + .5f)*bin_h/grid_h      (xx likewise)
//   y  = (yy*cos - xx*sin) + cy,   x = (yy*sin + xx*cos) + cx
// then the bilinear rule of docs/semantics.md "The bilinear sample" (detectron2 writes `y < 0` where torchvision writes
// `y <= 0`; both give the same weights up to the sign of a zero weight).
//
// Angle 0 against roi_align_forward with the same `aligned` on the box (cx - w/2, cy - h/2,
// cx + w/2, cy + h/2): cos = 1 and sin = 0 exactly, so y = (yy - xx*0) + cy = yy + cy. RoIAlign
// computes y = (y1*s - off + ph*bin_h) + d instead of ((-h*s/2 + ph*bin_h) + d) + (cy*s - off):
// the same real number, rounded at different steps. The two agree bit for bit whenever those
// steps are exact (coordinates, scales and bin sizes that are short binary fractions, as in
// detectron2's tests and native/tests/align_family_tests.cc), and to within a few float ulps of
// the positions otherwise (the golden tolerance). With aligned=false a box under 1 map pixel
// differs by definition: it grows to 1 about its centre here, from its corner in RoIAlign.
#pragma once
#include <cmath>

#include "roi_align.h"

namespace roiops {
namespace ROIOPS_ISA {

// A rotated row is usable when its batch index is an integer in [0, N) and its five
// geometric values are finite.
inline bool rotated_row_is_valid(const float* row, int64_t batch) {
  return roi_row_is_valid(row, batch) && std::isfinite(row[5]);
}

constexpr double kPi = 3.14159265358979323846;

struct RotatedGeometry {
  float center_y, center_x;  // scaled (and for aligned, shifted) centre
  float start_y, start_x;    // -h/2, -w/2: the grid's origin relative to the centre
  float bin_h, bin_w;
  float cos_theta, sin_theta;
  int64_t grid_h, grid_w;  // >= 0; 0 for a negative aligned size (detectron2 asserts; we give 0)
};

// False when PH*PW*gridH*gridW would exceed max_samples (the caller refuses the row).
inline bool rotated_geometry(const float* row, const RoiAlignRotatedParams& params, RotatedGeometry& g) {
  const float offset = params.aligned ? 0.5f : 0.0f;
  g.center_x = row[1] * params.spatial_scale - offset;
  g.center_y = row[2] * params.spatial_scale - offset;
  float roi_w = row[3] * params.spatial_scale;
  float roi_h = row[4] * params.spatial_scale;
  // detectron2: `T theta = current_roi[5] * M_PI / 180.0;` is a double product rounded to
  // float; then cos/sin of that float, here in double and rounded (Math.fround(Math.cos(theta))
  // in the TypeScript reference). mmcv's clockwise negates theta (exact).
  float theta = static_cast<float>(static_cast<double>(row[5]) * kPi / 180.0);
  if (params.clockwise) theta = -theta;
  g.cos_theta = static_cast<float>(std::cos(static_cast<double>(theta)));
  g.sin_theta = static_cast<float>(std::sin(static_cast<double>(theta)));
  bool empty = false;
  if (params.aligned) {
    empty = !(roi_w >= 0.0f && roi_h >= 0.0f);
  } else {  // mmcv legacy: malformed boxes become 1x1
    roi_w = std::max(roi_w, 1.0f);
    roi_h = std::max(roi_h, 1.0f);
  }
  const float pooled_h = static_cast<float>(params.pooled_height), pooled_w = static_cast<float>(params.pooled_width);
  g.bin_h = roi_h / pooled_h;
  g.bin_w = roi_w / pooled_w;
  g.start_y = static_cast<float>(static_cast<double>(-roi_h) / 2.0);  // detectron2: -roi_height / 2.0
  g.start_x = static_cast<float>(static_cast<double>(-roi_w) / 2.0);
  if (empty) {
    g.grid_h = g.grid_w = 0;
    return true;
  }
  return sampling_grid(roi_h, roi_w, params.pooled_height, params.pooled_width, params.sampling_ratio,
                       params.max_samples_per_roi, g.grid_h, g.grid_w);
}

// One rotated RoI, prepared per thread: its geometry and the local coordinates of its sample
// rows and columns (separable before the rotation).
struct RotatedRoi {
  RotatedGeometry geometry;
  Scratch<float> local_y, local_x;  // [PH * grid_h], [PW * grid_w]
  int64_t pooled_width = 1, height = 1, width = 1;
};

inline Status prepare_rotated(const float* row, int64_t k, int64_t height, int64_t width,
                              const RoiAlignRotatedParams& params, RotatedRoi& roi) {
  if (!rotated_geometry(row, params, roi.geometry))
    return {StatusCode::too_many_samples, k, "the RoI's sampling grid exceeds maxSamplesPerRoi"};
  const RotatedGeometry& g = roi.geometry;
  float* ys = roi.local_y.reserve(std::max<int64_t>(params.pooled_height * g.grid_h, 1));
  float* xs = roi.local_x.reserve(std::max<int64_t>(params.pooled_width * g.grid_w, 1));
  for (int64_t p = 0; p < params.pooled_height; ++p)
    for (int64_t i = 0; i < g.grid_h; ++i) ys[p * g.grid_h + i] = sample_coordinate(g.start_y, g.bin_h, p, i, g.grid_h);
  for (int64_t p = 0; p < params.pooled_width; ++p)
    for (int64_t i = 0; i < g.grid_w; ++i) xs[p * g.grid_w + i] = sample_coordinate(g.start_x, g.bin_w, p, i, g.grid_w);
  roi.pooled_width = params.pooled_width;
  roi.height = height;
  roi.width = width;
  return Status::success();
}

// The samples of a rotated RoI, bin by bin (the Sampler of kernels/roi_align.h).
struct RotatedSampler {
  const RotatedRoi& roi;

  int64_t per_bin() const { return roi.geometry.grid_h * roi.geometry.grid_w; }
  int64_t list(int64_t bin, int64_t first, int64_t count, int64_t row_stride, int64_t column_stride, bool keep_outside,
               BinSample* samples) const {
    const RotatedGeometry& g = roi.geometry;
    const float* ys = roi.local_y.data() + (bin / roi.pooled_width) * g.grid_h;
    const float* xs = roi.local_x.data() + (bin % roi.pooled_width) * g.grid_w;
    int64_t n = 0;
    int64_t iy = first / g.grid_w, ix = first % g.grid_w;
    for (int64_t s = 0; s < count; ++s, ++ix) {
      if (ix == g.grid_w) {
        ix = 0;
        ++iy;
      }
      const float yy = ys[iy], xx = xs[ix];
      const float y = yy * g.cos_theta - xx * g.sin_theta + g.center_y;
      const float x = yy * g.sin_theta + xx * g.cos_theta + g.center_x;
      n += list_sample(bilinear_tap(y, roi.height), bilinear_tap(x, roi.width), row_stride, column_stride, keep_outside,
                       samples + n);
    }
    return n;
  }
};

// Bilinear samples per channel over every usable rotated RoI (refused rows count 0).
inline double rotated_samples(int64_t batch, const RoiRows& rois, const RoiAlignRotatedParams& params) {
  double samples = 0;
  for (int64_t k = 0; k < rois.count; ++k) {
    RotatedGeometry g;
    const float* row = rois.data + k * 6;
    if (rotated_row_is_valid(row, batch) && rotated_geometry(row, params, g))
      samples +=
          static_cast<double>(params.pooled_height * params.pooled_width) * static_cast<double>(g.grid_h * g.grid_w);
  }
  return samples;
}

// roiAlignRotated's rows for the driver (kernels/roi_driver.h).
struct RotatedAlignRows : MapAndRois {
  const RoiAlignRotatedParams& params;

  bool usable(int64_t k) const { return rotated_row_is_valid(row(k), map.batch); }

  Status planar(int64_t k, int64_t c0, int64_t c1, float* out_block) const {
    const int64_t H = map.height, W = map.width, bins = params.pooled_height * params.pooled_width;
    thread_local RotatedRoi roi;
    thread_local Scratch<BinSample> list;
    const Status status = prepare_rotated(row(k), k, H, W, params, roi);
    if (!status.ok()) return status;
    const float* plane = image(k, map.data);
    const RotatedSampler sampler{roi};
    for (int64_t b = 0; b < bins; ++b)
      align_bin_planar<AlignMode::avg>(plane, H * W, W, 1, sampler, b, c0, c1, out_block + b, bins, list);
    return Status::success();
  }

  Status channels_last(int64_t k, const float* map_copy, const BlockWriter& writer, float* out_block) const {
    thread_local RotatedRoi roi;
    const Status status = prepare_rotated(row(k), k, map.height, map.width, params, roi);
    if (!status.ok()) return status;
    align_roi_channels_last<AlignMode::avg>(image(k, map_copy), map.width, map.channels, RotatedSampler{roi},
                                            params.pooled_height * params.pooled_width, writer, out_block);
    return Status::success();
  }
};

inline Status roi_align_rotated_forward(const FeatureMap& map, const RoiRows& rois, const RoiAlignRotatedParams& params,
                                        const PooledOutput& out, Execution execution) {
  const double samples = rotated_samples(map.batch, rois, params);
  const RowPlan plan = costed_plan(map, rois.count, map.channels * params.pooled_height * params.pooled_width, samples,
                                   kRotatedSample, out.data);
  return run_rows(RotatedAlignRows{{map, rois}, params}, map, plan, execution);
}

}  // namespace ROIOPS_ISA
}  // namespace roiops
