// Runs one kernel call on the libuv thread pool. The typed arrays it reads and writes are
// referenced for the worker's whole life, so garbage collection cannot free them while the
// kernel runs, and the memory the kernel uses for them is the call's (call_memory.h), so
// detaching their ArrayBuffers meanwhile cannot free it either; the abort flag lets an
// AbortSignal stop the kernel between RoIs.
//
// The call reports its end through a JavaScript function (`settle`: no argument on success,
// the error otherwise; lib/backend/native.ts makes the promise around it), not through a
// Node-API promise: a napi_deferred is freed only by resolving or rejecting it, and Node 20
// refuses both (before freeing it) once its environment can no longer run JavaScript, so
// every async call in flight when a worker_thread is terminated leaked its deferred
// (LeakSanitizer, test/native/workers.test.ts). A reference to `settle` is deleted with
// the worker whatever happened.
#pragma once
#include <napi.h>

#include <functional>
#include <string>
#include <utility>

#include "call_memory.h"
#include "errors.h"
#include "roiops/status.h"
#include "roiops/tensor.h"

namespace roiops_addon {

class KernelWorker : public Napi::AsyncWorker {
 public:
  using Kernel = std::function<roiops::Status(roiops::CancelFlag)>;  // the call, given its cancel flag

  // `memory` holds every typed array `kernel` touches, including the abort flag.
  KernelWorker(Napi::Env env, const char* function, Kernel kernel, CallMemory memory, const int32_t* abort_flag,
               Napi::Function settle)
      : Napi::AsyncWorker(env, function),
        function_(function),
        kernel_(std::move(kernel)),
        cancel_(abort_flag),
        settle_(Napi::Persistent(settle)),
        memory_(std::move(memory)) {}

 protected:
  void Execute() override { status_ = kernel_(cancel_); }

  // Runs on the JavaScript thread. When a worker_thread is terminated while this call runs,
  // its environment can no longer run JavaScript by the time this is called: calling
  // `settle` then fails and throws, which NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS (binding.gyp)
  // turns into nothing instead of a process abort; the promise goes with its environment.
  void OnOK() override {
    const char* lost = status_.ok() ? memory_.finish() : nullptr;
    if (lost != nullptr) {
      settle_.Call({Napi::TypeError::New(Env(), std::string(function_) + ": an ArrayBuffer of this call was " + lost +
                                                    " while the call was running (transferred by postMessage or "
                                                    "structuredClone, or resized); the kernel ran on memory the call "
                                                    "kept, and the output is lost")
                        .Value()});
    } else if (status_.ok()) {
      settle_.Call({});
    } else {
      settle_.Call({status_error(Env(), function_, status_).Value()});
    }
  }

  void OnError(const Napi::Error& error) override { settle_.Call({error.Value()}); }

 private:
  const char* function_;
  Kernel kernel_;
  roiops::CancelFlag cancel_;
  roiops::Status status_;
  Napi::FunctionReference settle_;
  CallMemory memory_;  // the arrays, referenced; released with the worker, on the JavaScript thread
};

}  // namespace roiops_addon
