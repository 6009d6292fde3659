// The portable instruction set: the generic kernels compiled with no target flags. Every
// build contains it, and it is what ROI_OPS_SIMD=scalar selects.
#define ROIOPS_ISA scalar_isa
#include "kernels/roi_align.h"
#include "kernels/roi_pool.h"
#include "runtime/kernel_table.h"

namespace roiops {

const KernelTable& scalar_kernel_table() {
  static const KernelTable table{"scalar", &scalar_isa::roi_pool_forward, &scalar_isa::roi_align_forward};
  return table;
}

}  // namespace roiops
