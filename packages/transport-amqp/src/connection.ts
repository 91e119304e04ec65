/**
 * One AMQP connection to one broker, kept up for as long as anyone uses it.
 *
 * amqplib connections do not come back by themselves, and a dead connection takes its
 * channels, consumers, direct reply-to subscriptions and unconfirmed publishes with it. This
 * class owns the reconnect loop (backoff with jitter) and tells its users when a connection
 * opens, when it is lost, and when an attempt fails; each user (the publisher, each
 * listener) rebuilds its own channels on `opened`.
 */
import type { Writable } from 'node:stream';
import { connect, type ChannelModel } from 'amqplib';
import type { ResolvedOptions } from './options.js';
import { parseBrokerUrl, type BrokerUrl } from './url.js';

/**
 * - `idle`: never started (connections are made lazily);
 * - `connecting`: an attempt is in flight;
 * - `open`: connected;
 * - `waiting`: the last attempt failed or the connection was lost; the next attempt is scheduled;
 * - `closed`: closed by its owner, never reconnects.
 */
export type ConnectionState = 'idle' | 'connecting' | 'open' | 'waiting' | 'closed';

/** Something that lives on a connection and must be rebuilt after each reconnect. */
export interface ConnectionUser {
  /** A connection opened (first time or after a reconnect). */
  opened(model: ChannelModel): void;
  /** The open connection was lost; its channels are already closed. */
  lost(error: Error): void;
  /** A connection attempt failed; the next one is scheduled. */
  failed(error: Error): void;
}

/** Exponential backoff with ±20 % jitter, so that many cells do not reconnect in lockstep. */
export class Backoff {
  private next: number;
  constructor(
    private readonly initialMs: number,
    private readonly maxMs: number,
    private readonly random: () => number = Math.random,
  ) {
    this.next = initialMs;
  }
  /** The delay before the next attempt; doubles the one after. */
  delay(): number {
    const base = this.next;
    this.next = Math.min(this.next * 2, this.maxMs);
    return Math.round(Math.min(this.maxMs, base * (0.8 + 0.4 * this.random())));
  }
  reset(): void {
    this.next = this.initialMs;
  }
}

export class ReconnectingConnection {
  private stateValue: ConnectionState = 'idle';
  private current: ChannelModel | undefined;
  private lastErrorValue: Error | undefined;
  private blockedReason: string | undefined;
  private readonly users = new Set<ConnectionUser>();
  private readonly backoff: Backoff;
  private timer: NodeJS.Timeout | undefined;
  /** Brokers to try, in turn: one URL, or several nodes of one cluster. */
  private readonly brokers: readonly BrokerUrl[];
  private brokerIndex = 0;
  /** Bumped on close so an attempt that finishes afterwards knows it is unwanted. */
  private epoch = 0;

  constructor(
    urls: readonly string[],
    private readonly options: ResolvedOptions,
  ) {
    this.brokers = urls.map((u) => parseBrokerUrl(u, options.heartbeatSeconds));
    this.backoff = new Backoff(options.initialDelayMs, options.maxDelayMs);
  }

  get state(): ConnectionState {
    return this.stateValue;
  }
  /** The open connection, if any. */
  get model(): ChannelModel | undefined {
    return this.current;
  }
  /** Why the last attempt failed or the connection was lost. */
  get lastError(): Error | undefined {
    return this.lastErrorValue;
  }
  /** Set while the broker refuses publishes (resource alarm: memory or disk). */
  get blocked(): string | undefined {
    return this.blockedReason;
  }
  /** The broker for messages and logs (password hidden). */
  get display(): string {
    return (this.brokers[this.brokerIndex] ?? this.brokers[0])?.display ?? '?';
  }
  get userCount(): number {
    return this.users.size;
  }

  /** Adds a user; starts connecting if idle; tells it at once if already open. */
  attach(user: ConnectionUser): void {
    this.users.add(user);
    if (this.stateValue === 'idle') this.attempt();
    else if (this.stateValue === 'open' && this.current) user.opened(this.current);
  }

  detach(user: ConnectionUser): void {
    this.users.delete(user);
  }

  /** Starts connecting if nobody has yet. */
  start(): void {
    if (this.stateValue === 'idle') this.attempt();
  }

  async close(): Promise<void> {
    if (this.stateValue === 'closed') return;
    this.stateValue = 'closed';
    this.epoch++;
    clearTimeout(this.timer);
    const model = this.current;
    this.current = undefined;
    if (model) {
      try {
        await model.close();
      } catch {
        // already closing or closed: nothing left to release
      }
    }
  }

