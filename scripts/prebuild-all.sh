#!/usr/bin/env bash
# Every prebuild this machine can make (`npm run prebuildify:all`, docs/design.md "One binary for every Node"), into
# prebuilds/linux-<arch>/ for each architecture of scripts/node-binaries.json (x64, arm64):
#   roi-ops.napi.glibc.node              the pure Node-API build: every Node >= 20.9, future
#                                        majors included (built with the oldest major's headers)
#   roi-ops.node.abi<modules>.glibc.node one per Node major of scripts/node-binaries.json, built
#                                        with that Node's headers and ROI_OPS_NODE_ABI=1 (V8's
#                                        BackingStore); node-gyp-build prefers it on that major
# The headers are those of the official Node packages scripts/node-cache.sh keeps. Each build
# runs node-gyp (not prebuildify, which cannot point each target at its own local headers) in
# its own copy of binding.gyp and native/ in a temporary directory, so ./build is never touched,
# with ROI_OPS_PORTABLE=1 (glibc 2.28, libstdc++ linked in: binding.gyp, native/link/), and is
# stripped. The other architecture is cross-compiled with Debian's <triple>-g++ (arm64:
# g++-aarch64-linux-gnu). Stale files in those directories are removed first.
# Then each file is loaded by the Node it is for (the per-ABI one by its major, the Node-API one
# by every major; arm64 under qemu-aarch64 with the arm64 sysroot, when installed), and a table
# gives its size, compiler warnings and what it loaded on.
#
# The builds of one architecture run side by side, as many at a time as there are cores, each
# with make -j<cores / that>: a single build keeps 2 cores busy only part of the time (gyp's
# configure, the link, the longest translation unit). Measured on this 2-core machine, the
# whole script: 238 s and 243 s with 2 builds at a time (-j1 each), 304 s and 271 s with one at
# a time (-j2).
#
# Usage: bash scripts/prebuild-all.sh     (or npm run prebuildify:all)
#   ROI_OPS_PREBUILD_ARCHS="x64"   only these architectures (default: all of node-binaries.json)
#   ROI_OPS_PREBUILD_PARALLEL=<n>  builds of one architecture side by side (default: the cores)
#   JOBS=<n>                       make jobs per build (default: the cores, shared by those)
#   KEEP_WORK=1                    keep the temporary directory (build logs, unstripped builds)
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
started=$SECONDS
parallel=${ROI_OPS_PREBUILD_PARALLEL:-$(nproc)}
jobs=${JOBS:-$(((($(nproc) + parallel - 1) / parallel)))}
[[ $jobs == max ]] && jobs=$(nproc)

fail() {
  echo "prebuild-all: FAILED: $*" >&2
  exit 1
}
step() { printf '\n== [%3ds] %s\n' $((SECONDS - started)) "$*"; }

[[ $(uname -s) == Linux ]] || fail "builds Linux prebuilds only (this is $(uname -s))"
[[ -d node_modules/node-addon-api ]] || fail "run npm ci first (node-addon-api)"
# node-gyp: npm's own (what `npm install` uses to build from source), unless one is on PATH.
# Under `npm run`, npm_config_node_gyp names it.
node_gyp=${npm_config_node_gyp:-}
if [[ -z $node_gyp ]]; then
  if command -v node-gyp >/dev/null; then
    node_gyp=$(command -v node-gyp)
  else
    node_gyp="$(dirname "$(realpath "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js"
  fi
fi
[[ -f $node_gyp ]] || fail "node-gyp not found (looked for $node_gyp)"

# The table of Node majors: "major modules" lines.
mapfile -t majors < <(node -p 'require("./scripts/node-binaries.json").majors.map((m) => `${m.major} ${m.modules}`).join("\n")')
oldest=${majors[0]%% *}
read -r -a archs <<<"${ROI_OPS_PREBUILD_ARCHS:-$(node -p 'require("./scripts/node-binaries.json").architectures.join(" ")')}"
host_arch=$(node -p process.arch)

triple_of() {
  case $1 in
    x64) echo x86_64-linux-gnu ;;
    arm64) echo aarch64-linux-gnu ;;
    *) fail "no toolchain known for $1" ;;
  esac
}

