/**
 * The tracing interceptor: OpenTelemetry spans for every call, hop by hop, one trace per
 * call. Built on @opentelemetry/api alone: the W3C trace context travels in the envelope's
 * `traceparent` and is read and written here, so no global propagator is needed, and without
 * an SDK (no tracer provider registered, no `tracer` given) every span is a no-op.
 *
 * The spans of one call through api-cell -> child-cell2 -> grandchild-cell1:
 *
 *   call echo              api-cell          INTERNAL  the call, as its caller sees it
 *   └ send echo            api-cell          CLIENT    the envelope handed to child-cell2's link
 *     └ receive echo       child-cell2       SERVER    child-cell2 handles it: forwards it
 *       └ send echo        child-cell2       CLIENT    to grandchild-cell1's link
 *         └ receive echo   grandchild-cell1  SERVER    grandchild-cell1 handles it
 *           └ handle echo  grandchild-cell1  INTERNAL  its handler runs
 *
 * An answer that comes back on the same exchange is a `reply` event on the send span; one
 * that travels as a response message is a `send response` span in each cell that passes it
 * on and a `receive response` span in each cell that gets it.
 */
import { context as otelContext, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span, type SpanContext, type Tracer } from '@opentelemetry/api';
import {
  CellwireError,
  Response,
  isErrorCode,
  type CallContext,
  type CallNext,
  type Envelope,
  type Interceptor,
  type ReceiveContext,
  type ReceiveNext,
  type SendContext,
  type SendNext,
} from '@cellwire/core';
import { version } from '../package.json';

/** The instrumentation scope of the default tracer. */
export const TRACER_NAME = '@cellwire/otel';

/** The attributes the spans carry. */
export const ATTR = {
  /** This cell's name. */
  cell: 'cellwire.cell',
  /** `origin`, `send`, `receive` or `handler`. */
  stage: 'cellwire.stage',
  /** The method's wire name (`parse_responses` for a response message). */
  method: 'cellwire.method',
  /** `targeted`, `broadcast` or `response`; at the origin also `local` (the handler runs there). */
  messageType: 'cellwire.message_type',
  /** `up` or `down`. */
  direction: 'cellwire.direction',
  /** The envelope's routing path in this cell (at the origin: its name). */
  routingPath: 'cellwire.routing_path',
  /** The target cell of a targeted message or a response. */
  targetCell: 'cellwire.target_cell',
  /** The envelope's hop count in this cell (the cells it has reached, this one included). */
  hopCount: 'cellwire.hop_count',
  /** Send: the neighbour it goes to; receive: the neighbour it came from. */
  neighbour: 'cellwire.neighbour',
  /** Send: the link's URL scheme (`memory`, `http`, `https`, `amqp`, ...), when known. */
  transport: 'cellwire.transport',
  /** `ok`, or the error code (`timeout`, `unavailable`, `unknown_method`, ...). */
  outcome: 'cellwire.outcome',
  /** At the origin: how many Responses the call got (a broadcast, one per cell). */
  responses: 'cellwire.responses',
  /** At the origin: how many of them are failures. */
  failures: 'cellwire.failures',
  /** The request id of the call's context. */
  requestId: 'cellwire.request_id',
  /** The message uuid (the same at every hop). */
  messageId: 'messaging.message.id',
  /** The error code, when the outcome is not ok (OpenTelemetry's general attribute). */
  errorType: 'error.type',
} as const;

export interface TracingOptions {
  /**
   * The tracer to make spans with. Default: `trace.getTracer('@cellwire/otel')` of the global
   * tracer provider, which makes no-op spans until an SDK registers one.
   */
  readonly tracer?: Tracer;
  /**
   * The transport of a send, for `cellwire.transport`. Default: the scheme of the link's
   * `scheme`, `url` or first `urls` entry when it has one (an HTTP link does), else none.
   */
  readonly transportOf?: (send: SendContext) => string | undefined;
}

