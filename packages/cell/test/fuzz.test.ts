/**
 * Fuzzing a running cell (issue 13, "Hostile and unlucky"), with fast-check: seeded
 * (`CELLWIRE_FUZZ_SEED` replays another seed), a few thousand cases, a few seconds.
 *
 * A cell `fz` (two hosts, a bearer token and anonymous callers allowed) runs on 127.0.0.1 under
 * a live parent `pa`, linked over HTTP with a secret. Its HTTP API gets random methods (known,
 * internal and unknown), verbs, paths, headers, content types, tokens and Host headers, random
 * JSON and non-JSON bodies, values nested up to 10,000 levels, and calls built from each
 * method's own argument schema. Its cell-link endpoint (`POST /v1/cell-messages`) gets random
 * unsigned bodies and random bodies signed with the link secret, envelopes included.
 *
 * Every answer must be a 2xx, or a 4xx with a well-formed JSON error; never a 5xx. Nothing is
 * logged at error level (the API's last line of defence logs every unexpected failure there),
 * no handler fails with `internal` (a crash inside a failure Response), nothing is unhandled,
 * and both cells answer `/v1/health` afterwards. The door holds whatever else a request
 * carries: a foreign Host is 421, a wrong token 401, a POST call that is not JSON 415; a call
 * from an anonymous caller is never an admin, and no call made here carries `auth_token`
 * (`strip_auth_token`).
 */
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { silentLogger, type Interceptor, type Logger, type MethodDescriptor } from '@cellwire/core';
import { signMessage } from '@cellwire/transport-http';
import { parseConfig } from '../src/config.js';
import { startCellService, type CellService } from '../src/service.js';

const SEED = Number(process.env.CELLWIRE_FUZZ_SEED ?? 20_250_601);
/** More cases for a deeper hunt: `CELLWIRE_FUZZ_SCALE=10` runs ten times as many. */
const SCALE = Number(process.env.CELLWIRE_FUZZ_SCALE ?? 1);
const TOKEN = 'fuzz-test-token-0123456789abcdef';
const LINK = 'pa-fz-link-secret';

interface Answer {
  readonly status: number;
  readonly type: string;
  readonly text: string;
}

/** What went wrong anywhere: unexpected answers, error lines, unhandled errors. */
const problems: string[] = [];
const errorLines: string[] = [];
/**
 * The cells' error lines, but for the cells scheduler's report of a build it could not place
 * (the reference logs it at error level): no cell fits, or a target hint that is not below it.
 */
const EXPECTED_ERROR = /^error scheduling instances .*: (No cells available matching scheduling criteria\.|Inconsistency in cell routing: target_cell hint .* is not this cell)/;
const logger: Logger = { ...silentLogger, error: (m: string) => void (EXPECTED_ERROR.test(m) ? undefined : errorLines.push(m)) };
const onUnhandled = (e: unknown) => void problems.push(`unhandled: ${(e as Error)?.stack ?? String(e)}`);

/** Anonymous requests carry this request id, so that the calls they make can be recognised. */
const ANON = 'req-anon';
/** Sees every call made at the fuzzed cell: what the door let through. */
let anonymousCalls = 0;
const watchCalls: Interceptor = (next) => async (call) => {
  if (call.stage === 'origin') {
    const c = call.ctxt;
    if (c.request_id === ANON) anonymousCalls++;
    if (c.request_id === ANON && (c.is_admin !== false || c.roles.length > 0)) problems.push(`an anonymous call ran as ${JSON.stringify({ is_admin: c.is_admin, roles: c.roles })}`);
    if ('auth_token' in c) problems.push(`a call made here carries auth_token (strip_auth_token is on): ${JSON.stringify(c.auth_token)}`);
  }
  return next(call);
};

let pa: CellService;
let fz: CellService;
let port: number;
let methods: MethodDescriptor[];
const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port: p } = server.address() as net.AddressInfo;
      server.close(() => resolve(p));
    });
  });
}

/** One request through node:http: any verb, path, Host and header can be sent. */
function send(method: string, path: string, headers: Record<string, string>, body: string | undefined): Promise<Answer> {
  return new Promise((resolve, reject) => {
    // Always framed: node's client sends a DELETE or OPTIONS body with neither Content-Length
    // nor chunking, which no server can read as one request.
    const framed = body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) };
    const req = http.request({ host: '127.0.0.1', port, method, path, headers: framed, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(15_000, () => req.destroy(new Error(`no answer in 15 s to ${method} ${path}`)));
    req.end(body);
  });
}

