/**
 * The cell's local HTTP API (docs/cell-service.md), served on an address of its own
 * (`api_listen`) or on the same listener as the HTTP transport (as its `fallback`): run a
 * message-runner method from this cell, read the cell's state, its instances and its health,
 * the tree below it and its recent calls; scrape its metrics (`GET /metrics`, Prometheus text)
 * and watch it at work (`GET /ui`, one HTML page).
 *
 * It is a control plane, so it has a door (api-door.ts): the `Host` header must name the
 * cell's API, a caller needs the bearer token (or the config lets anonymous callers in, as
 * non-admins), and a POST body must be declared JSON. Only `GET /v1/health` answers without a
 * token, and then only whether the cell is up and ready. A parent reads its child's tree with
 * a request signed with their link secret instead (link-read.ts).
 *
 * Every other answer is JSON; every refusal is a 4xx `{ "error": { "code", "message" } }` that
 * says what was wrong, and a failing handler is a 500 of the same shape, never a crash.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { CellwireError, MAX_MESSAGE_DEPTH, httpStatusFor, nestingExceeds, makeContext, adminContext, Response, type MessageRunner, type Logger } from '@cellwire/core';
import type { Instance, RequestContext } from '@cellwire/schema';
import { checkCaller, hostAllowed, isJsonContentType, needToken, Unauthenticated, type ApiAuth, type Caller } from './api-door.js';
import { isLinkRead, verifyLinkRead, type LinkReadPolicy } from './link-read.js';

/** The API's routes, below the listen URL's path. */
export const API_PATHS = {
  call: '/v1/call/{method}',
  state: '/v1/state',
  instances: '/v1/instances',
  instance: '/v1/instances/{uuid}',
  health: '/v1/health',
  tree: '/v1/tree',
  recent: '/v1/recent',
  methods: '/v1/methods',
  metrics: '/metrics',
  ui: '/ui',
} as const;

/**
 * Error codes of the API: cellwire's own (answered with core's `httpStatusFor`), plus three
 * that only HTTP has and that are no cellwire error codes: `method_not_allowed` (405),
 * `unsupported_media_type` (415: a POST body not declared `application/json`) and
 * `misdirected_request` (421: a `Host` that is not this cell's API).
 */
export type ApiErrorCode = CellwireError['code'] | 'method_not_allowed' | 'unsupported_media_type' | 'misdirected_request';

/** The longest `timeout_s` a call may ask for by default: the runner's longest deadline, 1 h. */
export const MAX_CALL_TIMEOUT_S = 3600;

/** The body of every API error. */
export interface ApiErrorBody {
  readonly error: { readonly code: ApiErrorCode; readonly message: string; readonly cell?: string };
}

/** Read access to the instances of this cell's store. */
export interface InstanceSource {
  list(): readonly Instance[];
  get(uuid: string): Instance | undefined;
}

/** What the API serves; the cell service provides it. */
export interface ApiDeps {
  readonly runner: MessageRunner;
  readonly instances: InstanceSource;
  /** The body of `GET /v1/state`. */
  state(): unknown;
  /** The body of `GET /v1/health`. */
  health(): unknown;
  /** `GET /v1/tree`: the tree below this cell (`timeout_ms` and `depth` from the query). Absent: 404. */
  tree?(query: { readonly timeoutMs?: number; readonly depth?: number }): Promise<unknown>;
  /** `GET /v1/recent`: the last calls made or run here, newest first, at most `limit`. Absent: 404. */
  recent?(limit: number | undefined): unknown;
  /** `GET /metrics`: the Prometheus text exposition and its content type. Absent: 404. */
  metrics?(): Promise<{ readonly contentType: string; readonly text: string }>;
  /** `GET /ui`: the live page, given the nonce its inline script must carry. Absent: 404. */
  ui?(nonce: string): { readonly html: string; readonly csp: string };
  /** `GET /v1/methods`: the methods a caller may run from this cell (the page's form). Absent: 404. */
  methods?(): unknown;
  /**
   * Who may use the API: `{ token }` (its holder is the admin), `{ anonymous: true }` (anyone,
   * as a non-admin), or both. Default: nobody; every request but `GET /v1/health` gets 401.
   */
  readonly auth?: ApiAuth;
  /**
   * Names the `Host` header may carry besides the address a request came in on
   * (`cells.example.net`: any port, `cells.example.net:7081`: that port). Others get 421.
   */
  readonly hosts?: readonly string[];
  /** Drop `ctxt.auth_token` from the calls made through the API (default false). */
  readonly stripAuthToken?: boolean;
  /** The longest `timeout_s` accepted (default {@link MAX_CALL_TIMEOUT_S}). */
  readonly maxTimeoutS?: number;
  /** Parents that may read `GET /v1/tree` with a request signed with their link secret. */
  readonly linkReads?: LinkReadPolicy;
  /** Largest accepted request body (default 1 MiB). */
  readonly maxBodyBytes?: number;
  /** The listen URL's path, when the cell is served below a prefix (`/cells/a`). */
  readonly basePath?: string;
  readonly logger?: Logger;
}

