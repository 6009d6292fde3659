// Turns a kernel Status into the JavaScript error the TypeScript layer expects.
#pragma once
#include <napi.h>

#include <string>

#include "roiops/status.h"

namespace roiops_addon {

inline Napi::Error status_error(Napi::Env env, const char* function, const roiops::Status& status) {
  std::string message = std::string(function) + ": ";
  if (status.roi >= 0) message += "boxes row " + std::to_string(status.roi) + ": ";
  message += status.message;
  Napi::Error error;
  switch (status.code) {
    case roiops::StatusCode::aborted:
      error = Napi::Error::New(env, "The operation was aborted");
      error.Set("code", Napi::String::New(env, "ABORT_ERR"));
      return error;
    case roiops::StatusCode::out_of_memory:
      error = Napi::Error::New(env, message);
      error.Set("code", Napi::String::New(env, "ROI_OPS_OUT_OF_MEMORY"));
      return error;
    default:
      error = Napi::RangeError::New(env, message);
      return error;
  }
}

}  // namespace roiops_addon
