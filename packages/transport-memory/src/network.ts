/**
 * An in-process network of cells: a real transport, not a mock. Messages are JSON text,
 * delivered asynchronously (never on the sender's stack), in order per link. It can stop a
 * cell, cut a link or swallow a cell's traffic, to rehearse failures.
 */
import { CellwireError } from '@cellwire/core';
import type { InboundHandler, Link, ListenConfig, Listener, NeighbourConfig, SendOptions, Transport } from '@cellwire/core';

interface Endpoint {
  readonly cell: string;
  readonly onMessage: InboundHandler;
  /** Replies this instance still owes: failed at once when it stops. */
  readonly owed: Set<(e: Error) => void>;
}

/** Counters of one network, for tests and the demo. */
export interface MemoryNetworkStats {
  delivered: number;
  refused: number;
  dropped: number;
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
 */
export class MemoryNetwork {
  private readonly endpoints = new Map<string, Endpoint[]>();
  private readonly roundRobin = new Map<string, number>();
  private readonly stopped = new Set<string>();
  private readonly blackholed = new Set<string>();
  private readonly cutLinks = new Set<string>();
  readonly stats: MemoryNetworkStats = { delivered: 0, refused: 0, dropped: 0 };

  /** A Transport on this network (`memory://` URLs). */
  transport(): Transport {
    return new MemoryTransport(this);
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
  register(ep: Endpoint): () => void {
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

  /** @internal */
  deliver(from: string, to: string, data: string, options: SendOptions): Promise<string | undefined> {
    const all = this.endpoints.get(to);
    if (this.cutLinks.has(linkKey(from, to))) return this.refuse(to, `the link ${from} - ${to} is cut`);
    if (this.stopped.has(to)) return this.refuse(to, `cell ${to} is stopped`);
    if (!all || all.length === 0) return this.refuse(to, `no cell ${to} listens on this network`);
    if (this.blackholed.has(to)) {
      this.stats.dropped++;
      // The message vanishes; only the deadline ends the wait, as with a hung peer.
      if (!options.expectReply) return Promise.resolve(undefined);
      return new Promise((_, reject) => {
        const t = setTimeout(() => reject(new CellwireError('timeout', `no answer from ${to}`, { cell: to })), Math.max(0, options.deadline - Date.now()));
        t.unref?.();
      });
    }
    const targets = options.fanout ? all : [this.pick(to, all)];
    const sends = targets.map((ep) => this.deliverOne(from, ep, data, options));
    return sends.length === 1 ? (sends[0] as Promise<string | undefined>) : Promise.all(sends).then((r) => r.find((x) => x !== undefined));
  }

  private deliverOne(from: string, ep: Endpoint, data: string, options: SendOptions): Promise<string | undefined> {
    this.stats.delivered++;
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
      void resolved.then(() => ep.onMessage({ data, from, reply: (text) => settle(() => resolve(text)), reject: fail }));
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

  constructor(private readonly network: MemoryNetwork) {}

  connect(neighbour: NeighbourConfig, local: { readonly cell: string }): Link {
    const cells = neighbour.urls.map(memoryCellOf);
    const to = cells[0] ?? neighbour.name;
    const network = this.network;
    return {
      cell: neighbour.name,
      send: (data: string, options: SendOptions) => network.deliver(local.cell, to, data, options),
      close: async () => undefined,
    };
  }

  async listen(config: ListenConfig, onMessage: InboundHandler): Promise<Listener> {
    const cell = memoryCellOf(config.url);
    const unregister = this.network.register({ cell, onMessage, owed: new Set() });
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
