#!/usr/bin/env bash
# `npm run demo`: the 8-cell tour of docs/cell-service.md. Works on a fresh clone: installs
# dependencies when they are missing, builds @cellwire/cell and what it depends on (nx
# caches, so a second run starts at once), then runs `cellwire demo`. Needs no broker.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x node_modules/.bin/nx ] || [ ! -d node_modules/better-sqlite3/build ]; then
  echo "==> installing dependencies (npm ci)" >&2
  npm ci --no-audit --no-fund >&2
fi

export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
echo "==> building @cellwire/cell and its dependencies" >&2
# Build output goes to stderr and is kept short, so stdout is the demo alone.
npx nx run @cellwire/cell:build --outputStyle=static >&2

exec node packages/cell/dist/cli.js demo "$@"
