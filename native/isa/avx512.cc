// The generic kernels instantiated for avx512 (see native/simd/avx512.h); only the dispatcher
// calls into this translation unit, after checking that the CPU supports it.
#define ROIOPS_ISA avx512_isa
#include "simd/avx512.h"
#include "isa/kernel_table_impl.h"

const roiops::KernelTable& roiops::avx512_kernel_table() { return ROIOPS_ISA::kernel_table("avx512"); }
