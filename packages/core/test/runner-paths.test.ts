/**
 * The runner's less travelled paths (src/runner.ts), each named after what it guards: its
 * options and defaults, refusals, repeats, messages that cannot go on, answers that cannot
 * be routed, the hop hooks, and what it counts and logs. Short deadlines throughout, so that
 * a broken path fails a test rather than hang it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  CellwireError,
  defaultErrorRegistry,
  ErrorRegistry,
  makeContext,
  memoryCastOutbox,
  MessageRunner,
  RemoteError,
  Response,
  serve,
  silentLogger,
  type Envelope,
  type HandlerContext,
  type Interceptor,
  type Link,
  type Logger,
  type ReceiveContext,
  type SendContext,
} from '../src/index.js';
import { CellUnavailable } from '../src/cell-errors.js';
import { testHandlers } from './helpers/handlers.js';
import { lineLogger, message, serving, until, type Line } from './helpers/parts.js';
import { testTree, type TestTree } from './helpers/tree.js';
import { testService } from './service/gen/index.js';

const { echo, gather, note } = testService.methods;
const ctxt = makeContext({ request_id: 'req-paths' });

let tree: TestTree | undefined;
let extra: MessageRunner[] = [];
afterEach(() => {
  tree?.close();
  tree = undefined;
  for (const r of extra) r.close();
  extra = [];
});

/** Hands `env` to `to` as from `from`, on an exchange; resolves with the reply text (or undefined). */
function exchange(t: TestTree | MessageRunner, to: string, from: string, env: Envelope | string): Promise<string | undefined> {
  const r = t instanceof MessageRunner ? t : t.cell(to);
  return new Promise((resolve) => {
    void r.receive({ data: typeof env === 'string' ? env : JSON.stringify(env), from, reply: resolve });
  });
}

const answers = (reply: string | undefined) => (reply === undefined ? undefined : (JSON.parse(reply) as Envelope).method_kwargs.responses);

