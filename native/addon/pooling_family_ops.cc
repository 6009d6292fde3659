// Bindings of the bin-pooling and resampling operators: roiPool, psRoiPool, spatialPyramidPool,
// cropAndResize, preciseRoiPool and the roiPool / psRoiPool / preciseRoiPool backward passes.
// Each reads its arguments by name from its wire struct (wire.h, whose comments say what each
// holds), then runs the kernel entry point of native/include/roiops through run() (call.h).
// Buffers are written in place.
#include <memory>
#include <utility>
#include <vector>

#include "call.h"

namespace roiops_addon {
namespace {

// The forward operators whose parameters are (PH, PW, spatialScale): psRoiPool and preciseRoiPool.
template <class Wire, typename Params,
          roiops::Status (*forward_pass)(const roiops::FeatureMap&, const roiops::RoiRows&, const Params&,
                                         const roiops::PooledOutput&, roiops::Execution)>
Napi::Value bins_and_scale_forward(const Napi::CallbackInfo& info, bool async) {
  const ArgReader args(info);
  ForwardArgs forward = read_forward<Wire>(args, async);
  Params params;
  read_bins_and_scale<Wire>(args, params);
  const int32_t threads = read_threads<Wire>(args);
  const roiops::FeatureMap map = forward.map;
  const roiops::RoiRows rois = forward.rois;
  const roiops::PooledOutput out = forward.out;
  return run<Wire>(args, std::move(forward.memory), [=](roiops::CancelFlag cancel) {
    return forward_pass(map, rois, params, out, {cancel, threads});
  });
}

// Their backward passes.
template <class Wire, typename Params,
          roiops::Status (*backward_pass)(const roiops::PooledGradient&, const roiops::RoiRows&, const Params&,
                                          const roiops::GradientMap&, roiops::Execution)>
Napi::Value bins_and_scale_backward(const Napi::CallbackInfo& info, bool async) {
  const ArgReader args(info);
  BackwardArgs backward = read_backward<Wire>(args, async);
  const roiops::GradientMap grad_input = backward.grad_input;
  const roiops::RoiRows rois = backward.rois;
  const roiops::PooledGradient grad_output = backward.grad_output;
  Params params;
  read_bins_and_scale<Wire>(args, params);
  const int32_t threads = read_threads<Wire>(args);
  return run<Wire>(args, std::move(backward.memory), [=](roiops::CancelFlag cancel) {
    return backward_pass(grad_output, rois, params, grad_input, {cancel, threads});
  });
}

}  // namespace

// The argmax (optional) in the output's layout.
Napi::Value roi_pool_forward(const Napi::CallbackInfo& info, bool async) {
  using Wire = wire::RoiPool;
  const ArgReader args(info);
  ForwardArgs forward = read_forward<Wire>(args, async);
  Napi::Int32Array argmax = args.optional_int32_array(Wire::argmax);
  if (!argmax.IsEmpty()) {
    forward.out.argmax = forward.memory.output(argmax);
    forward.out.argmax_length = static_cast<int64_t>(argmax.ElementLength());
  }
  roiops::RoiPoolParams params;
  read_bins_and_scale<Wire>(args, params);
  params.bins = static_cast<roiops::BinRule>(args.integer(Wire::bins, 0, 1));
  const int32_t threads = read_threads<Wire>(args);
  const roiops::FeatureMap map = forward.map;
  const roiops::RoiRows rois = forward.rois;
  const roiops::PooledOutput out = forward.out;
  return run<Wire>(args, std::move(forward.memory), [=](roiops::CancelFlag cancel) {
    return roiops::roi_pool_forward(map, rois, params, out, {cancel, threads});
  });
}

Napi::Value ps_roi_pool_forward(const Napi::CallbackInfo& info, bool async) {
  return bins_and_scale_forward<wire::PsRoiPool, roiops::PsRoiPoolParams, &roiops::ps_roi_pool_forward>(info, async);
}

// No RoI rows (null): one row per image over its whole map.
Napi::Value spatial_pyramid_pool_forward(const Napi::CallbackInfo& info, bool async) {
  using Wire = wire::SpatialPyramidPool;
  const ArgReader args(info);
  CallMemory memory(async);
  const roiops::FeatureMap map = read_input<Wire>(args, memory);
  Napi::Float32Array roi_data = args.optional_float32_array(Wire::rois);
  const int64_t roi_count = args.integer(Wire::roi_count, 0, kMaxDimension);
  roiops::RoiRows rois;
  const bool whole_map = roi_data.IsEmpty();
  if (!whole_map) {
    rois.data = memory.input(roi_data);
    rois.length = static_cast<int64_t>(roi_data.ElementLength());
    rois.count = roi_count;
    rois.columns = 5;
  }
  const roiops::PooledOutput out = read_output<Wire>(args, memory);
  Napi::Int32Array level_array = args.int32_array(Wire::levels);
  auto levels = std::make_shared<std::vector<int64_t>>(level_array.Data(), level_array.Data() + level_array.ElementLength());
  roiops::SpatialPyramidParams params;
  params.level_count = static_cast<int64_t>(levels->size());
  params.spatial_scale = args.finite_float(Wire::spatial_scale);
  params.mode = static_cast<roiops::PyramidMode>(args.integer(Wire::mode, 0, 1));
  const int32_t threads = read_threads<Wire>(args);
  return run<Wire>(args, std::move(memory), [=](roiops::CancelFlag cancel) {
    roiops::SpatialPyramidParams with_levels = params;
    with_levels.levels = levels->data();
    return roiops::spatial_pyramid_pool_forward(map, whole_map ? nullptr : &rois, with_levels, out, {cancel, threads});
  });
}

// Boxes of four normalized corners, each with its image's index.
Napi::Value crop_and_resize_forward(const Napi::CallbackInfo& info, bool async) {
  using Wire = wire::CropAndResize;
  const ArgReader args(info);
  CallMemory memory(async);
  const roiops::FeatureMap map = read_input<Wire>(args, memory);
  const roiops::RoiRows boxes = read_rois<Wire>(args, memory, 4);
  Napi::Int32Array index_array = args.int32_array(Wire::box_indices);
  const int32_t* indices = memory.input(index_array);
  const int64_t indices_length = static_cast<int64_t>(index_array.ElementLength());
  const roiops::PooledOutput out = read_output<Wire>(args, memory);
  roiops::CropAndResizeParams params;
  params.crop_height = args.integer(Wire::crop_height, 1, kMaxDimension);
  params.crop_width = args.integer(Wire::crop_width, 1, kMaxDimension);
  params.method = static_cast<roiops::CropMethod>(args.integer(Wire::method, 0, 1));
  params.extrapolation_value = args.any_float(Wire::extrapolation_value);
  const int32_t threads = read_threads<Wire>(args);
  return run<Wire>(args, std::move(memory), [=](roiops::CancelFlag cancel) {
    return roiops::crop_and_resize_forward(map, boxes, indices, indices_length, params, out, {cancel, threads});
  });
}

Napi::Value precise_roi_pool_forward(const Napi::CallbackInfo& info, bool async) {
  return bins_and_scale_forward<wire::PreciseRoiPool, roiops::PreciseRoiPoolParams, &roiops::precise_roi_pool_forward>(
      info, async);
}

// The forward's argmax tells each bin's source pixel: no spatial scale.
Napi::Value roi_pool_backward(const Napi::CallbackInfo& info, bool async) {
  using Wire = wire::RoiPoolBackward;
  const ArgReader args(info);
  BackwardArgs backward = read_backward<Wire>(args, async);
  const roiops::GradientMap grad_input = backward.grad_input;
  const roiops::RoiRows rois = backward.rois;
  roiops::PooledGradient grad_output = backward.grad_output;
  Napi::Int32Array argmax = args.int32_array(Wire::argmax);
  grad_output.argmax = backward.memory.input(argmax);
  grad_output.argmax_length = static_cast<int64_t>(argmax.ElementLength());
  roiops::RoiPoolParams params;
  params.pooled_height = args.integer(Wire::pooled_height, 1, kMaxDimension);
  params.pooled_width = args.integer(Wire::pooled_width, 1, kMaxDimension);
  const int32_t threads = read_threads<Wire>(args);
  return run<Wire>(args, std::move(backward.memory), [=](roiops::CancelFlag cancel) {
    return roiops::roi_pool_backward(grad_output, rois, params, grad_input, {cancel, threads});
  });
}

Napi::Value ps_roi_pool_backward(const Napi::CallbackInfo& info, bool async) {
  return bins_and_scale_backward<wire::PsRoiPoolBackward, roiops::PsRoiPoolParams, &roiops::ps_roi_pool_backward>(
      info, async);
}

Napi::Value precise_roi_pool_backward(const Napi::CallbackInfo& info, bool async) {
  return bins_and_scale_backward<wire::PreciseRoiPoolBackward, roiops::PreciseRoiPoolParams,
                                 &roiops::precise_roi_pool_backward>(info, async);
}

}  // namespace roiops_addon
