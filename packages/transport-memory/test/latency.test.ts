/**
 * Links far apart: a one-way delay per link (`delayMs`, `delay()`), and the round-trip time
 * each link measures from its exchanges, without the time the receiver held a message.
 * Times are asserted as lower bounds (a delay is never shorter than asked) with generous
 * upper bounds, so a busy machine does not fail them.
 */
import { describe, expect, it } from 'vitest';
import type { Inbound, SendOptions } from '@cellwire/core';
import { MemoryNetwork } from '../src/index.js';

const cast = (): SendOptions => ({ messageType: 'targeted', fanout: false, expectReply: false, deadline: Date.now() + 60_000, durable: true });
const call = (ms = 5000): SendOptions => ({ ...cast(), expectReply: true, durable: false, deadline: Date.now() + ms });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const SLACK = 150;

async function fixture(options?: ConstructorParameters<typeof MemoryNetwork>[0], onMessage: (m: Inbound) => unknown = (m) => m.reply?.(`re:${m.data}`)) {
  const net = new MemoryNetwork(options);
  const t = net.transport();
  await t.listen({ cell: 'b', url: 'memory://b' }, async (m) => void (await onMessage(m)));
  const link = t.connect({ name: 'b', urls: ['memory://b'] }, { cell: 'a' });
  return { net, t, link };
}

describe('memory links far apart', () => {
  it('a network delay holds every message and answer that long one way', async () => {
    const f = await fixture({ delayMs: 40 });
    const t0 = performance.now();
    await expect(f.link.send('ping', call())).resolves.toBe('re:ping');
    const took = performance.now() - t0;
    expect(took).toBeGreaterThanOrEqual(79);
    expect(took).toBeLessThan(80 + SLACK);
  });

  it('delay() sets one link both ways, or one way; undefined takes it away', async () => {
    const f = await fixture();
    f.net.delay('a', 'b', 30);
    expect([f.net.delayOf('a', 'b'), f.net.delayOf('b', 'a'), f.net.delayOf('a', 'c')]).toEqual([30, 30, 0]);
    f.net.delay('b', 'a', 70, { oneWay: true });
    expect([f.net.delayOf('a', 'b'), f.net.delayOf('b', 'a')]).toEqual([30, 70]);
    f.net.delay('a', 'b', undefined);
    expect([f.net.delayOf('a', 'b'), f.net.delayOf('b', 'a')]).toEqual([0, 0]);
    const g = new MemoryNetwork({ delayMs: (from, to) => (to === 'far' ? 100 : from === 'x' ? -5 : 1) });
    expect([g.delayOf('a', 'far'), g.delayOf('x', 'y'), g.delayOf('a', 'b')]).toEqual([100, 0, 1]);
    expect(() => f.net.delay('a', 'b', -1)).toThrow(/delay/);
    expect(() => new MemoryNetwork({ delayMs: NaN })).toThrow(/delay/);
  });

  it('a link measures its round trip, without the time the receiver held the message', async () => {
    // b answers after 120 ms of work; the link itself is 25 ms each way.
    const f = await fixture({ delayMs: 25 }, async (m) => {
      await sleep(120);
      m.reply?.('done');
    });
    expect(f.link.latency?.()).toBeUndefined();
    for (let i = 0; i < 3; i++) await f.link.send('work', call());
    const l = f.link.latency?.();
    expect(l?.samples).toBe(3);
    expect(l!.srttMs).toBeGreaterThanOrEqual(49);
    // With the 120 ms of work it would be 170 or more.
    expect(l!.srttMs).toBeLessThan(50 + 120);
  });

  it('casts and calls without a reply exchange are measured too', async () => {
    const f = await fixture({ delayMs: 20, replies: false }, () => sleep(60));
    await f.link.send('c', cast());
    await f.link.send('d', call());
    const l = f.link.latency?.();
    expect(l?.samples).toBe(2);
    expect(l!.srttMs).toBeGreaterThanOrEqual(39);
    // With the 60 ms of handling it would be 100 or more.
    expect(l!.srttMs).toBeLessThan(40 + 60);
  });

  it('an answer that would land after the deadline is lost: the send times out, and nothing is learnt', async () => {
    const f = await fixture({ delayMs: 100 });
    await expect(f.link.send('late', call(150))).rejects.toMatchObject({ code: 'timeout', cell: 'b' });
    expect(f.link.latency?.()).toBeUndefined();
  });

  it('a refusal travels back too, and counts as an exchange', async () => {
    const f = await fixture({ delayMs: 30 }, (m) => m.reject?.(Object.assign(new Error('no'), { code: 'invalid_argument' }) as never));
    const t0 = performance.now();
    await expect(f.link.send('x', call())).rejects.toThrow('no');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(59);
    expect(f.link.latency?.()?.samples).toBe(1);
  });

  it('a delayed message that finds its cell stopped or its link cut when it arrives is refused, not handled', async () => {
    let handled = 0;
    const f = await fixture({ delayMs: 40 }, (m) => {
      handled++;
      m.reply?.('x');
    });
    const call1 = f.link.send('a', call());
    const cast1 = f.link.send('b', cast());
    f.net.stop('b');
    await expect(call1).rejects.toMatchObject({ code: 'unavailable', cell: 'b' });
    await expect(cast1).rejects.toMatchObject({ code: 'unavailable', cell: 'b' });
    f.net.start('b');
    const call2 = f.link.send('c', call());
    f.net.cut('a', 'b');
    await expect(call2).rejects.toThrow(/cut/);
    expect(handled).toBe(0);
  });

  it('without a delay, messages still never run on the sender stack, and the link measures next to nothing', async () => {
    const f = await fixture();
    let arrived = false;
    const sent = f.link.send('x', call()).then((r) => (arrived = r !== undefined));
    expect(arrived).toBe(false);
    await sent;
    expect(f.link.latency?.()!.srttMs).toBeLessThan(50);
  });
});
