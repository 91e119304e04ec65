/**
 * An in-process network of cells: a real transport, not a mock. Messages are JSON text,
 * delivered asynchronously (never on the sender's stack), in order per link. It can stop a
 * cell, cut a link or swallow a cell's traffic, to rehearse failures, and it can offer no
 * reply exchange at all, so that answers travel as `response` messages (`replies: false`).
 */
import { CellwireError } from '@cellwire/core';
import type { Inbound, InboundHandler, Link, ListenConfig, Listener, NeighbourConfig, SendOptions, Transport } from '@cellwire/core';

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
  /** The envelope text, exactly as sent. */
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
  readonly stats: MemoryNetworkStats = { delivered: 0, refused: 0, dropped: 0 };

  constructor(options: MemoryNetworkOptions = {}) {
    this.replies = options.replies ?? true;
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

  /** @internal `replies`: whether the receiver may answer on this exchange. */
  deliver(from: string, to: string, data: string, options: SendOptions, replies = this.replies): Promise<string | undefined> {
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
    const sends = targets.map((ep) => this.deliverOne(from, ep, data, options, replies));
    return sends.length === 1 ? (sends[0] as Promise<string | undefined>) : Promise.all(sends).then((r) => r.find((x) => x !== undefined));
  }

  private deliverOne(from: string, ep: Endpoint, data: string, options: SendOptions, replies: boolean): Promise<string | undefined> {
    this.stats.delivered++;
    const offered = options.expectReply && replies;
    if (this.taps.size > 0) {
      const d: MemoryDelivery = { from, to: ep.cell, instance: ep.instance, data, options, replyOffered: offered };
      for (const tap of [...this.taps]) tap(d);
    }
    if (!options.expectReply) {
      // The promise settles when the receiver has handled the message, as a broker ack would.
      return resolved.then(() => ep.onMessage({ data, from })).then(() => undefined);
    }
    return new Promise((resolve, reject) => {
      let done = false;
      const fail = (e: Error) => settle(() => reject(e));
      const settle = (f: () => void) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        ep.owed.delete(fail);
        f();
      };
      const timer = setTimeout(
        () => fail(new CellwireError('timeout', `no answer from ${ep.cell} by the deadline`, { cell: ep.cell })),
        Math.max(0, options.deadline - Date.now()),
      );
      ep.owed.add(fail);
      if (offered) {
        void resolved.then(() => ep.onMessage({ data, from, reply: (text) => settle(() => resolve(text)), reject: fail }));
        return;
      }
      // No reply exchange: the receiver can still refuse the message (a protocol error, as
      // an HTTP 400), else the send is done once it was handled; the answer, if any, comes
      // later as a response message of its own.
      const inbound: Inbound = { data, from, reject: fail };
      void resolved
        .then(() => ep.onMessage(inbound))
        .then(
          () => settle(() => resolve(undefined)),
          (e: unknown) => fail(new CellwireError('internal', `cell ${ep.cell} failed to handle a message: ${(e as Error)?.message ?? String(e)}`, { cell: ep.cell })),
        );
    });
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

// Deliveries run on a later microtask, never on the sender's stack. A resolved promise's
// then() costs less than queueMicrotask, which makes an AsyncResource per call.
const resolved = Promise.resolve();

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
    return {
      cell: neighbour.name,
      send: (data: string, options: SendOptions) => network.deliver(local.cell, to, data, options, replies),
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
