import type { SocketOptions } from 'amqplib';
import { CellwireError } from '@cellwire/core';
import { DEFAULT_PREFIX } from './topology.js';

/** Where the transport reports what happens to its connections (reconnects, lost channels). */
export type AmqpLogger = (level: 'debug' | 'info' | 'warn' | 'error', message: string, error?: unknown) => void;

/** Options of {@link createAmqpTransport}. Every field has a default. */
export interface AmqpTransportOptions {
  /** First part of every queue and exchange name (default `cellwire`). Must match between neighbours. */
  readonly prefix?: string;
  /** Unacknowledged messages per queue a listener holds at once (default 64). */
  readonly prefetch?: number;
  /** AMQP heartbeat in seconds; detects a dead broker on a silent network (default 10; 0 turns it off). */
  readonly heartbeatSeconds?: number;
  /** Gives up on one TCP + AMQP handshake after this long (default 5000 ms). */
  readonly connectTimeoutMs?: number;
  /** Reconnect backoff: first delay, doubled after each failure up to `maxDelayMs`, with ±20 % jitter (default 100 ms to 2 s). */
  readonly reconnect?: { readonly initialDelayMs?: number; readonly maxDelayMs?: number };
  /** How long `listen()` waits for the broker before it rejects with `unavailable` (default 15000 ms). */
  readonly listenTimeoutMs?: number;
  /** How long a listener's `close()` waits for handlers in flight so their messages get acked (default 5000 ms). */
  readonly drainTimeoutMs?: number;
  /**
   * Largest message, both ways (default 16 MiB): a link refuses to send a larger envelope and
   * to accept a larger reply, a listener to send a larger reply; each is `payload_too_large`.
   */
  readonly maxMessageBytes?: number;
  /** Most sends (calls and casts) a link has in flight; more reject with `resource_exhausted` (default 1024). */
  readonly maxInFlight?: number;
  /**
   * Tolerated age (and clock difference) of a signed message's timestamp at the listener
   * (default 30 000 ms, as HTTP). A signed message outside ±this window is refused
   * (`unauthenticated`; a cast is dead-lettered). A cast that waited in the queue longer than
   * this while its cell was down is refused too: raise it for cells that may stay down longer.
   */
  readonly maxClockSkewMs?: number;
  /**
   * A message delivered this many times without ever being acked (its handler crashed or hung
   * the process each time) is dead-lettered instead of run again (default 5).
   */
  readonly maxDeliveries?: number;
  /** The dead-letter queue keeps at most this many messages, dropping the oldest (default 10 000). */
  readonly deadLetterMaxLength?: number;
  /**
   * How long a link trusts what it last saw of a cell queue's consumers before asking the broker
   * again (default 1000 ms). A call to a cell queue with no consumer (the cell is not running)
   * fails with `unavailable` at once instead of waiting for its deadline; calls in flight are
   * re-checked this often, so a cell that dies under them fails them too.
   */
  readonly consumerCheckMs?: number;
  /** Passed to amqplib's `connect` for every connection (TLS `ca`/`cert`/`key` for amqps, keep-alive, ...). */
  readonly socketOptions?: SocketOptions;
  /** Receives connection events and errors that no caller can be told about (default: warnings and errors to stderr). */
  readonly log?: AmqpLogger;
}

export interface ResolvedOptions {
  readonly prefix: string;
  readonly prefetch: number;
  readonly heartbeatSeconds: number;
  readonly connectTimeoutMs: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly listenTimeoutMs: number;
  readonly drainTimeoutMs: number;
  readonly maxMessageBytes: number;
  readonly maxInFlight: number;
  readonly maxClockSkewMs: number;
  readonly maxDeliveries: number;
  readonly deadLetterMaxLength: number;
  readonly consumerCheckMs: number;
  readonly socketOptions: SocketOptions;
  readonly log: AmqpLogger;
}

const stderrLogger: AmqpLogger = (level, message, error) => {
  if (level === 'warn' || level === 'error') {
    const detail = error instanceof Error ? `: ${error.message}` : '';
    process.stderr.write(`[cellwire/transport-amqp] ${level}: ${message}${detail}\n`);
  }
};

function positive(name: string, value: number | undefined, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new CellwireError('invalid_argument', `transport-amqp option ${name} must be a ${allowZero ? 'non-negative' : 'positive'} number, got ${value}`);
  }
  return value;
}

export function resolveOptions(options: AmqpTransportOptions = {}): ResolvedOptions {
  const initialDelayMs = positive('reconnect.initialDelayMs', options.reconnect?.initialDelayMs, 100);
  return {
    prefix: options.prefix ?? DEFAULT_PREFIX,
    prefetch: Math.floor(positive('prefetch', options.prefetch, 64)),
    heartbeatSeconds: positive('heartbeatSeconds', options.heartbeatSeconds, 10, true),
    connectTimeoutMs: positive('connectTimeoutMs', options.connectTimeoutMs, 5000),
    initialDelayMs,
    maxDelayMs: Math.max(initialDelayMs, positive('reconnect.maxDelayMs', options.reconnect?.maxDelayMs, 2000)),
    listenTimeoutMs: positive('listenTimeoutMs', options.listenTimeoutMs, 15_000),
    drainTimeoutMs: positive('drainTimeoutMs', options.drainTimeoutMs, 5000, true),
    maxMessageBytes: positive('maxMessageBytes', options.maxMessageBytes, 16 * 1024 * 1024),
    maxInFlight: Math.floor(positive('maxInFlight', options.maxInFlight, 1024)),
    maxClockSkewMs: positive('maxClockSkewMs', options.maxClockSkewMs, 30_000),
    maxDeliveries: Math.floor(positive('maxDeliveries', options.maxDeliveries, 5)),
    deadLetterMaxLength: Math.floor(positive('deadLetterMaxLength', options.deadLetterMaxLength, 10_000)),
    consumerCheckMs: positive('consumerCheckMs', options.consumerCheckMs, 1000),
    socketOptions: options.socketOptions ?? {},
    log: options.log ?? stderrLogger,
  };
}

/** Reads a string option from a NeighbourConfig / ListenConfig `options` bag. */
export function stringOption(bag: Readonly<Record<string, unknown>> | undefined, key: string): string | undefined {
  const v = bag?.[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new CellwireError('invalid_argument', `transport-amqp option ${key} must be a string`);
  return v;
}

/** Reads a positive integer option from an `options` bag. */
export function intOption(bag: Readonly<Record<string, unknown>> | undefined, key: string): number | undefined {
  const v = bag?.[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw new CellwireError('invalid_argument', `transport-amqp option ${key} must be a positive integer`);
  return v;
}
