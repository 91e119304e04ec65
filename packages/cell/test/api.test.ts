/**
 * The local HTTP API on its own: a real runner (a two-cell tree on the memory transport)
 * behind createApiHandler on a plain node server (with a bearer token), driven with fetch.
 * The door itself (tokens, Host, content types) is api-door.test.ts.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect as netConnect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessageRunner, InvalidArgument, serve, silentLogger } from '@cellwire/core';
import { MemoryNetwork } from '@cellwire/transport-memory';
import { cellState, cellStateHandlers, novaCells, type Instance } from '@cellwire/schema';
import { createApiHandler } from '../src/api.js';

const instances: Instance[] = [
  { uuid: '11111111-1111-4111-8111-111111111111', cell_name: 'top!child', vm_state: 'active', host: 'h1' },
  { uuid: '22222222-2222-4222-8222-222222222222', cell_name: 'top', vm_state: 'stopped', host: 'h2' },
];

let server: http.Server;
let base: string;
const TOKEN = 'api-test-token-0123456789abcdef';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const net = new MemoryNetwork();
const transport = net.transport();
const seenCtxt: unknown[] = [];
let boom = false;
/** What the API logs, by level: a hostile client must not be able to fill it with stacks. */
const apiLines: [string, string][] = [];
const apiLog = {
  ...silentLogger,
  debug: (m: string) => void apiLines.push(['debug', m]),
  info: (m: string) => void apiLines.push(['info', m]),
  warn: (m: string) => void apiLines.push(['warn', m]),
  error: (m: string) => void apiLines.push(['error', m]),
};

const top = new MessageRunner({
  name: 'top',
  logger: silentLogger,
  services: [
    serve(novaCells, {
      serviceGetAll: (ctx) => {
        seenCtxt.push(ctx.ctxt);
        // A whole Service: the origin checks every answer against the method's result schema.
        return [
          {
            id: 1,
            host: 'top-h1',
            binary: 'nova-compute',
            topic: 'compute',
            report_count: 0,
            disabled: false,
            disabled_reason: null,
            forced_down: false,
            last_seen_up: null,
            created_at: null,
            updated_at: null,
            version: 1,
          },
        ];
      },
      getHostUptime: (_ctx, args) => {
        if (args.host_name === 'bad') throw new InvalidArgument('no such host');
        return `up since forever on ${args.host_name}` as never;
      },
    }),
    serve(cellState, cellStateHandlers()),
  ],
});
const child = new MessageRunner({
  name: 'child',
  logger: silentLogger,
  services: [
    serve(novaCells, {
      serviceGetAll: () => [] as never,
      getHostUptime: (_ctx, args) => `child ${args.host_name}` as never,
    }),
    serve(cellState, cellStateHandlers()),
  ],
});

beforeAll(async () => {
  await transport.listen({ cell: 'top', url: 'memory://top' }, top.receive);
  await transport.listen({ cell: 'child', url: 'memory://child' }, child.receive);
  top.addNeighbour('child', 'child', transport.connect({ name: 'child', urls: ['memory://child'] }, { cell: 'top' }));
  child.addNeighbour('parent', 'top', transport.connect({ name: 'top', urls: ['memory://top'] }, { cell: 'child' }));
  const handler = createApiHandler({
    runner: top,
    instances: { list: () => instances, get: (uuid) => instances.find((i) => i.uuid === uuid) },
    state: () => ({ name: 'top' }),
    health: () => {
      if (boom) throw new Error('health exploded');
      return { ok: true };
    },
    maxBodyBytes: 2048,
    auth: { token: TOKEN },
    logger: apiLog,
  });
  server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  top.close();
  child.close();
  await transport.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

async function post(path: string, body: unknown, init: RequestInit = {}) {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...AUTH },
    ...init,
  });
  return { status: res.status, json: (await res.json()) as any, headers: res.headers };
}

/** A GET (or another verb) with the token. */
function get(path: string, init: RequestInit = {}) {
  return fetch(`${base}${path}`, { headers: AUTH, ...init });
}

