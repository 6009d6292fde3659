// The memory under the typed arrays one call reads and writes, and how an async call keeps it
// usable while JavaScript goes on.
//
// A sync call uses every typed array in place: no JavaScript runs until it returns.
//
// An async call's kernel runs on a libuv thread while JavaScript keeps running, and a
// Node-API reference keeps a typed array *object* alive, not its memory:
//  - JavaScript can detach the ArrayBuffer meanwhile (postMessage or structuredClone with a
//    transfer list). The memory moves to a new owner, which may be collected, or may be a
//    worker that exits, while the kernel still uses it: a use-after-free (measured before
//    this existed: a segfault, input transferred by structuredClone and the clone collected).
//  - JavaScript can shrink a resizable ArrayBuffer (`new ArrayBuffer(n, {maxByteLength})`),
//    which decommits the pages beyond the new length in place (measured: a segfault).
// A SharedArrayBuffer can do neither (it cannot be detached; a growable one only grows, in
// place), so views of one are used in place by every build.
//
// For the other views, the addon is built one of two ways (docs/design.md, "One binary for
// every Node"):
//  - The Node-API build (the default, and the prebuild every Node major can load): Node-API
//    cannot share ownership of an ArrayBuffer's memory, so an async call copies each input
//    into memory of its own when it is made, and lets the kernel write each output into
//    memory of its own, copied into the caller's array on the JavaScript thread once the
//    kernel has finished, if that array still has its length.
//  - The per-ABI build (ROIOPS_NODE_ABI_BUILD, a prebuild per Node major, preferred by
//    node-gyp-build on the major it was built for): V8's BackingStore is exactly shared
//    ownership of the memory (a detach moves it to the new owner, and the memory lives until
//    its last shared_ptr goes, here the call's), so the kernel uses every array in place. That
//    API is beneath Node-API and only as stable as Node's ABI: check_node_abi() refuses to
//    load in another Node major, and views of resizable ArrayBuffers, whose shrinking cannot be
//    prevented, are refused.
// Either way, an async call whose arrays were detached while it ran rejects (finish()).
#pragma once
#include <napi.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "output_pages.h"

#if ROIOPS_NODE_ABI_BUILD
// node_version.h (for NODE_MODULE_VERSION) defines NAPI_VERSION as that Node's newest
// Node-API version, over the one binding.gyp asks for: keep ours.
#pragma push_macro("NAPI_VERSION")
#undef NAPI_VERSION
#include <node_version.h>
#pragma pop_macro("NAPI_VERSION")
#include <v8.h>
#endif

namespace roiops_addon {

#if ROIOPS_NODE_ABI_BUILD
inline const char* addon_build() {
  static const std::string name = "node-abi-" + std::to_string(NODE_MODULE_VERSION);
  return name.c_str();
}
#else
inline const char* addon_build() { return "node-api"; }
#endif

// The V8 API beneath Node-API is only as stable as Node's ABI: a per-ABI binary built for one
// Node major (NODE_MODULE_VERSION, process.versions.modules) must not run its V8 calls in
// another. Throws at load in that case, so the loader falls back with its warning (or
// ROI_OPS_REQUIRE_NATIVE's error) instead of calling V8 with a layout it was not built for.
// node-gyp-build never picks such a prebuild for another major; this guards a per-ABI
// build/Release kept across a Node upgrade. The Node-API build loads everywhere.
inline void check_node_abi(Napi::Env env) {
#if ROIOPS_NODE_ABI_BUILD
  const Napi::Value versions = env.Global().Get("process").As<Napi::Object>().Get("versions");
  const std::string running = versions.As<Napi::Object>().Get("modules").ToString().Utf8Value();
  const std::string built = std::to_string(NODE_MODULE_VERSION);
  if (running != built) {
    throw Napi::Error::New(env, "roi-ops: this addon was built for NODE_MODULE_VERSION " + built +
                                    " and uses V8's BackingStore API, but this Node is NODE_MODULE_VERSION " + running +
                                    "; rebuild it for this Node (npm rebuild roi-ops --build-from-source)");
  }
#else
  (void)env;
#endif
}

class CallMemory {
 public:
  explicit CallMemory(bool async) : async_(async) {}
  CallMemory(CallMemory&&) = default;
  CallMemory& operator=(CallMemory&&) = default;

