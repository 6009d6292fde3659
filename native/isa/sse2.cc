// The generic kernels instantiated for sse2 (see native/simd/sse2.h); only the dispatcher
// calls into this translation unit, after checking that the CPU supports it.
#define ROIOPS_ISA sse2_isa
#include "simd/sse2.h"
#include "isa/kernel_table_impl.h"

const roiops::KernelTable& roiops::sse2_kernel_table() { return ROIOPS_ISA::kernel_table("sse2"); }
