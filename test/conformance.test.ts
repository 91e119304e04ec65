/**
 * One conformance suite, run against every transport: memory (answering on the exchange, and
 * with no reply exchange, where every answer is a response message), HTTP (real servers on
 * 127.0.0.1) and AMQP (a real RabbitMQ). Each cell of the 8-cell reference tree is its own
 * runner behind its own endpoint, serving core's test service (echo, gather, note): the
 * suite checks the protocol, not any Nova method.
 */
import { describe, expect, it } from 'vitest';
import {
  CellMaxHopCountReached,
  CellRoutingInconsistency,
  CellTimeout,
  MessageRunner,
  RemoteError,
  makeContext,
  serve,
  silentLogger,
  consoleLogger,
  type Link,
  type Listener,
  type Transport,
} from '@cellwire/core';
import { createClient } from '@cellwire/client';
import { cellState, cellStateHandlers } from '@cellwire/schema';
import type { MemoryNetwork } from '@cellwire/transport-memory';
import { KITS } from './fixtures/kits.js';
import { REFERENCE_PATHS, startTree, type NetworkKit } from './fixtures/tree.js';
import { TestingException, testErrors, testHandlers, testService, testServices, type Run } from './fixtures/test-service.js';

const ctxt = makeContext({ user_id: 'u1', project_id: 'p1' });

/** Two service instances of `top`, one child `leaf`, on one kit. */
async function twoInstances(kit: NetworkKit) {
  /** Every handler run, by service instance. */
  const runs: { instance: string; run: Run }[] = [];
  const closers: (() => Promise<void>)[] = [];
  const make = async (cell: string, instance: string, neighbours: string[]) => {
    const runner = new MessageRunner({
      name: cell,
      logger: process.env.DBG ? consoleLogger(instance, 'debug') : silentLogger,
      services: [serve(testService, testHandlers(cell, (run) => runs.push({ instance, run }))), serve(cellState, cellStateHandlers())],
    });
    const transports: Transport[] = kit.transports(cell);
    const url = kit.listenUrl(cell);
    const t = transports.find((x) => x.schemes.includes(url.slice(0, url.indexOf(':'))))!;
    const listener: Listener = await t.listen({ cell, url, ...(kit.listenOptions?.(cell, neighbours) ?? {}) }, runner.receive);
    closers.push(async () => {
      await listener.close();
      runner.close();
      await t.close();
    });
    return { runner, t, url: kit.linkUrl ? kit.linkUrl(cell, listener.urls[0]!) : listener.urls[0]!, instance };
  };
  const a = await make('top', 'top-a', ['leaf']);
  const b = await make('top', 'top-b', ['leaf']);
  const leaf = await make('leaf', 'leaf', ['top']);
  const connect = (from: typeof a, to: string, urls: string[]): Link => {
    const secret = kit.linkSecret?.(from.runner.name, to);
    return from.t.connect({ name: to, urls, ...(secret ? { secret } : {}) }, { cell: from.runner.name });
  };
  // memory and AMQP address a cell by name; HTTP instances have a URL each.
  const topUrls = a.url === b.url ? [a.url] : [a.url, b.url];
  leaf.runner.addNeighbour('parent', 'top', connect(leaf, 'top', topUrls));
  a.runner.addNeighbour('child', 'leaf', connect(a, 'leaf', [leaf.url]));
  b.runner.addNeighbour('child', 'leaf', connect(b, 'leaf', [leaf.url]));
  return {
    a: a.runner,
    b: b.runner,
    leaf: leaf.runner,
    runs,
    async [Symbol.asyncDispose]() {
      for (const c of closers.reverse()) await c();
      await kit.close?.();
    },
  };
}

