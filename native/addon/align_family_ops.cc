// Bindings of the RoIAlign-shaped operators: roiAlign, psRoiAlign, roiAlignRotated,
// multiScaleRoiAlign and their backward passes. Each reads its arguments by name from its wire
// struct (wire.h, whose comments say what each holds), then runs the kernel entry point of
// native/include/roiops (call.h). Every length is re-checked by the kernel entry points (a
// RangeError names what was short), every type here (a TypeError names the argument).
#include <utility>
#include <vector>

#include "call.h"

namespace roiops_addon {

Napi::Value roi_align_forward(const Napi::CallbackInfo& info, bool async) {
  return pooling_binding<wire::RoiAlign, &roiops::roi_align_forward, roiops::RoiAlignParams>(info, async);
}

Napi::Value ps_roi_align_forward(const Napi::CallbackInfo& info, bool async) {
  return pooling_binding<wire::PsRoiAlign, &roiops::ps_roi_align_forward, roiops::PsRoiAlignParams>(info, async);
}

// RoI rows of six: (batchIndex, cx, cy, w, h, angle).
Napi::Value roi_align_rotated_forward(const Napi::CallbackInfo& info, bool async) {
  return pooling_binding<wire::RoiAlignRotated, &roiops::roi_align_rotated_forward, roiops::RoiAlignRotatedParams, 6>(
      info, async);
}

// L levels (at most 1024) sharing N, C and the layout, each with its own H, W and scale.
Napi::Value multi_scale_roi_align_forward(const Napi::CallbackInfo& info, bool async) {
  using Wire = wire::MultiScaleRoiAlign;
  const ArgReader args(info);
  CallMemory memory(async);
  const roiops::ElementType type = args.element_type(Wire::input_type);
  const std::vector<Napi::TypedArray> level_data = args.map_arrays(Wire::levels, 1024, type);
  const auto level_count = static_cast<uint32_t>(level_data.size());
  const int64_t batch = args.integer(Wire::batch, 0, kMaxDimension);
  const int64_t channels = args.integer(Wire::channels, 0, kMaxDimension);
  const std::vector<int64_t> sizes =
      args.integers(Wire::level_sizes, 2 * level_count, "an array of two integers per level", 0, kMaxDimension);
  const auto layout = static_cast<roiops::Layout>(args.integer(Wire::layout, 0, 1));
  std::vector<roiops::FeatureMap> maps(level_count);
  for (uint32_t l = 0; l < level_count; ++l) {
    roiops::FeatureMap& map = maps[l];
    hold_map_data(memory, level_data[l], type, map);
    map.batch = batch;
    map.channels = channels;
    map.height = sizes[2 * l];
    map.width = sizes[2 * l + 1];
    map.layout = layout;
  }
  Napi::Float32Array scales = args.float32_array(Wire::scales);
  if (scales.ElementLength() != level_count) args.fail(Wire::scales, "a Float32Array of one scale per level");
  const float* scale_data = memory.input(scales);
  const roiops::RoiRows rois = read_rois<Wire>(args, memory);
  Napi::Int32Array indices = args.int32_array(Wire::roi_levels);
  const roiops::RoiLevelIndices roi_levels{memory.input(indices), static_cast<int64_t>(indices.ElementLength())};
  const roiops::PooledOutput out = read_output<Wire>(args, memory);
  roiops::MultiScaleRoiAlignParams params;
  params.pooled_height = args.integer(Wire::pooled_height, 1, kMaxDimension);
  params.pooled_width = args.integer(Wire::pooled_width, 1, kMaxDimension);
  read_sampling<Wire>(args, params);
  params.aligned = args.boolean(Wire::aligned);
  const int32_t threads = read_threads<Wire>(args);
  return run<Wire>(args, std::move(memory), [=](roiops::CancelFlag cancel) {
    const roiops::FeatureLevels levels{maps.data(), scale_data, static_cast<int64_t>(maps.size())};
    return roiops::multi_scale_roi_align_forward(levels, rois, roi_levels, params, out, {cancel, threads});
  });
}

// The forward input (required by the max modes, may be null for avg) has the gradient's shape
// and layout, so its kernel takes one map more than the others'.
Napi::Value roi_align_backward(const Napi::CallbackInfo& info, bool async) {
  using Wire = wire::RoiAlignBackward;
  const ArgReader args(info);
  BackwardArgs backward = read_call<Wire>(args, async);
  roiops::FeatureMap input;
  Napi::Float32Array input_data = args.optional_float32_array(Wire::input);
  if (!input_data.IsEmpty()) hold_data(backward.memory, input_data, input);
  input.batch = backward.map.batch;
  input.channels = backward.map.channels;
  input.height = backward.map.height;
  input.width = backward.map.width;
  input.layout = backward.map.layout;
  roiops::RoiAlignParams params;
  read_params<Wire>(args, params);
  const int32_t threads = read_threads<Wire>(args);
  const roiops::PooledGradient grad_output = backward.pooled;
  const roiops::RoiRows rois = backward.rois;
  const roiops::GradientMap grad_input = backward.map;
  return run<Wire>(args, std::move(backward.memory), [=](roiops::CancelFlag cancel) {
    return roiops::roi_align_backward(grad_output, rois, params, input, grad_input, {cancel, threads});
  });
}

Napi::Value ps_roi_align_backward(const Napi::CallbackInfo& info, bool async) {
  return pooling_binding<wire::PsRoiAlignBackward, &roiops::ps_roi_align_backward, roiops::PsRoiAlignParams>(info,
                                                                                                             async);
}

// RoI rows of six, as roiAlignRotated's.
Napi::Value roi_align_rotated_backward(const Napi::CallbackInfo& info, bool async) {
  return pooling_binding<wire::RoiAlignRotatedBackward, &roiops::roi_align_rotated_backward,
                         roiops::RoiAlignRotatedParams, 6>(info, async);
}

}  // namespace roiops_addon
