/**
 * What the runner counts, how it sends, and what it does with odd inbound exchanges
 * (src/runner.ts), each named after what it guards: the stats of calls and casts, the send
 * options of each kind of message, repeats on a second path or after an answer, held casts
 * handed over again, and errors in its own handling.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  CellUnavailable,
  CellwireError,
  makeContext,
  memoryCastOutbox,
  MessageRunner,
  RemoteError,
  Response,
  serve,
  silentLogger,
  type DedupeStore,
  type Interceptor,
  type Logger,
  type SendContext,
  type SendOptions,
} from '../src/index.js';
import { TestingException, testHandlers } from './helpers/handlers.js';
import { lineLogger, message, serving, until, type Line } from './helpers/parts.js';
import { testTree, type TestTree } from './helpers/tree.js';
import { testService } from './service/gen/index.js';

const { echo, gather, note } = testService.methods;
const ctxt = makeContext({ request_id: 'req-counts' });

let tree: TestTree | undefined;
let extra: MessageRunner[] = [];
afterEach(() => {
  tree?.close();
  tree = undefined;
  for (const r of extra) r.close();
  extra = [];
});

/** Records the options of every send `from` makes to `to` (the link still delivers). */
function spySends(t: TestTree, from: string, to: string): SendOptions[] {
  const r = t.cell(from);
  const map = r.state.children.has(to) ? r.state.children : r.state.parents;
  const n = map.get(to)!;
  const sent: SendOptions[] = [];
  map.set(to, { ...n, link: { ...n.link, send: (d, o) => (sent.push(o), n.link.send(d, o)) } });
  return sent;
}

describe('counts', () => {
  it('a call counts no cast, and a reply on the exchange counts as received', async () => {
    tree = testTree({ top: ['mid'], mid: ['leaf'] }, serving());
    await tree.cell('top').invoke(echo, ctxt, { cell_name: 'top!mid!leaf', text: 'x' });
    expect(tree.cell('top').stats).toMatchObject({ sent: 1, received: 1, castsAccepted: 0, castsDelivered: 0 });
    expect(tree.cell('mid').stats).toMatchObject({ castsAccepted: 0, castsDelivered: 0 });
  });

  it('a cast passed on in the middle is counted accepted once and delivered once', async () => {
    tree = testTree({ top: ['mid'], mid: ['leaf'] }, serving());
    await tree.cell('top').invoke(echo, ctxt, { cell_name: 'top!mid!leaf', text: 'x', call: false });
    await until(() => tree!.cell('leaf').stats.castsAccepted === 1);
    expect(tree.cell('mid').stats).toMatchObject({ castsAccepted: 1, castsDelivered: 1 });
  });

  it('a broadcast call counts one send per neighbour', async () => {
    tree = testTree({ top: ['a', 'b'] }, serving());
    await tree.cell('top').invoke(gather, ctxt, {});
    expect(tree.cell('top').stats.sent).toBe(2);
  });

  it('a response message is not a cast, and its uuid is not kept', async () => {
    const added: string[] = [];
    const store: DedupeStore = { load: () => [], add: (k) => void added.push(k), expire: () => undefined };
    tree = testTree({ top: ['mid'] }, serving((cell) => (cell === 'top' ? { dedupeStore: store } : {})));
    const res = message({ message_type: 'response', method_name: 'parse_responses', method_kwargs: { responses: [] }, direction: 'up', need_response: false, routing_path: 'mid', target_cell: 'mid!top', response_uuid: 'gone' });
    await tree.cell('top').receive({ data: JSON.stringify(res), from: 'mid' });
    expect(tree.cell('top').stats).toMatchObject({ castsAccepted: 0, lateResponses: 1 });
    expect(added).toEqual([]);
  });

  it('a broadcast cast reaching the top is accepted once, and run even when its time to live has passed', async () => {
    const ran: string[] = [];
    tree = testTree({ top: ['mid'] }, serving((cell) => ({ services: [serve(testService, { ...testHandlers(cell), note: (_c, a) => (ran.push(a.text), null) })] })));
    const env = message({ message_type: 'broadcast', method_name: 'note', method_kwargs: { text: 'late' }, direction: 'up', need_response: false, routing_path: 'mid', target_cell: undefined, deadline: Date.now() - 1 });
    await tree.cell('top').receive({ data: JSON.stringify(env), from: 'mid' });
    expect(ran).toEqual(['late']);
    expect(tree.cell('top').stats).toMatchObject({ castsAccepted: 1, castsLost: 0 });
  });

  it('pendingCount adds waiting calls, broadcasts and held exchanges', async () => {
    tree = testTree({ top: ['mid'] }, serving());
    const top = tree.cell('top');
    const a = top.invoke(echo, ctxt, { cell_name: 'top!mid', text: 'x', delay_ms: 20 });
    const b = top.invoke(gather, ctxt, { behaviour: { mid: { delay_ms: 20 } } });
    expect(top.pendingCount()).toBe(2);
    await Promise.all([a, b]);
    expect(top.pendingCount()).toBe(0);
  });
});

