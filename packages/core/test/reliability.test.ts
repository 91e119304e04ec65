/**
 * Issue 13, core side: nothing a cell accepted is lost without a word (broadcast casts refused
 * at the origin, casts held or counted past it), casts live for their own time to live rather
 * than the call timeout, and the dedupe window can outlive a restart through a store.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  CellwireError,
  DedupeWindow,
  makeContext,
  memoryCastOutbox,
  MessageRunner,
  serve,
  type DedupeStore,
  type Inbound,
  type Link,
  type Logger,
  type RunnerOptions,
  type SendOptions,
} from '../src/index.js';
import { CellUnavailable } from '../src/cell-errors.js';
import { testHandlers } from './helpers/handlers.js';
import { testService } from './service/gen/index.js';

const ctxt = makeContext();
const { echo, gather, note } = testService.methods;

type Line = [level: string, message: string];

/**
 * A small network of runners for these tests. Unlike helpers/tree.ts it can hold a cell's
 * inbound messages for a while (as a stopped cell's broker queue does), records the options
 * of every send, and refuses a send whose deadline has passed, as the HTTP and AMQP links do.
 */
class Net {
  readonly runners = new Map<string, MessageRunner>();
  readonly notes = new Map<string, string[]>();
  readonly lines: Line[] = [];
  readonly sends: { from: string; to: string; options: SendOptions; data: string }[] = [];
  private readonly stopped = new Set<string>();
  private readonly delays = new Map<string, number>();

  constructor(
    private readonly layout: Record<string, string[]>,
    private readonly options: (cell: string) => Partial<RunnerOptions> = () => ({}),
  ) {
    const names = new Set([...Object.keys(layout), ...Object.values(layout).flat()]);
    for (const n of names) this.start(n);
  }

  /** (Re)starts a cell: a new runner, linked to its neighbours (as after a process restart). */
  start(name: string, extra: Partial<RunnerOptions> = {}): MessageRunner {
    this.runners.get(name)?.close();
    const notes: string[] = [];
    this.notes.set(name, notes);
    const logger: Logger = {
      debug: () => undefined,
      info: (m) => void this.lines.push(['info', m]),
      warn: (m) => void this.lines.push(['warn', m]),
      error: (m) => void this.lines.push(['error', m]),
    };
    const r = new MessageRunner({ name, logger, services: [serve(testService, testHandlers(name, notes))], ...this.options(name), ...extra });
    this.runners.set(name, r);
    for (const [parent, children] of Object.entries(this.layout)) {
      for (const child of children) {
        if (parent === name) r.addNeighbour('child', child, this.link(parent, child));
        if (child === name) r.addNeighbour('parent', parent, this.link(child, parent));
      }
    }
    return r;
  }

  cell(name: string): MessageRunner {
    return this.runners.get(name) as MessageRunner;
  }

  stop(name: string): void {
    this.stopped.add(name);
  }

  resume(name: string): void {
    this.stopped.delete(name);
  }

  /** Messages to `name` are accepted at once and handed to it `ms` later (a queue). */
  delay(name: string, ms: number): void {
    this.delays.set(name, ms);
  }

  close(): void {
    for (const r of this.runners.values()) r.close();
  }

  private link(from: string, to: string): Link {
    return {
      cell: to,
      close: async () => undefined,
      send: (data, options) => {
        this.sends.push({ from, to, options, data });
        return new Promise<string | undefined>((resolve, reject) => {
          setImmediate(() => {
            if (!(options.deadline > Date.now())) return reject(new CellwireError('timeout', `deadline passed before the message to cell ${to} was sent`, { cell: to }));
            if (this.stopped.has(to)) return reject(new CellUnavailable(to, 'stopped'));
            const delay = this.delays.get(to);
            const inbound: Inbound = {
              data,
              from,
              ...(options.expectReply ? { reply: (r: string | undefined) => resolve(r) } : {}),
            };
            if (delay !== undefined) {
              // Queued: accepted now, run later by whatever runner the cell has then.
              if (!options.expectReply) resolve(undefined);
              setTimeout(() => void this.cell(to).receive(inbound), delay);
              return;
            }
            void this.cell(to).receive(inbound).then(() => {
              if (!options.expectReply) resolve(undefined);
            });
          });
        });
      },
    };
  }
}

