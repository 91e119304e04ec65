/**
 * The cast outbox alone (src/cast-outbox.ts): the in-memory store, and the outbox that holds
 * casts a next hop refused and hands them over oldest first, backing off while the neighbour
 * keeps refusing, until each cast's time to live ends. Fake timers: no real waiting.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CellwireError, makeContext, memoryCastOutbox, type HeldCast, type Link, type RunnerStats, type SendOptions, type Side } from '../src/index.js';
import { CastOutbox } from '../src/cast-outbox.js';

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(1_000_000);
});
afterEach(() => vi.useRealTimers());

const stats = (): RunnerStats => ({
  received: 0,
  sent: 0,
  castFailures: 0,
  castsAccepted: 0,
  castsDelivered: 0,
  castsRefused: 0,
  castsHeld: 0,
  castsLost: 0,
  duplicates: 0,
  lateResponses: 0,
  invalid: 0,
});

const data = (uuid: string) =>
  JSON.stringify({ ctxt: makeContext({ request_id: `req-${uuid}` }), method_name: 'note', uuid, traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' });

const cast = (uuid: string, over: Partial<HeldCast> = {}): HeldCast => ({
  side: 'parent',
  neighbour: 'top',
  messageType: 'broadcast',
  fanout: false,
  data: data(uuid),
  until: Date.now() + 60_000,
  uuid,
  method: 'note',
  ...over,
});

type Line = [level: string, message: string, fields?: Record<string, unknown>];

/** An outbox over a memory store, with a link per neighbour whose answer each test decides. */
function outbox(options: { retryMs?: number; retryMaxMs?: number; handoffMs?: number; store?: ReturnType<typeof memoryCastOutbox> } = {}) {
  const store = options.store ?? memoryCastOutbox();
  const s = stats();
  const lines: Line[] = [];
  const sent: { to: string; data: string; options: SendOptions }[] = [];
  const answers = new Map<string, () => Promise<string | undefined>>();
  const links = new Map<string, Link>();
  const linkOf = (side: Side, name: string): Link | undefined => links.get(`${side}:${name}`);
  const addLink = (side: Side, name: string) =>
    links.set(`${side}:${name}`, {
      cell: name,
      close: async () => undefined,
      send: (d, o) => {
        sent.push({ to: name, data: d, options: o });
        return (answers.get(name) ?? (async () => undefined))();
      },
    });
  addLink('parent', 'top');
  const logger = {
    debug: (m: string, f?: Record<string, unknown>) => void lines.push(['debug', m, f]),
    info: (m: string, f?: Record<string, unknown>) => void lines.push(['info', m, f]),
    warn: (m: string, f?: Record<string, unknown>) => void lines.push(['warn', m, f]),
    error: (m: string, f?: Record<string, unknown>) => void lines.push(['error', m, f]),
  };
  const make = () =>
    new CastOutbox({ store, linkOf, stats: s, logger, handoffMs: options.handoffMs ?? 5000, retryMs: options.retryMs ?? 1000, retryMaxMs: options.retryMaxMs ?? 8000 });
  return { store, stats: s, lines, sent, answers, links, addLink, make, box: make() };
}

const refuse = (code: 'unavailable' | 'unauthenticated' = 'unavailable') => async () => {
  throw new CellwireError(code, `refused (${code})`);
};

describe('the memory cast store', () => {
  it('numbers casts in the order held, lists one neighbour\'s oldest first up to a limit, and counts per neighbour', () => {
    const store = memoryCastOutbox();
    store.add(cast('a'));
    store.add(cast('b', { neighbour: 'other' }));
    store.add(cast('c'));
    store.add(cast('d', { side: 'child' }));
    const top = store.list('parent', 'top', 10);
    expect(top.map((c) => [c.uuid, c.id])).toEqual([
      ['a', 1],
      ['c', 3],
    ]);
    expect(store.list('parent', 'top', 1).map((c) => c.uuid)).toEqual(['a']);
    expect([...store.counts()]).toEqual([
      { side: 'parent', neighbour: 'top', count: 2 },
      { side: 'parent', neighbour: 'other', count: 1 },
      { side: 'child', neighbour: 'top', count: 1 },
    ]);
  });

  it('removes a cast by its id, the first one too, and ignores an id it does not hold', () => {
    const store = memoryCastOutbox();
    store.add(cast('a'));
    store.add(cast('b'));
    store.remove(1);
    store.remove(42);
    expect(store.list('parent', 'top', 10).map((c) => c.uuid)).toEqual(['b']);
    store.remove(2);
    expect([...store.counts()]).toEqual([]);
  });
});