/** The checks every answer must pass; a description of what is wrong, or undefined. */
function wrong(a: Answer, method: string, path: string): string | undefined {
  if (!((a.status >= 200 && a.status < 300) || (a.status >= 400 && a.status < 500))) return `HTTP ${a.status}: ${a.text.slice(0, 300)}`;
  if (method === 'HEAD' || a.status === 202 || a.status === 204) return undefined;
  const isJson = a.type.startsWith('application/json');
  if (a.status >= 400) {
    if (!isJson) return `a ${a.status} that is not JSON (${a.type}): ${a.text.slice(0, 200)}`;
    let e: unknown;
    try {
      e = (JSON.parse(a.text) as { error?: unknown }).error;
    } catch {
      return `a ${a.status} whose body is not JSON: ${a.text.slice(0, 200)}`;
    }
    const { code, message } = (e ?? {}) as { code?: unknown; message?: unknown };
    if (typeof code !== 'string' || typeof message !== 'string' || code === 'internal') return `a malformed error body: ${a.text.slice(0, 300)}`;
    return undefined;
  }
  if (path.includes('/v1/call/') || path.endsWith('/v1/cell-messages')) {
    if (!isJson) return `a ${a.status} call answer that is not JSON (${a.type})`;
    // A handler that crashed comes back as a failure Response with the code `internal`.
    if (/"code":"internal"/.test(a.text)) return `a handler crashed: ${a.text.slice(0, 500)}`;
  }
  return undefined;
}

/** How each test's requests were answered (status -> count): a fuzz that only ever gets refused proves little. */
let seen = new Map<number, number>();
const count = (from: number, to: number) => [...seen].reduce((n, [status, k]) => n + (status >= from && status <= to ? k : 0), 0);

async function check(method: string, path: string, headers: Record<string, string>, body: string | undefined, expected?: number): Promise<void> {
  const a = await send(method, path, headers, body);
  if (expected !== undefined && a.status !== expected) {
    problems.push(`${method} ${path} ${JSON.stringify(headers)} ${(body ?? '').slice(0, 200)}\n  -> HTTP ${a.status}, not ${expected}: ${a.text.slice(0, 200)}`);
    return;
  }
  seen.set(a.status, (seen.get(a.status) ?? 0) + 1);
  const w = wrong(a, method, path);
  if (w) {
    const shown = body === undefined ? '' : body.length > 300 ? `${body.slice(0, 300)}... (${body.length} chars)` : body;
    problems.push(`${method} ${path} ${JSON.stringify(headers)} ${shown}\n  -> ${w}`);
  }
}

// ------------------------------------------------------------------ generators

/** The answer the door must give a request to the API, whatever else it carries; undefined: not the door's to refuse. */
function doorAnswer(verb: string, path: string, host: string, type: string, auth: string | undefined): number | undefined {
  // Not the API's: the transport's message path, and targets that are no path (`//...`).
  if (path.startsWith('//') || path === '/v1/cell-messages') return undefined;
  if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) return 421;
  // The scheme's name is case-insensitive (RFC 9110); the token is not.
  if (auth !== undefined && !new RegExp(`^bearer +${TOKEN} *$`, 'i').test(auth)) return 401;
  const json = /^application\/json\s*(;|$)/i.test(type.trim());
  if (verb === 'POST' && path.startsWith('/v1/call/') && !json) return 415;
  return undefined;
}

/** The body with `ctxt.request_id` set to {@link ANON}, when it has a context object. */
function markAnonymous(body: string): string {
  try {
    const b = JSON.parse(body) as unknown;
    const c = (b as { ctxt?: unknown } | null)?.ctxt;
    if (c === null || typeof c !== 'object' || Array.isArray(c)) return body;
    return JSON.stringify({ ...(b as object), ctxt: { ...(c as object), request_id: ANON } });
  } catch {
    return body;
  }
}

/** JSON schema nodes, as the generated descriptors carry them. */
interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema | Schema[];
  minItems?: number;
  maxItems?: number;
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  $ref?: string;
  definitions?: Record<string, Schema>;
}

