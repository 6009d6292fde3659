// Runs one kernel call on the libuv thread pool. The typed arrays it reads and writes are
// pinned by references for the worker's whole life, so garbage collection cannot free them
// while the kernel runs; the abort flag lets an AbortSignal stop it between RoIs.
#pragma once
#include <napi.h>

#include <functional>
#include <utility>
#include <vector>

#include "errors.h"
#include "roiops/status.h"
#include "roiops/tensor.h"

namespace roiops_addon {

class KernelWorker : public Napi::AsyncWorker {
 public:
  using Kernel = std::function<roiops::Status(roiops::CancelFlag)>;  // the call, given its cancel flag

  // `pinned` holds every typed array `kernel` touches, including the abort flag.
  KernelWorker(Napi::Env env, const char* function, Kernel kernel, const std::vector<Napi::Object>& pinned,
               const int32_t* abort_flag)
      : Napi::AsyncWorker(env, function),
        function_(function),
        kernel_(std::move(kernel)),
        cancel_(abort_flag),
        deferred_(Napi::Promise::Deferred::New(env)) {
    pinned_.reserve(pinned.size());
    for (const Napi::Object& object : pinned) pinned_.push_back(Napi::Persistent(object));
  }

  Napi::Promise Promise() const { return deferred_.Promise(); }

 protected:
  void Execute() override { status_ = kernel_(cancel_); }

  void OnOK() override {
    if (status_.ok()) {
      deferred_.Resolve(Env().Undefined());
    } else {
      deferred_.Reject(status_error(Env(), function_, status_).Value());
    }
  }

  void OnError(const Napi::Error& error) override { deferred_.Reject(error.Value()); }

 private:
  const char* function_;
  Kernel kernel_;
  roiops::CancelFlag cancel_;
  roiops::Status status_;
  Napi::Promise::Deferred deferred_;
  std::vector<Napi::ObjectReference> pinned_;
};

}  // namespace roiops_addon
