/**
 * The wire contract between an HTTP link and an HTTP listener: one path, a few headers.
 * Both sides import these names so they cannot drift apart.
 */

/** Where cell-to-cell messages are posted, below the listen URL's own path. */
export const MESSAGE_PATH = '/v1/cell-messages';

/** Header names (lower case, as node:http hands them over). */
export const HEADERS = {
  /** The sending cell's name, percent-encoded (names are not limited to header-safe bytes). */
  from: 'x-cellwire-from',
  /** Milliseconds since epoch when the sender signed the message. */
  timestamp: 'x-cellwire-timestamp',
  /**
   * On a request: hex HMAC-SHA256 with the link secret over the timestamp, sender, receiver,
   * the `reply` and `deadline` headers and the body (see `signMessage`). On an answer: the
   * same over the request's signature, the answering cell, the status and the body (`signReply`).
   */
  signature: 'x-cellwire-signature',
  /** `1` when the sender waits for a reply on this exchange. */
  reply: 'x-cellwire-reply',
  /** Milliseconds since epoch after which the sender stops waiting for the reply. */
  deadline: 'x-cellwire-deadline',
  /**
   * On an answer: how long the listener held the message before answering (ms, decimal
   * text), from the moment its body was in. The link takes it from the time of the whole
   * exchange to measure the link's round-trip time (`link.latency()`). Advisory: not signed,
   * so a link clamps it to the exchange's own duration.
   */
  held: 'x-cellwire-held-ms',
} as const;

/** Default maximum request body: 1 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** Default tolerated clock difference between signer and verifier: ±30 s. */
export const DEFAULT_MAX_CLOCK_SKEW_MS = 30_000;
/** How long a listener holds a reply exchange whose sender gave no deadline. */
export const DEFAULT_MAX_REPLY_WAIT_MS = 60_000;
/** Most sends a link has in flight at once; beyond it `send` rejects with `resource_exhausted`. */
export const DEFAULT_MAX_IN_FLIGHT = 1024;
/** How long a link waits for a TCP/TLS connection before trying the next URL. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

/** Joins a base URL path (`/` or `/prefix/`) and {@link MESSAGE_PATH}. */
export function messagePath(basePath: string): string {
  return basePath.replace(/\/+$/, '') + MESSAGE_PATH;
}
