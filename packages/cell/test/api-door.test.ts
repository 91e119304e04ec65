/**
 * The door of the cell API (issue 13, "Hostile and unlucky"): bearer tokens, anonymous
 * callers clamped to non-admins, a closed API by default, JSON-only POST bodies, the Host
 * header, the request context checked at the door, `strip_auth_token`, the API on an address
 * of its own (`api_listen`) and the warnings about where it listens.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect as netConnect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessageRunner, serve, silentLogger, type Logger } from '@cellwire/core';
import { cellState, cellStateHandlers, novaCells } from '@cellwire/schema';
import { createApiHandler, MAX_CALL_TIMEOUT_S, type ApiDeps } from '../src/api.js';
import { parseConfig } from '../src/config.js';
import { linkReadHeaders } from '../src/link-read.js';
import { startCellService, type CellService } from '../src/service.js';

const TOKEN = 'door-test-token-0123456789abcdef';
/** What the handler of service_get_all saw of each call's context. */
const seen: Record<string, unknown>[] = [];

function runner(name: string): MessageRunner {
  return new MessageRunner({
    name,
    logger: silentLogger,
    services: [
      serve(novaCells, {
        serviceGetAll: (ctx) => {
          seen.push(ctx.ctxt as unknown as Record<string, unknown>);
          return [];
        },
      }),
      serve(cellState, cellStateHandlers()),
    ],
  });
}

interface Api {
  readonly base: string;
  readonly port: number;
  close(): Promise<void>;
}

