/**
 * @cellwire/core: the message runner, routing, Responses and errors, neighbour state and
 * the Transport contract. It knows no concrete transport; only generated code knows methods.
 */
export { MessageRunner, newTraceparent } from './runner.js';
export type { Invoker, RunnerOptions, RunnerStats } from './runner.js';
export { Response } from './response.js';
export { CellwireError, ERROR_CODES } from './errors.js';
export type { CellwireErrorOptions, ErrorCode } from './errors.js';
export {
  CellMaxHopCountReached,
  CellNotFound,
  CellRoutingInconsistency,
  CellServiceAPIMethodNotFound,
  CellTimeout,
  CellUnavailable,
  InstanceNotFound,
  InstanceUnknownCell,
  InvalidArgument,
  NoCellsAvailable,
  UnknownMethod,
} from './cell-errors.js';
export { CELLWIRE_ERROR_MODULE, ErrorRegistry, RemoteError, defaultErrorRegistry } from './remote-error.js';
export {
  CELL_ITEM_SEP,
  PATH_CELL_SEP,
  appendHop,
  cellWithItem,
  isValidCellName,
  nextHopName,
  responseCellNameFromPath,
  reversePath,
  splitCellAndItem,
} from './routing.js';
export { decodeEnvelope, encodeEnvelope } from './codec.js';
export { hopWaitUntil, resolveDeadline } from './deadline.js';
export type { CallOptions } from './deadline.js';
export { DedupeWindow } from './dedupe.js';
export { NeighbourState, sumNumeric } from './neighbours.js';
export type { Neighbour, NeighbourStateOptions, Side } from './neighbours.js';
export { adminContext, makeContext } from './context.js';
export { consoleLogger, silentLogger } from './logger.js';
export type { LogLevel, Logger } from './logger.js';
export { describeValidation } from './method-entry.js';
export type { HandlerContext, MethodEntry, MethodSpec, ValidateFunction } from './method-entry.js';
export { dispatchTable, methodNames, methodSpecs } from './gen/dispatch.js';
export type { CellHandlers } from './gen/dispatch.js';
export type {
  Inbound,
  InboundHandler,
  Link,
  ListenConfig,
  Listener,
  MessageType,
  NeighbourConfig,
  SendOptions,
  Transport,
} from './transport.js';
export { startCellNode, transportFor } from './cell-node.js';
export type { CellNode, CellNodeOptions } from './cell-node.js';