let net: Net | undefined;
afterEach(() => net?.close());

const until = async (ok: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('item 8: a broadcast cast the first hop refuses is reported to the caller', () => {
  it('a broadcast cast up whose only parent is down rejects with unavailable naming it', async () => {
    net = new Net({ top: ['mid'], mid: ['leaf'] });
    net.stop('mid');
    const sent = net.cell('leaf').invoke(note, ctxt, { text: 'n1' });
    await expect(sent).rejects.toMatchObject({ code: 'unavailable', cell: 'leaf!mid', retryable: true });
    expect(net.cell('leaf').stats).toMatchObject({ castsRefused: 1, castsAccepted: 0, castsDelivered: 0 });
  });

  it('some hops accept, others refuse: rejects naming each refusing cell; the ones that took it keep it', async () => {
    const ran: string[] = [];
    net = new Net({ top: ['a', 'b', 'c'] }, (cell) => ({
      services: [serve(testService, { ...testHandlers(cell), gather: (ctx) => void ran.push(ctx.routingPath) as unknown as string })],
    }));
    net.stop('a');
    net.stop('c');
    const err = await net
      .cell('top')
      .broadcast(gather, ctxt, {}, { direction: 'down', needResponse: false, runLocally: false })
      .then(() => undefined, (e: unknown) => e as CellwireError);
    expect(err).toBeInstanceOf(CellwireError);
    expect(err).toMatchObject({ code: 'unavailable', cell: 'top!a', details: { refused: ['top!a', 'top!c'], accepted: ['top!b'] } });
    expect(err?.message).toMatch(/refused by top!a, top!c .*; top!b took it/);
    await until(() => ran.length === 1);
    expect(ran).toEqual(['top!b']);
    expect(net.cell('top').stats).toMatchObject({ castsRefused: 2, castsDelivered: 1, castsAccepted: 0, castFailures: 2 });
  });

  it('every hop accepts: the cast resolves and is counted accepted and delivered', async () => {
    net = new Net({ top: ['mid'], mid: ['leaf'] });
    await expect(net.cell('leaf').invoke(note, ctxt, { text: 'n1' })).resolves.toBeUndefined();
    await until(() => net!.notes.get('top')!.length === 1);
    expect(net.cell('leaf').stats).toMatchObject({ castsAccepted: 1, castsDelivered: 1, castsRefused: 0 });
    expect(net.cell('mid').stats).toMatchObject({ castsAccepted: 1, castsDelivered: 1, castsLost: 0 });
  });
});

describe('item 8: a cast accepted in the middle and refused by its next hop', () => {
  it('without an outbox it is counted lost and logged, never silently', async () => {
    net = new Net({ top: ['mid'], mid: ['leaf'] });
    net.stop('top');
    await net.cell('leaf').invoke(note, ctxt, { text: 'n1' });
    await until(() => net!.cell('mid').stats.castsLost === 1);
    expect(net.cell('mid').stats).toMatchObject({ castsAccepted: 1, castsHeld: 0, castsLost: 1 });
    expect(net.lines).toContainEqual(['warn', expect.stringMatching(/^cast note accepted at leaf!mid is lost: top refused it .* no outbox/)]);
  });

  it('with an outbox it is held and handed over, in order, once the next hop takes casts again', async () => {
    net = new Net({ top: ['mid'], mid: ['leaf'] }, (cell) => (cell === 'mid' ? { castOutbox: memoryCastOutbox(), castRetryMs: 20, castRetryMaxMs: 40 } : {}));
    net.stop('top');
    for (const text of ['n1', 'n2', 'n3']) await net.cell('leaf').invoke(note, ctxt, { text });
    await until(() => net!.cell('mid').heldCasts() === 3);
    expect(net.cell('mid').stats).toMatchObject({ castsAccepted: 3, castsHeld: 3, castsLost: 0 });
    expect(net.lines.filter(([, m]) => m.startsWith('cast note held at leaf!mid for top'))).toHaveLength(1);
    net.resume('top');
    await until(() => net!.notes.get('top')!.length === 3);
    expect(net.notes.get('top')).toEqual(['n1', 'n2', 'n3']);
    expect(net.cell('mid').heldCasts()).toBe(0);
    expect(net.cell('mid').stats).toMatchObject({ castsDelivered: 3, castsLost: 0 });
  });

  it('a cast for a neighbour with casts held queues behind them rather than overtaking', async () => {
    net = new Net({ top: ['mid'], mid: ['leaf'] }, (cell) => (cell === 'mid' ? { castOutbox: memoryCastOutbox(), castRetryMs: 60_000, castRetryMaxMs: 60_000 } : {}));
    net.stop('top');
    await net.cell('leaf').invoke(note, ctxt, { text: 'first' });
    await until(() => net!.cell('mid').heldCasts() === 1);
    net.resume('top');
    await net.cell('leaf').invoke(note, ctxt, { text: 'second' });
    await until(() => net!.cell('mid').heldCasts() === 2);
    expect(net.notes.get('top')).toEqual([]);
    await net.cell('mid').retryHeldCasts();
    await until(() => net!.notes.get('top')!.length === 2);
    expect(net.notes.get('top')).toEqual(['first', 'second']);
  });

  it('a held cast whose time to live ends is given up, counted lost and logged', async () => {
    net = new Net({ top: ['mid'], mid: ['leaf'] }, (cell) => (cell === 'mid' ? { castOutbox: memoryCastOutbox(), castRetryMs: 60_000, castRetryMaxMs: 60_000 } : {}));
    net.stop('top');
    await net.cell('leaf').invoke(note, ctxt, { text: 'short-lived' }, { timeoutMs: 60 });
    await until(() => net!.cell('mid').heldCasts() === 1);
    net.resume('top');
    await new Promise((r) => setTimeout(r, 80));
    await net.cell('mid').retryHeldCasts();
    expect(net.cell('mid').heldCasts()).toBe(0);
    expect(net.notes.get('top')).toEqual([]);
    expect(net.cell('mid').stats).toMatchObject({ castsHeld: 1, castsLost: 1, castsDelivered: 0 });
    expect(net.lines).toContainEqual(['warn', expect.stringMatching(/^gave up cast note \(.*\) to top: its time to live ended at/)]);
  });

  it('a link that is full for now (resource_exhausted) is a refusal worth retrying: held', async () => {
    net = new Net({ top: ['mid'], mid: ['leaf'] }, (cell) => (cell === 'mid' ? { castOutbox: memoryCastOutbox(), castRetryMs: 60_000, castRetryMaxMs: 60_000 } : {}));
    const mid = net.cell('mid');
    const top = mid.state.parents.get('top')!;
    mid.state.parents.set('top', { ...top, link: { ...top.link, send: () => Promise.reject(new CellwireError('resource_exhausted', 'link to cell top already has 256 messages in flight', { cell: 'top' })) } });
    await net.cell('leaf').invoke(note, ctxt, { text: 'n1' });
    await until(() => mid.heldCasts() === 1);
    expect(mid.stats).toMatchObject({ castsHeld: 1, castsLost: 0 });
  });

  it('a backlog drains several casts at a time, not one round trip after another', async () => {
    net = new Net({ top: ['mid'], mid: ['leaf'] }, (cell) => (cell === 'mid' ? { castOutbox: memoryCastOutbox(), castRetryMs: 60_000, castRetryMaxMs: 60_000 } : {}));
    net.stop('top');
    for (let i = 0; i < 64; i++) await net.cell('leaf').invoke(note, ctxt, { text: `n${i}` });
    await until(() => net!.cell('mid').heldCasts() === 64);
    net.resume('top');
    // Each hand-off now takes 10 ms: one at a time, 64 would take 640 ms.
    const mid = net.cell('mid');
    const top = mid.state.parents.get('top')!;
    let inFlight = 0;
    let most = 0;
    const slow = { ...top.link, send: async (data: string, o: SendOptions) => {
      most = Math.max(most, ++inFlight);
      await new Promise((r) => setTimeout(r, 10));
      inFlight--;
      return top.link.send(data, o);
    } };
    mid.state.parents.set('top', { ...top, link: slow });
    const started = Date.now();
    await mid.retryHeldCasts();
    expect(mid.heldCasts()).toBe(0);
    expect(Date.now() - started).toBeLessThan(400);
    expect(most).toBeGreaterThan(1);
    await until(() => net!.notes.get('top')!.length === 64);
  });

  it('a store that fails under a retry round is logged; the round resolves and the casts stay held', async () => {
    const store = memoryCastOutbox();
    let failing = false;
    const flaky = { ...store, list: (...a: Parameters<typeof store.list>) => (failing ? (() => { throw new Error('database is closed'); })() : store.list(...a)) };
    net = new Net({ top: ['mid'], mid: ['leaf'] }, (cell) => (cell === 'mid' ? { castOutbox: flaky, castRetryMs: 60_000, castRetryMaxMs: 60_000 } : {}));
    net.stop('top');
    await net.cell('leaf').invoke(note, ctxt, { text: 'n1' });
    await until(() => net!.cell('mid').heldCasts() === 1);
    failing = true;
    await expect(net.cell('mid').retryHeldCasts()).resolves.toBeUndefined();
    expect(net.cell('mid').heldCasts()).toBe(1);
    expect(net.lines).toContainEqual(['error', 'cast outbox: a retry round failed: database is closed']);
  });

  it('a refusal a retry cannot cure is not held: lost and logged', async () => {
    net = new Net({ top: ['mid'], mid: ['leaf'] }, (cell) => (cell === 'mid' ? { castOutbox: memoryCastOutbox() } : {}));
    const mid = net.cell('mid');
    const top = mid.state.parents.get('top')!;
    mid.state.parents.set('top', { ...top, link: { ...top.link, send: () => Promise.reject(new CellwireError('unauthenticated', 'bad signature', { cell: 'top' })) } });
    await net.cell('leaf').invoke(note, ctxt, { text: 'n1' });
    await until(() => mid.stats.castsLost === 1);
    expect(mid.heldCasts()).toBe(0);
    expect(net.lines).toContainEqual(['warn', expect.stringMatching(/is lost: top refused it \(bad signature\) and a retry cannot help/)]);
  });
});

describe('item 9: a cast lives for its time to live, not the call timeout', () => {
  it('a targeted cast queued at a middle cell past the call timeout is still passed on', async () => {
    net = new Net({ top: ['mid'], mid: ['leaf'] }, () => ({ callTimeoutMs: 50 }));
    net.delay('mid', 100);
    await net.cell('top').invoke(echo, ctxt, { cell_name: 'top!mid!leaf', text: 'late', call: false });
    await until(() => net!.sends.some((s) => s.from === 'mid' && s.to === 'leaf'), 2000);
    await until(() => net!.cell('leaf').stats.castsAccepted === 1, 2000);
    expect(net.cell('mid').stats).toMatchObject({ castsDelivered: 1, castsLost: 0, castFailures: 0 });
  });

  it('a broadcast cast queued at a middle cell past the call timeout is still passed on', async () => {
    net = new Net({ top: ['mid'], mid: ['leaf'] }, () => ({ callTimeoutMs: 50 }));
    net.delay('mid', 100);
    await net.cell('leaf').invoke(note, ctxt, { text: 'late' });
    await until(() => net!.notes.get('top')!.length === 1, 2000);
    expect(net.cell('mid').stats).toMatchObject({ castsDelivered: 1, castsLost: 0 });
  });

  it('the envelope carries the time to live; each hand-off waits no longer than the call timeout', async () => {
    net = new Net({ top: ['mid'] }, () => ({ callTimeoutMs: 1000 }));
    const before = Date.now();
    await net.cell('top').invoke(echo, ctxt, { cell_name: 'top!mid', text: 'x', call: false });
    const sent = net.sends.find((s) => s.from === 'top')!;
    const deadline = (JSON.parse(sent.data) as { deadline: number }).deadline;
    expect(deadline).toBeGreaterThanOrEqual(before + 24 * 3_600_000);
    expect(sent.options.deadline).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it('castTtlMs sets it (maxDeadlineMs bounds calls only), and a received cast cannot ask for more', async () => {
    net = new Net({ top: ['mid'] }, (cell) => (cell === 'top' ? { castTtlMs: 7_200_000, maxDeadlineMs: 600_000 } : { castTtlMs: 120_000 }));
    const before = Date.now();
    await net.cell('top').invoke(echo, ctxt, { cell_name: 'top!mid', text: 'x', call: false }, { timeoutMs: 9_000_000 });
    const deadline = (JSON.parse(net.sends[0]!.data) as { deadline: number }).deadline;
    expect(deadline - before).toBeGreaterThanOrEqual(7_200_000);
    expect(deadline - Date.now()).toBeLessThanOrEqual(7_200_000);
    // mid caps what it received to its own 2 minutes: a handler sees that deadline.
    let seen = 0;
    net.start('mid', {
      castTtlMs: 120_000,
      services: [serve(testService, { ...testHandlers('mid'), echo: (ctx) => ((seen = ctx.deadline), 'ok') })],
    });
    await net.cell('top').invoke(echo, ctxt, { cell_name: 'top!mid', text: 'x', call: false });
    await until(() => seen > 0);
    expect(seen - Date.now()).toBeLessThanOrEqual(120_000);
  });

  it('a cast whose time to live ended before it could be passed on is dropped with a line that says so', async () => {
    net = new Net({ top: ['mid'], mid: ['leaf'] });
    net.delay('mid', 100);
    await net.cell('top').invoke(echo, ctxt, { cell_name: 'top!mid!leaf', text: 'x', call: false }, { timeoutMs: 50 });
    await until(() => net!.cell('mid').stats.castsLost === 1, 2000);
    expect(net.sends.filter((s) => s.from === 'mid')).toEqual([]);
    expect(net.lines).toContainEqual(['warn', expect.stringMatching(/^cast echo not passed on from top!mid to leaf: its time to live ended at/)]);
  });
});

/** A DedupeStore in memory, standing in for a cell's database across "restarts". */
function memoryDedupeStore(): DedupeStore & { rows: Map<string, number>; failing: boolean } {
  const rows = new Map<string, number>();
  const store = {
    rows,
    failing: false,
    load: (now: number) => [...rows].filter(([, u]) => u > now),
    add: (key: string, until: number) => {
      if (store.failing) throw new Error('disk full');
      rows.set(key, until);
    },
    expire: (now: number) => {
      for (const [k, u] of rows) if (u <= now) rows.delete(k);
    },
    forget: (key: string) => void rows.delete(key),
  };
  return store;
}

describe('item 6: the dedupe window across restarts', () => {
  it('a window made from a store knows the keys an earlier window recorded as handled, until they expire', () => {
    const store = memoryDedupeStore();
    const first = new DedupeWindow(1000, undefined, store, 0);
    expect(first.firstSeen('a', 10)).toBe(true);
    expect(first.firstSeen('b', 10)).toBe(true);
    // Only a handled message is recorded: 'b' was still running when the window went away.
    first.handled('a');
    expect([...store.rows]).toEqual([['a', 1010]]);
    const again = new DedupeWindow(1000, undefined, store, 20);
    expect(again.firstSeen('a', 30)).toBe(false);
    expect(again.firstSeen('b', 30)).toBe(true);
    const later = new DedupeWindow(1000, undefined, store, 2000);
    expect(later.firstSeen('a', 2000)).toBe(true);
  });

  it('a window swept after its time holds nothing, with no message to push the keys out', () => {
    const w = new DedupeWindow(1000);
    for (let i = 0; i < 100; i++) w.firstSeen(`k${i}`, 0);
    w.sweep(999);
    expect(w.size).toBe(100);
    w.sweep(1000);
    expect(w.size).toBe(0);
  });

  it('a runner sweeps its window by itself', async () => {
    // Only the sweeper's interval is faked: the window (50 ms) ends in real time, and the
    // second the sweep waits at the least passes at once.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      net = new Net({ top: ['mid'] }, (cell) => (cell === 'mid' ? { dedupeWindowMs: 50 } : {}));
      await net.cell('top').invoke(echo, ctxt, { cell_name: 'top!mid', text: 'x', call: false });
      const captured = net.sends.find((s) => s.to === 'mid')!;
      const dedupe = (net.cell('mid') as unknown as { dedupe: DedupeWindow }).dedupe;
      await new Promise((r) => setTimeout(r, 60));
      // Past its window, the key stays until a sweep, which runs every second at the least.
      expect(dedupe.size).toBe(1);
      vi.advanceTimersByTime(999);
      expect(dedupe.size).toBe(1);
      vi.advanceTimersByTime(1);
      expect(dedupe.size).toBe(0);
      await net.cell('mid').receive({ data: captured.data, from: 'top' });
      expect(net.cell('mid').stats.duplicates).toBe(0);
    } finally {
      net?.close();
      vi.useRealTimers();
    }
  });

  it('a runner restarted on the same store refuses a message it handled before the restart', async () => {
    const store = memoryDedupeStore();
    net = new Net({ top: ['mid'] }, (cell) => (cell === 'mid' ? { dedupeStore: store } : {}));
    await net.cell('top').invoke(echo, ctxt, { cell_name: 'top!mid', text: 'x', call: false });
    const captured = net.sends.find((s) => s.to === 'mid')!;
    expect(net.cell('mid').stats.castsAccepted).toBe(1);
    expect(store.rows.size).toBe(1);
    const mid = net.start('mid', { dedupeStore: store });
    await mid.receive({ data: captured.data, from: 'top' });
    expect(mid.stats).toMatchObject({ duplicates: 1, castsAccepted: 0 });
  });

  it('a message cut short by a restart is run again when it is redelivered (at least once, not lost)', async () => {
    const store = memoryDedupeStore();
    const ran: string[] = [];
    const hanging = serve(testService, { ...testHandlers('mid'), echo: () => new Promise<string>(() => ran.push('first run, never finishes')) });
    net = new Net({ top: ['mid'] }, (cell) => (cell === 'mid' ? { dedupeStore: store, services: [hanging] } : {}));
    void net.cell('top').invoke(echo, ctxt, { cell_name: 'top!mid', text: 'x', call: false });
    await until(() => ran.length === 1);
    const captured = net.sends.find((s) => s.to === 'mid')!;
    expect(store.rows.size).toBe(0);
    // The process dies while the handler runs; the transport redelivers the message to the new one.
    const mid = net.start('mid', { dedupeStore: store, services: [serve(testService, { ...testHandlers('mid'), echo: () => (ran.push('run again'), 'ok') })] });
    await mid.receive({ data: captured.data, from: 'top' });
    expect(ran).toEqual(['first run, never finishes', 'run again']);
    expect(mid.stats.duplicates).toBe(0);
    expect(store.rows.size).toBe(1);
  });

  it('a store that cannot record a handled message is logged; the message ran', async () => {
    const store = memoryDedupeStore();
    net = new Net({ top: ['mid'] }, (cell) => (cell === 'mid' ? { dedupeStore: store } : {}));
    store.failing = true;
    await expect(net.cell('top').invoke(echo, ctxt, { cell_name: 'top!mid', text: 'x' })).resolves.toMatchObject({ value: 'x@top!mid' });
    await until(() => net!.lines.some(([l]) => l === 'error'));
    expect(net.lines).toContainEqual(['error', expect.stringMatching(/^could not record message .* as handled: disk full/)]);
  });
});
