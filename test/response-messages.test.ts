/**
 * The answer-as-a-message path (reference 2.4), hop by hop, on a memory network that offers
 * no reply exchange (`new MemoryNetwork({ replies: false })`): each hop sends the answer on
 * as a `response` message along the reversed routing path, and the last hop is fanned out to
 * every service instance of the origin cell, since only one of them holds the waiter
 * (core's routeResponse sets `fanout` on that hop). Everything is read from what the
 * network delivered (`network.tap`), not from the runners.
 *
 * Tree: `top` (two service instances, top-a and top-b) -> `mid` -> `leaf`.
 */
import { describe, expect, it } from 'vitest';
import { MessageRunner, makeContext, serve, silentLogger, type Envelope, type WireResponse } from '@cellwire/core';
import { createClient } from '@cellwire/client';
import { MemoryNetwork, type MemoryDelivery } from '@cellwire/transport-memory';
import { TestingException, testErrors, testHandlers, testService } from './fixtures/test-service.js';

const ctxt = makeContext({ user_id: 'u1', project_id: 'p1' });

interface Delivered {
  readonly from: string;
  readonly to: string;
  readonly instance: string;
  readonly type: string;
  readonly fanout: boolean;
  readonly replyOffered: boolean;
  readonly env: Envelope;
}

async function chain(replies: boolean) {
  const network = new MemoryNetwork({ replies });
  const transport = network.transport();
  const delivered: Delivered[] = [];
  network.tap((d: MemoryDelivery) =>
    delivered.push({
      from: d.from,
      to: d.to,
      instance: d.instance,
      type: d.options.messageType,
      fanout: d.options.fanout,
      replyOffered: d.replyOffered,
      env: JSON.parse(d.data) as Envelope,
    }),
  );
  const runners: MessageRunner[] = [];
  const cell = async (name: string, instance: string) => {
    const runner = new MessageRunner({ name, logger: silentLogger, errors: testErrors(), services: [serve(testService, testHandlers(name))] });
    await transport.listen({ cell: name, url: `memory://${name}`, options: { instance } }, runner.receive);
    runners.push(runner);
    return runner;
  };
  const link = (from: MessageRunner, side: 'parent' | 'child', to: string) =>
    from.addNeighbour(side, to, transport.connect({ name: to, urls: [`memory://${to}`] }, { cell: from.name }));
  const a = await cell('top', 'top-a');
  const b = await cell('top', 'top-b');
  const mid = await cell('mid', 'mid');
  const leaf = await cell('leaf', 'leaf');
  link(a, 'child', 'mid');
  link(b, 'child', 'mid');
  link(mid, 'parent', 'top');
  link(mid, 'child', 'leaf');
  link(leaf, 'parent', 'mid');
  return {
    network,
    delivered,
    a,
    b,
    mid,
    leaf,
    responses: () => delivered.filter((d) => d.type === 'response'),
    pending: () => runners.reduce((n, r) => n + r.pendingCount(), 0),
    async [Symbol.asyncDispose]() {
      for (const r of runners) r.close();
      await transport.close();
    },
  };
}

const answersOf = (d: Delivered) => d.env.method_kwargs.responses as unknown as WireResponse[];

