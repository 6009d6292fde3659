#!/usr/bin/env bash
# The package as users get it (docs/releasing.md "What the tarball holds"). In a copy of the source tree (so the
# checkout's build/ and dist/ are left alone):
#   1. scripts/prebuild-all.sh (npm run prebuildify:all) makes every prebuild this machine can:
#      linux-x64 and linux-arm64, the Node-API build and one per-ABI build per Node major of
#      scripts/node-binaries.json. Each file is checked (readelf): its ELF machine is its
#      folder's; it needs no glibc newer than 2.28 (Node's own floor), no libstdc++ (no
#      GLIBCXX_ or CXXABI_ version, no libstdc++.so.6), no libgcc_s version newer than the
#      official Node binaries need themselves; a Node-API file references nothing of Node but
#      Node-API (napi_*, node_api_*); a table shows each. node-gyp-build resolves to this
#      Node's per-ABI file;
#   2. `npm run prepare` (tsup) builds dist/, `npm pack` makes the tarball, whose contents are
#      checked: both architectures' prebuilds, dist/, every source a fallback build needs, and
#      nothing else (no build/ intermediates, no test/ or bench/ path);
#   3. `publint --strict` and `attw` (every resolution mode, every rule) on that tarball;
#   4. an empty project installs the tarball with a PATH that holds node, npm, npx and sh only
#      (no compiler, make or python), so the install succeeds only by loading the prebuild;
#      there `require` and `import` compute a small roiAlign on the addon (ROI_OPS_REQUIRE_NATIVE=1,
#      the same numbers as the JavaScript backend), TypeScript consumers (nodenext ESM and
#      CommonJS) type-check against the installed declarations, and `npx roi-ops info`, `demo`,
#      `explain --example article` and a one-workload `bench` run from the installed files;
#      `onnx inspect` plans a test model, and `onnx bench` names the missing onnxruntime-node;
#   5. an install with --ignore-scripts loads the prebuild too.
# Usage: bash scripts/check-package.sh [--prebuilt]   (KEEP_WORK=1 keeps the temporary directory)
#   --prebuilt: check the prebuilds already in ./prebuilds (`npm run prebuildify:all` of this
#   tree, as .ci/run does before it, so that scripts/test-node-majors.sh tests the same files)
#   instead of building them again in the copy.
set -euo pipefail
prebuilt=0
case ${1:-} in
  --prebuilt) prebuilt=1 ;;
  '') ;;
  *) echo "usage: bash scripts/check-package.sh [--prebuilt]" >&2 && exit 2 ;;
esac

repo=$(cd "$(dirname "$0")/.." && pwd)
start=$SECONDS
work=$(mktemp -d "${TMPDIR:-/tmp}/roi-ops-check-package.XXXXXX")
if [[ ${KEEP_WORK:-0} == 1 ]]; then
  trap 'echo "check-package: kept $work"' EXIT
else
  trap 'rm -rf "$work"' EXIT
fi

step() { printf '\n== [%3ds] %s\n' $((SECONDS - start)) "$*"; }
fail() {
  echo "check-package: FAILED: $*" >&2
  exit 1
}

node_modules=$(realpath "$repo/node_modules")
[[ -d $node_modules/publint && -d $node_modules/@arethetypeswrong/cli ]] ||
  fail "run npm ci first: publint and @arethetypeswrong/cli must be installed"
command -v readelf >/dev/null || fail "needs readelf (Debian: binutils)"
tsc="$node_modules/typescript/bin/tsc"

step "staging the source tree (tracked and untracked-but-not-ignored files) in $work/pkg"
pkg="$work/pkg"
mkdir -p "$pkg"
if git -C "$repo" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  (
    cd "$repo"
    git ls-files -z --cached --others --exclude-standard -- . ':!node_modules' |
      while IFS= read -r -d '' file; do [[ -e $file ]] && printf '%s\0' "$file"; done |
      xargs -0 cp --parents --no-dereference -t "$pkg"
  )
else # not a git checkout: everything but dependencies and build output
  tar -C "$repo" --exclude=./node_modules --exclude=./build --exclude='./build-*' --exclude=./dist \
    --exclude=./prebuilds --exclude=./coverage -cf - . | tar -C "$pkg" -xf -
fi
ln -s "$node_modules" "$pkg/node_modules"