describe('how each kind of message is sent', () => {
  it('a call waits for its reply and is not durable; a cast is durable and waits for none', async () => {
    tree = testTree({ top: ['mid'] }, serving());
    const sent = spySends(tree, 'top', 'mid');
    await tree.cell('top').invoke(echo, ctxt, { cell_name: 'top!mid', text: 'x' });
    await tree.cell('top').invoke(echo, ctxt, { cell_name: 'top!mid', text: 'x', call: false });
    expect(sent.map((o) => [o.messageType, o.expectReply, o.durable])).toEqual([
      ['targeted', true, false],
      ['targeted', false, true],
    ]);
  });

  it('a broadcast call waits for each reply and is not durable; a broadcast cast is durable and waits for none', async () => {
    tree = testTree({ top: ['mid'] }, serving());
    const sent = spySends(tree, 'top', 'mid');
    await tree.cell('top').invoke(gather, ctxt, {});
    await tree.cell('top').broadcast(gather, ctxt, {}, { direction: 'down', needResponse: false, runLocally: false });
    expect(sent.map((o) => [o.messageType, o.expectReply, o.durable])).toEqual([
      ['broadcast', true, false],
      ['broadcast', false, true],
    ]);
  });

  it('a response passed on is a response message, waits for no reply and is not durable', async () => {
    tree = testTree({ top: ['mid'], mid: ['leaf'] }, serving());
    const sent = spySends(tree, 'mid', 'top');
    const res = message({ message_type: 'response', method_name: 'parse_responses', method_kwargs: { responses: [] }, direction: 'up', need_response: false, routing_path: 'leaf', target_cell: 'leaf!mid!top', response_uuid: 'gone' });
    await tree.cell('mid').receive({ data: JSON.stringify(res), from: 'leaf' });
    await until(() => sent.length === 1);
    expect(sent[0]).toMatchObject({ messageType: 'response', expectReply: false, durable: false, fanout: true });
  });

  it('a broadcast neighbour that answers later, as a message of its own, is waited for', async () => {
    tree = testTree({ top: ['mid'] }, serving());
    const top = tree.cell('top');
    const mid = top.state.children.get('mid')!;
    // mid's link accepts at once and sends the answer back as a new message.
    top.state.children.set('mid', {
      ...mid,
      link: {
        ...mid.link,
        send: async (data, options) => {
          const reply = await mid.link.send(data, options);
          setTimeout(() => void top.receive({ data: reply!, from: 'mid' }), 10);
          return undefined;
        },
      },
    });
    const rs = (await top.invoke(gather, ctxt, {})) as Response[];
    expect(rs.map((r) => [r.cellName, r.failure])).toEqual([
      ['top!mid', false],
      ['top', false],
    ]);
  });

  it('a broadcast neighbour that cannot be reached is named unavailable at once, not at the deadline', async () => {
    tree = testTree({ top: ['a', 'b'] }, serving());
    tree.stop('a');
    const rs = (await tree.cell('top').invoke(gather, ctxt, {}, { timeoutMs: 5000 })) as Response[];
    expect(rs.find((r) => r.cellName === 'top!a')?.error?.code).toBe('unavailable');
  });

  it('a cell with a send hook passes on messages for methods it does not serve', async () => {
    const seen: (string | undefined)[] = [];
    const hook = Object.assign(((next) => next) as Interceptor, {
      send: (next: (s: SendContext) => Promise<string | undefined>) => (s: SendContext) => (seen.push(s.method?.name), next(s)),
    });
    tree = testTree({ top: ['mid'], mid: ['leaf'] }, (cell) => (cell === 'mid' ? { interceptors: [hook] } : { services: [serve(testService, testHandlers(cell))] }));
    const r = (await tree.cell('top').invoke(echo, ctxt, { cell_name: 'top!mid!leaf', text: 'x' })) as Response;
    expect(r.value).toBe('x@top!mid!leaf');
    expect(seen).toEqual([undefined]);
  });
});

