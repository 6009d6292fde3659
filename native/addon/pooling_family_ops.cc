// Bindings of the bin-pooling and resampling operators: roiPool, psRoiPool, spatialPyramidPool,
// cropAndResize, preciseRoiPool and the roiPool / psRoiPool / preciseRoiPool backward passes.
// Each reads its arguments by name from its wire struct (wire.h, whose comments say what each
// holds), then runs the kernel entry point of native/include/roiops (call.h).
// Buffers are written in place.
#include <memory>
#include <utility>
#include <vector>

#include "call.h"

namespace roiops_addon {

// The argmax (optional) in the output's layout.
Napi::Value roi_pool_forward(const Napi::CallbackInfo& info, bool async) {
  using Wire = wire::RoiPool;
  const ArgReader args(info);
  ForwardArgs forward = read_call<Wire>(args, async);
  Napi::Int32Array argmax = args.optional_int32_array(Wire::argmax);
  if (!argmax.IsEmpty()) {
    forward.pooled.argmax = forward.memory.output(argmax);
    forward.pooled.argmax_length = static_cast<int64_t>(argmax.ElementLength());
  }
  roiops::RoiPoolParams params;
  read_bins_and_scale<Wire>(args, params);
  params.bins = static_cast<roiops::BinRule>(args.integer(Wire::bins, 0, 1));
  return run_pooling<Wire, &roiops::roi_pool_forward>(args, std::move(forward), params);
}

Napi::Value ps_roi_pool_forward(const Napi::CallbackInfo& info, bool async) {
  return pooling_binding<wire::PsRoiPool, &roiops::ps_roi_pool_forward, roiops::PsRoiPoolParams>(info, async);
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
  auto levels =
      std::make_shared<std::vector<int64_t>>(level_array.Data(), level_array.Data() + level_array.ElementLength());
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
  return pooling_binding<wire::PreciseRoiPool, &roiops::precise_roi_pool_forward, roiops::PreciseRoiPoolParams>(info,
                                                                                                                async);
}

// The forward's argmax tells each bin's source pixel: no spatial scale.
Napi::Value roi_pool_backward(const Napi::CallbackInfo& info, bool async) {
  using Wire = wire::RoiPoolBackward;
  const ArgReader args(info);
  BackwardArgs backward = read_call<Wire>(args, async);
  Napi::Int32Array argmax = args.int32_array(Wire::argmax);
  backward.pooled.argmax = backward.memory.input(argmax);
  backward.pooled.argmax_length = static_cast<int64_t>(argmax.ElementLength());
  roiops::RoiPoolParams params;
  params.pooled_height = args.integer(Wire::pooled_height, 1, kMaxDimension);
  params.pooled_width = args.integer(Wire::pooled_width, 1, kMaxDimension);
  return run_pooling<Wire, &roiops::roi_pool_backward>(args, std::move(backward), params);
}

Napi::Value ps_roi_pool_backward(const Napi::CallbackInfo& info, bool async) {
  return pooling_binding<wire::PsRoiPoolBackward, &roiops::ps_roi_pool_backward, roiops::PsRoiPoolParams>(info, async);
}

Napi::Value precise_roi_pool_backward(const Napi::CallbackInfo& info, bool async) {
  return pooling_binding<wire::PreciseRoiPoolBackward, &roiops::precise_roi_pool_backward,
                         roiops::PreciseRoiPoolParams>(info, async);
}

}  // namespace roiops_addon
