/**
 * An in-process network of cells: a real transport, not a mock. The runner hands its links
 * envelopes as values (`Link.sendValue`): each receiver gets its own copy, as JSON both ways
 * would give it (`copyEnvelope`), so no cell ever shares another's objects; text sent with
 * `send` travels as text. Messages are delivered asynchronously (never on the sender's
 * stack), in order per link. It can stop a
 * cell, cut a link or swallow a cell's traffic, to rehearse failures, and it can offer no
 * reply exchange at all, so that answers travel as `response` messages (`replies: false`).
 * Links may be given a one-way delay (`delayMs`, `delay()`) to model cells far apart; every
 * link measures its round-trip time as the other transports do (`link.latency()`).
 */
import { CellwireError, copyEnvelope, RttEstimator } from '@cellwire/core';
import type { Envelope, Inbound, InboundHandler, Link, ListenConfig, Listener, NeighbourConfig, SendOptions, Transport } from '@cellwire/core';

/** A message or an answer on its way: envelope text, or a copy of the envelope. */
type Payload = string | Envelope;

interface Endpoint {
  readonly cell: string;
  /** Which service instance of the cell this is (see MemoryDelivery.instance). */
  readonly instance: string;
  readonly onMessage: InboundHandler;
  /** Replies (and, without replies, handlings) this instance still owes: failed at once when it stops. */
  readonly owed: Set<(e: Error) => void>;
}

/** Counters of one network, for tests and the demo. */
export interface MemoryNetworkStats {
  delivered: number;
  refused: number;
  dropped: number;
}

/**
 * Options of a MemoryNetwork, and of one of its transports (`network.transport(options)`,
 * where they win over the network's).
 */
export interface MemoryNetworkOptions {
  /**
   * Offer the receiver a reply on the same exchange (default `true`), as HTTP (the response
   * body) and AMQP (direct reply-to) do: a hop then answers the neighbour that waits on the
   * exchange, one round trip per hop.
   *
   * With `false` no reply is ever offered, as on a transport that only carries one-way
   * messages (the reference's primary path): a call's `send` resolves with `undefined`
   * once the receiver has handled the message (or rejects when the receiver refuses it,
   * when the cell is stopped, or at the deadline), and every answer travels back as a
   * separate `response` message along the reversed routing path, hop by hop; the last hop
   * of a response is fanned out to every service instance of the origin cell. A
   * blackholed cell then accepts a call and loses it, like a hung peer behind a broker.
   *
   * For a transport, it decides for the messages sent through that transport's links (the
   * sender is the one that would wait on the exchange).
   */
  readonly replies?: boolean;
  /**
   * One-way delay of every message and every answer between two cells, in ms (default 0):
   * a number for all links, or a function of the sending and receiving cell (called once
   * per direction per message, so it should be cheap). `network.delay(a, b, ms)` overrides
   * it for one link. A network option only (a transport's is ignored).
   *
   * A delayed message is reported to `tap` when it is sent; an answer that would land after
   * the sender's deadline is lost, as on a real network. Messages on one link keep their
   * order as long as its delay does not change while they travel.
   */
  readonly delayMs?: number | ((from: string, to: string) => number);
}

/** One message handed to one service instance of a cell; what `network.tap` reports. */
export interface MemoryDelivery {
  /** The sending cell. */
  readonly from: string;
  /** The receiving cell. */
  readonly to: string;
  /**
   * The service instance of `to` that got it: the listener's `options.instance` when it is
   * a string, else `<cell>#<n>` (the n-th listener of that cell on this network, from 1).
   * A fanout message is one delivery per instance.
   */
  readonly instance: string;
  /** The envelope text, exactly as sent (for an envelope sent as a value, its JSON text). */
  readonly data: string;
  /** How it was sent (message type, fanout, whether the sender waits for a reply, deadline). */
  readonly options: SendOptions;
  /** Whether the receiver was offered a reply on this exchange. */
  readonly replyOffered: boolean;
}

