// Node-API glue: reads typed arrays in place, hands them to the kernel entry points of
// native/include/roiops, and settles sync calls by return/throw and async calls through a
// KernelWorker. No pooling semantics live here. All state is per environment
// (Napi::Addon), so the addon loads in any number of worker_threads.
#include <napi.h>

#include <cstdint>
#include <limits>
#include <vector>

#include "args.h"
#include "errors.h"
#include "kernel_worker.h"
#include "roiops/roiops.h"

namespace roiops_addon {
namespace {

constexpr int64_t kMaxDimension = int64_t(1) << 53;  // what a JavaScript number holds exactly
constexpr int64_t kMaxThreads = 1 << 16;

// The arguments every operator starts with: input, its 4 dims, its layout, the RoI rows,
// the RoI count and the output buffer.
struct CommonArgs {
  roiops::FeatureMap map;
  roiops::RoiRows rois;
  roiops::PooledOutput out;
  std::vector<Napi::Object> arrays;  // to pin for an async call
};

CommonArgs read_common(ArgReader& args) {
  CommonArgs common;
  Napi::Float32Array input = args.float32_array();
  common.map.data = input.Data();
  common.map.length = static_cast<int64_t>(input.ElementLength());
  common.map.batch = args.integer(0, kMaxDimension);
  common.map.channels = args.integer(0, kMaxDimension);
  common.map.height = args.integer(0, kMaxDimension);
  common.map.width = args.integer(0, kMaxDimension);
  common.map.layout = static_cast<roiops::Layout>(args.integer(0, 1));
  Napi::Float32Array rois = args.float32_array();
  common.rois.data = rois.Data();
  common.rois.length = static_cast<int64_t>(rois.ElementLength());
  common.rois.count = args.integer(0, kMaxDimension);
  Napi::Float32Array out = args.float32_array();
  common.out.data = out.Data();
  common.out.length = static_cast<int64_t>(out.ElementLength());
  common.arrays = {input, rois, out};
  return common;
}

// Runs `kernel` now (sync) or on the thread pool (async, when `abort_flag` was passed).
template <typename Kernel>
Napi::Value run(const Napi::CallbackInfo& info, const char* function, CommonArgs& common, ArgReader& args,
                bool async, Kernel kernel) {
  Napi::Env env = info.Env();
  if (!async) {
    const roiops::Status status = kernel(roiops::CancelFlag());
    if (!status.ok()) throw status_error(env, function, status);
    return env.Undefined();
  }
  Napi::Int32Array flag = args.optional_int32_array();
  const int32_t* flag_data = nullptr;
  if (!flag.IsEmpty()) {
    if (flag.ElementLength() < 1) throw Napi::RangeError::New(env, "roi-ops native binding: empty abort flag");
    flag_data = flag.Data();
    common.arrays.push_back(flag);
  }
  auto* worker = new KernelWorker(env, function, kernel, common.arrays, flag_data);
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

class RoiOpsAddon : public Napi::Addon<RoiOpsAddon> {
 public:
  RoiOpsAddon(Napi::Env env, Napi::Object exports) {
    DefineAddon(exports, {
                             InstanceMethod("roiPoolSync", &RoiOpsAddon::RoiPoolSync),
                             InstanceMethod("roiPoolAsync", &RoiOpsAddon::RoiPoolAsync),
                             InstanceMethod("roiAlignSync", &RoiOpsAddon::RoiAlignSync),
                             InstanceMethod("roiAlignAsync", &RoiOpsAddon::RoiAlignAsync),
                             InstanceMethod("simdLevel", &RoiOpsAddon::SimdLevel),
                             InstanceMethod("setNumThreads", &RoiOpsAddon::SetNumThreads),
                             InstanceMethod("getNumThreads", &RoiOpsAddon::GetNumThreads),
                         });
  }

 private:
  // (input, N, C, H, W, layout, rois, K, out, argmax | null, PH, PW, spatialScale, bins, threads
  //  [, abortFlag]); threads 0 means the process setting.
  Napi::Value RoiPool(const Napi::CallbackInfo& info, bool async) {
    ArgReader args(info);
    CommonArgs common = read_common(args);
    Napi::Int32Array argmax = args.optional_int32_array();
    if (!argmax.IsEmpty()) {
      common.out.argmax = argmax.Data();
      common.out.argmax_length = static_cast<int64_t>(argmax.ElementLength());
      common.arrays.push_back(argmax);
    }
    roiops::RoiPoolParams params;
    params.pooled_height = args.integer(1, kMaxDimension);
    params.pooled_width = args.integer(1, kMaxDimension);
    params.spatial_scale = args.finite_float();
    params.bins = static_cast<roiops::BinRule>(args.integer(0, 1));
    const int32_t threads = static_cast<int32_t>(args.integer(0, kMaxThreads));
    const roiops::FeatureMap map = common.map;
    const roiops::RoiRows rois = common.rois;
    const roiops::PooledOutput out = common.out;
    return run(info, "roiPool", common, args, async, [=](roiops::CancelFlag cancel) {
      return roiops::roi_pool_forward(map, rois, params, out, {cancel, threads});
    });
  }

  // (input, N, C, H, W, layout, rois, K, out, PH, PW, spatialScale, samplingRatio, aligned,
  //  mode, maxSamplesPerRoi, threads[, abortFlag])
  Napi::Value RoiAlign(const Napi::CallbackInfo& info, bool async) {
    ArgReader args(info);
    CommonArgs common = read_common(args);
    roiops::RoiAlignParams params;
    params.pooled_height = args.integer(1, kMaxDimension);
    params.pooled_width = args.integer(1, kMaxDimension);
    params.spatial_scale = args.finite_float();
    params.sampling_ratio = args.integer(std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max());
    params.aligned = args.boolean();
    params.mode = static_cast<roiops::AlignMode>(args.integer(0, 2));
    params.max_samples_per_roi = args.integer(1, kMaxDimension);
    const int32_t threads = static_cast<int32_t>(args.integer(0, kMaxThreads));
    const roiops::FeatureMap map = common.map;
    const roiops::RoiRows rois = common.rois;
    const roiops::PooledOutput out = common.out;
    return run(info, "roiAlign", common, args, async, [=](roiops::CancelFlag cancel) {
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

  Napi::Value GetNumThreads(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), roiops::num_threads());
  }
};

}  // namespace
}  // namespace roiops_addon

using roiops_addon::RoiOpsAddon;
NODE_API_ADDON(RoiOpsAddon)