  private attempt(): void {
    if (this.stateValue === 'closed') return;
    this.stateValue = 'connecting';
    const epoch = this.epoch;
    const broker = this.brokers[this.brokerIndex];
    if (!broker) return;
    const socketOptions = { noDelay: true, timeout: this.options.connectTimeoutMs, ...this.options.socketOptions };
    connect(broker.connect, socketOptions).then(
      (model) => {
        if (epoch !== this.epoch || this.stateValue === 'closed') {
          model.close().catch(() => {});
          return;
        }
        this.onOpen(model);
      },
      (error: unknown) => {
        if (epoch !== this.epoch || this.stateValue === 'closed') return;
        const err = explainConnectError(asError(error), broker);
        this.lastErrorValue = err;
        this.options.log('warn', `cannot connect to ${broker.display}`, err);
        this.brokerIndex = (this.brokerIndex + 1) % this.brokers.length;
        this.schedule();
        for (const user of [...this.users]) this.notify(() => user.failed(err));
      },
    );
  }

  private onOpen(model: ChannelModel): void {
    coalesceWrites(model);
    this.current = model;
    this.stateValue = 'open';
    this.blockedReason = undefined;
    this.backoff.reset();
    // Without an 'error' listener an emitted error would crash the process; 'close' follows it.
    model.on('error', (err: Error) => {
      this.lastErrorValue = err;
    });
    model.on('close', (err?: Error) => this.onClose(model, err));
    model.on('blocked', (reason: string) => {
      this.blockedReason = reason || 'resource alarm';
      this.options.log('warn', `broker ${this.display} blocked publishing: ${this.blockedReason}`);
    });
    model.on('unblocked', () => {
      this.blockedReason = undefined;
    });
    this.options.log('info', `connected to ${this.display}`);
    for (const user of [...this.users]) this.notify(() => user.opened(model));
  }

  private onClose(model: ChannelModel, error: Error | undefined): void {
    if (model !== this.current) return;
    this.current = undefined;
    this.blockedReason = undefined;
    if (this.stateValue === 'closed') return;
    const err = error ?? this.lastErrorValue ?? new Error('connection closed');
    this.lastErrorValue = err;
    this.options.log('warn', `lost connection to ${this.display}; reconnecting`, err);
    this.schedule();
    for (const user of [...this.users]) this.notify(() => user.lost(err));
  }

  private schedule(): void {
    this.stateValue = 'waiting';
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.attempt(), this.backoff.delay());
  }

  /** A user that throws must not stop the others from hearing about the connection. */
  private notify(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.options.log('error', 'connection user failed', err);
    }
  }
}

/**
 * amqplib writes every frame group (a publish, an ack) to the socket on its own: one
 * synchronous write syscall each, the largest single cost of a call here (~30 % of a
 * process's CPU, measured with --cpu-prof). Corking the socket on the first write of a
 * synchronous run and uncorking on the next tick sends what that run wrote (a burst of
 * publishes and acks) in one writev. Ordering and backpressure are the socket's own.
 */
function coalesceWrites(model: ChannelModel): void {
  const socket = (model as unknown as { connection?: { stream?: Writable } }).connection?.stream;
  if (!socket || typeof socket.cork !== 'function' || typeof socket.uncork !== 'function') return;
  const write = socket.write;
  let corked = false;
  const flush = () => {
    corked = false;
    socket.uncork();
  };
  socket.write = function (this: Writable, ...args: unknown[]) {
    if (!corked) {
      corked = true;
      socket.cork();
      process.nextTick(flush);
    }
    return (write as (...a: unknown[]) => boolean).apply(this, args);
  } as Writable['write'];
}

export function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

/** A connect error that retrying will not fix until someone changes the broker (user, password, vhost). */
export class BrokerRefusedError extends Error {
  override name = 'BrokerRefusedError';
}

/** amqplib's words for a refused login or a missing vhost are cryptic: say what happened. */
export function explainConnectError(err: Error, broker: BrokerUrl): Error {
  if (/ACCESS.REFUSED/.test(err.message)) {
    return new BrokerRefusedError(`broker ${broker.display} refused the login (user or password)`, { cause: err });
  }
  // RabbitMQ answers connection.open for an unknown or forbidden vhost with connection.close.
  if (/Expected ConnectionOpenOk; got <ConnectionClose/.test(err.message) || /NOT.ALLOWED/.test(err.message)) {
    return new BrokerRefusedError(`vhost ${JSON.stringify(broker.vhost)} does not exist on ${broker.display} or the user may not use it`, { cause: err });
  }
  return err;
}
