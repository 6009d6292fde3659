#!/usr/bin/env bash
# The package as users get it (issue 6, "Shipping"). In a copy of the source tree (so the
# checkout's build/ and dist/ are left alone):
#   1. `npm run prebuildify` (prebuildify --napi --strip --tag-libc) makes this platform's
#      prebuild, and node-gyp-build resolves to it;
#   2. `npm run prepare` (tsup) builds dist/, `npm pack` makes the tarball, whose contents are
#      checked: the prebuild, dist/, every source a fallback build needs, and nothing else
#      (no build/ intermediates, no tests beyond the two shipped fixtures);
#   3. `publint --strict` and `attw` (every resolution mode, every rule) on that tarball;
#   4. an empty project installs the tarball with a PATH that holds node, npm, npx and sh only
#      (no compiler, make or python), so the install succeeds only by loading the prebuild;
#      there `require` and `import` compute a small roiAlign on the addon (ROI_OPS_REQUIRE_NATIVE=1,
#      the same numbers as the JavaScript backend), TypeScript consumers (nodenext ESM and
#      CommonJS) type-check against the installed declarations, and `npx roi-ops info` runs;
#   5. an install with --ignore-scripts loads the prebuild too.
# Usage: bash scripts/check-package.sh   (KEEP_WORK=1 keeps the temporary directory)
set -euo pipefail

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
[[ -d $node_modules/prebuildify && -d $node_modules/publint && -d $node_modules/@arethetypeswrong/cli ]] ||
  fail "run npm ci first: prebuildify, publint and @arethetypeswrong/cli must be installed"
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

