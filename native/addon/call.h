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
#include "call_memory.h"
#include "errors.h"
#include "kernel_worker.h"
#include "roiops/roiops.h"
#include "wire.h"

namespace roiops_addon {

constexpr int64_t kMaxDimension = int64_t(1) << 53;  // what a JavaScript number holds exactly
constexpr int64_t kMaxThreads = 1 << 16;
constexpr int64_t kInt32Min = std::numeric_limits<int32_t>::min();
constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();

// `data` held for the call: as memory the kernel reads when Buffer's data is const, else as
// memory it writes (call_memory.h), with its element count.
template <class Buffer>
void hold_data(CallMemory& memory, Napi::Float32Array data, Buffer& buffer) {
  if constexpr (std::is_const_v<std::remove_pointer_t<decltype(buffer.data)>>)
    buffer.data = memory.input(data);
  else
    buffer.data = memory.output(data);
  buffer.length = static_cast<int64_t>(data.ElementLength());
}

// A map's data, N, C, H, W and layout (0 NCHW, 1 NHWC). The same arguments describe an input
// (roiops::FeatureMap) and the input gradient a backward pass writes (roiops::GradientMap).
template <class Wire, class Map>
Map read_map(const ArgReader& args, CallMemory& memory, size_t data_index) {
  Map map;
  hold_data(memory, args.float32_array(data_index), map);
  map.batch = args.integer(Wire::batch, 0, kMaxDimension);
  map.channels = args.integer(Wire::channels, 0, kMaxDimension);
  map.height = args.integer(Wire::height, 0, kMaxDimension);
  map.width = args.integer(Wire::width, 0, kMaxDimension);
  map.layout = static_cast<roiops::Layout>(args.integer(Wire::layout, 0, 1));
  return map;
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

// A pooled buffer: the output a forward pass writes (roiops::PooledOutput) or the output
// gradient a backward pass reads (roiops::PooledGradient).
template <class Pooled>
Pooled read_pooled(const ArgReader& args, CallMemory& memory, size_t index) {
  Pooled pooled;
  hold_data(memory, args.float32_array(index), pooled);
  return pooled;
}

// A forward map's elements, `array` of `type` (wire.ts "inputType"): float32 or 16-bit patterns.
inline void hold_map_data(CallMemory& memory, Napi::TypedArray array, roiops::ElementType type,
                          roiops::FeatureMap& map) {
  map.type = type;
  if (type == roiops::ElementType::float32) return hold_data(memory, array.As<Napi::Float32Array>(), map);
  map.data = nullptr;
  map.data16 = memory.input(array.As<Napi::Uint16Array>());
  map.length = static_cast<int64_t>(array.ElementLength());
}

// A forward pass's input: data of its inputType, N, C, H, W and layout.
template <class Wire>
roiops::FeatureMap read_input(const ArgReader& args, CallMemory& memory) {
  roiops::FeatureMap map;
  const roiops::ElementType type = args.element_type(Wire::input_type);
  hold_map_data(memory, args.map_array(Wire::input, type), type, map);
  map.batch = args.integer(Wire::batch, 0, kMaxDimension);
  map.channels = args.integer(Wire::channels, 0, kMaxDimension);
  map.height = args.integer(Wire::height, 0, kMaxDimension);
  map.width = args.integer(Wire::width, 0, kMaxDimension);
  map.layout = static_cast<roiops::Layout>(args.integer(Wire::layout, 0, 1));
  return map;
}

// A forward pass's output, float32 or 16-bit patterns (wire.ts "outputType").
template <class Wire>
roiops::PooledOutput read_output(const ArgReader& args, CallMemory& memory) {
  const roiops::ElementType type = args.element_type(Wire::output_type);
  if (type == roiops::ElementType::float32) return read_pooled<roiops::PooledOutput>(args, memory, Wire::out);
  roiops::PooledOutput out;
  Napi::Uint16Array array = args.uint16_array(Wire::out);
  out.type = type;
  out.data16 = memory.output(array);
  out.length = static_cast<int64_t>(array.ElementLength());
  return out;
}

// What most bindings start with, a map, RoI rows and a pooled buffer: a forward pass's input,
// RoIs and output (ForwardArgs), or a backward pass's input gradient, RoIs and output gradient
// (BackwardArgs), in the order of their wire structs.
template <class Map, class Pooled>
struct MapRoisPooled {
  Map map;
  roiops::RoiRows rois;
  Pooled pooled;
  CallMemory memory;  // of the arrays read so far
};
using ForwardArgs = MapRoisPooled<roiops::FeatureMap, roiops::PooledOutput>;
using BackwardArgs = MapRoisPooled<roiops::GradientMap, roiops::PooledGradient>;

// A backward binding's wire struct names its first argument grad_input.
template <class Wire, class = void>
struct IsBackward : std::false_type {};
template <class Wire>
struct IsBackward<Wire, std::void_t<decltype(Wire::grad_input)>> : std::true_type {};
template <class Wire>
using CallArgs = std::conditional_t<IsBackward<Wire>::value, BackwardArgs, ForwardArgs>;

template <class Wire>
CallArgs<Wire> read_call(const ArgReader& args, bool async, int64_t roi_columns = 5) {
  CallArgs<Wire> call{{}, {}, {}, CallMemory(async)};
  if constexpr (IsBackward<Wire>::value) {
    call.map = read_map<Wire, roiops::GradientMap>(args, call.memory, Wire::grad_input);
    call.rois = read_rois<Wire>(args, call.memory, roi_columns);
    call.pooled = read_pooled<roiops::PooledGradient>(args, call.memory, Wire::grad_output);
  } else {
    call.map = read_input<Wire>(args, call.memory);
    call.rois = read_rois<Wire>(args, call.memory, roi_columns);
    call.pooled = read_output<Wire>(args, call.memory);
  }
  return call;
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

// Each parameter struct from the arguments of the same names, which follow the buffers in both
// the forward and the backward binding of an operator.
template <class Wire>
void read_params(const ArgReader& args, roiops::PsRoiPoolParams& params) {
  read_bins_and_scale<Wire>(args, params);
}

template <class Wire>
void read_params(const ArgReader& args, roiops::PreciseRoiPoolParams& params) {
  read_bins_and_scale<Wire>(args, params);
}

template <class Wire>
void read_params(const ArgReader& args, roiops::PsRoiAlignParams& params) {
  read_bins_and_scale<Wire>(args, params);
  read_sampling<Wire>(args, params);
}

template <class Wire>
void read_params(const ArgReader& args, roiops::RoiAlignParams& params) {
  read_bins_and_scale<Wire>(args, params);
  read_sampling<Wire>(args, params);
  params.aligned = args.boolean(Wire::aligned);
  params.mode = static_cast<roiops::AlignMode>(args.integer(Wire::mode, 0, 2));
}

template <class Wire>
void read_params(const ArgReader& args, roiops::RoiAlignRotatedParams& params) {
  read_bins_and_scale<Wire>(args, params);
  read_sampling<Wire>(args, params);
  params.aligned = args.boolean(Wire::aligned);
  params.clockwise = args.boolean(Wire::clockwise);
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

// The end of a binding whose kernel takes (map, rois, params, out, execution) forward, or
// (grad_output, rois, params, grad_input, execution) backward: reads the thread count and runs
// `kernel` on what `call` holds.
template <class Wire, auto kernel, class Params>
Napi::Value run_pooling(const ArgReader& args, CallArgs<Wire> call, const Params& params) {
  const int32_t threads = read_threads<Wire>(args);
  const auto map = call.map;
  const roiops::RoiRows rois = call.rois;
  const auto pooled = call.pooled;
  return run<Wire>(args, std::move(call.memory), [=](roiops::CancelFlag cancel) {
    if constexpr (IsBackward<Wire>::value)
      return kernel(pooled, rois, params, map, roiops::Execution{cancel, threads});
    else
      return kernel(map, rois, params, pooled, roiops::Execution{cancel, threads});
  });
}

// A whole binding of that shape, whose parameters are one struct that read_params fills.
template <class Wire, auto kernel, class Params, int64_t roi_columns = 5>
Napi::Value pooling_binding(const Napi::CallbackInfo& info, bool async) {
  const ArgReader args(info);
  CallArgs<Wire> call = read_call<Wire>(args, async, roi_columns);
  Params params;
  read_params<Wire>(args, params);
  return run_pooling<Wire, kernel>(args, std::move(call), params);
}

// Every operator's binding (native/addon/*_ops.cc), one per line of native/ops.def, named as
// its kernel entry point: reads the arguments of its wire struct and runs the kernel.
#define ROIOPS_OPERATOR(js_name, kernel) Napi::Value kernel(const Napi::CallbackInfo& info, bool async);
#include "ops.def"

}  // namespace roiops_addon
