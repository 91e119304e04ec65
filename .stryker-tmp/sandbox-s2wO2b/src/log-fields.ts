/**
 * The structured fields of a log line about one message, so that structured logs downstream
 * can join a runner's lines with the call they belong to (request, trace, method, message).
 * Built only where a line is logged (failures, repeats, late answers): never on the path of
 * a message that logs nothing.
 */
// @ts-nocheck

import { traceIdOf } from './trace.js';
import type { Envelope } from './wire.js';

/**
 * The fields of a line about `env` (for a response message: the response's own):
 * `request_id`, `trace_id` (the 32-hex trace id of its traceparent; left out, not undefined,
 * when there is none, so it never hides one a logger adds), `method` and `uuid`, then `extra`
 * (e.g. an error code). A fresh object: the caller may add to it.
 */
export function logFields(env: Envelope, extra?: Record<string, unknown>): Record<string, unknown> {
  const traceId = traceIdOf(env.traceparent);
  const fields: Record<string, unknown> =
    traceId === undefined
      ? { request_id: env.ctxt.request_id, method: env.method_name, uuid: env.uuid }
      : { request_id: env.ctxt.request_id, trace_id: traceId, method: env.method_name, uuid: env.uuid };
  return extra === undefined ? fields : Object.assign(fields, extra);
}
