#!/usr/bin/env bash
# The whole vitest suite (every project: native, js, native-scalar/sse2/avx2/avx512) against
# an AddressSanitizer + UndefinedBehaviorSanitizer build of the addon (docs/design.md "Robustness").
#
# Why a scratch tree: node-gyp-build loads <package root>/build/Release/roi_ops.node, so the
# sanitized addon must sit there; building it in this checkout would clobber the normal
# build. Instead the files git knows (tracked, plus untracked ones not ignored, as they are
# in the working tree) are copied to build-sanitize/tree/ (node_modules symlinked), the addon
# is built with `cmake-js compile --CDROIOPS_SANITIZE=ON` (CMakeLists.txt: GCC, -fsanitize=
# address,undefined,float-cast-overflow -fno-sanitize-recover=all on the kernel library, the
# ISA units with their own flags from native/sources.json, and the addon glue) into
# build-sanitize/cmake/ (kept between runs: only what changed is recompiled) and copied to
# the tree's build/Release/, dist/ is built there with tsup, and vitest runs there.
#
# node is not instrumented, so the GCC ASan and UBSan runtimes are preloaded (LD_PRELOAD,
# through scripts/vitest.sanitize.config.ts) into vitest's worker forks, where the tests run;
# the node processes the tests spawn (the CLI, the package-entry and runtime checks) inherit
# it. The vitest main process, which never loads the addon, runs without. The instrumented
# addon cannot load into a process without the ASan runtime first in its library list (ASan
# aborts), so every process that ran the sanitized addon ran it under ASan; the script checks
# that once up front. Any report aborts the process (halt_on_error, abort_on_error, UBSan
# without recovery), which fails its test and so the run.
#
# LeakSanitizer stays on: at the exit of every node process the tests spawn, and, since
# vitest kills its workers (so LSan's check at exit never runs there), after each test file
# in its worker through leakCheck() of native/sanitize/leak_check.cc, a Node-API module of the
# sanitized build only (scripts/sanitize-leak-check.ts). Suppressions, V8's own heap
# bookkeeping only: scripts/lsan.supp. Tools that tests run which are not node (cmake and the
# compiler of test/native/cmake-build.test.ts; python3, which `roi-ops bench` probes for
# torchvision) run without the preload through shims in build-sanitize/bin/: they are not
# code under test, and GCC and CPython free nothing at exit by design, which LSan would report.
#
# Excluded: one test, "keeps every inline function an instruction-set object defines in its
# own namespace" (test/native/source-layout.test.ts): it inspects the objects of the node-gyp
# build (build/Release/obj.target), which the scratch tree does not have (its addon is the
# cmake-js build); it is a static check of object files, not run time, and the normal suite
# runs it.
#
# Takes about 9 minutes here (2 shared cores) for the suite, plus about 3 minutes when the
# sanitized build starts cold (build-sanitize/cmake/ is kept, so later runs recompile only
# what changed).
# Usage: scripts/sanitize.sh [extra vitest arguments, e.g. --project native]
# Needs g++ (its libasan and libubsan: Debian's g++-12 brings both), cmake, ninja or make.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=$root/build-sanitize
tree=$out/tree
jobs=${JOBS:-2}
start=$(date +%s)

# One compiler for the build and the runtimes preloaded: GCC (the default of node-gyp too).
cxx=$(command -v g++)
asan=$(g++ -print-file-name=libasan.so)
ubsan=$(g++ -print-file-name=libubsan.so)
for lib in "$asan" "$ubsan"; do
  [[ -f $lib ]] || { echo "sanitize.sh: g++ has no $(basename "$lib") (install libasan/libubsan for g++)" >&2; exit 2; }
done
preload="$asan $ubsan"

echo "== scratch tree $tree"
rm -rf "$tree"
mkdir -p "$tree" "$out/bin"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  git ls-files -z --cached --others --exclude-standard | grep -zv '^node_modules$' \
    | while IFS= read -r -d '' file; do [[ -e $file ]] && printf '%s\0' "$file"; done \
    | tar --null -T - -cf - | tar -xf - -C "$tree"
