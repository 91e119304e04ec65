/**
 * The contract between the message runner and a network. A transport moves envelope
 * text (one JSON object per message) between neighbouring cells; it knows no method.
 *
 * Every message is one-way, as in the reference. A transport may also offer a reply on
 * the same exchange (HTTP response body, AMQP direct reply-to, a resolved promise in
 * memory): the runner uses it to send a response straight back to the neighbour that is
 * waiting, which saves a second exchange per hop.
 */

import type { CellwireError } from './errors.js';
import type { LinkLatency } from './latency.js';
import type { Envelope } from './wire.js';

export type MessageType = 'targeted' | 'broadcast' | 'response';

/** One inbound message, as a transport hands it to the runner. */
export interface Inbound {
  /** The envelope, JSON text (made from `value` on first read, when the transport carries values). */
  readonly data: string;
  /**
   * The envelope as a value, from a transport that carries values instead of text (an
   * in-process one, see `Link.sendValue`): a fresh copy owned by the receiver, nested no
   * deeper than MAX_MESSAGE_DEPTH. The runner checks it as it checks text, without parsing.
   */
  readonly value?: unknown;
  /**
   * The transport vouches that this message reaches this cell once and cannot be replayed:
   * a runner's own send over an in-process link. The runner then keeps no dedupe entry for a
   * targeted message (a broadcast may still come by a second path, through another parent).
   */
  readonly unique?: boolean;
  /**
   * `data` already parsed, when the transport had to parse it anyway (the HTTP listener
   * checks that a body is a JSON object before it hands it on): the runner then does not
   * parse it a second time. Must be a fresh value, owned by the receiver.
   */
  readonly json?: unknown;
  /** The neighbour that sent it, when the transport knows (authenticated link, memory). */
  readonly from?: string;
  /**
   * Present when the sender waits on this exchange. The runner calls it exactly once:
   * with the reply envelope, or with `undefined` when no reply will come this way.
   * Calls after the first are ignored by the transport.
   */
  readonly reply?: (data: string | undefined) => void;
  /**
   * With `reply`, on a transport that carries values: answers with the reply envelope itself
   * (the transport copies it before the runner returns), instead of `reply(text)`.
   */
  readonly replyValue?: (envelope: Envelope) => void;
  /**
   * Present when the transport can turn a rejection into a protocol error for the sender
   * (HTTP 400/413, AMQP reject): the runner calls it for input it cannot even decode.
   */
  readonly reject?: (error: CellwireError) => void;
}

/**
 * Receives inbound messages. Returns a promise that settles when the message was handled
 * (run locally, forwarded, or rejected); a transport that acknowledges (AMQP) waits for it.
 * It never rejects: bad input becomes an error response, not an exception.
 */
export type InboundHandler = (message: Inbound) => Promise<void>;

export interface SendOptions {
  readonly messageType: MessageType;
  /** Deliver to every service instance of the neighbour, not one of them. */
  readonly fanout: boolean;
  /** The sender waits for a reply on this exchange; `send` resolves with it. */
  readonly expectReply: boolean;
  /** Absolute time (ms since epoch) after which waiting makes no sense. */
  readonly deadline: number;
  /** A cast that must survive a broker restart (persistent message, publisher confirm). */
  readonly durable: boolean;
}

/** A connection to one neighbour cell. */
export interface Link {
  /** The neighbour's short name. */
  readonly cell: string;
  /**
   * Sends one envelope. Resolves once the neighbour accepted it: with the reply text when
   * `expectReply` and the neighbour answered on this exchange, else `undefined`.
   * Rejects with a CellwireError: `unavailable` (cannot reach it; fail fast, not at the
   * deadline), `unauthenticated`, `invalid_argument` / `payload_too_large` (it refused the
   * bytes), `timeout` (deadline passed).
   */
  send(data: string, options: SendOptions): Promise<string | undefined>;
  /**
   * Optional, for links that carry values rather than text (in-process, as the memory
   * transport): sends the envelope itself, as `send` sends its text. The link copies it
   * before it returns (the receiver never shares the sender's objects, see `copyJson`), and
   * resolves with the reply envelope as text or as such a copy. When present, the runner
   * uses it instead of encoding the envelope for `send`.
   */
  sendValue?(envelope: Envelope, options: SendOptions): Promise<string | Envelope | undefined>;
  /**
   * The round-trip time of this link as measured so far (RFC 6298 smoothed RTT and
   * variance, see latency.ts), from the exchanges `send` made, less the time the neighbour
   * held each message; undefined before the first measurement. Optional: a link without it
   * leaves the runner to its fixed hop margin. The runner reads it for every call it
   * forwards, so it must be cheap.
   */
  latency?(): LinkLatency | undefined;
  close(): Promise<void>;
}

/** Where this cell receives messages. */
export interface Listener {
  /** Addresses the listener is reachable at (e.g. the bound HTTP URL with its real port). */
  readonly urls: readonly string[];
  close(): Promise<void>;
}

/** How a cell reaches one neighbour (from the `parents` / `children` entries of the cell config). */
export interface NeighbourConfig {
  /** The neighbour's short name. */
  readonly name: string;
  /** One URL per service instance of that cell; the scheme picks the transport. */
  readonly urls: readonly string[];
  /** Shared secret of this link, already read from the environment or a file. */
  readonly secret?: string;
  /** Transport specific options (TLS files, prefetch, ...). */
  readonly options?: Readonly<Record<string, unknown>>;
}

/** What a cell serves on. */
export interface ListenConfig {
  /** This cell's short name. */
  readonly cell: string;
  /** The URL to serve on (its scheme matches the transport). */
  readonly url: string;
  /**
   * Secrets by neighbour name, for transports that authenticate each link (HTTP).
   * A message from a neighbour not in this map is refused when the map is non-empty.
   */
  readonly secrets?: Readonly<Record<string, string>>;
  readonly options?: Readonly<Record<string, unknown>>;
}

/** A network that can carry cellwire messages. */
export interface Transport {
  /** URL schemes this transport handles, e.g. ['http', 'https']. */
  readonly schemes: readonly string[];
  /** Opens a link to a neighbour. Cheap: connections are made lazily and pooled. */
  connect(neighbour: NeighbourConfig, local: { readonly cell: string }): Link;
  /** Starts receiving messages for a cell. */
  listen(config: ListenConfig, onMessage: InboundHandler): Promise<Listener>;
  /** Closes everything this transport opened. */
  close(): Promise<void>;
}
