/**
 * Interceptors (docs/sdk.md): cross-cutting concerns (auth, tracing, metrics) as
 * `(next) => async (call) => ...`, wrapped around an outgoing call at the origin
 * (`stage: 'origin'`) and around the local handler at each cell (`stage: 'handler'`).
 * The first interceptor in a list is the outermost.
 *
 * An interceptor may also carry hooks for the hops in between, which only the interceptors
 * that have them see: `send` around each envelope handed to a neighbour's link
 * (`stage: 'send'`), and `receive` around this cell's handling of each message a neighbour
 * sent it (`stage: 'receive'`). Tracing uses them to make one span per hop and to pass the
 * W3C trace context on from hop to hop. A runner whose interceptors have none pays nothing
 * for them.
 */
import type { Side } from './neighbours.js';
import type { MethodDescriptor } from './service.js';
import type { Link, SendOptions } from './transport.js';
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
  /**
   * W3C trace context of the call. At the origin an interceptor may pass a changed one on
   * (`next({ ...call, traceparent })`): the message carries that one.
   */
  readonly traceparent: string | undefined;
  /**
   * At the origin: true when the caller gave `traceparent` (CallOptions.traceparent), false
   * when the runner drew a new one (then it names no real parent span). Undefined at a handler.
   */
  readonly traceparentGiven?: boolean;
  /** At a handler: the envelope as received (this hop appended). */
  readonly message: Readonly<Envelope> | undefined;
}

/** The rest of the chain: the next interceptor, or the call itself. */
export type CallNext = (call: CallContext) => Promise<unknown>;

/** What a `send` hook sees of one envelope leaving this cell for a neighbour. */
export interface SendContext {
  readonly stage: 'send';
  /** This cell's name. */
  readonly cell: string;
  /** The neighbour it goes to. */
  readonly neighbour: string;
  /** Whether that neighbour is a parent or a child of this cell. */
  readonly side: Side;
  /** The link it goes through. */
  readonly link: Link;
  /**
   * The envelope as it leaves (this cell is the last hop of its routing path). Read it, do
   * not change it: what goes out differently is passed on as `traceparent`.
   */
  readonly message: Readonly<Envelope>;
  /** How it is sent: message type, fanout, whether a reply is awaited on this exchange, deadline. */
  readonly options: SendOptions;
  /**
   * The method, when this cell serves it (a cell on the way need not know it; a response
   * message, `parse_responses`, has none).
   */
  readonly method: MethodDescriptor | undefined;
  /**
   * The W3C trace context that goes out with the envelope. Pass a changed one on
   * (`next({ ...send, traceparent })`) and this copy of the envelope carries it: the next
   * cell sees it as the context it received.
   */
  readonly traceparent: string | undefined;
}

/**
 * The rest of a send: the next hook, or the link. Resolves as `Link.send` does: with the
 * reply when the neighbour answered on this exchange (text, or the envelope itself from a link
 * with `sendValue`), else undefined; rejects with the link's error.
 */
export type SendNext = (send: SendContext) => Promise<string | Envelope | undefined>;

/** What a `receive` hook sees of one message a neighbour sent this cell. */
export interface ReceiveContext {
  readonly stage: 'receive';
  /** This cell's name. */
  readonly cell: string;
  /** The neighbour it came from. */
  readonly from: string;
  /** The envelope as received and checked (this cell's hop appended). */
  readonly message: Readonly<Envelope>;
  /** The method, when this cell serves it (undefined for a response message, or when it only forwards). */
  readonly method: MethodDescriptor | undefined;
  /** The deadline this cell keeps for it (the received one, capped). */
  readonly deadline: number;
  /**
   * The W3C trace context as received. Pass a changed one on (`next({ ...received,
   * traceparent })`): this cell's handler, the messages it sends on for it and its answers
   * then carry that one.
   */
  readonly traceparent: string | undefined;
}

/**
 * The rest of the handling: the next hook, or the runner. Settles when this cell is done
 * with the message: it ran the handler and answered, or handed the message on (a call
 * forwarded, when its neighbour answers on the same exchange: once that answer is back;
 * a broadcast: once it went out and the local handler ran; the neighbours' lists come later).
 */
export type ReceiveNext = (received: ReceiveContext) => Promise<void>;

/** The hooks an interceptor may carry besides its call stages. */
export interface InterceptorHooks {
  /** Around each envelope this cell hands to a neighbour's link (`stage: 'send'`). */
  readonly send?: (next: SendNext) => SendNext;
  /** Around this cell's handling of each message a neighbour sent it (`stage: 'receive'`). */
  readonly receive?: (next: ReceiveNext) => ReceiveNext;
}

/**
 * Wraps the rest of the chain. Pass a changed call on with `next({ ...call, ctxt })`; throw a
 * CellwireError to refuse it (nothing further runs). A plain function sees the `origin` and
 * `handler` stages; give it `send` and `receive` hooks (`Object.assign(fn, { send })`) to see
 * the hops too.
 *
 * @example
 * const adminsOnly: Interceptor = (next) => async (call) => {
 *   if (call.stage === 'handler' && !call.ctxt.roles.includes('admin')) {
 *     throw new CellwireError('permission_denied', `${call.method.name} needs the admin role`);
 *   }
 *   return next(call);
 * };
 */
export type Interceptor = ((next: CallNext) => CallNext) & InterceptorHooks;

/** Chains interceptors around `last`, the first one outermost. */
export function applyInterceptors(interceptors: readonly Interceptor[], last: CallNext): CallNext {
  let next = last;
  for (let i = interceptors.length - 1; i >= 0; i--) next = interceptors[i]!(next);
  return next;
}

/**
 * Chains the given hooks (`send` or `receive` of interceptors) around `last`, the first
 * outermost; undefined when there are none, so that the caller can go straight to `last`.
 */
export function applyHooks<C, R>(hooks: readonly ((next: (c: C) => Promise<R>) => (c: C) => Promise<R>)[], last: (c: C) => Promise<R>): ((c: C) => Promise<R>) | undefined {
  if (hooks.length === 0) return undefined;
  let next = last;
  for (let i = hooks.length - 1; i >= 0; i--) next = hooks[i]!(next);
  return next;
}