describe('answers here', () => {
  it('a call to this cell itself answers with the handler\'s own error, not one rebuilt from the wire', async () => {
    tree = testTree({ top: ['mid'] }, serving());
    const r = (await tree.cell('top').invoke(echo, ctxt, { cell_name: 'top', text: 'x', fail: 'TestingException' })) as Response;
    expect(r.value).toBeInstanceOf(TestingException);
    expect(r.value).not.toBeInstanceOf(RemoteError);
    expect(r.cellName).toBe('top');
  });

  it('a cast that succeeds is not logged as failed', async () => {
    const lines: Line[] = [];
    tree = testTree({ top: ['mid'] }, serving(() => ({ logger: lineLogger(lines) })));
    await tree.cell('top').invoke(echo, ctxt, { cell_name: 'top!mid', text: 'x', call: false });
    await until(() => tree!.cell('mid').stats.castsAccepted === 1);
    await new Promise((r) => setTimeout(r, 10));
    expect(lines.filter(([, m]) => m.includes('failed'))).toEqual([]);
  });

  it('a target off the path is refused saying where it was going', async () => {
    tree = testTree({ top: ['mid'] }, serving());
    const r = (await tree.cell('top').invoke(echo, ctxt, { cell_name: 'elsewhere!mid', text: 'x' })) as Response;
    expect(r.error?.message).toBe('Inconsistency in cell routing: destination is elsewhere!mid but routing_path is top');
  });

  it('a received call whose deadline has passed is still passed on', async () => {
    tree = testTree({ top: ['mid'], mid: ['leaf'] }, serving());
    await tree.cell('mid').receive({ data: JSON.stringify(message({ target_cell: 'top!mid!leaf', deadline: Date.now() - 1 })), from: 'top' });
    await until(() => tree!.log.some(([from, to]) => from === 'mid' && to === 'leaf'));
  });
});

describe('repeats', () => {
  it('a broadcast redelivered by the same neighbour after it was answered gets no second answer', async () => {
    tree = testTree({ top: ['mid'] }, serving());
    const env = message({ message_type: 'broadcast', method_name: 'gather', method_kwargs: {}, target_cell: undefined });
    await new Promise<void>((resolve) => void tree!.cell('mid').receive({ data: JSON.stringify(env), from: 'top', reply: () => resolve() }));
    const before = tree.log.length;
    await tree.cell('mid').receive({ data: JSON.stringify(env), from: 'top' });
    await new Promise((r) => setTimeout(r, 20));
    expect(tree.log.slice(before)).toEqual([]);
    expect(tree.cell('mid').stats.duplicates).toBe(1);
  });

  it('a broadcast reaching a cell again by another path, on an exchange, is answered there with an empty list', async () => {
    tree = testTree({ top: ['p1', 'p2'], p1: ['leaf'], p2: ['leaf'] }, serving());
    const env = message({ message_type: 'broadcast', method_name: 'gather', method_kwargs: {}, routing_path: 'top!p1', hop_count: 2, target_cell: undefined });
    await new Promise<void>((resolve) => void tree!.cell('leaf').receive({ data: JSON.stringify(env), from: 'p1', reply: () => resolve() }));
    const reply = await new Promise<string | undefined>((resolve) => void tree!.cell('leaf').receive({ data: JSON.stringify({ ...env, routing_path: 'top!p2' }), from: 'p2', reply: resolve }));
    expect(JSON.parse(reply!)).toMatchObject({ message_type: 'response', method_kwargs: { responses: [] }, target_cell: 'leaf!p2' });
  });

  it('a repeated cast without an exchange is dropped quietly', async () => {
    const lines: Line[] = [];
    tree = testTree({ top: ['mid'] }, serving(() => ({ logger: lineLogger(lines) })));
    const env = JSON.stringify(message({ need_response: false }));
    await tree.cell('mid').receive({ data: env, from: 'top' });
    await tree.cell('mid').receive({ data: env, from: 'top' });
    expect(tree.cell('mid').stats.duplicates).toBe(1);
    expect(lines.filter(([l]) => l === 'error')).toEqual([]);
  });
});

