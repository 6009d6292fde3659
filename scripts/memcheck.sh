#!/usr/bin/env bash
# Valgrind memcheck over the addon (docs/design.md "Robustness"): node runs scripts/memcheck-ops.mjs, which calls
# every operator of roi-ops, forward and backward, Sync and async, in both layouts, with one
# and two threads, plus the addon's refusals and an aborted async call, on the native addon as
# built in build/Release (node-gyp; built first if missing) through dist/ (rebuilt with tsup).
# It runs once per instruction-set path this valgrind can execute (ROI_OPS_SIMD: scalar, sse2,
# avx2 on x64; valgrind 3.19 has no AVX-512, so the avx512 kernels are left to
# scripts/sanitize.sh), one plain node process each, no test runner and no child processes.
# Fails on any memcheck error (invalid reads or writes, uses of uninitialised values, bad
# frees) and on any definitely or indirectly lost block, all suppressions in
# scripts/valgrind.supp (Node/V8 only, each justified). Logs: build-memcheck/memcheck-<isa>.log.
#
# Choices:
# - V8's JIT stays on (no --jitless): it is how the library runs, and valgrind's default
#   --smc-check=all-non-file already handles code V8 writes at run time.
# - "Possibly lost" blocks are not memcheck errors (--errors-for-leak-kinds=definite,indirect);
#   they are listed in the log and counted in the summary printed below, and this script
#   fails on any whose allocation is not one of the two expected kinds: the addon's per-thread
#   scratch buffers (thread_local Scratch in native/kernels) of the compute pool's worker
#   threads (a stack through ComputePool::start_workers), alive at exit by design
#   (native/runtime/threads.cc: detached, the pool is never destroyed), and glibc's DTV blocks
#   (dl-tls.c) of those threads. glibc reaches a thread's dynamic TLS, where a dlopen'ed
#   addon's thread_local objects live, only through a pointer into the middle of its DTV
#   block, so memcheck cannot call them reachable. A block whose last pointer is dropped is
#   "definitely lost", and fails the run.
# Takes about 3 minutes here (about 1 minute per path; node is ~50x slower under memcheck).
# Usage: scripts/memcheck.sh [isa ...]   (default: every path above). Needs valgrind.
set -euo pipefail
cd "$(dirname "$0")/.."
out=build-memcheck
command -v valgrind >/dev/null || { echo "memcheck.sh: needs valgrind (apt-get install valgrind)" >&2; exit 2; }
mkdir -p "$out"

if [[ ! -f build/Release/roi_ops.node ]]; then
  echo "== build/Release/roi_ops.node missing: npm run build:native (node-gyp rebuild)"
  npm run build:native -- -j "${JOBS:-2}" >"$out/node-gyp.log" 2>&1 || { tail -40 "$out/node-gyp.log"; exit 2; }
fi
echo "== dist/ (tsup)"
npx tsup >"$out/tsup.log" 2>&1 || { tail -40 "$out/tsup.log"; exit 2; }

if [[ $# -gt 0 ]]; then
  paths=("$@")
else
  case "$(uname -m)" in
    x86_64|amd64) paths=(scalar sse2 avx2) ;;
    aarch64|arm64) paths=(scalar neon) ;;
    *) paths=(scalar) ;;
  esac
fi

failed=0
for isa in "${paths[@]}"; do
  log="$out/memcheck-$isa.log"
  started=$(date +%s)
  status=0
  ROI_OPS_SIMD=$isa ROI_OPS_REQUIRE_NATIVE=1 valgrind --tool=memcheck --error-exitcode=1 \
    --leak-check=full --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect \
    --num-callers=40 --suppressions=scripts/valgrind.supp --log-file="$log" \
    node scripts/memcheck-ops.mjs >"$out/memcheck-$isa.out" 2>&1 || status=$?
  dispatch=$(grep -o 'dispatch [a-z0-9]*' "$out/memcheck-$isa.out" | head -1 | cut -d' ' -f2)
  errors=$(grep -o 'ERROR SUMMARY: [0-9]* errors from [0-9]* contexts (suppressed: [0-9]* from [0-9]*)' "$log" | tail -1)
  lost=$(grep -E '(definitely|indirectly|possibly) lost:' "$log" | sed -E 's/^==[0-9]+== +//' | paste -sd';' -)
  # Possibly lost blocks of any other kind than the two explained above.
  unexplained=$(awk '/are possibly lost in loss record/ { p = 1; kind = ""; next }
    p && /ComputePool::start_workers/ { kind = "pool" }
    p && /dl-tls\.c/ { kind = "dtv" }
    p && /^==[0-9]+== *$/ { if (kind == "") n++; p = 0 }
    END { print n + 0 }' "$log")
  echo "ROI_OPS_SIMD=$isa (dispatch ${dispatch:-?}): exit status $status, $(( $(date +%s) - started )) s; ${errors:-no summary}; ${lost:-no leaks found}; unexplained possibly lost: $unexplained"
  if [[ $unexplained -ne 0 ]]; then
    echo "memcheck.sh: possibly lost blocks neither in the compute pool's threads nor glibc's DTV: see $log" >&2
    status=1
  fi
  if [[ $status -ne 0 || $dispatch != "$isa" ]]; then
    failed=1
    [[ $dispatch == "$isa" ]] || echo "memcheck.sh: expected dispatch $isa, got ${dispatch:-none}" >&2
    tail -20 "$out/memcheck-$isa.out" >&2
    grep -E -A12 '^==[0-9]+== (Invalid|Conditional|Use of|Mismatched|Syscall|Source and|[0-9,]+ (\([0-9,]+ direct, [0-9,]+ indirect\) )?bytes in [0-9,]+ blocks are (definitely|indirectly))' "$log" | head -60 >&2 || true
  fi
done
exit $failed
