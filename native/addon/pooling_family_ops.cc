// Bindings of the bin-pooling and resampling operators: psRoiPool, spatialPyramidPool, cropAndResize, preciseRoiPool and the roiPool / psRoiPool / preciseRoiPool backward passes.
// Each entry point reads its positional arguments (documented above it), then runs the
// kernel entry point of native/include/roiops through run() (call.h).
//
// Conventions shared by every entry point: layout 0 = NCHW, 1 = NHWC (an output or gradient
// follows its input's layout, except spatialPyramidPool's, which is always [rows, C*sum(l*l)]);
// threads 0 = the process setting; the Async form takes an optional Int32Array abort flag
// (non-zero element 0 stops the kernel between RoIs) and the function it settles with as its
// last two arguments, queues the kernel and returns; that function is called once, with no
// argument on success, else with the error (an ABORT_ERR when aborted; kernel_worker.h).
// Buffers are written in place.
#include <memory>
#include <utility>
#include <vector>

#include "call.h"

namespace roiops_addon {
namespace {

// The forward operators whose parameters are (PH, PW, spatialScale), psRoiPool and preciseRoiPool:
// (input, N, C, H, W, layout, rois, K, out, PH, PW, spatialScale, threads[, abortFlag, settle]).
template <typename Params, roiops::Status (*forward)(const roiops::FeatureMap&, const roiops::RoiRows&, const Params&,
                                                     const roiops::PooledOutput&, roiops::Execution)>
Napi::Value bins_and_scale_forward(const Napi::CallbackInfo& info, bool async, const char* function) {
  ArgReader args(info);
  CommonArgs common = read_common(args, async);
  Params params;
  read_bins_and_scale(args, params);
  const int32_t threads = read_threads(args);
  const roiops::FeatureMap map = common.map;
  const roiops::RoiRows rois = common.rois;
  const roiops::PooledOutput out = common.out;
  return run(info, function, std::move(common.memory), args, [=](roiops::CancelFlag cancel) {
    return forward(map, rois, params, out, {cancel, threads});
  });
}

// Their backward passes: (gradInput, N, C, H, W, layout, rois, K, gradOutput, PH, PW,
// spatialScale, threads[, abortFlag, settle]); gradInput as for roiPoolBackward.
template <typename Params, roiops::Status (*backward_pass)(const roiops::PooledGradient&, const roiops::RoiRows&,
                                                           const Params&, const roiops::GradientMap&, roiops::Execution)>
Napi::Value bins_and_scale_backward(const Napi::CallbackInfo& info, bool async, const char* function) {
  ArgReader args(info);
  BackwardArgs backward = read_backward(args, async);
  const roiops::GradientMap grad_input = backward.grad_input;
  const roiops::RoiRows rois = backward.rois;
  const roiops::PooledGradient grad_output = backward.grad_output;
  Params params;
  read_bins_and_scale(args, params);
  const int32_t threads = read_threads(args);
  return run(info, function, std::move(backward.memory), args, [=](roiops::CancelFlag cancel) {
    return backward_pass(grad_output, rois, params, grad_input, {cancel, threads});
  });
}

// out: [K, C/(PH*PW), PH, PW] (NCHW) or [K, PH, PW, C/(PH*PW)] (NHWC) floats.
Napi::Value PsRoiPool(const Napi::CallbackInfo& info, bool async) {
  return bins_and_scale_forward<roiops::PsRoiPoolParams, &roiops::ps_roi_pool_forward>(info, async, "psRoiPool");
}

// (input, N, C, H, W, layout, rois | null, K, out, levels, spatialScale, mode, threads[, abortFlag, settle])
// rois null: one row per image over its whole map (K is then ignored, pass 0); levels: an
// Int32Array of grid sizes l >= 1 in output order; mode 0 = max, 1 = avg.
// out: [rows, C * sum(l*l)] floats for both layouts, each level flattened (C, l, l).
Napi::Value SpatialPyramidPool(const Napi::CallbackInfo& info, bool async) {
  ArgReader args(info);
  CallMemory memory(async);
  const roiops::FeatureMap map = read_feature_map(args, memory);
  Napi::Float32Array roi_data = args.optional_float32_array();
  const int64_t roi_count = args.integer(0, kMaxDimension);
  roiops::RoiRows rois;
  const bool whole_map = roi_data.IsEmpty();
  if (!whole_map) {
    rois.data = memory.input(roi_data);
    rois.length = static_cast<int64_t>(roi_data.ElementLength());
    rois.count = roi_count;
    rois.columns = 5;
  }
  const roiops::PooledOutput out = read_output(args, memory);
  Napi::Int32Array level_array = args.int32_array();
  auto levels = std::make_shared<std::vector<int64_t>>(level_array.Data(), level_array.Data() + level_array.ElementLength());
  roiops::SpatialPyramidParams params;
  params.level_count = static_cast<int64_t>(levels->size());
  params.spatial_scale = args.finite_float();
  params.mode = static_cast<roiops::PyramidMode>(args.integer(0, 1));
  const int32_t threads = read_threads(args);
  return run(info, "spatialPyramidPool", std::move(memory), args, [=](roiops::CancelFlag cancel) {
    roiops::SpatialPyramidParams with_levels = params;
    with_levels.levels = levels->data();
    return roiops::spatial_pyramid_pool_forward(map, whole_map ? nullptr : &rois, with_levels, out, {cancel, threads});
  });
}

// (image, N, C, H, W, layout, boxes, K, boxIndices, out, cropHeight, cropWidth, method,
//  extrapolationValue, threads[, abortFlag, settle])
// boxes: K rows of 4 normalized (y1, x1, y2, x2); boxIndices: an Int32Array of K image
// indices; method 0 = bilinear, 1 = nearest; extrapolationValue any number.
// out: [K, h, w, C] (NHWC) or [K, C, h, w] (NCHW) floats.
Napi::Value CropAndResize(const Napi::CallbackInfo& info, bool async) {
  ArgReader args(info);
  CallMemory memory(async);
  const roiops::FeatureMap map = read_feature_map(args, memory);
  const roiops::RoiRows boxes = read_rois(args, memory, 4);
  Napi::Int32Array index_array = args.int32_array();
  const int32_t* indices = memory.input(index_array);
  const int64_t indices_length = static_cast<int64_t>(index_array.ElementLength());
  const roiops::PooledOutput out = read_output(args, memory);
  roiops::CropAndResizeParams params;
  params.crop_height = args.integer(1, kMaxDimension);
  params.crop_width = args.integer(1, kMaxDimension);
  params.method = static_cast<roiops::CropMethod>(args.integer(0, 1));
  params.extrapolation_value = args.any_float();
  const int32_t threads = read_threads(args);
  return run(info, "cropAndResize", std::move(memory), args, [=](roiops::CancelFlag cancel) {
    return roiops::crop_and_resize_forward(map, boxes, indices, indices_length, params, out, {cancel, threads});
  });
}

// out: [K, C, PH, PW] (NCHW) or [K, PH, PW, C] (NHWC) floats.
Napi::Value PreciseRoiPool(const Napi::CallbackInfo& info, bool async) {
  return bins_and_scale_forward<roiops::PreciseRoiPoolParams, &roiops::precise_roi_pool_forward>(info, async,
                                                                                               "preciseRoiPool");
}

// (gradInput, N, C, H, W, layout, rois, K, gradOutput, argmax, PH, PW, threads[, abortFlag, settle])
// gradInput: the forward input's shape and layout, zero-filled then accumulated into;
// gradOutput and argmax (an Int32Array) in the forward output's order ([K,C,PH,PW] or
// [K,PH,PW,C]).
Napi::Value RoiPoolBackward(const Napi::CallbackInfo& info, bool async) {
  ArgReader args(info);
  BackwardArgs backward = read_backward(args, async);
  const roiops::GradientMap grad_input = backward.grad_input;
  const roiops::RoiRows rois = backward.rois;
  roiops::PooledGradient grad_output = backward.grad_output;
  Napi::Int32Array argmax = args.int32_array();
  grad_output.argmax = backward.memory.input(argmax);
  grad_output.argmax_length = static_cast<int64_t>(argmax.ElementLength());
  roiops::RoiPoolParams params;
  params.pooled_height = args.integer(1, kMaxDimension);
  params.pooled_width = args.integer(1, kMaxDimension);
  const int32_t threads = read_threads(args);
  return run(info, "roiPoolBackward", std::move(backward.memory), args, [=](roiops::CancelFlag cancel) {
    return roiops::roi_pool_backward(grad_output, rois, params, grad_input, {cancel, threads});
  });
}

// gradOutput: [K, C/(PH*PW), PH, PW] or [K, PH, PW, C/(PH*PW)].
Napi::Value PsRoiPoolBackward(const Napi::CallbackInfo& info, bool async) {
  return bins_and_scale_backward<roiops::PsRoiPoolParams, &roiops::ps_roi_pool_backward>(info, async,
                                                                                         "psRoiPoolBackward");
}

// gradOutput: [K, C, PH, PW] or [K, PH, PW, C].
Napi::Value PreciseRoiPoolBackward(const Napi::CallbackInfo& info, bool async) {
  return bins_and_scale_backward<roiops::PreciseRoiPoolParams, &roiops::precise_roi_pool_backward>(
      info, async, "preciseRoiPoolBackward");
}

}  // namespace

void register_pooling_family(Napi::Env env, Napi::Object exports) {
  export_sync_and_async<&PsRoiPool>(env, exports, "psRoiPool");
  export_sync_and_async<&SpatialPyramidPool>(env, exports, "spatialPyramidPool");
  export_sync_and_async<&CropAndResize>(env, exports, "cropAndResize");
  export_sync_and_async<&PreciseRoiPool>(env, exports, "preciseRoiPool");
  export_sync_and_async<&RoiPoolBackward>(env, exports, "roiPoolBackward");
  export_sync_and_async<&PsRoiPoolBackward>(env, exports, "psRoiPoolBackward");
  export_sync_and_async<&PreciseRoiPoolBackward>(env, exports, "preciseRoiPoolBackward");
}

}  // namespace roiops_addon