/** The JSON body of `POST /v1/call/{method}`. */
export interface CallRequest {
  /**
   * Request context; missing fields get the reference's defaults. Default: an admin context
   * for the token's holder, a plain one for an anonymous caller (whose `is_admin` and `roles`
   * are always forced to `false` and `[]`).
   */
  readonly ctxt?: Partial<RequestContext>;
  /** The method's arguments, keyed by the reference's names. Default `{}`. */
  readonly args?: Record<string, unknown>;
  /** How long to wait for the answer (default: the cell's `call_timeout_s`). */
  readonly timeout_s?: number;
}

/** A refusal with its HTTP status. */
class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  /** A cellwire error code, with the status core's one table gives it. */
  static of(code: CellwireError['code'], message: string, headers: Record<string, string> = {}): ApiError {
    return new ApiError(httpStatusFor(code), code, message, headers);
  }
}

const JSON_TYPE = 'application/json; charset=utf-8';
const CALL_PREFIX = '/v1/call/';

/**
 * Makes the request listener of the API.
 *
 * @example
 * const api = createApiHandler({ runner, instances, state: () => ({}), health: () => ({ ok: true }), auth: { token } });
 * await transport.listen({ cell: 'api-cell', url, options: { fallback: api } }, runner.receive);
 * // curl -XPOST $url/v1/call/service_get_all -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"args":{}}'
 */
export function createApiHandler(deps: ApiDeps): RequestListener {
  const base = (deps.basePath ?? '').replace(/\/+$/, '');
  const maxBody = deps.maxBodyBytes ?? 1024 * 1024;
  const who = checkCaller(deps.auth ?? {});
  return guarded(deps.logger, (req, res) => handle(deps, base, maxBody, who, req, res));
}

/**
 * The listener for a cell-link listener that does not serve the API (the API has an
 * `api_listen` address, or this is not the first http(s) listener): it answers only a
 * parent's signed `GET /v1/tree`, and 404 to everything else.
 */
export function createLinkReadHandler(deps: Pick<ApiDeps, 'tree' | 'linkReads' | 'logger' | 'basePath'>): RequestListener {
  const base = (deps.basePath ?? '').replace(/\/+$/, '');
  return guarded(deps.logger, async (req, res) => {
    const { url, pathname } = route(base, req);
    if (pathname === API_PATHS.tree && isLinkRead(req) && deps.tree && deps.linkReads) return linkRead(deps as LinkReadDeps, url, req, res);
    throw ApiError.of('not_found', `no route for ${req.method ?? 'GET'} ${url.pathname}: this listener carries cell messages; the cell's HTTP API is served elsewhere`);
  });
}

type LinkReadDeps = Required<Pick<ApiDeps, 'tree' | 'linkReads'>>;

/** Runs one request; whatever goes wrong, it gets an answer and the server keeps serving. */
function guarded(logger: Logger | undefined, run: (req: IncomingMessage, res: ServerResponse) => Promise<void>): RequestListener {
  return (req, res) => {
    run(req, res).catch((e: unknown) => {
      if (e instanceof ApiError) return sendError(res, e);
      // A client that hung up mid-body: nobody is left to answer, and anyone could flood the
      // log with stacks this way, so one debug line.
      if (req.destroyed || (e as { code?: unknown })?.code === 'ECONNRESET' || (e as Error)?.message === 'aborted') {
        logger?.debug(`HTTP API ${req.method ?? '?'} ${req.url ?? ''}: client went away mid-request`);
        return;
      }
      // The last line of defence: whatever went wrong, this request gets an answer and the
      // server keeps serving.
      logger?.error(`HTTP API ${req.method ?? '?'} ${req.url ?? ''} failed: ${(e as Error)?.stack ?? String(e)}`);
      const err = CellwireError.from(e);
      sendError(res, ApiError.of(err.code, err.code === 'internal' ? `internal error: ${err.message}` : err.message));
    });
  };
}