describe('POST /v1/call/{method}', () => {
  it('answers a broadcast call with one Response per cell, this cell last', async () => {
    const { status, json } = await post('/v1/call/service_get_all', { args: {} });
    expect(status).toBe(200);
    expect(json.map((r: any) => r.cell_name)).toEqual(['top!child', 'top']);
    expect(json.every((r: any) => r.failure === false)).toBe(true);
  });

  it('answers a targeted call with the Response of the target cell', async () => {
    const { status, json } = await post('/v1/call/get_host_uptime', { args: { cell_name: 'top!child', host_name: 'h9' } });
    expect(status).toBe(200);
    expect(json).toEqual({ cell_name: 'top!child', value: 'child h9', failure: false });
  });

  it('carries a failure as a Response with the remote error JSON', async () => {
    const { status, json } = await post('/v1/call/get_host_uptime', { args: { cell_name: 'top', host_name: 'bad' } });
    expect(status).toBe(200);
    expect(json.failure).toBe(true);
    expect(json.value).toMatchObject({ class: 'InvalidArgument', message: 'no such host', kwargs: { code: 'invalid_argument' } });
  });

  it('fills the context in: an admin context by default, the caller fields otherwise', async () => {
    seenCtxt.length = 0;
    await post('/v1/call/service_get_all', {});
    await post('/v1/call/service_get_all', { ctxt: { user_id: 'alice', project_id: 'p1' } });
    expect(seenCtxt[0]).toMatchObject({ is_admin: true, roles: ['admin'] });
    expect(seenCtxt[1]).toMatchObject({ is_admin: false, user_id: 'alice', project_id: 'p1', read_deleted: 'no' });
  });

  it('answers 202 for a cast', async () => {
    const { status, json } = await post('/v1/call/ask_children_for_capabilities', { args: {} });
    expect(status).toBe(202);
    expect(json).toEqual({ status: 'accepted', method: 'ask_children_for_capabilities', cell: 'top' });
  });

  it('refuses an unknown or internal method with 404 unknown_method', async () => {
    for (const m of ['no_such_method', 'update_capacities', 'constructor', '__proto__']) {
      const { status, json } = await post(`/v1/call/${m}`, {});
      expect(status).toBe(404);
      expect(json.error.code).toBe('unknown_method');
      expect(json.error.message).toContain(m);
    }
  });

  it('refuses a body that is not JSON, or not the right shape, with 400 saying why', async () => {
    const cases: [string, string][] = [
      ['{"args": ', 'request body is not JSON'],
      ['[1]', 'request body must be a JSON object'],
      ['{"args": []}', 'args must be a JSON object'],
      ['{"timeout_s": -1}', 'timeout_s must be a number of seconds > 0'],
      ['{"ctxt": {"roles": "admin"}}', 'ctxt.roles must be a list of strings'],
      ['{"argz": {}}', "unknown field 'argz'"],
    ];
    for (const [body, message] of cases) {
      const { status, json } = await post('/v1/call/service_get_all', body);
      expect(status, body).toBe(400);
      expect(json.error).toMatchObject({ code: 'invalid_argument' });
      expect(json.error.message).toContain(message);
    }
  });

  it('refuses invalid arguments with 400 naming the field', async () => {
    const { status, json } = await post('/v1/call/get_host_uptime', { args: { cell_name: 'top!child' } });
    expect(status).toBe(400);
    expect(json.error.code).toBe('invalid_argument');
    expect(json.error.message).toMatch(/host_name/);
  });

  it('refuses a missing target with 400', async () => {
    const { status, json } = await post('/v1/call/get_host_uptime', { args: { cell_name: '', host_name: 'h' } });
    expect(status).toBe(400);
    // As the reference: a targeted call with no target cell cannot be routed.
    expect(json.error.code).toBe('routing_inconsistency');
    expect(json.error.message).toContain('No cell given in routing path.');
  });

  it('answers a target path that cannot be routed with a routing_inconsistency failure', async () => {
    const { status, json } = await post('/v1/call/get_host_uptime', { args: { cell_name: 'top!nowhere', host_name: 'h' } });
    expect(status).toBe(200);
    expect(json).toMatchObject({ cell_name: 'top', failure: true, value: { class: 'CellRoutingInconsistency', kwargs: { code: 'routing_inconsistency' } } });
  });

  it('refuses a body over the limit with 413', async () => {
    const { status, json } = await post('/v1/call/service_get_all', JSON.stringify({ args: { filters: { host: 'x'.repeat(4000) } } }));
    expect(status).toBe(413);
    expect(json.error.code).toBe('payload_too_large');
  });

  it('refuses other verbs with 405 and an Allow header', async () => {
    const res = await get('/v1/call/service_get_all');
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect(((await res.json()) as any).error.code).toBe('method_not_allowed');
  });

  it('answers a call that times out with 504', async () => {
    net.blackhole('child');
    try {
      const { status, json } = await post('/v1/call/get_host_uptime', { args: { cell_name: 'top!child', host_name: 'h' }, timeout_s: 0.2 });
      expect(status).toBe(504);
      expect(json.error).toEqual({ code: 'timeout', message: 'Timeout waiting for response from cell top!child' });
    } finally {
      net.blackhole('child', false);
    }
  });
});

