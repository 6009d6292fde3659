// Node-API glue: reads typed arrays in place, hands them to the kernel entry points of
// native/include/roiops, and settles sync calls by return/throw and async calls through a
// KernelWorker. No pooling semantics live here. All state is per environment
// (Napi::Addon), so the addon loads in any number of worker_threads.
#include <napi.h>

#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "call.h"

namespace roiops_addon {
namespace {

class RoiOpsAddon : public Napi::Addon<RoiOpsAddon> {
 public:
  RoiOpsAddon(Napi::Env env, Napi::Object exports) {
    check_node_abi(env);
    DefineAddon(exports, {
                             InstanceMethod("roiPoolSync", &RoiOpsAddon::RoiPoolSync),
                             InstanceMethod("roiPoolAsync", &RoiOpsAddon::RoiPoolAsync),
                             InstanceMethod("roiAlignSync", &RoiOpsAddon::RoiAlignSync),
                             InstanceMethod("roiAlignAsync", &RoiOpsAddon::RoiAlignAsync),
                             InstanceMethod("simdLevel", &RoiOpsAddon::SimdLevel),
                             InstanceMethod("setNumThreads", &RoiOpsAddon::SetNumThreads),
                             InstanceMethod("getNumThreads", &RoiOpsAddon::GetNumThreads),
                             InstanceMethod("addonBuild", &RoiOpsAddon::AddonBuild),
                             InstanceMethod("setInitialNumThreads", &RoiOpsAddon::SetInitialNumThreads),
                         });
    register_align_family(env, exports);
    register_pooling_family(env, exports);
  }

 private:
  // (input, N, C, H, W, layout, rois, K, out, argmax | null, PH, PW, spatialScale, bins, threads
  //  [, abortFlag, settle]); threads 0 means the process setting.
  Napi::Value RoiPool(const Napi::CallbackInfo& info, bool async) {
    ArgReader args(info);
    CommonArgs common = read_common(args, async);
    Napi::Int32Array argmax = args.optional_int32_array();
    if (!argmax.IsEmpty()) {
      common.out.argmax = common.memory.output(argmax);
      common.out.argmax_length = static_cast<int64_t>(argmax.ElementLength());
    }
    roiops::RoiPoolParams params;
    read_bins_and_scale(args, params);
    params.bins = static_cast<roiops::BinRule>(args.integer(0, 1));
    const int32_t threads = read_threads(args);
    const roiops::FeatureMap map = common.map;
    const roiops::RoiRows rois = common.rois;
    const roiops::PooledOutput out = common.out;
    return run(info, "roiPool", std::move(common.memory), args, [=](roiops::CancelFlag cancel) {
      return roiops::roi_pool_forward(map, rois, params, out, {cancel, threads});
    });
  }

  // (input, N, C, H, W, layout, rois, K, out, PH, PW, spatialScale, samplingRatio, aligned,
  //  mode, maxSamplesPerRoi, threads[, abortFlag, settle])
  Napi::Value RoiAlign(const Napi::CallbackInfo& info, bool async) {
    ArgReader args(info);
    CommonArgs common = read_common(args, async);
    roiops::RoiAlignParams params;
    read_bins_and_scale(args, params);
    params.sampling_ratio = args.integer(std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max());
    params.aligned = args.boolean();
    params.mode = static_cast<roiops::AlignMode>(args.integer(0, 2));
    params.max_samples_per_roi = args.integer(1, kMaxDimension);
    const int32_t threads = read_threads(args);
    const roiops::FeatureMap map = common.map;
    const roiops::RoiRows rois = common.rois;
    const roiops::PooledOutput out = common.out;
    return run(info, "roiAlign", std::move(common.memory), args, [=](roiops::CancelFlag cancel) {
      return roiops::roi_align_forward(map, rois, params, out, {cancel, threads});
    });
  }

  Napi::Value RoiPoolSync(const Napi::CallbackInfo& info) { return RoiPool(info, false); }
  Napi::Value RoiPoolAsync(const Napi::CallbackInfo& info) { return RoiPool(info, true); }
  Napi::Value RoiAlignSync(const Napi::CallbackInfo& info) { return RoiAlign(info, false); }
  Napi::Value RoiAlignAsync(const Napi::CallbackInfo& info) { return RoiAlign(info, true); }

  Napi::Value SimdLevel(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), roiops::simd_level()); }

  Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
    ArgReader args(info);
    roiops::set_num_threads(static_cast<int32_t>(args.integer(1, kMaxThreads)));
    return info.Env().Undefined();
  }

  // The process's default count, applied only if none was set yet (roiops::set_initial_num_threads).
  Napi::Value SetInitialNumThreads(const Napi::CallbackInfo& info) {
    ArgReader args(info);
    roiops::set_initial_num_threads(static_cast<int32_t>(args.integer(1, kMaxThreads)));
    return info.Env().Undefined();
  }

  // "node-api" or "node-abi-<NODE_MODULE_VERSION>": which of the two builds this is (call_memory.h).
  Napi::Value AddonBuild(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), addon_build()); }

  Napi::Value GetNumThreads(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), roiops::num_threads());
  }
};

}  // namespace
}  // namespace roiops_addon

using roiops_addon::RoiOpsAddon;
NODE_API_ADDON(RoiOpsAddon)
