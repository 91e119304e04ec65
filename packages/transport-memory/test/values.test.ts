/**
 * Envelopes as values (Link.sendValue): the runner's links skip JSON both ways in memory,
 * and still no cell ever shares another's objects.
 */
import { describe, expect, it } from 'vitest';
import { MAX_MESSAGE_DEPTH, type Envelope, type Inbound, type SendOptions } from '@cellwire/core';
import { MemoryNetwork, type MemoryDelivery } from '../src/index.js';

const call = (ms = 2000): SendOptions => ({ messageType: 'targeted', fanout: false, expectReply: true, durable: false, deadline: Date.now() + ms });

function envelope(): Envelope {
  return {
    message_type: 'targeted',
    ctxt: { request_id: 'req-1', roles: ['admin'], user_id: 'u', project_id: 'p', is_admin: false, read_deleted: 'no', timestamp: '2026-12-01T00:00:00Z' },
    method_name: 'echo',
    method_kwargs: { cell_name: 'a!b', payload: { list: [1, { deep: 'x' }] } },
    direction: 'down',
    need_response: true,
    fanout: false,
    uuid: '7c0c2f56-0000-4000-8000-000000000001',
    routing_path: 'a',
    hop_count: 1,
    max_hop_count: 10,
    target_cell: 'a!b',
  } as Envelope;
}

async function pair(onMessage: (m: Inbound) => unknown) {
  const net = new MemoryNetwork();
  const t = net.transport();
  await t.listen({ cell: 'b', url: 'memory://b' }, async (m) => void (await onMessage(m)));
  const link = t.connect({ name: 'b', urls: ['memory://b'] }, { cell: 'a' });
  return { net, link };
}

describe('memory transport: envelopes as values', () => {
  it('the receiver gets a copy: changing it, or the sender changing its own, touches nothing of the other', async () => {
    const sent = envelope();
    let got: Inbound | undefined;
    const { link } = await pair((m) => {
      got = m;
      const v = m.value as Envelope;
      (v.method_kwargs.payload as { list: unknown[] }).list.push('receiver');
      v.ctxt.roles = [];
    });
    const p = link.sendValue!(sent, { ...call(), expectReply: false });
    // Changed after the send returned, before the delivery: the receiver does not see it.
    (sent.method_kwargs.payload as { list: unknown[] }).list.push('sender');
    await p;
    expect(sent.method_kwargs.payload).toEqual({ list: [1, { deep: 'x' }, 'sender'] });
    expect(sent.ctxt.roles).toEqual(['admin']);
    expect((got!.value as Envelope).method_kwargs.payload).toEqual({ list: [1, { deep: 'x' }, 'receiver'] });
    // Its text is made from the copy when read.
    expect(JSON.parse(got!.data).uuid).toBe(sent.uuid);
  });

  it('a reply sent as a value is copied when it is given: the answering cell may reuse its objects', async () => {
    const answer = { ...envelope(), message_type: 'response', method_name: 'parse_responses', method_kwargs: { responses: [{ cell_name: 'a!b', value: { n: 1 }, failure: false }] } } as Envelope;
    const { link } = await pair((m) => {
      m.replyValue!(answer);
      (answer.method_kwargs.responses as { value: { n: number } }[])[0]!.value.n = 2;
    });
    const reply = (await link.sendValue!(envelope(), call())) as Envelope;
    expect(typeof reply).toBe('object');
    expect(reply).not.toBe(answer);
    expect(reply.method_kwargs.responses).toEqual([{ cell_name: 'a!b', value: { n: 1 }, failure: false }]);
  });

  it('a message sent as text is answered as text, never as a value', async () => {
    const { link } = await pair((m) => {
      expect(m.value).toBeUndefined();
      expect(m.replyValue).toBeUndefined();
      m.reply!(`re:${m.data}`);
    });
    await expect(link.send('ping', call())).resolves.toBe('re:ping');
  });

  it('a fanout hands every instance a copy of its own', async () => {
    const net = new MemoryNetwork();
    const t = net.transport();
    const seen: Envelope[] = [];
    for (const instance of ['b#1', 'b#2']) await t.listen({ cell: 'b', url: 'memory://b', options: { instance } }, async (m) => void seen.push(m.value as Envelope));
    const link = t.connect({ name: 'b', urls: ['memory://b'] }, { cell: 'a' });
    await link.sendValue!(envelope(), { ...call(), fanout: true, expectReply: false });
    expect(seen).toHaveLength(2);
    expect(seen[0]).toEqual(seen[1]);
    expect(seen[0]).not.toBe(seen[1]);
    expect(seen[0]!.method_kwargs).not.toBe(seen[1]!.method_kwargs);
  });

  it('taps see the JSON text of a value, as it was sent', async () => {
    const { net, link } = await pair(() => undefined);
    const taps: MemoryDelivery[] = [];
    net.tap((d) => taps.push(d));
    const sent = envelope();
    await link.sendValue!(sent, { ...call(), expectReply: false });
    expect(JSON.parse(taps[0]!.data)).toEqual(JSON.parse(JSON.stringify(sent)));
  });

  it('a value nested deeper than a receiver accepts is refused to the sender as invalid_argument, and nothing is delivered', async () => {
    let delivered = 0;
    const { link } = await pair(() => void delivered++);
    const env = envelope();
    let deep: unknown = 'x';
    for (let i = 0; i < MAX_MESSAGE_DEPTH + 5; i++) deep = [deep];
    env.method_kwargs = { deep } as Envelope['method_kwargs'];
    await expect(link.sendValue!(env, call())).rejects.toMatchObject({ code: 'invalid_argument' });
    expect(delivered).toBe(0);
  });
});
