import { Pool } from 'undici';
import { CellwireError, heldMsOf, RttEstimator, type Link, type LinkLatency, type NeighbourConfig, type SendOptions } from '@cellwire/core';
import type { KeyObject } from 'node:crypto';
import { optionalPositiveInt, type HttpTransportOptions } from './options.js';
import { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_IN_FLIGHT, HEADERS, messagePath } from './protocol.js';
import { hmacKey, signMessage, verifyReply } from './signature.js';
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
  /** Sends waiting for their answer right now (at most `maxInFlight`). */
  readonly inFlight: number;
  /** Sends refused with `resource_exhausted` because `maxInFlight` were already in flight. */
  readonly overloaded: number;
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
  /** The link's round-trip time so far (from answers that carry the listener's held time). */
  latency(): LinkLatency | undefined;
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

const utf8 = new TextDecoder('utf-8');

/**
 * Reads an answer body, at most `limit` bytes. Returns undefined (and drops the connection,
 * so the rest is never read) when the declared or the actual length is over the limit.
 */
function readAnswer(
  body: { destroy(): unknown; on(event: string, listener: (chunk: Buffer) => void): unknown; once(event: string, listener: (e?: unknown) => void): unknown },
  contentLength: string | string[] | undefined,
  limit: number,
): Promise<Buffer | undefined> {
  // undici reports a destroyed body as an AbortError: expected here, not an uncaught exception.
  const drop = () => {
    body.on('error', () => {});
    body.destroy();
    return undefined;
  };
  const declared = Number(Array.isArray(contentLength) ? contentLength[0] : (contentLength ?? NaN));
  if (declared > limit) return Promise.resolve(drop());
  // Stream events rather than `for await`: an async iterator costs a promise per chunk, and
  // an answer is usually one chunk.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    body.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        resolve(drop());
      } else chunks.push(chunk);
    });
    body.once('end', () => {
      if (done) return;
      done = true;
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    });
    body.once('error', (e) => {
      if (done) return;
      done = true;
      reject(e);
    });
  });
}

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
  const maxBodyBytes = optionalPositiveInt(options, 'maxBodyBytes') ?? defaults.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const maxInFlight = optionalPositiveInt(options, 'maxInFlight') ?? defaults.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
  const secret = neighbour.secret === undefined ? undefined : hmacKey(neighbour.secret);
  const fromHeader = encodeURIComponent(local.cell);

  let closed = false;
  let next = 0;
  let sent = 0;
  let failed = 0;
  let partial = 0;
  let inFlight = 0;
  let overloaded = 0;
  let lastError: CellwireError | undefined;
  // The link's round-trip time, from every answer that says how long the neighbour held it.
  const rtt = new RttEstimator();

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
      const started = performance.now();
      const res = await poolOf(t).request({ method: 'POST', path: t.path, headers, body, headersTimeout: timeout, bodyTimeout: timeout, signal });
      // Read the whole answer (an unread body keeps the connection from being reused), but
      // never more than the limit: a larger one is a typed error, not a memory spike.
      const answer = await readAnswer(res.body, res.headers['content-length'], maxBodyBytes);
      rtt.exchange(performance.now() - started, heldMsOf(res.headers[HEADERS.held]));
      if (answer === undefined) {
        return {
          ok: false,
          error: new CellwireError('payload_too_large', `the answer of cell ${cell} at ${t.url} exceeds this link's limit of ${maxBodyBytes} bytes`, {
            cell,
            details: { status: res.statusCode, limit: maxBodyBytes },
          }),
          tryNext: false,
        };
      }
      const status = res.statusCode;
      if (secret !== undefined) {
        const forged = checkAnswer(secret, headers[HEADERS.signature] ?? '', status, answer, res.headers[HEADERS.signature], t);
        if (forged !== undefined) return { ok: false, error: forged, tryNext: false };
      }
      const text = utf8.decode(answer);
      if (status === 200) return { ok: true, value: expectReply ? text : undefined };
      if (status >= 200 && status < 300) return { ok: true, value: undefined };
      return { ok: false, error: errorFromAnswer(status, text, cell), tryNext: false };
    } catch (e) {
      if (closed) return { ok: false, error: closedError(), tryNext: false };
      const code = errorCode(e);
      if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || (e as Error)?.name === 'TimeoutError') {
        return { ok: false, error: timeoutError(deadline), tryNext: false };
      }
      return { ok: false, ...networkError(e, t) };
    }
  }

  /**
   * On a signed link every answer must come from the neighbour: signed with the link secret,
   * bound to this request. An unsigned error answer is let through as the error its status
   * says (a 401 from a listener that could not place us, a proxy's 502); an unsigned or
   * wrongly signed success never is: that is someone else answering on the neighbour's port.
   */
  function checkAnswer(
    key: KeyObject,
    request: string,
    status: number,
    answer: Buffer,
    given: string | string[] | undefined,
    t: Target,
  ): CellwireError | undefined {
    const signature = Array.isArray(given) ? given[0] : given;
    const ok = status >= 200 && status < 300;
    if (signature === undefined && !ok) return undefined;
    if (signature !== undefined && verifyReply(key, { request, responder: cell, status }, answer, signature)) return undefined;
    const what = signature === undefined ? 'an unsigned' : 'a wrongly signed';
    return new CellwireError('unauthenticated', `cell ${cell} at ${t.url} gave ${what} answer (HTTP ${status}): not from the cell that holds this link's secret; answer dropped`, {
      cell,
      retryable: false,
      details: { status, url: t.url },
    });
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
      let counted = false;
      try {
        if (closed) throw closedError();
        const now = Date.now();
        if (!(options.deadline > now)) throw timeoutError(options.deadline);
        if (inFlight >= maxInFlight) {
          overloaded++;
          throw new CellwireError('resource_exhausted', `link to cell ${cell} already has ${inFlight} messages in flight (maxInFlight ${maxInFlight})`, {
            cell,
            details: { inFlight, maxInFlight },
          });
        }
        inFlight++;
        counted = true;
        const body = Buffer.from(data, 'utf8');
        const headers: Record<string, string> = {
          'content-type': 'application/json',
          [HEADERS.from]: fromHeader,
          [HEADERS.timestamp]: String(now),
        };
        if (options.expectReply) {
          headers[HEADERS.reply] = '1';
          headers[HEADERS.deadline] = String(options.deadline);
        }
        if (secret !== undefined) {
          headers[HEADERS.signature] = signMessage(
            secret,
            { timestamp: now, from: local.cell, to: cell, reply: headers[HEADERS.reply] ?? '', deadline: headers[HEADERS.deadline] ?? '' },
            body,
          );
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
      } finally {
        if (counted) inFlight--;
      }
    },

    stats: () => ({ sent, failed, partial, lastError, inFlight, overloaded }),

    latency: () => rtt.latency(),

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
