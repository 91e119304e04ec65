/**
 * What this transport adds around an envelope on the wire: AMQP properties and headers, the
 * error reply a listener sends when it refuses a message, and the optional per-link signature.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { CellwireError, ERROR_CODES, type ErrorCode } from '@cellwire/core';

/** RabbitMQ's direct reply-to pseudo queue: replies go straight to the waiting channel. */
export const DIRECT_REPLY_TO = 'amq.rabbitmq.reply-to';

/** Set (to 1) on a reply that carries an error instead of a reply envelope. */
export const ERROR_HEADER = 'x-cellwire-error';
/**
 * On a reply: how long the listener held the message before replying (ms, a number), from
 * its delivery. The link takes it from the exchange's time to measure the round trip
 * (`link.latency()`). Advisory: not signed, so it is clamped to the exchange's own duration.
 */
export const HELD_HEADER = 'x-cellwire-held-ms';
/** The sending cell's name, on signed messages. */
export const FROM_HEADER = 'x-cellwire-from';
/** When the sender signed (ms since epoch, decimal text); the listener refuses it outside its window. */
export const TIMESTAMP_HEADER = 'x-cellwire-timestamp';
/**
 * On a message: HMAC-SHA256 with the link's shared secret (base64url) over the timestamp, the
 * sender, the receiving cell, where it was published (exchange and routing key), whether it
 * wants a reply, its correlation id and the body ({@link signMessage}). On a reply: the same
 * over the request's signature, the answering cell, whether it is an error and the body
 * ({@link signReply}).
 */
export const SIGNATURE_HEADER = 'x-cellwire-signature';
/** How many times a listener put a message back after it was delivered and never acked (crash loops). */
export const ATTEMPTS_HEADER = 'x-cellwire-attempts';
/** On a put-back copy: its id, so the listener that made it runs it only once the original is acked. */
export const COPY_HEADER = 'x-cellwire-copy';
/** On a dead-lettered message: why it was dead-lettered. */
export const DEAD_REASON_HEADER = 'x-cellwire-dead-reason';
/** On a dead-lettered message: the queue it came from. */
export const DEAD_QUEUE_HEADER = 'x-cellwire-dead-queue';
/** On a dead-lettered message: when (ms since epoch). */
export const DEAD_AT_HEADER = 'x-cellwire-dead-at';

export const CONTENT_TYPE = 'application/json';

const CODES: ReadonlySet<string> = new Set(ERROR_CODES);

/** The body of an error reply: `{ "error": { "code", "message" } }`. */
export function encodeErrorReply(error: CellwireError): Buffer {
  return Buffer.from(JSON.stringify({ error: { code: error.code, message: error.message, ...(error.cell ? { cell: error.cell } : {}) } }));
}

/**
 * Rebuilds the error a listener sent back. A body that is not the expected shape still
 * becomes an error (code `remote`), never a reply envelope.
 */
export function decodeErrorReply(body: Buffer, neighbour: string): CellwireError {
  let code: ErrorCode = 'remote';
  let message = `cell ${neighbour} refused the message`;
  let cell = neighbour;
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    const err = (parsed as { error?: { code?: unknown; message?: unknown; cell?: unknown } } | null)?.error;
    if (err && typeof err.code === 'string' && CODES.has(err.code)) code = err.code as ErrorCode;
    if (err && typeof err.message === 'string') message = err.message;
    if (err && typeof err.cell === 'string' && err.cell !== '') cell = err.cell;
  } catch {
    // keep the generic error
  }
  return new CellwireError(code, message, { cell });
}

/** What a message signature covers besides the body: everything that steers the message. */
export interface SignedMessage {
  /** {@link TIMESTAMP_HEADER}, as sent. */
  readonly timestamp: string;
  readonly from: string;
  /** The receiving cell: a message signed for one cell is refused by any other. */
  readonly to: string;
  /** Where it was published: `''` and the cell's queue, or the cell's fanout exchange and the message type. */
  readonly exchange: string;
  readonly routingKey: string;
  /** Whether the sender waits for a reply (direct reply-to). */
  readonly reply: boolean;
  readonly correlationId: string;
}

/** What a reply signature covers besides the body. */
export interface SignedReply {
  /** The {@link SIGNATURE_HEADER} of the message answered. */
  readonly request: string;
  /** The answering cell. */
  readonly responder: string;
  /** Whether the reply is an error ({@link ERROR_HEADER}). */
  readonly error: boolean;
}

// Fields go in as one JSON array (no value can spill into the next), then the body raw.
// Messages and replies are domain-separated by their first element.
function mac(secret: string, fields: readonly unknown[], body: Buffer): string {
  return createHmac('sha256', secret).update(JSON.stringify(fields)).update('\n').update(body).digest('base64url');
}

function same(expected: string, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Signs a message for a link that has a shared secret. */
export function signMessage(secret: string, m: SignedMessage, body: Buffer): string {
  return mac(secret, ['cellwire-amqp-message-v2', m.timestamp, m.from, m.to, m.exchange, m.routingKey, m.reply ? 1 : 0, m.correlationId], body);
}

/** Checks a message signature in constant time. */
export function verifyMessage(secret: string, m: SignedMessage, body: Buffer, signature: unknown): boolean {
  return same(signMessage(secret, m, body), signature);
}

/** Signs a reply (or an error reply) for the message whose signature is `r.request`. */
export function signReply(secret: string, r: SignedReply, body: Buffer): string {
  return mac(secret, ['cellwire-amqp-reply-v2', r.request, r.responder, r.error ? 1 : 0], body);
}

/** Checks a reply signature in constant time. */
export function verifyReply(secret: string, r: SignedReply, body: Buffer, signature: unknown): boolean {
  return same(signReply(secret, r, body), signature);
}

/** Reads a header that must be text (amqplib hands long strings over as strings, some brokers as Buffers). */
export function headerText(headers: Record<string, unknown> | undefined, name: string): string | undefined {
  const v = headers?.[name];
  if (typeof v === 'string') return v;
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  return undefined;
}
