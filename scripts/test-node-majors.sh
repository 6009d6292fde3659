#!/usr/bin/env bash
# The package on every Node major it has prebuilds for (scripts/node-binaries.json), with the
# official Node binaries of scripts/node-cache.sh:
#   x64:   on each major, the suites of scripts/vitest.node-majors.config.ts (loader, prebuild
#          selection, every golden vector sync and async, abort, workers, buffers transferred
#          mid-call, info), once against that major's per-ABI build and once against the Node-API
#          build, each named by ROI_OPS_ADDON_PATH; then the packed tarball installed into an
#          empty project by that major's node running npm, with no compiler on PATH: the install
#          compiles nothing, and require() and import load that major's per-ABI prebuild and
#          compute what the JavaScript backend computes;
#   arm64: the tarball installed into an empty project; under qemu-aarch64 with the arm64
#          sysroot, each arm64 Node loads the prebuild node-gyp-build picks from the installed
#          package (info(): native, neon, that major's per-ABI build) and computes; on Node 22
#          (scripts/node-binaries.json "arm64Golden"), the golden vectors of every operator, sync
#          and async, pass against the installed per-ABI build and the installed Node-API build.
# Needs `npm ci`, `npm run prebuildify:all` (prebuilds/linux-x64 and prebuilds/linux-arm64) and,
# for arm64, qemu-user and libc6-dev-arm64-cross (Debian packages in .ci/run).
#   bash scripts/test-node-majors.sh [x64|arm64]   (default: both)
set -euo pipefail
cd "$(dirname "$0")/.."

readonly aarch64_sysroot=/usr/aarch64-linux-gnu
readonly started=$SECONDS
majors=$(node -p 'require("./scripts/node-binaries.json").majors.map((m) => m.major).join(" ")')
arm64_golden=$(node -p 'require("./scripts/node-binaries.json").arm64Golden')
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

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
step "the package tarball"
npm pack --silent --pack-destination "$work" >/dev/null
tarball=$(ls "$work"/roi-ops-*.tgz)
echo "$(basename "$tarball"): $(du -k "$tarball" | cut -f1) KiB"

# The environment of a user's shell: no npm_config_* a calling npm run would pass down, no
# ROI_OPS_* setting.
clean_env=(env -u npm_config_build_from_source -u npm_config_argv -u npm_config_nodedir)
while IFS='=' read -r name _; do
  case $name in npm_config_* | npm_lifecycle_* | npm_package_* | ROI_OPS_*) clean_env+=(-u "$name") ;; esac
done < <(env)

# Checks probe reports (JSON arguments) against the prebuild they must have loaded and the
# JavaScript backend's values.
check_probes() { # file build js-report report...
  node - "$@" <<'EOF'
const [file, build, js, ...reports] = process.argv.slice(2);
const expected = JSON.parse(js);
if (expected.info.native !== false) throw new Error('ROI_OPS_FORCE_JS=1 did not select the JavaScript backend');
for (const text of reports) {
  const { arch, info, values, same } = JSON.parse(text);
  const problems = [];
  if (info.native !== true) problems.push(`not on the addon: ${JSON.stringify(info)}`);
  if (info.addon?.path !== file) problems.push(`loaded ${info.addon?.path}, not ${file}`);
  if (info.addon?.build !== build) problems.push(`build ${info.addon?.build}, not ${build}`);
  if (!same) problems.push('roiAlign and roiAlignSync differ');
  const worst = Math.max(...values.map((v, i) => Math.abs(v - expected.values[i])));
  if (!(worst <= 1e-5)) problems.push(`differs from the JavaScript backend by ${worst}`);
  if (problems.length > 0) throw new Error(problems.join('; '));
  console.log(`${arch}: ${info.addon.build} (${info.simd}), roiAlign ${values.map((v) => v.toFixed(4)).join(' ')}`);
}
EOF
}

if [[ $which == all || $which == x64 ]]; then
  for major in $majors; do
    node_bin=$(bash scripts/node-cache.sh node x64 "$major")
    modules=$(node -p "require('./scripts/node-binaries.json').majors.find((m) => m.major === $major).modules")
    step "x64, Node $("$node_bin" --version): per-ABI and Node-API builds (scripts/vitest.node-majors.config.ts)"
    # The vitest processes are forks of this node (process.execPath), so every test runs on it.
    "$node_bin" node_modules/vitest/vitest.mjs run --config scripts/vitest.node-majors.config.ts ||
      fail "the suites on Node $major (x64)"

    step "x64, Node $major: the tarball installed by this node's npm, no compiler on PATH"
    bin="$work/bin-$major"
    mkdir -p "$bin"
    ln -s "$node_bin" "$bin/node"
    ln -s "$(realpath "$(command -v npm)")" "$bin/npm" # npm starts with `env node`: this Node runs it
    ln -s "$(command -v sh)" "$bin/sh"                  # npm runs lifecycle scripts with sh -c
    for tool in cc gcc g++ c++ clang make python3; do
      if PATH="$bin" command -v "$tool" >/dev/null 2>&1; then fail "$tool is on the restricted PATH"; fi
    done
    consumer="$work/consumer-x64-$major"
    mkdir -p "$consumer"
    printf '{ "name": "roi-ops-consumer", "version": "1.0.0", "private": true }\n' >"$consumer/package.json"
    as_user() { (cd "$consumer" && "${clean_env[@]}" PATH="$bin" "$@"); }
    as_user npm install --prefer-offline --no-audit --no-fund --loglevel=error "$tarball" ||
      fail "npm install of the tarball on Node $major"
    installed="$consumer/node_modules/roi-ops"
    [[ ! -e $installed/build ]] || fail "the install on Node $major compiled the addon (node_modules/roi-ops/build exists)"
    cp scripts/package-probe.mjs "$consumer/" # so that it resolves the installed roi-ops
    cjs=$(as_user ROI_OPS_REQUIRE_NATIVE=1 node package-probe.mjs require)
    esm=$(as_user ROI_OPS_REQUIRE_NATIVE=1 node package-probe.mjs import)
    js=$(as_user ROI_OPS_FORCE_JS=1 node package-probe.mjs import)
    check_probes "$installed/prebuilds/linux-x64/roi-ops.node.abi$modules.glibc.node" "node-abi-$modules" "$js" "$cjs" "$esm" ||
      fail "the installed package on Node $major"
  done
