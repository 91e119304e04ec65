/**
 * The runner with a small service of its own (no Nova method): routing, aggregation, errors,
 * deadlines, interceptors, and the regressions of docs/differences.md's fixed defects, each
 * named after what it guards.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  CellwireError,
  defineService,
  makeContext,
  MessageRunner,
  RemoteError,
  Response,
  serve,
  silentLogger,
  type Interceptor,
} from '../src/index.js';
import { createClientForTest } from './helpers/client.js';
import { testHandlers } from './helpers/handlers.js';
import { serving } from './helpers/parts.js';
import { testTree, type TestTree } from './helpers/tree.js';
import { testService } from './service/gen/index.js';

const LAYOUT = { top: ['mid1', 'mid2'], mid1: ['leaf1'], mid2: ['leaf2', 'leaf3'] };
const ALL = ['top!mid1!leaf1', 'top!mid1', 'top!mid2!leaf2', 'top!mid2!leaf3', 'top!mid2', 'top'];

let tree: TestTree | undefined;
afterEach(() => tree?.close());

describe('a runner is given its services as values', () => {
  it('refuses two services that declare the same wire name, naming both', () => {
    const clash = defineService({ name: 'billing', version: '1.0.0' }, { echo: { ...testService.methods.echo } });
    expect(() => new MessageRunner({ name: 'a', logger: silentLogger, services: [testService, clash] })).toThrow(
      /method 'echo' is declared by both service 'test_service' and service 'billing'/,
    );
  });

  it('serves only what it was given: an unknown method name is a typed refusal', async () => {
    const r = new MessageRunner({ name: 'a', logger: silentLogger, services: [testService] });
    await expect(r.invoke('service_get_all', makeContext(), {})).rejects.toMatchObject({ code: 'unknown_method' });
    r.close();
  });
});

describe('routing and aggregation with the test service', () => {
  it('a targeted call reaches a grandchild and its answer comes back typed', async () => {
    tree = testTree(LAYOUT, serving());
    const client = createClientForTest(tree.cell('top'));
    const r = await client.echo(makeContext(), { cell_name: 'top!mid2!leaf3', text: 'hi' });
    expect(r).toBeInstanceOf(Response);
    expect(r.cellName).toBe('top!mid2!leaf3');
    expect(r.value).toBe('hi@top!mid2!leaf3');
  });

  it('a broadcast answers once per cell: neighbours\' lists in arrival order, each cell\'s own answer last', async () => {
    tree = testTree(LAYOUT, serving());
    const rs = await createClientForTest(tree.cell('top')).gather(makeContext(), { behaviour: { mid1: { delay_ms: 30 } } });
    expect(rs.map((r) => r.cellName)).toEqual(['top!mid2!leaf2', 'top!mid2!leaf3', 'top!mid2', 'top!mid1!leaf1', 'top!mid1', 'top']);
    expect(rs.map((r) => r.value)).toEqual(rs.map((r) => r.cellName));
  });

  it('an application error travels typed and names its cell, the other cells still answer', async () => {
    tree = testTree(LAYOUT, serving());
    const rs = await createClientForTest(tree.cell('top')).gather(makeContext(), { behaviour: { leaf2: { fail: 'TestingException' } } });
    const failed = rs.filter((r) => r.failure);
    expect(failed.map((r) => r.cellName)).toEqual(['top!mid2!leaf2']);
    expect(failed[0]!.value).toBeInstanceOf(RemoteError);
    expect((failed[0]!.value as RemoteError).remoteClass).toBe('TestingException');
    expect(rs.filter((r) => !r.failure)).toHaveLength(5);
  });

  it('retryable travels on the wire instead of being recomputed from the code', async () => {
    tree = testTree(LAYOUT, (cell) => ({
      services: [
        serve(testService, {
          ...testHandlers(cell),
          echo: () => {
            throw new CellwireError('unavailable', 'not now, and not later', { retryable: false });
          },
        }),
      ],
    }));
    const r = await createClientForTest(tree.cell('top')).echo(makeContext(), { cell_name: 'top!mid1', text: 'x' });
    expect(r.failure).toBe(true);
    expect(r.error?.code).toBe('unavailable');
    expect(r.error?.retryable).toBe(false);
  });
});

describe('regressions', () => {
  it('a broadcast reaching a cell that does not know its method still reaches the cells below it', async () => {
    // mid2 runs an older schema without the test service: it forwards, and fails for itself only.
    tree = testTree(LAYOUT, (cell) => (cell === 'mid2' ? {} : { services: [serve(testService, testHandlers(cell))] }));
    const rs = await createClientForTest(tree.cell('top')).gather(makeContext(), {});
    expect(rs.map((r) => r.cellName).sort()).toEqual([...ALL].sort());
    const failed = rs.filter((r) => r.failure);
    expect(failed.map((r) => [r.cellName, r.error?.code])).toEqual([['top!mid2', 'unknown_method']]);
  });

  it('a targeted message passes through a cell that does not know its method', async () => {
    tree = testTree(LAYOUT, (cell) => (cell === 'mid2' ? {} : { services: [serve(testService, testHandlers(cell))] }));
    const r = await createClientForTest(tree.cell('top')).echo(makeContext(), { cell_name: 'top!mid2!leaf2', text: 'through' });
    expect(r.value).toBe('through@top!mid2!leaf2');
  });

  it('a reply whose failure value is not an error object becomes a failure naming the cell, and the cell keeps serving', async () => {
    tree = testTree(LAYOUT, serving());
    // The reference itself sent a JSON string as a failure value; a hostile peer sends anything.
    tree.forgeReplies('mid1', (reply) => {
      const env = JSON.parse(reply);
      env.method_kwargs.responses = [{ cell_name: 'top!mid1', value: 'boom', failure: true }];
      return JSON.stringify(env);
    });
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const top = tree.cell('top');
      const rs = await createClientForTest(top).gather(makeContext(), {}, { timeoutMs: 2000 });
      const bad = rs.find((r) => r.cellName === 'top!mid1');
      expect(bad?.failure).toBe(true);
      expect(bad?.error?.code).toBe('invalid_argument');
      expect(bad?.error?.message).toMatch(/malformed error/);
      const t = await createClientForTest(top).echo(makeContext(), { cell_name: 'top!mid1', text: 't' });
      expect(t.failure).toBe(true);
      expect(top.pendingCount()).toBe(0);
      // Still serving: the other subtree answers normally.
      expect((await createClientForTest(top).echo(makeContext(), { cell_name: 'top!mid2', text: 'ok' })).value).toBe('ok@top!mid2');
      await new Promise((r) => setTimeout(r, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('an undecodable reply is an invalid_argument failure, not a retryable unavailable', async () => {
    tree = testTree(LAYOUT, serving());
    tree.forgeReplies('mid1', () => '{"not":"an envelope"}');
    const r = await createClientForTest(tree.cell('top')).echo(makeContext(), { cell_name: 'top!mid1', text: 'x' });
    expect(r.failure).toBe(true);
    expect(r.error?.code).toBe('invalid_argument');
    expect(r.error?.retryable).toBe(false);
    expect(r.error?.message).toMatch(/cell mid1 answered with an unusable reply/);
  });

  it('an answer of the wrong shape is refused at the origin, naming the cell', async () => {
    tree = testTree(LAYOUT, (cell) => ({
      services: [serve(testService, { ...testHandlers(cell), echo: () => 42 as unknown as string })],
    }));
    const r = await createClientForTest(tree.cell('top')).echo(makeContext(), { cell_name: 'top!mid1', text: 'x' });
    expect(r.failure).toBe(true);
    expect(r.error?.message).toMatch(/cell top!mid1 answered echo with a value of the wrong shape/);
  });

  it('a redelivered broadcast from the same neighbour does not erase the first copy\'s answer', async () => {
    tree = testTree(LAYOUT, serving());
    const top = tree.cell('top');
    const mid2 = tree.cell('mid2');
    const first = createClientForTest(top).gather(makeContext(), { behaviour: { leaf2: { delay_ms: 40 } } }, { timeoutMs: 3000 });
    // Replay what top sent to mid2 while mid2 is still aggregating, on a second exchange.
    await new Promise((r) => setTimeout(r, 10));
    const sent = tree.log.find(([from, to]) => from === 'top' && to === 'mid2')![2];
    let second: string | undefined | 'unset' = 'unset';
    await mid2.receive({ data: sent, from: 'top', reply: (r) => void (second = r) });
    const rs = await first;
    expect(rs.map((r) => r.cellName).sort()).toEqual([...ALL].sort());
    expect(second).toBe(undefined);
    expect(mid2.stats.duplicates).toBe(1);
  });

  it('a deadline beyond what Node timers take does not fire at once', async () => {
    tree = testTree(LAYOUT, serving());
    const client = createClientForTest(tree.cell('top'));
    const a = await client.echo(makeContext(), { cell_name: 'top!mid1!leaf1', text: 'inf', delay_ms: 20 }, { timeoutMs: Infinity });
    expect(a.value).toBe('inf@top!mid1!leaf1');
    const b = await client.gather(makeContext(), { behaviour: { leaf1: { delay_ms: 20 } } }, { deadline: Date.now() + 40 * 86_400_000 });
    expect(b.filter((r) => r.failure)).toEqual([]);
  });

  it('a received deadline is capped by the receiving cell', async () => {
    // top asks for a long wait; mid2 allows 60 ms, so its answer comes with leaf2 timed out.
    tree = testTree(LAYOUT, serving((cell) => (cell === 'mid2' ? { maxDeadlineMs: 60 } : {})));
    const started = Date.now();
    const rs = await createClientForTest(tree.cell('top')).gather(makeContext(), { behaviour: { leaf2: { delay_ms: 1500 } } }, { timeoutMs: 5000 });
    expect(Date.now() - started).toBeLessThan(1400);
    expect(rs.find((r) => r.cellName === 'top!mid2!leaf2')?.error?.code).toBe('timeout');
    expect(rs.find((r) => r.cellName === 'top!mid2')?.failure).toBe(false);
  });

  it('after close, new calls and messages are refused with unavailable', async () => {
    tree = testTree(LAYOUT, serving());
    const mid1 = tree.cell('mid1');
    mid1.close();
    await expect(createClientForTest(mid1).echo(makeContext(), { cell_name: 'mid1!leaf1', text: 'x' })).rejects.toMatchObject({ code: 'unavailable' });
    const r = await createClientForTest(tree.cell('top')).echo(makeContext(), { cell_name: 'top!mid1', text: 'x' }, { timeoutMs: 2_000 }).catch((e) => e);
    // mid1 refuses the message: the caller learns it (unavailable), not its deadline (timeout).
    expect(r instanceof CellwireError ? r.code : (r as Response).error?.code).toBe('unavailable');
  });

  it('a peer speaks only for itself: a message whose last hop is another cell is refused', async () => {
    tree = testTree(LAYOUT, serving());
    const top = tree.cell('top');
    const forged = JSON.stringify({
      message_type: 'targeted', ctxt: makeContext(), method_name: 'echo', method_kwargs: { cell_name: 'mid1!top', text: 'x' },
      direction: 'up', need_response: true, fanout: false, uuid: crypto.randomUUID(), routing_path: 'mid2', hop_count: 1,
      max_hop_count: 10, target_cell: 'mid2!top',
    });
    let refused: CellwireError | undefined;
    await top.receive({ data: forged, from: 'mid1', reject: (e) => void (refused = e) });
    expect(refused?.code).toBe('unauthenticated');
    // Down from a child is not a direction a child may send.
    const down = forged.replace('"direction":"up"', '"direction":"down"').replace('"routing_path":"mid2"', '"routing_path":"mid1"');
    let refusedDown: CellwireError | undefined;
    await top.receive({ data: down, from: 'mid1', reject: (e) => void (refusedDown = e) });
    expect((refusedDown as CellwireError | undefined)?.message).toMatch(/cannot send a message going down/);
  });

  it('a message nested thousands deep is refused before anything recurses over it', async () => {
    tree = testTree(LAYOUT, serving());
    const top = tree.cell('top');
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    let refused: CellwireError | undefined;
    await top.receive({ data: `{"x":${deep}}`, from: 'mid1', reject: (e) => void (refused = e) });
    expect(refused?.code).toBe('invalid_argument');
    // At the origin, a caller's deep context is refused too, before anything is sent.
    let ctxt = makeContext() as Record<string, unknown>;
    let nest: unknown = 1;
    for (let i = 0; i < 5000; i++) nest = [nest];
    ctxt = { ...ctxt, x: nest };
    await expect(createClientForTest(top).gather(ctxt as never, {})).rejects.toMatchObject({ code: 'invalid_argument' });
  });
});

describe('interceptors', () => {
  const order: string[] = [];
  const tag =
    (name: string): Interceptor =>
    (next) =>
    async (call) => {
      order.push(`${name}>${call.stage}@${call.cell}`);
      const out = await next(call);
      order.push(`${name}<${call.stage}@${call.cell}`);
      return out;
    };

  it('compose in order, the first outermost, around the origin call and around each handler', async () => {
    order.length = 0;
    tree = testTree({ top: ['mid1'] }, serving(() => ({ interceptors: [tag('a'), tag('b')] })));
    await createClientForTest(tree.cell('top')).echo(makeContext(), { cell_name: 'top!mid1', text: 'x' });
    expect(order).toEqual(['a>origin@top', 'b>origin@top', 'a>handler@mid1', 'b>handler@mid1', 'b<handler@mid1', 'a<handler@mid1', 'b<origin@top', 'a<origin@top']);
  });

  it('an authorization interceptor refuses a call by the context\'s roles: a typed error, nothing run', async () => {
    let ran = 0;
    const adminsOnly: Interceptor = (next) => async (call) => {
      if (call.stage === 'handler' && !call.ctxt.roles.includes('admin')) {
        throw new CellwireError('permission_denied', `${call.method.name} needs the admin role`);
      }
      return next(call);
    };
    tree = testTree({ top: ['mid1'] }, (cell) => ({
      services: [serve(testService, { ...testHandlers(cell), echo: (ctx, a) => `${++ran}:${a.text}` })],
      interceptors: [adminsOnly],
    }));
    const client = createClientForTest(tree.cell('top'));
    const refused = await client.echo(makeContext({ roles: ['member'] }), { cell_name: 'top!mid1', text: 'x' });
    expect(refused.failure).toBe(true);
    expect(refused.error?.code).toBe('permission_denied');
    expect(refused.error?.cell).toBe('top!mid1');
    expect(ran).toBe(0);
    const allowed = await client.echo(makeContext({ roles: ['admin'] }), { cell_name: 'top!mid1', text: 'x' });
    expect(allowed.value).toBe('1:x');
  });

  it('measure handler time per method, seeing method, path, deadline and trace context', async () => {
    const seen: { method: string; path: string; ms: number; deadline: number; traceparent: string | undefined; aborted: boolean }[] = [];
    const timing: Interceptor = (next) => async (call) => {
      if (call.stage !== 'handler') return next(call);
      const t0 = performance.now();
      try {
        return await next(call);
      } finally {
        seen.push({ method: call.method.name, path: call.routingPath, ms: performance.now() - t0, deadline: call.deadline, traceparent: call.traceparent, aborted: call.signal?.aborted ?? true });
      }
    };
    tree = testTree({ top: ['mid1'] }, serving(() => ({ interceptors: [timing] })));
    const deadline = Date.now() + 5000;
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    await createClientForTest(tree.cell('top')).echo(makeContext(), { cell_name: 'top!mid1', text: 'x', delay_ms: 25 }, { deadline, traceparent });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'echo', path: 'top!mid1', deadline, traceparent, aborted: false });
    expect(seen[0]!.ms).toBeGreaterThanOrEqual(20);
  });
});
