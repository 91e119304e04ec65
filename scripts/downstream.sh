#!/usr/bin/env bash
# The downstream example (examples/downstream/, README "Your own methods"), run the way a
# team outside this repo would: from packed tarballs, in a fresh directory, no workspace.
#
#   1. build the packages if a dist is missing or incomplete (nx, cached)
#   2. npm pack the six published packages into a temp dir
#   3. copy examples/downstream to a fresh temp dir and install the tarballs there
#   4. cellwire-codegen on its methods.ts, tsc --noEmit, run src/main.ts, codegen --check
#
# Runs from any directory. Env: NX_SKIP_NX_CACHE (passed to nx), DOWNSTREAM_REBUILD=1 (build
# even when every dist is there), DOWNSTREAM_KEEP=1 (keep the temp dirs; a failed run keeps
# them anyway and says where).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EXAMPLE="$ROOT/examples/downstream"
PACKAGES=(@cellwire/core @cellwire/client @cellwire/schema @cellwire/transport-memory @cellwire/transport-http @cellwire/codegen)
# What each package must ship (its dist), relative to the repo root.
DIST_FILES=(
  packages/core/dist/index.js packages/core/dist/index.d.ts
  packages/client/dist/index.js packages/client/dist/index.d.ts
  packages/schema/dist/index.js packages/schema/dist/index.d.ts
  packages/transport-memory/dist/index.js packages/transport-memory/dist/index.d.ts
  packages/transport-http/dist/index.js packages/transport-http/dist/index.d.ts
  tools/codegen/dist/index.js tools/codegen/dist/index.d.ts tools/codegen/dist/bin.js
)

START=$SECONDS
PASSED=0
TMP="$(mktemp -d "${TMPDIR:-/tmp}/cellwire-downstream.XXXXXX")"
PACK="$TMP/tarballs"
WORK="$TMP/app"
LOGS="$TMP/logs"
mkdir -p "$PACK" "$WORK" "$LOGS"
KEEP="${DOWNSTREAM_KEEP:-}"

cleanup() {
  local rc=$?
  if [ "$rc" -ne 0 ] || [ -n "$KEEP" ]; then
    echo "==> temp files kept in $TMP" >&2
  else
    rm -rf "$TMP"
  fi
}
trap cleanup EXIT

say() { echo "==> $*" >&2; }

fail() {
  # $1: what failed, $2: its log (optional)
  echo "" >&2
  echo "downstream example: FAILED at '$1'" >&2
  if [ -n "${2:-}" ] && [ -s "$2" ]; then
    echo "--- last 40 lines of $2" >&2
    tail -n 40 "$2" >&2
    echo "---" >&2
  fi
  echo "downstream example: $PASSED passed, 1 failed"
  exit 1
}

# step NAME CMD...: runs CMD in $WORK with its output in a log; counts it; stops on failure.
step() {
  local name="$1"
  shift
  local log="$LOGS/$name.log" t0=$SECONDS
  if (cd "$WORK" && "$@") >"$log" 2>&1; then
    PASSED=$((PASSED + 1))
    say "ok $name ($((SECONDS - t0)) s)"
  else
    fail "$name: $*" "$log"
  fi
}

command -v node >/dev/null || fail "node is not on PATH"
command -v npm >/dev/null || fail "npm is not on PATH"

# ---------------------------------------------------------------- 1. build if needed
missing=()
for f in "${DIST_FILES[@]}"; do [ -f "$ROOT/$f" ] || missing+=("$f"); done
if [ "${#missing[@]}" -gt 0 ] || [ -n "${DOWNSTREAM_REBUILD:-}" ]; then
  if [ "${#missing[@]}" -gt 0 ]; then say "missing build output: ${missing[*]}"; fi
  [ -x "$ROOT/node_modules/.bin/nx" ] || fail "build: $ROOT/node_modules/.bin/nx not found (install the workspace first: npm ci at the root)"
  say "building the packages (nx run-many -t build${NX_SKIP_NX_CACHE:+, NX_SKIP_NX_CACHE=$NX_SKIP_NX_CACHE})"
  # NX_SKIP_NX_CACHE, when set, is inherited by nx unchanged (CI turns the cache off with it).
  if ! (cd "$ROOT" && NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false \
    npx nx run-many -t build --outputStyle=static --parallel=2) >"$LOGS/build.log" 2>&1; then
    fail "build (npx nx run-many -t build)" "$LOGS/build.log"
  fi
  for f in "${DIST_FILES[@]}"; do [ -f "$ROOT/$f" ] || fail "build: $f is still missing after the build" "$LOGS/build.log"; done
