import http, { type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { KeyObject } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { CellwireError, type ErrorCode, type Inbound, type InboundHandler, type ListenConfig, type Listener } from '@cellwire/core';
import {
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_CLOCK_SKEW_MS,
  DEFAULT_MAX_REPLY_WAIT_MS,
  HEADERS,
  messagePath,
} from './protocol.js';
import { optionalBoolean, optionalFunction, optionalPositiveInt, stderrLogger, type HttpLogger, type HttpTransportOptions } from './options.js';
import { hmacKey, signReply, verifySignature } from './signature.js';
import { errorBody, statusForCode } from './status.js';
import { loadTls } from './tls.js';

/**
 * A running HTTP listener. `server` is the node server, for callers that want to watch
 * connections or attach more handlers; cell messages and the fallback already share it.
 *
 * @example
 * const listener = await transport.listen({ cell: 'api', url: 'http://127.0.0.1:0', secrets }, onMessage);
 * console.log(listener.urls[0]); // http://127.0.0.1:40123
 */
export interface HttpListener extends Listener {
  readonly server: http.Server | https.Server;
}

const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 30_000;
// After refusing a request whose body we did not read, give the client this long to
// finish sending (discarded) and read our answer before the socket is destroyed.
const LINGER_MS = 2_000;
const JSON_TYPE = 'application/json; charset=utf-8';
const EMPTY = Buffer.alloc(0);

interface Settings {
  readonly cell: string;
  readonly path: string;
  readonly secrets: ReadonlyMap<string, KeyObject>;
  /** False only in development mode: no secrets and `allowUnsigned: true`. */
  readonly signed: boolean;
  readonly maxBodyBytes: number;
  readonly maxClockSkewMs: number;
  readonly maxReplyWaitMs: number;
  readonly fallback: RequestListener | undefined;
  readonly log: HttpLogger;
}

/** Starts one listener; used by the transport's `listen`. */
export async function startListener(
  config: ListenConfig,
  onMessage: InboundHandler,
  defaults: HttpTransportOptions,
): Promise<HttpListener> {
  const options = config.options;
  let url: URL;
  try {
    url = new URL(config.url);
  } catch (cause) {
    throw new CellwireError('invalid_argument', `listen url is not a URL: ${config.url}`, { cause });
  }
  const scheme = url.protocol.slice(0, -1);
  if (scheme !== 'http' && scheme !== 'https') {
    throw new CellwireError('invalid_argument', `the http transport cannot listen on ${scheme}: ${config.url}`);
  }
  const tls = loadTls(options?.['tls']);
  if (scheme === 'https' && tls?.cert === undefined) {
    throw new CellwireError('invalid_argument', `listening on ${config.url} needs options.tls { cert, key }`);
  }
  if (scheme === 'http' && tls !== undefined) {
    // Refuse rather than silently serve cleartext when the config meant TLS.
    throw new CellwireError('invalid_argument', `options.tls given for a plain http url: ${config.url}`);
  }

  const secrets = new Map(Object.entries(config.secrets ?? {}).map(([cell, s]) => [cell, hmacKey(s)] as const));
  const allowUnsigned = optionalBoolean(options, 'allowUnsigned') ?? false;
  const settings: Settings = {
    cell: config.cell,
    path: messagePath(url.pathname),
    secrets,
    signed: secrets.size > 0 || !allowUnsigned,
    maxBodyBytes: optionalPositiveInt(options, 'maxBodyBytes') ?? defaults.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    maxClockSkewMs: optionalPositiveInt(options, 'maxClockSkewMs') ?? defaults.maxClockSkewMs ?? DEFAULT_MAX_CLOCK_SKEW_MS,
    maxReplyWaitMs: optionalPositiveInt(options, 'maxReplyWaitMs') ?? defaults.maxReplyWaitMs ?? DEFAULT_MAX_REPLY_WAIT_MS,
    fallback: optionalFunction<RequestListener>(options, 'fallback'),
    log: defaults.log ?? stderrLogger,
  };

  const server = tls ? https.createServer({ ...tls }) : http.createServer();
  // Links are long-lived: keep idle sockets well past node's 5 s default so sends reuse them.
  server.keepAliveTimeout =
    optionalPositiveInt(options, 'keepAliveTimeoutMs') ?? defaults.keepAliveTimeoutMs ?? DEFAULT_KEEP_ALIVE_TIMEOUT_MS;
  server.on('request', (req: IncomingMessage, res: ServerResponse) => route(settings, onMessage, req, res));

  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = url.port === '' ? (scheme === 'https' ? 443 : 80) : Number(url.port);
  await new Promise<void>((resolve, reject) => {
    const onError = (cause: Error) =>
      reject(new CellwireError('unavailable', `cannot listen on ${config.url}: ${cause.message}`, { cause, retryable: false }));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  // A running server must not take the process down; socket-level errors are per client.
  server.on('error', () => {});

  const bound = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const base = url.pathname.replace(/\/+$/, '');
  let closing: Promise<void> | undefined;
  return {
    server,
    urls: [`${scheme}://${shownHost}:${bound}${base}`],
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive and waiting reply exchanges would hold close() open: end them now.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function route(settings: Settings, onMessage: InboundHandler, req: IncomingMessage, res: ServerResponse): void {
  const pathname = (req.url ?? '/').split('?', 1)[0];
  if (req.method === 'POST' && pathname === settings.path) {
    receive(settings, onMessage, req, res).catch((e: unknown) => {
      new Exchange(req, res).fail('internal', `listener failed: ${(e as Error)?.message ?? String(e)}`);
    });
    return;
  }
  if (settings.fallback === undefined) {
    new Exchange(req, res).fail('not_found', `no route for ${req.method ?? '?'} ${pathname ?? ''}`);
    return;
  }
  const failed = (e: unknown) => {
    if (!res.headersSent) new Exchange(req, res).fail('internal', `request handler failed: ${(e as Error)?.message ?? String(e)}`);
    else res.destroy();
  };
  try {
    const result: unknown = settings.fallback(req, res);
    // Async fallbacks (express-style) may reject; that must not become an unhandled rejection.
    if (result instanceof Promise) result.catch(failed);
  } catch (e) {
    failed(e);
  }
}

/** Signs every answer of an exchange with the link secret, bound to the request's signature. */
interface ReplySigner {
  readonly secret: KeyObject;
  readonly request: string;
  readonly responder: string;
}

/** One request/response pair, answered at most once. */
class Exchange {
  private answered = false;
  private timer: NodeJS.Timeout | undefined;
  /** When the message was in (its body read), for the held-time header (performance.now()). */
  private readonly since = performance.now();
  /** Set once the body is in: the held time counts from there. */
  received: number | undefined;
  /** Set once the sender is a known neighbour that signed: from then on every answer is signed. */
  signer: ReplySigner | undefined;

  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
  ) {
    // The sender hung up or the listener closed: later replies have nowhere to go.
    res.once('close', () => {
      this.answered = true;
      this.clearTimer();
    });
  }

  /** Answers once; later calls are ignored. */
  send(status: number, body?: string | Buffer, contentType?: string): void {
    if (this.answered || this.res.headersSent || this.res.destroyed) return;
    this.answered = true;
    this.clearTimer();
    const bytes = body === undefined ? EMPTY : typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    const headers: Record<string, string | number> = { 'content-length': bytes.length };
    if (body !== undefined && contentType !== undefined) headers['content-type'] = contentType;
    // How long this listener held the message: the link takes it from the exchange's time.
    headers[HEADERS.held] = (performance.now() - (this.received ?? this.since)).toFixed(1);
    const signer = this.signer;
    if (signer !== undefined) {
      headers[HEADERS.signature] = signReply(signer.secret, { request: signer.request, responder: signer.responder, status }, bytes);
    }
    if (!this.req.complete) this.closeAfterAnswer(headers);
    this.res.writeHead(status, headers);
    this.res.end(bytes);
  }

  fail(code: ErrorCode, message: string): void {
    this.send(statusForCode(code), errorBody(code, message), JSON_TYPE);
  }

  /** Answers `timeout` if nothing else answered by `ms` from now. */
  expireIn(ms: number, message: string): void {
    this.clearTimer();
    // setTimeout overflows past 2^31-1 ms and would fire at once.
    if (ms > 0x7fffffff) return;
    this.timer = setTimeout(() => this.fail('timeout', message), Math.max(0, ms));
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  // We answer before reading the whole body (refused early, or over the limit). The rest
  // is discarded, never buffered, and the connection cannot be reused; destroying the
  // socket right away could reset it before the client reads the answer, so linger a bit.
  private closeAfterAnswer(headers: Record<string, string | number>): void {
    headers['connection'] = 'close';
    this.req.removeAllListeners('data');
    this.req.resume();
    const socket = this.req.socket;
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  }
}

type Body =
  | { readonly kind: 'ok'; readonly bytes: Buffer }
  | { readonly kind: 'too_large' }
  | { readonly kind: 'gone'; readonly received: number };

// Collects at most `limit` bytes; stops collecting the moment the body grows past it.
function readBody(req: IncomingMessage, limit: number): Promise<Body> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (body: Body) => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onGone);
      req.off('close', onGone);
      // A stream error after we stopped listening must not become an uncaught exception.
      req.on('error', ignore);
      resolve(body);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) finish({ kind: 'too_large' });
      else chunks.push(chunk);
    };
    const onEnd = () => finish({ kind: 'ok', bytes: Buffer.concat(chunks, size) });
    const onGone = () => finish({ kind: 'gone', received: size });
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onGone);
    req.on('close', onGone);
  });
}

