import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';

/**
 * A link secret prepared once as a KeyObject: createHmac then skips importing the key on
 * every message. Signatures are the same as with the string.
 */
export function hmacKey(secret: string): KeyObject {
  return createSecretKey(Buffer.from(secret, 'utf8'));
}

/**
 * Signs one message for a link: hex HMAC-SHA256 with the link secret over
 * `${timestamp}\n${from}\n${body}`. The timestamp is in the signed text so a captured
 * request cannot be replayed outside the listener's clock window.
 *
 * @example
 * const sig = signMessage(secret, Date.now(), 'api-cell', '{"message_type":"targeted"}');
 */
export function signMessage(
  secret: string | KeyObject,
  timestamp: number | string,
  from: string,
  body: string | Uint8Array,
): string {
  const hmac = createHmac('sha256', secret);
  hmac.update(`${timestamp}\n${from}\n`, 'utf8');
  // The listener verifies the raw bytes, before any UTF-8 decoding: same bytes, same digest.
  hmac.update(typeof body === 'string' ? Buffer.from(body, 'utf8') : body);
  return hmac.digest('hex');
}

/**
 * Checks a signature in constant time. Returns false for anything that is not the
 * expected digest, including malformed hex.
 *
 * @example
 * if (!verifySignature(secret, ts, from, bodyBytes, header)) refuse();
 */
export function verifySignature(
  secret: string | KeyObject,
  timestamp: number | string,
  from: string,
  body: string | Uint8Array,
  signature: string,
): boolean {
  if (!/^[0-9a-fA-F]{64}$/.test(signature)) return false;
  const expected = Buffer.from(signMessage(secret, timestamp, from, body), 'hex');
  const given = Buffer.from(signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
