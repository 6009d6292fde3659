// Large outputs on Linux: ask for transparent huge pages before a kernel writes them.
//
// A fresh output (roiAlignSync without `out`) is new memory, and on Linux its first write
// faults every 4 KiB page in (zeroing it): W1's 50 MB output took ~20 ms of page faults on
// this machine against ~16 ms of kernel work. Where transparent huge pages are enabled in
// "madvise" mode (Debian's and most distributions' default), MADV_HUGEPAGE on the buffer lets
// each fault map 2 MiB instead: ~5.5 ms for the same 50 MB (scripts measured in the commit
// that added this). The kernels write every element of an output, so a huge page never holds
// memory the caller would not have touched; only the 2 MiB-aligned interior is advised, and
// the advice is a hint (ignored where THP is off, harmless on memory already mapped).
#pragma once
#include <cstddef>
#include <cstdint>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace roiops_addon {

// Below this many bytes an output is a few hundred pages at most: not worth a system call.
constexpr size_t kHugePageAdviceBytes = size_t(8) << 20;

inline void advise_output_pages(void* data, size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr uintptr_t kHugePage = uintptr_t(2) << 20;
  if (bytes < kHugePageAdviceBytes) return;
  const uintptr_t begin = (reinterpret_cast<uintptr_t>(data) + kHugePage - 1) & ~(kHugePage - 1);
  const uintptr_t end = (reinterpret_cast<uintptr_t>(data) + bytes) & ~(kHugePage - 1);
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);  // a hint: errors ignored
#else
  (void)data;
  (void)bytes;
#endif
}

}  // namespace roiops_addon
