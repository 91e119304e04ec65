/**
 * @cellwire/codegen as a library: the same generator the `cellwire-codegen` command runs.
 */
export { main, runService } from './cli.js';
export { generateService, generateWire } from './generate.js';
export type { GeneratedFiles, GeneratedService, ServiceOptions, WireOptions } from './generate.js';
export { checkoutAtRef, diffMain, diffServices, formatDiff, loadService } from './diff.js';
export type { Change, ChangeClass, DiffResult, ServiceSnapshot } from './diff.js';
