/**
 * The shapes the generated dispatch table is made of, and what a handler receives.
 */
import type { Envelope, MethodSpec as SchemaMethodSpec, RequestContext } from '@cellwire/schema';
import type { MessageRunner } from './runner.js';

/** A method's routing spec plus its names. */
export type MethodSpec = SchemaMethodSpec & {
  /** Wire name. */
  readonly wire: string;
  /** Key in CellHandlers. */
  readonly handler: string;
};

/** A precompiled validator (ajv standalone): true when valid, else `errors` says why. */
export interface ValidateFunction {
  (data: unknown): boolean;
  errors?: null | readonly { instancePath: string; message?: string; params?: Record<string, unknown> }[];
}

/** One row of the dispatch table. */
export interface MethodEntry extends MethodSpec {
  readonly validate: ValidateFunction;
}

/** What every handler gets besides its arguments. */
export interface HandlerContext {
  /** The request context of the origin. */
  readonly ctxt: RequestContext;
  /** Path from the origin to this cell (e.g. `api-cell!child-cell2`); the reversed path names this cell as seen from the origin's side. */
  readonly routingPath: string;
  /** Whether the origin waits for this answer (e.g. stop_instance picks cast or call from it). */
  readonly needResponse: boolean;
  /** The message id, the same at every hop. */
  readonly uuid: string;
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

/** Formats the first validation error as `path: message`. */
export function describeValidation(validate: ValidateFunction, what: string): string {
  const e = validate.errors?.[0];
  if (!e) return `${what} is invalid`;
  const where = e.instancePath ? `${what}${e.instancePath.replace(/\//g, '.')}` : what;
  const extra = e.params && 'additionalProperty' in e.params ? ` '${String(e.params.additionalProperty)}'` : '';
  return `${where} ${e.message ?? 'is invalid'}${extra}`;
}