/** createApiHandler on a plain server on 127.0.0.1, with the given door settings. */
async function api(door: Partial<ApiDeps>): Promise<Api> {
  const r = runner('top');
  const server = http.createServer(
    createApiHandler({
      runner: r,
      instances: { list: () => [], get: () => undefined },
      state: () => ({ name: 'top' }),
      health: () => ({ ok: true, ready: true, name: 'top', links: [{ name: 'secret-child', last_error: 'boom at 10.1.2.3' }] }),
      metrics: async () => ({ contentType: 'text/plain; version=0.0.4', text: 'cellwire_up 1\n' }),
      ui: () => ({ html: '<!doctype html><title>cellwire</title>', csp: "default-src 'none'" }),
      logger: silentLogger,
      ...door,
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    base: `http://127.0.0.1:${port}`,
    port,
    close: async () => {
      r.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** One request through node:http, so that any Host header can be sent. */
function raw(port: number, options: { method?: string; path: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; headers: http.IncomingHttpHeaders; json: any }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path, headers: options.headers ?? {} }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, json: text === '' ? null : JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
const JSON_TYPE = { 'content-type': 'application/json' };

async function call(base: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}/v1/call/service_get_all`, { method: 'POST', headers: { ...JSON_TYPE, ...headers }, body: JSON.stringify(body) });
  return { status: res.status, headers: res.headers, json: (await res.json()) as any };
}

describe('a bearer token', () => {
  let a: Api;
  beforeAll(async () => {
    a = await api({ auth: { token: TOKEN } });
  });
  afterAll(() => a.close());

  it('lets its holder in, as the admin', async () => {
    seen.length = 0;
    const r = await call(a.base, {}, bearer(TOKEN));
    expect(r.status).toBe(200);
    expect(seen[0]).toMatchObject({ is_admin: true, roles: ['admin'] });
    // With a token, the context's claims are taken as given.
    await call(a.base, { ctxt: { user_id: 'alice', is_admin: false, roles: ['reader'] } }, bearer(TOKEN));
    expect(seen[1]).toMatchObject({ user_id: 'alice', is_admin: false, roles: ['reader'] });
  });

  it('refuses every route to a caller without one with 401, saying how to send it', async () => {
    for (const [method, path] of [
      ['POST', '/v1/call/service_get_all'],
      ['POST', '/v1/call/service_delete'],
      ['POST', '/v1/call/run_compute_api_method'],
      ['GET', '/v1/state'],
      ['GET', '/v1/instances'],
      ['GET', '/metrics'],
      ['GET', '/v2/nothing-here'],
    ] as const) {
      const r = await raw(a.port, { method, path, headers: { host: `127.0.0.1:${a.port}`, ...JSON_TYPE }, body: method === 'POST' ? '{}' : undefined });
      expect(r.status, `${method} ${path}`).toBe(401);
      expect(r.json.error.code).toBe('unauthenticated');
      expect(r.json.error.message).toContain("this cell's API needs a bearer token: send 'Authorization: Bearer <token>'");
      expect(r.headers['www-authenticate']).toBe('Bearer realm="cellwire"');
    }
  });

  it('refuses a wrong token, or a malformed Authorization header, with 401', async () => {
    for (const wrong of [`${TOKEN}x`, TOKEN.slice(0, -1), TOKEN.toUpperCase(), 'x', `${TOKEN.slice(0, -1)}F`]) {
      const r = await call(a.base, {}, bearer(wrong));
      expect(r.status, wrong).toBe(401);
      expect(r.json.error).toEqual({ code: 'unauthenticated', message: 'wrong bearer token' });
      expect(r.headers.get('www-authenticate')).toBe('Bearer realm="cellwire", error="invalid_token"');
    }
    for (const header of [`Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}`, TOKEN, 'Bearer', `Bearer ${TOKEN} extra`]) {
      const r = await call(a.base, {}, { authorization: header });
      expect(r.status, header).toBe(401);
      expect(r.json.error.message).toBe("the Authorization header must be 'Bearer <token>'");
    }
  });

  it('answers /v1/health without a token with liveness only; the rest needs the token', async () => {
    const open = await fetch(`${a.base}/v1/health`);
    expect(open.status).toBe(200);
    expect(await open.json()).toEqual({ ok: true, ready: true });
    const full = await fetch(`${a.base}/v1/health`, { headers: bearer(TOKEN) });
    expect(((await full.json()) as any).links).toHaveLength(1);
    expect((await fetch(`${a.base}/v1/health`, { headers: bearer('wrong-token-0123456789') })).status).toBe(401);
  });

  it('serves the /ui page, which holds nothing of the cell, and /metrics only with the token', async () => {
    expect((await fetch(`${a.base}/ui`)).status).toBe(200);
    expect((await fetch(`${a.base}/metrics`)).status).toBe(401);
    const m = await fetch(`${a.base}/metrics`, { headers: bearer(TOKEN) });
    expect(m.status).toBe(200);
    expect(await m.text()).toBe('cellwire_up 1\n');
  });
});

describe('a config with neither a token nor api_anonymous', () => {
  let a: Api;
  beforeAll(async () => {
    a = await api({});
  });
  afterAll(() => a.close());

  it('refuses everything but liveness with 401 and a message that says how to open it', async () => {
    for (const path of ['/v1/state', '/ui', '/metrics']) {
      const r = await raw(a.port, { path, headers: { host: `127.0.0.1:${a.port}` } });
      expect(r.status, path).toBe(401);
      expect(r.json.error.message).toBe("this cell's API is closed: its config sets neither api_token_env / api_token_file (a bearer token) nor api_anonymous: true");
    }
    const r = await call(a.base, {});
    expect(r.status).toBe(401);
    expect((await call(a.base, {}, bearer(TOKEN))).json.error.message).toContain('this cell has no API token');
    expect(await (await fetch(`${a.base}/v1/health`)).json()).toEqual({ ok: true, ready: true });
  });
});

describe('anonymous callers (api_anonymous: true)', () => {
  let anon: Api;
  let both: Api;
  beforeAll(async () => {
    anon = await api({ auth: { anonymous: true } });
    both = await api({ auth: { anonymous: true, token: TOKEN } });
  });
  afterAll(async () => {
    await anon.close();
    await both.close();
  });

  it('are never admins and have no roles, whatever their ctxt says', async () => {
    seen.length = 0;
    expect((await call(anon.base, {})).status).toBe(200);
    expect((await call(anon.base, { ctxt: { is_admin: true, roles: ['admin', 'superuser'], user_id: 'mallory' } })).status).toBe(200);
    expect(seen[0]).toMatchObject({ is_admin: false, roles: [] });
    expect(seen[1]).toMatchObject({ is_admin: false, roles: [], user_id: 'mallory' });
  });

  it('beside a token: without it anonymous, with it admin, with a wrong one refused', async () => {
    seen.length = 0;
    await call(both.base, { ctxt: { is_admin: true, roles: ['admin'] } });
    await call(both.base, {}, bearer(TOKEN));
    expect(seen.map((c) => [c.is_admin, c.roles])).toEqual([
      [false, []],
      [true, ['admin']],
    ]);
    expect((await call(both.base, {}, bearer('not-the-token-0123456789'))).status).toBe(401);
  });
});

describe('POST bodies', () => {
  let a: Api;
  beforeAll(async () => {
    a = await api({ auth: { token: TOKEN } });
  });
  afterAll(() => a.close());

  it('must be declared application/json: anything a page can post without a preflight gets 415', async () => {
    for (const type of ['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonx', undefined]) {
      const headers: Record<string, string> = { host: `127.0.0.1:${a.port}`, ...bearer(TOKEN), ...(type ? { 'content-type': type } : {}) };
      const r = await raw(a.port, { method: 'POST', path: '/v1/call/service_get_all', headers, body: '{}' });
      expect(r.status, String(type)).toBe(415);
      expect(r.json.error.code).toBe('unsupported_media_type');
      expect(r.json.error.message).toContain('Content-Type: application/json');
    }
    for (const type of ['application/json', 'application/json; charset=utf-8', 'Application/JSON']) {
      const r = await raw(a.port, { method: 'POST', path: '/v1/call/service_get_all', headers: { host: `127.0.0.1:${a.port}`, ...bearer(TOKEN), 'content-type': type }, body: '{}' });
      expect(r.status, type).toBe(200);
    }
  });
});

describe('the Host header', () => {
  let a: Api;
  let named: Api;
  beforeAll(async () => {
    a = await api({ auth: { anonymous: true } });
    named = await api({ auth: { anonymous: true }, hosts: ['cells.example.net', 'api.example.net:8443'] });
  });
  afterAll(async () => {
    await a.close();
    await named.close();
  });

  it('must name the address the request came in on (or localhost on loopback): a rebound name gets 421', async () => {
    expect((await raw(a.port, { path: '/v1/state', headers: { host: `127.0.0.1:${a.port}` } })).status).toBe(200);
    expect((await raw(a.port, { path: '/v1/state', headers: { host: `localhost:${a.port}` } })).status).toBe(200);
    expect((await raw(a.port, { path: '/v1/state', headers: { host: `LOCALHOST:${a.port}` } })).status).toBe(200);
    for (const host of [`attacker.example:${a.port}`, 'attacker.example', `127.0.0.1:${a.port + 1}`, '127.0.0.1', `127.0.0.2:${a.port}`, `localhost.:${a.port}`, `[::1]:${a.port}`, 'x y']) {
      const r = await raw(a.port, { path: '/v1/state', headers: { host } });
      expect(r.status, host).toBe(421);
      expect(r.json.error.code).toBe('misdirected_request');
      expect(r.json.error.message).toContain('api_hosts');
    }
    // Liveness too: a rebound page learns nothing.
    expect((await raw(a.port, { path: '/v1/health', headers: { host: 'attacker.example' } })).status).toBe(421);
  });

  it('refuses a request with no Host header', async () => {
    const status = await new Promise<string>((resolve) => {
      const sock = netConnect(a.port, '127.0.0.1', () => sock.write('GET /v1/state HTTP/1.0\r\n\r\n'));
      let text = '';
      sock.on('data', (d) => (text += d));
      sock.on('end', () => resolve(text.split('\r\n')[0] ?? ''));
    });
    expect(status).toBe('HTTP/1.1 421 Misdirected Request');
  });

  it('accepts the names of api_hosts: a name alone on any port, name:port on that port only', async () => {
    expect((await raw(named.port, { path: '/v1/state', headers: { host: 'cells.example.net' } })).status).toBe(200);
    expect((await raw(named.port, { path: '/v1/state', headers: { host: 'Cells.Example.Net:7081' } })).status).toBe(200);
    expect((await raw(named.port, { path: '/v1/state', headers: { host: 'api.example.net:8443' } })).status).toBe(200);
    expect((await raw(named.port, { path: '/v1/state', headers: { host: 'api.example.net:8444' } })).status).toBe(421);
    expect((await raw(named.port, { path: '/v1/state', headers: { host: 'evil.cells.example.net' } })).status).toBe(421);
  });
});

describe('the request context and timeout, checked at the door', () => {
  let a: Api;
  let strip: Api;
  beforeAll(async () => {
    a = await api({ auth: { token: TOKEN } });
    strip = await api({ auth: { token: TOKEN }, stripAuthToken: true });
  });
  afterAll(async () => {
    await a.close();
    await strip.close();
  });

  it('refuses a ctxt field of the wrong type with 400 naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ auth_token: 5 }, 'ctxt.auth_token must be a string or null, got 5'],
      [{ auth_token: { a: 1 } }, 'ctxt.auth_token must be a string or null, got a object'],
      [{ user_name: [] }, 'ctxt.user_name must be a string or null, got a list'],
      [{ project_name: true }, 'ctxt.project_name must be a string or null'],
      [{ remote_address: 1 }, 'ctxt.remote_address must be a string or null'],
      [{ global_request_id: 2 }, 'ctxt.global_request_id must be a string or null'],
      [{ request_id: null }, 'ctxt.request_id must be a string, got null'],
      [{ is_admin: 'yes' }, 'ctxt.is_admin must be true or false'],
      [{ roles: ['a', 1] }, 'ctxt.roles must be a list of strings'],
      [{ read_deleted: 'maybe' }, "ctxt.read_deleted must be 'no', 'yes' or 'only'"],
    ];
    for (const [ctxt, message] of cases) {
      const r = await call(a.base, { ctxt }, bearer(TOKEN));
      expect(r.status, JSON.stringify(ctxt)).toBe(400);
      expect(r.json.error.code).toBe('invalid_argument');
      expect(r.json.error.message).toContain(message);
    }
    seen.length = 0;
    expect((await call(a.base, { ctxt: { auth_token: 'keystone-token', user_name: null, extra_key: { any: ['json'] } } }, bearer(TOKEN))).status).toBe(200);
    expect(seen[0]).toMatchObject({ auth_token: 'keystone-token', extra_key: { any: ['json'] } });
  });

  it('range-checks timeout_s: finite, > 0, at most the cell\'s longest deadline', async () => {
    for (const [body, message] of [
      ['{"timeout_s": 0}', 'timeout_s must be a number of seconds > 0'],
      ['{"timeout_s": -3}', 'timeout_s must be a number of seconds > 0'],
      ['{"timeout_s": 1e400}', 'timeout_s must be a number of seconds > 0'],
      ['{"timeout_s": "5"}', 'timeout_s must be a number of seconds > 0'],
      [`{"timeout_s": ${MAX_CALL_TIMEOUT_S + 1}}`, `timeout_s must be at most ${MAX_CALL_TIMEOUT_S}`],
      ['{"timeout_s": 1e300}', `timeout_s must be at most ${MAX_CALL_TIMEOUT_S}`],
    ] as const) {
      const res = await fetch(`${a.base}/v1/call/service_get_all`, { method: 'POST', headers: { ...JSON_TYPE, ...bearer(TOKEN) }, body });
      expect(res.status, body).toBe(400);
      expect(((await res.json()) as any).error.message).toContain(message);
    }
    expect((await call(a.base, { timeout_s: MAX_CALL_TIMEOUT_S }, bearer(TOKEN))).status).toBe(200);
  });

  it('refuses a body nested deeper than a cell accepts on the wire', async () => {
    const deep = `{"args":{"filters":${'['.repeat(5000)}${']'.repeat(5000)}}}`;
    const res = await fetch(`${a.base}/v1/call/service_get_all`, { method: 'POST', headers: { ...JSON_TYPE, ...bearer(TOKEN) }, body: deep });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.message).toBe('request body is nested deeper than 100 levels');
  });

  it('keeps ctxt.auth_token by default, and drops it at the origin with strip_auth_token', async () => {
    seen.length = 0;
    await call(a.base, { ctxt: { auth_token: 'keystone-token' } }, bearer(TOKEN));
    await call(strip.base, { ctxt: { auth_token: 'keystone-token' } }, bearer(TOKEN));
    expect(seen[0]?.auth_token).toBe('keystone-token');
    expect(seen[1]).not.toHaveProperty('auth_token');
  });
});

/** A logger that keeps its warnings. */
function recording(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { ...silentLogger, warnings, warn: (m: string) => void warnings.push(m) };
}

describe('the API on an address of its own (api_listen)', () => {
  const env = { API_TOKEN: TOKEN, LINK: 'top-kid-link-secret' };
  let top: CellService;
  let kid: CellService;
  const topLog = recording();

  beforeAll(async () => {
    const common = { log_level: 'silent', api_token_env: 'API_TOKEN', api_listen: 'http://127.0.0.1:0' };
    // The kid first, so the top's first reports find it listening.
    kid = await startCellService(parseConfig({ ...common, name: 'kid', listen: 'http://127.0.0.1:0', parents: [{ name: 'top', url: 'http://127.0.0.1:1', secret_env: 'LINK' }] }, { env }), {
      logger: silentLogger,
    });
    const kidLink = kid.urls[0] as string;
    top = await startCellService(parseConfig({ ...common, name: 'top', listen: 'http://127.0.0.1:0', children: [{ name: 'kid', url: kidLink, secret_env: 'LINK' }] }, { env }), { logger: topLog });
  });
  afterAll(async () => {
    await Promise.all([top?.close(), kid?.close()]);
  });

  it('serves the API there, and no longer on the cell-link URL', async () => {
    expect(top.url).not.toBe(top.urls[0]);
    expect(top.state().api_url).toBe(top.url);
    expect((await fetch(`${top.url}/v1/state`, { headers: bearer(TOKEN) })).status).toBe(200);
    const r = await call(top.url as string, {}, bearer(TOKEN));
    expect(r.status).toBe(200);
    expect(r.json.map((x: any) => x.cell_name)).toEqual(['top!kid', 'top']);
    for (const path of ['/v1/state', '/v1/health', '/ui', '/metrics']) {
      const res = await fetch(`${top.urls[0]}${path}`, { headers: bearer(TOKEN) });
      expect(res.status, path).toBe(404);
      expect(((await res.json()) as any).error.message).toContain("this listener carries cell messages; the cell's HTTP API is served elsewhere");
    }
    const post = await fetch(`${top.urls[0]}/v1/call/service_get_all`, { method: 'POST', headers: { ...JSON_TYPE, ...bearer(TOKEN) }, body: '{}' });
    expect(post.status).toBe(404);
    // The links still carry the cells' messages; no warning about where the API is.
    expect(topLog.warnings.filter((w) => w.includes('HTTP API'))).toEqual([]);
  });

  it('reads the tree below through the child\'s link URL, signed with the link secret', async () => {
    const res = await fetch(`${top.url}/v1/tree`, { headers: bearer(TOKEN) });
    const tree = (await res.json()) as any;
    expect(tree.children[0]).toMatchObject({ name: 'kid', source: 'self', api_url: kid.url });
    expect(tree.children[0].unreachable).toBeUndefined();
    // A read that is not signed with the link secret, or not by a parent, is refused.
    const kidLink = kid.urls[0] as string;
    const path = '/v1/tree?timeout_ms=500';
    for (const [what, headers] of [
      ['unsigned', { 'x-cellwire-from': 'top' }],
      ['a wrong secret', linkReadHeaders({ from: 'top', to: 'kid', secret: 'not-the-link-secret' }, 'GET', path)],
      ['not a parent', linkReadHeaders({ from: 'stranger', to: 'kid', secret: env.LINK }, 'GET', path)],
      ['signed for another path', linkReadHeaders({ from: 'top', to: 'kid', secret: env.LINK }, 'GET', '/v1/tree')],
      ['too old', linkReadHeaders({ from: 'top', to: 'kid', secret: env.LINK }, 'GET', path, Date.now() - 120_000)],
    ] as const) {
      const r = await fetch(`${kidLink}${path}`, { headers });
      expect(r.status, what).toBe(401);
      expect(((await r.json()) as any).error.message, what).toMatch(/^cell read refused: /);
    }
    const ok = await fetch(`${kidLink}${path}`, { headers: linkReadHeaders({ from: 'top', to: 'kid', secret: env.LINK }, 'GET', path) });
    expect(ok.status).toBe(200);
  });
});

describe('warnings at start about where the API listens', () => {
  it('says when the API shares a link listener on every interface, or a closed one', async () => {
    const log = recording();
    const cell = await startCellService(parseConfig({ name: 'wide', listen: 'http://0.0.0.0:0', log_level: 'silent' }), { logger: log });
    await cell.close();
    expect(log.warnings.some((w) => /HTTP API .* is served on the cell-link listener http:\/\/0\.0\.0\.0:\d+, which listens on EVERY interface \(0\.0\.0\.0\).*set api_listen/.test(w))).toBe(true);
    expect(log.warnings.some((w) => /refuses every request but GET \/v1\/health \(401\): set api_token_env or api_token_file/.test(w))).toBe(true);
  });

  it('says nothing of the kind for a loopback link listener with a token', async () => {
    const log = recording();
    const cell = await startCellService(parseConfig({ name: 'tight', listen: 'http://127.0.0.1:0', log_level: 'silent', api_token_env: 'T' }, { env: { T: TOKEN } }), { logger: log });
    await cell.close();
    expect(log.warnings).toEqual([]);
  });
});
