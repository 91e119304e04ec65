import { Pool } from 'undici';
import { CellwireError, type Link, type NeighbourConfig, type SendOptions } from '@cellwire/core';
import { optionalPositiveInt, type HttpTransportOptions } from './options.js';
import { DEFAULT_CONNECT_TIMEOUT_MS, HEADERS, messagePath } from './protocol.js';
import { hmacKey, signMessage } from './signature.js';
import { errorFromAnswer } from './status.js';
import { loadTls, type TlsMaterial } from './tls.js';

/** Per-link counters, for the runner's logs and metrics. */
export interface HttpLinkStats {
  /** Messages the neighbour accepted. */
  readonly sent: number;
  /** Messages that were not delivered (`send` rejected). */
  readonly failed: number;
  /** Fanout messages some, but not all, instances accepted (`send` resolved). */
  readonly partial: number;
  /** The most recent delivery error, including an instance missed by a partial fanout. */
  readonly lastError: CellwireError | undefined;
}

/**
 * A link to one neighbour cell over HTTP: one keep-alive connection pool per URL.
 *
 * @example
 * const link = transport.connect({ name: 'child1', urls: ['http://10.0.0.2:7001'], secret }, { cell: 'api' });
 * await link.send(envelope, { messageType: 'targeted', fanout: false, expectReply: false, deadline: Date.now() + 5000, durable: false });
 * console.log(link.stats()); // { sent: 1, failed: 0, partial: 0, lastError: undefined }
 */
export interface HttpLink extends Link {
  /** The neighbour's service instance URLs, as configured. */
  readonly urls: readonly string[];
  stats(): HttpLinkStats;
}

interface Target {
  readonly url: string;
  readonly origin: string;
  readonly path: string;
  readonly tls: boolean;
  pool: Pool | undefined;
}

type Outcome =
  | { readonly ok: true; readonly value: string | undefined }
  | { readonly ok: false; readonly error: CellwireError; readonly tryNext: boolean };

// Failures where nothing reached the instance, so another instance may take the message
// without it running twice.
const NOT_CONNECTED = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);
// The TLS handshake failed: the peer is not who the config says. Retrying will not help.
const TLS_REFUSED = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|HOSTNAME_MISMATCH)/;
// Timers overflow past 2^31-1 ms; such a deadline is as good as none.
const MAX_TIMER_MS = 0x7fffffff;

function errorCode(e: unknown): string {
  const err = e as { code?: unknown; cause?: { code?: unknown } } | null;
  if (typeof err?.code === 'string') return err.code;
  if (typeof err?.cause?.code === 'string') return err.cause.code;
  return '';
}

function parseTarget(raw: string, cell: string): Target {
  let url: URL;
  try {
    url = new URL(raw);
  } catch (cause) {
    throw new CellwireError('invalid_argument', `neighbour ${cell}: not a URL: ${raw}`, { cause, cell });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CellwireError('invalid_argument', `neighbour ${cell}: the http transport cannot reach ${raw}`, { cell });
  }
  return { url: raw, origin: url.origin, path: messagePath(url.pathname), tls: url.protocol === 'https:', pool: undefined };
}