# Each architecture's toolchain, before anything is built or removed.
for arch in "${archs[@]}"; do
  if [[ $arch != "$host_arch" ]]; then
    triple=$(triple_of "$arch")
    for tool in "$triple-gcc" "$triple-g++" "$triple-ar" "$triple-strip"; do
      command -v "$tool" >/dev/null ||
        fail "$tool is missing: install Debian's g++-$triple and binutils-$triple, or set ROI_OPS_PREBUILD_ARCHS=$host_arch"
    done
  fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/roi-ops-prebuild-all.XXXXXX")
if [[ ${KEEP_WORK:-0} == 1 ]]; then
  trap 'echo "prebuild-all: kept $work"' EXIT
else
  trap 'rm -rf "$work"' EXIT
fi

step "staging binding.gyp, package.json and native/ in $work/src"
src="$work/src"
mkdir -p "$src"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  # What git knows (tracked, and untracked files that are not ignored), as in the working tree.
  git ls-files -z --cached --others --exclude-standard -- binding.gyp package.json native |
    while IFS= read -r -d '' file; do [[ -e $file ]] && printf '%s\0' "$file"; done |
    xargs -0 cp --parents --no-dereference -t "$src"
else
  cp -r binding.gyp package.json native "$src/"
fi
ln -s "$(realpath node_modules)" "$src/node_modules"

