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
/** The sending cell's name, on signed messages. */
export const FROM_HEADER = 'x-cellwire-from';
/** HMAC-SHA256 of `from \n to \n body` with the link's shared secret, base64url. */
export const SIGNATURE_HEADER = 'x-cellwire-signature';

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

/** Signs a message for a link that has a shared secret. */
export function sign(secret: string, from: string, to: string, body: Buffer): string {
  return createHmac('sha256', secret).update(from).update('\n').update(to).update('\n').update(body).digest('base64url');
}

/** Checks a signature in constant time. */
export function verify(secret: string, from: string, to: string, body: Buffer, signature: string): boolean {
  const expected = Buffer.from(sign(secret, from, to, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
