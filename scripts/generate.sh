#!/usr/bin/env bash
# `npm run generate [-- --check]`: every generated file of the repository.
#   - tools/codegen/src/repo.ts: the wire schemas and validators, and each service through
#     cellwire-codegen (descriptors, validators, JSON Schemas, OpenAPI, AsyncAPI);
#   - tools/config-schema.mjs: the cell config's JSON Schema (schemas/cell-config.json) and
#     its precompiled validator (packages/cell/src/gen/config-validator.ts).
# With --check nothing is written; the exit status is the worst of the two (1: stale files).
set -euo pipefail
cd "$(dirname "$0")/.."

status=0
npx --no -- tsx tools/codegen/src/repo.ts "$@" || status=$?
code=0
node tools/config-schema.mjs "$@" || code=$?
[ "$code" -gt "$status" ] && status=$code
exit "$status"
