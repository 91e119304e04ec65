/**
 * Deadlines that know the distance (src/latency.ts): the RFC 6298 estimator every link
 * keeps, what a sender puts in `reply_ms`, when a hop told it stops waiting, and the runner
 * passing each neighbour its own value (directly and through send hooks).
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  decodeEnvelope,
  encodeEnvelope,
  hopWaitUntil,
  HOP_ALLOWANCE_MS,
  makeContext,
  MAX_ONE_WAY_MS,
  oneWayMs,
  REPLY_GUARD_MS,
  replyMsFor,
  replyWaitUntil,
  RttEstimator,
  heldMsOf,
  serve,
  type Envelope,
  type Interceptor,
  type Link,
  type LinkLatency,
  type SendContext, type SendNext,
  type SendOptions,
} from '../src/index.js';
import { takeReplyMs, withReplyMs } from '../src/latency.js';
import { testHandlers } from './helpers/handlers.js';
import { testTree, type TestTree } from './helpers/tree.js';
import { testService } from './service/gen/index.js';

const { echo, gather } = testService.methods;
const ctxt = makeContext({ request_id: 'req-latency' });
const MARGIN = REPLY_GUARD_MS + HOP_ALLOWANCE_MS;

describe('RttEstimator (RFC 6298)', () => {
  it('takes the first sample as it is, with half of it as the variance', () => {
    const r = new RttEstimator();
    expect(r.latency()).toBeUndefined();
    r.sample(100);
    expect(r.latency()).toEqual({ srttMs: 100, rttvarMs: 50, samples: 1 });
  });

  it('smooths later samples: variance first, with gain 1/4, then the RTT with gain 1/8', () => {
    const r = new RttEstimator();
    r.sample(100);
    r.sample(180);
    // rttvar = 3/4 * 50 + 1/4 * |100 - 180| = 57.5; srtt = 7/8 * 100 + 1/8 * 180 = 110
    expect(r.rttvarMs).toBeCloseTo(57.5, 10);
    expect(r.srttMs).toBeCloseTo(110, 10);
    expect(r.samples).toBe(2);
  });

  it('settles on a steady link: the variance shrinks by a quarter per sample', () => {
    const r = new RttEstimator();
    for (let i = 0; i < 20; i++) r.sample(300);
    expect(r.srttMs).toBe(300);
    expect(r.rttvarMs).toBeCloseTo(150 * 0.75 ** 19, 6);
  });

  it('ignores what is not a time', () => {
    const r = new RttEstimator();
    for (const x of [NaN, -1, Infinity, -Infinity]) r.sample(x);
    expect(r.latency()).toBeUndefined();
    r.sample(0);
    expect(r.latency()).toMatchObject({ srttMs: 0, samples: 1 });
  });

  it('an exchange counts its time less what the neighbour held; no report, nothing learnt', () => {
    const r = new RttEstimator();
    r.exchange(500, undefined);
    expect(r.latency()).toBeUndefined();
    r.exchange(500, 380);
    expect(r.srttMs).toBe(120);
    // A report longer than the exchange itself (a forged or confused header) counts as none held.
    const s = new RttEstimator();
    s.exchange(40, 1000);
    expect(s.srttMs).toBe(40);
    s.exchange(NaN, 1);
    s.exchange(10, -1);
    expect(s.samples).toBe(1);
  });

  it('reads a held time from a header, text or number', () => {
    expect(heldMsOf('12.5')).toBe(12.5);
    expect(heldMsOf(3)).toBe(3);
    expect(heldMsOf('0')).toBe(0);
    for (const bad of [undefined, '', ' ', '-1', 'abc', 'Infinity', ['1'], null, {}]) expect(heldMsOf(bad), String(bad)).toBeUndefined();
  });
});

describe('what a hop reserves', () => {
  const at = (srttMs: number, rttvarMs: number): LinkLatency => ({ srttMs, rttvarMs, samples: 8 });
  const link = (l: LinkLatency | undefined): Link => ({ cell: 'x', send: async () => undefined, close: async () => undefined, latency: () => l });

  it('one way: half the smoothed round trip plus twice its variance, capped', () => {
    expect(oneWayMs(at(300, 10))).toBe(170);
    expect(oneWayMs(at(0, 0))).toBe(0);
    expect(oneWayMs(at(10 * MAX_ONE_WAY_MS, 0))).toBe(MAX_ONE_WAY_MS);
  });

  it('reply_ms: what the sender keeps back for itself plus the link; nothing without an estimate or a deadline', () => {
    const l = link(at(300, 10));
    // The origin waits until the deadline: only the link.
    expect(replyMsFor(l, 10_000, 10_000)).toBe(170);
    // A middle cell that stops waiting 185 ms early passes that on, plus its link.
    expect(replyMsFor(l, 10_000, 9_815)).toBe(355);
    expect(replyMsFor(link(at(3, 0.2)), 10_000, 10_000)).toBe(2);
    expect(replyMsFor(link(undefined), 10_000, 10_000)).toBeUndefined();
    expect(replyMsFor({ cell: 'x', send: async () => undefined, close: async () => undefined }, 10_000, 10_000)).toBeUndefined();
    expect(replyMsFor(l, undefined, 10_000)).toBeUndefined();
  });

  it('a hop told reply_ms stops that long and the per-hop margin before the deadline; the origin at the deadline', () => {
    expect(replyWaitUntil(10_000, 1, 250, 170, 0)).toBe(10_000);
    expect(replyWaitUntil(10_000, 2, 250, 170, 0)).toBe(10_000 - 170 - MARGIN);
    expect(replyWaitUntil(10_000, 3, 250, 355, 0)).toBe(10_000 - 355 - MARGIN);
    // Not before now (it answers at once with what it has), never after the deadline.
    expect(replyWaitUntil(10_000, 2, 250, 9_990, 500)).toBe(500);
    expect(replyWaitUntil(10_000, 2, 250, 0, 20_000)).toBe(10_000);
  });

  it('without reply_ms a hop keeps the fixed margin, as before', () => {
    for (const hop of [2, 3, 5]) expect(replyWaitUntil(10_000, hop, 250, undefined, 0)).toBe(hopWaitUntil(10_000, hop, 250, 0));
  });
});

describe('reply_ms on the wire', () => {
  const base = (): Envelope => ({
    message_type: 'broadcast',
    ctxt,
    method_name: 'gather',
    method_kwargs: {},
    direction: 'down',
    need_response: true,
    fanout: false,
    uuid: 'u-1',
    routing_path: 'top',
    hop_count: 1,
    max_hop_count: 10,
    deadline: 1_000,
  });

  it('is added to the encoded text, taken out of a received envelope, and decoded', () => {
    const text = withReplyMs(encodeEnvelope(base()), 165);
    const env = decodeEnvelope(text);
    expect(env.reply_ms).toBe(165);
    expect(takeReplyMs(env)).toBe(165);
    expect(takeReplyMs(env)).toBeUndefined();
    expect(JSON.parse(encodeEnvelope(env))).not.toHaveProperty('reply_ms');
  });

  it('must be a number >= 0', () => {
    expect(() => decodeEnvelope(JSON.stringify({ ...base(), reply_ms: -1 }))).toThrow(/reply_ms/);
    expect(() => decodeEnvelope(JSON.stringify({ ...base(), reply_ms: 'soon' }))).toThrow(/reply_ms/);
  });
});

describe('the runner', () => {
  let tree: TestTree | undefined;
  afterEach(() => {
    tree?.close();
    tree = undefined;
  });

  /** top -> mid -> leaf; top's link to mid and mid's link to leaf report a latency; what mid and leaf were sent is kept. */
  function measuredTree(interceptors: (cell: string) => Interceptor[] = () => []) {
    tree = testTree({ top: ['mid'], mid: ['leaf'] }, (cell) => ({ services: [serve(testService, testHandlers(cell))], interceptors: interceptors(cell) }));
    const sent: { to: string; env: Envelope; options: SendOptions }[] = [];
    const measure = (from: string, to: string, latency: LinkLatency) => {
      const runner = tree!.cell(from);
      const n = runner.state.children.get(to)!;
      const link: Link = {
        ...n.link,
        send: (d, o) => {
          sent.push({ to, env: JSON.parse(d) as Envelope, options: o });
          return n.link.send(d, o);
        },
        latency: () => latency,
      };
      runner.state.children.set(to, { ...n, link });
    };
    measure('top', 'mid', { srttMs: 100, rttvarMs: 0, samples: 4 }); // 50 ms one way
    measure('mid', 'leaf', { srttMs: 40, rttvarMs: 5, samples: 4 }); // 30 ms one way
    return sent;
  }

  it('tells each neighbour of a broadcast how far home is, and stops waiting for it in time', async () => {
    const sent = measuredTree();
    const deadline = Date.now() + 400;
    const list = await tree!.cell('top').invoke(gather, ctxt, {}, { deadline });
    expect((list as unknown[]).length).toBe(3);
    const toMid = sent.find((s) => s.to === 'mid')!;
    const toLeaf = sent.find((s) => s.to === 'leaf')!;
    // The origin waits until the deadline; mid's answer needs 50 ms home.
    expect(toMid.options.deadline).toBe(deadline);
    expect(toMid.env.reply_ms).toBe(50);
    // mid stops waiting 50 ms + the margin before the deadline, and tells leaf that plus its own 30 ms.
    expect(toLeaf.options.deadline).toBe(deadline - 50 - MARGIN);
    expect(toLeaf.env.reply_ms).toBe(50 + MARGIN + 30);
  });

  it('does the same for a targeted call on its way', async () => {
    const sent = measuredTree();
    const deadline = Date.now() + 400;
    const r = await tree!.cell('top').invoke(echo, ctxt, { cell_name: 'top!mid!leaf', text: 'x' }, { deadline });
    expect(r).toMatchObject({ failure: false });
    const toLeaf = sent.find((s) => s.to === 'leaf')!;
    expect(sent.find((s) => s.to === 'mid')!.env.reply_ms).toBe(50);
    expect(toLeaf.options.deadline).toBe(deadline - 50 - MARGIN);
    expect(toLeaf.env.reply_ms).toBe(50 + MARGIN + 30);
  });

  it('puts nothing in casts and answers', async () => {
    const sent = measuredTree();
    const top = tree!.cell('top');
    await top.targeted(echo, ctxt, { cell_name: 'top!mid!leaf', text: 'x' }, { target: 'top!mid!leaf', direction: 'down', needResponse: false });
    await top.broadcast(gather, ctxt, {}, { direction: 'down', needResponse: false });
    await new Promise((r) => setTimeout(r, 20));
    expect(sent.map((s) => [s.to, s.env.message_type, s.env.need_response])).toEqual([
      ['mid', 'targeted', false],
      ['leaf', 'targeted', false],
      ['mid', 'broadcast', false],
      ['leaf', 'broadcast', false],
    ]);
    for (const s of sent) expect(s.env).not.toHaveProperty('reply_ms');
  });

  it('through send hooks: the hook sees the envelope with its reply_ms, and it goes out with it', async () => {
    const seen: (number | undefined)[] = [];
    const hook: Interceptor = Object.assign((next: Parameters<Interceptor>[0]) => next, {
      send: (next: (s: SendContext) => ReturnType<SendNext>) => (s: SendContext) => (seen.push(s.message.reply_ms), next(s)),
    });
    const sent = measuredTree((cell) => (cell === 'top' ? [hook] : []));
    await tree!.cell('top').invoke(gather, ctxt, {}, { deadline: Date.now() + 400 });
    expect(seen).toEqual([50]);
    expect(sent.find((s) => s.to === 'mid')!.env.reply_ms).toBe(50);
  });
});