/**
 * An interceptor that traces every call with OpenTelemetry. Give it to every cell's runner:
 * each cell adds its spans to the trace its neighbour passed on.
 *
 * @example
 * const runner = new MessageRunner({ name: 'api-cell', services, interceptors: [tracing()] });
 */
export function tracing(options: TracingOptions = {}): Interceptor {
  return new Tracing(options.tracer ?? trace.getTracer(TRACER_NAME, version), options.transportOf ?? linkScheme).interceptor();
}

/** What a span stage ends with. */
interface Outcome {
  readonly outcome: string;
  readonly message?: string;
}

const OK: Outcome = { outcome: 'ok' };

/** A receive span still open: the first failure of what this cell did for the message. */
interface Receiving {
  failure: Outcome | undefined;
}

class Tracing {
  /** The spans open here, by `traceId-spanId`: a stage whose parent is one of them is its local child. */
  private readonly open = new Map<string, Context>();
  /** Receive spans open here, by `traceId-spanId`: their handler's and sends' first failure. */
  private readonly receiving = new Map<string, Receiving>();

  constructor(
    private readonly tracer: Tracer,
    private readonly transportOf: (send: SendContext) => string | undefined,
  ) {}

  interceptor(): Interceptor {
    const call = (next: CallNext): CallNext => (c) => (c.stage === 'origin' ? this.origin(next, c) : this.handler(next, c));
    return Object.assign(call, {
      send: (next: SendNext): SendNext => (s) => this.send(next, s),
      receive: (next: ReceiveNext): ReceiveNext => (r) => this.receive(next, r),
    });
  }

  private origin(next: CallNext, c: CallContext): Promise<unknown> {
    const m = c.method;
    // A trace context the caller gave is continued; a new one, drawn by the runner, names no
    // real span: the call then starts a trace of its own (under the active span, if any).
    const parent = c.traceparentGiven === false ? activeOrRoot() : this.parentOf(c.traceparent);
    const target = m.target === 'none' ? undefined : targetOf(m.target.arg, c.args);
    const type = m.kind === 'local' ? 'local' : m.kind === 'targeted' || (m.kind === 'targeted_or_broadcast' && target !== undefined) ? 'targeted' : 'broadcast';
    const attributes: Attributes = {
      [ATTR.cell]: c.cell,
      [ATTR.stage]: 'origin',
      [ATTR.method]: m.name,
      [ATTR.messageType]: type,
      [ATTR.direction]: m.direction,
      [ATTR.routingPath]: c.routingPath,
      [ATTR.requestId]: c.ctxt.request_id,
    };
    if (type === 'targeted' && target !== undefined) attributes[ATTR.targetCell] = target;
    const span = this.start(`call ${m.name}`, SpanKind.INTERNAL, attributes, parent);
    return this.run(span, () => next({ ...c, traceparent: traceparentOf(span.spanContext()) ?? c.traceparent })).then(
      (result) => {
        this.end(span, resultOutcome(result, span));
        return result;
      },
      (e: unknown) => {
        this.fail(span, e);
        throw e;
      },
    );
  }

  private handler(next: CallNext, c: CallContext): Promise<unknown> {
    const env = c.message;
    const parentKey = keyOf(c.traceparent);
    const attributes = envelopeAttributes(c.cell, 'handler', env);
    attributes[ATTR.method] = c.method.name;
    attributes[ATTR.routingPath] = c.routingPath;
    attributes[ATTR.requestId] = c.ctxt.request_id;
    const span = this.start(`handle ${c.method.name}`, SpanKind.INTERNAL, attributes, this.parentOf(c.traceparent));
    return this.run(span, () => next({ ...c, traceparent: traceparentOf(span.spanContext()) ?? c.traceparent })).then(
      (value) => {
        this.end(span, OK);
        return value;
      },
      (e: unknown) => {
        this.noteFailure(parentKey, this.fail(span, e));
        throw e;
      },
    );
  }

