// The dispatch table: one entry per operator and direction, filled by each
// instruction-set translation unit in native/isa/. Adding an instruction set means adding
// a table, never touching the addon or the TypeScript.
#pragma once
#include "roiops/roiops.h"

namespace roiops {

struct KernelTable {
  const char* simd;  // the name info().simd reports
  Status (*roi_pool_forward)(const FeatureMap&, const RoiRows&, const RoiPoolParams&, const PooledOutput&,
                             CancelFlag);
  Status (*roi_align_forward)(const FeatureMap&, const RoiRows&, const RoiAlignParams&, const PooledOutput&,
                              CancelFlag);
};

// One per translation unit of native/isa/.
const KernelTable& scalar_kernel_table();

// The table chosen once for this process (CPU features capped by ROI_OPS_SIMD).
const KernelTable& active_kernels();

}  // namespace roiops
