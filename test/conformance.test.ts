/**
 * One conformance suite, run against every transport: memory, HTTP (real servers on
 * 127.0.0.1) and AMQP (a real RabbitMQ). Each cell of the 8-cell reference tree is its own
 * runner behind its own endpoint.
 */
import { describe, expect, it } from 'vitest';
import {
  CellMaxHopCountReached,
  CellRoutingInconsistency,
  CellTimeout,
  MessageRunner,
  makeContext,
  silentLogger,
  consoleLogger,
  type CellHandlers,
  type HandlerContext,
  type Link,
  type Listener,
  type Transport,
} from '@cellwire/core';
import { createClient } from '@cellwire/client';
import { KITS } from './fixtures/kits.js';
import { REFERENCE_PATHS, startTree, type NetworkKit } from './fixtures/tree.js';

const ctxt = makeContext({ user_id: 'u1', project_id: 'p1' });

function handlers(answer: (cell: string, ctx: HandlerContext) => unknown = (_c, ctx) => `response-${ctx.routingPath}`) {
  return (cell: string): Partial<CellHandlers> => {
    const run = (ctx: HandlerContext) => answer(cell, ctx) as never;
    return { getHostUptime: run, serviceGetAll: run, computeNodeStats: run };
  };
}

/** Two service instances of `top`, one child `leaf`, on one kit. */
async function twoInstances(kit: NetworkKit) {
  const runs: string[] = [];
  const closers: (() => Promise<void>)[] = [];
  const make = async (cell: string, instance: string, neighbours: string[]) => {
    const runner = new MessageRunner({
      name: cell,
      logger: process.env.DBG ? consoleLogger(instance, 'debug') : silentLogger,
      handlers: { getHostUptime: () => (runs.push(instance), instance) },
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

  it('routes a targeted call to a grandchild and back', async () => {
    await using tree = await startTree({ kit: kit(), handlers: handlers() });
    const target = 'api-cell!child-cell2!grandchild-cell1';
    const r = await createClient(tree.cell('api-cell')).getHostUptime(ctxt, { cell_name: target, host_name: 'h1' });
    expect(r.cellName).toBe(target);
    expect(r.valueOrRaise()).toBe(`response-${target}`);
    const up = await createClient(tree.cell('grandchild-cell3')).getHostUptime(ctxt, { cell_name: 'grandchild-cell3', host_name: 'h' });
    expect(up.valueOrRaise()).toBe('response-grandchild-cell3');
    expect(tree.pending()).toBe(0);
  });

  it('aggregates a broadcast per hop: 8 answers, each cell named, own answer last', async () => {
    await using tree = await startTree({ kit: kit(), handlers: handlers() });
    const res = await createClient(tree.cell('api-cell')).serviceGetAll(ctxt, {});
    expect(res.map((r) => r.cellName).sort()).toEqual([...REFERENCE_PATHS].sort());
    for (const r of res) expect(r.valueOrRaise()).toBe(`response-${r.cellName}`);
    expect(res.at(-1)?.cellName).toBe('api-cell');
    const i = res.findIndex((r) => r.cellName === 'api-cell!child-cell3');
    expect(res.slice(i - 2, i).map((r) => r.cellName).sort()).toEqual([
      'api-cell!child-cell3!grandchild-cell2',
      'api-cell!child-cell3!grandchild-cell3',
    ]);
    const up = (await tree.cell('grandchild-cell3').broadcast('service_get_all', ctxt, {}, { direction: 'up', needResponse: true }))!;
    expect(up.map((r) => r.cellName)).toEqual(['grandchild-cell3!child-cell3!api-cell', 'grandchild-cell3!child-cell3', 'grandchild-cell3']);
    expect(tree.pending()).toBe(0);
  });

  it('carries typed errors: routing, hop limit, handler failures', async () => {
    await using tree = await startTree({
      kit: kit(),
      handlers: handlers((cell, ctx) => {
        if (cell === 'child-cell2' || cell === 'grandchild-cell3') throw new CellRoutingInconsistency(`no from ${cell}`);
        return ctx.routingPath;
      }),
      runner: () => ({ maxHopCount: 2 }),
    });
    const client = createClient(tree.cell('api-cell'));
    const bad = await client.getHostUptime(ctxt, { cell_name: 'api-cell!child-cell9', host_name: 'h' });
    expect(() => bad.valueOrRaise()).toThrow(/Unknown child when routing to api-cell!child-cell9/);
    const far = await client.getHostUptime(ctxt, { cell_name: 'api-cell!child-cell3!grandchild-cell2', host_name: 'h' });
    expect(() => far.valueOrRaise()).toThrow(CellMaxHopCountReached);
    const res = await client.serviceGetAll(ctxt, {});
    expect(res).toHaveLength(5);
    expect(res.filter((r) => r.failure).map((r) => r.cellName)).toEqual(['api-cell!child-cell2']);
    expect(res.find((r) => r.failure)?.error).toBeInstanceOf(CellRoutingInconsistency);
  });

  it('answers by the deadline with what it has: a silent grandchild is one timeout failure', async () => {
    await using tree = await startTree({
      kit: kit(),
      handlers: handlers((cell, ctx) => (cell === 'grandchild-cell1' ? new Promise(() => undefined) : ctx.routingPath)),
    });
    const deadline = Date.now() + 1500;
    const res = await createClient(tree.cell('api-cell')).serviceGetAll(ctxt, {}, { deadline });
    expect(Date.now()).toBeLessThan(deadline + 1000);
    expect(res).toHaveLength(8);
    const failed = res.filter((r) => r.failure);
    expect(failed.map((r) => r.cellName)).toEqual(['api-cell!child-cell2!grandchild-cell1']);
    expect(failed[0]?.error).toBeInstanceOf(CellTimeout);
    await expect(
      createClient(tree.cell('api-cell')).getHostUptime(ctxt, { cell_name: 'api-cell!child-cell2!grandchild-cell1', host_name: 'h' }, { timeoutMs: 700 }),
    ).rejects.toBeInstanceOf(CellTimeout);
    await expect.poll(() => tree.pending()).toBe(0);
  });

  it('refuses bad input with a typed error and keeps serving', async () => {
    await using tree = await startTree({ kit: kit(), handlers: handlers() });
    const link = tree.cell('api-cell').state.children.get('child-cell1')!.link;
    const opts = { messageType: 'targeted' as const, fanout: false, expectReply: true, deadline: Date.now() + 3000, durable: false };
    await expect(link.send('{"message_type": "targeted", oops', opts)).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(link.send(JSON.stringify({ message_type: 'targeted', method_name: 'get_host_uptime' }), opts)).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    const r = await createClient(tree.cell('api-cell')).getHostUptime(ctxt, { cell_name: 'api-cell!child-cell1', host_name: 'h' });
    expect(r.valueOrRaise()).toBe('response-api-cell!child-cell1');
  });

  it('fanout reaches every service instance of a cell; other messages go to one', async () => {
    await using f = await twoInstances(kit());
    await createClient(f.leaf).tellParentsOurCapabilities(ctxt);
    await expect.poll(() => [f.a, f.b].map((r) => r.state.children.get('leaf')!.lastSeen > 0)).toEqual([true, true]);
    const r = await f.leaf.targeted('get_host_uptime', ctxt, { cell_name: 'leaf!top', host_name: 'h' }, { target: 'leaf!top', direction: 'up', needResponse: true });
    expect(['top-a', 'top-b']).toContain(r?.valueOrRaise());
    expect(f.runs).toHaveLength(1);
  });
});
