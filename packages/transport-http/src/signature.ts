import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';

/**
 * A link secret prepared once as a KeyObject: createHmac then skips importing the key on
 * every message. Signatures are the same as with the string.
 */
export function hmacKey(secret: string): KeyObject {
  return createSecretKey(Buffer.from(secret, 'utf8'));
}

/**
 * Everything about a request that steers it, besides its body. Header values are signed as
 * they travel (raw strings, `''` when the header is absent), so changing, adding or dropping
 * any of them breaks the signature.
 */
export interface SignedRequest {
  /** `x-cellwire-timestamp`: ms since epoch when the sender signed. */
  readonly timestamp: number | string;
  /** The sending cell (decoded `x-cellwire-from`). */
  readonly from: string;
  /** The receiving cell: a message signed for one neighbour is refused by any other. */
  readonly to: string;
  /** `x-cellwire-reply` (`'1'` when the sender waits for the reply on this exchange). */
  readonly reply?: string;
  /** `x-cellwire-deadline` (ms since epoch after which the sender stops waiting). */
  readonly deadline?: number | string;
}

/** What a listener's answer is bound to: the request it answers, and who answers. */
export interface SignedReply {
  /** The `x-cellwire-signature` of the request being answered. */
  readonly request: string;
  /** The answering cell. */
  readonly responder: string;
  /** The HTTP status of the answer. */
  readonly status: number;
}

// Fields are JSON-encoded (one array) so no value can spill into the next one; the body
// follows raw. Requests and replies are domain-separated by their first element.
const REQUEST_TAG = 'cellwire-http-request-v2';
const REPLY_TAG = 'cellwire-http-reply-v2';

function mac(secret: string | KeyObject, fields: readonly unknown[], body: string | Uint8Array): string {
  const hmac = createHmac('sha256', secret);
  hmac.update(JSON.stringify(fields), 'utf8');
  hmac.update('\n', 'utf8');
  // The listener verifies the raw bytes, before any UTF-8 decoding: same bytes, same digest.
  hmac.update(typeof body === 'string' ? Buffer.from(body, 'utf8') : body);
  return hmac.digest('hex');
}

function same(expectedHex: string, given: string): boolean {
  if (!/^[0-9a-fA-F]{64}$/.test(given)) return false;
  const expected = Buffer.from(expectedHex, 'hex');
  const got = Buffer.from(given, 'hex');
  return got.length === expected.length && timingSafeEqual(got, expected);
}

/**
 * Signs one request for a link: hex HMAC-SHA256 with the link secret over the timestamp, the
 * sender, the receiver, the routing headers (`x-cellwire-reply`, `x-cellwire-deadline`) and
 * the body. The timestamp is signed so a captured request cannot be replayed outside the
 * listener's clock window; the routing headers so nobody on the way can turn a cast into a
 * call or stretch its deadline.
 *
 * @example
 * const sig = signMessage(secret, { timestamp: Date.now(), from: 'api-cell', to: 'child-cell1', reply: '1', deadline }, body);
 */
export function signMessage(secret: string | KeyObject, request: SignedRequest, body: string | Uint8Array): string {
  return mac(secret, [REQUEST_TAG, String(request.timestamp), request.from, request.to, request.reply ?? '', String(request.deadline ?? '')], body);
}

/**
 * Checks a request signature in constant time. Returns false for anything that is not the
 * expected digest, including malformed hex.
 *
 * @example
 * if (!verifySignature(secret, { timestamp, from, to: 'child-cell1', reply, deadline }, bodyBytes, header)) refuse();
 */
export function verifySignature(
  secret: string | KeyObject,
  request: SignedRequest,
  body: string | Uint8Array,
  signature: string,
): boolean {
  return same(signMessage(secret, request, body), signature);
}

/**
 * Signs a listener's answer (any status, the body as sent, empty for 202/204) with the link
 * secret, bound to the request it answers: whoever answers on a dead cell's port, or replays
 * an answer to another request, cannot produce it.
 *
 * @example
 * res.setHeader('x-cellwire-signature', signReply(secret, { request: reqSig, responder: 'child-cell1', status: 200 }, body));
 */
export function signReply(secret: string | KeyObject, reply: SignedReply, body: string | Uint8Array): string {
  return mac(secret, [REPLY_TAG, reply.request, reply.responder, reply.status], body);
}

/** Checks an answer's signature in constant time. */
export function verifyReply(secret: string | KeyObject, reply: SignedReply, body: string | Uint8Array, signature: string): boolean {
  return same(signReply(secret, reply, body), signature);
}
