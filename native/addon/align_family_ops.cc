// Bindings of the RoIAlign-shaped operators: roiAlign, psRoiAlign, roiAlignRotated,
// multiScaleRoiAlign and their backward passes. Each reads its arguments by name from its wire
// struct (wire.h, whose comments say what each holds), then runs the kernel entry point of
// native/include/roiops through run() (call.h). Every length is re-checked by the kernel entry
// points (a RangeError names what was short), every type here (a TypeError names the argument).
#include <utility>
#include <vector>

#include "call.h"

namespace roiops_addon {

Napi::Value roi_align_forward(const Napi::CallbackInfo& info, bool async) {
  using Wire = wire::RoiAlign;
  const ArgReader args(info);
  ForwardArgs forward = read_forward<Wire>(args, async);
  roiops::RoiAlignParams params;
  read_bins_and_scale<Wire>(args, params);
  read_sampling<Wire>(args, params);
  params.aligned = args.boolean(Wire::aligned);
  params.mode = static_cast<roiops::AlignMode>(args.integer(Wire::mode, 0, 2));
  const int32_t threads = read_threads<Wire>(args);
  const roiops::FeatureMap map = forward.map;
  const roiops::RoiRows rois = forward.rois;
  const roiops::PooledOutput out = forward.out;
  return run<Wire>(args, std::move(forward.memory), [=](roiops::CancelFlag cancel) {
    return roiops::roi_align_forward(map, rois, params, out, {cancel, threads});
  });
}

// C must be a multiple of PH*PW.
Napi::Value ps_roi_align_forward(const Napi::CallbackInfo& info, bool async) {
  using Wire = wire::PsRoiAlign;
  const ArgReader args(info);
  ForwardArgs forward = read_forward<Wire>(args, async);
  roiops::PsRoiAlignParams params;
  read_bins_and_scale<Wire>(args, params);
  read_sampling<Wire>(args, params);
  const int32_t threads = read_threads<Wire>(args);
  const roiops::FeatureMap map = forward.map;
  const roiops::RoiRows rois = forward.rois;
  const roiops::PooledOutput out = forward.out;
  return run<Wire>(args, std::move(forward.memory), [=](roiops::CancelFlag cancel) {
    return roiops::ps_roi_align_forward(map, rois, params, out, {cancel, threads});
  });
}

// RoI rows of six: (batchIndex, cx, cy, w, h, angle).
Napi::Value roi_align_rotated_forward(const Napi::CallbackInfo& info, bool async) {
  using Wire = wire::RoiAlignRotated;
  const ArgReader args(info);
  ForwardArgs forward = read_forward<Wire>(args, async, 6);
  roiops::RoiAlignRotatedParams params;
  read_bins_and_scale<Wire>(args, params);
  read_sampling<Wire>(args, params);
  params.aligned = args.boolean(Wire::aligned);
  params.clockwise = args.boolean(Wire::clockwise);
  const int32_t threads = read_threads<Wire>(args);
  const roiops::FeatureMap map = forward.map;
  const roiops::RoiRows rois = forward.rois;
  const roiops::PooledOutput out = forward.out;
  return run<Wire>(args, std::move(forward.memory), [=](roiops::CancelFlag cancel) {
    return roiops::roi_align_rotated_forward(map, rois, params, out, {cancel, threads});
  });
}

// L levels (at most 1024) sharing N, C and the layout, each with its own H, W and scale.
Napi::Value multi_scale_roi_align_forward(const Napi::CallbackInfo& info, bool async) {
  using Wire = wire::MultiScaleRoiAlign;
  const ArgReader args(info);
  CallMemory memory(async);
  const std::vector<Napi::Float32Array> level_data = args.float32_arrays(Wire::levels, 1024);
  const auto level_count = static_cast<uint32_t>(level_data.size());
  const int64_t batch = args.integer(Wire::batch, 0, kMaxDimension);
  const int64_t channels = args.integer(Wire::channels, 0, kMaxDimension);
  const std::vector<int64_t> sizes =
      args.integers(Wire::level_sizes, 2 * level_count, "an array of two integers per level", 0, kMaxDimension);
  const auto layout = static_cast<roiops::Layout>(args.integer(Wire::layout, 0, 1));
  std::vector<roiops::FeatureMap> maps(level_count);
  for (uint32_t l = 0; l < level_count; ++l) {
    roiops::FeatureMap& map = maps[l];
    map.data = memory.input(level_data[l]);
    map.length = static_cast<int64_t>(level_data[l].ElementLength());
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

// The forward input (required by the max modes, may be null for avg) has the gradient's shape and layout.
Napi::Value roi_align_backward(const Napi::CallbackInfo& info, bool async) {
  using Wire = wire::RoiAlignBackward;
  const ArgReader args(info);
  BackwardArgs backward = read_backward<Wire>(args, async);
  const roiops::GradientMap grad_input = backward.grad_input;
  const roiops::RoiRows rois = backward.rois;
  const roiops::PooledGradient grad_output = backward.grad_output;
  roiops::FeatureMap input;
  Napi::Float32Array input_data = args.optional_float32_array(Wire::input);
  if (!input_data.IsEmpty()) {
    input.data = backward.memory.input(input_data);
    input.length = static_cast<int64_t>(input_data.ElementLength());
  }
  input.batch = grad_input.batch;
  input.channels = grad_input.channels;
  input.height = grad_input.height;
  input.width = grad_input.width;
  input.layout = grad_input.layout;
  roiops::RoiAlignParams params;
  read_bins_and_scale<Wire>(args, params);
  read_sampling<Wire>(args, params);
  params.aligned = args.boolean(Wire::aligned);
  params.mode = static_cast<roiops::AlignMode>(args.integer(Wire::mode, 0, 2));
  const int32_t threads = read_threads<Wire>(args);
  return run<Wire>(args, std::move(backward.memory), [=](roiops::CancelFlag cancel) {
    return roiops::roi_align_backward(grad_output, rois, params, input, grad_input, {cancel, threads});
  });
}

Napi::Value ps_roi_align_backward(const Napi::CallbackInfo& info, bool async) {
  using Wire = wire::PsRoiAlignBackward;
  const ArgReader args(info);
  BackwardArgs backward = read_backward<Wire>(args, async);
  const roiops::GradientMap grad_input = backward.grad_input;
  const roiops::RoiRows rois = backward.rois;
  const roiops::PooledGradient grad_output = backward.grad_output;
  roiops::PsRoiAlignParams params;
  read_bins_and_scale<Wire>(args, params);
  read_sampling<Wire>(args, params);
  const int32_t threads = read_threads<Wire>(args);
  return run<Wire>(args, std::move(backward.memory), [=](roiops::CancelFlag cancel) {
    return roiops::ps_roi_align_backward(grad_output, rois, params, grad_input, {cancel, threads});
  });
}

// RoI rows of six, as roiAlignRotated's.
Napi::Value roi_align_rotated_backward(const Napi::CallbackInfo& info, bool async) {
  using Wire = wire::RoiAlignRotatedBackward;
  const ArgReader args(info);
  BackwardArgs backward = read_backward<Wire>(args, async, 6);
  const roiops::GradientMap grad_input = backward.grad_input;
  const roiops::RoiRows rois = backward.rois;
  const roiops::PooledGradient grad_output = backward.grad_output;
  roiops::RoiAlignRotatedParams params;
  read_bins_and_scale<Wire>(args, params);
  read_sampling<Wire>(args, params);
  params.aligned = args.boolean(Wire::aligned);
  params.clockwise = args.boolean(Wire::clockwise);
  const int32_t threads = read_threads<Wire>(args);
  return run<Wire>(args, std::move(backward.memory), [=](roiops::CancelFlag cancel) {
    return roiops::roi_align_rotated_backward(grad_output, rois, params, grad_input, {cancel, threads});
  });
}

}  // namespace roiops_addon
