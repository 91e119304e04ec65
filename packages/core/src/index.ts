/**
 * @cellwire/core: the protocol. The message runner, routing, Responses and errors, neighbour
 * state, the Transport and interceptor contracts, and the vocabulary services are written
 * in (`method`, descriptors). It knows no method and no concrete transport: services are
 * handed to it as generated descriptors (docs/sdk.md).
 */
export { MessageRunner } from './runner.js';
export type { Invoker, RunnerOptions, RunnerStats } from './runner.js';
export { newTraceparent } from './trace.js';
export { method } from './method.js';
export type { ArgsOf, Direction, MethodDef, MethodKind, MethodSpec, NeedResponse, ResultOf, RunLocally, ServiceInfo, Target } from './method.js';
export { defineService, serve } from './service.js';
export type {
  AnyService,
  JsonSchema,
  MethodDescriptor,
  ServiceClient,
  ServiceDescriptor,
  ServiceHandlers,
  ServiceImpl,
  ServiceInfoRef,
  ValidateFunction,
} from './service.js';
export type { CallContext, CallNext, Interceptor, InterceptorHooks, ReceiveContext, ReceiveNext, SendContext, SendNext } from './interceptor.js';
export type { HandlerContext } from './handler-context.js';
export { Response } from './response.js';
export { CellwireError, ERROR_CODES, isErrorCode } from './errors.js';
export type { CellwireErrorOptions, ErrorCode } from './errors.js';
export { codeForHttpStatus, httpStatusFor } from './http-status.js';
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
  previousCell,
  responseCellNameFromPath,
  reversePath,
  splitCellAndItem,
} from './routing.js';
export { MAX_MESSAGE_DEPTH, RESPONSE_METHOD, copyEnvelope, decodeEnvelope, describeValidation, encodeEnvelope } from './codec.js';
export { copyJson, nestingExceeds } from './json-value.js';
export { hopWaitUntil, resolveDeadline } from './deadline.js';
export { HOP_ALLOWANCE_MS, MAX_ONE_WAY_MS, REPLY_GUARD_MS, RttEstimator, heldMsOf, oneWayMs, replyMsFor, replyWaitUntil } from './latency.js';
export type { LinkLatency } from './latency.js';
export type { CallOptions } from './deadline.js';
export { DedupeWindow } from './dedupe.js';
export type { DedupeStore } from './dedupe.js';
export { memoryCastOutbox } from './cast-outbox.js';
export type { CastOutboxStore, HeldCast, StoredCast } from './cast-outbox.js';
export { NeighbourState, sumNumeric } from './neighbours.js';
export type { Capabilities, Capacities, CapacityUnits, Neighbour, NeighbourStateOptions, Side } from './neighbours.js';
export { adminContext, makeContext } from './context.js';
export { consoleLogger, silentLogger } from './logger.js';
export type { LogLevel, Logger } from './logger.js';
export type { Envelope, JsonValue, RemoteErrorJSON, RequestContext, ResponseMessageArgs, WireMessageType, WireResponse } from './wire.js';
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
