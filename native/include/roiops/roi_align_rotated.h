// Rotated RoIAlign, semantics of docs/semantics.md "roiAlignRotated" (detectron2 ROIAlignRotated)
// with mmcv's options (docs/semantics.md "roiAlignRotated").
#pragma once
#include "status.h"
#include "tensor.h"

namespace roiops {

struct RoiAlignRotatedParams {
  int64_t pooled_height = 1;
  int64_t pooled_width = 1;
  float spatial_scale = 1.0f;
  int64_t sampling_ratio = -1;  // <= 0: adaptive, ceil(roi size / pooled size) per RoI
  // true (detectron2): centre shifted by -0.5 after scaling, sizes not clamped, a negative
  // size gives zeros. false (mmcv legacy): no shift, width and height clamped to >= 1.
  bool aligned = true;
  bool clockwise = false;  // mmcv: negate the angle
  int64_t max_samples_per_roi = int64_t(1) << 24;
};

// RoI rows of six: (batchIndex, cx, cy, w, h, angle in DEGREES, counter-clockwise as displayed).
// theta = float(angle * pi / 180) computed in double then rounded to float, as detectron2's
// `current_roi[5] * M_PI / 180.0` assigned to a float; cos and sin are float(cos(double(theta)))
// (what Math.fround(Math.cos(theta)) gives). Output [K,C,PH,PW] or [K,PH,PW,C] following the
// input's layout. Unusable rows (batch index not an integer in [0, N), a non-finite value) give
// zeros.
Status roi_align_rotated_forward(const FeatureMap& input, const RoiRows& rois, const RoiAlignRotatedParams& params,
                                 const PooledOutput& out, Execution execution = Execution());

}  // namespace roiops
