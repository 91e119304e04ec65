/** W3C trace context ids, drawn cheaply. */
import { randomBytes } from 'node:crypto';

// Random bytes for trace ids, drawn in batches: one randomBytes call per 256 messages
// instead of one (a synchronous trip to the CSPRNG) per message.
const TRACE_BYTES = 24;
const TRACE_POOL = TRACE_BYTES * 256;
let tracePool = Buffer.alloc(0);
let traceOffset = TRACE_POOL;

/** A new W3C traceparent: version 00, random trace and span ids, sampled. */
export function newTraceparent(): string {
  if (traceOffset + TRACE_BYTES > tracePool.length) {
    tracePool = randomBytes(TRACE_POOL);
    traceOffset = 0;
  }
  const b = tracePool.toString('hex', traceOffset, traceOffset + TRACE_BYTES);
  traceOffset += TRACE_BYTES;
  return `00-${b.slice(0, 32)}-${b.slice(32, 48)}-01`;
}

// version-traceid-spanid-flags; later versions may append fields after the flags.
const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}(?:-|$)/;

/** The 32-hex trace id of a W3C traceparent, or undefined when absent or malformed. */
export function traceIdOf(traceparent: string | undefined): string | undefined {
  if (traceparent === undefined) return undefined;
  return TRACEPARENT.exec(traceparent)?.[1];
}