else
  # Not a git checkout (an unpacked tarball): everything but what .gitignore lists as built.
  tar -cf - --exclude=./.git --exclude=./node_modules --exclude='./build*' --exclude=./dist --exclude=./prebuilds \
    --exclude=./coverage --exclude=./roi-ops-bench --exclude=./.cli-build.lock . | tar -xf - -C "$tree"
fi
ln -s "$root/node_modules" "$tree/node_modules"

echo "== sanitized addon (cmake-js, ROIOPS_SANITIZE=ON, log $out/cmake.log)"
if ! (cd "$tree" && npx cmake-js compile --out "$out/cmake" --cxx "$cxx" --parallel "$jobs" \
        --CDROIOPS_SANITIZE=ON >"$out/cmake.log" 2>&1); then
  tail -40 "$out/cmake.log"
  exit 2
fi
mkdir -p "$tree/build/Release"
cp "$out/cmake/Release/roi_ops.node" "$tree/build/Release/roi_ops.node"

echo "== dist/ (tsup)"
(cd "$tree" && npx tsup >"$out/tsup.log" 2>&1) || { tail -40 "$out/tsup.log"; exit 2; }

# Shims: the non-node tools tests start, run without the sanitizer runtimes.
for tool in cmake python3; do
  real=$(command -v "$tool" || true)
  [[ -n $real ]] || continue
  printf '#!/bin/sh\n# scripts/sanitize.sh: %s without the ASan/UBSan preload (not code under test).\nunset LD_PRELOAD\nexec %q "$@"\n' \
    "$tool" "$real" >"$out/bin/$tool"
  chmod +x "$out/bin/$tool"
done

export SANITIZE_LEAK_CHECK=$out/cmake/Release/roiops_leak_check.node
export ASAN_OPTIONS="halt_on_error=1:abort_on_error=1:detect_leaks=1:print_summary=1"
export LSAN_OPTIONS="suppressions=$root/scripts/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:abort_on_error=1"

echo "== the sanitized addon needs the preload, and loads with it"
# (In a subshell whose stderr is discarded, so that bash's notice of the abort goes too.)
if (node -e "require('node-gyp-build')('$tree')"; exit $?) >/dev/null 2>&1; then
  echo "sanitize.sh: $tree/build/Release/roi_ops.node loaded without the ASan runtime: not the sanitized build?" >&2
  exit 1
fi
LD_PRELOAD=$preload node -e "
  const b = require('node-gyp-build')('$tree');
  const maps = require('fs').readFileSync('/proc/self/maps', 'utf8');
  if (!/libasan\.so/.test(maps) || !/libubsan\.so/.test(maps)) throw new Error('ASan/UBSan runtime not mapped');
  console.log('addon loaded under ASan+UBSan, dispatch ' + b.simdLevel());
"

echo "== vitest (all projects) under ASan+UBSan, log $out/vitest.log"
built=$(date +%s)
status=0
(cd "$tree" && PATH="$out/bin:$PATH" SANITIZE_PRELOAD=$preload \
  node node_modules/vitest/vitest.mjs run --config scripts/vitest.sanitize.config.ts "$@") 2>&1 \
  | tee "$out/vitest.log" || status=$?
end=$(date +%s)
echo "sanitize.sh: build $((built - start)) s, suite $((end - built)) s, vitest exit status $status"
if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$out/vitest.log"; then
  echo "sanitize.sh: sanitizer reports in $out/vitest.log; the first ones, whole:" >&2
  # Each report from its first line to its SUMMARY line (ASan/LSan), or a UBSan error and the
  # stack after it: a CI log keeps this output, not the scratch tree's log.
  awk '/ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:/ { inside = 1 }
       inside { print; if (++shown >= 300) exit }
       /^SUMMARY: / { inside = 0 }' "$out/vitest.log" >&2
  [[ $status -ne 0 ]] || status=1
fi
exit "$status"
