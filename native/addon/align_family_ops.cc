// Bindings of the RoIAlign-shaped operators: psRoiAlign, roiAlignRotated, multiScaleRoiAlign and the RoIAlign backward passes.
// Each entry point reads its positional arguments (documented above it), then runs the
// kernel entry point of native/include/roiops through run() (call.h).
//
// Conventions shared with addon.cc: layout is 0 (NCHW) or 1 (NHWC); pooled buffers follow the
// input's layout; threads 0 means the process setting; the Async form takes an optional
// Int32Array abort flag and the function it settles with as its last two arguments, queues
// the kernel and returns (kernel_worker.h). Every length is re-checked
// by the kernel entry points (a RangeError names what was short), every type here (a TypeError
// names the argument).
#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "call.h"

namespace roiops_addon {
namespace {

constexpr int64_t kInt32Min = std::numeric_limits<int32_t>::min();
constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();

[[noreturn]] void fail_argument(Napi::Env env, size_t index, const std::string& expected) {
  throw Napi::TypeError::New(env, "roi-ops native binding: argument " + std::to_string(index) + " must be " + expected);
}

// (input, N, C, H, W, layout, rois, K, out, PH, PW, spatialScale, samplingRatio,
//  maxSamplesPerRoi, threads[, abortFlag, settle])
// rois: K rows of (batchIndex, x1, y1, x2, y2). C must be a multiple of PH*PW; out holds
// K*C elements: [K, C/(PH*PW), PH, PW] (NCHW) or [K, PH, PW, C/(PH*PW)] (NHWC).
Napi::Value ps_roi_align(const Napi::CallbackInfo& info, bool async) {
  ArgReader args(info);
  CommonArgs common = read_common(args, async);
  roiops::PsRoiAlignParams params;
  read_bins_and_scale(args, params);
  params.sampling_ratio = args.integer(kInt32Min, kInt32Max);
  params.max_samples_per_roi = args.integer(1, kMaxDimension);
  const int32_t threads = read_threads(args);
  const roiops::FeatureMap map = common.map;
  const roiops::RoiRows rois = common.rois;
  const roiops::PooledOutput out = common.out;
  return run(info, "psRoiAlign", std::move(common.memory), args, [=](roiops::CancelFlag cancel) {
    return roiops::ps_roi_align_forward(map, rois, params, out, {cancel, threads});
  });
}

// (input, N, C, H, W, layout, rois, K, out, PH, PW, spatialScale, samplingRatio, aligned,
//  clockwise, maxSamplesPerRoi, threads[, abortFlag, settle])
// rois: K rows of SIX (batchIndex, cx, cy, w, h, angle in degrees, counter-clockwise);
// out: [K,C,PH,PW] or [K,PH,PW,C].
Napi::Value roi_align_rotated(const Napi::CallbackInfo& info, bool async) {
  ArgReader args(info);
  CommonArgs common = read_common(args, async, 6);
  roiops::RoiAlignRotatedParams params;
  read_bins_and_scale(args, params);
  params.sampling_ratio = args.integer(kInt32Min, kInt32Max);
  params.aligned = args.boolean();
  params.clockwise = args.boolean();
  params.max_samples_per_roi = args.integer(1, kMaxDimension);
  const int32_t threads = read_threads(args);
  const roiops::FeatureMap map = common.map;
  const roiops::RoiRows rois = common.rois;
  const roiops::PooledOutput out = common.out;
  return run(info, "roiAlignRotated", std::move(common.memory), args, [=](roiops::CancelFlag cancel) {
    return roiops::roi_align_rotated_forward(map, rois, params, out, {cancel, threads});
  });
}

// (levels, N, C, levelSizes, layout, scales, rois, K, roiLevels, out, PH, PW, samplingRatio,
//  aligned, maxSamplesPerRoi, threads[, abortFlag, settle])
// levels: a JS array of L Float32Arrays (finest first), each [N,C,H_l,W_l] or [N,H_l,W_l,C];
// levelSizes: a JS array of 2L integers [H_0, W_0, H_1, W_1, ...]; scales: a Float32Array of
// L spatial scales; rois: K rows of (batchIndex, x1, y1, x2, y2) in image coordinates;
// roiLevels: an Int32Array of K level indices (-1 or out of range: a row of zeros); out:
// [K,C,PH,PW] or [K,PH,PW,C].
Napi::Value multi_scale_roi_align(const Napi::CallbackInfo& info, bool async) {
  Napi::Env env = info.Env();
  ArgReader args(info);
  CallMemory memory(async);
  Napi::Array level_arrays = args.array();
  const size_t levels_index = args.index();
  const int64_t batch = args.integer(0, kMaxDimension);
  const int64_t channels = args.integer(0, kMaxDimension);
  Napi::Array sizes = args.array();
  const size_t sizes_index = args.index();
  const auto layout = static_cast<roiops::Layout>(args.integer(0, 1));
  const uint32_t level_count = level_arrays.Length();
  if (level_count > 1024) fail_argument(env, levels_index, "an array of at most 1024 Float32Arrays");
  if (sizes.Length() != 2 * level_count) fail_argument(env, sizes_index, "an array of two integers per level");
  std::vector<roiops::FeatureMap> maps(level_count);
  for (uint32_t l = 0; l < level_count; ++l) {
    Napi::Value level = level_arrays.Get(l);
    if (!level.IsTypedArray() || level.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array)
      fail_argument(env, levels_index, "an array of Float32Arrays");
    Napi::Float32Array data = level.As<Napi::Float32Array>();
    roiops::FeatureMap& map = maps[l];
    map.data = memory.input(data);
    map.length = static_cast<int64_t>(data.ElementLength());
    map.batch = batch;
    map.channels = channels;
    map.layout = layout;
    int64_t dims[2];
    for (uint32_t d = 0; d < 2; ++d) {
      Napi::Value v = sizes.Get(2 * l + d);
      const double x = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : -1.0;
      if (!(x >= 0.0 && x <= static_cast<double>(kMaxDimension)) || std::floor(x) != x)
        fail_argument(env, sizes_index, "an array of integers in range");
      dims[d] = static_cast<int64_t>(x);
    }
    map.height = dims[0];
    map.width = dims[1];
  }
  Napi::Float32Array scales = args.float32_array();
  if (scales.ElementLength() != level_count) fail_argument(env, args.index(), "a Float32Array of one scale per level");
  const float* scale_data = memory.input(scales);
  const roiops::RoiRows rois = read_rois(args, memory);
  Napi::Int32Array indices = args.optional_int32_array();
  if (indices.IsEmpty()) fail_argument(env, args.index(), "an Int32Array");
  const roiops::RoiLevelIndices roi_levels{memory.input(indices), static_cast<int64_t>(indices.ElementLength())};
  const roiops::PooledOutput out = read_output(args, memory);
  roiops::MultiScaleRoiAlignParams params;
  params.pooled_height = args.integer(1, kMaxDimension);
  params.pooled_width = args.integer(1, kMaxDimension);
  params.sampling_ratio = args.integer(kInt32Min, kInt32Max);
  params.aligned = args.boolean();
  params.max_samples_per_roi = args.integer(1, kMaxDimension);
  const int32_t threads = read_threads(args);
  return run(info, "multiScaleRoiAlign", std::move(memory), args, [=](roiops::CancelFlag cancel) {
    const roiops::FeatureLevels levels{maps.data(), scale_data, static_cast<int64_t>(maps.size())};
    return roiops::multi_scale_roi_align_forward(levels, rois, roi_levels, params, out, {cancel, threads});
  });
}

// (gradInput, N, C, H, W, layout, rois, K, gradOutput, input | null, PH, PW, spatialScale,
//  samplingRatio, aligned, mode, maxSamplesPerRoi, threads[, abortFlag, settle])
// gradInput: the forward input's shape and layout, zero-filled then accumulated into;
// gradOutput: the forward output's ([K,C,PH,PW] or [K,PH,PW,C]); input: the forward input,
// required by mode 1 (max) and 2 (onnx-max), ignored (may be null) by mode 0 (avg).
Napi::Value roi_align_backward(const Napi::CallbackInfo& info, bool async) {
  ArgReader args(info);
  BackwardArgs backward = read_backward(args, async);
  const roiops::GradientMap grad_input = backward.grad_input;
  const roiops::RoiRows rois = backward.rois;
  const roiops::PooledGradient grad_output = backward.grad_output;
  roiops::FeatureMap input;
  Napi::Float32Array input_data = args.optional_float32_array();
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
  read_bins_and_scale(args, params);
  params.sampling_ratio = args.integer(kInt32Min, kInt32Max);
  params.aligned = args.boolean();
  params.mode = static_cast<roiops::AlignMode>(args.integer(0, 2));
  params.max_samples_per_roi = args.integer(1, kMaxDimension);
  const int32_t threads = read_threads(args);
  return run(info, "roiAlignBackward", std::move(backward.memory), args, [=](roiops::CancelFlag cancel) {
    return roiops::roi_align_backward(grad_output, rois, params, input, grad_input, {cancel, threads});
  });
}

// (gradInput, N, C, H, W, layout, rois, K, gradOutput, PH, PW, spatialScale, samplingRatio,
//  maxSamplesPerRoi, threads[, abortFlag, settle])
// gradOutput: [K, C/(PH*PW), PH, PW] or [K, PH, PW, C/(PH*PW)].
Napi::Value ps_roi_align_backward(const Napi::CallbackInfo& info, bool async) {
  ArgReader args(info);
  BackwardArgs backward = read_backward(args, async);
  const roiops::GradientMap grad_input = backward.grad_input;
  const roiops::RoiRows rois = backward.rois;
  const roiops::PooledGradient grad_output = backward.grad_output;
  roiops::PsRoiAlignParams params;
  read_bins_and_scale(args, params);
  params.sampling_ratio = args.integer(kInt32Min, kInt32Max);
  params.max_samples_per_roi = args.integer(1, kMaxDimension);
  const int32_t threads = read_threads(args);
  return run(info, "psRoiAlignBackward", std::move(backward.memory), args, [=](roiops::CancelFlag cancel) {
    return roiops::ps_roi_align_backward(grad_output, rois, params, grad_input, {cancel, threads});
  });
}

// (gradInput, N, C, H, W, layout, rois, K, gradOutput, PH, PW, spatialScale, samplingRatio,
//  aligned, clockwise, maxSamplesPerRoi, threads[, abortFlag, settle])
// rois: K rows of six as roiAlignRotated; gradOutput: [K,C,PH,PW] or [K,PH,PW,C].
Napi::Value roi_align_rotated_backward(const Napi::CallbackInfo& info, bool async) {
  ArgReader args(info);
  BackwardArgs backward = read_backward(args, async, 6);
  const roiops::GradientMap grad_input = backward.grad_input;
  const roiops::RoiRows rois = backward.rois;
  const roiops::PooledGradient grad_output = backward.grad_output;
  roiops::RoiAlignRotatedParams params;
  read_bins_and_scale(args, params);
  params.sampling_ratio = args.integer(kInt32Min, kInt32Max);
  params.aligned = args.boolean();
  params.clockwise = args.boolean();
  params.max_samples_per_roi = args.integer(1, kMaxDimension);
  const int32_t threads = read_threads(args);
  return run(info, "roiAlignRotatedBackward", std::move(backward.memory), args, [=](roiops::CancelFlag cancel) {
    return roiops::roi_align_rotated_backward(grad_output, rois, params, grad_input, {cancel, threads});
  });
}

}  // namespace

void register_align_family(Napi::Env env, Napi::Object exports) {
  export_sync_and_async<&ps_roi_align>(env, exports, "psRoiAlign");
  export_sync_and_async<&roi_align_rotated>(env, exports, "roiAlignRotated");
  export_sync_and_async<&multi_scale_roi_align>(env, exports, "multiScaleRoiAlign");
  export_sync_and_async<&roi_align_backward>(env, exports, "roiAlignBackward");
  export_sync_and_async<&ps_roi_align_backward>(env, exports, "psRoiAlignBackward");
  export_sync_and_async<&roi_align_rotated_backward>(env, exports, "roiAlignRotatedBackward");
}

}  // namespace roiops_addon
