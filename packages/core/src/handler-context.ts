/** What every handler receives besides its arguments. */
import type { MessageRunner } from './runner.js';
import type { MethodDescriptor } from './service.js';
import { signalAt } from './timers.js';
import type { Envelope, RequestContext } from './wire.js';

/** What every handler gets besides its arguments. */
export interface HandlerContext {
  /** The request context of the origin. */
  readonly ctxt: RequestContext;
  /** Path from the origin to this cell (e.g. `api-cell!child-cell2`). */
  readonly routingPath: string;
  /** Whether the origin waits for this answer (e.g. stop_instance picks cast or call from it). */
  readonly needResponse: boolean;
  /** The message id, the same at every hop. */
  readonly uuid: string;
  /** The method being run. */
  readonly method: MethodDescriptor;
  /** The runner of this cell: handlers send further messages through it. */
  readonly runner: MessageRunner;
  /** Absolute deadline of the call (ms since epoch). */
  readonly deadline: number;
  /** Aborted when the deadline passes. */
  readonly signal: AbortSignal;
  /** W3C trace context of the call, when there is one. */
  readonly traceparent: string | undefined;
  /** The envelope as received (this cell's hop appended). */
  readonly message: Readonly<Envelope>;
}

/** A plain class, so that making one per message allocates one object. */
export class LocalContext implements HandlerContext {
  readonly routingPath: string;
  readonly needResponse: boolean;
  readonly uuid: string;
  readonly traceparent: string | undefined;
  private signalValue: AbortSignal | undefined;

  constructor(
    readonly message: Envelope,
    readonly ctxt: RequestContext,
    readonly method: MethodDescriptor,
    readonly deadline: number,
    readonly runner: MessageRunner,
  ) {
    this.routingPath = message.routing_path;
    this.needResponse = message.need_response;
    this.uuid = message.uuid;
    this.traceparent = message.traceparent;
  }

  /** Made only when a handler asks for it: most never do. */
  get signal(): AbortSignal {
    this.signalValue ??= signalAt(this.deadline);
    return this.signalValue;
  }
}