if ((prebuilt)); then
  step "the prebuilds of ./prebuilds (--prebuilt: made by npm run prebuildify:all)"
  [[ -d $repo/prebuilds ]] || fail "--prebuilt: $repo/prebuilds does not exist (run npm run prebuildify:all)"
  cp -R "$repo/prebuilds" "$pkg/prebuilds"
  ls -l "$pkg"/prebuilds/*/
else
  step "scripts/prebuild-all.sh (every prebuild this machine makes)"
  (cd "$pkg" && bash scripts/prebuild-all.sh)
fi

step "each prebuild: ELF machine, glibc and libgcc_s versions, libraries, Node symbols (readelf)"
# The floors. GLIBC_2.28: the glibc the official Node binaries need (RHEL 8, Debian 10, Ubuntu
# 20.04). GCC_4.2.0: the newest libgcc_s version those binaries need themselves (readelf -V of
# node 20 to 26, x64 and arm64), so every system that runs Node has it. Libraries: glibc's and
# libgcc_s only; libstdc++ is linked in (binding.gyp, roiops_portable).
readonly glibc_floor=GLIBC_2.28 gcc_floor=GCC_4.2.0
allowed_needed=' libc.so.6 libm.so.6 libgcc_s.so.1 libpthread.so.0 libdl.so.2 librt.so.1 ld-linux-x86-64.so.2 ld-linux-aarch64.so.1 '
newer() { [[ $(printf '%s\n%s\n' "$1" "$2" | sort -V | tail -n 1) == "$1" && $1 != "$2" ]]; } # is $1 newer than $2
problems=()
shopt -s nullglob
prebuilt=("$pkg"/prebuilds/*/*.node)
shopt -u nullglob
((${#prebuilt[@]} > 0)) || fail "prebuild-all.sh wrote no prebuild"
printf '%-52s %9s  %-11s %-10s %-10s %s\n' file bytes "max GLIBC" "max GCC" "node syms" "weak refs"
declare -A weak_names=()
for file in "${prebuilt[@]}"; do
  rel=${file#"$pkg/"}
  folder=$(basename "$(dirname "$file")")
  name=$(basename "$file")
  case $folder in
    linux-x64) machine="Advanced Micro Devices X86-64" ;;
    linux-arm64) machine=AArch64 ;;
    *) problems+=("$rel: prebuild-all.sh makes no $folder") && continue ;;
  esac
  got=$(readelf -h "$file" | sed -n 's/^ *Machine: *//p')
  [[ $got == "$machine" ]] || problems+=("$rel: ELF machine $got, not $machine")
  readelf -S -W "$file" | grep -q ' \.symtab ' && problems+=("$rel: not stripped")
  versions=$(readelf -V -W "$file" | grep -o 'Name: [A-Z]*_[0-9][0-9.]*' | cut -d' ' -f2 | sort -uV)
  max_glibc=$(grep '^GLIBC_' <<<"$versions" | tail -n 1 || true)
  max_gcc=$(grep '^GCC_' <<<"$versions" | tail -n 1 || true)
  [[ -n $max_glibc ]] && newer "$max_glibc" "$glibc_floor" &&
    problems+=("$rel: needs $max_glibc ($(readelf -W --dyn-syms "$file" | grep -o "[^ ]*@$max_glibc" | tr '\n' ' '))")
  [[ -n $max_gcc ]] && newer "$max_gcc" "$gcc_floor" && problems+=("$rel: needs $max_gcc of libgcc_s, newer than $gcc_floor")
  cxx=$(grep -E '^(GLIBCXX|CXXABI)_' <<<"$versions" | tr '\n' ' ' || true)
  [[ -z $cxx ]] || problems+=("$rel: needs the system libstdc++ ($cxx)")
  for lib in $(readelf -d "$file" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
    [[ $allowed_needed == *" $lib "* ]] || problems+=("$rel: links $lib")
  done
  # Undefined dynamic symbols: versioned ones come from glibc or libgcc_s; napi_* and
  # node_api_* are Node-API; weak references to the toolchain's optional hooks (_ITM_*: GCC's
  # transactional memory; _ZGTt*: libstdc++'s transaction-safe operator new/delete; gprof's
  # __gmon_start__; __cxa_pure_virtual) never stop a load and are never called here. Anything
  # else is Node's own API beneath Node-API (V8, node::), which ties a binary to one Node ABI.
  node_syms=() weak=()
  while read -r bind sym; do
    if [[ $sym == *@* || $sym == napi_* || $sym == node_api_* ]]; then continue
    elif [[ $bind == WEAK && $sym =~ ^(_ITM_|_ZGTt|__gmon_start__$|__cxa_pure_virtual$) ]]; then weak+=("$sym")
    else node_syms+=("$sym"); fi
  done < <(readelf -W --dyn-syms "$file" | awk '$7 == "UND" && $8 != "" { print $5, $8 }')
  case $name in
    roi-ops.napi.glibc.node)
      ((${#node_syms[@]} == 0)) || problems+=("$rel: the Node-API build references ${node_syms[*]}") ;;
    roi-ops.node.abi*.glibc.node) ;;
    *) problems+=("$rel: not a name prebuild-all.sh writes") ;;
  esac
  printf '%-52s %9s  %-11s %-10s %-10s %s\n' "$rel" "$(stat -c %s "$file")" "${max_glibc:-none}" "${max_gcc:-none}" \
    "${#node_syms[@]}" "${#weak[@]}"
  for sym in "${weak[@]}"; do weak_names[$sym]=1; done
done
echo "node syms: undefined symbols of Node beneath Node-API (V8, node::); weak refs: $(printf '%s\n' "${!weak_names[@]}" | sort | tr '\n' ' ')"
if ((${#problems[@]} > 0)); then
  printf '  %s\n' "${problems[@]}" >&2
  fail "${#problems[@]} problem(s) with the prebuilds (above)"
fi
echo "every prebuild: its folder's machine, <= $glibc_floor, <= $gcc_floor, no libstdc++, stripped; Node-API files: Node-API only"

# node-gyp-build looks in build/Release first, then prebuilds/: the copy has no build/, and on
# a Node major of scripts/node-binaries.json it prefers that major's per-ABI file over the
# Node-API one.
resolved=$(cd "$pkg" && node -p "require('node-gyp-build').resolve('.')")
platform=$(node -p 'process.platform + "-" + process.arch')
expected=$(cd "$pkg" && node -p '
  const m = require("./scripts/node-binaries.json").majors.find((e) => String(e.modules) === process.versions.modules);
  m ? `roi-ops.node.abi${m.modules}.glibc.node` : "roi-ops.napi.glibc.node"')
prebuild="$pkg/prebuilds/$platform/$expected"
prebuild_rel=${prebuild#"$pkg/"}
[[ $resolved == "$prebuild" ]] || fail "node-gyp-build resolves $resolved, not $prebuild_rel"
echo "node-gyp-build resolves (Node $(node --version)): $prebuild_rel"

step "npm run prepare (tsup), npm pack"
(cd "$pkg" && npm run --silent prepare >"$work/tsup.log" 2>&1) || { cat "$work/tsup.log"; fail "tsup"; }
(cd "$pkg" && npm pack --ignore-scripts --json --pack-destination "$work" >"$work/pack.json")
tarball="$work/$(node -p "require(process.argv[1])[0].filename" "$work/pack.json")"
[[ -f $tarball ]] || fail "npm pack wrote no tarball"

step "tarball contents"
node - "$work/pack.json" "$pkg" <<'EOF'
const { readFileSync, existsSync } = require('node:fs');
const { join } = require('node:path');
const [packJson, pkg] = process.argv.slice(2);
const { filename, size, unpackedSize, files } = JSON.parse(readFileSync(packJson, 'utf8'))[0];
const paths = new Set(files.map((f) => f.path));
const problems = [];
const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8'));
const sources = JSON.parse(readFileSync(join(pkg, 'native/sources.json'), 'utf8'));
// Every prebuild scripts/prebuild-all.sh makes: per architecture, the Node-API build and one
// per-ABI build per Node major.
const nodes = JSON.parse(readFileSync(join(pkg, 'scripts/node-binaries.json'), 'utf8'));
const prebuilds = nodes.architectures.flatMap((arch) => [
  `prebuilds/linux-${arch}/roi-ops.napi.glibc.node`,
  ...nodes.majors.map((m) => `prebuilds/linux-${arch}/roi-ops.node.abi${m.modules}.glibc.node`),
]);

// What must be there: the entry points of package.json, the prebuild, and what a build from
// source needs (binding.gyp, the source list, every source it names, the headers they include).
const entry = manifest.exports['.'];
const required = [
  'package.json', 'README.md', 'binding.gyp', 'native/sources.json', ...prebuilds,
  entry.import.types, entry.import.default, entry.require.types, entry.require.default,
  ...Object.values(manifest.bin),
  ...sources.core, ...sources.addon, ...sources.link_linux, ...Object.values(sources.isa).flatMap((isa) => isa.sources),
  'native/link/exports.map', 'native/link/portable.cjs',
].map((p) => p.replace(/^\.\//, ''));
for (const path of required) if (!paths.has(path)) problems.push(`missing ${path}`);
for (const dir of ['native/include/roiops/', 'native/kernels/', 'native/simd/', 'native/runtime/', 'native/addon/']) {
  const shipped = [...paths].filter((p) => p.startsWith(dir)).length;
  if (shipped === 0) problems.push(`no file of ${dir} (a source build needs its headers)`);
}

// What must not: build output other than the prebuild, tests, the benchmark's sources (what
// `roi-ops bench` runs is built into dist/bench/), the TypeScript sources, repository plumbing.
for (const path of paths) {
  if (path.startsWith('build/')) problems.push(`build intermediate ${path}`);
  else if (/\.(o|a|obj|lib|so|dylib|dll|exp|pdb|tlog)$/.test(path)) problems.push(`object file ${path}`);
  else if (path.endsWith('.node') && !path.startsWith('prebuilds/')) problems.push(`stray addon ${path}`);
  else if (/^prebuilds\/linux-(x64|arm64)\//.test(path) && !prebuilds.includes(path)) problems.push(`stale prebuild ${path}`);
  else if (path.startsWith('test/')) problems.push(`test file ${path}`);
  else if (/^(lib|cli|bench|scripts|\.ci|\.github|coverage|node_modules)\//.test(path)) problems.push(`not for users: ${path}`);
  else if (/(^|\/)\.(env|npmrc|DS_Store)|\.log$|\.tgz$/.test(path)) problems.push(`not for users: ${path}`);
}

const groups = {};
for (const f of files) {
  const parts = f.path.split('/');
  const key = parts.length > 2 ? `${parts[0]}/${parts[1]}/` : parts.length === 2 ? `${parts[0]}/` : f.path;
  groups[key] = (groups[key] ?? 0) + f.size;
}
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
console.log(`${filename}: ${kb(size)} packed, ${kb(unpackedSize)} unpacked, ${files.length} files`);
for (const [key, bytes] of Object.entries(groups).sort((a, b) => b[1] - a[1])) console.log(`  ${kb(bytes).padStart(11)}  ${key}`);
if (!paths.has('LICENSE')) {
  problems.push(`no LICENSE file is shipped, although package.json says "${manifest.license}" (whose text must go with copies)`);
}
if (problems.length > 0) {
  console.error(problems.map((p) => `  ${p}`).join('\n'));
  process.exit(1);
}
console.log(`contents: ${prebuilds.length} prebuilds (linux-${nodes.architectures.join(', linux-')}), dist/, sources for a fallback build; no build intermediates or tests`);
EOF

step "publint --strict (the tarball)"
(cd "$pkg" && npx --no publint run "$tarball" --strict)

step "attw (the tarball: node10, node16 CJS and ESM, bundler; every rule)"
(cd "$pkg" && npx --no attw "$tarball" --no-color --no-emoji)

step "install into an empty project, without a compiler on PATH"
bin="$work/bin"
mkdir -p "$bin"
ln -s "$(command -v node)" "$bin/node"
npm_cli=$(realpath "$(command -v npm)")
npx_cli=$(realpath "$(command -v npx)")
ln -s "$npm_cli" "$bin/npm"
ln -s "$npx_cli" "$bin/npx"
# npm runs every lifecycle script with `sh -c`, looked up on PATH: a machine without a
# compiler still has a shell.
ln -s "$(command -v sh)" "$bin/sh"
for tool in cc gcc g++ c++ clang clang++ make cmake ninja python python3; do
  if PATH="$bin" command -v "$tool" >/dev/null 2>&1; then fail "$tool is on the restricted PATH"; fi
done
echo "PATH=$bin: $(ls "$bin" | tr '\n' ' ')"
consumer="$work/consumer"
mkdir -p "$consumer"
printf '{ "name": "roi-ops-consumer", "version": "1.0.0", "private": true }\n' >"$consumer/package.json"
# The environment of a user's shell: no npm_config_* a calling npm run would pass down (in
# particular no npm_config_build_from_source), no ROI_OPS_* setting.
clean_env=(env -u npm_config_build_from_source -u npm_config_argv)
while IFS='=' read -r name _; do
  case $name in npm_config_* | npm_lifecycle_* | npm_package_* | ROI_OPS_*) clean_env+=(-u "$name") ;; esac
done < <(env)
as_user() { (cd "$consumer" && "${clean_env[@]}" PATH="$bin" "$@"); }
as_user npm install --prefer-offline --no-audit --no-fund --foreground-scripts "$tarball" 2>&1 | tee "$work/install.log"
installed="$consumer/node_modules/roi-ops"
[[ -f $installed/$prebuild_rel ]] || fail "the installed package has no $prebuild_rel"
[[ ! -e $installed/build ]] || fail "the install compiled the addon (node_modules/roi-ops/build exists)"
echo "installed without compiling: node_modules/roi-ops/build does not exist"

step "require() and import in the consumer"
# The probe (scripts/package-probe.mjs, copied into the consumer so that it resolves the
# installed package): roiAlign sync and async; the values, info() and the addon file the OS loaded.
cp "$repo/scripts/package-probe.mjs" "$consumer/"
cjs=$(as_user ROI_OPS_REQUIRE_NATIVE=1 node package-probe.mjs require)
esm=$(as_user ROI_OPS_REQUIRE_NATIVE=1 node package-probe.mjs import)
js=$(as_user ROI_OPS_FORCE_JS=1 node package-probe.mjs import)
node - "$cjs" "$esm" "$js" "$installed/$prebuild_rel" <<'EOF'
const [cjs, esm, js] = process.argv.slice(2, 5).map((s) => JSON.parse(s));
const prebuild = process.argv[5];
for (const [name, r] of Object.entries({ require: cjs, import: esm })) {
  console.log(`${name}: info() = ${JSON.stringify(r.info)}, addon ${r.addon}`);
  if (r.info.native !== true || !['avx512', 'avx2', 'sse2', 'neon', 'scalar'].includes(r.info.simd)) throw new Error(`${name}: not on the addon`);
  if (r.addon !== prebuild) throw new Error(`${name}: loaded ${r.addon}, not the prebuild ${prebuild}`);
  if (!r.same) throw new Error(`${name}: roiAlign and roiAlignSync differ`);
}
if (JSON.stringify(cjs.values) !== JSON.stringify(esm.values)) throw new Error('require and import give different values');
if (js.info.native !== false) throw new Error('ROI_OPS_FORCE_JS=1 did not select the JavaScript backend');
const worst = Math.max(...cjs.values.map((v, i) => Math.abs(v - js.values[i])));
if (!(worst <= 1e-5)) throw new Error(`addon and JavaScript backend differ by ${worst}`);
console.log(`roiAlign ${JSON.stringify(cjs.shape)}: ${cjs.values.map((v) => v.toFixed(4)).join(' ')}`);
console.log(`the JavaScript backend agrees (largest difference ${worst})`);
EOF

step "TypeScript consumers (module nodenext: an .mts ESM file and a .cts CommonJS file) against the installed types"
cat >"$consumer/tsconfig.json" <<EOF
{
  "compilerOptions": {
    "module": "nodenext",
    "moduleResolution": "nodenext",
    "target": "es2022",
    "strict": true,
    "noEmit": true,
    "skipLibCheck": false,
    "types": ["node"],
    "typeRoots": ["$node_modules/@types"]
  },
  "files": ["esm.mts", "cjs.cts"]
}
EOF
cat >"$consumer/esm.mts" <<'EOF'
import { info, roiAlign, roiAlignSync, setNumThreads, type RoiAlignOptions, type Tensor } from 'roi-ops';

const input = { data: new Float32Array(16), shape: [1, 1, 4, 4] };
const boxes = { data: new Float32Array([0, 0, 0, 3, 3]), shape: [1, 5] };
const options: RoiAlignOptions = { outputSize: [2, 2], samplingRatio: 2, aligned: true };
const sync: Tensor = roiAlignSync(input, boxes, options);
const later: Promise<Tensor> = roiAlign(input, boxes, { ...options, signal: AbortSignal.timeout(1000) });
const simd: 'avx512' | 'avx2' | 'sse2' | 'neon' | 'scalar' | 'js' = info().simd;
setNumThreads(2);
// @ts-expect-error outputSize is a number or [height, width]
roiAlignSync(input, boxes, { outputSize: '7' });
export { sync, later, simd };
EOF
cat >"$consumer/cjs.cts" <<'EOF'
import roi = require('roi-ops');
import { roiPoolSync, type Tensor } from 'roi-ops';

const input = { data: new Float32Array(16), dims: [1, 1, 4, 4] };
const pooled: Tensor & { argmax: Int32Array } = roiPoolSync(input, { data: new Float32Array([0, 0, 0, 3, 3]), shape: [1, 5] }, { outputSize: 2, returnArgmax: true });
const threads: number = roi.getNumThreads();
// @ts-expect-error there is no default export
roi.default;
export = { pooled, threads };
EOF
as_user node "$tsc" -p tsconfig.json
echo "tsc --noEmit: both consumers type-check ($(node "$tsc" --version))"

step "npx roi-ops info"
as_user npx --no roi-ops info
info_json=$(as_user npx --no roi-ops info --json)
node -e '
  const r = JSON.parse(process.argv[1]);
  if (r.native !== true || !r.addon?.endsWith(process.argv[2])) throw new Error(`roi-ops info: native=${r.native} addon=${r.addon}`);
' "$info_json" "$prebuild_rel"

step "npx roi-ops demo, explain --example article, bench: the application reads only what the tarball ships"
as_user npx --no roi-ops demo --no-write --json >"$work/demo.json"
node -e 'const r = require(process.argv[1]); if (typeof r !== "object" || r === null) throw new Error("roi-ops demo printed no report")' "$work/demo.json"
echo "roi-ops demo: ran on the installed assets/demo-fpn/"
as_user npx --no roi-ops explain --example article --output "$work/article.svg"
grep -q '<svg' "$work/article.svg" || fail "roi-ops explain --example article wrote no SVG"
echo "roi-ops explain --example article: drew the installed assets/golden/ examples"
as_user npx --no roi-ops bench --only W5 --contenders JavaScript --out "$work/bench" >"$work/bench.log" 2>&1 ||
  { cat "$work/bench.log"; fail "roi-ops bench"; }
[[ -f $work/bench/quick.json ]] || fail "roi-ops bench wrote no quick.json"
echo "roi-ops bench: the suite built into dist/bench/ ran W5 ($(tail -n 1 "$work/bench.log"))"

step "npx roi-ops onnx inspect and onnx bench in a project without onnxruntime-node"
# inspect needs no onnxruntime; bench needs the user's and says so (exit 1) when neither the
# current directory nor roi-ops' own folder resolves it: the consumer has none.
model="$repo/test/fixtures/onnx/tiny-faster-rcnn-opset11.onnx"
as_user npx --no roi-ops onnx inspect "$model" --json >"$work/inspect.json"
node -e '
  const { plan } = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const steps = plan.steps.map((s) => s.operator ?? s.kind);
  if (steps.join(" ") !== "onnxruntime multiScaleRoiAlign onnxruntime") throw new Error(`onnx inspect: steps ${steps}`);
  console.log(`roi-ops onnx inspect: ${steps.join(" -> ")}`);
' "$work/inspect.json"
status=0
as_user npx --no roi-ops onnx bench "$model" >"$work/onnx-bench.log" 2>&1 || status=$?
missing="roi-ops onnx bench: needs onnxruntime-node (npm install onnxruntime-node), found neither from the current directory nor beside roi-ops"
if [[ $status != 1 ]] || ! grep -qxF "$missing" "$work/onnx-bench.log"; then
  cat "$work/onnx-bench.log"
  fail "roi-ops onnx bench without onnxruntime-node: exit $status, expected 1 and: $missing"
fi
echo "roi-ops onnx bench: exit 1, $missing"

step "install with --ignore-scripts: the prebuild loads without the install script"
# npm 11 warns about install scripts not approved through allowScripts; when they do not run,
# node-gyp-build still finds the prebuild at load time (only the fallback compile is lost).
quiet_consumer="$work/consumer-ignore-scripts"
mkdir -p "$quiet_consumer"
cp "$consumer/package.json" "$quiet_consumer/package.json"
(cd "$quiet_consumer" && "${clean_env[@]}" PATH="$bin" npm install --prefer-offline --no-audit --no-fund --ignore-scripts "$tarball")
(cd "$quiet_consumer" && "${clean_env[@]}" PATH="$bin" ROI_OPS_REQUIRE_NATIVE=1 node -e '
  const { info } = require("roi-ops");
  if (!info().native) throw new Error("not on the addon");
  console.log(`info() = ${JSON.stringify(info())}`);
')

step "all checks passed in $((SECONDS - start)) s ($(basename "$tarball"), prebuild $prebuild_rel)"