  private send(next: SendNext, s: SendContext): ReturnType<SendNext> {
    const env = s.message;
    const parentKey = keyOf(s.traceparent);
    const attributes = envelopeAttributes(s.cell, 'send', env);
    attributes[ATTR.neighbour] = s.neighbour;
    const transport = this.transportOf(s);
    if (transport !== undefined) attributes[ATTR.transport] = transport;
    // A message a handler made here with the runner's low-level targeted/broadcast has a trace
    // context of its own; when the handler runs in an active span (a context manager is
    // registered, as the Node SDK does), the send joins that span's trace instead.
    const madeHere = env.message_type !== 'response' && env.routing_path === s.cell;
    const parent = this.openOf(s.traceparent) ?? (madeHere ? activeSpanContext() : undefined) ?? contextFromTraceparent(s.traceparent);
    const span = this.start(`send ${nameOf(env)}`, SpanKind.CLIENT, attributes, parent);
    return this.run(span, () => next({ ...s, traceparent: traceparentOf(span.spanContext()) ?? s.traceparent })).then(
      (reply) => {
        // A response message is ok to send, but carries its answer's outcome.
        let out = env.message_type === 'response' ? (responsesOutcome(env, s.cell) ?? OK) : OK;
        if (reply !== undefined) {
          out = replyOutcome(reply, s.cell);
          span.addEvent('reply', { [ATTR.outcome]: out.outcome });
        }
        this.end(span, out);
        if (out !== OK) this.noteFailure(parentKey, out);
        return reply;
      },
      (e: unknown) => {
        this.noteFailure(parentKey, this.fail(span, e));
        throw e;
      },
    );
  }

  private receive(next: ReceiveNext, r: ReceiveContext): Promise<void> {
    const env = r.message;
    const attributes = envelopeAttributes(r.cell, 'receive', env);
    attributes[ATTR.neighbour] = r.from;
    const span = this.start(`receive ${nameOf(env)}`, SpanKind.SERVER, attributes, this.parentOf(r.traceparent));
    const key = keyOfSpan(span.spanContext());
    const slot: Receiving = { failure: env.message_type === 'response' ? responsesOutcome(env, r.cell) : undefined };
    if (key !== undefined) this.receiving.set(key, slot);
    return this.run(span, () => next({ ...r, traceparent: traceparentOf(span.spanContext()) ?? r.traceparent })).then(
      () => {
        if (key !== undefined) this.receiving.delete(key);
        this.end(span, slot.failure ?? OK);
      },
      (e: unknown) => {
        if (key !== undefined) this.receiving.delete(key);
        this.fail(span, e);
        throw e;
      },
    );
  }

  /** The context a stage's span starts in: an open span of ours, else the remote one `traceparent` names. */
  private parentOf(traceparent: string | undefined): Context {
    return this.openOf(traceparent) ?? contextFromTraceparent(traceparent);
  }

  /** The context of the open span of ours that `traceparent` names, if any. */
  private openOf(traceparent: string | undefined): Context | undefined {
    const key = keyOf(traceparent);
    return key !== undefined ? this.open.get(key) : undefined;
  }

  private start(name: string, kind: SpanKind, attributes: Attributes, parent: Context): Span {
    const span = this.tracer.startSpan(name, { kind, attributes }, parent);
    const key = keyOfSpan(span.spanContext());
    if (key !== undefined) this.open.set(key, trace.setSpan(parent, span));
    return span;
  }

  /** Runs the rest of the chain with `span` active (for spans the handler or a link makes). */
  private run<T>(span: Span, fn: () => Promise<T>): Promise<T> {
    const key = keyOfSpan(span.spanContext());
    const ctx = (key !== undefined ? this.open.get(key) : undefined) ?? trace.setSpan(otelContext.active(), span);
    try {
      return otelContext.with(ctx, fn);
    } catch (e) {
      // An interceptor or handler that throws before its first await.
      return Promise.reject(e);
    }
  }

