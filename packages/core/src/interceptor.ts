/**
 * Interceptors (docs/sdk.md): cross-cutting concerns (auth, tracing, metrics) as
 * `(next) => async (call) => ...`, wrapped around an outgoing call at the origin
 * (`stage: 'origin'`) and around the local handler at each cell (`stage: 'handler'`).
 * The first interceptor in a list is the outermost.
 */
import type { MethodDescriptor } from './service.js';
import type { Envelope, RequestContext } from './wire.js';

/** What an interceptor sees of one call, at the origin or at a handler. */
export interface CallContext {
  /** `origin`: the call leaves this cell; `handler`: this cell runs the method. */
  readonly stage: 'origin' | 'handler';
  /** This cell's name. */
  readonly cell: string;
  readonly method: MethodDescriptor;
  readonly ctxt: RequestContext;
  readonly args: Readonly<Record<string, unknown>>;
  /** Path from the origin to this cell (at the origin: its own name). */
  readonly routingPath: string;
  /** Absolute deadline of the call (ms since epoch). */
  readonly deadline: number;
  /** At the origin: the caller's signal; at a handler: aborted at the deadline. */
  readonly signal: AbortSignal | undefined;
  /** W3C trace context of the call. */
  readonly traceparent: string | undefined;
  /** At a handler: the envelope as received (this hop appended). */
  readonly message: Readonly<Envelope> | undefined;
}

/** The rest of the chain: the next interceptor, or the call itself. */
export type CallNext = (call: CallContext) => Promise<unknown>;

/**
 * Wraps the rest of the chain. Pass a changed call on with `next({ ...call, ctxt })`; throw a
 * CellwireError to refuse it (nothing further runs).
 *
 * @example
 * const adminsOnly: Interceptor = (next) => async (call) => {
 *   if (call.stage === 'handler' && !call.ctxt.roles.includes('admin')) {
 *     throw new CellwireError('permission_denied', `${call.method.name} needs the admin role`);
 *   }
 *   return next(call);
 * };
 */
export type Interceptor = (next: CallNext) => CallNext;

/** Chains interceptors around `last`, the first one outermost. */
export function applyInterceptors(interceptors: readonly Interceptor[], last: CallNext): CallNext {
  let next = last;
  for (let i = interceptors.length - 1; i >= 0; i--) next = interceptors[i]!(next);
  return next;
}
