#!/usr/bin/env bash
# The ONNX tests (test/onnx/) against the oldest onnxruntime-node that roi-ops/onnx supports
# (package.json peerDependencies: >=1.20.0; 1.20.1 is that line's last release), beside the
# devDependency that npm test uses (the newest). The caller passes its own onnxruntime-node
# module to createOnnxPipeline, so any release from 1.20 on must give the same outputs.
#
#   bash scripts/test-onnxruntime-oldest.sh
#
# The package comes from the npm registry, with install scripts off (its CPU binary ships in
# the package; the script only fetches GPU libraries), into a cache outside the repository:
# $ROI_OPS_ORT_CACHE, else ${XDG_CACHE_HOME:-~/.cache}/roi-ops/onnxruntime. Needs dist/ built
# (npm test or npx tsup) and the addon.
set -euo pipefail
cd "$(dirname "$0")/.."
version=1.20.1
cache="${ROI_OPS_ORT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/roi-ops/onnxruntime}"
root="$cache/onnxruntime-node-$version"
entry="$root/node_modules/onnxruntime-node/dist/index.js"
if [[ ! -f $entry ]]; then
  rm -rf "$root" && mkdir -p "$root"
  # A package.json of its own, so npm installs here and not into a parent's node_modules.
  echo '{"private": true}' > "$root/package.json"
  (cd "$root" && npm install --ignore-scripts --no-save --no-audit --no-fund --loglevel=error \
    "onnxruntime-node@$version" >/dev/null)
fi
echo "test-onnxruntime-oldest: onnxruntime-node $version from $root"
# Both backends of roi-ops (the addon and the JavaScript kernels) against that release.
ROI_OPS_TEST_ONNXRUNTIME="$entry" ROI_OPS_TEST_ONNXRUNTIME_VERSION="$version" npx vitest run --project native --project js test/onnx/
