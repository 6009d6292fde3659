// The generic kernels instantiated for neon (see native/simd/neon.h); only the dispatcher
// calls into this translation unit, after checking that the CPU supports it.
#define ROIOPS_ISA neon_isa
#include "simd/neon.h"
#include "isa/kernel_table_impl.h"

const roiops::KernelTable& roiops::neon_kernel_table() { return ROIOPS_ISA::kernel_table("neon"); }
