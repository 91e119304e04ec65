/**
 * Core's small helpers, each pinned at its edges: JSON checks of a caller's values
 * (src/json-value.ts), trace ids (trace.ts), the console logger (logger.ts), request contexts
 * (context.ts), the service registry and descriptors (registry.ts, service.ts), interceptor
 * chains (interceptor.ts) and the handler context (handler-context.ts).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  adminContext,
  consoleLogger,
  defineService,
  InvalidArgument,
  makeContext,
  MessageRunner,
  method,
  newTraceparent,
  serve,
  silentLogger,
  UnknownMethod,
  type Envelope,
  type Interceptor,
} from '../src/index.js';
import { LocalContext } from '../src/handler-context.js';
import { applyHooks, applyInterceptors } from '../src/interceptor.js';
import { jsonProblem, MAX_VALUE_DEPTH, nestingExceeds } from '../src/json-value.js';
import { ServiceRegistry } from '../src/registry.js';
import { traceIdOf } from '../src/trace.js';
import { testService } from './service/gen/index.js';

afterEach(() => vi.restoreAllMocks());

const nest = (levels: number, inner: unknown = 1): unknown => {
  let v = inner;
  for (let i = 0; i < levels; i++) v = [v];
  return v;
};

describe('jsonProblem', () => {
  it('accepts JSON values, and object properties that are undefined', () => {
    expect(jsonProblem({ s: 'x', b: false, n: 1.5, z: null, a: [1, 'two', { ok: true }], u: undefined })).toBeUndefined();
    expect(jsonProblem('text')).toBeUndefined();
    expect(jsonProblem(null)).toBeUndefined();
  });

  it('names where a value is not JSON, under the name given', () => {
    expect(jsonProblem(undefined)).toBe('args is not JSON (undefined)');
    expect(jsonProblem({ a: { f: () => 1 } }, 'ctxt')).toBe('ctxt.a.f is not JSON (function)');
    expect(jsonProblem({ a: [1, Symbol('s')] })).toBe('args.a.1 is not JSON (symbol)');
    expect(jsonProblem({ a: 10n })).toBe('args.a is not JSON (bigint)');
    expect(jsonProblem([1, undefined])).toBe('args.1 is not JSON (undefined)');
    // An undefined property is absent, not the problem.
    expect(jsonProblem({ a: undefined, b: () => 1 })).toBe('args.b is not JSON (function)');
    expect(jsonProblem({ a: { n: Infinity } })).toBe('args.a.n must be a finite number');
    expect(jsonProblem(Number.NaN)).toBe('args must be a finite number');
  });

  it('accepts values nested as deep as receivers take, and names what is deeper or circular', () => {
    expect(jsonProblem(nest(MAX_VALUE_DEPTH))).toBeUndefined();
    expect(jsonProblem(nest(MAX_VALUE_DEPTH + 1))).toMatch(/^args(\.0)+ is nested too deeply \(or circular\)$/);
    expect(jsonProblem({ x: nest(MAX_VALUE_DEPTH) })).toMatch(/is nested too deeply/);
    expect(jsonProblem(nest(MAX_VALUE_DEPTH, null))).toBeUndefined();
    expect(jsonProblem(nest(MAX_VALUE_DEPTH - 1, [null, {}]))).toMatch(/\.1 is nested too deeply \(or circular\)$/);
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(jsonProblem(loop)).toMatch(/^args(\.self)+ is nested too deeply \(or circular\)$/);
  });
});

describe('nestingExceeds', () => {
  it('counts arrays and objects, down as well as up', () => {
    expect(nestingExceeds('[[]]', 2)).toBe(false);
    expect(nestingExceeds('[[[]]]', 2)).toBe(true);
    expect(nestingExceeds('{"a":{"b":{}}}', 2)).toBe(true);
    expect(nestingExceeds('[][][][]', 1)).toBe(false);
    expect(nestingExceeds('[{}, {}, {}]', 2)).toBe(false);
    expect(nestingExceeds('{"a":[],"b":{}}', 2)).toBe(false);
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    expect(nestingExceeds('["[[[[{{"]', 1)).toBe(false);
    expect(nestingExceeds('["\\"[[[",1]', 1)).toBe(false);
    expect(nestingExceeds('["\\\\",[[1]]]', 2)).toBe(true);
    expect(nestingExceeds('{"k":"}}}}","v":[[1]]}', 2)).toBe(true);
  });
});

describe('trace ids', () => {
  it('draws W3C traceparents, all different, past a refill of the pool', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 600; i++) {
      const t = newTraceparent();
      expect(t).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      seen.add(t.slice(3, 35));
    }
    expect(seen.size).toBe(600);
  });

  it('reads the trace id of a traceparent, and nothing from one that is absent or malformed', () => {
    const id = '4bf92f3577b34da6a3ce929d0e0e4736';
    expect(traceIdOf(`00-${id}-00f067aa0ba902b7-01`)).toBe(id);
    expect(traceIdOf(`01-${id}-00f067aa0ba902b7-00-later-fields`)).toBe(id);
    expect(traceIdOf(`00-${id}-00f067aa0ba902b7-01x`)).toBeUndefined();
    expect(traceIdOf(`x00-${id}-00f067aa0ba902b7-01`)).toBeUndefined();
    expect(traceIdOf(`00-${id.slice(1)}-00f067aa0ba902b7-01`)).toBeUndefined();
    expect(traceIdOf(undefined)).toBeUndefined();
  });
});

describe('console logger', () => {
  it('writes lines from its level up, with the fields when there are any', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const log = consoleLogger('api');
    log.debug('d');
    log.info('i');
    log.warn('w', { a: 1 });
    log.error('e', {});
    expect(write.mock.calls.map((c) => c[0])).toEqual(['[api] warn: w {"a":1}\n', '[api] error: e\n']);
  });

  it('writes every level at debug and none when silent', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const all = consoleLogger('c', 'debug');
    all.debug('d');
    all.info('i');
    const none = consoleLogger('c', 'silent');
    none.error('e');
    silentLogger.error('e');
    expect(write.mock.calls.map((c) => c[0])).toEqual(['[c] debug: d\n', '[c] info: i\n']);
  });
});

describe('request contexts', () => {
  it('fill in the reference\'s defaults, and let the caller\'s fields win', () => {
    const before = Date.now();
    const c = makeContext();
    expect(c).toMatchObject({ user_id: null, project_id: null, roles: [], is_admin: false, read_deleted: 'no' });
    expect(c.request_id).toMatch(/^req-[0-9a-f-]{36}$/);
    expect(Date.parse(c.timestamp)).toBeGreaterThanOrEqual(before - 1);
    expect(makeContext().request_id).not.toBe(c.request_id);
    expect(makeContext({ user_id: 'alice', roles: ['member'] })).toMatchObject({ user_id: 'alice', roles: ['member'] });
  });

  it('an admin context is an admin with the admin role, unless told otherwise', () => {
    expect(adminContext()).toMatchObject({ is_admin: true, roles: ['admin'], user_id: null });
    expect(adminContext({ roles: ['service'], project_id: 'p' })).toMatchObject({ is_admin: true, roles: ['service'], project_id: 'p' });
  });
});

describe('service registry and descriptors', () => {
  const other = defineService({ name: 'other_service', version: '2.1.0' }, { ping: { ...testService.methods.echo, name: 'ping' } });

  it('a descriptor links each method to its frozen service, under its camelCase name', () => {
    const m = other.methods.ping;
    expect(m.localName).toBe('ping');
    expect(m.service).toEqual({ name: 'other_service', version: '2.1.0' });
    expect(Object.isFrozen(other) && Object.isFrozen(other.methods) && Object.isFrozen(m) && Object.isFrozen(m.service)).toBe(true);
    expect(other).toMatchObject({ name: 'other_service', version: '2.1.0' });
    expect(serve(other, {})).toEqual({ service: other, handlers: {} });
  });

  it('a method declaration is its spec', () => {
    const spec = { kind: 'local', direction: 'down', needResponse: true, target: 'none' } as const;
    expect(method(spec)).toBe(spec);
  });

  it('serves descriptors alone or with handlers, in the order given', () => {
    const reg = new ServiceRegistry();
    const ping = () => 'pong';
    reg.add(testService);
    reg.add(serve(other, { ping } as never));
    expect(reg.services()).toEqual([testService, other]);
    expect(reg.get('echo')).toMatchObject({ method: testService.methods.echo, handler: undefined });
    expect(reg.get('ping')?.handler).toBe(ping);
    expect(reg.require('ping').method).toBe(other.methods.ping);
    expect(reg.get('nope')).toBeUndefined();
    // Nothing but the services' methods: no stray entry.
    expect(reg.get('S')).toBeUndefined();
    expect(() => reg.require('nope')).toThrow(UnknownMethod);
  });

  it('refuses a service registered twice, and a handler that is not a function, adding nothing', () => {
    const reg = new ServiceRegistry();
    reg.add(testService);
    expect(() => reg.add(testService)).toThrow(/service 'test_service' is registered twice/);
    expect(() => reg.add(serve(other, { ping: 'not a function' } as never))).toThrow(InvalidArgument);
    expect(() => reg.add(serve(other, { ping: 'not a function' } as never))).toThrow(/handler 'ping' of service 'other_service' is not a function/);
    expect(reg.get('ping')).toBeUndefined();
    expect(reg.services()).toEqual([testService]);
  });

  it('a clash of wire names leaves the second service out entirely', () => {
    const reg = new ServiceRegistry();
    reg.add(testService);
    const clash = defineService({ name: 'clash', version: '1.0.0' }, { fresh: { ...testService.methods.echo, name: 'fresh' }, echo: { ...testService.methods.echo } });
    expect(() => reg.add(clash)).toThrow(/method 'echo' is declared by both/);
    expect(reg.get('fresh')).toBeUndefined();
    expect(reg.services()).toEqual([testService]);
  });
});

describe('interceptor chains', () => {
  it('run the first interceptor outermost', async () => {
    const order: string[] = [];
    const tag =
      (n: string): Interceptor =>
      (next) =>
      async (c) => {
        order.push(n);
        return next(c);
      };
    const out = await applyInterceptors([tag('a'), tag('b'), tag('c')], async () => 'done')({} as never);
    expect(out).toBe('done');
    expect(order).toEqual(['a', 'b', 'c']);
  });

  it('hooks chain the same way, and no hooks is no chain', async () => {
    expect(applyHooks([], async () => 1)).toBeUndefined();
    const order: string[] = [];
    const hook = (n: string) => (next: (c: number) => Promise<number>) => async (c: number) => (order.push(n), next(c + 1));
    const chain = applyHooks([hook('a'), hook('b')], async (c: number) => c * 10)!;
    expect(await chain(1)).toBe(30);
    expect(order).toEqual(['a', 'b']);
  });
});

describe('the handler context', () => {
  const env = {
    message_type: 'targeted',
    ctxt: makeContext(),
    method_name: 'echo',
    method_kwargs: {},
    direction: 'down',
    need_response: false,
    fanout: false,
    uuid: 'u-1',
    routing_path: 'a!b',
    hop_count: 2,
    max_hop_count: 10,
    traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  } as Envelope;

  it('reads the message it was made for', () => {
    const runner = new MessageRunner({ name: 'b', logger: silentLogger });
    const ctxt = makeContext({ user_id: 'u' });
    const c = new LocalContext(env, ctxt, testService.methods.echo, 1234, runner);
    expect(c).toMatchObject({ routingPath: 'a!b', needResponse: false, uuid: 'u-1', traceparent: env.traceparent, deadline: 1234, runner, ctxt, message: env });
    runner.close();
  });

  it('makes its signal once, aborted at the deadline', async () => {
    const runner = new MessageRunner({ name: 'b', logger: silentLogger });
    const made = Date.now();
    const c = new LocalContext(env, env.ctxt, testService.methods.echo, made + 30, runner);
    const s = c.signal;
    expect(c.signal).toBe(s);
    expect(s.aborted).toBe(false);
    await Promise.race([new Promise((r) => s.addEventListener('abort', r, { once: true })), new Promise((r) => setTimeout(r, 500))]);
    expect(s.aborted).toBe(true);
    expect(Date.now()).toBeGreaterThanOrEqual(made + 29);
    runner.close();
  });
});
