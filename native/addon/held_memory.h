// Shared ownership of the memory under an async call's typed arrays: the addon's only use of
// the V8 API beneath Node-API, and why it needs one.
//
// An async call's kernel reads and writes its typed arrays on a libuv thread while JavaScript
// keeps running. A Node-API reference keeps a typed array *object* alive, not its memory:
//  - JavaScript can detach the ArrayBuffer meanwhile (postMessage or structuredClone with a
//    transfer list). The memory moves to a new owner, which may be collected, or may be a
//    worker that exits, while the kernel still uses it: a use-after-free (measured before this
//    existed: a segfault, input transferred by structuredClone and the clone collected).
//  - JavaScript can shrink a resizable ArrayBuffer (`new ArrayBuffer(n, {maxByteLength})`),
//    which decommits the pages beyond the new length in place (measured: a segfault).
// Node-API has no way to share ownership of the memory. V8's BackingStore is exactly that: a
// detach moves the BackingStore to the new owner, and the memory lives until its last
// shared_ptr goes, here the call's. Shrinking cannot be prevented, so async calls refuse
// views of resizable ArrayBuffers (growable SharedArrayBuffers only grow, in place).
//
// The V8 symbols used (ArrayBufferView::Buffer, [Shared]ArrayBuffer::GetBackingStore,
// BackingStore::IsResizableByUserJavaScript) exist unchanged since V8 11.x (Node 20).
#pragma once
#include <napi.h>
#include <v8.h>

#include <node_version.h>

#include <cstring>
#include <memory>
#include <string>

namespace roiops_addon {

// A napi_value is a v8::Local<v8::Value> in Node's implementation (node's
// v8impl::V8LocalValueFromJsValue converts it the same way).
inline v8::Local<v8::Value> v8_value(napi_value value) {
  v8::Local<v8::Value> local;
  static_assert(sizeof(local) == sizeof(value), "napi_value and v8::Local<v8::Value> have the same representation");
  std::memcpy(static_cast<void*>(&local), &value, sizeof(value));
  return local;
}

// The memory under `array`, held for as long as the returned pointer lives, whatever
// JavaScript does to its ArrayBuffer meanwhile.
inline std::shared_ptr<v8::BackingStore> hold_memory(const Napi::TypedArray& array) {
  v8::Local<v8::ArrayBuffer> buffer = v8_value(array).As<v8::ArrayBufferView>()->Buffer();
  if (buffer->IsSharedArrayBuffer()) return buffer.As<v8::Value>().As<v8::SharedArrayBuffer>()->GetBackingStore();
  return buffer->GetBackingStore();
}

// The V8 API beneath Node-API is only as stable as Node's ABI: a binary built for one Node
// major (NODE_MODULE_VERSION, process.versions.modules) must not run its V8 calls in another,
// even though its prebuild is tagged for Node-API. Throws at load in that case, so the loader
// falls back to the JavaScript backend with its warning (or ROI_OPS_REQUIRE_NATIVE's error)
// instead of calling V8 with a layout it was not built for.
inline void check_node_abi(Napi::Env env) {
  const Napi::Value versions = env.Global().Get("process").As<Napi::Object>().Get("versions");
  const std::string running = versions.As<Napi::Object>().Get("modules").ToString().Utf8Value();
  const std::string built = std::to_string(NODE_MODULE_VERSION);
  if (running != built) {
    throw Napi::Error::New(env, "roi-ops: this addon was built for NODE_MODULE_VERSION " + built +
                                    " and uses V8's BackingStore API, but this Node is NODE_MODULE_VERSION " + running +
                                    "; rebuild it for this Node (npm rebuild roi-ops --build-from-source)");
  }
}

// A resizable (non-shared) ArrayBuffer can shrink while an async call uses it.
inline bool may_shrink(const v8::BackingStore& memory) {
  return !memory.IsShared() && memory.IsResizableByUserJavaScript();
}

}  // namespace roiops_addon
