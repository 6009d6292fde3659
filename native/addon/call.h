// What every operator's binding shares: reading the common positional arguments (input map,
// RoI rows, output) and running a kernel now (sync) or on the libuv pool (async). Each
// operator family's entry points live in their own file (native/addon/*_ops.cc) and register
// themselves on the exports through a function declared here.
#pragma once
#include <napi.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "args.h"
#include "errors.h"
#include "held_memory.h"
#include "kernel_worker.h"
#include "output_pages.h"
#include "roiops/roiops.h"

namespace roiops_addon {

// The typed arrays a kernel call touches, kept alive (and their memory held) by an async call.
using PinnedArrays = std::vector<Napi::TypedArray>;

constexpr int64_t kMaxDimension = int64_t(1) << 53;  // what a JavaScript number holds exactly
constexpr int64_t kMaxThreads = 1 << 16;

// A map: data, N, C, H, W, layout (0 NCHW, 1 NHWC). The same arguments describe an input
// (roiops::FeatureMap) and the input gradient a backward pass writes (roiops::GradientMap).
template <class Map>
Map read_map(ArgReader& args, PinnedArrays& pinned) {
  Map map;
  Napi::Float32Array data = args.float32_array();
  map.data = data.Data();
  map.length = static_cast<int64_t>(data.ElementLength());
  map.batch = args.integer(0, kMaxDimension);
  map.channels = args.integer(0, kMaxDimension);
  map.height = args.integer(0, kMaxDimension);
  map.width = args.integer(0, kMaxDimension);
  map.layout = static_cast<roiops::Layout>(args.integer(0, 1));
  pinned.push_back(data);
  return map;
}

inline roiops::FeatureMap read_feature_map(ArgReader& args, PinnedArrays& pinned) {
  return read_map<roiops::FeatureMap>(args, pinned);
}

// RoI rows: data, K (rows of `columns` floats).
inline roiops::RoiRows read_rois(ArgReader& args, PinnedArrays& pinned, int64_t columns = 5) {
  roiops::RoiRows rois;
  Napi::Float32Array data = args.float32_array();
  rois.data = data.Data();
  rois.length = static_cast<int64_t>(data.ElementLength());
  rois.count = args.integer(0, kMaxDimension);
  rois.columns = columns;
  pinned.push_back(data);
  return rois;
}

// The gradient map a backward pass writes, with the forward input's dims and layout.
inline roiops::GradientMap read_gradient_map(ArgReader& args, PinnedArrays& pinned) {
  roiops::GradientMap map = read_map<roiops::GradientMap>(args, pinned);
  advise_output_pages(map.data, static_cast<size_t>(map.length) * sizeof(float));
  return map;
}

// The gradient of a pooled output, which a backward pass reads.
inline roiops::PooledGradient read_pooled_gradient(ArgReader& args, PinnedArrays& pinned) {
  roiops::PooledGradient gradient;
  Napi::Float32Array data = args.float32_array();
  gradient.data = data.Data();
  gradient.length = static_cast<int64_t>(data.ElementLength());
  pinned.push_back(data);
  return gradient;
}

// What every backward binding starts with: (gradInput, N, C, H, W, layout, rois, K,
// gradOutput), the order of the forward's (input, ..., rois, K, out).
struct BackwardArgs {
  roiops::GradientMap grad_input;
  roiops::RoiRows rois;
  roiops::PooledGradient grad_output;
  PinnedArrays arrays;  // to pin for an async call
};

inline BackwardArgs read_backward(ArgReader& args, int64_t roi_columns = 5) {
  BackwardArgs backward;
  backward.grad_input = read_gradient_map(args, backward.arrays);
  backward.rois = read_rois(args, backward.arrays, roi_columns);
  backward.grad_output = read_pooled_gradient(args, backward.arrays);
  return backward;
}

// A Float32Array the kernel writes.
inline roiops::PooledOutput read_output(ArgReader& args, PinnedArrays& pinned) {
  roiops::PooledOutput out;
  Napi::Float32Array data = args.float32_array();
  out.data = data.Data();
  out.length = static_cast<int64_t>(data.ElementLength());
  advise_output_pages(out.data, static_cast<size_t>(out.length) * sizeof(float));
  pinned.push_back(data);
  return out;
}

// The arguments most operators start with: input, its 4 dims, its layout, the RoI rows,
// the RoI count and the output buffer.
struct CommonArgs {
  roiops::FeatureMap map;
  roiops::RoiRows rois;
  roiops::PooledOutput out;
  PinnedArrays arrays;  // to pin for an async call
};

inline CommonArgs read_common(ArgReader& args, int64_t roi_columns = 5) {
  CommonArgs common;
  common.map = read_feature_map(args, common.arrays);
  common.rois = read_rois(args, common.arrays, roi_columns);
  common.out = read_output(args, common.arrays);
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
// kernel_worker.h). `pinned` holds every typed array the kernel touches. A sync call needs
// nothing held: no JavaScript runs until it returns.
template <typename Kernel>
Napi::Value run(const Napi::CallbackInfo& info, const char* function, PinnedArrays pinned, ArgReader& args,
                bool async, Kernel kernel) {
  Napi::Env env = info.Env();
  if (!async) {
    const roiops::Status status = kernel(roiops::CancelFlag());
    if (!status.ok()) throw status_error(env, function, status);
    return env.Undefined();
  }
  Napi::Int32Array flag = args.optional_int32_array();
  const int32_t* flag_data = nullptr;
  if (!flag.IsEmpty()) {
    if (flag.ElementLength() < 1) throw Napi::RangeError::New(env, "roi-ops native binding: empty abort flag");
    flag_data = flag.Data();
    pinned.push_back(flag);
  }
  Napi::Function settle = args.function();
  std::vector<std::shared_ptr<v8::BackingStore>> memory;
  memory.reserve(pinned.size());
  for (const Napi::TypedArray& array : pinned) {
    memory.push_back(hold_memory(array));
    if (may_shrink(*memory.back()))
      throw Napi::TypeError::New(env, std::string(function) +
                                          ": a typed array of this async call is a view of a resizable ArrayBuffer, "
                                          "which could shrink under the running kernel");
  }
  auto* worker = new KernelWorker(env, function, kernel, pinned, std::move(memory), flag_data, settle);
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
