#!/usr/bin/env node
/**
 * The `cellwire` executable: `cellwire serve --config FILE`, `cellwire call URL METHOD`,
 * `cellwire tree URL`, `cellwire demo`. The commands live in command-line.ts.
 */
import { runCli } from './command-line.js';

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`cellwire: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exitCode = 1;
  },
);