describe('the cast outbox', () => {
  it('holds a cast, counts it, and hands it over after the first retry delay', async () => {
    const o = outbox({ retryMs: 1000 });
    o.box.hold(cast('a'));
    expect(o.box.size).toBe(1);
    expect(o.box.holds('parent', 'top')).toBe(true);
    expect(o.box.holds('child', 'top')).toBe(false);
    expect(o.stats.castsHeld).toBe(1);
    await vi.advanceTimersByTimeAsync(999);
    expect(o.sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(o.sent.map((s) => s.to)).toEqual(['top']);
    expect(o.sent[0]!.options).toEqual({ messageType: 'broadcast', fanout: false, expectReply: false, deadline: Date.now() + 5000, durable: true });
    expect(o.box.size).toBe(0);
    expect(o.box.holds('parent', 'top')).toBe(false);
    expect(o.stats).toMatchObject({ castsDelivered: 1, castsLost: 0 });
    expect(o.lines).toContainEqual(['debug', 'delivered held cast note (a) to top', { method: 'note', uuid: 'a' }]);
  });

  it('hands casts over oldest first, each with its own type, fanout and data, waiting no longer than its time to live', async () => {
    const o = outbox();
    o.box.hold(cast('a', { messageType: 'targeted', fanout: true, until: Date.now() + 2000 }));
    o.box.hold(cast('b'));
    await o.box.flush();
    expect(o.sent.map((s) => [JSON.parse(s.data).uuid, s.options.messageType, s.options.fanout, s.options.deadline])).toEqual([
      ['a', 'targeted', true, Date.now() + 2000],
      ['b', 'broadcast', false, Date.now() + 5000],
    ]);
    expect(o.store.list('parent', 'top', 10)).toEqual([]);
  });

  it('backs off while the neighbour refuses, doubling up to the most, and says so on the second refusal', async () => {
    const o = outbox({ retryMs: 1000, retryMaxMs: 3000 });
    o.answers.set('top', refuse());
    o.box.hold(cast('a'));
    o.box.hold(cast('b'));
    const at: number[] = [];
    const start = Date.now();
    for (let i = 0; i < 5; i++) {
      const before = o.sent.length;
      while (o.sent.length === before) await vi.advanceTimersByTimeAsync(100);
      at.push(Date.now() - start);
    }
    // Held with one refusal counted: 1 s, then 2 s, then 3 s (the most), and 3 s again.
    expect(at).toEqual([1000, 3000, 6000, 9000, 12000]);
    // Each round stops at the first refusal: only the oldest cast is tried.
    expect(new Set(o.sent.map((s) => JSON.parse(s.data).uuid))).toEqual(new Set(['a']));
    expect(o.stats).toMatchObject({ castFailures: 5, castsLost: 0, castsDelivered: 0 });
    expect(o.box.size).toBe(2);
    const infos = o.lines.filter(([l]) => l === 'info');
    expect(infos).toEqual([['info', '2 cast(s) held for top, which still refuses them (refused (unavailable)); retrying', undefined]]);
  });

  it('says again on every twentieth refusal in a row', async () => {
    const o = outbox({ retryMs: 10, retryMaxMs: 10 });
    o.answers.set('top', refuse());
    o.box.hold(cast('a'));
    for (let i = 0; i < 25; i++) await o.box.flush();
    expect(o.lines.filter(([l]) => l === 'info').length).toBe(2);
    for (let i = 0; i < 20; i++) await o.box.flush();
    expect(o.lines.filter(([l]) => l === 'info').length).toBe(3);
  });

  it('a neighbour that takes casts again is tried at the first delay once more', async () => {
    const o = outbox({ retryMs: 1000, retryMaxMs: 8000 });
    o.answers.set('top', refuse());
    o.box.hold(cast('a'));
    await o.box.flush();
    await o.box.flush();
    o.answers.delete('top');
    await o.box.flush();
    expect(o.box.size).toBe(0);
    o.answers.set('top', refuse());
    o.box.hold(cast('b'));
    const start = Date.now();
    const before = o.sent.length;
    while (o.sent.length === before) await vi.advanceTimersByTimeAsync(100);
    expect(Date.now() - start).toBe(1000);
  });

  it('gives up a cast whose time to live ended, and goes on with the next', async () => {
    const o = outbox();
    o.box.hold(cast('old', { until: Date.now() + 500 }));
    o.box.hold(cast('new'));
    await vi.advanceTimersByTimeAsync(500);
    await o.box.flush();
    expect(o.sent.map((s) => JSON.parse(s.data).uuid)).toEqual(['new']);
    expect(o.stats).toMatchObject({ castsLost: 1, castsDelivered: 1 });
    const [level, message, fields] = o.lines.find(([, m]) => m.startsWith('gave up'))!;
    expect(level).toBe('warn');
    expect(message).toBe(`gave up cast note (old) to top: its time to live ended at ${new Date(1_000_500).toISOString()} before top took it`);
    expect(fields).toEqual({ request_id: 'req-old', trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', method: 'note', uuid: 'old', code: 'timeout' });
  });

  it('gives up a cast the neighbour refuses for good, names the error, and goes on', async () => {
    const o = outbox();
    let n = 0;
    o.answers.set('top', async () => {
      if (n++ === 0) throw new CellwireError('unauthenticated', 'bad signature');
      return undefined;
    });
    o.box.hold(cast('a', { data: 'not json' }));
    o.box.hold(cast('b'));
    await o.box.flush();
    expect(o.stats).toMatchObject({ castsLost: 1, castsDelivered: 1, castFailures: 1 });
    expect(o.lines).toContainEqual(['warn', 'gave up cast note (a) to top: bad signature', { method: 'note', uuid: 'a', code: 'unauthenticated' }]);
    expect(o.box.size).toBe(0);
  });

  it('retries a plain error from a link as unavailable', async () => {
    const o = outbox();
    o.answers.set('top', async () => {
      throw new Error('socket closed');
    });
    o.box.hold(cast('a'));
    await o.box.flush();
    expect(o.box.size).toBe(1);
    expect(o.stats.castsLost).toBe(0);
  });

  it('a neighbour that is gone keeps its casts, backing off, until its time to live', async () => {
    const o = outbox({ retryMs: 1000 });
    o.box.hold(cast('a', { neighbour: 'gone', until: Date.now() + 1500 }));
    await o.box.flush();
    await o.box.flush();
    expect(o.sent).toEqual([]);
    expect(o.box.size).toBe(1);
    expect(o.lines).toContainEqual(['info', '1 cast(s) held for gone, which still refuses them (gone is not a parent of this cell any more); retrying', undefined]);
    await vi.advanceTimersByTimeAsync(1500);
    await o.box.flush();
    expect(o.box.size).toBe(0);
    expect(o.stats.castsLost).toBe(1);
  });

  it('on its own turn tries only the neighbours whose backoff ended', async () => {
    const o = outbox({ retryMs: 1000, retryMaxMs: 60_000 });
    o.addLink('child', 'leaf');
    o.answers.set('top', refuse());
    o.box.hold(cast('t'));
    await o.box.flush();
    await o.box.flush();
    // top now waits 4 s; leaf, held now, waits 1 s.
    o.box.hold(cast('l', { side: 'child', neighbour: 'leaf' }));
    o.sent.length = 0;
    await vi.advanceTimersByTimeAsync(1000);
    expect(o.sent.map((s) => s.to)).toEqual(['leaf']);
    await vi.advanceTimersByTimeAsync(3000);
    expect(o.sent.map((s) => s.to)).toEqual(['leaf', 'top']);
  });

  it('runs one round at a time', async () => {
    const o = outbox();
    let release!: () => void;
    o.answers.set('top', () => new Promise<undefined>((r) => (release = () => r(undefined))));
    o.box.hold(cast('a'));
    const first = o.box.flush();
    const second = o.box.flush();
    expect(second).toBe(first);
    await vi.advanceTimersByTimeAsync(0);
    release();
    await first;
    expect(o.sent).toHaveLength(1);
    expect(o.box.size).toBe(0);
  });

  it('after close it neither retries on its own nor goes on with a round', async () => {
    const o = outbox({ retryMs: 1000 });
    o.box.hold(cast('a'));
    o.box.close();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(o.sent).toEqual([]);
    let release!: () => void;
    const p = outbox();
    p.answers.set('top', () => new Promise<undefined>((r) => (release = () => r(undefined))));
    p.box.hold(cast('a'));
    p.box.hold(cast('b'));
    const round = p.box.flush();
    await vi.advanceTimersByTimeAsync(0);
    p.box.close();
    release();
    await round;
    expect(p.sent).toHaveLength(1);
    expect(p.box.size).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a new outbox over a store with casts held retries them a first delay after it starts', async () => {
    const store = memoryCastOutbox();
    store.add(cast('a'));
    store.add(cast('b', { side: 'child', neighbour: 'leaf' }));
    const o = outbox({ store, retryMs: 2000 });
    o.addLink('child', 'leaf');
    expect(o.box.size).toBe(2);
    expect(o.box.holds('child', 'leaf')).toBe(true);
    await vi.advanceTimersByTimeAsync(1999);
    expect(o.sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(o.sent.map((s) => s.to).sort()).toEqual(['leaf', 'top']);
    expect(o.box.size).toBe(0);
  });

  it('a new outbox over an empty store sets no timer', () => {
    const before = vi.getTimerCount();
    outbox();
    expect(vi.getTimerCount()).toBe(before);
  });

  it('leaves no timer once every cast is handed over', async () => {
    const o = outbox();
    o.box.hold(cast('a'));
    await o.box.flush();
    expect(o.box.size).toBe(0);
    // The retry timer set when the cast was held fires once, finds nothing, and sets no other.
    await vi.advanceTimersByTimeAsync(1000);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('sleeps until a neighbour\'s turn while it backs off, rather than checking again and again', async () => {
    const o = outbox({ retryMs: 1000, retryMaxMs: 8000 });
    o.answers.set('top', refuse());
    o.box.hold(cast('a'));
    await o.box.flush();
    // A timer that fired at once and set itself again would run past the fake timers' loop limit here.
    await vi.advanceTimersByTimeAsync(1500);
    expect(o.sent).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(1);
  });

  it('a cast held while its neighbour backs off does not cut the backoff short', async () => {
    const o = outbox({ retryMs: 1000, retryMaxMs: 60_000 });
    o.answers.set('top', refuse());
    o.box.hold(cast('a'));
    await o.box.flush();
    await o.box.flush();
    // top now waits 4 s; another cast for it waits with it.
    const start = Date.now();
    o.box.hold(cast('b'));
    const before = o.sent.length;
    while (o.sent.length === before) await vi.advanceTimersByTimeAsync(100);
    expect(Date.now() - start).toBe(4000);
  });

  it('a neighbour whose held casts all ran out starts its backoff over', async () => {
    const o = outbox({ retryMs: 1000, retryMaxMs: 60_000 });
    o.answers.set('top', refuse());
    o.box.hold(cast('a', { until: Date.now() + 5000 }));
    await o.box.flush();
    await o.box.flush();
    await o.box.flush();
    await vi.advanceTimersByTimeAsync(5000);
    await o.box.flush();
    expect(o.box.size).toBe(0);
    const infos = () => o.lines.filter(([l]) => l === 'info').length;
    expect(infos()).toBe(1);
    // A new cast refused once is its second refusal in a row again: said once more.
    o.box.hold(cast('b'));
    await o.box.flush();
    expect(infos()).toBe(2);
  });

  it('hands over at most 200 casts of one neighbour per round', async () => {
    const o = outbox();
    for (let i = 0; i < 205; i++) o.box.hold(cast(`c${i}`));
    await o.box.flush();
    expect(o.sent).toHaveLength(200);
    expect(o.box.size).toBe(5);
    await o.box.flush();
    expect(o.box.size).toBe(0);
  });
});
