// Reads the binding's positional arguments. The TypeScript layer is the only intended
// caller and has validated everything; these checks exist so that a wrong call (a bug, or
// someone loading the .node file directly) throws instead of crashing.
#pragma once
#include <napi.h>

#include <cmath>
#include <cstdint>
#include <string>

namespace roiops_addon {

class ArgReader {
 public:
  explicit ArgReader(const Napi::CallbackInfo& info) : info_(info) {}

  Napi::Float32Array float32_array() {
    Napi::Value v = next();
    if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) fail("a Float32Array");
    return v.As<Napi::Float32Array>();
  }

  // A Float32Array, or null/undefined for "none".
  Napi::Float32Array optional_float32_array() {
    Napi::Value v = next();
    if (v.IsNull() || v.IsUndefined()) return Napi::Float32Array();
    if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array)
      fail("a Float32Array or null");
    return v.As<Napi::Float32Array>();
  }

  Napi::Int32Array int32_array() {
    Napi::Value v = next();
    if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) fail("an Int32Array");
    return v.As<Napi::Int32Array>();
  }

  // An Int32Array, or null/undefined for "none".
  Napi::Int32Array optional_int32_array() {
    Napi::Value v = next();
    if (v.IsNull() || v.IsUndefined()) return Napi::Int32Array();
    if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) fail("an Int32Array or null");
    return v.As<Napi::Int32Array>();
  }

  Napi::Function function() {
    Napi::Value v = next();
    if (!v.IsFunction()) fail("a function");
    return v.As<Napi::Function>();
  }

  // A JavaScript array (its elements are the caller's to check, naming argument index()).
  Napi::Array array() {
    Napi::Value v = next();
    if (!v.IsArray()) fail("an array");
    return v.As<Napi::Array>();
  }

  // The position of the argument read last.
  size_t index() const { return position_ - 1; }

  int64_t integer(int64_t min, int64_t max) {
    Napi::Value v = next();
    if (!v.IsNumber()) fail("an integer");
    const double d = v.As<Napi::Number>().DoubleValue();
    if (!(d >= static_cast<double>(min) && d <= static_cast<double>(max)) || std::floor(d) != d)
      fail("an integer in range");
    return static_cast<int64_t>(d);
  }

  float finite_float() {
    Napi::Value v = next();
    if (!v.IsNumber()) fail("a number");
    const double d = v.As<Napi::Number>().DoubleValue();
    if (!std::isfinite(d)) fail("a finite number");
    return static_cast<float>(d);
  }

  // Any number (NaN and infinities included), as float32.
  float any_float() {
    Napi::Value v = next();
    if (!v.IsNumber()) fail("a number");
    return static_cast<float>(v.As<Napi::Number>().DoubleValue());
  }

  bool boolean() {
    Napi::Value v = next();
    if (!v.IsBoolean()) fail("a boolean");
    return v.As<Napi::Boolean>().Value();
  }

 private:
  Napi::Value next() {
    position_++;
    return info_[position_ - 1];
  }

  [[noreturn]] void fail(const char* expected) {
    throw Napi::TypeError::New(info_.Env(), "roi-ops native binding: argument " + std::to_string(position_ - 1) +
                                                " must be " + expected);
  }

  const Napi::CallbackInfo& info_;
  size_t position_ = 0;
};

}  // namespace roiops_addon
