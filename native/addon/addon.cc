// Node-API glue: registers every operator's binding (one free function per line of
// native/ops.def, native/addon/*_ops.cc) as `<op>Sync` and `<op>Async`, and the runtime
// functions. No pooling semantics live here. The addon keeps no state of its own, so it
// loads in any number of worker_threads.
#include <napi.h>

#include <cstdint>
#include <string>

#include "call.h"

namespace roiops_addon {
namespace {

Napi::Value simd_level(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), roiops::simd_level()); }

Napi::Value set_num_threads(const Napi::CallbackInfo& info) {
  roiops::set_num_threads(static_cast<int32_t>(ArgReader(info).integer(0, 1, kMaxThreads)));
  return info.Env().Undefined();
}

// The process's default count, applied only if none was set yet (roiops::set_initial_num_threads).
Napi::Value set_initial_num_threads(const Napi::CallbackInfo& info) {
  roiops::set_initial_num_threads(static_cast<int32_t>(ArgReader(info).integer(0, 1, kMaxThreads)));
  return info.Env().Undefined();
}

Napi::Value get_num_threads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), roiops::num_threads());
}

// "node-api" or "node-abi-<NODE_MODULE_VERSION>": which of the two builds this is (call_memory.h).
Napi::Value addon_build_name(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), addon_build()); }

using Binding = Napi::Value (*)(const Napi::CallbackInfo&, bool async);

// Defines `<name>Sync` and `<name>Async` on `exports` from one binding taking (info, async).
template <Binding binding>
void export_sync_and_async(Napi::Env env, Napi::Object exports, const std::string& name) {
  exports.Set(name + "Sync",
              Napi::Function::New(
                  env, [](const Napi::CallbackInfo& info) { return binding(info, false); }, name + "Sync"));
  exports.Set(name + "Async",
              Napi::Function::New(
                  env, [](const Napi::CallbackInfo& info) { return binding(info, true); }, name + "Async"));
}

}  // namespace

Napi::Object init(Napi::Env env, Napi::Object exports) {
  check_node_abi(env);
#define ROIOPS_OPERATOR(js_name, kernel) export_sync_and_async<&kernel>(env, exports, #js_name);
#include "ops.def"
  exports.Set("simdLevel", Napi::Function::New(env, simd_level, "simdLevel"));
  exports.Set("setNumThreads", Napi::Function::New(env, set_num_threads, "setNumThreads"));
  exports.Set("getNumThreads", Napi::Function::New(env, get_num_threads, "getNumThreads"));
  exports.Set("addonBuild", Napi::Function::New(env, addon_build_name, "addonBuild"));
  exports.Set("setInitialNumThreads", Napi::Function::New(env, set_initial_num_threads, "setInitialNumThreads"));
  return exports;
}

}  // namespace roiops_addon

// NODE_API_MODULE pastes its second argument into a name, so it takes an unqualified one.
using roiops_addon::init;
NODE_API_MODULE(roi_ops, init)
