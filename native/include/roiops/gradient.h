// Where a backward pass writes: the gradient of a forward input, with that input's dims and
// layout. The kernel zero-fills it and accumulates into it.
#pragma once
#include <cstdint>

#include "tensor.h"

namespace roiops {

// [N,C,H,W] or [N,H,W,C] following `layout`, exactly the forward input's shape.
struct GradientMap {
  float* data = nullptr;
  int64_t length = 0;  // elements available at `data`
  int64_t batch = 0, channels = 0, height = 0, width = 0;
  Layout layout = Layout::nchw;
};

// The gradient of a pooled output, in the forward output's element order ([K,C,PH,PW] for
// NCHW, [K,PH,PW,C] for NHWC: the layout of the GradientMap it is paired with).
struct PooledGradient {
  const float* data = nullptr;
  int64_t length = 0;
  const int32_t* argmax = nullptr;  // roiPool only: the forward's argmax, same element order
  int64_t argmax_length = 0;
};

}  // namespace roiops