  bool async() const { return async_; }

  // What the kernel reads for `array`.
  template <typename T>
  const T* input(Napi::TypedArrayOf<T> array) {
    if (!async_) return array.Data();
    return keep(array, /*written=*/false);
  }

  // What the kernel writes for `array`. Large outputs get huge pages (output_pages.h): the
  // caller's array, which the kernel or the copy back writes, and the call's own memory when
  // the kernel writes that (without the advice on the caller's array, W1's async call spent
  // ~200 ms of its ~250 faulting in the 50 MB it copied back, against ~30 ms in place).
  template <typename T>
  T* output(Napi::TypedArrayOf<T> array) {
    const size_t bytes = array.ElementLength() * sizeof(T);
    advise_output_pages(array.Data(), bytes);
    if (!async_) return array.Data();
    T* data = keep(array, /*written=*/true);
    if (data != array.Data()) advise_output_pages(data, bytes);
    return data;
  }

  // The abort flag, which the kernel polls in place: the TypeScript layer makes it for each
  // call and hands it to no one else, so nothing can detach or resize it.
  const int32_t* abort_flag(Napi::Int32Array flag) {
    arrays_.push_back({Napi::Persistent<Napi::TypedArray>(flag), nullptr, 0, false});
    return flag.Data();
  }

  // Refuses what this build cannot run asynchronously (a per-ABI build: views of resizable
  // ArrayBuffers), naming `function`. Called once every argument has been read.
  void check_async(Napi::Env env, const char* function) const {
#if ROIOPS_NODE_ABI_BUILD
    for (const std::shared_ptr<v8::BackingStore>& memory : held_)
      if (!memory->IsShared() && memory->IsResizableByUserJavaScript())
        throw Napi::TypeError::New(env, std::string(function) +
                                            ": a typed array of this async call is a view of a resizable ArrayBuffer, "
                                            "which could shrink under the running kernel");
#else
    (void)env;
    (void)function;
#endif
  }

  // On the JavaScript thread, once the kernel has finished successfully: copies the outputs
  // the kernel wrote into memory of its own back into the caller's arrays. Writes nothing and
  // says what happened ("detached" or "resized") if any array was detached, or an array the
  // call copied no longer has its length; nullptr when all went well.
  const char* finish() const {
    for (const Kept& kept : arrays_) {
      const Napi::TypedArray array = kept.array.Value();
      if (array.ArrayBuffer().IsDetached()) return "detached";
      if (kept.copy != nullptr && array.ByteLength() != kept.bytes) return "resized";
    }
    for (const Kept& kept : arrays_)
      if (kept.written && kept.copy != nullptr) std::memcpy(view_data(kept.array.Value()), kept.copy.get(), kept.bytes);
    return nullptr;
  }

 private:
  struct FreeDeleter {
    void operator()(void* p) const { std::free(p); }
  };
  // An array of an async call: referenced for the call's life, so garbage collection cannot
  // free it while the kernel runs.
  struct Kept {
    Napi::Reference<Napi::TypedArray> array;
    std::unique_ptr<void, FreeDeleter> copy;  // the call's own memory (Node-API build), or null: used in place
    size_t bytes;
    bool written;
  };

  // Copies `bytes` from `from` into `to`, which holds zeros, leaving out the 4 KiB blocks that
  // are zero: a large map the caller allocated but mostly left zero (its pages never written,
  // so never committed) then costs no committed memory in the copy either. On a dense map the
  // zero test stops at the first non-zero word of each block.
  static void copy_into_zeroed(void* to, const void* from, size_t bytes) {
    constexpr size_t kBlock = 4096;
    auto* out = static_cast<uint8_t*>(to);
    const auto* in = static_cast<const uint8_t*>(from);
    for (size_t at = 0; at < bytes; at += kBlock) {
      const size_t n = bytes - at < kBlock ? bytes - at : kBlock;
      if (!all_zero(in + at, n)) std::memcpy(out + at, in + at, n);
    }
  }

