// The RoIAlign sampling rule shared by every RoIAlign-shaped kernel
// (docs/semantics.md "The bilinear sample" and "roiAlign", torchvision roi_align_common.h). The rule is
// separable: a sample's four bilinear weights are products of one tap along y and one
// along x, so a RoI needs PH*gridH + PW*gridW taps instead of PH*PW*gridH*gridW.
// All arithmetic is float, in the reference's order, so positions match bit for bit.
#pragma once
#include <cmath>
#include <vector>

#include "common.h"

namespace roiops {
namespace ROIOPS_ISA {

// One sample coordinate along one axis: the two neighbouring pixels and their weights.
// An invalid tap (coordinate outside [-1, size]) contributes nothing.
struct AxisTap {
  int64_t low = 0, high = 0;
  float low_weight = 0.0f, high_weight = 0.0f;
  bool valid = false;
};

inline AxisTap bilinear_tap(float coord, int64_t size) {
  AxisTap tap;
  // Written as !(inside) so that a NaN coordinate is outside (vision#9272 crashed here).
  if (!(static_cast<double>(coord) >= -1.0 && static_cast<double>(coord) <= static_cast<double>(size))) return tap;
  if (coord <= 0.0f) coord = 0.0f;
  int64_t low = static_cast<int64_t>(coord);
  int64_t high;
  if (low >= size - 1) {
    low = high = size - 1;
    coord = static_cast<float>(low);
  } else {
    high = low + 1;
  }
  const float l = coord - static_cast<float>(low);
  tap.low = low;
  tap.high = high;
  tap.high_weight = l;
  tap.low_weight = 1.0f - l;
  tap.valid = true;
  return tap;
}

// Where a RoI's bins and samples lie along both axes, as torchvision computes it.
struct AlignGeometry {
  float start_y, start_x;  // scaled, shifted box origin
  float bin_h, bin_w;      // bin size in map pixels
  int64_t grid_h, grid_w;  // samples per bin along each axis (>= 0)
};

// Samples per bin along each axis of a roi_h x roi_w box cut into pooled_h x pooled_w bins:
// sampling_ratio when positive, else the adaptive ceil(roi size / pooled size) in float. An
// inverted aligned box gives a grid <= 0, i.e. no samples. Decided in double before
// converting, so that a huge box is refused (false: PH*PW*gridH*gridW would exceed
// max_samples) instead of overflowing an integer.
inline bool sampling_grid(float roi_h, float roi_w, int64_t pooled_h, int64_t pooled_w, int64_t sampling_ratio,
                          int64_t max_samples, int64_t& grid_h, int64_t& grid_w) {
  const double rows = sampling_ratio > 0
                          ? static_cast<double>(sampling_ratio)
                          : std::max(0.0, static_cast<double>(std::ceil(roi_h / static_cast<float>(pooled_h))));
  const double columns = sampling_ratio > 0
                             ? static_cast<double>(sampling_ratio)
                             : std::max(0.0, static_cast<double>(std::ceil(roi_w / static_cast<float>(pooled_w))));
  const double samples = static_cast<double>(pooled_h) * static_cast<double>(pooled_w) * rows * columns;
  if (!(samples <= static_cast<double>(max_samples))) return false;
  // A zero grid on one axis means no samples at all, however large the other axis's grid
  // (which need not fit an int64_t: a zero-height box 1e31 wide): both become 0.
  if (rows == 0.0 || columns == 0.0) {
    grid_h = grid_w = 0;
    return true;
  }
  grid_h = static_cast<int64_t>(rows);
  grid_w = static_cast<int64_t>(columns);
  return true;
}

// Returns false when PH*PW*gridH*gridW would exceed max_samples (the caller refuses it).
inline bool align_geometry(const float* row, float spatial_scale, bool aligned, int64_t sampling_ratio,
                           int64_t pooled_h, int64_t pooled_w, int64_t max_samples, AlignGeometry& g) {
  const float offset = aligned ? 0.5f : 0.0f;
  const float start_x = row[1] * spatial_scale - offset;
  const float start_y = row[2] * spatial_scale - offset;
  const float end_x = row[3] * spatial_scale - offset;
  const float end_y = row[4] * spatial_scale - offset;
  float roi_w = end_x - start_x;
  float roi_h = end_y - start_y;
  if (!aligned) {  // legacy behaviour: malformed boxes become 1x1
    roi_w = std::max(roi_w, 1.0f);
    roi_h = std::max(roi_h, 1.0f);
  }
  g.start_x = start_x;
  g.start_y = start_y;
  g.bin_h = roi_h / static_cast<float>(pooled_h);
  g.bin_w = roi_w / static_cast<float>(pooled_w);
  return sampling_grid(roi_h, roi_w, pooled_h, pooled_w, sampling_ratio, max_samples, g.grid_h, g.grid_w);
}

// Sample i < grid of bin p along one axis, torchvision's
// `start + p * bin + (i + .5f) * bin / grid` evaluated left to right in float.
inline float sample_coordinate(float start, float bin, int64_t p, int64_t i, int64_t grid) {
  return start + static_cast<float>(p) * bin +
         static_cast<float>(static_cast<float>(i) + 0.5f) * bin / static_cast<float>(grid);
}

// Fills taps[p * grid + i] for every bin p < pooled and sample i < grid along one axis.
inline void axis_taps(float start, float bin, int64_t pooled, int64_t grid, int64_t size, std::vector<AxisTap>& taps) {
  taps.resize(static_cast<size_t>(pooled * grid));
  for (int64_t p = 0; p < pooled; ++p)
    for (int64_t i = 0; i < grid; ++i)
      taps[static_cast<size_t>(p * grid + i)] = bilinear_tap(sample_coordinate(start, bin, p, i, grid), size);
}

}  // namespace ROIOPS_ISA
}  // namespace roiops