  private end(span: Span, out: Outcome): void {
    span.setAttribute(ATTR.outcome, out.outcome);
    if (out.outcome !== 'ok') {
      span.setAttribute(ATTR.errorType, out.outcome);
      span.setStatus({ code: SpanStatusCode.ERROR, ...(out.message !== undefined ? { message: out.message } : {}) });
    }
    const key = keyOfSpan(span.spanContext());
    if (key !== undefined) this.open.delete(key);
    span.end();
  }

  /** Ends `span` with a thrown error; returns the outcome. */
  private fail(span: Span, e: unknown): Outcome {
    const err = CellwireError.from(e);
    if (e instanceof Error) span.recordException(e);
    const out = { outcome: err.code, message: err.message };
    this.end(span, out);
    return out;
  }

  /** A handler or send failed in a cell: its receive span (when it is open here) fails too. */
  private noteFailure(receiveKey: string | undefined, out: Outcome): void {
    const slot = receiveKey !== undefined ? this.receiving.get(receiveKey) : undefined;
    if (slot && slot.failure === undefined) slot.failure = out;
  }
}

/** The attributes every hop's span takes from the envelope. */
function envelopeAttributes(cell: string, stage: string, env: Readonly<Envelope> | undefined): Attributes {
  const a: Attributes = { [ATTR.cell]: cell, [ATTR.stage]: stage };
  if (!env) return a;
  a[ATTR.method] = env.method_name;
  a[ATTR.messageType] = env.message_type;
  a[ATTR.direction] = env.direction;
  a[ATTR.routingPath] = env.routing_path;
  if (env.target_cell !== undefined) a[ATTR.targetCell] = env.target_cell;
  a[ATTR.hopCount] = env.hop_count;
  a[ATTR.messageId] = env.uuid;
  a[ATTR.requestId] = env.ctxt.request_id;
  return a;
}

/** What a span of a hop is called after: the method, or `response` for a response message. */
function nameOf(env: Readonly<Envelope>): string {
  return env.message_type === 'response' ? 'response' : env.method_name;
}

/** What a call resolved with: ok, or its first failed Response's code (`cellwire.responses` and `cellwire.failures` set). */
function resultOutcome(result: unknown, span: Span): Outcome {
  const list = Array.isArray(result) ? result : [result];
  let failed: Response | undefined;
  let failures = 0;
  let responses = 0;
  for (const r of list) {
    if (!(r instanceof Response)) continue;
    responses++;
    if (!r.failure) continue;
    failures++;
    failed ??= r;
  }
  if (responses > 0) span.setAttributes({ [ATTR.responses]: responses, [ATTR.failures]: failures });
  if (!failed) return OK;
  const more = failures > 1 ? ` (and ${failures - 1} more)` : '';
  return { outcome: failed.error?.code ?? 'remote', message: `${failed.cellName}: ${failed.error?.message ?? 'failed'}${more}` };
}

/** A reply's outcome in `cell`: ok, or its first failed Response's code. Parsed only when one failed. */
function replyOutcome(reply: string | Envelope, cell: string): Outcome {
  // An in-process link (Link.sendValue) replies with the envelope itself.
  if (typeof reply !== 'string') return responsesOutcome(reply, cell) ?? OK;
  if (!reply.includes('"failure":true')) return OK;
  try {
    return responsesOutcome(JSON.parse(reply) as Envelope, cell) ?? OK;
  } catch {
    return OK;
  }
}

/**
 * A response message's first failure as `cell` sees it, or undefined. As the runner rebuilds
 * errors: an `internal` error of another cell (a bug there, or an unregistered class) is
 * `remote` here, and so is a code this version does not know.
 */
