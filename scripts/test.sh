#!/usr/bin/env bash
# The one test command (`npm test`): works on a fresh clone. Installs dependencies when
# missing, makes sure RabbitMQ answers and Chromium is installed (the browser test), checks
# generated files are fresh and the Nova schema compatible with its release, builds, checks
# the packages as published, runs every package's tests through nx and the downstream
# example; ends with the line CI reads: "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x node_modules/.bin/nx ] || [ ! -d node_modules/better-sqlite3/build ]; then
  echo "==> installing dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi

bash scripts/ensure-rabbitmq.sh
bash scripts/ensure-chromium.sh

echo "==> checking generated files"
npm run -s generate -- --check

# The Nova service must stay compatible with its last released version (docs/upgrades.md).
echo "==> checking the Nova schema against its released version"
npx tsx tools/codegen/src/bin.ts diff schemas/released/nova-cells-1.0.0.methods.ts packages/schema/src/nova-cells/methods.ts --tsconfig tsconfig.base.json

export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
# nx keeps its task cache outside the checkout (~/.nx/<workspace id>/cache), shared by every
# clone of this repository on the machine. CI tests a fresh clone on the same machine, so with
# the cache on it would replay the last local run and run nothing: under CI the cache is off.
if [ "${CI:-}" = "true" ]; then
  export NX_SKIP_NX_CACHE=true
  echo "==> CI=true: the nx cache is off, every build and test runs"
fi
# Test reports older than this are replays from the cache (see scripts/test-summary.mjs).
export CELLWIRE_TEST_STARTED_MS="$(date +%s%3N)"
echo "==> building"
npx nx run-many -t build --outputStyle=static --parallel=2

echo "==> checking the packages as published (scripts/check-packages.sh)"
bash scripts/check-packages.sh

echo "==> testing"
find packages tools test -name .vitest-result.json -not -path '*/node_modules/*' -delete 2>/dev/null || true
status=0
npx nx run-many -t test --outputStyle=static --parallel=2 || status=$?

# A project outside the workspaces installs the packed packages, generates its own service
# with cellwire-codegen and runs a tree serving it beside the Nova services.
echo "==> downstream example (packed packages, cellwire-codegen, a 3-cell tree)"
downstream_log=$(mktemp)
bash scripts/downstream.sh 2>&1 | tee "$downstream_log" || status=1
export CELLWIRE_EXTRA_COUNTS="$(sed -n 's/^downstream example: \([0-9]*\) passed, \([0-9]*\) failed.*/\1:\2/p' "$downstream_log" | tail -n 1)"
[ -n "$CELLWIRE_EXTRA_COUNTS" ] || CELLWIRE_EXTRA_COUNTS="0:1"
rm -f "$downstream_log"

node scripts/test-summary.mjs || status=$?
exit "$status"
