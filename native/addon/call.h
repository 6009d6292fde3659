// What every operator's binding shares: reading the arguments most of them take (input map,
// RoI rows, output, bins, sampling, threads) by their names in the operator's wire struct
// (wire.h), and running a kernel now (sync) or on the libuv pool (async). The bindings
// themselves live in native/addon/*_ops.cc, one free function per line of native/ops.def;
// addon.cc registers them all from that list.
#pragma once
#include <napi.h>

#include <cstdint>
#include <limits>
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
#include "wire.h"

namespace roiops_addon {

constexpr int64_t kMaxDimension = int64_t(1) << 53;  // what a JavaScript number holds exactly
constexpr int64_t kMaxThreads = 1 << 16;
constexpr int64_t kInt32Min = std::numeric_limits<int32_t>::min();
constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();

// A map's data, N, C, H, W and layout (0 NCHW, 1 NHWC). The same arguments describe an input
// (roiops::FeatureMap) and the input gradient a backward pass writes (roiops::GradientMap).
template <class Wire, class Map>
Map read_map(const ArgReader& args, CallMemory& memory, size_t data_index) {
  Map map;
  Napi::Float32Array data = args.float32_array(data_index);
  if constexpr (std::is_const_v<std::remove_pointer_t<decltype(map.data)>>)
    map.data = memory.input(data);
  else
    map.data = memory.output(data);
  map.length = static_cast<int64_t>(data.ElementLength());
  map.batch = args.integer(Wire::batch, 0, kMaxDimension);
  map.channels = args.integer(Wire::channels, 0, kMaxDimension);
  map.height = args.integer(Wire::height, 0, kMaxDimension);
  map.width = args.integer(Wire::width, 0, kMaxDimension);
  map.layout = static_cast<roiops::Layout>(args.integer(Wire::layout, 0, 1));
  return map;
}

template <class Wire>
roiops::FeatureMap read_input(const ArgReader& args, CallMemory& memory) {
  return read_map<Wire, roiops::FeatureMap>(args, memory, Wire::input);
}

// The gradient map a backward pass writes, with the forward input's dims and layout.
template <class Wire>
roiops::GradientMap read_grad_input(const ArgReader& args, CallMemory& memory) {
  return read_map<Wire, roiops::GradientMap>(args, memory, Wire::grad_input);
}

// RoI rows: data and K, rows of `columns` floats.
template <class Wire>
roiops::RoiRows read_rois(const ArgReader& args, CallMemory& memory, int64_t columns = 5) {
  roiops::RoiRows rois;
  Napi::Float32Array data = args.float32_array(Wire::rois);
  rois.data = memory.input(data);
  rois.length = static_cast<int64_t>(data.ElementLength());
  rois.count = args.integer(Wire::roi_count, 0, kMaxDimension);
  rois.columns = columns;
  return rois;
}

// The gradient of a pooled output, which a backward pass reads.
template <class Wire>
roiops::PooledGradient read_grad_output(const ArgReader& args, CallMemory& memory) {
  roiops::PooledGradient gradient;
  Napi::Float32Array data = args.float32_array(Wire::grad_output);
  gradient.data = memory.input(data);
  gradient.length = static_cast<int64_t>(data.ElementLength());
  return gradient;
}

// The Float32Array the kernel writes.
template <class Wire>
roiops::PooledOutput read_output(const ArgReader& args, CallMemory& memory) {
  roiops::PooledOutput out;
  Napi::Float32Array data = args.float32_array(Wire::out);
  out.data = memory.output(data);
  out.length = static_cast<int64_t>(data.ElementLength());
  return out;
}

// What most forward bindings start with: the input map, the RoI rows and the output.
struct ForwardArgs {
  roiops::FeatureMap map;
  roiops::RoiRows rois;
  roiops::PooledOutput out;
  CallMemory memory;  // of the arrays read so far
};

template <class Wire>
ForwardArgs read_forward(const ArgReader& args, bool async, int64_t roi_columns = 5) {
  ForwardArgs forward{{}, {}, {}, CallMemory(async)};
  forward.map = read_input<Wire>(args, forward.memory);
  forward.rois = read_rois<Wire>(args, forward.memory, roi_columns);
  forward.out = read_output<Wire>(args, forward.memory);
  return forward;
}

// What every backward binding starts with: the input gradient, the RoI rows and the output gradient.
struct BackwardArgs {
  roiops::GradientMap grad_input;
  roiops::RoiRows rois;
  roiops::PooledGradient grad_output;
  CallMemory memory;  // of the arrays read so far
};

template <class Wire>
BackwardArgs read_backward(const ArgReader& args, bool async, int64_t roi_columns = 5) {
  BackwardArgs backward{{}, {}, {}, CallMemory(async)};
  backward.grad_input = read_grad_input<Wire>(args, backward.memory);
  backward.rois = read_rois<Wire>(args, backward.memory, roi_columns);
  backward.grad_output = read_grad_output<Wire>(args, backward.memory);
  return backward;
}

// The bin grid and scale, (PH, PW, spatialScale), into any parameter struct that has them.
template <class Wire, typename Params>
void read_bins_and_scale(const ArgReader& args, Params& params) {
  params.pooled_height = args.integer(Wire::pooled_height, 1, kMaxDimension);
  params.pooled_width = args.integer(Wire::pooled_width, 1, kMaxDimension);
  params.spatial_scale = args.finite_float(Wire::spatial_scale);
}

// The RoIAlign family's sampling options, into any parameter struct that has them.
template <class Wire, typename Params>
void read_sampling(const ArgReader& args, Params& params) {
  params.sampling_ratio = args.integer(Wire::sampling_ratio, kInt32Min, kInt32Max);
  params.max_samples_per_roi = args.integer(Wire::max_samples_per_roi, 1, kMaxDimension);
}

// The per-call thread count: 0 means the process setting.
template <class Wire>
int32_t read_threads(const ArgReader& args) {
  return static_cast<int32_t>(args.integer(Wire::threads, 0, kMaxThreads));
}

// Runs `kernel` now (sync) or on the libuv pool (async: the binding then takes an optional
// Int32Array abort flag at Wire::argument_count and the function to call once the kernel has
// finished after it, kernel_worker.h). `memory` holds what the kernel reads and writes
// (call_memory.h).
template <class Wire, typename Kernel>
Napi::Value run(const ArgReader& args, CallMemory memory, Kernel kernel) {
  Napi::Env env = args.env();
  if (!memory.async()) {
    const roiops::Status status = kernel(roiops::CancelFlag());
    if (!status.ok()) throw status_error(env, Wire::name, status);
    return env.Undefined();
  }
  Napi::Int32Array flag = args.optional_int32_array(Wire::argument_count);
  const int32_t* flag_data = nullptr;
  if (!flag.IsEmpty()) {
    if (flag.ElementLength() < 1) throw Napi::RangeError::New(env, "roi-ops native binding: empty abort flag");
    flag_data = memory.abort_flag(flag);
  }
  Napi::Function settle = args.function(Wire::argument_count + 1);
  memory.check_async(env, Wire::name);
  auto* worker = new KernelWorker(env, Wire::name, kernel, std::move(memory), flag_data, settle);
  worker->Queue();
  return env.Undefined();
}

// Every operator's binding (native/addon/*_ops.cc), one per line of native/ops.def, named as
// its kernel entry point: reads the arguments of its wire struct and runs the kernel.
#define ROIOPS_OPERATOR(js_name, kernel) Napi::Value kernel(const Napi::CallbackInfo& info, bool async);
#include "ops.def"

}  // namespace roiops_addon
