/**
 * @cellwire/cell: the runnable cell service. Reference handlers for every method over an
 * embedded store, config loading, the service lifecycle, the local HTTP API, the `cellwire`
 * command line and its demo.
 *
 * @example
 * import { loadConfig, startCellService } from '@cellwire/cell';
 * const cell = await startCellService(loadConfig('api-cell.json'));
 */
export * from './compute.js';
export { ConfigError, DEFAULT_MAX_BODY_BYTES, SUPPORTED_SCHEMES, loadConfig, parseConfig, schemeFamily } from './config.js';
export type { CellConfig, HostSpec, LoadConfigOptions, NeighbourSpec, TlsFiles } from './config.js';
export { redact, startCellService } from './service.js';
export type { CellHealth, CellService, CellServiceOptions, CellStateView, LinkHealth, NeighbourView } from './service.js';
export { API_PATHS, createApiHandler, parseCallRequest } from './api.js';
export type { ApiDeps, ApiErrorBody, ApiErrorCode, CallRequest, InstanceSource } from './api.js';
export { USAGE, runCli } from './command-line.js';
export type { CliIo } from './command-line.js';
export { formatCapacities, renderTree, treeFromState } from './tree-view.js';
export type { StateFetcher, TreeNode } from './tree-view.js';
export { runDemo } from './demo.js';
export type { DemoOptions, DemoResult } from './demo.js';