/** `memory://cell-name` -> `cell-name`. */
export function memoryCellOf(url: string): string {
  const u = new URL(url);
  if (u.protocol !== 'memory:') throw new CellwireError('invalid_argument', `not a memory:// URL: ${url}`);
  return decodeURIComponent(u.host || u.pathname.replace(/^\/+/, ''));
}

/**
 * @example
 * const net = new MemoryNetwork();
 * const transport = net.transport();
 * await transport.listen({ cell: 'child', url: 'memory://child' }, childRunner.receive);
 * const link = transport.connect({ name: 'child', urls: ['memory://child'] }, { cell: 'api' });
 *
 * @example
 * // Answers as response messages, hop by hop, and every delivery observed:
 * const net = new MemoryNetwork({ replies: false });
 * const seen: MemoryDelivery[] = [];
 * const untap = net.tap((d) => seen.push(d));
 */
export class MemoryNetwork {
  /** Whether this network's transports offer a reply on the exchange (unless a transport says otherwise). */
  readonly replies: boolean;
  private readonly endpoints = new Map<string, Endpoint[]>();
  private readonly listenCounts = new Map<string, number>();
  private readonly roundRobin = new Map<string, number>();
  private readonly stopped = new Set<string>();
  private readonly blackholed = new Set<string>();
  private readonly cutLinks = new Set<string>();
  private readonly taps = new Set<(d: MemoryDelivery) => void>();
  /** One-way delays set with `delay()`, by `from\0to`. */
  private readonly delays = new Map<string, number>();
  private readonly defaultDelay: number | ((from: string, to: string) => number);
  readonly stats: MemoryNetworkStats = { delivered: 0, refused: 0, dropped: 0 };

  constructor(options: MemoryNetworkOptions = {}) {
    this.replies = options.replies ?? true;
    const d = options.delayMs ?? 0;
    if (typeof d === 'number') checkDelay(d);
    this.defaultDelay = d;
  }

  /** A Transport on this network (`memory://` URLs); `options` win over the network's. */
  transport(options: MemoryNetworkOptions = {}): Transport {
    return new MemoryTransport(this, options.replies ?? this.replies);
  }

  /**
   * Calls `listener` with every message handed to a service instance, as it is handed over
   * (a message a stopped, cut or blackholed cell never got is not reported). Returns the
   * function that stops it. For tests: what travelled where, hop by hop.
   */
  tap(listener: (delivery: MemoryDelivery) => void): () => void {
    this.taps.add(listener);
    return () => void this.taps.delete(listener);
  }

  /** Stops a cell: messages to it fail as `unavailable`, replies it owes fail at once. */
  stop(cell: string): void {
    this.stopped.add(cell);
    for (const ep of this.endpoints.get(cell) ?? []) this.failOwed(ep, cell);
  }

  /** Starts a stopped cell again. */
  start(cell: string): void {
    this.stopped.delete(cell);
  }

  /** A cell that takes every message and never answers (a hung cell). */
  blackhole(cell: string, on = true): void {
    if (on) this.blackholed.add(cell);
    else this.blackholed.delete(cell);
  }

  /** Cuts the link between two cells, both ways. */
  cut(a: string, b: string): void {
    this.cutLinks.add(linkKey(a, b));
  }

  heal(a: string, b: string): void {
    this.cutLinks.delete(linkKey(a, b));
  }

  /**
   * Gives the link between two cells a one-way delay of `ms` both ways (`oneWay`: from `a`
   * to `b` only), over the network's `delayMs`; `undefined` takes it away again.
   *
   * @example
   * net.delay('api-cell', 'child-cell3', 150); // a round trip of 300 ms
   */
  delay(a: string, b: string, ms: number | undefined, options: { readonly oneWay?: boolean } = {}): void {
    const keys = options.oneWay ? [`${a}\u0000${b}`] : [`${a}\u0000${b}`, `${b}\u0000${a}`];
    if (ms !== undefined) checkDelay(ms);
    for (const k of keys) {
      if (ms === undefined) this.delays.delete(k);
      else this.delays.set(k, ms);
    }
  }

