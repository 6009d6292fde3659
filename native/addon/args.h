// Reads the binding's positional arguments, each by its position in the operator's wire struct
// (wire.h), e.g. args.integer(Wire::pooled_height, 1, kMaxDimension). The TypeScript layer is
// the only intended caller and has validated everything; these checks exist so that a wrong
// call (a bug, or someone loading the .node file directly) throws instead of crashing. A
// refusal is a TypeError naming the argument's position.
#pragma once
#include <napi.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "roiops/tensor.h"

namespace roiops_addon {

class ArgReader {
 public:
  explicit ArgReader(const Napi::CallbackInfo& info) : info_(info) {}

  Napi::Env env() const { return info_.Env(); }

  Napi::Float32Array float32_array(size_t index) const {
    Napi::Value v = info_[index];
    if (!is_float32_array(v)) fail(index, "a Float32Array");
    return v.As<Napi::Float32Array>();
  }

  // A Float32Array, or null/undefined for "none".
  Napi::Float32Array optional_float32_array(size_t index) const {
    Napi::Value v = info_[index];
    if (v.IsNull() || v.IsUndefined()) return Napi::Float32Array();
    if (!is_float32_array(v)) fail(index, "a Float32Array or null");
    return v.As<Napi::Float32Array>();
  }

  Napi::Uint16Array uint16_array(size_t index) const {
    Napi::Value v = info_[index];
    if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_uint16_array)
      fail(index, "a Uint16Array");
    return v.As<Napi::Uint16Array>();
  }

  // A Float32Array (float32) or a Uint16Array (16-bit patterns), as `type` says.
  Napi::TypedArray map_array(size_t index, roiops::ElementType type) const {
    return type == roiops::ElementType::float32 ? Napi::TypedArray(float32_array(index))
                                                : Napi::TypedArray(uint16_array(index));
  }

  // An element type: 0 float32, 1 float16, 2 bfloat16.
  roiops::ElementType element_type(size_t index) const {
    return static_cast<roiops::ElementType>(integer(index, 0, 2));
  }

  Napi::Int32Array int32_array(size_t index) const {
    Napi::Value v = info_[index];
    if (!is_int32_array(v)) fail(index, "an Int32Array");
    return v.As<Napi::Int32Array>();
  }

  // An Int32Array, or null/undefined for "none".
  Napi::Int32Array optional_int32_array(size_t index) const {
    Napi::Value v = info_[index];
    if (v.IsNull() || v.IsUndefined()) return Napi::Int32Array();
    if (!is_int32_array(v)) fail(index, "an Int32Array or null");
    return v.As<Napi::Int32Array>();
  }

  // A JavaScript array of at most `max_count` Float32Arrays (float32) or Uint16Arrays (16-bit), as `type` says.
  std::vector<Napi::TypedArray> map_arrays(size_t index, uint32_t max_count, roiops::ElementType type) const {
    const bool float32 = type == roiops::ElementType::float32;
    const std::string kind = float32 ? "Float32Arrays" : "Uint16Arrays";
    const Napi::Array array = this->array(index);
    if (array.Length() > max_count) fail(index, "an array of at most " + std::to_string(max_count) + " " + kind);
    std::vector<Napi::TypedArray> elements;
    elements.reserve(array.Length());
    for (uint32_t i = 0; i < array.Length(); ++i) {
      Napi::Value v = array.Get(i);
      const bool fits = float32 ? is_float32_array(v)
                                : v.IsTypedArray() && v.As<Napi::TypedArray>().TypedArrayType() == napi_uint16_array;
      if (!fits) fail(index, "an array of " + kind);
      elements.push_back(v.As<Napi::TypedArray>());
    }
    return elements;
  }

  // A JavaScript array of `count` integers in [min, max]; `count_rule` says why that many.
  std::vector<int64_t> integers(size_t index, uint32_t count, const char* count_rule, int64_t min, int64_t max) const {
    const Napi::Array array = this->array(index);
    if (array.Length() != count) fail(index, count_rule);
    std::vector<int64_t> elements(count);
    for (uint32_t i = 0; i < count; ++i) {
      Napi::Value v = array.Get(i);
      if (!v.IsNumber() || !integral_in(v.As<Napi::Number>().DoubleValue(), min, max))
        fail(index, "an array of integers in range");
      elements[i] = static_cast<int64_t>(v.As<Napi::Number>().DoubleValue());
    }
    return elements;
  }

  Napi::Function function(size_t index) const {
    Napi::Value v = info_[index];
    if (!v.IsFunction()) fail(index, "a function");
    return v.As<Napi::Function>();
  }

  int64_t integer(size_t index, int64_t min, int64_t max) const {
    Napi::Value v = info_[index];
    if (!v.IsNumber()) fail(index, "an integer");
    const double d = v.As<Napi::Number>().DoubleValue();
    if (!integral_in(d, min, max)) fail(index, "an integer in range");
    return static_cast<int64_t>(d);
  }

  float finite_float(size_t index) const {
    Napi::Value v = info_[index];
    if (!v.IsNumber()) fail(index, "a number");
    const double d = v.As<Napi::Number>().DoubleValue();
    if (!std::isfinite(d)) fail(index, "a finite number");
    return static_cast<float>(d);
  }

  // Any number (NaN and infinities included), as float32.
  float any_float(size_t index) const {
    Napi::Value v = info_[index];
    if (!v.IsNumber()) fail(index, "a number");
    return static_cast<float>(v.As<Napi::Number>().DoubleValue());
  }

  bool boolean(size_t index) const {
    Napi::Value v = info_[index];
    if (!v.IsBoolean()) fail(index, "a boolean");
    return v.As<Napi::Boolean>().Value();
  }

  // What every refusal throws: argument `index` must be `expected`.
  [[noreturn]] void fail(size_t index, const std::string& expected) const {
    throw Napi::TypeError::New(env(),
                               "roi-ops native binding: argument " + std::to_string(index) + " must be " + expected);
  }

 private:
  Napi::Array array(size_t index) const {
    Napi::Value v = info_[index];
    if (!v.IsArray()) fail(index, "an array");
    return v.As<Napi::Array>();
  }

  static bool is_float32_array(const Napi::Value& v) {
    return v.IsTypedArray() && v.As<Napi::TypedArray>().TypedArrayType() == napi_float32_array;
  }

  static bool is_int32_array(const Napi::Value& v) {
    return v.IsTypedArray() && v.As<Napi::TypedArray>().TypedArrayType() == napi_int32_array;
  }

  static bool integral_in(double d, int64_t min, int64_t max) {
    return d >= static_cast<double>(min) && d <= static_cast<double>(max) && std::floor(d) == d;
  }

  const Napi::CallbackInfo& info_;
};

}  // namespace roiops_addon