function responsesOutcome(env: Readonly<Envelope>, cell: string): Outcome | undefined {
  const responses = env.method_kwargs?.responses;
  if (!Array.isArray(responses)) return undefined;
  for (const r of responses) {
    if (!r || typeof r !== 'object' || Array.isArray(r) || r.failure !== true) continue;
    const value = r.value as { class?: unknown; message?: unknown; kwargs?: { code?: unknown } } | null;
    const path = String(r.cell_name);
    const own = path === cell || path.endsWith(`!${cell}`);
    const wire = value?.kwargs?.code;
    const code = typeof wire === 'string' && isErrorCode(wire) && (own || wire !== 'internal') ? wire : 'remote';
    const what = typeof value?.message === 'string' ? value.message : 'failed';
    return { outcome: code, message: `${path}: ${own || typeof value?.class !== 'string' ? what : `${value.class}: ${what}`}` };
  }
  return undefined;
}

/** The target of a call from its arguments (a dotted argument path), as the runner reads it. */
function targetOf(argPath: string, args: Readonly<Record<string, unknown>>): string | undefined {
  let v: unknown = args;
  for (const part of argPath.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/** The scheme of a link's URL, when the link tells it (`scheme`, `url`, or `urls[0]`). */
function linkScheme(send: SendContext): string | undefined {
  const link = send.link as { scheme?: unknown; url?: unknown; urls?: unknown };
  if (typeof link.scheme === 'string') return link.scheme;
  const url = typeof link.url === 'string' ? link.url : Array.isArray(link.urls) && typeof link.urls[0] === 'string' ? (link.urls[0] as string) : undefined;
  const colon = url?.indexOf(':') ?? -1;
  return url !== undefined && colon > 0 ? url.slice(0, colon).toLowerCase() : undefined;
}

/** The active context when it holds a span (a context manager is registered and a span is active). */
function activeSpanContext(): Context | undefined {
  const active = otelContext.active();
  return trace.getSpan(active) ? active : undefined;
}

function activeOrRoot(): Context {
  return activeSpanContext() ?? ROOT_CONTEXT;
}

// version-traceid-spanid-flags; later versions may append fields after the flags.
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(?:-|$)/;

/** `traceId-spanId` of a traceparent, the key of an open span; undefined when malformed. */
function keyOf(traceparent: string | undefined): string | undefined {
  if (traceparent === undefined) return undefined;
  const m = TRACEPARENT.exec(traceparent);
  return m ? `${m[2]}-${m[3]}` : undefined;
}

function keyOfSpan(sc: SpanContext): string | undefined {
  return trace.isSpanContextValid(sc) ? `${sc.traceId}-${sc.spanId}` : undefined;
}

/**
 * The W3C traceparent of a span context (`00-<trace id>-<span id>-<flags>`), or undefined
 * when it is not valid (a no-op span with no parent).
 *
 * @example
 * const traceparent = traceparentOf(trace.getActiveSpan()!.spanContext());
 */
export function traceparentOf(sc: SpanContext): string | undefined {
  if (!trace.isSpanContextValid(sc)) return undefined;
  return `00-${sc.traceId}-${sc.spanId}-${(sc.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}

/**
 * A context whose (remote) parent span is the one a W3C traceparent names; `base` as it is
 * when the traceparent is absent or malformed.
 *
 * @example
 * tracer.startSpan('work', {}, contextFromTraceparent(call.traceparent));
 */
export function contextFromTraceparent(traceparent: string | undefined, base: Context = ROOT_CONTEXT): Context {
  const m = traceparent === undefined ? null : TRACEPARENT.exec(traceparent);
  if (!m || m[1] === 'ff') return base;
  const sc: SpanContext = { traceId: m[2] as string, spanId: m[3] as string, traceFlags: parseInt(m[4] as string, 16), isRemote: true };
  return trace.isSpanContextValid(sc) ? trace.setSpanContext(base, sc) : base;
}
