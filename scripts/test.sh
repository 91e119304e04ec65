#!/usr/bin/env bash
# The one test command (`npm test`): works on a fresh clone. Installs dependencies when
# missing, makes sure RabbitMQ answers, checks generated files are fresh, builds, and runs
# every package's tests through nx; ends with the line CI reads: "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x node_modules/.bin/nx ] || [ ! -d node_modules/better-sqlite3/build ]; then
  echo "==> installing dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi

bash scripts/ensure-rabbitmq.sh

echo "==> checking generated files"
npm run -s generate -- --check

export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
echo "==> building"
npx nx run-many -t build --outputStyle=static --parallel=2

echo "==> testing"
find packages tools test -name .vitest-result.json -not -path '*/node_modules/*' -delete 2>/dev/null || true
status=0
npx nx run-many -t test --outputStyle=static --parallel=2 || status=$?
node scripts/test-summary.mjs || status=$?
exit "$status"