describe('GET routes', () => {
  it('serves state and health', async () => {
    expect(await (await get('/v1/state')).json()).toEqual({ name: 'top' });
    expect(await (await get('/v1/health')).json()).toEqual({ ok: true });
  });

  it('lists instances, filters them by field, and finds one by uuid', async () => {
    const all = (await (await get('/v1/instances')).json()) as any;
    expect(all.instances).toHaveLength(2);
    const stopped = (await (await get('/v1/instances?vm_state=stopped')).json()) as any;
    expect(stopped.instances.map((i: Instance) => i.uuid)).toEqual([instances[1]?.uuid]);
    const one = await get(`/v1/instances/${instances[0]?.uuid}`);
    expect(one.status).toBe(200);
    expect(((await one.json()) as Instance).cell_name).toBe('top!child');
  });

  it('answers 404 for a missing instance and an unknown path', async () => {
    const missing = await get('/v1/instances/nope');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as any).error).toEqual({ code: 'not_found', message: 'Instance nope could not be found.' });
    const other = await get('/v2/whatever');
    expect(other.status).toBe(404);
    expect(((await other.json()) as any).error.code).toBe('not_found');
  });

  it('answers a request target it cannot read as a URL with 400, not 500 (found by test/fuzz.test.ts)', async () => {
    apiLines.length = 0;
    const { port } = new URL(base);
    for (const target of ['//', '//:99999/v1/state', '//[/v1/state']) {
      const answer = await new Promise<string>((resolve) => {
        const sock = netConnect(Number(port), '127.0.0.1', () => sock.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${TOKEN}\r\nConnection: close\r\n\r\n`));
        let text = '';
        sock.on('data', (d) => (text += d));
        sock.on('end', () => resolve(text));
      });
      expect(answer.split('\r\n')[0], target).toBe('HTTP/1.1 400 Bad Request');
      expect(answer).toContain('{"error":{"code":"invalid_argument","message":"malformed request target"}}');
    }
    expect(apiLines.filter(([level]) => level === 'error')).toEqual([]);
  });

  it('answers 405 for POST on a read-only route', async () => {
    const res = await get('/v1/state', { method: 'POST', body: '{}' });
    expect(res.status).toBe(405);
  });

  it('turns a failing route into a 500 JSON error and keeps serving', async () => {
    boom = true;
    const res = await get('/v1/health');
    boom = false;
    expect(res.status).toBe(500);
    expect(((await res.json()) as any).error).toEqual({ code: 'internal', message: 'internal error: health exploded' });
    expect((await get('/v1/health')).status).toBe(200);
  });
});

describe('a client hanging up mid-body', () => {
  it('logs one debug line, no error and no stack, and the API keeps serving', async () => {
    apiLines.length = 0;
    const { port } = new URL(base);
    await new Promise<void>((resolve) => {
      const sock = netConnect(Number(port), '127.0.0.1', () => {
        sock.write(`POST /v1/call/service_get_all HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"args":`);
        setTimeout(() => {
          sock.destroy();
          resolve();
        }, 50);
      });
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(apiLines.filter(([level]) => level !== 'debug')).toEqual([]);
    expect(apiLines.filter(([, m]) => m.includes('client went away'))).toHaveLength(1);
    expect(apiLines.some(([, m]) => m.includes('    at '))).toBe(false);
    const { status } = await post('/v1/call/service_get_all', { args: {} });
    expect(status).toBe(200);
  });
});