describe('refusals and its own errors', () => {
  it('a refused message with neither reject nor reply is only counted and logged', async () => {
    const lines: Line[] = [];
    const r = new MessageRunner({ name: 'mid', logger: lineLogger(lines) });
    extra.push(r);
    await r.receive({ data: 'not json' });
    expect(r.stats.invalid).toBe(1);
    expect(lines.filter(([l]) => l === 'error')).toEqual([]);
  });

  it('an error that escapes is logged with its stack, a thrown non-error as itself, and nothing else breaks', async () => {
    const errors: string[] = [];
    let thrown: unknown = new Error('logger broke');
    const logger: Logger = {
      ...silentLogger,
      warn: () => {
        throw thrown;
      },
      error: (m) => void errors.push(m),
    };
    const r = new MessageRunner({ name: 'mid', logger });
    extra.push(r);
    await r.receive({ data: 'not json', reply: () => undefined });
    expect(errors[0]).toMatch(/^internal error while handling a message: Error: logger broke\n\s+at /);
    thrown = null;
    await expect(r.receive({ data: 'not json' })).resolves.toBeUndefined();
    expect(errors[1]).toBe('internal error while handling a message: null');
  });

  it('a dedupe store that cannot record a handled message is logged, and the message still counts as run', async () => {
    const lines: Line[] = [];
    const store: DedupeStore = {
      load: () => [],
      add: () => {
        throw null;
      },
      expire: () => undefined,
    };
    tree = testTree({ top: ['mid'] }, serving((cell) => (cell === 'mid' ? { dedupeStore: store, logger: lineLogger(lines) } : {})));
    const env = message();
    await expect(tree.cell('mid').receive({ data: JSON.stringify(env), from: 'top', reply: () => undefined })).resolves.toBeUndefined();
    expect(lines).toContainEqual(['error', `could not record message ${env.uuid} as handled: null`, { uuid: env.uuid }]);
  });
});