describe('answers as response messages, hop by hop (memory, replies: false)', () => {
  it('a targeted call: the answer goes back leaf -> mid -> top, the last hop to every instance of top', async () => {
    await using f = await chain(false);
    const r = await createClient(testService, f.a).echo(ctxt, { cell_name: 'top!mid!leaf', text: 'hi' });
    expect(r.cellName).toBe('top!mid!leaf');
    expect(r.valueOrRaise()).toBe('hi@top!mid!leaf');

    // The request went down one hop at a time, with no reply offered on any exchange.
    const requests = f.delivered.filter((d) => d.type === 'targeted');
    expect(requests.map((d) => [d.from, d.to, d.env.routing_path, d.env.hop_count, d.replyOffered])).toEqual([
      ['top', 'mid', 'top', 1, false],
      ['mid', 'leaf', 'top!mid', 2, false],
    ]);
    const uuid = requests[0]!.env.uuid;

    // The answer came back as response messages along the reversed path.
    await expect.poll(() => f.responses().length).toBe(3);
    const responses = f.responses();
    expect(responses.map((d) => [d.from, d.to, d.instance, d.fanout])).toEqual([
      // leaf -> mid: not the last hop, one instance.
      ['leaf', 'mid', 'mid', false],
      // mid -> top: the last hop, fanned out to both service instances of the origin cell.
      ['mid', 'top', 'top-a', true],
      ['mid', 'top', 'top-b', true],
    ]);
    for (const d of responses) {
      expect(d.env).toMatchObject({
        message_type: 'response',
        method_name: 'parse_responses',
        direction: 'up',
        need_response: false,
        response_uuid: uuid,
        target_cell: 'leaf!mid!top',
        max_hop_count: requests[0]!.env.max_hop_count,
      });
      expect(d.env.ctxt).toEqual(ctxt);
      expect(answersOf(d)).toEqual([{ cell_name: 'top!mid!leaf', value: 'hi@top!mid!leaf', failure: false }]);
    }
    // Each hop appended itself and counted one more hop; both instances got the same message.
    expect(responses.map((d) => [d.env.routing_path, d.env.hop_count])).toEqual([
      ['leaf', 1],
      ['leaf!mid', 2],
      ['leaf!mid', 2],
    ]);
    expect(responses[1]!.env.uuid).toBe(responses[2]!.env.uuid);
    expect(responses[0]!.env.uuid).toBe(responses[1]!.env.uuid);
    // top-a held the waiter; top-b had none and dropped its copy as late.
    await expect.poll(() => f.b.stats.lateResponses).toBe(1);
    expect(f.a.stats.lateResponses).toBe(0);
    expect(f.pending()).toBe(0);
  });

  it('a failure travels the same way, as a failure answer naming the cell and its class', async () => {
    await using f = await chain(false);
    const r = await createClient(testService, f.a).echo(ctxt, { cell_name: 'top!mid!leaf', text: 'x', fail: 'TestingException' });
    expect(() => r.valueOrRaise()).toThrow(TestingException);
    expect(r.error).toMatchObject({ code: 'remote', cell: 'top!mid!leaf' });
    await expect.poll(() => f.responses().length).toBe(3);
    for (const d of f.responses()) {
      const [answer] = answersOf(d);
      expect(answer).toMatchObject({ cell_name: 'top!mid!leaf', failure: true, value: { class: 'TestingException', module: 'test.errors' } });
    }
    expect(f.responses().filter((d) => d.fanout).map((d) => d.instance)).toEqual(['top-a', 'top-b']);
  });

  it('a broadcast: each hop answers its neighbour with one list, every such answer is a last hop, fanned out', async () => {
    await using f = await chain(false);
    const res = await createClient(testService, f.a).gather(ctxt, {});
    expect(res.map((x) => [x.cellName, x.valueOrRaise()])).toEqual([
      ['top!mid!leaf', 'top!mid!leaf'],
      ['top!mid', 'top!mid'],
      ['top', 'top'],
    ]);
    await expect.poll(() => f.responses().length).toBe(3);
    const responses = f.responses();
    // A broadcast answer goes only to the neighbour it came from (target: us and it).
    expect(responses.map((d) => [d.from, d.to, d.instance, d.fanout, d.env.target_cell, d.env.routing_path, d.env.hop_count])).toEqual([
      ['leaf', 'mid', 'mid', true, 'leaf!mid', 'leaf', 1],
      ['mid', 'top', 'top-a', true, 'mid!top', 'mid', 1],
      ['mid', 'top', 'top-b', true, 'mid!top', 'mid', 1],
    ]);
    const uuid = f.delivered.find((d) => d.type === 'broadcast')!.env.uuid;
    for (const d of responses) expect(d.env.response_uuid).toBe(uuid);
    // leaf's list is its own answer; mid's is leaf's list, then its own answer last.
    expect(answersOf(responses[0]!).map((w) => w.cell_name)).toEqual(['top!mid!leaf']);
    expect(answersOf(responses[1]!).map((w) => w.cell_name)).toEqual(['top!mid!leaf', 'top!mid']);
    await expect.poll(() => f.b.stats.lateResponses).toBe(1);
    expect(f.pending()).toBe(0);
  });

  it('with replies (the default), the same calls send no response message at all: answers ride the exchange', async () => {
    await using f = await chain(true);
    const r = await createClient(testService, f.a).echo(ctxt, { cell_name: 'top!mid!leaf', text: 'hi' });
    expect(r.valueOrRaise()).toBe('hi@top!mid!leaf');
    const res = await createClient(testService, f.a).gather(ctxt, {});
    expect(res).toHaveLength(3);
    expect(f.delivered.filter((d) => d.type !== 'response').every((d) => d.replyOffered)).toBe(true);
    expect(f.responses()).toEqual([]);
    expect(f.b.stats.lateResponses).toBe(0);
    expect(f.b.stats.received).toBe(0);
  });
});
