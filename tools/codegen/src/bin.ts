#!/usr/bin/env node
/** The `cellwire-codegen` executable. */
import { main } from './cli.js';

process.exitCode = main(process.argv.slice(2));