function ignore(): void {}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function decodeName(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

type Sender = { readonly ok: true; readonly from: string | undefined } | { readonly ok: false; readonly reason: string };

// Header-level checks, before any body byte is read: an unknown or stale sender costs us
// nothing. The signature itself needs the body and is checked after reading it.
function checkSender(settings: Settings, req: IncomingMessage, now: number): Sender {
  const rawFrom = header(req, HEADERS.from);
  const from = decodeName(rawFrom);
  if (rawFrom !== undefined && from === undefined) return { ok: false, reason: `malformed ${HEADERS.from} header` };
  if (!settings.signed) return { ok: true, from };
  if (settings.secrets.size === 0) {
    return { ok: false, reason: `cell ${settings.cell} has no link secrets configured and accepts no messages` };
  }
  if (from === undefined) return { ok: false, reason: `missing ${HEADERS.from} header` };
  if (!settings.secrets.has(from)) return { ok: false, reason: `unknown sender ${from}` };
  const ts = header(req, HEADERS.timestamp);
  if (ts === undefined || !/^\d{1,15}$/.test(ts)) return { ok: false, reason: `missing or malformed ${HEADERS.timestamp} header` };
  if (Math.abs(now - Number(ts)) > settings.maxClockSkewMs) {
    return { ok: false, reason: `timestamp outside the allowed ±${settings.maxClockSkewMs} ms window (check clocks)` };
  }
  if (header(req, HEADERS.signature) === undefined) return { ok: false, reason: `missing ${HEADERS.signature} header` };
  return { ok: true, from };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

async function receive(settings: Settings, onMessage: InboundHandler, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const exchange = new Exchange(req, res);
  const sender = checkSender(settings, req, Date.now());
  if (!sender.ok) return exchange.fail('unauthenticated', sender.reason);
  const signature = header(req, HEADERS.signature) ?? '';
  const secret = settings.signed ? settings.secrets.get(sender.from ?? '') : undefined;
  // A known neighbour that signed: every answer from here on is signed for it, bound to this
  // request, so nothing else answering on this port can pass for this cell. (Answers before
  // the signature is checked are listener-made errors: signing them gives nobody anything.)
  if (secret !== undefined) exchange.signer = { secret, request: signature, responder: settings.cell };

  const declared = Number(header(req, 'content-length') ?? NaN);
  const tooLarge = `message body exceeds ${settings.maxBodyBytes} bytes`;
  if (declared > settings.maxBodyBytes) return exchange.fail('payload_too_large', tooLarge);
  const body = await readBody(req, settings.maxBodyBytes);
  if (body.kind === 'gone') {
    // The client hung up mid-body (it gave up, or it died): nobody to answer, nothing to run.
    const who = sender.from === undefined ? 'a client' : `cell ${sender.from}`;
    const of = Number.isFinite(declared) ? ` of ${declared}` : '';
    settings.log('debug', `cell ${settings.cell}: ${who} hung up after ${body.received}${of} body bytes; message dropped`);
    return;
  }
  if (body.kind === 'too_large') return exchange.fail('payload_too_large', tooLarge);
  exchange.received = performance.now();

  const replyHeader = header(req, HEADERS.reply);
  const deadlineHeader = header(req, HEADERS.deadline);
  if (settings.signed) {
    const ts = header(req, HEADERS.timestamp) ?? '';
    const signed = { timestamp: ts, from: sender.from ?? '', to: settings.cell, reply: replyHeader ?? '', deadline: deadlineHeader ?? '' };
    if (!verifySignature(secret ?? hmacKey(''), signed, body.bytes, signature)) {
      return exchange.fail('unauthenticated', 'signature does not match (wrong link secret, or a signed header was changed)');
    }
  }

  let data: string;
  try {
    data = utf8.decode(body.bytes);
  } catch {
    return exchange.fail('invalid_argument', 'message body is not valid UTF-8');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch (e) {
    return exchange.fail('invalid_argument', `message body is not JSON: ${(e as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    const kind = parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : `a ${typeof parsed}`;
    return exchange.fail('invalid_argument', `message body must be a JSON object, got ${kind}`);
  }

  const wantsReply = replyHeader === '1';
  const inbound: Inbound = {
    data,
    // Parsed once here (to refuse what is not a JSON object): the runner need not parse it again.
    json: parsed,
    from: sender.from,
    reject: (error: CellwireError) =>
      exchange.fail(CellwireError.codeOf(error), (error as Error | undefined)?.message ?? 'rejected'),
    ...(wantsReply
      ? {
          reply: (text: string | undefined) => {
            if (typeof text !== 'string') return exchange.send(204);
            // An answer over the limit would be refused by the link anyway (or fill its
            // memory): say so, typed, rather than send it. Encoded once, for both.
            const bytes = Buffer.from(text, 'utf8');
            if (bytes.length > settings.maxBodyBytes) {
              return exchange.fail('payload_too_large', `the answer of cell ${settings.cell} is ${bytes.length} bytes, over the ${settings.maxBodyBytes} byte limit`);
            }
            exchange.send(200, bytes, JSON_TYPE);
          },
        }
      : {}),
  };
  if (wantsReply) {
    const deadline = Number(deadlineHeader ?? NaN);
    const wait = Number.isFinite(deadline) ? deadline - Date.now() : settings.maxReplyWaitMs;
    exchange.expireIn(wait, `cell ${settings.cell} had no reply before the deadline`);
  }

  let handled: Promise<void>;
  try {
    handled = Promise.resolve(onMessage(inbound));
  } catch (e) {
    handled = Promise.reject(e);
  }
  await handled.then(
    // A cast is answered when it was handled; a call waits for reply() or its deadline.
    () => (wantsReply ? undefined : exchange.send(202)),
    (e: unknown) => exchange.fail('internal', `message handler failed: ${(e as Error)?.message ?? String(e)}`),
  );
}