/** Opens a link; used by the transport's `connect`. Pools open lazily on the first send. */
export function openLink(
  neighbour: NeighbourConfig,
  local: { readonly cell: string },
  defaults: HttpTransportOptions,
  onClose: (link: HttpLink) => void,
): HttpLink {
  const cell = neighbour.name;
  if (neighbour.urls.length === 0) {
    throw new CellwireError('invalid_argument', `neighbour ${cell} has no URL`, { cell });
  }
  const targets = neighbour.urls.map((u) => parseTarget(u, cell));
  const options = neighbour.options;
  const tls: TlsMaterial | undefined = loadTls(options?.['tls']);
  const connectTimeout =
    optionalPositiveInt(options, 'connectTimeoutMs') ?? defaults.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const connections = optionalPositiveInt(options, 'connections') ?? defaults.connections ?? null;
  const secret = neighbour.secret === undefined ? undefined : hmacKey(neighbour.secret);
  const fromHeader = encodeURIComponent(local.cell);

  let closed = false;
  let next = 0;
  let sent = 0;
  let failed = 0;
  let partial = 0;
  let lastError: CellwireError | undefined;

  const poolOf = (t: Target): Pool =>
    (t.pool ??= new Pool(t.origin, {
      connections,
      connect: { timeout: connectTimeout, ...(t.tls ? tls : {}) },
    }));

  const timeoutError = (deadline: number) =>
    new CellwireError('timeout', `cell ${cell} did not answer before the deadline (${new Date(deadline).toISOString()})`, {
      cell,
    });

  async function deliver(t: Target, body: Buffer, headers: Record<string, string>, expectReply: boolean, deadline: number): Promise<Outcome> {
    try {
      // The deadline is undici's own per-request timeout (headers, then body): no
      // AbortController, abort listener and timer of our own per message. close() destroys
      // the pools, which fails what is in flight.
      const wait = Math.max(1, deadline - Date.now());
      const timeout = wait <= MAX_TIMER_MS ? wait : null;
      // With a connection limit a request can wait in the pool's queue, where undici's
      // timeouts do not run yet: there an abort signal keeps the deadline.
      const signal = connections === null || timeout === null ? undefined : AbortSignal.timeout(timeout);
      const res = await poolOf(t).request({ method: 'POST', path: t.path, headers, body, headersTimeout: timeout, bodyTimeout: timeout, signal });
      // Always drain the body: an unread body keeps the connection from being reused.
      const text = await res.body.text();
      if (res.statusCode === 200) return { ok: true, value: expectReply ? text : undefined };
      if (res.statusCode >= 200 && res.statusCode < 300) return { ok: true, value: undefined };
      return { ok: false, error: errorFromAnswer(res.statusCode, text, cell), tryNext: false };
    } catch (e) {
      if (closed) return { ok: false, error: closedError(), tryNext: false };
      const code = errorCode(e);
      if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || (e as Error)?.name === 'TimeoutError') {
        return { ok: false, error: timeoutError(deadline), tryNext: false };
      }
      return { ok: false, ...networkError(e, t) };
    }
  }

  function networkError(e: unknown, t: Target): { error: CellwireError; tryNext: boolean } {
    const code = errorCode(e);
    const reason = (e as Error | undefined)?.message ?? String(e);
    const message = `cell ${cell} unreachable at ${t.url}: ${reason}`;
    if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
      return { error: new CellwireError('timeout', `cell ${cell} at ${t.url} stopped answering: ${reason}`, { cell, cause: e }), tryNext: false };
    }
    if (code === 'UND_ERR_DESTROYED' || code === 'UND_ERR_CLOSED') return { error: closedError(e), tryNext: false };
    if (NOT_CONNECTED.has(code)) {
      return { error: new CellwireError('unavailable', message, { cell, cause: e, details: { url: t.url, errno: code } }), tryNext: true };
    }
    if (TLS_REFUSED.test(code)) {
      return {
        error: new CellwireError('unavailable', `cell ${cell} at ${t.url} failed TLS verification: ${reason}`, {
          cell,
          cause: e,
          retryable: false,
          details: { url: t.url, errno: code },
        }),
        tryNext: true,
      };
    }
    // Reset or closed mid-exchange: the instance may have run the message, so do not
    // hand it to another one; the runner decides whether to retry.
    return { error: new CellwireError('unavailable', message, { cell, cause: e, details: { url: t.url, errno: code } }), tryNext: false };
  }

  function closedError(cause?: unknown): CellwireError {
    return new CellwireError('aborted', `link to cell ${cell} is closed`, { cell, cause });
  }

  function combined(errors: readonly CellwireError[], what: string): CellwireError {
    const [first] = errors;
    if (errors.length === 1 && first !== undefined) return first;
    const codes = new Set(errors.map((e) => e.code));
    const [code] = codes.size === 1 ? codes : ['unavailable' as const];
    return new CellwireError(code ?? 'unavailable', `cell ${cell}: ${what}: ${errors.map((e) => e.message).join('; ')}`, {
      cell,
      retryable: errors.some((e) => e.retryable),
      details: { errors: errors.map((e) => ({ code: e.code, message: e.message })) },
    });
  }

  async function sendOne(body: Buffer, headers: Record<string, string>, expectReply: boolean, deadline: number) {
    const start = next++ % targets.length;
    const errors: CellwireError[] = [];
    for (let i = 0; i < targets.length; i++) {
      const t = targets[(start + i) % targets.length]!;
      const out = await deliver(t, body, headers, expectReply, deadline);
      if (out.ok) return out.value;
      if (!out.tryNext) throw out.error;
      errors.push(out.error);
    }
    throw combined(errors, `none of its ${targets.length} URLs answered`);
  }

  async function sendAll(body: Buffer, headers: Record<string, string>, expectReply: boolean, deadline: number) {
    const outcomes = await Promise.all(targets.map((t) => deliver(t, body, headers, expectReply, deadline)));
    const errors = outcomes.flatMap((o) => (o.ok ? [] : [o.error]));
    if (errors.length === outcomes.length) throw combined(errors, 'no instance accepted the fanout');
    if (errors.length > 0) {
      partial++;
      lastError = combined(errors, `${errors.length} of ${outcomes.length} instances missed the fanout`);
    }
    for (const o of outcomes) if (o.ok && o.value !== undefined) return o.value;
    return undefined;
  }

  const link: HttpLink = {
    cell,
    urls: neighbour.urls,

    async send(data: string, options: SendOptions): Promise<string | undefined> {
      try {
        if (closed) throw closedError();
        const now = Date.now();
        if (!(options.deadline > now)) throw timeoutError(options.deadline);
        const body = Buffer.from(data, 'utf8');
        const headers: Record<string, string> = {
          'content-type': 'application/json',
          [HEADERS.from]: fromHeader,
          [HEADERS.timestamp]: String(now),
        };
        if (secret !== undefined) headers[HEADERS.signature] = signMessage(secret, now, local.cell, body);
        if (options.expectReply) {
          headers[HEADERS.reply] = '1';
          headers[HEADERS.deadline] = String(options.deadline);
        }
        const send = options.fanout ? sendAll : sendOne;
        const value = await send(body, headers, options.expectReply, options.deadline);
        sent++;
        return value;
      } catch (e) {
        const error = e instanceof CellwireError ? e : new CellwireError('internal', `sending to cell ${cell} failed: ${String(e)}`, { cell, cause: e });
        failed++;
        lastError = error;
        throw error;
      }
    },

    stats: () => ({ sent, failed, partial, lastError }),

    async close() {
      if (closed) return;
      closed = true;
      // In-flight sends reject with `aborted` (destroying a pool fails what it carries)
      // rather than waiting out their deadlines.
      await Promise.all(targets.map((t) => t.pool?.destroy()));
      onClose(link);
    },
  };
  return link;
}
