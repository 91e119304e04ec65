#!/usr/bin/env node
// The `cellwire` executable. This file is committed, not built, so that npm can link it when
// it installs the workspace (`npm ci` runs before any build, and npm links a bin only when
// its target exists). The command itself is dist/cli.js, built by tsup.
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/cli.js', import.meta.url);
try {
  await import(cli.href);
} catch (e) {
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !String(e.message).includes(fileURLToPath(cli))) throw e;
  process.stderr.write('cellwire: @cellwire/cell is not built yet (dist/cli.js is missing): run `npm run build` first\n');
  process.exitCode = 1;
}