  /** The one-way delay of a message from `from` to `to` now, in ms. */
  delayOf(from: string, to: string): number {
    if (this.delays.size > 0) {
      const d = this.delays.get(`${from}\u0000${to}`);
      if (d !== undefined) return d;
    }
    const d = this.defaultDelay;
    if (typeof d === 'number') return d;
    const ms = d(from, to);
    return ms > 0 && ms !== Infinity ? ms : 0;
  }

  /** @internal */
  register(cell: string, onMessage: InboundHandler, instance?: string): () => void {
    const n = (this.listenCounts.get(cell) ?? 0) + 1;
    this.listenCounts.set(cell, n);
    const ep: Endpoint = { cell, instance: instance ?? `${cell}#${n}`, onMessage, owed: new Set() };
    const list = this.endpoints.get(ep.cell) ?? [];
    list.push(ep);
    this.endpoints.set(ep.cell, list);
    return () => {
      const rest = (this.endpoints.get(ep.cell) ?? []).filter((e) => e !== ep);
      if (rest.length > 0) this.endpoints.set(ep.cell, rest);
      else this.endpoints.delete(ep.cell);
      this.failOwed(ep, ep.cell);
    };
  }

  /**
   * @internal `replies`: whether the receiver may answer on this exchange; `rtt`: the
   * sending link's estimator, given one sample per answered exchange.
   */
  deliver(from: string, to: string, data: Payload, options: SendOptions, replies = this.replies, rtt?: RttEstimator): Promise<Payload | undefined> {
    const all = this.endpoints.get(to);
    if (this.cutLinks.has(linkKey(from, to))) return this.refuse(to, `the link ${from} - ${to} is cut`);
    if (this.stopped.has(to)) return this.refuse(to, `cell ${to} is stopped`);
    if (!all || all.length === 0) return this.refuse(to, `no cell ${to} listens on this network`);
    if (this.blackholed.has(to)) {
      this.stats.dropped++;
      // The message vanishes; only the deadline ends the wait, as with a hung peer. Without
      // a reply exchange there is nothing to wait on: it was accepted, then lost.
      if (!options.expectReply || !replies) return Promise.resolve(undefined);
      return new Promise((_, reject) => {
        const t = setTimeout(() => reject(new CellwireError('timeout', `no answer from ${to}`, { cell: to })), Math.max(0, options.deadline - Date.now()));
        t.unref?.();
      });
    }
    const targets = options.fanout ? all : [this.pick(to, all)];
    const out = this.delayOf(from, to);
    const back = this.delayOf(to, from);
    if (targets.length === 1) return this.deliverOne(from, targets[0] as Endpoint, data, options, replies, rtt, out, back);
    // A fanout: every instance gets a copy of its own (the first, the copy the link made).
    const sends = targets.map((ep, i) => this.deliverOne(from, ep, typeof data === 'string' || i === 0 ? data : copyEnvelope(data), options, replies, rtt, out, back));
    return Promise.all(sends).then((r) => r.find((x) => x !== undefined));
  }

