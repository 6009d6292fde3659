// The portable instruction set: the generic kernels with one lane. Every build contains it,
// and it is what ROI_OPS_SIMD=scalar selects.
#define ROIOPS_ISA scalar_isa
#include "simd/scalar.h"

namespace roiops {
namespace ROIOPS_ISA {
using VectorLanes = ScalarLanes;
using DoubleLanes = ScalarDoubleLanes;
using HalfLanes = ScalarHalfLanes;
}  // namespace ROIOPS_ISA
}  // namespace roiops

#include "isa/kernel_table_impl.h"

const roiops::KernelTable& roiops::scalar_kernel_table() { return ROIOPS_ISA::kernel_table("scalar"); }
