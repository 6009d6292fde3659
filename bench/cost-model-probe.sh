#!/bin/sh
# Builds and runs bench/cost-model-probe.cc (the measurements of native/kernels/cost_model.h)
# for the widest instruction set this x86-64 CPU has, with the addon's floating-point flags.
# Usage: sh bench/cost-model-probe.sh [quick]   (from the repository root; needs g++; quick: one
# repeat of each measurement, to check that it runs, not for figures)
set -e
if grep -q avx512bw /proc/cpuinfo; then
  isa="-DPROBE_AVX512 -mavx512f -mavx512dq -mavx512bw -mavx512vl -mavx2 -mfma"
elif grep -q avx2 /proc/cpuinfo; then
  isa="-DPROBE_AVX2 -mavx2 -mfma"
else
  isa=""
fi
out="${TMPDIR:-/tmp}/roi-ops-cost-model-probe"
g++ -std=c++17 -O3 -ffp-contract=off -pthread $isa -Inative -Inative/include \
  bench/cost-model-probe.cc native/runtime/threads.cc -o "$out"
"$out" "$@"
