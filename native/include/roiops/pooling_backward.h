// Backward passes (gradient with respect to the input map) of roiPool, psRoiPool and
// preciseRoiPool. Deterministic: each gradient element receives its terms in one fixed order
// (RoIs k ascending, then bins ph, pw, then pixels in the forward's order), whatever the
// thread count, so results are bit-identical for every thread count and instruction set.
#pragma once
#include "gradient.h"
#include "precise_roi_pool.h"
#include "ps_roi_pool.h"
#include "roi_pool.h"
#include "status.h"
#include "tensor.h"

namespace roiops {

// dX[b, c, argmax] += dY[k, c, ph, pw] for every bin whose argmax is not -1 (torchvision's
// scatter form, docs/semantics.md "roiPool"). Only the batch column of `rois` is read (unusable rows add nothing);
// params gives PH and PW. An argmax outside [-1, H*W) is invalid_argument.
Status roi_pool_backward(const PooledGradient& grad_output, const RoiRows& rois, const RoiPoolParams& params,
                         const GradientMap& grad_input, Execution execution = Execution());

// The true gradient of ps_roi_pool_forward: dY / bin_area to every pixel of the bin, clipped
// to [0, H-1] x [0, W-1] exactly as the forward clips (torchvision's backward clips to
// [0, H] x [0, W] instead, inconsistent with its own forward at the border, docs/semantics.md "psRoiPool and psRoiAlign").
Status ps_roi_pool_backward(const PooledGradient& grad_output, const RoiRows& rois, const PsRoiPoolParams& params,
                            const GradientMap& grad_input, Execution execution = Execution());

// The forward's per-pixel coefficients times dY (docs/semantics.md "preciseRoiPool", backward wrt the input).
Status precise_roi_pool_backward(const PooledGradient& grad_output, const RoiRows& rois,
                                 const PreciseRoiPoolParams& params, const GradientMap& grad_input,
                                 Execution execution = Execution());

}  // namespace roiops