function route(base: string, req: IncomingMessage): { url: URL; pathname: string } {
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://cell.invalid');
  } catch {
    throw ApiError.of('invalid_argument', 'malformed request target');
  }
  let pathname = url.pathname;
  if (base) {
    if (pathname !== base && !pathname.startsWith(`${base}/`)) throw ApiError.of('not_found', `no route for ${url.pathname}`);
    pathname = pathname.slice(base.length) || '/';
  }
  return { url, pathname };
}

/** A parent's signed read of this cell's tree: a cell-to-cell request, checked like a cell message. */
async function linkRead(deps: LinkReadDeps, url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
  allow(req.method ?? 'GET', ['GET', 'HEAD']);
  const check = verifyLinkRead(deps.linkReads, req);
  if (!check.ok) throw ApiError.of('unauthenticated', `cell read refused: ${check.reason}`);
  return sendJson(res, 200, await deps.tree(treeQuery(url.searchParams)));
}

function treeQuery(query: URLSearchParams): { timeoutMs?: number; depth?: number } {
  const timeoutMs = numberParam(query, 'timeout_ms', 0, 30_000);
  const depth = numberParam(query, 'depth', 0, 64);
  return { ...(timeoutMs !== undefined ? { timeoutMs } : {}), ...(depth !== undefined ? { depth: Math.floor(depth) } : {}) };
}

