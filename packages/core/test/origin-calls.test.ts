/**
 * Calls that start here (src/origin-calls.ts): which methods a caller may call, what a spec
 * makes of a call (targeted, broadcast, local; flags and targets read from arguments), the
 * deadline and trace context a call gets, and what origin interceptors see and may change.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  CellRoutingInconsistency,
  CellwireError,
  defineService,
  makeContext,
  MessageRunner,
  Response,
  serve,
  silentLogger,
  UnknownMethod,
  type CallContext,
  type HandlerContext,
  type Interceptor,
  type Logger,
  type MethodDescriptor,
} from '../src/index.js';
import { testHandlers } from './helpers/handlers.js';
import { testTree, type TestTree } from './helpers/tree.js';
import { testService } from './service/gen/index.js';

const { echo, gather, note } = testService.methods;
const ctxt = makeContext();
const anyArgs = Object.assign(() => true, { errors: null });
const anyString = Object.assign((v: unknown) => typeof v === 'string', { errors: null });
const base = { direction: 'down', needResponse: true, validateArgs: anyArgs, validateResult: anyString, schemas: { args: { type: 'object' }, result: { type: 'string' } } } as const;

/** A service with the method kinds and target rules the test service does not have. */
const spec = defineService(
  { name: 'spec_service', version: '1.0.0' },
  {
    here: { ...base, name: 'here', kind: 'local', needResponse: { arg: 'call', default: true }, target: 'none' },
    find: { ...base, name: 'find', kind: 'targeted_or_broadcast', target: { arg: 'where.cell', optional: true } },
    skip: { ...base, name: 'skip', kind: 'targeted', target: { arg: 'cell_name', ifMissing: 'skip' } },
    must: { ...base, name: 'must', kind: 'targeted', target: { arg: 'cell_name' } },
    untargeted: { ...base, name: 'untargeted', kind: 'targeted', target: 'none' },
    inner: { ...base, name: 'inner', kind: 'targeted', target: { arg: 'cell_name' }, internal: true },
    fanned: { ...base, name: 'fanned', kind: 'broadcast', target: 'none', fanout: true, runLocally: false },
    everywhere: { ...base, name: 'everywhere', kind: 'broadcast', target: { arg: 'cell_name' }, runLocally: false },
    findCast: { ...base, name: 'find_cast', kind: 'targeted_or_broadcast', needResponse: false, target: { arg: 'cell_name', optional: true } },
  },
);

const specHandlers = (cell: string) => ({
  here: (ctx: HandlerContext, a: { fail?: boolean; wrong?: boolean }) => {
    if (a.fail) throw new CellwireError('failed_precondition', `no at ${cell}`);
    return a.wrong ? (42 as unknown as string) : `here@${ctx.routingPath}:${ctx.message.target_cell}`;
  },
  find: (ctx: HandlerContext) => `find@${ctx.routingPath}`,
  skip: (ctx: HandlerContext) => `skip@${ctx.routingPath}`,
  must: (ctx: HandlerContext) => `must@${ctx.routingPath}`,
  untargeted: () => 'x',
  inner: (ctx: HandlerContext) => `inner@${ctx.routingPath}`,
  fanned: (ctx: HandlerContext) => `fanned@${ctx.routingPath}`,
  everywhere: (ctx: HandlerContext) => `everywhere@${ctx.routingPath}`,
  findCast: () => null,
});

let tree: TestTree | undefined;
afterEach(() => tree?.close());