else
  say "packages already built (DOWNSTREAM_REBUILD=1 to build anyway)"
fi

# ---------------------------------------------------------------- 2. pack
# scripts/pack.mjs packs as a release does: sibling dependencies pinned to the exact version.
if ! (cd "$ROOT" && node scripts/pack.mjs --out "$PACK/all") >"$LOGS/pack.log" 2>&1; then
  fail "pack" "$LOGS/pack.log"
fi
# The packages move in lockstep (.changeset/config.json): one version for all.
VERSION=$(node -p "require('$ROOT/packages/core/package.json').version")
TARBALLS=()
for p in "${PACKAGES[@]}"; do
  t="$PACK/all/$(echo "${p#@}" | tr '/' '-')-$VERSION.tgz"
  [ -f "$t" ] || fail "pack: no tarball for $p ($t)" "$LOGS/pack.log"
  TARBALLS+=("$t")
done
say "packed ${#TARBALLS[@]} tarballs: $(cd "$PACK" && echo *.tgz)"

# ---------------------------------------------------------------- 3. a fresh copy of the example
# Sources only: whatever a local run left behind (node_modules, generated code) stays behind.
tar -C "$EXAMPLE" --exclude=./node_modules --exclude=./src/gen --exclude=./schemas --exclude=./package-lock.json -cf - . | tar -C "$WORK" -xf -
say "example copied to $WORK"

# One npm install with every tarball, rather than rewriting the packed package.json files.
# Those name their siblings as "@cellwire/core": "*". Installed one by one, a tarball fails
# (E404: npm looks for @cellwire/core on the registry, where it is not published). Installed
# together, the top-level tarballs satisfy every sibling edge: npm still asks the registry
# once for @cellwire/core, gets 404 and moves on, and installs the tarballs only. Rewriting
# "*" to "0.1.0" would not save that lookup (npm makes it for an exact version too) and would
# test tarballs that differ from the packed ones. The lockfile check below fails the run if
# any @cellwire package came from anywhere but a tarball (a registry copy, a nested copy).
# The example's own devDependencies (typescript, tsx, @types/node) come from the registry in
# the same run; --prefer-offline uses the npm cache without revalidating what it holds.
step install npm install --no-audit --no-fund --prefer-offline "${TARBALLS[@]}"

# Every @cellwire package must come from a tarball, once (no registry copy, no nested copy).
if ! node - "$WORK" "${PACKAGES[@]}" >"$LOGS/install-check.log" 2>&1 <<'EOF'; then
const [dir, ...names] = process.argv.slice(2);
const lock = require(`${dir}/package-lock.json`);
const problems = [];
for (const name of names) {
  const entry = lock.packages[`node_modules/${name}`];
  if (!entry) problems.push(`${name} is not installed at the top level`);
  else if (!String(entry.resolved ?? '').startsWith('file:')) problems.push(`${name} resolved from ${entry.resolved}, not a tarball`);
}
for (const key of Object.keys(lock.packages)) {
  if (/node_modules\/.+\/node_modules\/@cellwire\//.test(key)) problems.push(`nested copy: ${key}`);
}
if (problems.length) { console.error(problems.join('\n')); process.exit(1); }
console.log(`all ${names.length} @cellwire packages installed from tarballs, one copy each`);
EOF
  fail "install: @cellwire packages not all from the tarballs" "$LOGS/install-check.log"
fi

# ---------------------------------------------------------------- 4. generate, typecheck, run, check
GEN=(npx --no -- cellwire-codegen --methods src/methods.ts --out src/gen --schemas schemas)
step generate "${GEN[@]}"
[ -f "$WORK/src/gen/index.ts" ] && [ -f "$WORK/src/gen/descriptor.ts" ] || fail "generate: src/gen/index.ts or descriptor.ts not written" "$LOGS/generate.log"
step typecheck npx --no -- tsc --noEmit -p .
step run npx --no -- tsx src/main.ts
sed 's/^/    /' "$LOGS/run.log" >&2
step check "${GEN[@]}" --check

echo "downstream example: total $((SECONDS - START)) s" >&2
echo "downstream example: $PASSED passed, 0 failed"