  /**
   * One message to one instance: `out` ms on the way there, `back` ms for the answer. Each
   * answered exchange gives `rtt` one sample: its time less the time the receiver held the
   * message (its handler, and a broadcast's whole subtree), as the other transports measure.
   */
  private deliverOne(
    from: string,
    ep: Endpoint,
    payload: Payload,
    options: SendOptions,
    replies: boolean,
    rtt: RttEstimator | undefined,
    out: number,
    back: number,
  ): Promise<Payload | undefined> {
    this.stats.delivered++;
    const offered = options.expectReply && replies;
    const value = typeof payload === 'string' ? undefined : payload;
    // Taps get the text now; a receiver of a value only when it reads `data` (a log line).
    const tapped = this.taps.size > 0 ? (typeof payload === 'string' ? payload : JSON.stringify(payload)) : undefined;
    if (tapped !== undefined) {
      const d: MemoryDelivery = { from, to: ep.cell, instance: ep.instance, data: tapped, options, replyOffered: offered };
      for (const tap of [...this.taps]) tap(d);
    }
    const inboundOf = (extra: Pick<Inbound, 'reply' | 'replyValue' | 'reject'>): Inbound =>
      value === undefined ? { data: payload as string, from, ...extra } : new ValueInbound(value, from, extra, tapped);
    const sent = performance.now();
    if (!options.expectReply) {
      // The promise settles when the receiver has handled the message, as a broker ack would.
      let arrived = 0;
      return after(out, () => {
        const gone = this.goneMeanwhile(from, ep.cell, out);
        if (gone) throw gone;
        arrived = performance.now();
        return ep.onMessage(inboundOf({}));
      }).then((): Promise<undefined> | undefined => {
        const held = performance.now() - arrived;
        const land = (): undefined => void rtt?.exchange(performance.now() - sent, held);
        return back > 0 ? after(back, land) : land();
      });
    }
    return new Promise<Payload | undefined>((resolve, reject) => {
      let done = false;
      let arrived = 0;
      const fail = (e: Error) => settle(() => reject(e));
      const settle = (f: () => void) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        ep.owed.delete(fail);
        f();
      };
      // The receiver answers: the answer lands `back` ms later, unless the deadline came first.
      const answer = (f: () => void) => {
        if (done) return;
        const held = performance.now() - arrived;
        const land = () => {
          if (done) return;
          rtt?.exchange(performance.now() - sent, held);
          settle(f);
        };
        if (back > 0) {
          ep.owed.delete(fail);
          setTimeout(land, back);
        } else land();
      };
      const timer = setTimeout(
        () => fail(new CellwireError('timeout', `no answer from ${ep.cell} by the deadline`, { cell: ep.cell })),
        Math.max(0, options.deadline - Date.now()),
      );
      ep.owed.add(fail);
      if (offered) {
        void after(out, () => {
          const gone = this.goneMeanwhile(from, ep.cell, out);
          if (gone) return fail(gone);
          arrived = performance.now();
          return ep.onMessage(
            inboundOf({
              reply: (text) => answer(() => resolve(text)),
              // A value for a value (text for text): copied now, since the answering cell
              // may change its envelope once this returns.
              replyValue: value === undefined ? undefined : (env) => {
                const copy = copied(env, ep.cell, `cell ${ep.cell} answered with an unusable reply`);
                answer(() => (copy instanceof CellwireError ? reject(copy) : resolve(copy)));
              },
              reject: (e) => answer(() => reject(e)),
            }),
          );
        });
        return;
      }
      // No reply exchange: the receiver can still refuse the message (a protocol error, as
      // an HTTP 400), else the send is done once it was handled; the answer, if any, comes
      // later as a response message of its own.
      const inbound = inboundOf({ reject: (e) => answer(() => reject(e)) });
      void after(out, () => {
        const gone = this.goneMeanwhile(from, ep.cell, out);
        if (gone) return fail(gone);
        arrived = performance.now();
        return ep.onMessage(inbound);
      }).then(
        () => answer(() => resolve(undefined)),
        (e: unknown) => fail(new CellwireError('internal', `cell ${ep.cell} failed to handle a message: ${(e as Error)?.message ?? String(e)}`, { cell: ep.cell })),
      );
    });
  }

  /**
   * A delayed message that finds, when it arrives, its cell stopped or its link cut: refused
   * as it would have been when sent. Undefined when it may be handed over.
   */
  private goneMeanwhile(from: string, to: string, delayed: number): CellwireError | undefined {
    if (delayed <= 0) return undefined;
    const why = this.stopped.has(to) ? `cell ${to} is stopped` : this.cutLinks.has(linkKey(from, to)) ? `the link ${from} - ${to} is cut` : undefined;
    if (why === undefined) return undefined;
    this.stats.refused++;
    return new CellwireError('unavailable', `Cell ${to} is unavailable: ${why}`, { cell: to });
  }

  private pick(cell: string, all: Endpoint[]): Endpoint {
    const i = (this.roundRobin.get(cell) ?? 0) % all.length;
    this.roundRobin.set(cell, i + 1);
    return all[i] as Endpoint;
  }

  private refuse(cell: string, why: string): Promise<never> {
    this.stats.refused++;
    return Promise.reject(new CellwireError('unavailable', `Cell ${cell} is unavailable: ${why}`, { cell }));
  }

  private failOwed(ep: Endpoint, cell: string): void {
    for (const fail of [...ep.owed]) fail(new CellwireError('unavailable', `cell ${cell} stopped before it answered`, { cell }));
  }
}