# build <arch> <major> <abi 0|1> <output file name>: one node-gyp build in a copy of $src.
build() {
  local arch=$1 major=$2 abi=$3 name=$4
  local dir tree log triple begun=$SECONDS
  dir=$(bash scripts/node-cache.sh dir "$arch" "$major")
  tree="$work/$arch-$name"
  log="$work/$arch-$name.log"
  cp -a "$src" "$tree"
  local toolchain=()
  if [[ $arch != "$host_arch" ]]; then
    triple=$(triple_of "$arch")
    toolchain=(CC="$triple-gcc" CXX="$triple-g++" LINK="$triple-g++" AR="$triple-ar")
  fi
  # ~/.npmrc may set nodedir (here: /usr), and node-gyp takes npm_config_nodedir over
  # --nodedir: set both. No other npm setting may pick the headers or the architecture.
  if ! (cd "$tree" && env -u npm_config_target -u npm_config_arch -u npm_config_runtime -u npm_config_dist_url \
    npm_config_nodedir="$dir" ROI_OPS_NODE_ABI="$abi" ROI_OPS_PORTABLE=1 "${toolchain[@]}" \
    node "$node_gyp" rebuild --arch="$arch" --nodedir="$dir" -j "$jobs") >"$log" 2>&1; then
    tail -40 "$log" >&2
    fail "node-gyp for $arch, Node $major headers, ROI_OPS_NODE_ABI=$abi (log: $log; KEEP_WORK=1 keeps it)"
  fi
  # What the build was made with, from the build's own record.
  node -e '
    const [file, dir, arch] = process.argv.slice(1);
    const { variables } = JSON.parse(require("fs").readFileSync(file, "utf8").replace(/^#.*$/gm, ""));
    if (variables.nodedir !== dir) throw new Error(`built with the headers of ${variables.nodedir}, not ${dir}`);
    if (variables.target_arch !== arch) throw new Error(`built for ${variables.target_arch}, not ${arch}`);
  ' "$tree/build/config.gypi" "$dir" "$arch" || fail "$arch $name: wrong configuration"
  local strip=strip
  [[ $arch != "$host_arch" ]] && strip="$(triple_of "$arch")-strip"
  "$strip" --strip-all -o "prebuilds/linux-$arch/$name" "$tree/build/Release/roi_ops.node"
  grep -c 'warning:' "$log" >"$work/$arch-$name.warnings" || true
  echo "  prebuilds/linux-$arch/$name  ($(stat -c %s "prebuilds/linux-$arch/$name") bytes, $(cat "$work/$arch-$name.warnings") compiler warnings, $((SECONDS - begun)) s)"
}

# Waits for one build started in the background; stops everything if it failed.
wait_one() {
  local status=0
  wait -n || status=$?
  if ((status != 0)); then
    kill $(jobs -rp) 2>/dev/null || true
    wait || true
    fail "a build failed (above)"
  fi
}

files=()
for arch in "${archs[@]}"; do
  specs=("$oldest 0 roi-ops.napi.glibc.node")
  for entry in "${majors[@]}"; do
    read -r major modules <<<"$entry"
    # The Node packages are installed here, before any build, so that builds side by side
    # never install the same package at once.
    header_modules=$(sed -n 's/^#define NODE_MODULE_VERSION \([0-9][0-9]*\)$/\1/p' \
      "$(bash scripts/node-cache.sh dir "$arch" "$major")/include/node/node_version.h")
    [[ $header_modules == "$modules" ]] ||
      fail "scripts/node-binaries.json says Node $major is NODE_MODULE_VERSION $modules, its headers say $header_modules"
    bash scripts/node-cache.sh node "$arch" "$major" >/dev/null
    specs+=("$major 1 roi-ops.node.abi$modules.glibc.node")
  done
  step "linux-$arch: clearing prebuilds/linux-$arch/, then ${#specs[@]} builds ($parallel at a time, -j$jobs each)"
  rm -rf "prebuilds/linux-$arch"
  mkdir -p "prebuilds/linux-$arch"
  for spec in "${specs[@]}"; do
    read -r major abi name <<<"$spec"
    while (($(jobs -rp | wc -l) >= parallel)); do wait_one; done
    build "$arch" "$major" "$abi" "$name" &
    files+=("linux-$arch/$name")
  done
  while (($(jobs -rp | wc -l) > 0)); do wait_one; done
done

step "loading each prebuild on the Node it is for"
# Prints the build the addon says it is, or the error it failed with.
probe='try { const b = require(process.argv[1]); console.log(b.addonBuild ? b.addonBuild() : "loaded") } catch (e) { console.log("ERROR " + e.message.split("\n")[0]); process.exitCode = 1 }'
sysroot=/usr/aarch64-linux-gnu
load_failures=0
declare -A loaded_on
for file in "${files[@]}"; do
  arch=${file%%/*}
  arch=${arch#linux-}
  runner=()
  if [[ $arch != "$host_arch" ]]; then
    if [[ $arch == arm64 ]] && command -v qemu-aarch64 >/dev/null && [[ -e $sysroot/lib/ld-linux-aarch64.so.1 ]]; then
      runner=(qemu-aarch64 -L "$sysroot")
    else
      loaded_on[$file]="not run (no emulator for $arch)"
      continue
    fi
  fi
  name=${file#*/}
  want_modules=""
  [[ $name =~ \.abi([0-9]+)\. ]] && want_modules=${BASH_REMATCH[1]}
  results=()
  for entry in "${majors[@]}"; do
    read -r major modules <<<"$entry"
    [[ -n $want_modules && $modules != "$want_modules" ]] && continue
    expected=node-api
    [[ -n $want_modules ]] && expected="node-abi-$modules"
    node_bin=$(bash scripts/node-cache.sh node "$arch" "$major")
    got=$("${runner[@]}" "$node_bin" -e "$probe" "$repo/prebuilds/$file" 2>&1 | tail -n 1) || true
    if [[ $got == "$expected" ]]; then
      results+=("$major")
    else
      results+=("$major:FAILED")
      echo "prebuilds/$file on Node $major ($arch): expected $expected, got: $got" >&2
      load_failures=$((load_failures + 1))
    fi
  done
  loaded_on[$file]="Node ${results[*]}"
done

step "prebuilds/ ($((SECONDS - started)) s)"
printf '%-44s %9s %8s  %s\n' file bytes warnings "loads on"
for file in "${files[@]}"; do
  arch=${file%%/*}
  printf '%-44s %9s %8s  %s\n' "$file" "$(stat -c %s "prebuilds/$file")" \
    "$(cat "$work/${arch#linux-}-${file#*/}.warnings")" "${loaded_on[$file]}"
done
((load_failures == 0)) || fail "$load_failures load(s) failed (above)"
