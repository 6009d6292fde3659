#!/usr/bin/env bash
# The prebuilds on every Node major they are for (scripts/node-binaries.json), with the official
# Node binaries of scripts/node-cache.sh:
#   x64:   on each major, the suites of scripts/vitest.node-majors.config.ts (loader, prebuild
#          selection, every golden vector sync and async, abort, workers, buffers transferred
#          mid-call, info), once against that major's per-ABI build and once against the Node-API
#          build, each named by ROI_OPS_ADDON_PATH;
#   arm64: the package tarball installed into an empty project; under qemu-aarch64 with the
#          arm64 sysroot, each arm64 Node loads the prebuild node-gyp-build picks from the
#          installed package (info(): native, neon, that major's per-ABI build), and the golden
#          vectors of every operator, sync and async, pass against that installed per-ABI
#          build and the installed Node-API build.
# Needs `npm ci`, `npm run prebuildify:all` (prebuilds/linux-x64 and prebuilds/linux-arm64) and,
# for arm64, qemu-user and libc6-dev-arm64-cross (Debian packages in .ci/run).
#   bash scripts/test-node-majors.sh [x64|arm64]   (default: both)
set -euo pipefail
cd "$(dirname "$0")/.."

readonly aarch64_sysroot=/usr/aarch64-linux-gnu
readonly started=$SECONDS
majors=$(node -p 'require("./scripts/node-binaries.json").majors.map((m) => m.major).join(" ")')
which=${1:-all}

fail() {
  printf '\ntest-node-majors: FAILED: %s\n' "$*" >&2
  exit 1
}

step() { printf '\n== %s\n' "$*"; }

for arch in x64 arm64; do
  [[ $which == all || $which == "$arch" ]] || continue
  for file in roi-ops.napi.glibc.node $(node -p 'require("./scripts/node-binaries.json").majors.map((m) => `roi-ops.node.abi${m.modules}.glibc.node`).join(" ")'); do
    [[ -f prebuilds/linux-$arch/$file ]] || fail "prebuilds/linux-$arch/$file is missing: run npm run prebuildify:all first"
  done
done
[[ -f dist/index.js && -f node_modules/vitest/vitest.mjs ]] || fail "dist/ or vitest is missing: run npm ci first"

if [[ $which == all || $which == x64 ]]; then
  for major in $majors; do
    node_bin=$(bash scripts/node-cache.sh node x64 "$major")
    step "x64, Node $("$node_bin" --version): per-ABI and Node-API builds (scripts/vitest.node-majors.config.ts)"
    # The vitest processes are forks of this node (process.execPath), so every test runs on it.
    "$node_bin" node_modules/vitest/vitest.mjs run --config scripts/vitest.node-majors.config.ts ||
      fail "the suites on Node $major (x64)"
  done
fi

if [[ $which == all || $which == arm64 ]]; then
  for tool in qemu-aarch64; do command -v "$tool" >/dev/null || fail "$tool is missing (Debian: qemu-user)"; done
  [[ -e $aarch64_sysroot/lib/ld-linux-aarch64.so.1 ]] || fail "no arm64 C library in $aarch64_sysroot (Debian: libc6-dev-arm64-cross)"
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  step "arm64: the package tarball, installed into an empty project"
  npm pack --silent --pack-destination "$work" >/dev/null
  tarball=$(ls "$work"/roi-ops-*.tgz)
  consumer="$work/consumer"
  mkdir -p "$consumer"
  printf '{ "name": "roi-ops-arm64-consumer", "version": "1.0.0", "private": true }\n' >"$consumer/package.json"
  # The install itself runs on this (x64) machine: no script, so nothing is compiled or
  # picked here; what arm64 Node loads is decided at run time, as after any install.
  (cd "$consumer" && npm install --prefer-offline --no-audit --no-fund --ignore-scripts --loglevel=error "$tarball")
  installed="$consumer/node_modules/roi-ops"
  echo "installed $(basename "$tarball"): $(ls "$installed/prebuilds/linux-arm64" | tr '\n' ' ')"

  for major in $majors; do
    node_bin=$(bash scripts/node-cache.sh node arm64 "$major")
    modules=$(node -p "require('./scripts/node-binaries.json').majors.find((m) => m.major === $major).modules")
    arm64_node() { env -u ROI_OPS_SIMD -u ROI_OPS_FORCE_JS -u ROI_OPS_ADDON_PATH qemu-aarch64 -L "$aarch64_sysroot" "$node_bin" "$@"; }
    step "arm64, Node $(arm64_node --version) under qemu-aarch64: the installed package loads its per-ABI prebuild"
    report=$(cd "$consumer" && ROI_OPS_REQUIRE_NATIVE=1 arm64_node -e '
      const roi = require("roi-ops");
      const input = { data: Float32Array.from({ length: 72 }, (_, i) => (i * 7) % 11), shape: [1, 2, 6, 6] };
      const boxes = { data: new Float32Array([0, 0.5, 1, 4.5, 5, 0, 2, 0, 5, 3.5]), shape: [2, 5] };
      roi.roiAlign(input, boxes, { outputSize: 2, samplingRatio: 2, aligned: true }).then((y) =>
        console.log(JSON.stringify({ arch: process.arch, info: roi.info(), values: Array.from(y.data) })));')
    echo "$report"
    node - "$report" "$installed/prebuilds/linux-arm64/roi-ops.node.abi$modules.glibc.node" "node-abi-$modules" <<'EOF'
const [report, file, build] = process.argv.slice(2);
const { arch, info } = JSON.parse(report);
const problems = [];
if (arch !== 'arm64') problems.push(`process.arch is ${arch}`);
if (info.native !== true || info.simd !== 'neon') problems.push(`info() says native ${info.native}, simd ${info.simd}`);
if (info.addon?.path !== file) problems.push(`loaded ${info.addon?.path}, not ${file}`);
if (info.addon?.build !== build) problems.push(`build ${info.addon?.build}, not ${build}`);
if (problems.length > 0) throw new Error(problems.join('; '));
EOF
    for build in "roi-ops.node.abi$modules.glibc.node node-abi-$modules" "roi-ops.napi.glibc.node node-api"; do
      read -r file name <<<"$build"
      step "arm64, Node $major under qemu-aarch64: every golden vector, sync and async, on the installed $name build"
      # Worker threads of the emulated process (the default forks would run natively).
      ROI_OPS_REQUIRE_NATIVE=1 ROI_OPS_EXPECT_BACKEND=native ROI_OPS_EXPECT_SIMD=neon \
        ROI_OPS_EXPECT_ADDON_BUILD="$name" ROI_OPS_ADDON_PATH="$installed/prebuilds/linux-arm64/$file" \
        qemu-aarch64 -L "$aarch64_sysroot" "$node_bin" node_modules/vitest/vitest.mjs run \
        --config scripts/vitest.emulated.config.ts --project native \
        test/api/golden-parity.test.ts test/api/golden-operators.test.ts ||
        fail "golden vectors on arm64 Node $major, $name build"
    done
  done
fi

printf '\ntest-node-majors: passed in %ss\n' "$((SECONDS - started))"
