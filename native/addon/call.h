// What every operator's binding shares: reading the common positional arguments (input map,
// RoI rows, output) and running a kernel now (sync) or on the libuv pool (async). Each
// operator family's entry points live in their own file (native/addon/*_ops.cc) and register
// themselves on the exports through a function declared here.
#pragma once
#include <napi.h>

#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "args.h"
#include "errors.h"
#include "call_memory.h"
#include "kernel_worker.h"
#include "roiops/roiops.h"

namespace roiops_addon {

constexpr int64_t kMaxDimension = int64_t(1) << 53;  // what a JavaScript number holds exactly
constexpr int64_t kMaxThreads = 1 << 16;

// A map: data, N, C, H, W, layout (0 NCHW, 1 NHWC). The same arguments describe an input
// (roiops::FeatureMap) and the input gradient a backward pass writes (roiops::GradientMap).
template <class Map>
Map read_map(ArgReader& args, CallMemory& memory) {
  Map map;
  Napi::Float32Array data = args.float32_array();
  if constexpr (std::is_const_v<std::remove_pointer_t<decltype(map.data)>>)
    map.data = memory.input(data);
  else
    map.data = memory.output(data);
  map.length = static_cast<int64_t>(data.ElementLength());
  map.batch = args.integer(0, kMaxDimension);
  map.channels = args.integer(0, kMaxDimension);
  map.height = args.integer(0, kMaxDimension);
  map.width = args.integer(0, kMaxDimension);
  map.layout = static_cast<roiops::Layout>(args.integer(0, 1));
  return map;
}

inline roiops::FeatureMap read_feature_map(ArgReader& args, CallMemory& memory) {
  return read_map<roiops::FeatureMap>(args, memory);
}

// RoI rows: data, K (rows of `columns` floats).
inline roiops::RoiRows read_rois(ArgReader& args, CallMemory& memory, int64_t columns = 5) {
  roiops::RoiRows rois;
  Napi::Float32Array data = args.float32_array();
  rois.data = memory.input(data);
  rois.length = static_cast<int64_t>(data.ElementLength());
  rois.count = args.integer(0, kMaxDimension);
  rois.columns = columns;
  return rois;
}

// The gradient map a backward pass writes, with the forward input's dims and layout.
inline roiops::GradientMap read_gradient_map(ArgReader& args, CallMemory& memory) {
  return read_map<roiops::GradientMap>(args, memory);
}

// The gradient of a pooled output, which a backward pass reads.
inline roiops::PooledGradient read_pooled_gradient(ArgReader& args, CallMemory& memory) {
  roiops::PooledGradient gradient;
  Napi::Float32Array data = args.float32_array();
  gradient.data = memory.input(data);
  gradient.length = static_cast<int64_t>(data.ElementLength());
  return gradient;
}

// What every backward binding starts with: (gradInput, N, C, H, W, layout, rois, K,
// gradOutput), the order of the forward's (input, ..., rois, K, out).
struct BackwardArgs {
  roiops::GradientMap grad_input;
  roiops::RoiRows rois;
  roiops::PooledGradient grad_output;
  CallMemory memory;  // of the arrays read so far
};

inline BackwardArgs read_backward(ArgReader& args, bool async, int64_t roi_columns = 5) {
  BackwardArgs backward{{}, {}, {}, CallMemory(async)};
  backward.grad_input = read_gradient_map(args, backward.memory);
  backward.rois = read_rois(args, backward.memory, roi_columns);
  backward.grad_output = read_pooled_gradient(args, backward.memory);
  return backward;
}

// A Float32Array the kernel writes.
inline roiops::PooledOutput read_output(ArgReader& args, CallMemory& memory) {
  roiops::PooledOutput out;
  Napi::Float32Array data = args.float32_array();
  out.data = memory.output(data);
  out.length = static_cast<int64_t>(data.ElementLength());
  return out;
}

// The arguments most operators start with: input, its 4 dims, its layout, the RoI rows,
// the RoI count and the output buffer.
struct CommonArgs {
  roiops::FeatureMap map;
  roiops::RoiRows rois;
  roiops::PooledOutput out;
  CallMemory memory;  // of the arrays read so far
};

inline CommonArgs read_common(ArgReader& args, bool async, int64_t roi_columns = 5) {
  CommonArgs common{{}, {}, {}, CallMemory(async)};
  common.map = read_feature_map(args, common.memory);
  common.rois = read_rois(args, common.memory, roi_columns);
  common.out = read_output(args, common.memory);
  return common;
}

// The bin grid and scale most operators take after their buffers, (PH, PW, spatialScale),
// into any parameter struct that has them.
template <typename Params>
void read_bins_and_scale(ArgReader& args, Params& params) {
  params.pooled_height = args.integer(1, kMaxDimension);
  params.pooled_width = args.integer(1, kMaxDimension);
  params.spatial_scale = args.finite_float();
}

// The per-call thread count argument: 0 means the process setting.
inline int32_t read_threads(ArgReader& args) { return static_cast<int32_t>(args.integer(0, kMaxThreads)); }

// Runs `kernel` now (sync) or on the libuv pool (async: the last two arguments are then an
// optional Int32Array abort flag and the function to call once the kernel has finished,
// kernel_worker.h). `memory` holds what the kernel reads and writes (call_memory.h).
template <typename Kernel>
Napi::Value run(const Napi::CallbackInfo& info, const char* function, CallMemory memory, ArgReader& args,
                Kernel kernel) {
  Napi::Env env = info.Env();
  if (!memory.async()) {
    const roiops::Status status = kernel(roiops::CancelFlag());
    if (!status.ok()) throw status_error(env, function, status);
    return env.Undefined();
  }
  Napi::Int32Array flag = args.optional_int32_array();
  const int32_t* flag_data = nullptr;
  if (!flag.IsEmpty()) {
    if (flag.ElementLength() < 1) throw Napi::RangeError::New(env, "roi-ops native binding: empty abort flag");
    flag_data = memory.abort_flag(flag);
  }
  Napi::Function settle = args.function();
  memory.check_async(env, function);
  auto* worker = new KernelWorker(env, function, kernel, std::move(memory), flag_data, settle);
  worker->Queue();
  return env.Undefined();
}

// Defines `<name>Sync` and `<name>Async` on `exports` from one entry point taking (info, async).
using EntryPoint = Napi::Value (*)(const Napi::CallbackInfo&, bool async);
template <EntryPoint entry>
void export_sync_and_async(Napi::Env env, Napi::Object exports, const std::string& name) {
  exports.Set(name + "Sync", Napi::Function::New(
                                 env, [](const Napi::CallbackInfo& info) { return entry(info, false); }, name + "Sync"));
  exports.Set(name + "Async", Napi::Function::New(
                                  env, [](const Napi::CallbackInfo& info) { return entry(info, true); }, name + "Async"));
}

// Registration functions of the operator families (one file each in native/addon/).
void register_align_family(Napi::Env env, Napi::Object exports);    // align_family_ops.cc
void register_pooling_family(Napi::Env env, Napi::Object exports);  // pooling_family_ops.cc

}  // namespace roiops_addon