type Line = [string, string];
function lineLogger(lines: Line[]): Logger {
  const at = (l: string) => (m: string) => void lines.push([l, m]);
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

function specTree(extra: (cell: string) => object = () => ({})) {
  tree = testTree({ top: ['mid'] }, (cell) => ({ services: [serve(testService, testHandlers(cell)), serve(spec, specHandlers(cell) as never)], ...extra(cell) }));
  return tree;
}

describe('which methods a caller may call', () => {
  it('refuses a method this cell does not serve, hinting at the service for a descriptor', async () => {
    const r = new MessageRunner({ name: 'a', logger: silentLogger });
    await expect(r.invoke('echo', ctxt, {})).rejects.toThrow("Method 'echo' is not served by cell a");
    await expect(r.invoke('echo', ctxt, {})).rejects.toBeInstanceOf(UnknownMethod);
    await expect(r.invoke(echo, ctxt, {})).rejects.toThrow("Method 'echo' is not served by cell a: register service 'test_service' with this runner");
    await expect(r.invoke('echo', ctxt, {})).rejects.toMatchObject({ message: "Method 'echo' is not served by cell a" });
    r.close();
  });

  it('refuses a descriptor of another service that has the same wire name here', async () => {
    const lookalike = defineService({ name: 'lookalike', version: '1.0.0' }, { echo: { ...echo } });
    const r = new MessageRunner({ name: 'a', logger: silentLogger, services: [testService] });
    await expect(r.invoke(lookalike.methods.echo, ctxt, {})).rejects.toThrow("Method 'echo' belongs to service 'test_service' here, not 'lookalike'");
    r.close();
  });

  it('refuses an internal method to callers, but lets a handler send it', async () => {
    const t = specTree();
    const top = t.cell('top');
    await expect(top.invoke(spec.methods.inner, ctxt, { cell_name: 'top!mid' })).rejects.toThrow("Method 'inner' is only sent between cells");
    await expect(top.invoke('inner', ctxt, { cell_name: 'top!mid' })).rejects.toBeInstanceOf(UnknownMethod);
    const r = await top.targeted('inner', ctxt, { cell_name: 'top!mid' }, { target: 'top!mid', direction: 'down', needResponse: true });
    expect(r?.value).toBe('inner@top!mid');
  });

  it('refuses every call once the runner is closed', async () => {
    const r = new MessageRunner({ name: 'a', logger: silentLogger, services: [serve(testService, testHandlers('a'))] });
    r.close();
    for (const call of [
      () => r.invoke(echo, ctxt, { cell_name: 'a', text: 'x' }),
      () => r.targeted(echo, ctxt, { cell_name: 'a', text: 'x' }, { target: 'a', direction: 'down', needResponse: true }),
      () => r.broadcast(gather, ctxt, {}, { direction: 'down', needResponse: true }),
    ]) {
      await expect(call()).rejects.toMatchObject({ code: 'unavailable', message: 'cell a is shutting down', cell: 'a' });
    }
  });

  it('refuses a call whose signal is already aborted, sending nothing', async () => {
    const t = specTree();
    const c = new AbortController();
    c.abort(new Error('gave up early'));
    await expect(t.cell('top').invoke(echo, ctxt, { cell_name: 'top!mid', text: 'x' }, { signal: c.signal })).rejects.toMatchObject({ code: 'aborted', message: 'gave up early' });
    await expect(t.cell('top').targeted(echo, ctxt, { cell_name: 'top!mid', text: 'x' }, { target: 'top!mid', direction: 'down', needResponse: true }, { signal: c.signal })).rejects.toMatchObject({ code: 'aborted' });
    await expect(t.cell('top').broadcast(gather, ctxt, {}, { direction: 'down', needResponse: true }, { signal: c.signal })).rejects.toMatchObject({ code: 'aborted' });
    expect(t.log).toEqual([]);
  });

  it('the low-level calls reject, rather than throw, for a method not served here', async () => {
    const r = new MessageRunner({ name: 'a', logger: silentLogger });
    const t = r.targeted('nope', ctxt, {}, { target: 'a!b', direction: 'down', needResponse: true });
    const b = r.broadcast('nope', ctxt, {}, { direction: 'down', needResponse: true });
    await expect(t).rejects.toThrow("Method 'nope' is not served by cell a");
    await expect(b).rejects.toBeInstanceOf(UnknownMethod);
    r.close();
  });
});

describe('what a spec makes of a call', () => {
  it('a local method runs here, addressed to this cell, and answers checked', async () => {
    const t = specTree();
    const r = (await t.cell('top').invoke(spec.methods.here, ctxt, {})) as Response;
    expect(r).toBeInstanceOf(Response);
    expect(r.value).toBe('here@top:top');
    const wrong = (await t.cell('top').invoke(spec.methods.here, ctxt, { wrong: true })) as Response;
    expect(wrong.failure).toBe(true);
    expect(wrong.error?.message).toMatch(/answered here with a value of the wrong shape/);
    expect(t.log).toEqual([]);
  });

  it('a local method\'s handler sees a targeted message of its own direction and flag, with the call\'s deadline', async () => {
    const seen: [string, string, boolean, number][] = [];
    tree = testTree({ top: ['mid'] }, (cell) => ({
      callTimeoutMs: 5000,
      castTtlMs: 3_600_000,
      services: [serve(spec, { ...specHandlers(cell), here: (ctx: HandlerContext) => (seen.push([ctx.message.message_type, ctx.message.direction, ctx.needResponse, ctx.deadline - Date.now()]), 'ok') } as never)],
    }));
    await tree.cell('top').invoke(spec.methods.here, ctxt, {});
    await tree.cell('top').invoke(spec.methods.here, ctxt, { call: false });
    expect(seen.map(([t, d, n]) => [t, d, n])).toEqual([
      ['targeted', 'down', true],
      ['targeted', 'down', false],
    ]);
    // A local cast runs now, here: it gets the call timeout, not a cast's time to live.
    expect(seen[1]![3]).toBeLessThanOrEqual(5000);
  });

  it('a broadcast method with a target argument is still a broadcast', async () => {
    const t = specTree();
    const rs = (await t.cell('top').invoke(spec.methods.everywhere, ctxt, { cell_name: 'top!mid' })) as Response[];
    expect(rs.map((r) => r.value)).toEqual(['everywhere@top!mid']);
  });

  it('a targeted_or_broadcast cast with a target resolves with nothing', async () => {
    const t = specTree();
    await expect(t.cell('top').invoke(spec.methods.findCast, ctxt, { cell_name: 'top!mid' })).resolves.toBeUndefined();
  });

  it('a local cast resolves with nothing, or rejects with its failure', async () => {
    const t = specTree();
    await expect(t.cell('top').invoke(spec.methods.here, ctxt, { call: false })).resolves.toBeUndefined();
    await expect(t.cell('top').invoke(spec.methods.here, ctxt, { call: false, fail: true })).rejects.toMatchObject({ code: 'failed_precondition', message: 'no at top' });
  });

  it('a targeted_or_broadcast method is targeted when its (nested) target is given, a broadcast when not', async () => {
    const t = specTree();
    const one = (await t.cell('top').invoke(spec.methods.find, ctxt, { where: { cell: 'top!mid' } })) as Response[];
    expect(one.map((r) => [r.cellName, r.value])).toEqual([['top!mid', 'find@top!mid']]);
    const all = (await t.cell('top').invoke(spec.methods.find, ctxt, { where: {} })) as Response[];
    expect(all.map((r) => r.value)).toEqual(['find@top!mid', 'find@top']);
  });

  it('a target that is missing is refused naming the argument, after the arguments are checked', async () => {
    const t = specTree();
    const err = await t.cell('top').invoke(spec.methods.must, ctxt, {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CellRoutingInconsistency);
    expect(err).toMatchObject({ message: 'Inconsistency in cell routing: No cell given in routing path.', cell: 'top', details: { missing: 'cell_name' } });
    const none = await t.cell('top').invoke(spec.methods.untargeted, ctxt, {}).catch((e: unknown) => e);
    expect(none).toMatchObject({ details: { missing: 'target' } });
    await expect(t.cell('top').invoke(echo, ctxt, { text: 'x' })).rejects.toMatchObject({ code: 'invalid_argument' });
    expect(t.log).toEqual([]);
  });

  it('a target that may be missing sends nothing and says so', async () => {
    const lines: Line[] = [];
    const t = specTree(() => ({ logger: lineLogger(lines) }));
    await expect(t.cell('top').invoke(spec.methods.skip, ctxt, {})).resolves.toBeUndefined();
    expect(lines).toContainEqual(['warn', 'skip: no cell_name given; nothing sent']);
    expect(t.log).toEqual([]);
    expect((await t.cell('top').invoke(spec.methods.skip, ctxt, { cell_name: 'top!mid' }) as Response).value).toBe('skip@top!mid');
  });

  it('a broadcast runs here unless its flag says not to, and carries fanout from its spec', async () => {
    const t = specTree();
    const without = (await t.cell('top').invoke(gather, ctxt, { run_locally: false })) as Response[];
    expect(without.map((r) => r.cellName)).toEqual(['top!mid']);
    const fanned = (await t.cell('top').invoke(spec.methods.fanned, ctxt, {})) as Response[];
    expect(fanned.map((r) => r.cellName)).toEqual(['top!mid']);
    const sent = JSON.parse(t.log.find(([, , d]) => d.includes('"fanned"'))![2]);
    expect(sent).toMatchObject({ fanout: true, run_locally: false, message_type: 'broadcast' });
    const broad = JSON.parse(t.log.find(([, , d]) => d.includes('"gather"'))![2]);
    expect(broad).toMatchObject({ fanout: false, run_locally: false });
  });

  it('the low-level broadcast runs here by default', async () => {
    const t = specTree();
    const rs = await t.cell('top').broadcast(gather, ctxt, {}, { direction: 'down', needResponse: true });
    expect(rs?.map((r) => r.cellName)).toEqual(['top!mid', 'top']);
    const cast = await t.cell('top').broadcast(gather, ctxt, {}, { direction: 'down', needResponse: false, runLocally: false });
    expect(cast).toBeUndefined();
  });
});

describe('deadlines and trace context of a call', () => {
  it('a call\'s deadline comes from its timeout, a cast\'s from its time to live', async () => {
    const t = specTree((cell) => (cell === 'top' ? { callTimeoutMs: 3000, castTtlMs: 90_000, maxDeadlineMs: 5000 } : {}));
    const before = Date.now();
    await t.cell('top').invoke(echo, ctxt, { cell_name: 'top!mid', text: 'x' });
    await t.cell('top').invoke(echo, ctxt, { cell_name: 'top!mid', text: 'x', call: false });
    await t.cell('top').invoke(echo, ctxt, { cell_name: 'top!mid', text: 'x' }, { timeoutMs: 60_000 });
    const deadlines = t.log.filter(([from]) => from === 'top').map(([, , d]) => (JSON.parse(d) as { deadline: number }).deadline - before);
    expect(deadlines[0]).toBeGreaterThanOrEqual(3000);
    expect(deadlines[0]).toBeLessThan(4000);
    expect(deadlines[1]).toBeGreaterThanOrEqual(90_000);
    expect(deadlines[1]).toBeLessThan(91_000);
    // A call's deadline is capped by maxDeadlineMs.
    expect(deadlines[2]).toBeGreaterThanOrEqual(5000);
    expect(deadlines[2]).toBeLessThan(6000);
  });

  it('a broadcast cast lives for its time to live too', async () => {
    const t = specTree((cell) => (cell === 'mid' ? { castTtlMs: 90_000 } : {}));
    await t.cell('mid').invoke(note, ctxt, { text: 'n' });
    const sent = JSON.parse(t.log.find(([from]) => from === 'mid')![2]) as { deadline: number };
    expect(sent.deadline - Date.now()).toBeGreaterThan(80_000);
  });

  it('a call carries the caller\'s traceparent, else a new one', async () => {
    const t = specTree();
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    await t.cell('top').invoke(echo, ctxt, { cell_name: 'top!mid', text: 'x' }, { traceparent });
    await t.cell('top').invoke(echo, ctxt, { cell_name: 'top!mid', text: 'x' });
    const [given, drawn] = t.log.filter(([from]) => from === 'top').map(([, , d]) => (JSON.parse(d) as { traceparent: string }).traceparent);
    expect(given).toBe(traceparent);
    expect(drawn).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(drawn).not.toBe(traceparent);
  });
});

describe('origin interceptors', () => {
  it('see the call as it leaves, with its deadline and whether the trace context was given', async () => {
    const seen: CallContext[] = [];
    const watch: Interceptor = (next) => async (call) => {
      if (call.stage === 'origin') seen.push(call);
      return next(call);
    };
    const t = specTree(() => ({ interceptors: [watch] }));
    const signal = new AbortController().signal;
    const deadline = Date.now() + 4000;
    const args = { cell_name: 'top!mid', text: 'x' };
    await t.cell('top').invoke(echo, ctxt, args, { deadline, signal, traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' });
    await t.cell('top').invoke(echo, ctxt, args);
    expect(seen[0]).toEqual({
      stage: 'origin',
      cell: 'top',
      method: echo,
      ctxt,
      args,
      routingPath: 'top',
      deadline,
      signal,
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      traceparentGiven: true,
      message: undefined,
    });
    expect(seen[1]).toMatchObject({ traceparentGiven: false, signal: undefined, traceparent: expect.stringMatching(/^00-/) });
  });

  it('may change the arguments, context, deadline and trace context the message carries', async () => {
    const deadline = Date.now() + 7777;
    const swap: Interceptor = (next) => async (call) =>
      call.stage === 'origin'
        ? next({ ...call, args: { ...call.args, text: 'changed' }, ctxt: { ...call.ctxt, user_id: 'swapped' }, deadline, traceparent: '00-11111111111111111111111111111111-2222222222222222-01' })
        : next(call);
    const t = specTree((cell) => (cell === 'top' ? { interceptors: [swap] } : {}));
    const r = (await t.cell('top').invoke(echo, ctxt, { cell_name: 'top!mid', text: 'x' })) as Response;
    expect(r.value).toBe('changed@top!mid');
    const sent = JSON.parse(t.log[0]![2]) as { ctxt: { user_id: string }; deadline: number; traceparent: string };
    expect(sent).toMatchObject({ ctxt: { user_id: 'swapped' }, deadline, traceparent: '00-11111111111111111111111111111111-2222222222222222-01' });
  });

  it('an interceptor that drops the trace context leaves the call with the one it was given', async () => {
    const drop: Interceptor = (next) => async (call) => next({ ...call, traceparent: undefined });
    const t = specTree((cell) => (cell === 'top' ? { interceptors: [drop] } : {}));
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    await t.cell('top').invoke(echo, ctxt, { cell_name: 'top!mid', text: 'x' }, { traceparent });
    expect(JSON.parse(t.log[0]![2]).traceparent).toBe(traceparent);
  });

  it('an interceptor\'s signal is the one the call listens to', async () => {
    const c = new AbortController();
    const own: Interceptor = (next) => async (call) => next(call.stage === 'origin' ? { ...call, signal: c.signal } : call);
    const t = specTree((cell) => (cell === 'top' ? { interceptors: [own] } : {}));
    const p = t.cell('top').invoke(echo, ctxt, { cell_name: 'top!mid', text: 'x', delay_ms: 200 });
    setTimeout(() => c.abort(new Error('interceptor gave up')), 20);
    await expect(p).rejects.toMatchObject({ code: 'aborted', message: 'interceptor gave up' });
  });
});

describe('calls aborted while they wait', () => {
  it('a broadcast rejects when its caller aborts, and leaves nothing waiting', async () => {
    const t = specTree();
    const c = new AbortController();
    const p = t.cell('top').invoke(gather, ctxt, { behaviour: { mid: { delay_ms: 200 } } }, { signal: c.signal });
    setTimeout(() => c.abort(), 20);
    await expect(p).rejects.toMatchObject({ code: 'aborted', message: 'This operation was aborted' });
    expect(t.cell('top').pendingCount()).toBe(0);
  });

  it('a broadcast that ends before any abort removes its abort listener', async () => {
    const t = specTree();
    const c = new AbortController();
    let removed = 0;
    const removedTypes: string[] = [];
    const remove = c.signal.removeEventListener.bind(c.signal);
    c.signal.removeEventListener = ((...a: Parameters<AbortSignal['removeEventListener']>) => (removed++, removedTypes.push(a[0]), remove(...a))) as never;
    const rs = (await t.cell('top').invoke(gather, ctxt, {}, { signal: c.signal })) as Response[];
    expect(rs).toHaveLength(2);
    expect(removed).toBe(1);
    expect(removedTypes).toEqual(['abort']);
    c.abort();
  });
});

describe('a method descriptor without a served method', () => {
  it('is the wire name only: strings and descriptors reach the same method', async () => {
    const t = specTree();
    const byName = (await t.cell('top').invoke('echo', ctxt, { cell_name: 'top!mid', text: 'n' })) as Response;
    const byDescriptor = (await t.cell('top').invoke(echo as MethodDescriptor, ctxt, { cell_name: 'top!mid', text: 'n' })) as Response;
    expect([byName.value, byDescriptor.value]).toEqual(['n@top!mid', 'n@top!mid']);
  });
});
