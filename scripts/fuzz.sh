#!/usr/bin/env bash
# Builds the libFuzzer harness native/fuzz/fuzz_kernels.cc (ASan + UBSan, clang) in
# build-fuzz/ and runs it for SECONDS (default 60) under each instruction-set path of
# ROI_OPS_SIMD (default: scalar sse2 avx2 avx512 on x64; set FUZZ_SIMD to choose, e.g.
# FUZZ_SIMD=avx2 scripts/fuzz.sh 600). Starts from the committed seeds native/fuzz/corpus/;
# what the fuzzer finds goes to build-fuzz/corpus/ (not committed), crash inputs to
# build-fuzz/artifacts/. Prints each run's executions and exit status; exits non-zero if any
# run failed. Extra arguments after SECONDS go to libFuzzer (e.g. -jobs=2, -seed=1).
# Needs clang and libFuzzer (Debian bookworm: apt-get install clang libclang-rt-14-dev).
set -u
cd "$(dirname "$0")/.."
SECONDS_PER_RUN="${1:-60}"
shift || true
CXX="${CXX:-clang++}"
if [ -z "${FUZZ_SIMD:-}" ]; then
  case "$(uname -m)" in
    x86_64|amd64) FUZZ_SIMD="scalar sse2 avx2 avx512" ;;
    aarch64|arm64) FUZZ_SIMD="scalar neon" ;;
    *) FUZZ_SIMD="scalar" ;;
  esac
fi

cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER="$CXX" \
  -DROIOPS_BUILD_FUZZERS=ON -DROIOPS_BUILD_TESTS=OFF >build-fuzz.configure.log 2>&1 \
  || { cat build-fuzz.configure.log; exit 2; }
rm -f build-fuzz.configure.log
cmake --build build-fuzz -j2 --target roiops_fuzz_kernels || exit 2

mkdir -p build-fuzz/corpus build-fuzz/artifacts build-fuzz/logs
failed=0
for simd in $FUZZ_SIMD; do
  log="build-fuzz/logs/fuzz-$simd.log"
  ROI_OPS_SIMD="$simd" ./build-fuzz/roiops_fuzz_kernels -max_total_time="$SECONDS_PER_RUN" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix=build-fuzz/artifacts/ "$@" \
    build-fuzz/corpus native/fuzz/corpus >"$log" 2>&1
  status=$?
  dispatch=$(grep -m1 -o 'dispatch [a-z0-9]*' "$log" | cut -d' ' -f2)
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$')
  echo "ROI_OPS_SIMD=$simd (dispatch ${dispatch:-?}): ${runs:-?} executions in ${SECONDS_PER_RUN}s, exit status $status (log $log)"
  if [ "$status" -ne 0 ]; then
    failed=1
    grep -E 'ERROR|runtime error|roiops fuzz:|SUMMARY|Test unit written' "$log" | head -20
  fi
done
exit $failed
