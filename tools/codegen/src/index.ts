/**
 * @cellwire/codegen as a library: the same generator the `cellwire-codegen` command runs.
 */
export { main, runService } from './cli.js';
export { generateService, generateWire } from './generate.js';
export type { GeneratedFiles, GeneratedService, ServiceOptions, WireOptions } from './generate.js';