const shortString = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('', 'fz', 'pa', 'fz-h1', 'm1.tiny', 'active', 'stopped', '00000000-0000-4000-8000-000000000001', '2024-01-01T00:00:00Z'));
/** Target paths: this cell (the call runs here), a missing child, garbage. */
const cellPath = fc.constantFrom('fz', 'fz', 'fz', 'fz!nope', 'pa', '', 'fz!', '!!', 'fz@h1');
const number = fc.oneof(fc.integer({ min: -5, max: 100 }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(0, 1, -1, 2 ** 53, 1e308, -0));

/**
 * Values that fit a method's argument schema (target paths mostly this cell). Below depth 4
 * only what is required is made, so the values stay small; they still fit.
 */
function fromSchema(s: Schema | undefined, defs: Record<string, Schema>, depth: number, key = ''): fc.Arbitrary<unknown> {
  if (key === 'cell_name' || key === 'target_cell') return cellPath;
  if (!s) return fc.jsonValue({ maxDepth: 1 });
  // A recursive type (a JSON value, a tree): the smallest value that fits, past some depth.
  if (depth > 8) return fc.constant(smallest(s, defs, 0));
  const deeper = depth >= 4;
  if (s.$ref) return fromSchema(defs[s.$ref.replace(/^#\/definitions\//, '')], defs, depth, key);
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const branches = s.anyOf ?? s.oneOf;
  if (branches) return fc.oneof(...branches.map((b) => fromSchema(b, defs, depth + 1, key)));
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  if (types.length > 1) return fc.oneof(...types.map((t) => fromSchema({ ...s, type: t }, defs, depth, key)));
  switch (types[0]) {
    case 'string':
      return shortString;
    case 'integer':
      return fc.integer({ min: -3, max: 50 });
    case 'number':
      return number;
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      if (Array.isArray(s.items)) return fc.tuple(...s.items.map((i) => fromSchema(i, defs, depth + 1)));
      const min = s.minItems ?? 0;
      return fc.array(fromSchema(s.items, defs, depth + 1), { minLength: min, maxLength: Math.max(min, Math.min(s.maxItems ?? 3, deeper ? min : 3)) });
    }
    case 'object': {
      const props = s.properties ?? {};
      const required = (s.required ?? []).filter((k) => k in props);
      const keys = deeper ? required : Object.keys(props);
      const record = fc.record(Object.fromEntries(keys.map((k) => [k, fromSchema(props[k], defs, depth + 1, k)])), { requiredKeys: required });
      if (typeof s.additionalProperties === 'object' && !deeper) {
        return fc.tuple(record, fc.dictionary(fc.string({ maxLength: 6 }), fromSchema(s.additionalProperties, defs, depth + 1), { maxKeys: 2 })).map(([a, b]) => ({ ...b, ...a }));
      }
      return record;
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** The smallest value a schema accepts (for the bottom of recursive types). */
function smallest(s: Schema | undefined, defs: Record<string, Schema>, depth: number): unknown {
  if (!s || depth > 20) return null;
  if (s.$ref) return smallest(defs[s.$ref.replace(/^#\/definitions\//, '')], defs, depth + 1);
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0];
  const branches = s.anyOf ?? s.oneOf;
  if (branches) {
    const plain = branches.find((b) => !b.$ref && !b.anyOf && !b.oneOf && b.type !== 'object' && b.type !== 'array');
    return smallest(plain ?? branches[0], defs, depth + 1);
  }
  const type = Array.isArray(s.type) ? (s.type.includes('null') ? 'null' : s.type[0]) : s.type;
  switch (type) {
    case 'string':
      return '';
    case 'integer':
    case 'number':
      return 0;
    case 'boolean':
      return false;
    case 'array':
      return Array.isArray(s.items) ? s.items.map((i) => smallest(i, defs, depth + 1)) : Array.from({ length: s.minItems ?? 0 }, () => smallest(s.items as Schema, defs, depth + 1));
    case 'object':
      return Object.fromEntries((s.required ?? []).map((k) => [k, smallest(s.properties?.[k], defs, depth + 1)]));
    default:
      return null;
  }
}

/** A value nested `depth` levels deep, as text (arrays and objects mixed). */
const deep = fc.tuple(fc.integer({ min: 1, max: 10_000 }), fc.boolean()).map(([depth, objects]) => (objects ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}` : `${'['.repeat(depth)}${']'.repeat(depth)}`));

const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8') },
  { weight: 3, arbitrary: fc.constantFrom('text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', '*/*', '') },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz/;=+-. '.split('')), maxLength: 30 }) },
);
const authorization = fc.constantFrom<string | undefined>(`Bearer ${TOKEN}`, `Bearer ${TOKEN}`, `Bearer ${TOKEN}`, `Bearer ${TOKEN}`, `Bearer ${TOKEN}`, undefined, 'Bearer wrong-token-0123456789abcdef', 'Basic Zm9vOmJhcg==', 'Bearer', `bearer ${TOKEN}`, `Bearer ${TOKEN} ${TOKEN}`);
const headerName = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-'.split('')), minLength: 1, maxLength: 20 }).filter((n) => !['content-length', 'content-type', 'authorization', 'host', 'transfer-encoding', 'connection', 'expect', 'upgrade'].includes(n) && !n.startsWith('x-cellwire-'));
const headerValue = fc.string({ unit: fc.constantFrom(...Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i))), maxLength: 40 });
const extraHeaders = fc.dictionary(headerName, headerValue, { maxKeys: 4 });

function hostHeader(): fc.Arbitrary<string> {
  return fc.oneof({ weight: 8, arbitrary: fc.constant(`127.0.0.1:${port}`) }, { weight: 1, arbitrary: fc.constant(`localhost:${port}`) }, { weight: 1, arbitrary: fc.constantFrom('attacker.example', `evil.test:${port}`, '127.0.0.1', '[::1]') });
}

/** A request context a caller may send: right types, random values. */
const validCtxt = fc.record(
  {
    request_id: fc.constantFrom('req-fuzz-1', 'req-fuzz-2'),
    user_id: fc.oneof(shortString, fc.constant(null)),
    project_id: fc.oneof(shortString, fc.constant(null)),
    is_admin: fc.boolean(),
    roles: fc.array(fc.constantFrom('admin', 'member', 'reader', ''), { maxLength: 2 }),
    read_deleted: fc.constantFrom('no', 'yes', 'only'),
    auth_token: fc.oneof(shortString, fc.constant(null)),
    extra: fc.jsonValue({ maxDepth: 2 }),
  },
  { requiredKeys: [] },
);

/** A call request that passes the door: the method's own arguments, a context, a timeout. */
function validBody(m: MethodDescriptor | undefined): fc.Arbitrary<string> {
  const schema = (m?.schemas.args ?? {}) as Schema;
  return fc
    .record({ args: fromSchema(schema, schema.definitions ?? {}, 0), ctxt: validCtxt, timeout_s: fc.double({ min: 0.5, max: 5, noNaN: true }) }, { requiredKeys: ['args'] })
    .map((b) => JSON.stringify(b));
}

/** A call request body of any kind: right, a little wrong, or not a request at all. */
function callBody(m: MethodDescriptor | undefined): fc.Arbitrary<string> {
  const schema = (m?.schemas.args ?? {}) as Schema;
  const args = fc.oneof(
    { weight: 3, arbitrary: fromSchema(schema, schema.definitions ?? {}, 0) },
    { weight: 2, arbitrary: fc.dictionary(fc.oneof(fc.constantFrom(...Object.keys(schema.properties ?? { x: {} })), fc.string({ maxLength: 8 })), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 }) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  );
  const ctxt = fc.oneof(
    { weight: 2, arbitrary: validCtxt },
    { weight: 1, arbitrary: fc.dictionary(fc.constantFrom('auth_token', 'request_id', 'roles', 'is_admin', 'read_deleted', 'user_id', 'timestamp', 'extra'), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) },
  );
  const timeout = fc.oneof(fc.double({ min: 0.5, max: 5, noNaN: true }), number, fc.string({ maxLength: 3 }));
  const shaped = fc.record({ args, ctxt, timeout_s: timeout }, { requiredKeys: [] });
  return fc.oneof(
    { weight: 6, arbitrary: validBody(m) },
    { weight: 6, arbitrary: shaped.map((b) => JSON.stringify(b)) },
    { weight: 1, arbitrary: fc.tuple(shaped, fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 })).map(([b, k, v]) => JSON.stringify({ ...b, [k]: v })) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: deep.map((d) => `{"args":{"filters":${d}}}`) },
    { weight: 1, arbitrary: deep },
    { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
    { weight: 1, arbitrary: shaped.map((b) => JSON.stringify(b)).map((t) => t.slice(0, Math.max(0, t.length - 3))) },
    { weight: 1, arbitrary: fc.constant('') },
  );
}

// ------------------------------------------------------------------ the cells

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUnhandled);
  const env = { LINK, TOKEN };
  const host = (name: string) => ({ name, vcpus: 8, memory_mb: 16384, local_gb: 200 });
  const common = { log_level: 'silent', scheduler_retries: 0, scheduler_retry_delay_s: 0, update_interval_s: 3600, call_timeout_s: 5 };
  const [fzPort, paPort] = [await freePort(), await freePort()];
  fz = await startCellService(
    parseConfig(
      {
        ...common,
        name: 'fz',
        listen: `http://127.0.0.1:${fzPort}`,
        parents: [{ name: 'pa', url: `http://127.0.0.1:${paPort}`, secret_env: 'LINK' }],
        hosts: [host('fz-h1'), host('fz-h2')],
        api_token_env: 'TOKEN',
        api_anonymous: true,
        strip_auth_token: true,
      },
      { env },
    ),
    { logger, interceptors: [watchCalls] },
  );
  port = fzPort;
  pa = await startCellService(
    parseConfig({ ...common, name: 'pa', listen: `http://127.0.0.1:${paPort}`, children: [{ name: 'fz', url: `http://127.0.0.1:${fzPort}`, secret_env: 'LINK' }], api_anonymous: true }, { env }),
    { logger },
  );
  methods = fz.runner.services().flatMap((s) => Object.values(s.methods));
});

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  process.off('uncaughtException', onUnhandled);
  agent.destroy();
  await Promise.all([fz?.close(), pa?.close()]);
});

// fast-check runs its cases one after another; every case is a request to the cell.
const runs = { seed: SEED, endOnFailure: true } as const;

describe(`fuzzing a running cell (seed ${SEED})`, () => {
  it('the HTTP API: random methods, verbs, paths, headers, content types and bodies', { timeout: 60_000 }, async () => {
    const names = methods.map((m) => m.name);
    const target = fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(...names).map((n) => ({ name: n, path: `/v1/call/${n}` })) },
      { weight: 2, arbitrary: fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('', '__proto__', 'constructor', 'toString', '%E0%A4%A', '..%2F..%2Fetc', 'a'.repeat(2000))).map((n) => ({ name: n, path: `/v1/call/${encodeURI(n).replace(/[?#]/g, '')}` })) },
      { weight: 2, arbitrary: fc.constantFrom('/v1/state', '/v1/health', '/v1/instances', '/v1/instances/x', '/v1/tree?timeout_ms=300', '/v1/tree?depth=99', '/v1/recent?limit=-1', '/v1/methods', '/metrics', '/ui', '/v1/cell-messages', '/', '/v1/call/', '/%zz').map((p) => ({ name: '', path: p })) },
      // Request targets a URL parser reads as an authority (`//host:port/...`), or cannot read at all.
      { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(...':[]@%/.?#-0123456789abcxyz'.split('')), maxLength: 14 }).map((p) => ({ name: '', path: `//${p}` })) },
    );
    const verb = fc.oneof({ weight: 8, arbitrary: fc.constant('POST') }, { weight: 2, arbitrary: fc.constantFrom('GET', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS') });
    const request = target.chain((t) =>
      fc.record({
        t: fc.constant(t),
        verb,
        body: callBody(methods.find((m) => m.name === t.name)),
        type: contentType,
        auth: authorization,
        host: hostHeader(),
        extra: extraHeaders,
      }),
    );
    seen = new Map();
    problems.length = 0;
    await fc.assert(
      fc.asyncProperty(request, async ({ t, verb: v, body, type, auth, host, extra }) => {
        const headers: Record<string, string> = { ...extra, host, ...(type ? { 'content-type': type } : {}), ...(auth ? { authorization: auth } : {}) };
        // An anonymous caller's context is marked, to check what the calls it makes run as.
        const sent = auth === undefined ? markAnonymous(body) : body;
        await check(v, t.path, headers, v === 'GET' || v === 'HEAD' ? undefined : sent, doorAnswer(v, t.path, host, type, auth));
        return true;
      }),
      { ...runs, numRuns: 1500 * SCALE },
    );
    expect(problems).toEqual([]);
    // The fuzz reached past the door, and the door's every refusal, and anonymous callers' calls.
    const stats = JSON.stringify(Object.fromEntries([...seen].sort()));
    expect(count(200, 299), stats).toBeGreaterThanOrEqual(50 * SCALE);
    for (const status of [400, 401, 404, 405, 415, 421]) expect(seen.get(status) ?? 0, `${status} in ${stats}`).toBeGreaterThan(0);
    expect(anonymousCalls).toBeGreaterThan(0);
  });

  it('the HTTP API: calls built from each method\'s argument schema, with the token', { timeout: 60_000 }, async () => {
    const callable = methods.filter((m) => !m.internal);
    const request = fc.constantFrom(...callable).chain((m) => fc.record({ m: fc.constant(m), body: validBody(m) }));
    seen = new Map();
    problems.length = 0;
    await fc.assert(
      fc.asyncProperty(request, async ({ m, body }) => {
        await check('POST', `/v1/call/${m.name}`, { host: `127.0.0.1:${port}`, 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body);
        return true;
      }),
      { ...runs, numRuns: 1000 * SCALE },
    );
    expect(problems).toEqual([]);
    // Most of them valid calls that ran (or were handed on), not refusals.
    expect(count(200, 299), JSON.stringify(Object.fromEntries(seen))).toBeGreaterThanOrEqual(600 * SCALE);
  });

  it('the cell-link endpoint: random unsigned and signed bodies, envelopes included', { timeout: 60_000 }, async () => {
    const names = methods.map((m) => m.name);
    const envelope = fc.record(
      {
        message_type: fc.constantFrom('targeted', 'broadcast', 'response', 'nonsense'),
        ctxt: fc.oneof(fc.record({ request_id: fc.constant('req-fuzz'), user_id: fc.constant(null), project_id: fc.constant(null), roles: fc.constant([]), is_admin: fc.boolean(), read_deleted: fc.constant('no'), timestamp: fc.constant('2024-01-01T00:00:00Z') }), fc.jsonValue({ maxDepth: 1 })),
        method_name: fc.oneof(fc.constantFrom(...names, 'parse_responses'), fc.string({ maxLength: 10 })),
        method_kwargs: fc.oneof(fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }), fc.jsonValue({ maxDepth: 1 })),
        direction: fc.constantFrom('down', 'up', 'sideways'),
        need_response: fc.boolean(),
        fanout: fc.boolean(),
        uuid: fc.oneof(fc.uuid(), fc.string({ maxLength: 5 })),
        routing_path: fc.constantFrom('pa', 'pa', 'pa!fz', 'fz', '', 'x!pa'),
        hop_count: fc.oneof(fc.integer({ min: 0, max: 12 }), fc.double()),
        max_hop_count: fc.oneof(fc.integer({ min: 0, max: 12 }), fc.constant(-1)),
        target_cell: fc.constantFrom('pa!fz', 'pa!fz!nope', 'pa', 'fz', ''),
        response_uuid: fc.uuid(),
        run_locally: fc.boolean(),
        deadline: fc.oneof(fc.constant(Date.now() + 60_000), fc.integer(), fc.constant(0)),
        junk: fc.jsonValue({ maxDepth: 1 }),
      },
      { requiredKeys: ['message_type', 'method_name', 'routing_path', 'direction', 'uuid'] },
    );
    // Envelopes as a parent sends them: a method this cell serves, its own arguments.
    const fullCtxt = fc.record({
      request_id: fc.constant('req-fuzz'),
      user_id: fc.oneof(shortString, fc.constant(null)),
      project_id: fc.oneof(shortString, fc.constant(null)),
      roles: fc.array(fc.constantFrom('admin', 'member'), { maxLength: 2 }),
      is_admin: fc.boolean(),
      read_deleted: fc.constantFrom('no', 'yes', 'only'),
      timestamp: fc.constant('2024-01-01T00:00:00.000Z'),
    });
    const fromParent = fc.constantFrom(...methods).chain((m) => {
      const schema = m.schemas.args as Schema;
      return fc.record(
        {
          message_type: fc.constantFrom('targeted', 'targeted', 'broadcast'),
          ctxt: fullCtxt,
          method_name: fc.constant(m.name),
          method_kwargs: fromSchema(schema, schema.definitions ?? {}, 0),
          direction: fc.oneof({ weight: 9, arbitrary: fc.constant('down') }, { weight: 1, arbitrary: fc.constant('up') }),
          need_response: fc.boolean(),
          fanout: fc.boolean(),
          uuid: fc.uuid(),
          routing_path: fc.oneof({ weight: 9, arbitrary: fc.constant('pa') }, { weight: 1, arbitrary: fc.constantFrom('pa!fz', 'fz', 'x!pa') }),
          hop_count: fc.constantFrom(0, 0, 1, 9, 10),
          max_hop_count: fc.constantFrom(10, 10, 1),
          target_cell: fc.constantFrom('pa!fz', 'pa!fz', 'pa!fz!nope', 'pa'),
          run_locally: fc.boolean(),
          deadline: fc.constantFrom('soon', 'soon', 'past'),
        },
        { requiredKeys: ['message_type', 'ctxt', 'method_name', 'method_kwargs', 'direction', 'need_response', 'fanout', 'uuid', 'routing_path', 'hop_count', 'max_hop_count', 'target_cell'] },
      );
    });
    // Answers to messages this cell never sent, or sent long ago.
    const answers = fc.record({
      message_type: fc.constant('response'),
      ctxt: fullCtxt,
      method_name: fc.constant('parse_responses'),
      method_kwargs: fc.record({ responses: fc.array(fc.record({ cell_name: fc.constantFrom('pa', 'pa!fz', 'x'), value: fc.jsonValue({ maxDepth: 2 }), failure: fc.boolean() }), { maxLength: 3 }) }),
      direction: fc.constantFrom('down', 'up'),
      need_response: fc.constant(false),
      fanout: fc.constant(false),
      uuid: fc.uuid(),
      routing_path: fc.constantFrom('pa', 'pa!fz'),
      hop_count: fc.constantFrom(0, 1),
      max_hop_count: fc.constant(10),
      target_cell: fc.constantFrom('pa!fz', 'fz', 'pa'),
      response_uuid: fc.uuid(),
    });
    const withDeadline = (e: Record<string, unknown>) =>
      JSON.stringify(e.deadline === undefined ? e : { ...e, deadline: e.deadline === 'past' ? Date.now() - 1000 : Date.now() + 3000 });
    const body = fc.oneof(
      { weight: 8, arbitrary: fromParent.map(withDeadline) },
      { weight: 1, arbitrary: answers.map((e) => JSON.stringify(e)) },
      { weight: 3, arbitrary: envelope.map((e) => JSON.stringify(e)) },
      { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
      { weight: 1, arbitrary: deep },
      { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
    );
    const request = fc.record({
      body,
      signed: fc.oneof({ weight: 6, arbitrary: fc.constant('right') }, { weight: 1, arbitrary: fc.constantFrom('none', 'wrong-secret', 'stranger', 'stale') }),
      reply: fc.constantFrom('1', '1', '', '0'),
      deadlineIn: fc.oneof(fc.integer({ min: 200, max: 3000 }), fc.constant(undefined)),
      extra: extraHeaders,
    });
    seen = new Map();
    problems.length = 0;
    await fc.assert(
      fc.asyncProperty(request, async ({ body: b, signed, reply, deadlineIn, extra }) => {
        const now = Date.now();
        const headers: Record<string, string> = { ...extra, host: `127.0.0.1:${port}`, 'content-type': 'application/json' };
        const deadline = deadlineIn === undefined ? '' : String(now + deadlineIn);
        if (reply) headers['x-cellwire-reply'] = reply;
        if (deadline) headers['x-cellwire-deadline'] = deadline;
        if (signed !== 'none') {
          const from = signed === 'stranger' ? 'stranger' : 'pa';
          const timestamp = String(signed === 'stale' ? now - 120_000 : now);
          headers['x-cellwire-from'] = from;
          headers['x-cellwire-timestamp'] = timestamp;
          headers['x-cellwire-signature'] = signMessage(signed === 'wrong-secret' ? 'not-the-secret' : LINK, { timestamp, from, to: 'fz', reply, deadline }, b);
        }
        await check('POST', '/v1/cell-messages', headers, b);
        return true;
      }),
      { ...runs, numRuns: 1200 * SCALE },
    );
    expect(problems).toEqual([]);
    // Many of them messages the cell took: run, answered or passed on.
    expect(count(200, 299), JSON.stringify(Object.fromEntries(seen))).toBeGreaterThanOrEqual(240 * SCALE);
  });

  it('leaves both cells serving, with nothing logged at error level and nothing unhandled', async () => {
    for (const cell of [fz, pa]) {
      const res = await fetch(`${cell.url}/v1/health`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ ok: true, ready: true });
    }
    const r = await fetch(`${fz.url}/v1/call/service_get_all`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: '{"timeout_s": 5}' });
    expect(r.status).toBe(200);
    expect(errorLines).toEqual([]);
    expect(problems).toEqual([]);
  });
});
