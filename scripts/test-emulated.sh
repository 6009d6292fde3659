#!/usr/bin/env bash
# What this machine's own CPU cannot show, shown under emulators (x86-64 Linux host):
#   a. the native kernel tests (native/tests/kernel_tests.cc) pass here, on every table the CPU has;
#   b. the arm64 build (the neon table) cross-compiles with Debian's aarch64-linux-gnu-g++ and its
#      kernel tests pass under qemu-aarch64;
#   c. on a CPU without AVX (qemu-x86_64 -cpu Nehalem, which raises SIGILL for any AVX instruction)
#      the dispatcher picks sse2 and the kernel tests pass on the scalar and sse2 tables; on an
#      emulated Haswell it picks avx2;
#   d. the addon of record (build/Release, node-gyp) on the same emulated CPUs: info().simd is
#      'sse2' on Nehalem and 'avx2' on Haswell, and the API suite (test/api) passes on Nehalem.
#      vitest's default forks pool would exec child node processes, which run natively, outside
#      the emulator; scripts/vitest.emulated.config.ts runs the tests in worker threads of the
#      emulated process instead, and ROI_OPS_EXPECT_SIMD=sse2 makes them check that they do.
#
# Installs nothing. Needs cmake, make, g++, aarch64-linux-gnu-g++, qemu-user (Debian packages in
# .ci/run) and a finished `npm ci` (build/Release/roi_ops.node, dist/, node_modules/).
# Build trees go to build-emulated/ (or $ROI_OPS_EMULATED_BUILD_DIR). About 3 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."

readonly aarch64_sysroot=/usr/aarch64-linux-gnu
readonly no_avx_cpu=Nehalem
# Haswell without the features QEMU's TCG does not implement (it warns about each otherwise).
readonly avx2_cpu=Haswell-noTSX,-pcid,-x2apic,-tsc-deadline,-invpcid
readonly build_root=${ROI_OPS_EMULATED_BUILD_DIR:-build-emulated}
readonly jobs=$(nproc)
readonly started=$SECONDS
step_started=$SECONDS

fail() {
  printf '\ntest-emulated: FAILED: %s\n' "$*" >&2
  exit 1
}

step() {
  step_started=$SECONDS
  printf '\n== %s\n' "$*"
}

step_done() { printf -- '-- %ss\n' "$((SECONDS - step_started))"; }

# Runs a command with its output kept aside, shown only if it fails.
quietly() {
  local log
  log=$(mktemp)
  if ! "$@" >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    fail "$*"
  fi
  rm -f "$log"
}

