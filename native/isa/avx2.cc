// The generic kernels instantiated for avx2 (see native/simd/avx2.h); only the dispatcher
// calls into this translation unit, after checking that the CPU supports it.
#define ROIOPS_ISA avx2_isa
#include "simd/avx2.h"
#include "isa/kernel_table_impl.h"

const roiops::KernelTable& roiops::avx2_kernel_table() { return ROIOPS_ISA::kernel_table("avx2"); }