describe.each(Object.keys(KITS))('conformance: %s', (kitName) => {
  const kit = () => KITS[kitName]!();
  /** Whether this kit's hops answer on the exchange (else: response messages). */
  const replies = kit().replies ?? true;

  it('routes a targeted call to a grandchild and back', async () => {
    const runs: Run[] = [];
    const k = kit();
    // On memory, count the response messages: none when answers come back on the exchange,
    // one per hop back (grandchild-cell1 -> child-cell2 -> api-cell) when there is none.
    const responseMessages: string[] = [];
    (k as { network?: MemoryNetwork }).network?.tap((d) => d.options.messageType === 'response' && responseMessages.push(`${d.from}>${d.to}`));
    await using tree = await startTree({ kit: k, services: testServices(runs) });
    const target = 'api-cell!child-cell2!grandchild-cell1';
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const r = await createClient(testService, tree.cell('api-cell')).echo(ctxt, { cell_name: target, text: 'hello' }, { traceparent });
    expect(r.cellName).toBe(target);
    expect(r.valueOrRaise()).toBe(`hello@${target}`);
    expect(runs.map((x) => [x.cell, x.ctx.traceparent, x.ctx.message.hop_count])).toEqual([['grandchild-cell1', traceparent, 3]]);
    expect(runs[0]?.ctx.ctxt).toEqual(ctxt);
    if ((k as { network?: MemoryNetwork }).network) {
      expect(responseMessages).toEqual(replies ? [] : ['grandchild-cell1>child-cell2', 'child-cell2>api-cell']);
    }
    const up = await createClient(testService, tree.cell('grandchild-cell3')).echo(ctxt, { cell_name: 'grandchild-cell3', text: 'me' });
    expect(up.valueOrRaise()).toBe('me@grandchild-cell3');
    expect(tree.pending()).toBe(0);
  });

  it('aggregates a broadcast per hop: 8 answers, each cell named, own answer last', async () => {
    const runs: Run[] = [];
    await using tree = await startTree({ kit: kit(), services: testServices(runs) });
    const res = await createClient(testService, tree.cell('api-cell')).gather(ctxt, {});
    expect(res.map((r) => r.cellName).sort()).toEqual([...REFERENCE_PATHS].sort());
    for (const r of res) expect(r.valueOrRaise()).toBe(r.cellName);
    expect(res.at(-1)?.cellName).toBe('api-cell');
    const i = res.findIndex((r) => r.cellName === 'api-cell!child-cell3');
    expect(res.slice(i - 2, i).map((r) => r.cellName).sort()).toEqual([
      'api-cell!child-cell3!grandchild-cell2',
      'api-cell!child-cell3!grandchild-cell3',
    ]);
    // run_locally false: every cell below, not this one; the payload reaches each as sent.
    const payload = { k: 'v', n: 1, ok: true, nothing: null };
    const below = await createClient(testService, tree.cell('api-cell')).gather(ctxt, { run_locally: false, payload });
    expect(below.map((r) => r.cellName).sort()).toEqual(REFERENCE_PATHS.filter((p) => p !== 'api-cell').sort());
    const carried = runs.filter((r) => (r.args as { payload?: unknown }).payload !== undefined);
    expect(carried.map((r) => r.cell).sort()).toEqual(REFERENCE_PATHS.slice(1).map((p) => p.split('!').at(-1)).sort());
    for (const r of carried) expect(r.args).toEqual({ run_locally: false, payload });
    // No cell shares another's objects, in memory too (where envelopes travel as copies, not
    // text): each handler's arguments are its own, and changing them changes nothing else.
    const payloads = carried.map((r) => (r.args as { payload: Record<string, unknown> }).payload);
    expect(new Set([payload, ...payloads]).size).toBe(payloads.length + 1);
    for (const p of payloads) p.k = 'changed';
    expect(payload).toEqual({ k: 'v', n: 1, ok: true, nothing: null });
    const up = (await tree.cell('grandchild-cell3').broadcast(testService.methods.gather, ctxt, {}, { direction: 'up', needResponse: true }))!;
    expect(up.map((r) => r.cellName)).toEqual(['grandchild-cell3!child-cell3!api-cell', 'grandchild-cell3!child-cell3', 'grandchild-cell3']);
    expect(tree.pending()).toBe(0);
  });

  it('carries typed errors: routing, hop limit, handler failures as application errors', async () => {
    await using tree = await startTree({
      kit: kit(),
      services: testServices(),
      runner: () => ({ maxHopCount: 2, errors: testErrors() }),
    });
    const client = createClient(testService, tree.cell('api-cell'));
    const bad = await client.echo(ctxt, { cell_name: 'api-cell!child-cell9', text: 't' });
    expect(() => bad.valueOrRaise()).toThrow(CellRoutingInconsistency);
    expect(() => bad.valueOrRaise()).toThrow(/Unknown child when routing to api-cell!child-cell9/);
    const far = await client.echo(ctxt, { cell_name: 'api-cell!child-cell3!grandchild-cell2', text: 't' });
    expect(() => far.valueOrRaise()).toThrow(CellMaxHopCountReached);
    // A handler's own error: rebuilt as its class where both sides register it.
    const failed = await client.echo(ctxt, { cell_name: 'api-cell!child-cell1', text: 't', fail: 'TestingException' });
    expect(failed.failure).toBe(true);
    expect(() => failed.valueOrRaise()).toThrow(TestingException);
    expect(failed.error).toMatchObject({ code: 'remote', cell: 'api-cell!child-cell1', retryable: false });
    // ... and as a RemoteError keeping the remote class name where it is not registered.
    const unknown = await client.echo(ctxt, { cell_name: 'api-cell!child-cell4', text: 't', fail: 'KeyError' });
    expect(unknown.value).toBeInstanceOf(RemoteError);
    expect((unknown.value as RemoteError).remoteClass).toBe('KeyError');
    expect(unknown.error?.cell).toBe('api-cell!child-cell4');
    const res = await client.gather(ctxt, { behaviour: { 'child-cell2': { fail: 'TestingException' }, 'grandchild-cell3': { fail: 'TestingException' } } });
    // max_hop_count 2: the grandchildren are not reached.
    expect(res).toHaveLength(5);
    expect(res.filter((r) => r.failure).map((r) => r.cellName)).toEqual(['api-cell!child-cell2']);
    expect(res.find((r) => r.failure)?.value).toBeInstanceOf(TestingException);
    expect(res.find((r) => r.failure)?.error?.cell).toBe('api-cell!child-cell2');
  });

  it('answers by the deadline with what it has: a silent grandchild is one timeout failure', async () => {
    await using tree = await startTree({ kit: kit(), services: testServices() });
    const silent = { 'grandchild-cell1': { delay_ms: 60_000 } };
    const deadline = Date.now() + 1500;
    const res = await createClient(testService, tree.cell('api-cell')).gather(ctxt, { behaviour: silent }, { deadline });
    expect(Date.now()).toBeLessThan(deadline + 1000);
    expect(res).toHaveLength(8);
    const failed = res.filter((r) => r.failure);
    expect(failed.map((r) => r.cellName)).toEqual(['api-cell!child-cell2!grandchild-cell1']);
    expect(failed[0]?.error).toBeInstanceOf(CellTimeout);
    await expect(
      createClient(testService, tree.cell('api-cell')).echo(
        ctxt,
        { cell_name: 'api-cell!child-cell2!grandchild-cell1', text: 't', delay_ms: 60_000 },
        { timeoutMs: 700 },
      ),
    ).rejects.toBeInstanceOf(CellTimeout);
    await expect.poll(() => tree.pending()).toBe(0);
  });

  it('refuses bad input with a typed error and keeps serving', async () => {
    const runs: Run[] = [];
    await using tree = await startTree({ kit: kit(), services: testServices(runs) });
    const link = tree.cell('api-cell').state.children.get('child-cell1')!.link;
    const opts = { messageType: 'targeted' as const, fanout: false, expectReply: true, deadline: Date.now() + 3000, durable: false };
    await expect(link.send('{"message_type": "targeted", oops', opts)).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(link.send(JSON.stringify({ message_type: 'targeted', method_name: 'echo' }), opts)).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    expect(runs).toEqual([]);
    const r = await createClient(testService, tree.cell('api-cell')).echo(ctxt, { cell_name: 'api-cell!child-cell1', text: 'still' });
    expect(r.valueOrRaise()).toBe('still@api-cell!child-cell1');
  });

  it('a handler answering with a value that cannot travel is a typed failure of its cell; the cell keeps serving', async () => {
    // Circular, or a bigint: JSON cannot carry it, on any transport. It used to throw where
    // the answer was encoded (an unhandled rejection) and leave the caller to its deadline.
    const unsendable = (cell: string) => ({
      ...testHandlers(cell),
      echo: async (_ctx: unknown, args: { text: string }) => {
        if (args.text === 'fine') return `fine@${cell}`;
        const o: Record<string, unknown> = args.text === 'cycle' ? {} : { n: 1n };
        if (args.text === 'cycle') o.self = o;
        return o as never;
      },
    });
    await using tree = await startTree({ kit: kit(), services: (cell) => [serve(testService, unsendable(cell) as never)] });
    const client = createClient(testService, tree.cell('api-cell'));
    for (const text of ['cycle', 'bigint']) {
      const r = await client.echo(ctxt, { cell_name: 'api-cell!child-cell1', text }, { timeoutMs: 5_000 });
      expect(r.failure).toBe(true);
      expect(r.error).toMatchObject({ code: 'internal' });
      expect(r.error!.message).toMatch(text === 'cycle' ? /cannot be sent: result\.self\.self.* nested too deeply/ : /cannot be sent: result\.n is not JSON \(bigint\)/);
    }
    expect((await client.echo(ctxt, { cell_name: 'api-cell!child-cell1', text: 'fine' })).valueOrRaise()).toBe('fine@child-cell1');
    await expect.poll(() => tree.pending()).toBe(0);
  });

  it('a cell under two parents runs a broadcast once, either way; the second path answers an empty list', async () => {
    const runs: Run[] = [];
    const layout = { top: ['left', 'right'], left: ['leaf'], right: ['leaf'] };
    await using tree = await startTree({ kit: kit(), layout, services: testServices(runs) });
    // A deadline well past what this takes, so that a missing answer fails in seconds, not in a minute.
    const down = await createClient(testService, tree.cell('top')).gather(ctxt, {}, { timeoutMs: 5000 });
    expect(down).toHaveLength(4);
    expect(down.filter((r) => r.failure)).toEqual([]);
    expect(down.map((r) => r.cellName)).toEqual(expect.arrayContaining(['top', 'top!left', 'top!right']));
    expect(down.filter((r) => r.cellName.endsWith('!leaf'))).toHaveLength(1);
    const up = (await tree.cell('leaf').broadcast(testService.methods.gather, ctxt, {}, { direction: 'up', needResponse: true }, { timeoutMs: 5000 }))!;
    expect(up).toHaveLength(4);
    expect(up.filter((r) => r.failure)).toEqual([]);
    expect(up.filter((r) => r.cellName.endsWith('!top'))).toHaveLength(1);
    expect(runs.filter((r) => r.cell === 'leaf' || r.cell === 'top')).toHaveLength(4);
    expect(tree.cell('leaf').stats.duplicates + tree.cell('top').stats.duplicates).toBe(2);
    await expect.poll(() => tree.pending()).toBe(0);
  });

  it('fanout reaches every service instance of a cell; other messages go to one', async () => {
    await using f = await twoInstances(kit());
    await createClient(cellState, f.leaf).tellParentsOurCapabilities(ctxt, {});
    await expect.poll(() => [f.a, f.b].map((r) => r.state.children.get('leaf')!.lastSeen > 0)).toEqual([true, true]);
    const r = await f.leaf.targeted(testService.methods.echo, ctxt, { cell_name: 'leaf!top', text: 'one' }, {
      target: 'leaf!top',
      direction: 'up',
      needResponse: true,
    });
    expect(r?.valueOrRaise()).toBe('one@leaf!top');
    expect(f.runs.map((x) => x.instance)).toHaveLength(1);
    expect(['top-a', 'top-b']).toContain(f.runs[0]?.instance);
    // A broadcast up without fanout goes to one instance too.
    await createClient(testService, f.leaf).note(ctxt, { text: 'hi' });
    await expect.poll(() => f.runs.filter((x) => x.run.method === 'note').length).toBe(1);
    await new Promise((res) => setTimeout(res, 100));
    expect(f.runs.filter((x) => x.run.method === 'note').map((x) => x.instance)).toHaveLength(1);
    expect(f.runs.filter((x) => x.run.method === 'note').map((x) => x.run.ctx.routingPath)).toEqual(['leaf!top']);
    // A call from one instance: its answer reaches it. On the exchange, only it hears the
    // answer; as a response message, the last hop goes to every instance of the origin cell
    // and the one that holds no waiter drops it as late.
    const down = await createClient(testService, f.a).echo(ctxt, { cell_name: 'top!leaf', text: 'two' });
    expect(down.valueOrRaise()).toBe('two@top!leaf');
    await expect.poll(() => f.b.stats.lateResponses).toBe(replies ? 0 : 1);
    expect(f.a.stats.lateResponses).toBe(0);
    expect(f.a.pendingCount() + f.b.pendingCount()).toBe(0);
  });
});