step "npm run prebuildify (prebuildify --napi --strip --tag-libc)"
(cd "$pkg" && JOBS="${JOBS:-max}" npm run --silent prebuildify)
platform=$(node -p 'process.platform + "-" + process.arch')
shopt -s nullglob
prebuilds=("$pkg/prebuilds/$platform"/*.node)
shopt -u nullglob
((${#prebuilds[@]} == 1)) || fail "expected one prebuild in prebuilds/$platform, found: ${prebuilds[*]:-none}"
prebuild=${prebuilds[0]}
prebuild_rel=${prebuild#"$pkg/"}
case "$(basename "$prebuild")" in
  roi-ops.glibc.node | roi-ops.musl.node) ;;
  *) fail "prebuild $prebuild_rel is not named roi-ops.<libc>.node (--tag-libc)" ;;
esac
echo "prebuild: $prebuild_rel, $(stat -c %s "$prebuild") bytes"
if command -v file >/dev/null; then file -b "$prebuild" | grep -q 'stripped' && ! file -b "$prebuild" | grep -q 'not stripped' ||
  fail "$prebuild_rel is not stripped"; fi
if command -v objdump >/dev/null; then
  glibc_floor=$(objdump -T "$prebuild" | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -n 1 || true)
  glibcxx_floor=$(objdump -T "$prebuild" | grep -o 'GLIBCXX_[0-9.]*' | sort -uV | tail -n 1 || true)
  echo "newest versioned symbols it needs: ${glibc_floor:-none} ${glibcxx_floor:-}"
fi
# node-gyp-build looks in build/Release first, then prebuilds/: prebuildify moved the binary
# it built out of build/Release, so the prebuild must be what resolves here.
resolved=$(cd "$pkg" && node -p "require('node-gyp-build').resolve('.')")
[[ $resolved == "$prebuild" ]] || fail "node-gyp-build resolves $resolved, not the prebuild $prebuild"
echo "node-gyp-build resolves: $prebuild_rel"

step "npm run prepare (tsup), npm pack"
(cd "$pkg" && npm run --silent prepare >"$work/tsup.log" 2>&1) || { cat "$work/tsup.log"; fail "tsup"; }
(cd "$pkg" && npm pack --ignore-scripts --json --pack-destination "$work" >"$work/pack.json")
tarball="$work/$(node -p "require(process.argv[1])[0].filename" "$work/pack.json")"
[[ -f $tarball ]] || fail "npm pack wrote no tarball"

step "tarball contents"
node - "$work/pack.json" "$pkg" "$prebuild_rel" <<'EOF'
const { readFileSync, existsSync } = require('node:fs');
const { join } = require('node:path');
const [packJson, pkg, prebuild] = process.argv.slice(2);
const { filename, size, unpackedSize, files } = JSON.parse(readFileSync(packJson, 'utf8'))[0];
const paths = new Set(files.map((f) => f.path));
const problems = [];
const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8'));
const sources = JSON.parse(readFileSync(join(pkg, 'native/sources.json'), 'utf8'));

// What must be there: the entry points of package.json, the prebuild, and what a build from
// source needs (binding.gyp, the source list, every source it names, the headers they include).
const entry = manifest.exports['.'];
const required = [
  'package.json', 'README.md', 'binding.gyp', 'native/sources.json', prebuild,
  entry.import.types, entry.import.default, entry.require.types, entry.require.default,
  ...Object.values(manifest.bin),
  ...sources.core, ...sources.addon, ...Object.values(sources.isa).flatMap((isa) => isa.sources),
].map((p) => p.replace(/^\.\//, ''));
for (const path of required) if (!paths.has(path)) problems.push(`missing ${path}`);
for (const dir of ['native/include/roiops/', 'native/kernels/', 'native/simd/', 'native/runtime/', 'native/addon/']) {
  const shipped = [...paths].filter((p) => p.startsWith(dir)).length;
  if (shipped === 0) problems.push(`no file of ${dir} (a source build needs its headers)`);
}

// What must not: build output other than the prebuild, tests beyond the shipped fixtures
// (the demo and `roi-ops explain` read them), the TypeScript sources, repository plumbing.
const shippedFixtures = manifest.files.filter((f) => f.startsWith('test/'));
// npm adds a README of every directory it ships from: the fixtures' README is their format.
const fixtureReadmes = shippedFixtures.map((f) => f.replace(/[^/]+$/, 'README.md'));
for (const path of paths) {
  if (path.startsWith('build/')) problems.push(`build intermediate ${path}`);
  else if (/\.(o|a|obj|lib|so|dylib|dll|exp|pdb|tlog)$/.test(path)) problems.push(`object file ${path}`);
  else if (path.endsWith('.node') && path !== prebuild && !path.startsWith('prebuilds/')) problems.push(`stray addon ${path}`);
  else if (path.startsWith('test/') && !shippedFixtures.includes(path) && !fixtureReadmes.includes(path)) problems.push(`test file ${path}`);
  else if (/^(lib|scripts|\.ci|\.github|coverage|node_modules)\//.test(path)) problems.push(`not for users: ${path}`);
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
if (!['LICENSE', 'LICENSE.md', 'LICENSE.txt', 'LICENCE'].some((p) => paths.has(p))) {
  problems.push(`no LICENSE file is shipped, although package.json says "${manifest.license}" (whose text must go with copies)`);
}
if (problems.length > 0) {
  console.error(problems.map((p) => `  ${p}`).join('\n'));
  process.exit(1);
}
console.log('contents: prebuild, dist/, sources for a fallback build; no build intermediates or tests');
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
# The probe: a 1x2x6x6 map, two boxes, roiAlign 2x2 (sync and async); prints the values, what
# info() says and the addon file the OS loaded.
probe='
  const input = { data: Float32Array.from({ length: 72 }, (_, i) => (i * 7) % 11), shape: [1, 2, 6, 6] };
  const boxes = { data: new Float32Array([0, 0.5, 1, 4.5, 5, 0, 2, 0, 5, 3.5]), shape: [2, 5] };
  const options = { outputSize: 2, samplingRatio: 2, aligned: true };
  const sync = roi.roiAlignSync(input, boxes, options);
  const promised = await roi.roiAlign(input, boxes, options);
  process.report.excludeNetwork = true;
  const addon = process.report.getReport().sharedObjects.find((p) => p.endsWith(".node") && p.includes("roi-ops")) ?? null;
  console.log(JSON.stringify({ info: roi.info(), addon, shape: sync.shape, values: Array.from(sync.data), same: Array.from(promised.data).join() === Array.from(sync.data).join() }));
'
cjs=$(as_user ROI_OPS_REQUIRE_NATIVE=1 node -e "(async () => { const roi = require('roi-ops'); $probe })()")
esm=$(as_user ROI_OPS_REQUIRE_NATIVE=1 node --input-type=module -e "import * as roi from 'roi-ops'; $probe")
js=$(as_user ROI_OPS_FORCE_JS=1 node --input-type=module -e "import * as roi from 'roi-ops'; $probe")
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