check_prerequisites() {
  [[ $(uname -s) == Linux && $(uname -m) == x86_64 ]] || fail "needs an x86-64 Linux host (it emulates arm64 and older x86-64 CPUs)"
  local missing=() tool
  for tool in cmake make g++ aarch64-linux-gnu-g++ qemu-aarch64 qemu-x86_64 node; do
    command -v "$tool" >/dev/null || missing+=("$tool")
  done
  [[ -e $aarch64_sysroot/lib/ld-linux-aarch64.so.1 ]] || missing+=("the arm64 C library in $aarch64_sysroot")
  if ((${#missing[@]} > 0)); then
    fail "missing: ${missing[*]}.
  On Debian/Ubuntu: apt-get install cmake g++ qemu-user g++-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev-arm64-cross"
  fi
  [[ -f build/Release/roi_ops.node && -f dist/index.js && -f node_modules/vitest/vitest.mjs ]] ||
    fail "build/Release/roi_ops.node, dist/index.js or vitest is missing: run npm ci first"
}

# Runs the kernel tests through the command given and checks their summary line, which must
# report a pass on exactly `tables` (or, with "*", on whatever the CPU has).
run_kernel_tests() {
  local tables=$1 output status=0 summary
  shift
  output=$("$@" 2>&1) || status=$?
  printf '%s\n' "$output" | grep -E '^(dispatch|kernel tests|FAIL)' || true
  ((status == 0)) || fail "kernel tests exited with status $status: $*"
  summary=$(grep '^kernel tests:' <<<"$output" | tail -n 1)
  [[ $summary == *", 0 failed (tables: "* ]] || fail "no passing summary line from: $*"
  [[ $tables == "*" || $summary == *"(tables: $tables)" ]] || fail "expected the tables '$tables': $summary"
}

# Runs node on an emulated CPU, with the addon required and at its default dispatch.
emulated_node() {
  local cpu=$1
  shift
  env -u ROI_OPS_SIMD -u ROI_OPS_FORCE_JS ROI_OPS_REQUIRE_NATIVE=1 qemu-x86_64 -cpu "$cpu" "$node_binary" "$@"
}

emulated_simd() {
  emulated_node "$1" --input-type=module -e "import { info } from './dist/index.js'; console.log(info().simd)"
}

check_prerequisites
# The node binary itself (qemu-user runs ELF files, not the shims of version managers).
node_binary=$(node -p process.execPath)
printf 'test-emulated: %s; %s; %s; %s cores\n' "$(qemu-x86_64 --version | head -n 1)" \
  "$(aarch64-linux-gnu-g++ --version | head -n 1)" "node $(node --version)" "$jobs"

step "a. kernel tests, native x86-64 build"
quietly cmake -S . -B "$build_root/x64" -DCMAKE_BUILD_TYPE=Release -DROIOPS_BUILD_TESTS=ON
quietly cmake --build "$build_root/x64" --target roiops_kernel_tests --parallel "$jobs"
run_kernel_tests "*" env -u ROI_OPS_SIMD "$build_root/x64/roiops_kernel_tests"
step_done

step "b. kernel tests, arm64 cross build (aarch64-linux-gnu-g++) under qemu-aarch64"
quietly cmake -S . -B "$build_root/aarch64" -DCMAKE_BUILD_TYPE=Release -DROIOPS_BUILD_TESTS=ON \
  -DCMAKE_TOOLCHAIN_FILE=scripts/aarch64-linux-gnu.cmake
quietly cmake --build "$build_root/aarch64" --target roiops_kernel_tests --parallel "$jobs"
run_kernel_tests "scalar neon" env -u ROI_OPS_SIMD ROI_OPS_EXPECT_SIMD=neon \
  qemu-aarch64 -L "$aarch64_sysroot" "$build_root/aarch64/roiops_kernel_tests"
step_done

step "c. kernel tests on emulated x86-64 CPUs: $no_avx_cpu (no AVX), Haswell (AVX2, no AVX-512)"
run_kernel_tests "scalar sse2" env -u ROI_OPS_SIMD ROI_OPS_EXPECT_SIMD=sse2 \
  qemu-x86_64 -cpu "$no_avx_cpu" "$build_root/x64/roiops_kernel_tests"
run_kernel_tests "scalar sse2 avx2" env -u ROI_OPS_SIMD ROI_OPS_EXPECT_SIMD=avx2 \
  qemu-x86_64 -cpu "$avx2_cpu" "$build_root/x64/roiops_kernel_tests"
step_done

step "d. the node addon (build/Release) on emulated x86-64 CPUs"
simd=$(emulated_simd "$no_avx_cpu")
printf 'info().simd on %s: %s\n' "$no_avx_cpu" "$simd"
[[ $simd == sse2 ]] || fail "expected info().simd 'sse2' on $no_avx_cpu, got '$simd'"
simd=$(emulated_simd "$avx2_cpu")
printf 'info().simd on Haswell: %s\n' "$simd"
[[ $simd == avx2 ]] || fail "expected info().simd 'avx2' on Haswell, got '$simd'"
ROI_OPS_EXPECT_SIMD=sse2 emulated_node "$no_avx_cpu" node_modules/vitest/vitest.mjs run \
  --config scripts/vitest.emulated.config.ts --project native test/api ||
  fail "the API suite on $no_avx_cpu"
step_done

printf '\ntest-emulated: all passed in %ss\n' "$((SECONDS - started))"
