/**
 * Broker URLs: `amqp://user:pass@host:port/vhost` (vhost URL-encoded: `%2F` is `/`, an empty
 * path is `/` too), or `amqps://` for TLS.
 */
import { CellwireError } from '@cellwire/core';

export const SCHEMES = ['amqp', 'amqps'] as const;

/** A broker URL, checked, with the form used to connect and the form safe to print. */
export interface BrokerUrl {
  /** The URL to connect with (credentials kept, heartbeat added). */
  readonly connect: string;
  /** The URL without its password, for messages, logs and `Listener.urls`. */
  readonly display: string;
  /** The vhost, decoded. */
  readonly vhost: string;
}

/**
 * Checks an AMQP URL and prepares it for amqplib.
 *
 * @example
 * parseBrokerUrl('amqp://guest:guest@127.0.0.1:5672/%2F', 10).display // 'amqp://guest:***@127.0.0.1:5672/%2F'
 */
export function parseBrokerUrl(raw: string, heartbeatSeconds: number): BrokerUrl {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CellwireError('invalid_argument', `not a URL: ${JSON.stringify(redact(raw))}`);
  }
  const scheme = url.protocol.replace(/:$/, '');
  if (!(SCHEMES as readonly string[]).includes(scheme)) {
    throw new CellwireError('invalid_argument', `transport-amqp handles amqp:// and amqps:// URLs, not ${scheme}://`);
  }
  if (url.hostname === '') throw new CellwireError('invalid_argument', `no host in ${redact(raw)}`);
  const path = url.pathname.replace(/^\//, '');
  if (path.includes('/')) {
    throw new CellwireError('invalid_argument', `the vhost in ${redact(raw)} must be URL-encoded (use %2F for '/')`);
  }
  const vhost = path === '' ? '/' : decodeURIComponent(path);
  // amqplib reads the heartbeat from the query; an explicit one in the URL wins.
  if (!url.searchParams.has('heartbeat')) url.searchParams.set('heartbeat', String(heartbeatSeconds));
  return { connect: url.toString(), display: redact(raw), vhost };
}

/** Replaces the password of a URL with `***` (leaves anything that is not a URL alone). */
export function redact(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password === '') return raw;
    url.password = '***';
    return url.toString();
  } catch {
    return raw.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
  }
}