  static bool all_zero(const uint8_t* bytes, size_t n) {
    size_t i = 0;
    for (; i + sizeof(uint64_t) <= n; i += sizeof(uint64_t)) {
      uint64_t word;
      std::memcpy(&word, bytes + i, sizeof(word));
      if (word != 0) return false;
    }
    for (; i < n; ++i)
      if (bytes[i] != 0) return false;
    return true;
  }

  // The first byte of `array`'s elements (its buffer's memory at its offset).
  static void* view_data(const Napi::TypedArray& array) {
    void* data = nullptr;
    const napi_status status = napi_get_typedarray_info(array.Env(), array, nullptr, nullptr, &data, nullptr, nullptr);
    NAPI_THROW_IF_FAILED(array.Env(), status, nullptr);
    return data;
  }

  // Keeps `array` for an async call and gives the memory the kernel uses for it.
  template <typename T>
  T* keep(Napi::TypedArrayOf<T> array, bool written) {
    T* data = array.Data();
    const size_t bytes = array.ByteLength();
#if ROIOPS_NODE_ABI_BUILD
    held_.push_back(backing_store(array));
    arrays_.push_back({Napi::Persistent<Napi::TypedArray>(array), nullptr, bytes, written});
    return data;
#else
    if (bytes == 0 || is_shared(array)) {
      arrays_.push_back({Napi::Persistent<Napi::TypedArray>(array), nullptr, bytes, written});
      return data;
    }
    // calloc: large blocks come zeroed and uncommitted from the system, as a fresh typed
    // array's memory does, so an output's pages cost nothing until the kernel writes them
    // (it writes every element) and an input's all-zero pages are never copied.
    void* copy = std::calloc(bytes, 1);
    if (copy == nullptr) throw std::bad_alloc();
    if (!written) copy_into_zeroed(copy, data, bytes);
    arrays_.push_back(
        {Napi::Persistent<Napi::TypedArray>(array), std::unique_ptr<void, FreeDeleter>(copy), bytes, written});
    return static_cast<T*>(copy);
#endif
  }

#if ROIOPS_NODE_ABI_BUILD
  // A napi_value is a v8::Local<v8::Value> in Node's implementation (node's
  // v8impl::V8LocalValueFromJsValue converts it the same way).
  static v8::Local<v8::Value> v8_value(napi_value value) {
    v8::Local<v8::Value> local;
    static_assert(sizeof(local) == sizeof(value), "napi_value and v8::Local<v8::Value> have the same representation");
    std::memcpy(static_cast<void*>(&local), &value, sizeof(value));
    return local;
  }

  // The memory under `array`, shared with V8 for as long as the pointer lives, whatever
  // JavaScript does to its ArrayBuffer meanwhile. The V8 symbols used
  // (ArrayBufferView::Buffer, [Shared]ArrayBuffer::GetBackingStore,
  // BackingStore::IsResizableByUserJavaScript) exist unchanged from V8 11.3 (Node 20) on.
  static std::shared_ptr<v8::BackingStore> backing_store(const Napi::TypedArray& array) {
    v8::Local<v8::ArrayBuffer> buffer = v8_value(array).As<v8::ArrayBufferView>()->Buffer();
    if (buffer->IsSharedArrayBuffer()) return buffer.As<v8::Value>().As<v8::SharedArrayBuffer>()->GetBackingStore();
    return buffer->GetBackingStore();
  }

  std::vector<std::shared_ptr<v8::BackingStore>> held_;  // released with the call, on the JavaScript thread
#else
  // A view of a SharedArrayBuffer: napi_is_arraybuffer says false for its buffer.
  static bool is_shared(const Napi::TypedArray& array) {
    napi_value buffer = nullptr;
    bool plain = true;
    napi_status status = napi_get_typedarray_info(array.Env(), array, nullptr, nullptr, nullptr, &buffer, nullptr);
    if (status == napi_ok) status = napi_is_arraybuffer(array.Env(), buffer, &plain);
    return status == napi_ok && !plain;
  }
#endif

  bool async_;
  std::vector<Kept> arrays_;  // released with the call, on the JavaScript thread
};

}  // namespace roiops_addon
