// Backward passes of the RoIAlign-shaped operators: the gradient of the input map given the
// gradient of the pooled output. Deterministic: each gradient element sums its
// contributions in one fixed order (RoIs k in order, then bins ph, pw, then the forward's
// samples iy, ix, then corners 1..4, the order of a sequential torchvision loop restricted to
// one channel), whatever the thread count and instruction set; the work splits over
// channels, never over RoIs, so no two threads add to the same element.
#pragma once
#include "gradient.h"
#include "ps_roi_align.h"
#include "roi_align.h"
#include "roi_align_rotated.h"
#include "status.h"
#include "tensor.h"

namespace roiops {

// avg (torchvision bilinear_interpolate_gradient): every sample inside the map adds
// dY * w_i / count to its four corners. max (mmcv): the first sample reaching the bin's
// maximum (strict >, from -infinity) adds dY * w_i to its four corners. onnx-max: the single
// weighted corner w_i * v_i that won the bin (the forward's std::max order, from lowest())
// gets dY * w_i. The max modes recompute the forward and need its input (`input`, same dims
// and layout as grad_input); avg ignores `input`. A sample outside the map, a bin without
// samples and an unusable row contribute nothing.
Status roi_align_backward(const PooledGradient& grad_output, const RoiRows& rois, const RoiAlignParams& params,
                          const FeatureMap& input, const GradientMap& grad_input, Execution execution = Execution());

// torchvision ps_roi_align backward: dY[k, c_out, ph, pw] routed to input channel
// (c_out*PH + ph)*PW + pw.
Status ps_roi_align_backward(const PooledGradient& grad_output, const RoiRows& rois, const PsRoiAlignParams& params,
                             const GradientMap& grad_input, Execution execution = Execution());

// detectron2 ROIAlignRotated backward: as avg, with the rotated sample positions.
Status roi_align_rotated_backward(const PooledGradient& grad_output, const RoiRows& rois,
                                  const RoiAlignRotatedParams& params, const GradientMap& grad_input,
                                  Execution execution = Execution());

}  // namespace roiops
