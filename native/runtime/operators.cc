// The public kernel entry points of native/include/roiops. They re-check every length and
// option the kernels rely on (the TypeScript layer has validated them already, but a
// kernel must be safe for any caller: the addon, the fuzzers, a C++ user), then call the
// dispatched implementation.
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <type_traits>
#include <vector>

#include "runtime/float32_call.h"
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

bool known_type(ElementType type) {
  return type == ElementType::float32 || type == ElementType::float16 || type == ElementType::bfloat16;
}

// Where a map's or an output's elements are: `data`, or `data16` for 16-bit elements.
const void* elements(const FeatureMap& map) {
  return map.type == ElementType::float32 ? static_cast<const void*>(map.data) : map.data16;
}
const void* elements(const GradientMap& map) { return map.data; }
const void* elements(const PooledOutput& out) {
  return out.type == ElementType::float32 ? static_cast<const void*>(out.data) : out.data16;
}
ElementType type_of(const FeatureMap& map) { return map.type; }
ElementType type_of(const GradientMap&) { return ElementType::float32; }

// A FeatureMap or a GradientMap (same fields; a gradient is float32).
template <class Map>
Status check_map(const Map& map) {
  constexpr bool gradient = std::is_same<Map, GradientMap>::value;
  if (!known_type(type_of(map))) return Status::invalid("unknown element type");
  if (map.layout != Layout::nchw && map.layout != Layout::nhwc) return Status::invalid("unknown layout");
  if (map.batch < 0 || map.channels < 0)
    return Status::invalid(gradient ? "negative input gradient dimension" : "negative input dimension");
  if (map.height < 1 || map.width < 1)
    return Status::invalid(gradient ? "input gradient height and width must be >= 1"
                                    : "input height and width must be >= 1");
  int64_t elements;
  if (!multiply({map.batch, map.channels, map.height, map.width}, elements))
    return Status::invalid(gradient ? "input gradient shape overflows" : "input shape overflows");
  if (map.length < elements)
    return Status::invalid(gradient ? "input gradient buffer is shorter than its shape"
                                    : "input data is shorter than its shape");
  if (elements > 0 && roiops::elements(map) == nullptr)
    return Status::invalid(gradient ? "input gradient buffer is missing" : "input data is missing");
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
  if (elements > 0 && roiops::elements(out) == nullptr) return Status::invalid("output buffer is missing");
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

const Status kNoMemoryForFloat32 = {StatusCode::out_of_memory, -1,
                                    "out of memory for the float32 copy of a 16-bit map or output"};

// Where a forward call's 16-bit values are converted: around the kernel (its 16-bit maps widened
// whole into float32 first and its 16-bit output rounded after: runtime/float32_call.h), or in
// the kernel, which widens maps where it reads them and rounds each row as soon as it is done
// (roiAlign and multiScaleRoiAlign: kernels/transpose.h, kernels/partial_widening.h,
// kernels/roi_driver.h).
enum class HalfValues { around_kernel, in_kernel };

// Runs kernel(maps, out, execution) on `count` maps and `out`: with HalfValues::around_kernel on
// float32 views of them (a forward call's 16-bit maps widened and its 16-bit output rounded
// after: runtime/float32_call.h), with in_kernel as they are.
template <class Kernel>
Status run_float32(const FeatureMap* maps, int64_t count, const PooledOutput& out, Execution execution, Kernel&& kernel,
                   HalfValues halves = HalfValues::around_kernel) {
  if (!known_type(out.type)) return Status::invalid("unknown output element type");
  execution = resolve_threads(execution);
  bool all_float32 = out.type == ElementType::float32;
  for (int64_t i = 0; i < count; ++i) all_float32 = all_float32 && maps[i].type == ElementType::float32;
  if (all_float32) return kernel(maps, out, execution);
  try {
    if (halves == HalfValues::in_kernel) return kernel(maps, out, execution);
    Float32Call call(execution);
    std::vector<FeatureMap> views(static_cast<size_t>(count));
    if (!call.widen(maps, count, views.data())) return kNoMemoryForFloat32;
    PooledOutput out_view;
    if (!call.output(out, out_view)) return kNoMemoryForFloat32;
    const Status status = kernel(views.data(), out_view, execution);
    if (status.ok()) call.finish(out, out_view);
    return status;
  } catch (const std::bad_alloc&) {
    return kNoMemoryForFloat32;
  }
}

// The same for a call of one map.
template <class Kernel>
Status run_float32(const FeatureMap& map, const PooledOutput& out, Execution execution, Kernel&& kernel,
                   HalfValues halves = HalfValues::around_kernel) {
  return run_float32(
      &map, 1, out, execution,
      [&](const FeatureMap* view, const PooledOutput& out_view, Execution e) { return kernel(*view, out_view, e); },
      halves);
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

// count * channels * pooled_h * pooled_w elements at `data`, or `why`.
Status check_pooled(int64_t count, int64_t channels, int64_t pooled_h, int64_t pooled_w, const void* data,
                    int64_t length, const char* why) {
  if (pooled_h < 1 || pooled_w < 1) return Status::invalid("output size must be >= 1");
  int64_t elements;
  if (!multiply({count, channels, pooled_h, pooled_w}, elements)) return Status::invalid("output shape overflows");
  if (length < elements || (elements > 0 && data == nullptr)) return Status::invalid(why);
  return Status::success();
}

Status check_sampling(float spatial_scale, int64_t max_samples_per_roi) {
  if (!std::isfinite(spatial_scale)) return Status::invalid("spatial scale must be finite");
  if (max_samples_per_roi < 1) return Status::invalid("max samples per RoI must be >= 1");
  return Status::success();
}

// psRoiAlign's channels: a multiple of PH*PW (checked after the output size is known >= 1).
Status check_position_sensitive(int64_t channels, int64_t pooled_h, int64_t pooled_w, int64_t& groups) {
  int64_t bins;
  if (pooled_h < 1 || pooled_w < 1) return Status::invalid("output size must be >= 1");
  if (!multiply(pooled_h, pooled_w, bins)) return Status::invalid("output shape overflows");
  if (channels % bins != 0) return Status::invalid("channels must be a multiple of PH*PW");
  groups = channels / bins;
  return Status::success();
}

bool same_shape(const FeatureMap& a, const GradientMap& b) {
  return a.batch == b.batch && a.channels == b.channels && a.height == b.height && a.width == b.width &&
         a.layout == b.layout;
}

// Whether a call has nothing to write, so that it returns at once, as the TypeScript layer does:
// a forward output has a factor of the map's channels (C, or C / (PH*PW)), a backward pass
// writes the input gradient itself. The kernels' loops over images and pixels are bounded by
// the shape, not by the (empty) data: a map of 2^40 images of 2x3 pixels and no channels would
// keep them busy for hours.
bool writes_nothing(const FeatureMap& input) { return input.channels == 0; }
bool writes_nothing(const GradientMap& grad_input) { return grad_input.batch == 0 || grad_input.channels == 0; }

// At most this many pyramid levels (the per-call level table is allocated from it).
constexpr int64_t kMaxLevels = 1024;

// The checks a call starts with: its map (the input, or the input gradient a backward pass
// writes), its RoI rows, and K x C' x PH x PW elements at `data` (the output, or the output
// gradient), where C' is the map's channels, or for the position-sensitive operators
// C / (PH*PW) (C must then be a multiple of PH*PW). `why` names that buffer when it is short.
template <class Map>
Status check_roi_call(const Map& map, const RoiRows& rois, int64_t pooled_h, int64_t pooled_w, const void* data,
                      int64_t length, bool position_sensitive, const char* why) {
  Status status = check_map(map);
  if (status.ok()) status = check_rois(rois);
  int64_t channels = map.channels;
  if (status.ok() && position_sensitive) status = check_position_sensitive(map.channels, pooled_h, pooled_w, channels);
  if (status.ok()) status = check_pooled(rois.count, channels, pooled_h, pooled_w, data, length, why);
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
  if (writes_nothing(input)) return Status::success();
  return run_float32(input, out, execution, [&](const FeatureMap& map, const PooledOutput& pooled, Execution e) {
    return active_kernels().roi_pool_forward(map, rois, params, pooled, e);
  });
}

Status roi_align_forward(const FeatureMap& input, const RoiRows& rois, const RoiAlignParams& params,
                         const PooledOutput& out, Execution execution) {
  if (rois.columns != 5) return Status::invalid("roiAlign takes RoI rows of 5");
  const Status status =
      check_pooling_call(input, rois, params.pooled_height, params.pooled_width, out, false, params.spatial_scale);
  if (!status.ok()) return status;
  if (params.mode != AlignMode::avg && params.mode != AlignMode::max && params.mode != AlignMode::onnx_max)
    return Status::invalid("unknown pooling mode");
  if (params.max_samples_per_roi < 1) return Status::invalid("max samples per RoI must be >= 1");
  if (writes_nothing(input)) return Status::success();
  return run_float32(
      input, out, execution,
      [&](const FeatureMap& map, const PooledOutput& pooled, Execution e) {
        return active_kernels().roi_align_forward(map, rois, params, pooled, e);
      },
      HalfValues::in_kernel);
}

Status ps_roi_align_forward(const FeatureMap& input, const RoiRows& rois, const PsRoiAlignParams& params,
                            const PooledOutput& out, Execution execution) {
  if (rois.columns != 5) return Status::invalid("psRoiAlign takes RoI rows of 5");
  Status status = check_roi_call(input, rois, params.pooled_height, params.pooled_width, roiops::elements(out),
                                 out.length, true, "output buffer is shorter than [K,C/(PH*PW),PH,PW]");
  if (status.ok()) status = check_sampling(params.spatial_scale, params.max_samples_per_roi);
  if (!status.ok()) return status;
  if (writes_nothing(input)) return Status::success();
  return run_float32(input, out, execution, [&](const FeatureMap& map, const PooledOutput& pooled, Execution e) {
    return active_kernels().ps_roi_align_forward(map, rois, params, pooled, e);
  });
}

Status roi_align_rotated_forward(const FeatureMap& input, const RoiRows& rois, const RoiAlignRotatedParams& params,
                                 const PooledOutput& out, Execution execution) {
  if (rois.columns != 6) return Status::invalid("roiAlignRotated takes RoI rows of 6");
  Status status =
      check_pooling_call(input, rois, params.pooled_height, params.pooled_width, out, false, params.spatial_scale);
  if (status.ok()) status = check_sampling(params.spatial_scale, params.max_samples_per_roi);
  if (!status.ok()) return status;
  if (writes_nothing(input)) return Status::success();
  return run_float32(input, out, execution, [&](const FeatureMap& map, const PooledOutput& pooled, Execution e) {
    return active_kernels().roi_align_rotated_forward(map, rois, params, pooled, e);
  });
}

Status multi_scale_roi_align_forward(const FeatureLevels& levels, const RoiRows& rois,
                                     const RoiLevelIndices& roi_levels, const MultiScaleRoiAlignParams& params,
                                     const PooledOutput& out, Execution execution) {
  if (levels.count < 1 || levels.maps == nullptr || levels.scales == nullptr)
    return Status::invalid("at least one feature level is needed");
  if (levels.count > kMaxLevels) return Status::invalid("more than 1024 feature levels");
  const FeatureMap& first = levels.maps[0];
  for (int64_t l = 0; l < levels.count; ++l) {
    const FeatureMap& map = levels.maps[l];
    const Status status = check_map(map);
    if (!status.ok()) return status;
    if (map.batch != first.batch || map.channels != first.channels || map.layout != first.layout ||
        map.type != first.type)
      return Status::invalid("feature levels differ in batch size, channels, layout or element type");
    if (!std::isfinite(levels.scales[l])) return Status::invalid("spatial scale must be finite");
  }
  if (rois.columns != 5) return Status::invalid("multiScaleRoiAlign takes RoI rows of 5");
  Status status = check_rois(rois);
  if (status.ok() && (roi_levels.length < rois.count || (rois.count > 0 && roi_levels.data == nullptr)))
    status = Status::invalid("RoI level indices are fewer than the RoIs");
  if (status.ok()) status = check_output(first, rois, params.pooled_height, params.pooled_width, out, false);
  if (status.ok()) status = check_sampling(1.0f, params.max_samples_per_roi);
  if (!status.ok()) return status;
  if (writes_nothing(first)) return Status::success();
  return run_float32(
      levels.maps, levels.count, out, execution,
      [&](const FeatureMap* maps, const PooledOutput& pooled, Execution e) {
        const FeatureLevels views{maps, levels.scales, levels.count};
        return active_kernels().multi_scale_roi_align_forward(views, rois, roi_levels, params, pooled, e);
      },
      HalfValues::in_kernel);
}

Status roi_align_backward(const PooledGradient& grad_output, const RoiRows& rois, const RoiAlignParams& params,
                          const FeatureMap& input, const GradientMap& grad_input, Execution execution) {
  if (rois.columns != 5) return Status::invalid("roiAlign takes RoI rows of 5");
  Status status = check_roi_call(grad_input, rois, params.pooled_height, params.pooled_width, grad_output.data,
                                 grad_output.length, false, "output gradient is shorter than [K,C,PH,PW]");
  if (status.ok()) status = check_sampling(params.spatial_scale, params.max_samples_per_roi);
  if (!status.ok()) return status;
  if (params.mode != AlignMode::avg && params.mode != AlignMode::max && params.mode != AlignMode::onnx_max)
    return Status::invalid("unknown pooling mode");
  if (params.mode != AlignMode::avg) {
    if (input.type != ElementType::float32) return Status::invalid("backward passes take a float32 input");
    if (!same_shape(input, grad_input) || (input.data == nullptr && grad_input.length > 0))
      return Status::invalid("the max modes need the forward input, with the gradient's shape and layout");
    status = check_map(input);
    if (!status.ok()) return status;
  }
  if (writes_nothing(grad_input)) return Status::success();
  return active_kernels().roi_align_backward(grad_output, rois, params, input, grad_input, resolve_threads(execution));
}

Status ps_roi_align_backward(const PooledGradient& grad_output, const RoiRows& rois, const PsRoiAlignParams& params,
                             const GradientMap& grad_input, Execution execution) {
  if (rois.columns != 5) return Status::invalid("psRoiAlign takes RoI rows of 5");
  Status status = check_roi_call(grad_input, rois, params.pooled_height, params.pooled_width, grad_output.data,
                                 grad_output.length, true, "output gradient is shorter than [K,C/(PH*PW),PH,PW]");
  if (status.ok()) status = check_sampling(params.spatial_scale, params.max_samples_per_roi);
  if (!status.ok()) return status;
  if (writes_nothing(grad_input)) return Status::success();
  return active_kernels().ps_roi_align_backward(grad_output, rois, params, grad_input, resolve_threads(execution));
}

Status roi_align_rotated_backward(const PooledGradient& grad_output, const RoiRows& rois,
                                  const RoiAlignRotatedParams& params, const GradientMap& grad_input,
                                  Execution execution) {
  if (rois.columns != 6) return Status::invalid("roiAlignRotated takes RoI rows of 6");
  Status status = check_roi_call(grad_input, rois, params.pooled_height, params.pooled_width, grad_output.data,
                                 grad_output.length, false, "output gradient is shorter than [K,C,PH,PW]");
  if (status.ok()) status = check_sampling(params.spatial_scale, params.max_samples_per_roi);
  if (!status.ok()) return status;
  if (writes_nothing(grad_input)) return Status::success();
  return active_kernels().roi_align_rotated_backward(grad_output, rois, params, grad_input, resolve_threads(execution));
}

Status ps_roi_pool_forward(const FeatureMap& input, const RoiRows& rois, const PsRoiPoolParams& params,
                           const PooledOutput& out, Execution execution) {
  if (rois.columns != 5) return Status::invalid("psRoiPool takes RoI rows of 5");
  Status status = check_roi_call(input, rois, params.pooled_height, params.pooled_width, roiops::elements(out),
                                 out.length, true, "output buffer is shorter than [K,C/(PH*PW),PH,PW]");
  if (status.ok() && !std::isfinite(params.spatial_scale)) status = Status::invalid("spatial scale must be finite");
  if (!status.ok()) return status;
  if (rois.count == 0 || writes_nothing(input)) return Status::success();
  return run_float32(input, out, execution, [&](const FeatureMap& map, const PooledOutput& pooled, Execution e) {
    return active_kernels().ps_roi_pool_forward(map, rois, params, pooled, e);
  });
}

Status spatial_pyramid_pool_forward(const FeatureMap& input, const RoiRows* rois, const SpatialPyramidParams& params,
                                    const PooledOutput& out, Execution execution) {
  Status status = check_map(input);
  if (status.ok() && rois != nullptr) {
    if (rois->columns != 5) return Status::invalid("spatialPyramidPool takes RoI rows of 5");
    status = check_rois(*rois);
  }
  if (!status.ok()) return status;
  if (params.level_count < 1) return Status::invalid("at least one pyramid level is needed");
  if (params.levels == nullptr) return Status::invalid("pyramid levels are missing");
  int64_t cells = 0;
  for (int64_t i = 0; i < params.level_count; ++i) {
    const int64_t l = params.levels[i];
    int64_t square;
    if (l < 1) return Status::invalid("pyramid levels must be >= 1");
    if (!multiply(l, l, square) || square > kInt64Max - cells) return Status::invalid("output shape overflows");
    cells += square;
  }
  const int64_t count = rois != nullptr ? rois->count : input.batch;
  int64_t elements;
  if (!multiply({count, input.channels, cells}, elements)) return Status::invalid("output shape overflows");
  if (out.length < elements) return Status::invalid("output buffer is shorter than [rows, C*sum(l*l)]");
  if (elements > 0 && roiops::elements(out) == nullptr) return Status::invalid("output buffer is missing");
  if (!std::isfinite(params.spatial_scale)) return Status::invalid("spatial scale must be finite");
  if (params.mode != PyramidMode::max && params.mode != PyramidMode::avg)
    return Status::invalid("unknown pooling mode");
  if (elements == 0) return Status::success();
  return run_float32(input, out, execution, [&](const FeatureMap& map, const PooledOutput& pooled, Execution e) {
    return active_kernels().spatial_pyramid_pool_forward(map, rois, params, pooled, e);
  });
}

Status crop_and_resize_forward(const FeatureMap& image, const RoiRows& boxes, const int32_t* box_indices,
                               int64_t box_indices_length, const CropAndResizeParams& params, const PooledOutput& out,
                               Execution execution) {
  if (boxes.columns != 4) return Status::invalid("cropAndResize takes box rows of 4");
  Status status = check_map(image);
  if (status.ok()) status = check_rois(boxes);
  if (!status.ok()) return status;
  if (box_indices_length < boxes.count) return Status::invalid("box indices are fewer than the boxes");
  if (boxes.count > 0 && box_indices == nullptr) return Status::invalid("box indices are missing");
  if (params.crop_height < 1 || params.crop_width < 1) return Status::invalid("crop size must be >= 1");
  int64_t elements;
  if (!multiply({boxes.count, params.crop_height, params.crop_width, image.channels}, elements))
    return Status::invalid("output shape overflows");
  if (out.length < elements) return Status::invalid("output buffer is shorter than [K,h,w,C]");
  if (elements > 0 && roiops::elements(out) == nullptr) return Status::invalid("output buffer is missing");
  if (params.method != CropMethod::bilinear && params.method != CropMethod::nearest)
    return Status::invalid("unknown resize method");
  if (elements == 0) return Status::success();
  return run_float32(image, out, execution, [&](const FeatureMap& map, const PooledOutput& pooled, Execution e) {
    return active_kernels().crop_and_resize_forward(map, boxes, box_indices, box_indices_length, params, pooled, e);
  });
}

Status precise_roi_pool_forward(const FeatureMap& input, const RoiRows& rois, const PreciseRoiPoolParams& params,
                                const PooledOutput& out, Execution execution) {
  if (rois.columns != 5) return Status::invalid("preciseRoiPool takes RoI rows of 5");
  const Status status =
      check_pooling_call(input, rois, params.pooled_height, params.pooled_width, out, false, params.spatial_scale);
  if (!status.ok()) return status;
  if (rois.count == 0 || writes_nothing(input)) return Status::success();
  return run_float32(input, out, execution, [&](const FeatureMap& map, const PooledOutput& pooled, Execution e) {
    return active_kernels().precise_roi_pool_forward(map, rois, params, pooled, e);
  });
}

Status roi_pool_backward(const PooledGradient& grad_output, const RoiRows& rois, const RoiPoolParams& params,
                         const GradientMap& grad_input, Execution execution) {
  if (rois.columns != 5) return Status::invalid("roiPool takes RoI rows of 5");
  Status status = check_roi_call(grad_input, rois, params.pooled_height, params.pooled_width, grad_output.data,
                                 grad_output.length, false, "output gradient is shorter than [K,C,PH,PW]");
  if (!status.ok()) return status;
  const int64_t elements = rois.count * grad_input.channels * params.pooled_height * params.pooled_width;  // checked
  if (grad_output.argmax_length < elements) return Status::invalid("argmax is shorter than the forward output");
  if (elements > 0 && grad_output.argmax == nullptr) return Status::invalid("argmax is missing");
  const int64_t pixels = grad_input.height * grad_input.width;  // no overflow: checked with the gradient
  for (int64_t i = 0; i < elements; ++i)
    if (grad_output.argmax[i] < -1 || grad_output.argmax[i] >= pixels)
      return Status::invalid("argmax holds an index outside [-1, H*W)");
  if (writes_nothing(grad_input)) return Status::success();
  return active_kernels().roi_pool_backward(grad_output, rois, params, grad_input, resolve_threads(execution));
}

Status ps_roi_pool_backward(const PooledGradient& grad_output, const RoiRows& rois, const PsRoiPoolParams& params,
                            const GradientMap& grad_input, Execution execution) {
  if (rois.columns != 5) return Status::invalid("psRoiPool takes RoI rows of 5");
  Status status = check_roi_call(grad_input, rois, params.pooled_height, params.pooled_width, grad_output.data,
                                 grad_output.length, true, "output gradient is shorter than [K,C/(PH*PW),PH,PW]");
  if (status.ok() && !std::isfinite(params.spatial_scale)) status = Status::invalid("spatial scale must be finite");
  if (!status.ok()) return status;
  if (writes_nothing(grad_input)) return Status::success();
  return active_kernels().ps_roi_pool_backward(grad_output, rois, params, grad_input, resolve_threads(execution));
}

Status precise_roi_pool_backward(const PooledGradient& grad_output, const RoiRows& rois,
                                 const PreciseRoiPoolParams& params, const GradientMap& grad_input,
                                 Execution execution) {
  if (rois.columns != 5) return Status::invalid("preciseRoiPool takes RoI rows of 5");
  Status status = check_roi_call(grad_input, rois, params.pooled_height, params.pooled_width, grad_output.data,
                                 grad_output.length, false, "output gradient is shorter than [K,C,PH,PW]");
  if (status.ok() && !std::isfinite(params.spatial_scale)) status = Status::invalid("spatial scale must be finite");
  if (!status.ok()) return status;
  if (writes_nothing(grad_input)) return Status::success();
  return active_kernels().precise_roi_pool_backward(grad_output, rois, params, grad_input, resolve_threads(execution));
}

}  // namespace roiops
