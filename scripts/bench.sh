#!/usr/bin/env bash
# `npm run bench`: the benchmarks of tools/bench (see BENCHMARKS.md, which it rewrites).
# Works on a fresh clone: installs dependencies when missing, makes sure RabbitMQ answers
# (as the tests do), builds every package (nx caches), then runs the bench on the built
# packages. Extra arguments and BENCH_* variables are documented in tools/bench/src/main.ts.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x node_modules/.bin/nx ] || [ ! -d node_modules/moleculer ] || [ ! -d tools/bench/node_modules/amqplib ]; then
  echo "==> installing dependencies (npm ci)" >&2
  npm ci --no-audit --no-fund >&2
fi

bash scripts/ensure-rabbitmq.sh >&2

export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
echo "==> building" >&2
npx nx run-many -t build --outputStyle=static --parallel=2 >/dev/null

# Moleculer is hoisted to the root node_modules; amqplib 2.3.1 (for its AMQP transporter)
# is nested under tools/bench/node_modules.
export NODE_PATH="$PWD/tools/bench/node_modules${NODE_PATH:+:$NODE_PATH}"
# tools/bench/tsconfig.json has no `paths`: @cellwire/* resolve to the built packages (dist),
# not to their sources as the root tsconfig would have tsx do.
export TSX_TSCONFIG_PATH="$PWD/tools/bench/tsconfig.json"
echo "==> running the benchmarks (about 6 minutes)" >&2
exec node --import tsx tools/bench/src/main.ts "$@"
