import type { RequestListener } from 'node:http';
import { CellwireError } from '@cellwire/core';
import type { TlsOptions } from './tls.js';

/**
 * Transport-wide settings; each listener and link may override its part through
 * `ListenConfig.options` / `NeighbourConfig.options`.
 *
 * @example
 * const transport = createHttpTransport({ maxBodyBytes: 4 * 1024 * 1024 });
 */
export interface HttpTransportOptions {
  /**
   * Largest message body in bytes, both ways: a listener refuses larger requests (413) and
   * larger answers of its own; a link refuses larger answers (`payload_too_large`). Default 1 MiB.
   */
  readonly maxBodyBytes?: number;
  /** Tolerated clock difference for signed timestamps (listeners). Default 30 000 ms. */
  readonly maxClockSkewMs?: number;
  /** How long a listener holds a reply exchange that names no deadline. Default 60 000 ms. */
  readonly maxReplyWaitMs?: number;
  /** Idle keep-alive time of listener sockets. Default 30 000 ms. */
  readonly keepAliveTimeoutMs?: number;
  /** TCP/TLS connect timeout of links, after which the next URL is tried. Default 5 000 ms. */
  readonly connectTimeoutMs?: number;
  /** Most connections a link keeps per URL; unlimited by default so long reply waits never queue others. */
  readonly connections?: number;
  /** Most sends (calls and casts) a link has in flight; more reject with `resource_exhausted`. Default 1024. */
  readonly maxInFlight?: number;
  /** Where listeners report what no caller can be told (default: warnings and errors to stderr, debug dropped). */
  readonly log?: HttpLogger;
}

/** Receives the transport's log lines. `error` is given only where a stack helps. */
export type HttpLogger = (level: 'debug' | 'info' | 'warn' | 'error', message: string, error?: unknown) => void;

/** The default logger: warnings and errors to stderr, one line each; debug and info dropped. */
export const stderrLogger: HttpLogger = (level, message, error) => {
  if (level === 'warn' || level === 'error') {
    const detail = error instanceof Error ? `: ${error.message}` : '';
    process.stderr.write(`[cellwire/transport-http] ${level}: ${message}${detail}\n`);
  }
};

/**
 * What `ListenConfig.options` may hold for an HTTP listener.
 *
 * @example
 * await transport.listen(
 *   { cell: 'api', url: 'https://0.0.0.0:7001', secrets, options: { tls: { cert, key }, fallback: api } },
 *   onMessage,
 * );
 */
export interface HttpListenOptions {
  /** Server certificate and key (required for an https URL). */
  readonly tls?: TlsOptions;
  /** Handles every request that is not a cell message (the cell's own HTTP API). */
  readonly fallback?: RequestListener;
  /** Accept unsigned messages when no secrets are configured (development only). */
  readonly allowUnsigned?: boolean;
  readonly maxBodyBytes?: number;
  readonly maxClockSkewMs?: number;
  readonly maxReplyWaitMs?: number;
  readonly keepAliveTimeoutMs?: number;
}

/**
 * What `NeighbourConfig.options` may hold for an HTTP link.
 *
 * @example
 * transport.connect({ name: 'child1', urls: ['https://10.0.0.2:7001'], secret, options: { tls: { ca } } }, { cell: 'api' });
 */
export interface HttpNeighbourOptions {
  /** `ca` to trust a private CA; `cert` + `key` to present a client certificate. */
  readonly tls?: TlsOptions;
  readonly connectTimeoutMs?: number;
  readonly connections?: number;
  /** Largest answer this link reads (default: the transport's `maxBodyBytes`). */
  readonly maxBodyBytes?: number;
  /** Most sends in flight on this link (default: the transport's `maxInFlight`). */
  readonly maxInFlight?: number;
}

// Options arrive as `Record<string, unknown>` from config files: check every field we read.

export function optionalPositiveInt(
  record: Readonly<Record<string, unknown>> | undefined,
  key: string,
): number | undefined {
  const v = record?.[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0) {
    throw new CellwireError('invalid_argument', `options.${key} must be a positive integer, got ${String(v)}`);
  }
  return v;
}

export function optionalBoolean(record: Readonly<Record<string, unknown>> | undefined, key: string): boolean | undefined {
  const v = record?.[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw new CellwireError('invalid_argument', `options.${key} must be a boolean`);
  return v;
}

export function optionalFunction<F>(record: Readonly<Record<string, unknown>> | undefined, key: string): F | undefined {
  const v = record?.[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'function') throw new CellwireError('invalid_argument', `options.${key} must be a function`);
  return v as F;
}

/** Validates transport-wide options once, at construction. */
export function checkTransportOptions(options: HttpTransportOptions): void {
  const record = options as Readonly<Record<string, unknown>>;
  for (const key of [
    'maxBodyBytes',
    'maxClockSkewMs',
    'maxReplyWaitMs',
    'keepAliveTimeoutMs',
    'connectTimeoutMs',
    'connections',
    'maxInFlight',
  ]) {
    optionalPositiveInt(record, key);
  }
  optionalFunction(record, 'log');
}