describe('a runner\'s name and options', () => {
  it('refuses a name that is empty or holds a path or item separator', () => {
    for (const name of ['', 'a!b', 'a@b']) {
      expect(() => new MessageRunner({ name, logger: silentLogger })).toThrow(`invalid cell name '${name}': it must be non-empty, without '!' or '@'`);
    }
  });

  it('serves the services it is given and those added later, and names their methods', () => {
    const r = new MessageRunner({ name: 'a', logger: silentLogger });
    extra.push(r);
    expect(r.services()).toEqual([]);
    expect(r.method('echo')).toBeUndefined();
    expect(r.service(testService, testHandlers('a'))).toBe(r);
    expect(r.services()).toEqual([testService]);
    expect(r.method('echo')).toBe(echo);
    expect(r.heldCasts()).toBe(0);
  });

  it('without an outbox, retrying held casts is done at once', async () => {
    const r = new MessageRunner({ name: 'a', logger: silentLogger });
    extra.push(r);
    await expect(r.retryHeldCasts()).resolves.toBeUndefined();
  });

  it('keeps the call timeout within maxDeadlineMs', async () => {
    tree = testTree({ top: ['mid'] }, serving((cell) => (cell === 'top' ? { maxDeadlineMs: 40 } : {})));
    tree.stop('mid');
    const started = Date.now();
    const silent = { ...tree.cell('top').state.children.get('mid')!, link: { cell: 'mid', close: async () => undefined, send: () => new Promise<undefined>(() => undefined) } as Link };
    tree.cell('top').state.children.set('mid', silent);
    await expect(tree.cell('top').invoke(echo, ctxt, { cell_name: 'top!mid', text: 'x' })).rejects.toMatchObject({ code: 'timeout', cell: 'top!mid' });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('caps the deadline of a received call at maxDeadlineMs, and gives one when it has none', async () => {
    const seen: number[] = [];
    tree = testTree(
      { top: ['mid'] },
      serving((cell) =>
        cell === 'mid'
          ? { maxDeadlineMs: 10_000, callTimeoutMs: 4000, castTtlMs: 20_000, services: [serve(testService, { ...testHandlers(cell), echo: (ctx: HandlerContext) => (seen.push(ctx.deadline - Date.now()), 'ok') })] }
          : {},
      ),
    );
    await exchange(tree, 'mid', 'top', message({ deadline: Date.now() + 3_600_000 }));
    await exchange(tree, 'mid', 'top', message());
    await exchange(tree, 'mid', 'top', message({ deadline: Date.now() + 2000 }));
    await exchange(tree, 'mid', 'top', message({ need_response: false }));
    await until(() => seen.length === 4);
    const [capped, none, given, cast] = seen as [number, number, number, number];
    expect(capped).toBeGreaterThan(9000);
    expect(capped).toBeLessThanOrEqual(10_000);
    expect(none).toBeGreaterThan(3000);
    expect(none).toBeLessThanOrEqual(4000);
    expect(given).toBeGreaterThan(1000);
    expect(given).toBeLessThanOrEqual(2000);
    expect(cast).toBeGreaterThan(19_000);
    expect(cast).toBeLessThanOrEqual(20_000);
  });

  it('sends stack lines with its errors only when told to', async () => {
    tree = testTree({ top: ['plain', 'stacks'] }, serving((cell) => (cell === 'stacks' ? { sendStacks: true } : {})));
    const top = tree.cell('top');
    const plain = (await top.invoke(echo, ctxt, { cell_name: 'top!plain', text: 'x', fail: 'TestingException' })) as Response;
    const stacks = (await top.invoke(echo, ctxt, { cell_name: 'top!stacks', text: 'x', fail: 'TestingException' })) as Response;
    expect((plain.value as RemoteError).remoteTrace).toEqual([]);
    expect((stacks.value as RemoteError).remoteTrace[0]).toMatch(/^TestingException: asked to fail at top!stacks/);
  });

  it('rebuilds errors with the registry it is given', async () => {
    class Custom extends CellwireError {
      override name = 'Custom';
    }
    const registry = (): ErrorRegistry => defaultErrorRegistry().register(Custom, { module: 'app' });
    tree = testTree(
      { top: ['mid'] },
      (cell) => ({
        errors: registry(),
        services: [serve(testService, { ...testHandlers(cell), echo: () => { throw new Custom('failed_precondition', 'custom'); } })],
      }),
    );
    const r = (await tree.cell('top').invoke(echo, ctxt, { cell_name: 'top!mid', text: 'x' })) as Response;
    expect(r.value).toBeInstanceOf(Custom);
  });

  it('a message made here goes at most maxHopCount hops', async () => {
    tree = testTree({ top: ['mid'], mid: ['leaf'] }, serving((cell) => (cell === 'top' ? { maxHopCount: 2 } : {})));
    const r = (await tree.cell('top').invoke(echo, ctxt, { cell_name: 'top!mid!leaf', text: 'x' })) as Response;
    expect(r.failure).toBe(true);
    expect(r.error).toMatchObject({ code: 'hop_limit', message: 'Cell message has reached maximum hop count: 2', cell: 'top!mid' });
    const ok = (await tree.cell('top').invoke(echo, ctxt, { cell_name: 'top!mid', text: 'x' })) as Response;
    expect(ok.value).toBe('x@top!mid');
    // A broadcast stops there too.
    const rs = (await tree.cell('top').invoke(gather, ctxt, {})) as Response[];
    expect(rs.map((x) => x.cellName)).toEqual(['top!mid', 'top']);
  });

  it('leaves service_version out of what it sends when told to', async () => {
    tree = testTree({ top: ['mid'] }, serving((cell) => (cell === 'top' ? { sendServiceVersion: false } : {})));
    await tree.cell('top').invoke(echo, ctxt, { cell_name: 'top!mid', text: 'x' });
    expect(JSON.parse(tree.log[0]![2])).not.toHaveProperty('service_version');
  });

  it('a hop below the origin stops waiting for its neighbours a margin before the deadline', async () => {
    tree = testTree({ top: ['mid'], mid: ['leaf'] }, serving((cell) => (cell === 'mid' ? { hopMarginMs: 100 } : {})));
    const deadline = Date.now() + 2000;
    await tree.cell('top').invoke(gather, ctxt, {}, { deadline });
    // mid (hop 2) keeps back min(100, 15% of what is left) for its answer to travel home.
    const sent: { deadline: number }[] = [];
    const mid = tree.cell('mid');
    const leaf = mid.state.children.get('leaf')!;
    mid.state.children.set('leaf', { ...leaf, link: { ...leaf.link, send: (d, o) => (sent.push(o), leaf.link.send(d, o)) } });
    await tree.cell('top').invoke(gather, ctxt, {}, { deadline });
    expect(sent[0]!.deadline).toBe(deadline - 100);
  });
});

describe('closing', () => {
  it('fails the calls waiting, releases held exchanges and refuses what arrives after', async () => {
    tree = testTree({ top: ['mid'] }, serving());
    const mid = tree.cell('mid');
    // mid holds top's exchange while its handler runs.
    const reply = exchange(tree, 'mid', 'top', message({ method_kwargs: { cell_name: 'top!mid', text: 'x', delay_ms: 200 } }));
    const waiting = mid.invoke(echo, ctxt, { cell_name: 'mid', text: 'self', delay_ms: 200 }).catch((e: unknown) => e);
    const broadcast = tree.cell('top').invoke(gather, ctxt, { behaviour: { mid: { delay_ms: 200 } } }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 20));
    expect(mid.pendingCount()).toBeGreaterThan(0);
    tree.cell('top').close();
    mid.close();
    expect(mid.isClosed).toBe(true);
    await expect(reply).resolves.toBeUndefined();
    expect(await broadcast).toMatchObject({ code: 'unavailable', message: 'cell top is shutting down' });
    expect(mid.pendingCount()).toBe(0);
    let refused: CellwireError | undefined;
    await mid.receive({ data: JSON.stringify(message()), from: 'top', reject: (e) => void (refused = e) });
    expect(refused).toMatchObject({ code: 'unavailable', cell: 'mid' });
    expect(mid.stats.invalid).toBe(1);
    void waiting;
  });
});

describe('what a cell refuses', () => {
  it('counts and logs a refusal, naming itself, and rejects it on the exchange when the transport can', async () => {
    const lines: Line[] = [];
    tree = testTree({ top: ['mid'] }, serving(() => ({ logger: lineLogger(lines) })));
    const mid = tree.cell('mid');
    let refused: CellwireError | undefined;
    await mid.receive({ data: '{"x":1}', reject: (e) => void (refused = e) });
    expect(refused).toMatchObject({ code: 'invalid_argument', cell: 'mid' });
    expect(lines.find(([, m]) => m.startsWith('refused a message'))).toEqual(['warn', expect.stringMatching(/^refused a message: malformed envelope/), undefined]);
    // Without reject, the exchange is released empty.
    let released: string | undefined | 'no' = 'no';
    await mid.receive({ data: 'not json', from: 'top', reply: (r) => void (released = r) });
    expect(released).toBeUndefined();
    expect(mid.stats).toMatchObject({ received: 2, invalid: 2 });
  });

  it('a refusal that already names a cell keeps it', async () => {
    tree = testTree({ top: ['mid'] }, serving());
    let refused: CellwireError | undefined;
    await tree.cell('mid').receive({ data: JSON.stringify(message({ routing_path: 'leaf' })), from: 'top', reject: (e) => void (refused = e) });
    expect(refused).toMatchObject({ code: 'unauthenticated', cell: 'mid' });
  });

  it('whatever escapes while handling a message is logged, and the exchange released', async () => {
    const errors: string[] = [];
    const throwing: Logger = { ...silentLogger, warn: () => { throw new Error('logger broke'); }, error: (m) => void errors.push(m) };
    const r = new MessageRunner({ name: 'mid', logger: throwing });
    extra.push(r);
    let released: string | undefined | 'no' = 'no';
    await expect(r.receive({ data: 'not json', reply: (x) => void (released = x) })).resolves.toBeUndefined();
    expect(released).toBeUndefined();
    expect(errors[0]).toMatch(/^internal error while handling a message: Error: logger broke/);
  });
});

describe('repeats', () => {
  it('a repeated targeted message is dropped, counted and answered on no exchange', async () => {
    const lines: Line[] = [];
    tree = testTree({ top: ['mid'] }, serving(() => ({ logger: lineLogger(lines) })));
    const env = message();
    expect(answers(await exchange(tree, 'mid', 'top', env))).toHaveLength(1);
    expect(await exchange(tree, 'mid', 'top', env)).toBeUndefined();
    expect(tree.cell('mid').stats.duplicates).toBe(1);
    expect(lines).toContainEqual(['debug', `dropped a repeated message ${env.uuid} (echo)`, { request_id: 'req-in', method: 'echo', uuid: env.uuid }]);
  });

  it('a broadcast reaching a cell a second time by another path is answered with an empty list there', async () => {
    // leaf has two parents: the copy through p2 is answered empty, so leaf appears once.
    tree = testTree({ top: ['p1', 'p2'], p1: ['leaf'], p2: ['leaf'] }, serving());
    const rs = (await tree.cell('top').invoke(gather, ctxt, { behaviour: { p2: { delay_ms: 30 } } })) as Response[];
    expect(rs.map((r) => r.cellName).sort()).toEqual(['top', 'top!p1', 'top!p1!leaf', 'top!p2']);
    expect(tree.cell('leaf').stats.duplicates).toBe(1);
  });

  it('a second path without an exchange gets its empty list as a response message', async () => {
    tree = testTree({ top: ['p1', 'p2'], p1: ['leaf'], p2: ['leaf'] }, serving());
    const leaf = tree.cell('leaf');
    const env = message({ message_type: 'broadcast', method_name: 'gather', method_kwargs: {}, routing_path: 'top!p1', hop_count: 2, target_cell: undefined });
    await exchange(tree, 'leaf', 'p1', env);
    const sentBefore = tree.log.length;
    await leaf.receive({ data: JSON.stringify({ ...env, routing_path: 'top!p2' }), from: 'p2' });
    await until(() => tree!.log.length > sentBefore);
    const [from, to, data] = tree.log[sentBefore]!;
    expect([from, to]).toEqual(['leaf', 'p2']);
    expect(JSON.parse(data)).toMatchObject({ message_type: 'response', method_kwargs: { responses: [] }, target_cell: 'leaf!p2', response_uuid: env.uuid });
  });

  it('a repeated broadcast from the same neighbour while its exchange is held gets nothing on the new one', async () => {
    tree = testTree({ top: ['mid'] }, serving());
    const env = message({ message_type: 'broadcast', method_name: 'gather', method_kwargs: { behaviour: { mid: { delay_ms: 40 } } }, target_cell: undefined });
    const first = exchange(tree, 'mid', 'top', env);
    await new Promise((r) => setTimeout(r, 5));
    expect(await exchange(tree, 'mid', 'top', env)).toBeUndefined();
    expect(answers(await first)).toHaveLength(1);
  });
});

describe('messages that cannot go on', () => {
  it('a targeted call to a neighbour this cell does not have fails naming the side', async () => {
    tree = testTree({ top: ['mid'] }, serving());
    const down = (await tree.cell('top').invoke(echo, ctxt, { cell_name: 'top!nobody', text: 'x' })) as Response;
    expect(down.error).toMatchObject({ code: 'routing_inconsistency', message: 'Inconsistency in cell routing: Unknown child when routing to top!nobody', cell: 'top' });
    const up = await tree.cell('mid').targeted(echo, ctxt, { cell_name: 'x', text: 'x' }, { target: 'mid!stranger', direction: 'up', needResponse: true });
    expect(up?.error?.message).toBe('Inconsistency in cell routing: Unknown parent when routing to mid!stranger');
  });

  it('a target that is not on this path fails as a routing inconsistency', async () => {
    tree = testTree({ top: ['mid'] }, serving());
    const r = (await tree.cell('top').invoke(echo, ctxt, { cell_name: 'elsewhere!mid', text: 'x' })) as Response;
    expect(r.error).toMatchObject({ code: 'routing_inconsistency', cell: 'top' });
  });

  it('a received message already at its hop limit is not forwarded', async () => {
    tree = testTree({ top: ['mid'], mid: ['leaf'] }, serving());
    const res = answers(await exchange(tree, 'mid', 'top', message({ target_cell: 'top!mid!leaf', hop_count: 1, max_hop_count: 2 })));
    expect(res).toEqual([
      {
        cell_name: 'top!mid',
        failure: true,
        value: expect.objectContaining({ class: 'CellMaxHopCountReached', message: 'Cell message has reached maximum hop count: 2' }),
      },
    ]);
    expect(tree.log.filter(([from]) => from === 'mid')).toEqual([]);
  });

  it('a call whose next hop cannot be reached fails naming that hop, and counts it sent', async () => {
    tree = testTree({ top: ['mid'] }, serving());
    tree.stop('mid');
    const r = (await tree.cell('top').invoke(echo, ctxt, { cell_name: 'top!mid', text: 'x' })) as Response;
    expect(r.error).toMatchObject({ code: 'unavailable', cell: 'top!mid' });
    expect(tree.cell('top').stats).toMatchObject({ sent: 1, castFailures: 0 });
  });

  it('a targeted cast the next hop refuses rejects at the origin, logged with its code', async () => {
    const lines: Line[] = [];
    tree = testTree({ top: ['mid'] }, serving(() => ({ logger: lineLogger(lines) })));
    tree.stop('mid');
    await expect(tree.cell('top').invoke(echo, ctxt, { cell_name: 'top!mid', text: 'x', call: false })).rejects.toMatchObject({ code: 'unavailable', cell: 'top!mid' });
    expect(tree.cell('top').stats).toMatchObject({ castFailures: 1, castsRefused: 1, castsAccepted: 0, sent: 1 });
    const line = lines.find(([, m]) => m.startsWith('cast echo to top!mid failed at top'));
    expect(line).toEqual(['warn', 'cast echo to top!mid failed at top: Cell mid is unavailable: stopped', expect.objectContaining({ request_id: 'req-paths', code: 'unavailable' })]);
  });

  it('a targeted cast that reaches its next hop is counted accepted and delivered', async () => {
    tree = testTree({ top: ['mid'] }, serving());
    await tree.cell('top').invoke(echo, ctxt, { cell_name: 'top!mid', text: 'x', call: false });
    expect(tree.cell('top').stats).toMatchObject({ castsAccepted: 1, castsDelivered: 1, castsRefused: 0 });
    expect(tree.cell('mid').stats).toMatchObject({ castsAccepted: 1 });
  });

  it('a cast that fails where it runs is logged there, not answered', async () => {
    const lines: Line[] = [];
    tree = testTree({ top: ['mid'] }, serving(() => ({ logger: lineLogger(lines) })));
    await tree.cell('top').invoke(echo, ctxt, { cell_name: 'top!mid', text: 'x', call: false, fail: 'CellwireError' });
    await until(() => lines.some(([, m]) => m.startsWith('cast echo failed at top!mid')));
    expect(lines).toContainEqual(['warn', 'cast echo failed at top!mid: asked to fail', expect.objectContaining({ method: 'echo' })]);
    expect(tree.log.filter(([from]) => from === 'mid')).toEqual([]);
  });

  it('a broadcast cast that fails here still goes on, and the failure is logged', async () => {
    const lines: Line[] = [];
    tree = testTree({ top: ['mid'] }, (cell) => ({
      logger: lineLogger(lines),
      services: [serve(testService, { ...testHandlers(cell), note: () => { throw new Error(`note broke at ${cell}`); } })],
    }));
    const env = message({ message_type: 'broadcast', method_name: 'note', method_kwargs: { text: 'n' }, direction: 'up', need_response: false, routing_path: 'leaf', target_cell: undefined });
    tree.cell('mid').addNeighbour('child', 'leaf', { cell: 'leaf', close: async () => undefined, send: async () => undefined });
    await tree.cell('mid').receive({ data: JSON.stringify(env), from: 'leaf' });
    await until(() => lines.filter(([, m]) => m.startsWith('cast note failed at')).length === 2);
    expect(lines.filter(([, m]) => m.startsWith('cast note failed at')).map(([, m]) => m).sort()).toEqual(['cast note failed at leaf!mid!top: note broke at top', 'cast note failed at leaf!mid: note broke at mid']);
  });

  it('a broadcast call that cannot go on past the origin still answers with a list', async () => {
    tree = testTree({ top: ['mid'] }, serving());
    const env = message({ message_type: 'broadcast', method_name: 'gather', method_kwargs: { behaviour: 'not an object' } as never, target_cell: undefined });
    const res = answers(await exchange(tree, 'mid', 'top', env)) as unknown as { cell_name: string; failure: boolean }[];
    expect(res.map((r) => [r.cell_name, r.failure])).toEqual([['top!mid', true]]);
  });
});

describe('answers that cannot be routed', () => {
  const response = (over: Partial<Envelope> = {}) =>
    message({ message_type: 'response', method_name: 'parse_responses', method_kwargs: { responses: [] }, direction: 'up', need_response: false, routing_path: 'mid', target_cell: 'mid!top', response_uuid: 'gone', ...over });

  it('a response whose path does not lead here is logged and dropped', async () => {
    const lines: Line[] = [];
    tree = testTree({ top: ['mid'] }, serving(() => ({ logger: lineLogger(lines) })));
    await tree.cell('top').receive({ data: JSON.stringify(response({ target_cell: 'mid!other' })), from: 'mid' });
    expect(lines).toContainEqual(['warn', 'cannot route a response: Inconsistency in cell routing: destination is mid!other but routing_path is mid!top', expect.objectContaining({ method: 'parse_responses' })]);
  });

  it('a response for a cell beyond a neighbour this cell does not have is logged and dropped', async () => {
    const lines: Line[] = [];
    tree = testTree({ top: ['mid'] }, serving(() => ({ logger: lineLogger(lines) })));
    await tree.cell('top').receive({ data: JSON.stringify(response({ target_cell: 'mid!top!up' })), from: 'mid' });
    expect(lines).toContainEqual(['warn', 'cannot route a response to mid!top!up: up is not a neighbour of top', expect.objectContaining({ method: 'parse_responses' })]);
  });

  it('a response a cell cannot send on is logged', async () => {
    const lines: Line[] = [];
    tree = testTree({ top: ['mid'], mid: ['leaf'] }, serving(() => ({ logger: lineLogger(lines) })));
    tree.stop('top');
    await tree.cell('mid').receive({ data: JSON.stringify(response({ routing_path: 'leaf', target_cell: 'leaf!mid!top' })), from: 'leaf' });
    await until(() => lines.some(([, m]) => m.startsWith('could not send a response to top')));
    expect(tree.cell('mid').stats.sent).toBe(1);
  });

  it('a response passed on as a new message goes to every instance of the origin on its last hop only', async () => {
    tree = testTree({ top: ['mid'], mid: ['leaf'], leaf: ['deep'] }, serving());
    const sends: { to: string; fanout: boolean; deadline: number }[] = [];
    for (const name of ['mid', 'leaf']) {
      const r = tree.cell(name);
      const p = [...r.state.parents.values()][0]!;
      r.state.parents.set(p.name, { ...p, link: { ...p.link, send: (d, o) => (sends.push({ to: p.name, fanout: o.fanout, deadline: o.deadline }), p.link.send(d, o)) } });
    }
    const deadline = Date.now() + 1234;
    await tree.cell('leaf').receive({ data: JSON.stringify(response({ routing_path: 'deep', target_cell: 'deep!leaf!mid!top', deadline })), from: 'deep' });
    await until(() => sends.length === 2);
    expect(sends).toEqual([
      { to: 'mid', fanout: false, deadline },
      { to: 'top', fanout: true, deadline },
    ]);
    await tree.cell('leaf').receive({ data: JSON.stringify(response({ routing_path: 'deep', target_cell: 'deep!leaf!mid', uuid: crypto.randomUUID() })), from: 'deep' });
    await until(() => sends.length === 3);
    expect(sends[2]!.deadline - Date.now()).toBeGreaterThan(50_000);
  });

  it('an empty answer to a targeted call is a timeout naming the target', async () => {
    tree = testTree({ top: ['mid'] }, serving());
    tree.forgeReplies('mid', (reply) => {
      const env = JSON.parse(reply) as Envelope;
      env.method_kwargs.responses = [];
      return JSON.stringify(env);
    });
    await expect(tree.cell('top').invoke(echo, ctxt, { cell_name: 'top!mid', text: 'x' })).rejects.toMatchObject({ code: 'timeout', cell: 'top!mid' });
  });

  it('a late response is counted and logged at debug', async () => {
    const lines: Line[] = [];
    tree = testTree({ top: ['mid'] }, serving(() => ({ logger: lineLogger(lines) })));
    await tree.cell('top').receive({ data: JSON.stringify(response({ response_uuid: 'long-gone' })), from: 'mid' });
    expect(tree.cell('top').stats.lateResponses).toBe(1);
    expect(lines.some(([l, m]) => l === 'debug' && m === 'dropped a late response for long-gone from mid')).toBe(true);
  });

  it('a broadcast neighbour whose reply is unusable is named with a failure in the list', async () => {
    tree = testTree({ top: ['mid', 'other'] }, serving());
    tree.forgeReplies('mid', () => '{"not":"an envelope"}');
    const rs = (await tree.cell('top').invoke(gather, ctxt, {})) as Response[];
    const bad = rs.find((r) => r.cellName === 'top!mid');
    expect(bad?.error).toMatchObject({ code: 'invalid_argument', retryable: false });
    expect(rs.map((r) => r.cellName).sort()).toEqual(['top', 'top!mid', 'top!other']);
  });
});

describe('hop hooks', () => {
  it('a send hook sees each envelope leaving, and the trace context it passes on is the one that travels', async () => {
    const seen: SendContext[] = [];
    const traced = Object.assign(((next) => next) as Interceptor, {
      send: (next: (s: SendContext) => Promise<string | undefined>) => (s: SendContext) => {
        seen.push(s);
        return next({ ...s, traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01` });
      },
    });
    tree = testTree({ top: ['mid'] }, serving((cell) => (cell === 'top' ? { interceptors: [traced] } : {})));
    const given = `00-${'1'.repeat(32)}-${'2'.repeat(16)}-01`;
    const r = (await tree.cell('top').invoke(echo, ctxt, { cell_name: 'top!mid', text: 'x' }, { traceparent: given })) as Response;
    expect(r.value).toBe('x@top!mid');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ stage: 'send', cell: 'top', neighbour: 'mid', side: 'child', method: echo, traceparent: given, options: { messageType: 'targeted', expectReply: true } });
    expect(seen[0]!.message.routing_path).toBe('top');
    expect(JSON.parse(tree.log[0]![2]).traceparent).toBe(`00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`);
  });

  it('a send hook that passes the trace context on unchanged sends the envelope as it is', async () => {
    const pass = Object.assign(((next) => next) as Interceptor, { send: (next: (s: SendContext) => Promise<string | undefined>) => (s: SendContext) => next(s) });
    tree = testTree({ top: ['mid'] }, serving((cell) => (cell === 'top' ? { interceptors: [pass] } : {})));
    const traceparent = `00-${'1'.repeat(32)}-${'2'.repeat(16)}-01`;
    await tree.cell('top').invoke(echo, ctxt, { cell_name: 'top!mid', text: 'x' }, { traceparent });
    expect(JSON.parse(tree.log[0]![2]).traceparent).toBe(traceparent);
  });

  it('a send hook that throws fails that send like a link would', async () => {
    const broken = Object.assign(((next) => next) as Interceptor, {
      send: () => () => {
        throw new CellUnavailable('mid', 'hook broke');
      },
    });
    tree = testTree({ top: ['mid'] }, serving((cell) => (cell === 'top' ? { interceptors: [broken] } : {})));
    const r = (await tree.cell('top').invoke(echo, ctxt, { cell_name: 'top!mid', text: 'x' })) as Response;
    expect(r.error).toMatchObject({ code: 'unavailable', message: 'Cell mid is unavailable: hook broke' });
  });

  it('a receive hook sees each message received, and the trace context it passes on is the handler\'s', async () => {
    const seen: ReceiveContext[] = [];
    const handled: (string | undefined)[] = [];
    const hooked = Object.assign(((next) => next) as Interceptor, {
      receive: (next: (r: ReceiveContext) => Promise<void>) => (r: ReceiveContext) => {
        seen.push(r);
        return next({ ...r, traceparent: `00-${'c'.repeat(32)}-${'d'.repeat(16)}-01` });
      },
    });
    tree = testTree({ top: ['mid'], mid: ['leaf'] }, (cell) => ({
      interceptors: cell === 'mid' ? [hooked] : [],
      services: [serve(testService, { ...testHandlers(cell), echo: (ctx: HandlerContext) => (handled.push(ctx.traceparent), `at ${ctx.routingPath}`), gather: (ctx: HandlerContext) => ctx.routingPath })],
    }));
    const deadline = Date.now() + 3000;
    expect(((await tree.cell('top').invoke(echo, ctxt, { cell_name: 'top!mid', text: 'x' }, { deadline })) as Response).value).toBe('at top!mid');
    expect(seen[0]).toMatchObject({ stage: 'receive', cell: 'mid', from: 'top', method: echo, deadline });
    expect(seen[0]!.message.routing_path).toBe('top!mid');
    expect(handled).toEqual([`00-${'c'.repeat(32)}-${'d'.repeat(16)}-01`]);
    // Forwarded, broadcast and response messages go through the hook too.
    expect(((await tree.cell('top').invoke(echo, ctxt, { cell_name: 'top!mid!leaf', text: 'x' })) as Response).value).toBe('at top!mid!leaf');
    expect(((await tree.cell('top').invoke(gather, ctxt, {})) as Response[]).map((r) => r.cellName)).toEqual(['top!mid!leaf', 'top!mid', 'top']);
    const response = message({ message_type: 'response', method_name: 'parse_responses', method_kwargs: { responses: [] }, direction: 'up', need_response: false, routing_path: 'leaf', target_cell: 'leaf!mid', response_uuid: 'gone' });
    await tree.cell('mid').receive({ data: JSON.stringify(response), from: 'leaf' });
    expect(seen.map((s) => s.message.message_type)).toEqual(['targeted', 'targeted', 'broadcast', 'response']);
    expect(seen[3]!.method).toBeUndefined();
    expect(tree.cell('mid').stats.lateResponses).toBe(1);
  });
});

describe('casts passed on', () => {
  it('a broadcast cast from the origin that every hop takes resolves, counted once', async () => {
    tree = testTree({ top: ['mid'], mid: ['leaf'] }, serving());
    await expect(tree.cell('leaf').invoke(note, ctxt, { text: 'n' })).resolves.toBeUndefined();
    expect(tree.cell('leaf').stats).toMatchObject({ castsAccepted: 1, castsDelivered: 1, sent: 1 });
  });

  it('a broadcast cast at the top of the tree is accepted with nowhere to go', async () => {
    tree = testTree({ top: ['mid'] }, serving());
    await expect(tree.cell('top').invoke(note, ctxt, { text: 'n' })).resolves.toBeUndefined();
    expect(tree.cell('top').stats).toMatchObject({ castsAccepted: 1, sent: 0 });
  });

  it('a broadcast cast that every next hop refuses names one error code when they share it, else unavailable', async () => {
    tree = testTree({ top: ['a', 'b'] }, serving());
    const top = tree.cell('top');
    const refuse = (name: string, e: CellwireError) => {
      const n = top.state.children.get(name)!;
      top.state.children.set(name, { ...n, link: { ...n.link, send: async () => { throw e; } } });
    };
    refuse('a', new CellwireError('unauthenticated', 'no a'));
    refuse('b', new CellwireError('unauthenticated', 'no b'));
    const same = await top.broadcast(gather, ctxt, {}, { direction: 'down', needResponse: false, runLocally: false }).catch((e: unknown) => e as CellwireError);
    expect(same).toMatchObject({ code: 'unauthenticated', cell: 'top!a', details: { refused: ['top!a', 'top!b'], accepted: [] } });
    expect((same as Error).message).toBe('broadcast cast gather was refused by top!a, top!b (no a; no b)');
    expect((same as Error).cause).toBeInstanceOf(CellwireError);
    refuse('b', new CellwireError('invalid_argument', 'bad b'));
    const mixed = await top.broadcast(gather, ctxt, {}, { direction: 'down', needResponse: false, runLocally: false }).catch((e: unknown) => e as CellwireError);
    expect(mixed).toMatchObject({ code: 'unavailable' });
    expect(top.stats.castsRefused).toBe(4);
  });

  it('a cast accepted in the middle whose time to live ended is not passed on, and says so', async () => {
    const lines: Line[] = [];
    tree = testTree({ top: ['mid'], mid: ['leaf'] }, serving(() => ({ logger: lineLogger(lines) })));
    const env = message({ message_type: 'broadcast', method_name: 'note', method_kwargs: { text: 'n' }, direction: 'up', need_response: false, routing_path: 'leaf', target_cell: undefined, deadline: Date.now() - 1 });
    await tree.cell('mid').receive({ data: JSON.stringify(env), from: 'leaf' });
    expect(tree.cell('mid').stats).toMatchObject({ castsAccepted: 1, castsLost: 1, sent: 0 });
    expect(lines.find(([, m]) => m.startsWith('cast note not passed on'))).toEqual([
      'warn',
      `cast note not passed on from leaf!mid to top: its time to live ended at ${new Date(env.deadline!).toISOString()}`,
      expect.objectContaining({ code: 'timeout' }),
    ]);
  });

  it('an accepted cast waits no longer than the call timeout for each hand-off', async () => {
    tree = testTree({ top: ['mid'], mid: ['leaf'] }, serving((cell) => (cell === 'mid' ? { callTimeoutMs: 700 } : {})));
    const mid = tree.cell('mid');
    const sent: number[] = [];
    const top = mid.state.parents.get('top')!;
    mid.state.parents.set('top', { ...top, link: { ...top.link, send: (d, o) => (sent.push(o.deadline - Date.now()), top.link.send(d, o)) } });
    const env = message({ message_type: 'broadcast', method_name: 'note', method_kwargs: { text: 'n' }, direction: 'up', need_response: false, routing_path: 'leaf', target_cell: undefined, deadline: Date.now() + 60_000 });
    await mid.receive({ data: JSON.stringify(env), from: 'leaf' });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toBeGreaterThan(600);
    expect(sent[0]).toBeLessThanOrEqual(700);
  });

  it('an outbox that cannot hold a cast loses it, saying why', async () => {
    const lines: Line[] = [];
    const store = { ...memoryCastOutbox(), add: () => { throw new Error('disk full'); } };
    tree = testTree({ top: ['mid'], mid: ['leaf'] }, serving((cell) => ({ logger: lineLogger(lines), ...(cell === 'mid' ? { castOutbox: store } : {}) })));
    tree.stop('top');
    await tree.cell('leaf').invoke(note, ctxt, { text: 'n' });
    await until(() => tree!.cell('mid').stats.castsLost === 1);
    expect(lines).toContainEqual(['error', 'cast note for top is lost: the outbox could not hold it: disk full', expect.objectContaining({ method: 'note' })]);
    expect(tree.cell('mid').heldCasts()).toBe(0);
  });

  it('a targeted cast accepted in the middle and refused next is held when the refusal may pass, and retried', async () => {
    const lines: Line[] = [];
    tree = testTree({ top: ['mid'], mid: ['leaf'] }, serving((cell) => ({ logger: lineLogger(lines), ...(cell === 'mid' ? { castOutbox: memoryCastOutbox(), castRetryMs: 10_000 } : {}) })));
    tree.stop('leaf');
    await tree.cell('top').invoke(echo, ctxt, { cell_name: 'top!mid!leaf', text: 'a', call: false });
    await until(() => tree!.cell('mid').heldCasts() === 1);
    await tree.cell('top').invoke(echo, ctxt, { cell_name: 'top!mid!leaf', text: 'b', call: false });
    await until(() => tree!.cell('mid').heldCasts() === 2);
    const held = lines.filter(([, m]) => m.startsWith('cast echo held at top!mid for leaf'));
    expect(held.map(([l]) => l)).toEqual(['info', 'debug']);
    expect(tree.cell('mid').stats).toMatchObject({ castsHeld: 2, castFailures: 1, sent: 1 });
  });
});