/**
 * A message handed over as a value (a runner's own send): the network delivers it once and
 * never again, so the receiver need not remember its uuid (`unique`). A class, not an object
 * literal with a getter: such a literal makes a hidden class per message, which keeps the
 * message alive until a full GC.
 */
class ValueInbound implements Inbound {
  readonly unique = true;
  readonly reply: Inbound['reply'];
  readonly replyValue: Inbound['replyValue'];
  readonly reject: Inbound['reject'];

  constructor(
    readonly value: Envelope,
    readonly from: string,
    extra: Pick<Inbound, 'reply' | 'replyValue' | 'reject'>,
    private text: string | undefined,
  ) {
    this.reply = extra.reply;
    this.replyValue = extra.replyValue;
    this.reject = extra.reject;
  }

  /** The envelope's text, made on first read. */
  get data(): string {
    return (this.text ??= JSON.stringify(this.value));
  }
}

// Deliveries run on a later microtask, never on the sender's stack. A resolved promise's
// then() costs less than queueMicrotask, which makes an AsyncResource per call.
const resolved = Promise.resolve();

/** Runs `fn` `ms` from now: on a later microtask when there is no delay, else on a timer. */
function after<T>(ms: number, fn: () => T | Promise<T>): Promise<T> {
  if (ms <= 0) return resolved.then(fn);
  return new Promise<void>((r) => setTimeout(r, ms)).then(fn);
}

/**
 * A copy of `env` to hand over, or the `invalid_argument` it is refused with when it cannot be
 * copied (nested too deep, circular), as `<what>: <why>`, naming `cell`.
 */
function copied(env: Envelope, cell: string, what: string): Envelope | CellwireError {
  try {
    return copyEnvelope(env);
  } catch (e) {
    return new CellwireError('invalid_argument', `${what}: ${(e as Error).message}`, { cell });
  }
}

function checkDelay(ms: number): void {
  if (!(ms >= 0) || ms === Infinity) throw new CellwireError('invalid_argument', `a delay must be a number of ms >= 0, got ${ms}`);
}

function linkKey(a: string, b: string): string {
  return a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
}

class MemoryTransport implements Transport {
  readonly schemes = ['memory'] as const;
  private readonly closers = new Set<() => void>();

  constructor(
    private readonly network: MemoryNetwork,
    private readonly replies: boolean,
  ) {}

  connect(neighbour: NeighbourConfig, local: { readonly cell: string }): Link {
    const cells = neighbour.urls.map(memoryCellOf);
    const to = cells[0] ?? neighbour.name;
    const network = this.network;
    const replies = this.replies;
    const rtt = new RttEstimator();
    return {
      cell: neighbour.name,
      send: (data: string, options: SendOptions) => network.deliver(local.cell, to, data, options, replies, rtt) as Promise<string | undefined>,
      // The envelope itself, copied here: the sender may reuse its objects once this returns.
      sendValue: (env: Envelope, options: SendOptions) => {
        const copy = copied(env, neighbour.name, 'message is not sendable');
        return copy instanceof CellwireError ? Promise.reject(copy) : network.deliver(local.cell, to, copy, options, replies, rtt);
      },
      latency: () => rtt.latency(),
      close: async () => undefined,
    };
  }

  /** `config.options.instance` (a string) names this service instance in `network.tap` deliveries. */
  async listen(config: ListenConfig, onMessage: InboundHandler): Promise<Listener> {
    const cell = memoryCellOf(config.url);
    const instance = config.options?.instance;
    const unregister = this.network.register(cell, onMessage, typeof instance === 'string' ? instance : undefined);
    let open = true;
    const close = () => {
      if (!open) return;
      open = false;
      unregister();
      this.closers.delete(close);
    };
    this.closers.add(close);
    return { urls: [config.url], close: async () => close() };
  }

  async close(): Promise<void> {
    for (const c of [...this.closers]) c();
  }
}