async function handle(
  deps: ApiDeps,
  base: string,
  maxBody: number,
  who: (authorization: string | string[] | undefined) => Caller,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const { url, pathname } = route(base, req);
  const verb = req.method ?? 'GET';

  // A parent reading the tree below this cell, signed with their link secret.
  if (pathname === API_PATHS.tree && isLinkRead(req) && deps.tree && deps.linkReads) return linkRead(deps as LinkReadDeps, url, req, res);

  // The door: the right name, then the right caller.
  if (!hostAllowed(req, deps.hosts ?? [])) {
    const host = typeof req.headers.host === 'string' ? `'${req.headers.host.slice(0, 100)}'` : 'no Host header';
    throw new ApiError(421, 'misdirected_request', `${host} is not a name of this cell's API (a name it is reached by belongs in the config's api_hosts)`);
  }
  let caller: Caller;
  try {
    caller = who(req.headers.authorization);
  } catch (e) {
    if (e instanceof Unauthenticated) throw unauthenticated(e);
    throw e;
  }
  if (pathname === API_PATHS.health) {
    allow(verb, ['GET', 'HEAD']);
    const health = deps.health();
    // Liveness for anyone (a probe has no token); the links, errors and counters for callers only.
    if (caller === 'nobody') {
      const h = (health ?? {}) as { ok?: unknown; ready?: unknown };
      return sendJson(res, 200, { ok: h.ok, ready: h.ready });
    }
    return sendJson(res, 200, health);
  }
  // The page is one static document, the same for every cell and every caller (nothing of the
  // cell is in it), so a browser can open it without a token; it asks for one, and everything
  // it shows comes through the routes below, with it. A closed API serves no page either.
  if (pathname === API_PATHS.ui && deps.ui && (caller !== 'nobody' || deps.auth?.token !== undefined)) {
    allow(verb, ['GET', 'HEAD']);
    const page = deps.ui(randomBytes(16).toString('base64'));
    return sendText(res, 200, page.html, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': page.csp,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    });
  }
  if (caller === 'nobody') throw unauthenticated(needToken(deps.auth ?? {}));

  if (pathname.startsWith(CALL_PREFIX)) {
    allow(verb, ['POST']);
    return call(deps, maxBody, caller, decodeSegment(pathname.slice(CALL_PREFIX.length)), req, res);
  }
  if (pathname === API_PATHS.state) {
    allow(verb, ['GET', 'HEAD']);
    return sendJson(res, 200, deps.state());
  }
  if (pathname === API_PATHS.tree && deps.tree) {
    allow(verb, ['GET', 'HEAD']);
    return sendJson(res, 200, await deps.tree(treeQuery(url.searchParams)));
  }
  if (pathname === API_PATHS.recent && deps.recent) {
    allow(verb, ['GET', 'HEAD']);
    const limit = numberParam(url.searchParams, 'limit', 1, 100_000);
    return sendJson(res, 200, { calls: deps.recent(limit === undefined ? undefined : Math.floor(limit)) });
  }
  if (pathname === API_PATHS.methods && deps.methods) {
    allow(verb, ['GET', 'HEAD']);
    return sendJson(res, 200, deps.methods());
  }
  if (pathname === API_PATHS.metrics && deps.metrics) {
    allow(verb, ['GET', 'HEAD']);
    const m = await deps.metrics();
    return sendText(res, 200, m.text, { 'content-type': m.contentType, 'cache-control': 'no-store' });
  }
  if (pathname === API_PATHS.instances) {
    allow(verb, ['GET', 'HEAD']);
    return sendJson(res, 200, { instances: filterInstances(deps.instances.list(), url.searchParams) });
  }
  if (pathname.startsWith(`${API_PATHS.instances}/`)) {
    allow(verb, ['GET', 'HEAD']);
    const uuid = decodeSegment(pathname.slice(API_PATHS.instances.length + 1));
    const instance = deps.instances.get(uuid);
    if (!instance) throw ApiError.of('not_found', `Instance ${uuid} could not be found.`);
    return sendJson(res, 200, instance);
  }
  throw ApiError.of('not_found', `no route for ${verb} ${url.pathname} (see ${Object.values(API_PATHS).join(', ')})`);
}

function unauthenticated(e: Unauthenticated): ApiError {
  return ApiError.of('unauthenticated', e.message, { 'www-authenticate': e.challenge });
}

async function call(deps: ApiDeps, maxBody: number, caller: Caller, method: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  // A body a web page could send anywhere without a preflight (text/plain, a form) is refused
  // before anything is read or looked up.
  const type = req.headers['content-type'];
  if (!isJsonContentType(type)) {
    req.resume();
    throw new ApiError(415, 'unsupported_media_type', `the body must be JSON, sent with Content-Type: application/json (got ${type === undefined ? 'no Content-Type' : `'${type.slice(0, 100)}'`})`, {
      accept: 'application/json',
      connection: 'close',
    });
  }
  // The methods this cell's runner serves, by wire name; internal ones only travel between cells.
  const served = method ? deps.runner.method(method) : undefined;
  if (!served || served.internal) {
    throw ApiError.of('unknown_method', `Method '${method}' is not a known method (wire names, e.g. service_get_all)`);
  }
  const body = parseCallRequest(await readBody(req, maxBody), { maxTimeoutS: deps.maxTimeoutS ?? MAX_CALL_TIMEOUT_S });
  // The token's holder is the admin, and speaks for whom it says; an anonymous caller is no
  // admin and has no roles, whatever it says.
  let ctxt: RequestContext = body.ctxt === undefined ? (caller === 'token' ? adminContext() : makeContext()) : makeContext(body.ctxt);
  if (caller !== 'token') ctxt = { ...ctxt, is_admin: false, roles: [] };
  if (deps.stripAuthToken) delete ctxt.auth_token;
  // The caller may hang up; stop waiting for the answer then, so nothing is held for it.
  const abort = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) abort.abort(new Error('the HTTP client went away'));
  });
  let result: unknown;
  try {
    result = await deps.runner.invoke(method, ctxt, body.args ?? {}, {
      ...(body.timeout_s !== undefined ? { timeoutMs: Math.round(body.timeout_s * 1000) } : {}),
      signal: abort.signal,
    });
  } catch (e) {
    if (e instanceof CellwireError) throw ApiError.of(e.code, e.message);
    throw e;
  }
  if (result === undefined) return sendJson(res, 202, { status: 'accepted', method, cell: deps.runner.name });
  if (Array.isArray(result)) return sendJson(res, 200, result.map((r) => wire(deps, r)));
  return sendJson(res, 200, wire(deps, result));
}

function wire(deps: ApiDeps, r: unknown): unknown {
  return r instanceof Response ? r.toJSON(deps.runner.errors) : r;
}

/**
 * Checks the shape of a call request; each complaint names the field. `maxTimeoutS` is the
 * longest `timeout_s` accepted (default {@link MAX_CALL_TIMEOUT_S}).
 */