fi

if [[ $which == all || $which == arm64 ]]; then
  for tool in qemu-aarch64; do command -v "$tool" >/dev/null || fail "$tool is missing (Debian: qemu-user)"; done
  [[ -e $aarch64_sysroot/lib/ld-linux-aarch64.so.1 ]] || fail "no arm64 C library in $aarch64_sysroot (Debian: libc6-dev-arm64-cross)"
  arm64_modules=$(bash scripts/node-cache.sh arm64-test-modules)
  step "arm64: the package tarball, installed into an empty project"
  consumer="$work/consumer-arm64"
  mkdir -p "$consumer"
  printf '{ "name": "roi-ops-arm64-consumer", "version": "1.0.0", "private": true }\n' >"$consumer/package.json"
  # The install itself runs on this (x64) machine: no script, so nothing is compiled or
  # picked here; what arm64 Node loads is decided at run time, as after any install.
  (cd "$consumer" && npm install --prefer-offline --no-audit --no-fund --ignore-scripts --loglevel=error "$tarball")
  installed="$consumer/node_modules/roi-ops"
  cp scripts/package-probe.mjs "$consumer/" # so that it resolves the installed roi-ops
  echo "installed $(basename "$tarball"): $(ls "$installed/prebuilds/linux-arm64" | tr '\n' ' ')"

  for major in $majors; do
    node_bin=$(bash scripts/node-cache.sh node arm64 "$major")
    modules=$(node -p "require('./scripts/node-binaries.json').majors.find((m) => m.major === $major).modules")
    # This arm64 node under qemu, in a user's environment plus the NAME=value settings given first.
    arm64_node() {
      local settings=()
      while [[ ${1:-} == *=* ]]; do settings+=("$1") && shift; done
      "${clean_env[@]}" "${settings[@]}" qemu-aarch64 -L "$aarch64_sysroot" "$node_bin" "$@"
    }
    step "arm64, Node $(arm64_node --version) under qemu-aarch64: the installed package loads its per-ABI prebuild"
    report=$(cd "$consumer" && arm64_node ROI_OPS_REQUIRE_NATIVE=1 package-probe.mjs require)
    js=$(cd "$consumer" && arm64_node ROI_OPS_FORCE_JS=1 package-probe.mjs require)
    node -e 'const r = JSON.parse(process.argv[1]); if (r.arch !== "arm64" || r.info.simd !== "neon") throw new Error(`arch ${r.arch}, simd ${r.info.simd}`)' "$report" ||
      fail "arm64 Node $major is not on the neon path"
    check_probes "$installed/prebuilds/linux-arm64/roi-ops.node.abi$modules.glibc.node" "node-abi-$modules" "$js" "$report" ||
      fail "the installed package on arm64 Node $major"
    [[ $major == "$arm64_golden" ]] || continue
    for build in "roi-ops.node.abi$modules.glibc.node node-abi-$modules" "roi-ops.napi.glibc.node node-api"; do
      read -r file name <<<"$build"
      step "arm64, Node $major under qemu-aarch64: every golden vector, sync and async, on the installed $name build"
      # Worker threads of the emulated process (the default forks would run natively), with
      # vitest's arm64 bindings (NODE_PATH: scripts/node-cache.sh arm64-test-modules).
      NODE_PATH="$arm64_modules" ROI_OPS_REQUIRE_NATIVE=1 ROI_OPS_EXPECT_BACKEND=native ROI_OPS_EXPECT_SIMD=neon \
        ROI_OPS_EXPECT_ADDON_BUILD="$name" ROI_OPS_ADDON_PATH="$installed/prebuilds/linux-arm64/$file" \
        qemu-aarch64 -L "$aarch64_sysroot" "$node_bin" node_modules/vitest/vitest.mjs run \
        --config scripts/vitest.emulated.config.ts --project native \
        test/api/golden-parity.test.ts test/api/golden-operators.test.ts ||
        fail "golden vectors on arm64 Node $major, $name build"
    done
  done
fi

printf '\ntest-node-majors: passed in %ss\n' "$((SECONDS - started))"
