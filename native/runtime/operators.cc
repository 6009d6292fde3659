// The public kernel entry points of native/include/roiops. They re-check every length and
// option the kernels rely on (the TypeScript layer has validated them already, but a
// kernel must be safe for any caller: the addon, the fuzzers, a C++ user), then call the
// dispatched implementation.
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>

#include "runtime/kernel_table.h"

namespace roiops {
namespace {

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();

// a*b for non-negative a, b; false on overflow.
bool multiply(int64_t a, int64_t b, int64_t& product) {
  if (a < 0 || b < 0) return false;
  if (a != 0 && b > kInt64Max / a) return false;
  product = a * b;
  return true;
}

bool multiply(std::initializer_list<int64_t> factors, int64_t& product) {
  product = 1;
  for (int64_t f : factors)
    if (!multiply(product, f, product)) return false;
  return true;
}

Status check_map(const FeatureMap& map) {
  if (map.layout != Layout::nchw && map.layout != Layout::nhwc) return Status::invalid("unknown layout");
  if (map.batch < 0 || map.channels < 0) return Status::invalid("negative input dimension");
  if (map.height < 1 || map.width < 1) return Status::invalid("input height and width must be >= 1");
  int64_t elements;
  if (!multiply({map.batch, map.channels, map.height, map.width}, elements))
    return Status::invalid("input shape overflows");
  if (map.length < elements) return Status::invalid("input data is shorter than its shape");
  if (elements > 0 && map.data == nullptr) return Status::invalid("input data is missing");
  return Status::success();
}

Status check_rois(const RoiRows& rois) {
  int64_t elements;
  if (rois.columns < 1) return Status::invalid("bad RoI column count");
  if (rois.count < 0 || !multiply(rois.count, rois.columns, elements)) return Status::invalid("bad RoI count");
  if (rois.length < elements) return Status::invalid("RoI data is shorter than count * columns");
  if (elements > 0 && rois.data == nullptr) return Status::invalid("RoI data is missing");
  return Status::success();
}

Status check_output(const FeatureMap& map, const RoiRows& rois, int64_t pooled_h, int64_t pooled_w,
                    const PooledOutput& out, bool wants_argmax) {
  if (pooled_h < 1 || pooled_w < 1) return Status::invalid("output size must be >= 1");
  int64_t elements;
  if (!multiply({rois.count, map.channels, pooled_h, pooled_w}, elements))
    return Status::invalid("output shape overflows");
  if (out.length < elements) return Status::invalid("output buffer is shorter than [K,C,PH,PW]");
  if (elements > 0 && out.data == nullptr) return Status::invalid("output buffer is missing");
  if (!wants_argmax) return Status::success();
  if (out.argmax_length < elements) return Status::invalid("argmax buffer is shorter than [K,C,PH,PW]");
  if (elements > 0 && out.argmax == nullptr) return Status::invalid("argmax buffer is missing");
  if (map.height * map.width > std::numeric_limits<int32_t>::max())
    return Status::invalid("argmax cannot index a plane of more than 2^31-1 pixels");
  return Status::success();
}

// A call's thread count: its own when given, else the process setting.
Execution resolve_threads(Execution execution) {
  if (execution.threads < 1) execution.threads = num_threads();
  return execution;
}

// The checks every pooling operator shares, first failure wins.
Status check_pooling_call(const FeatureMap& map, const RoiRows& rois, int64_t pooled_h, int64_t pooled_w,
                          const PooledOutput& out, bool wants_argmax, float spatial_scale) {
  Status status = check_map(map);
  if (status.ok()) status = check_rois(rois);
  if (status.ok()) status = check_output(map, rois, pooled_h, pooled_w, out, wants_argmax);
  if (status.ok() && !std::isfinite(spatial_scale)) status = Status::invalid("spatial scale must be finite");
  return status;
}

}  // namespace

Status roi_pool_forward(const FeatureMap& input, const RoiRows& rois, const RoiPoolParams& params,
                        const PooledOutput& out, Execution execution) {
  if (rois.columns != 5) return Status::invalid("roiPool takes RoI rows of 5");
  const Status status = check_pooling_call(input, rois, params.pooled_height, params.pooled_width, out,
                                           out.argmax != nullptr, params.spatial_scale);
  if (!status.ok()) return status;
  if (params.bins != BinRule::overlap && params.bins != BinRule::split) return Status::invalid("unknown bin rule");
  return active_kernels().roi_pool_forward(input, rois, params, out, resolve_threads(execution));
}

Status roi_align_forward(const FeatureMap& input, const RoiRows& rois, const RoiAlignParams& params,
                         const PooledOutput& out, Execution execution) {
  if (rois.columns != 5) return Status::invalid("roiAlign takes RoI rows of 5");
  const Status status = check_pooling_call(input, rois, params.pooled_height, params.pooled_width, out, false,
                                           params.spatial_scale);
  if (!status.ok()) return status;
  if (params.mode != AlignMode::avg && params.mode != AlignMode::max && params.mode != AlignMode::onnx_max)
    return Status::invalid("unknown pooling mode");
  if (params.max_samples_per_roi < 1) return Status::invalid("max samples per RoI must be >= 1");
  return active_kernels().roi_align_forward(input, rois, params, out, resolve_threads(execution));
}

}  // namespace roiops
