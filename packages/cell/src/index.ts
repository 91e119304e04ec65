/**
 * @cellwire/cell: the runnable cell service. Reference handlers for every method over an
 * embedded store, config loading, the service lifecycle, the local HTTP API (with its metrics,
 * structured logs and live page), the `cellwire` command line and its demo.
 *
 * @example
 * import { loadConfig, startCellService } from '@cellwire/cell';
 * const cell = await startCellService(loadConfig('api-cell.json'));
 */
export * from './compute.js';
export { ConfigError, DEFAULT_MAX_BODY_BYTES, SUPPORTED_SCHEMES, loadConfig, parseConfig, schemeFamily } from './config.js';
export type { CellConfig, HostSpec, LoadConfigOptions, NeighbourSpec, TlsFiles } from './config.js';
export type { ApiHost, CellConfigFile, ConfigUrl, FlavorFile, HostFile, NeighbourFile, TlsFile } from './config-file.js';
export { redact, startCellService } from './service.js';
export type { CellHealth, CellService, CellServiceOptions, CellStateView, LinkHealth, NeighbourView } from './service.js';
export { API_PATHS, MAX_CALL_TIMEOUT_S, createApiHandler, createLinkReadHandler, parseCallRequest } from './api.js';
export { checkCaller, hostAllowed, isJsonContentType, isLoopbackHost } from './api-door.js';
export type { ApiAuth, Caller } from './api-door.js';
export { LINK_READ_SKEW_MS, linkReadHeaders, verifyLinkRead } from './link-read.js';
export type { LinkReadPolicy } from './link-read.js';
export { createCellLogger, currentLogFields, traceIdOf, withLogFields } from './log.js';
export type { CellLogger, CellLoggerOptions, LogCallFields, LogFormat } from './log.js';
export { CALL_DURATION_BUCKETS, CellMetrics } from './metrics.js';
export type { CallLabels } from './metrics.js';
export { observeCalls } from './observe.js';
export type { ObserveOptions } from './observe.js';
export { RecentCalls } from './recent.js';
export type { RecentCall, RecentResponse } from './recent.js';
export { MAX_TREE_DEPTH, SubtreeReader } from './subtree.js';
export type { SubtreeDeps, TreeCell, TreeQuery } from './subtree.js';
export { renderUiPage, uiContentSecurityPolicy, uiMethods } from './ui.js';
export type { UiMethod, UiPageOptions } from './ui.js';
export type { ApiDeps, ApiErrorBody, ApiErrorCode, CallRequest, InstanceSource } from './api.js';
export { TOKEN_ENV, USAGE, runCli } from './command-line.js';
export type { CliIo } from './command-line.js';
export { formatCapacities, renderTree, treeFromCell, treeFromState } from './tree-view.js';
export type { StateFetcher, TreeNode } from './tree-view.js';
export { runDemo } from './demo.js';
export type { DemoOptions, DemoResult } from './demo.js';
