// The dispatch table: one entry per operator and direction, filled by each
// instruction-set translation unit in native/isa/. Adding an instruction set means adding
// a table, never touching the addon or the TypeScript.
#pragma once
#include "roiops/roiops.h"

namespace roiops {

struct KernelTable {
  const char* simd;  // the name info().simd reports
  // `execution.threads` is already resolved (>= 1) when the table is called.
  Status (*roi_pool_forward)(const FeatureMap&, const RoiRows&, const RoiPoolParams&, const PooledOutput&,
                             Execution);
  Status (*roi_align_forward)(const FeatureMap&, const RoiRows&, const RoiAlignParams&, const PooledOutput&,
                              Execution);
  Status (*ps_roi_align_forward)(const FeatureMap&, const RoiRows&, const PsRoiAlignParams&, const PooledOutput&,
                                 Execution);
  Status (*roi_align_rotated_forward)(const FeatureMap&, const RoiRows&, const RoiAlignRotatedParams&,
                                      const PooledOutput&, Execution);
  Status (*multi_scale_roi_align_forward)(const FeatureLevels&, const RoiRows&, const RoiLevelIndices&,
                                          const MultiScaleRoiAlignParams&, const PooledOutput&, Execution);
  Status (*roi_align_backward)(const PooledGradient&, const RoiRows&, const RoiAlignParams&, const FeatureMap&,
                               const GradientMap&, Execution);
  Status (*ps_roi_align_backward)(const PooledGradient&, const RoiRows&, const PsRoiAlignParams&, const GradientMap&,
                                  Execution);
  Status (*roi_align_rotated_backward)(const PooledGradient&, const RoiRows&, const RoiAlignRotatedParams&,
                                       const GradientMap&, Execution);
  Status (*ps_roi_pool_forward)(const FeatureMap&, const RoiRows&, const PsRoiPoolParams&, const PooledOutput&,
                                Execution);
  Status (*spatial_pyramid_pool_forward)(const FeatureMap&, const RoiRows*, const SpatialPyramidParams&,
                                         const PooledOutput&, Execution);
  Status (*crop_and_resize_forward)(const FeatureMap&, const RoiRows&, const int32_t*, int64_t,
                                    const CropAndResizeParams&, const PooledOutput&, Execution);
  Status (*precise_roi_pool_forward)(const FeatureMap&, const RoiRows&, const PreciseRoiPoolParams&,
                                     const PooledOutput&, Execution);
  Status (*roi_pool_backward)(const PooledGradient&, const RoiRows&, const RoiPoolParams&, const GradientMap&,
                              Execution);
  Status (*ps_roi_pool_backward)(const PooledGradient&, const RoiRows&, const PsRoiPoolParams&, const GradientMap&,
                                 Execution);
  Status (*precise_roi_pool_backward)(const PooledGradient&, const RoiRows&, const PreciseRoiPoolParams&,
                                      const GradientMap&, Execution);
};

// One per translation unit of native/isa/; only those of the target architecture exist.
const KernelTable& scalar_kernel_table();
#if defined(__x86_64__) || defined(_M_X64)
const KernelTable& sse2_kernel_table();
const KernelTable& avx2_kernel_table();
const KernelTable& avx512_kernel_table();
#endif
#if defined(__aarch64__) || defined(_M_ARM64)
const KernelTable& neon_kernel_table();
#endif

// The table chosen once for this process (CPU features capped by ROI_OPS_SIMD).
const KernelTable& active_kernels();

}  // namespace roiops