export function parseCallRequest(text: string, options: { readonly maxTimeoutS?: number } = {}): CallRequest {
  if (text.trim() === '') return {};
  // Nothing deeper than a cell accepts on the wire; refused before it is parsed or walked.
  if (nestingExceeds(text, MAX_MESSAGE_DEPTH)) throw ApiError.of('invalid_argument', `request body is nested deeper than ${MAX_MESSAGE_DEPTH} levels`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw ApiError.of('invalid_argument', `request body is not JSON: ${(e as Error).message}`);
  }
  if (!isObject(raw)) throw ApiError.of('invalid_argument', 'request body must be a JSON object { ctxt?, args?, timeout_s? }');
  for (const k of Object.keys(raw)) {
    if (!['ctxt', 'args', 'timeout_s'].includes(k)) throw ApiError.of('invalid_argument', `unknown field '${k.slice(0, 100)}' (allowed: ctxt, args, timeout_s)`);
  }
  const out: { ctxt?: Partial<RequestContext>; args?: Record<string, unknown>; timeout_s?: number } = {};
  if (raw.args !== undefined) {
    if (!isObject(raw.args)) throw ApiError.of('invalid_argument', 'args must be a JSON object of the method\'s arguments');
    out.args = raw.args;
  }
  if (raw.timeout_s !== undefined) {
    const t = raw.timeout_s;
    const max = options.maxTimeoutS ?? MAX_CALL_TIMEOUT_S;
    if (typeof t !== 'number' || !Number.isFinite(t) || t <= 0) throw ApiError.of('invalid_argument', 'timeout_s must be a number of seconds > 0');
    if (t > max) throw ApiError.of('invalid_argument', `timeout_s must be at most ${max} (this cell's longest deadline), got ${t}`);
    out.timeout_s = t;
  }
  if (raw.ctxt !== undefined) out.ctxt = checkContext(raw.ctxt);
  return out;
}

// The runner does not check the context of a message it creates, but the next cell does: a
// bad one would be refused there as a malformed envelope, or reach a handler that trusts its
// type. Say so here, naming the field.
function checkContext(v: unknown): Partial<RequestContext> {
  if (!isObject(v)) throw ApiError.of('invalid_argument', 'ctxt must be a JSON object');
  const bad = (field: string, what: string) => ApiError.of('invalid_argument', `ctxt.${field} must be ${what}, got ${describe(v[field])}`);
  for (const f of ['request_id', 'timestamp'] as const) if (v[f] !== undefined && typeof v[f] !== 'string') throw bad(f, 'a string');
  for (const f of ['user_id', 'project_id', 'user_name', 'project_name', 'remote_address', 'global_request_id', 'auth_token'] as const) {
    if (v[f] !== undefined && v[f] !== null && typeof v[f] !== 'string') throw bad(f, 'a string or null');
  }
  if (v.is_admin !== undefined && typeof v.is_admin !== 'boolean') throw bad('is_admin', 'true or false');
  if (v.roles !== undefined && !(Array.isArray(v.roles) && v.roles.every((r) => typeof r === 'string'))) throw bad('roles', 'a list of strings');
  if (v.read_deleted !== undefined && !['no', 'yes', 'only'].includes(v.read_deleted as string)) throw bad('read_deleted', "'no', 'yes' or 'only'");
  return v as Partial<RequestContext>;
}

/** A value in an error message: its JSON type, short scalars verbatim. */
function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return v.length <= 40 ? JSON.stringify(v) : 'a long string';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return `a ${typeof v}`;
}

/** `?vm_state=stopped&host=h1`: keeps instances whose field equals each given value. */
function filterInstances(list: readonly Instance[], query: URLSearchParams): readonly Instance[] {
  const filters = [...query.entries()];
  if (filters.length === 0) return list;
  return list.filter((i) => filters.every(([k, v]) => String((i as unknown as Record<string, unknown>)[k] ?? '') === v));
}

function allow(verb: string, verbs: readonly string[]): void {
  if (!verbs.includes(verb)) {
    throw new ApiError(405, 'method_not_allowed', `${verb} is not allowed here; use ${verbs.join(' or ')}`, { allow: verbs.join(', ') });
  }
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw ApiError.of('invalid_argument', `malformed path segment '${s}'`);
  }
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const tooLarge = () => ApiError.of('payload_too_large', `request body exceeds ${limit} bytes`, { connection: 'close' });
  if (Number(req.headers['content-length'] ?? 0) > limit) {
    req.resume();
    return Promise.reject(tooLarge());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // Stop buffering but keep draining, so the client can read our 413.
        req.removeAllListeners('data');
        req.resume();
        reject(tooLarge());
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** A number from the query string within [min, max], or undefined when absent; anything else is refused. */
function numberParam(query: URLSearchParams, name: string, min: number, max: number): number | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v) || v < min || v > max) {
    throw ApiError.of('invalid_argument', `query parameter ${name} must be a number from ${min} to ${max}, got '${raw}'`);
  }
  return v;
}

function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string>): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-length': Buffer.byteLength(text), ...headers });
  res.end(res.req?.method === 'HEAD' ? undefined : text);
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(text), ...headers });
  res.end(res.req?.method === 'HEAD' ? undefined : text);
}

function sendError(res: ServerResponse, e: ApiError): void {
  const body: ApiErrorBody = { error: { code: e.code, message: e.message } };
  sendJson(res, e.status, body, e.headers);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
