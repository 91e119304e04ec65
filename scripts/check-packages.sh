#!/usr/bin/env bash
# What would be published, checked: packs every publishable package through scripts/pack.mjs
# (siblings pinned, the working tree untouched), then on each tarball runs
#   - attw (@arethetypeswrong/cli): types resolve for ESM, CJS and bundlers (ESM-only
#     packages, those without a `require` export, with --profile esm-only);
#   - publint --strict: package.json fields and exports against the files;
#   - scripts/check-tarballs.mjs: imports declared, siblings pinned, metadata, bins, maps.
# Needs the packages built (npm run build). Exits 1 when anything fails; prints the sizes.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
for f in packages/{core,client,schema,transport-memory,transport-http,transport-amqp,otel,cell}/dist/index.js tools/codegen/dist/index.js; do
  [ -f "$f" ] || missing+=("$f")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "check-packages: not built (missing ${missing[*]}); run npm run build first" >&2
  exit 1
fi

OUT="$(mktemp -d "${TMPDIR:-/tmp}/cellwire-check-packages.XXXXXX")"
trap 'rm -rf "$OUT"' EXIT

manifests() { cat packages/*/package.json tools/*/package.json package.json | cksum; }
before="$(manifests)"
echo "==> packing (scripts/pack.mjs)"
node scripts/pack.mjs --out "$OUT"
# pack.mjs pins the siblings inside the tarballs; no package.json of the tree may change.
if [ "$(manifests)" != "$before" ]; then
  echo "check-packages: a package.json changed while packing; scripts/pack.mjs must leave the tree as it was" >&2
  exit 1
fi

status=0
shopt -s nullglob
tarballs=("$OUT"/*.tgz)
[ "${#tarballs[@]}" -gt 0 ] || { echo "check-packages: no tarball packed" >&2; exit 1; }
for t in "${tarballs[@]}"; do
  name="$(basename "$t" .tgz)"
  # ESM-only packages (no `require` condition anywhere in exports) are checked as such.
  profile=()
  if node --input-type=module -e '
    import { readFileSync } from "node:fs"; import { gunzipSync } from "node:zlib"; import { tarEntries } from "./scripts/pack.mjs";
    const tar = gunzipSync(readFileSync(process.argv[1]));
    const e = tarEntries(tar).entries.find((x) => x.path === "package/package.json");
    const pkg = JSON.parse(tar.subarray(e.dataOffset, e.dataOffset + e.size).toString("utf8"));
    process.exit(JSON.stringify(pkg.exports ?? {}).includes("\"require\"") ? 1 : 0);' "$t"; then
    profile=(--profile esm-only)
  fi
  echo "==> $name: attw ${profile[*]}"
  npx --no -- attw "$t" --format ascii "${profile[@]}" || { echo "check-packages: attw failed for $name" >&2; status=1; }
  echo "==> $name: publint --strict"
  npx --no -- publint --strict "$t" || { echo "check-packages: publint failed for $name" >&2; status=1; }
done

echo "==> tarball contents (scripts/check-tarballs.mjs)"
node scripts/check-tarballs.mjs "${tarballs[@]}" || status=1

if [ "$status" -eq 0 ]; then echo "check-packages: ${#tarballs[@]} packages ok"; else echo "check-packages: FAILED" >&2; fi
exit "$status"
