#!/usr/bin/env node
// The `cellwire-codegen` executable. This file is committed, not built, so that npm can link
// it when it installs the workspace (`npm ci` runs before any build, and npm links a bin only
// when its target exists). The command itself is dist/bin.js, built by tsup.
import { fileURLToPath } from 'node:url';

const bin = new URL('../dist/bin.js', import.meta.url);
try {
  await import(bin.href);
} catch (e) {
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !String(e.message).includes(fileURLToPath(bin))) throw e;
  process.stderr.write('cellwire-codegen: @cellwire/codegen is not built yet (dist/bin.js is missing): run `npm run build` first\n');
  process.exitCode = 1;
}