describe('broadcast casts refused at the origin', () => {
  it('with one next hop, the caller gets that hop\'s own error', async () => {
    tree = testTree({ top: ['mid'] }, serving());
    tree.stop('top');
    const err = await tree.cell('mid').invoke(note, ctxt, { text: 'n' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CellUnavailable);
    expect((err as Error).message).toBe('Cell top is unavailable: stopped');
  });

  it('with several, the message names the cells that took it', async () => {
    tree = testTree({ top: ['a', 'b', 'c'] }, serving());
    tree.stop('a');
    const err = (await tree.cell('top').broadcast(gather, ctxt, {}, { direction: 'down', needResponse: false, runLocally: false }).catch((e: unknown) => e)) as CellwireError;
    expect(err.message).toMatch(/; top!b, top!c took it$/);
  });

  it('an expired cast names every next hop it was not passed on to', async () => {
    const lines: Line[] = [];
    tree = testTree({ top: ['mid'], mid: ['l1', 'l2'] }, serving(() => ({ logger: lineLogger(lines) })));
    const env = message({ message_type: 'broadcast', method_name: 'gather', method_kwargs: {}, need_response: false, target_cell: undefined, deadline: Date.now() - 1 });
    await tree.cell('mid').receive({ data: JSON.stringify(env), from: 'top' });
    expect(lines.some(([, m]) => m.startsWith('cast gather not passed on from top!mid to l1, l2:'))).toBe(true);
  });
});

describe('casts held and handed over again', () => {
  it('a targeted cast held for a child is handed over as a targeted cast once the child takes it', async () => {
    tree = testTree({ top: ['mid'], mid: ['leaf'] }, serving((cell) => (cell === 'mid' ? { castOutbox: memoryCastOutbox(), castRetryMs: 60_000 } : {})));
    tree.stop('leaf');
    await tree.cell('top').invoke(echo, ctxt, { cell_name: 'top!mid!leaf', text: 'held', call: false });
    await until(() => tree!.cell('mid').heldCasts() === 1);
    // leaf takes casts again: mid's link to it now delivers.
    const mid = tree.cell('mid');
    const sent: SendOptions[] = [];
    const leaf = mid.state.children.get('leaf')!;
    mid.state.children.set('leaf', { ...leaf, link: { ...leaf.link, send: (d, o) => (sent.push(o), tree!.cell('leaf').receive({ data: d, from: 'mid' })).then(() => undefined) } });
    await mid.retryHeldCasts();
    expect(mid.heldCasts()).toBe(0);
    expect(sent.map((o) => [o.messageType, o.durable])).toEqual([['targeted', true]]);
    expect(tree.cell('leaf').stats.castsAccepted).toBe(1);
  });

  it('a broadcast cast held for a parent is handed over as a broadcast', async () => {
    tree = testTree({ top: ['mid'], mid: ['leaf'] }, serving((cell) => (cell === 'mid' ? { castOutbox: memoryCastOutbox(), castRetryMs: 60_000 } : {})));
    tree.stop('top');
    await tree.cell('leaf').invoke(note, ctxt, { text: 'n' });
    await until(() => tree!.cell('mid').heldCasts() === 1);
    const mid = tree.cell('mid');
    const sent: SendOptions[] = [];
    const top = mid.state.parents.get('top')!;
    mid.state.parents.set('top', { ...top, link: { ...top.link, send: async (_d, o) => void sent.push(o) } });
    await mid.retryHeldCasts();
    expect(sent.map((o) => o.messageType)).toEqual(['broadcast']);
  });

  it('casts held for a neighbour that is gone stay held, and the retry does not fail', async () => {
    tree = testTree({ top: ['mid'], mid: ['leaf'] }, serving((cell) => (cell === 'mid' ? { castOutbox: memoryCastOutbox(), castRetryMs: 60_000 } : {})));
    tree.stop('top');
    await tree.cell('leaf').invoke(note, ctxt, { text: 'n' });
    await until(() => tree!.cell('mid').heldCasts() === 1);
    tree.cell('mid').state.remove('top');
    await expect(tree.cell('mid').retryHeldCasts()).resolves.toBeUndefined();
    expect(tree.cell('mid').heldCasts()).toBe(1);
  });

  it('a held cast is retried after castRetryMs', async () => {
    tree = testTree({ top: ['mid'], mid: ['leaf'] }, serving((cell) => (cell === 'mid' ? { castOutbox: memoryCastOutbox(), castRetryMs: 30, castRetryMaxMs: 30 } : {})));
    const mid = tree.cell('mid');
    const top = mid.state.parents.get('top')!;
    let refusing = true;
    mid.state.parents.set('top', {
      ...top,
      link: { ...top.link, send: async (d, o) => (refusing ? Promise.reject(new CellUnavailable('top', 'busy')) : top.link.send(d, o)) },
    });
    await tree.cell('leaf').invoke(note, ctxt, { text: 'n' });
    await until(() => mid.heldCasts() === 1);
    refusing = false;
    await until(() => mid.heldCasts() === 0, 600);
  });

  it('the backoff between retries grows no longer than castRetryMaxMs', async () => {
    tree = testTree({ top: ['mid'], mid: ['leaf'] }, serving((cell) => (cell === 'mid' ? { castOutbox: memoryCastOutbox(), castRetryMs: 3, castRetryMaxMs: 6 } : {})));
    const mid = tree.cell('mid');
    const top = mid.state.parents.get('top')!;
    let refusals = 0;
    mid.state.parents.set('top', {
      ...top,
      link: { ...top.link, send: async (d, o) => (++refusals <= 10 ? Promise.reject(new CellUnavailable('top', 'busy')) : top.link.send(d, o)) },
    });
    await tree.cell('leaf').invoke(note, ctxt, { text: 'n' });
    // Refused 10 times in all: 3 ms, then 6 ms at most between tries, about 60 ms (doubling
    // without the cap, 3 s).
    await until(() => mid.heldCasts() === 0, 600);
    expect(refusals).toBe(11);
  });

  it('a cast lost for want of an outbox is logged with the refusal\'s code', async () => {
    const lines: Line[] = [];
    tree = testTree({ top: ['mid'], mid: ['leaf'] }, serving(() => ({ logger: lineLogger(lines) })));
    tree.stop('top');
    await tree.cell('leaf').invoke(note, ctxt, { text: 'n' });
    await until(() => tree!.cell('mid').stats.castsLost === 1);
    const line = lines.find(([, m]) => m.startsWith('cast note accepted at leaf!mid is lost'));
    expect(line?.[2]).toMatchObject({ code: 'unavailable' });
  });
});
