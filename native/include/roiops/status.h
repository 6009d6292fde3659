// Status codes returned by every kernel entry point. Kernels never throw and never
// assert on a caller's value: anything they cannot do is reported here, and the
// addon turns it into a JavaScript error.
#pragma once
#include <cstdint>

namespace roiops {

enum class StatusCode : int32_t {
  ok = 0,
  invalid_argument,  // a length, shape or option the kernel cannot work with
  too_many_samples,  // a RoI's sampling grid exceeds max_samples_per_roi
  out_of_memory,     // scratch space could not be allocated
  aborted,           // the cancel flag was raised while the kernel ran
};

struct Status {
  StatusCode code = StatusCode::ok;
  int64_t roi = -1;          // the RoI row concerned, or -1
  const char* message = "";  // static text naming what was wrong

  bool ok() const { return code == StatusCode::ok; }
  static Status success() { return {}; }
  static Status invalid(const char* why) { return {StatusCode::invalid_argument, -1, why}; }
};

}  // namespace roiops
