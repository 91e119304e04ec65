import { describe, expect, it } from 'vitest';
import { CellwireError, type Inbound, type SendOptions } from '@cellwire/core';
import { MemoryNetwork, memoryCellOf, type MemoryDelivery } from '../src/index.js';

const cast: SendOptions = { messageType: 'targeted', fanout: false, expectReply: false, deadline: Date.now() + 60_000, durable: true };
const call = (ms = 2000): SendOptions => ({ ...cast, expectReply: true, durable: false, deadline: Date.now() + ms });

async function fixture(options?: ConstructorParameters<typeof MemoryNetwork>[0]) {
  const net = new MemoryNetwork(options);
  const t = net.transport();
  const got: { cell: string; data: string; from?: string }[] = [];
  const listen = (cell: string, onMessage?: (m: Inbound) => unknown, instance?: string) =>
    t.listen({ cell, url: `memory://${cell}`, ...(instance ? { options: { instance } } : {}) }, async (m) => {
      got.push({ cell, data: m.data, ...(m.from ? { from: m.from } : {}) });
      await onMessage?.(m);
    });
  const link = (to: string) => t.connect({ name: to, urls: [`memory://${to}`] }, { cell: 'sender' });
  return { net, t, got, listen, link };
}

describe('memory transport', () => {
  it('parses memory URLs', () => {
    expect(memoryCellOf('memory://child-cell3')).toBe('child-cell3');
    expect(() => memoryCellOf('http://x')).toThrow(/not a memory:\/\/ URL/);
  });

  it('delivers asynchronously, never on the sender stack, in order per link', async () => {
    const f = await fixture();
    await f.listen('b');
    const l = f.link('b');
    const sends = [1, 2, 3, 4, 5].map((i) => l.send(`m${i}`, cast));
    // Nothing arrived yet: delivery waits for the sender's stack to unwind.
    expect(f.got).toHaveLength(0);
    await Promise.all(sends);
    expect(f.got.map((g) => g.data)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
    expect(f.got[0]?.from).toBe('sender');
  });

  it('answers on the same exchange when the receiver replies', async () => {
    const f = await fixture();
    await f.listen('b', (m) => m.reply?.(`re:${m.data}`));
    await expect(f.link('b').send('ping', call())).resolves.toBe('re:ping');
  });

  it('fanout reaches every instance; other messages go to one, in turn', async () => {
    const f = await fixture();
    await f.listen('b');
    await f.listen('b');
    const l = f.link('b');
    await l.send('all', { ...cast, fanout: true });
    expect(f.got.filter((g) => g.data === 'all')).toHaveLength(2);
    f.got.length = 0;
    await l.send('one', cast);
    await l.send('two', cast);
    expect(f.got.map((g) => g.data)).toEqual(['one', 'two']);
  });

  it('a stopped cell refuses at once, and fails the replies it owes', async () => {
    const f = await fixture();
    let held: Inbound | undefined;
    await f.listen('b', (m) => (held = m));
    const waiting = f.link('b').send('x', call(60_000));
    await expect.poll(() => held).toBeDefined();
    f.net.stop('b');
    await expect(waiting).rejects.toMatchObject({ code: 'unavailable', cell: 'b' });
    await expect(f.link('b').send('y', cast)).rejects.toMatchObject({ code: 'unavailable' });
    f.net.start('b');
    await expect(f.link('b').send('z', cast)).resolves.toBeUndefined();
  });

  it('a cut link refuses both ways until healed; a missing cell is unavailable', async () => {
    const f = await fixture();
    await f.listen('b');
    f.net.cut('sender', 'b');
    await expect(f.link('b').send('x', cast)).rejects.toMatchObject({ code: 'unavailable' });
    f.net.heal('b', 'sender');
    await expect(f.link('b').send('x', cast)).resolves.toBeUndefined();
    await expect(f.link('nobody').send('x', cast)).rejects.toThrow(/no cell nobody listens/);
  });

  it('a blackholed cell swallows messages; a call ends at its deadline with timeout', async () => {
    const f = await fixture();
    await f.listen('b');
    f.net.blackhole('b');
    await expect(f.link('b').send('x', call(50))).rejects.toMatchObject({ code: 'timeout' });
    expect(f.got).toHaveLength(0);
    expect(f.net.stats.dropped).toBe(1);
  });

  it('a replier that never answers times out at the deadline', async () => {
    const f = await fixture();
    await f.listen('b');
    await expect(f.link('b').send('x', call(50))).rejects.toMatchObject({ code: 'timeout' });
  });

  it('closing a listener takes the cell off the network', async () => {
    const f = await fixture();
    const l = await f.listen('b');
    await l.close();
    await expect(f.link('b').send('x', cast)).rejects.toMatchObject({ code: 'unavailable' });
  });

  it('with replies: false, no reply is offered: a call resolves undefined once the receiver handled it', async () => {
    const f = await fixture({ replies: false });
    expect(f.net.replies).toBe(false);
    const inbounds: Inbound[] = [];
    let handled = false;
    await f.listen('b', async (m) => {
      inbounds.push(m);
      await new Promise((r) => setTimeout(r, 20));
      handled = true;
    });
    await expect(f.link('b').send('ping', call())).resolves.toBeUndefined();
    expect(handled).toBe(true);
    expect(inbounds).toHaveLength(1);
    expect(inbounds[0]?.reply).toBeUndefined();
    expect(inbounds[0]?.from).toBe('sender');
    // The receiver can still refuse what it cannot decode: the sender sees the typed error.
    await f.listen('c', (m) => m.reject?.(new CellwireError('invalid_argument', 'bad envelope')));
    await expect(f.link('c').send('junk', call())).rejects.toMatchObject({ code: 'invalid_argument' });
  });

  it('with replies: false, a stopped cell fails at once, a slow one at the deadline, a blackholed one accepts and loses', async () => {
    const f = await fixture({ replies: false });
    let release: (() => void) | undefined;
    await f.listen('b', () => new Promise<void>((r) => (release = r)));
    const waiting = f.link('b').send('x', call(60_000));
    await expect.poll(() => release).toBeDefined();
    f.net.stop('b');
    await expect(waiting).rejects.toMatchObject({ code: 'unavailable', cell: 'b' });
    f.net.start('b');
    await expect(f.link('b').send('y', call(50))).rejects.toMatchObject({ code: 'timeout' });
    release?.();
    f.net.blackhole('b');
    await expect(f.link('b').send('z', call(60_000))).resolves.toBeUndefined();
    expect(f.net.stats.dropped).toBe(1);
  });

  it('a transport may override the network: the sending side decides whether a reply is offered', async () => {
    const net = new MemoryNetwork();
    const withReplies = net.transport();
    const without = net.transport({ replies: false });
    const offered: boolean[] = [];
    await withReplies.listen({ cell: 'b', url: 'memory://b' }, async (m) => {
      offered.push(m.reply !== undefined);
      m.reply?.('pong');
    });
    const a1 = withReplies.connect({ name: 'b', urls: ['memory://b'] }, { cell: 'a1' });
    const a2 = without.connect({ name: 'b', urls: ['memory://b'] }, { cell: 'a2' });
    await expect(a1.send('ping', call())).resolves.toBe('pong');
    await expect(a2.send('ping', call())).resolves.toBeUndefined();
    expect(offered).toEqual([true, false]);
  });

  it('tap reports every delivery, one per instance on fanout, named by instance', async () => {
    const f = await fixture();
    const seen: MemoryDelivery[] = [];
    const untap = f.net.tap((d) => seen.push(d));
    await f.listen('b', undefined, 'b-one');
    await f.listen('b');
    const l = f.link('b');
    await l.send('all', { ...cast, messageType: 'response', fanout: true });
    await l.send('one', cast);
    expect(seen.map((d) => [d.from, d.to, d.instance, d.data, d.options.messageType, d.options.fanout, d.replyOffered])).toEqual([
      ['sender', 'b', 'b-one', 'all', 'response', true, false],
      ['sender', 'b', 'b#2', 'all', 'response', true, false],
      ['sender', 'b', 'b-one', 'one', 'targeted', false, false],
    ]);
    f.net.blackhole('b');
    await l.send('lost', cast);
    untap();
    f.net.blackhole('b', false);
    await l.send('untapped', cast);
    // A message the cell never got is not a delivery; nothing is reported after untap.
    expect(seen).toHaveLength(3);
  });
});
