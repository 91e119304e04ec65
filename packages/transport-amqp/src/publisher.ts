/**
 * The sending side of one broker connection, shared by every link that reaches a cell on it:
 * two channels and one map of messages waiting for their confirm or their reply.
 *
 * - Casts go on a confirm channel: a cast resolves only once the broker has it (persisted
 *   first when durable).
 * - Calls go on a plain channel that also consumes direct reply-to (the reply must come back
 *   on the channel that published). The reply is the proof of delivery; a publisher confirm
 *   per call would cost the broker about half again as much CPU per call (measured: see
 *   test/bench-direct-reply.ts) and tell the caller nothing the reply does not.
 *
 * Every send settles exactly once, by the first of: the broker's confirm (casts), the reply
 * (calls), a `basic.return` (no queue: `unavailable`), a nack or the loss of the channel
 * (`unavailable`), or the deadline (`timeout`). The waiter is removed on settle, whatever
 * settled it, so nothing leaks.
 */
import type { Channel, ChannelModel, ConfirmChannel, ConsumeMessage, Message, Options } from 'amqplib';
import { CellwireError, type SendOptions } from '@cellwire/core';
import { Backoff, asError, type ConnectionUser, type ReconnectingConnection } from './connection.js';
import type { ResolvedOptions } from './options.js';
import { FANOUT_EXCHANGE_OPTIONS } from './topology.js';
import { CONTENT_TYPE, DIRECT_REPLY_TO, ERROR_HEADER, decodeErrorReply } from './wire.js';

/** Where one message goes. Links precompute these, one per message type. */
export interface PublishTarget {
  /** The neighbour cell, for errors. */
  readonly cell: string;
  /** `''` (the default exchange: routing key = queue name) or the cell's fanout exchange. */
  readonly exchange: string;
  readonly routingKey: string;
  /** What a `basic.return` means for this target, e.g. `no queue for cell X (cellwire.X.targeted)`. */
  readonly unroutable: string;
}

/** Who a pending message belongs to (a link), so it can count and cancel its own. */
export interface PendingOwner {
  pending: number;
}

interface Pending {
  readonly owner: PendingOwner;
  readonly target: PublishTarget;
  readonly expectReply: boolean;
  /** The channel it went out on: if that channel dies, no confirm or reply can come. */
  readonly channel: Channel;
  readonly resolve: (reply: string | undefined) => void;
  readonly reject: (error: CellwireError) => void;
  timer: NodeJS.Timeout | undefined;
}

/** The two channels of a publisher; they open and die together. */
interface Channels {
  readonly cast: ConfirmChannel;
  readonly call: Channel;
}

interface ReadyWaiter {
  readonly cell: string;
  resolve(channels: Channels): void;
  reject(error: CellwireError): void;
  timer: NodeJS.Timeout;
}

// setTimeout fires at once for delays above 2^31-1 ms; a farther deadline waits this long.
const MAX_TIMER_MS = 2_147_483_647;

export class Publisher implements ConnectionUser {
  private channels: Channels | undefined;
  private openingFor: ChannelModel | undefined;
  private readonly waiters = new Set<ReadyWaiter>();
  private readonly pending = new Map<string, Pending>();
  private seq = 0;
  /** Fanout exchanges declared on the current channel. */
  private declared = new Set<string>();
  private declaring = new Map<string, Promise<void>>();
  private readonly backoff: Backoff;
  private reopenTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private started = false;

  constructor(
    private readonly conn: ReconnectingConnection,
    private readonly options: ResolvedOptions,
  ) {
    this.backoff = new Backoff(options.initialDelayMs, options.maxDelayMs);
  }

  /** Whether anything was sent yet: links connect on their first send, not when created. */
  get idle(): boolean {
    return !this.started;
  }

  /** Messages waiting for a confirm or a reply. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** True when a send would go out at once. */
  get ready(): boolean {
    return this.channels !== undefined;
  }

  /**
   * Publishes one message and settles as described above.
   * `fanoutExchange` is declared first (once per channel) so that publishing to a cell that
   * never listened is a `basic.return`, not a channel error that would kill every send.
   */
  send(
    owner: PendingOwner,
    target: PublishTarget,
    body: Buffer,
    options: SendOptions,
    headers: Record<string, string> | undefined,
    fanoutExchange: string | undefined,
  ): Promise<string | undefined> {
    const channels = this.channels;
    if (channels !== undefined && this.conn.blocked === undefined && (fanoutExchange === undefined || this.declared.has(fanoutExchange))) {
      return this.publish(channels, owner, target, body, options, headers);
    }
    if (!this.started && !this.closed) {
      this.started = true;
      this.conn.attach(this);
    }
    return this.sendWhenReady(owner, target, body, options, headers, fanoutExchange);
  }

  private async sendWhenReady(
    owner: PendingOwner,
    target: PublishTarget,
    body: Buffer,
    options: SendOptions,
    headers: Record<string, string> | undefined,
    fanoutExchange: string | undefined,
  ): Promise<string | undefined> {
    const channels = await this.whenReady(target.cell, options.deadline);
    const blocked = this.conn.blocked;
    if (blocked !== undefined) {
      throw new CellwireError('unavailable', `broker ${this.conn.display} refuses publishes (${blocked}); cell ${target.cell} not reached`, {
        cell: target.cell,
      });
    }
    if (fanoutExchange !== undefined) await this.declareFanout(channels.cast, fanoutExchange, target.cell);
    return this.publish(channels, owner, target, body, options, headers);
  }

  private publish(
    channels: Channels,
    owner: PendingOwner,
    target: PublishTarget,
    body: Buffer,
    options: SendOptions,
    headers: Record<string, string> | undefined,
  ): Promise<string | undefined> {
    return new Promise<string | undefined>((resolve, reject) => {
      const remaining = Number.isFinite(options.deadline) ? Math.ceil(options.deadline - Date.now()) : MAX_TIMER_MS;
      if (remaining <= 0) {
        reject(new CellwireError('timeout', `deadline passed before the message to cell ${target.cell} was sent`, { cell: target.cell }));
        return;
      }
      const id = (++this.seq).toString(36);
      const { expectReply } = options;
      const channel = expectReply ? channels.call : channels.cast;
      const pending: Pending = { owner, target, expectReply, channel, resolve, reject, timer: undefined };
      // mandatory: a message no queue takes comes back (basic.return) instead of vanishing.
      const props: Options.Publish = { mandatory: true, persistent: options.durable, correlationId: id, contentType: CONTENT_TYPE };
      // No per-message TTL (`expiration`) on calls: the envelope carries the deadline and the
      // runner drops late work; the broker need not track a timer per message.
      if (expectReply) props.replyTo = DIRECT_REPLY_TO;
      if (headers !== undefined) props.headers = headers;
      this.pending.set(id, pending);
      owner.pending++;
      pending.timer = setTimeout(() => this.expire(id), Math.min(remaining, MAX_TIMER_MS));
      try {
        if (expectReply) channels.call.publish(target.exchange, target.routingKey, body, props);
        else channels.cast.publish(target.exchange, target.routingKey, body, props, (err: unknown) => this.onConfirm(id, err));
      } catch (err) {
        // amqplib throws at once when the channel closed under us.
        this.settle(id)?.reject(this.lostError(pending, err));
      }
    });
  }

  /** Waits for the channel while a connection attempt is in flight; fails fast while disconnected. */
  private whenReady(cell: string, deadline: number): Promise<Channels> {
    if (this.closed) return Promise.reject(new CellwireError('unavailable', `transport closed; cell ${cell} not reached`, { cell }));
    if (this.channels) return Promise.resolve(this.channels);
    if (this.conn.state === 'waiting' && this.openingFor === undefined) {
      return Promise.reject(this.notConnected(cell));
    }
    this.conn.start();
    return new Promise<Channels>((resolve, reject) => {
      const remaining = Number.isFinite(deadline) ? Math.max(0, deadline - Date.now()) : MAX_TIMER_MS;
      const waiter: ReadyWaiter = {
        cell,
        resolve,
        reject,
        timer: setTimeout(
          () => {
            this.waiters.delete(waiter);
            reject(new CellwireError('unavailable', `not connected to broker ${this.conn.display} before the deadline; cell ${cell} not reached`, { cell }));
          },
          Math.min(remaining, MAX_TIMER_MS),
        ),
      };
      this.waiters.add(waiter);
    });
  }

  private notConnected(cell: string): CellwireError {
    const why = this.conn.lastError ? `: ${this.conn.lastError.message}` : '';
    return new CellwireError('unavailable', `not connected to broker ${this.conn.display}${why}; cell ${cell} not reached (reconnecting)`, {
      cell,
      cause: this.conn.lastError,
    });
  }

  private declareFanout(channel: ConfirmChannel, exchange: string, cell: string): Promise<void> {
    if (this.declared.has(exchange)) return Promise.resolve();
    let p = this.declaring.get(exchange);
    if (p === undefined) {
      const declaring = this.declaring; // replaced when the channels are
      p = channel.assertExchange(exchange, 'fanout', FANOUT_EXCHANGE_OPTIONS).then(
        () => {
          if (this.channels?.cast === channel) this.declared.add(exchange);
          declaring.delete(exchange);
        },
        (err: unknown) => {
          declaring.delete(exchange);
          throw new CellwireError('unavailable', `cannot declare ${exchange} on ${this.conn.display}: ${asError(err).message}`, { cell, cause: err });
        },
      );
      this.declaring.set(exchange, p);
    }
    return p;
  }

  private settle(id: string): Pending | undefined {
    const pending = this.pending.get(id);
    if (pending === undefined) return undefined;
    this.pending.delete(id);
    clearTimeout(pending.timer);
    pending.owner.pending--;
    return pending;
  }

  /** Casts only: the broker's ack settles the cast; a nack or a dead channel rejects it. */
  private onConfirm(id: string, err: unknown): void {
    const pending = this.settle(id);
    if (pending === undefined) return;
    if (!err) {
      pending.resolve(undefined);
      return;
    }
    const nacked = err instanceof Error && err.message === 'message nacked';
    pending.reject(
      nacked
        ? new CellwireError('unavailable', `broker ${this.conn.display} refused (nack) the message to cell ${pending.target.cell}`, { cell: pending.target.cell })
        : this.lostError(pending, err),
    );
  }

  /** `basic.return`: mandatory and nothing bound. RabbitMQ sends it before the confirm. */
  private onReturn(message: Message): void {
    const id: unknown = message.properties.correlationId;
    if (typeof id !== 'string') return;
    const pending = this.settle(id);
    if (pending === undefined) return;
    const { replyText } = message.fields as { replyText?: string };
    pending.reject(
      new CellwireError('unavailable', pending.target.unroutable, {
        cell: pending.target.cell,
        details: { broker: this.conn.display, exchange: pending.target.exchange, routingKey: pending.target.routingKey, reason: replyText ?? 'NO_ROUTE' },
      }),
    );
  }

  private onReply(message: ConsumeMessage | null): void {
    if (message === null) {
      // The broker cancelled the reply consumer: rebuild the channels (closing rejects the waiters).
      this.channels?.call.close().catch(() => {});
      return;
    }
    const id: unknown = message.properties.correlationId;
    if (typeof id !== 'string') return;
    const pending = this.settle(id);
    if (pending === undefined) return; // late reply: its caller already gave up
    if (message.properties.headers?.[ERROR_HEADER]) pending.reject(decodeErrorReply(message.content, pending.target.cell));
    else pending.resolve(message.content.toString('utf8'));
  }

  private expire(id: string): void {
    const pending = this.settle(id);
    if (pending === undefined) return;
    const { cell } = pending.target;
    pending.reject(
      new CellwireError(
        'timeout',
        pending.expectReply
          ? `no reply from cell ${cell} by the deadline`
          : `broker ${this.conn.display} did not confirm the message to cell ${cell} by the deadline; it may or may not be delivered`,
        { cell },
      ),
    );
  }

  private lostError(pending: Pending, cause: unknown): CellwireError {
    const { cell } = pending.target;
    const what = pending.expectReply
      ? `connection to broker ${this.conn.display} lost while waiting for the reply of cell ${cell}; the call may or may not have run`
      : `connection to broker ${this.conn.display} lost before it confirmed the message to cell ${cell}; it may or may not be delivered`;
    return new CellwireError('unavailable', what, { cell, cause });
  }

  // ConnectionUser

  opened(model: ChannelModel): void {
    void this.openChannels(model);
  }

  lost(): void {
    clearTimeout(this.reopenTimer);
    this.reopenTimer = undefined;
    this.rejectWaiters();
  }

  failed(): void {
    this.rejectWaiters();
  }

  /** Senders waiting for a connection attempt learn at once that it failed. */
  private rejectWaiters(): void {
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(this.notConnected(waiter.cell));
    }
    this.waiters.clear();
  }

  private async openChannels(model: ChannelModel): Promise<void> {
    if (this.closed || this.openingFor === model || this.channels !== undefined) return;
    this.openingFor = model;
    const opened: Channel[] = [];
    const watch = <C extends Channel>(ch: C): C => {
      opened.push(ch);
      ch.on('error', (err: Error) => this.options.log('warn', `publisher channel on ${this.conn.display} closed by the broker`, err));
      ch.on('return', (m: Message) => this.onReturn(m));
      ch.on('close', () => this.channelClosed(ch, model));
      return ch;
    };
    try {
      const cast = watch(await model.createConfirmChannel());
      const call = watch(await model.createChannel());
      const pair: Channels = { cast, call };
      // Direct reply-to: consume before the first publish, on the channel that publishes.
      await call.consume(DIRECT_REPLY_TO, (m) => this.onReply(m), { noAck: true });
      if (this.closed || this.conn.model !== model || opened.some((ch) => isClosed(ch))) {
        for (const ch of opened) await ch.close().catch(() => {});
        return;
      }
      this.channels = pair;
      this.declared = new Set();
      this.declaring = new Map();
      this.backoff.reset();
      for (const waiter of this.waiters) {
        clearTimeout(waiter.timer);
        waiter.resolve(pair);
      }
      this.waiters.clear();
    } catch (err) {
      this.options.log('warn', `cannot open the publisher channels on ${this.conn.display}`, err);
      for (const ch of opened) ch.close().catch(() => {});
      this.rejectWaiters();
      this.scheduleReopen(model);
    } finally {
      if (this.openingFor === model) this.openingFor = undefined;
    }
  }

  private channelClosed(channel: Channel, model: ChannelModel): void {
    closedChannels.add(channel);
    const pair = this.channels;
    if (pair !== undefined && (pair.cast === channel || pair.call === channel)) {
      this.channels = undefined;
      this.declared = new Set();
      this.declaring = new Map();
      // The pair lives and dies together: close the other one too.
      const other = channel === pair.cast ? pair.call : pair.cast;
      other.close().catch(() => {});
    }
    // No confirm or reply can come on a dead channel (direct reply-to dies with it).
    for (const [id, pending] of this.pending) {
      if (pending.channel !== channel) continue;
      this.settle(id);
      pending.reject(this.lostError(pending, undefined));
    }
    if (!this.closed) this.scheduleReopen(model);
  }

  /** Reopens after a channel-only failure; a lost connection reopens through `opened` instead. */
  private scheduleReopen(model: ChannelModel): void {
    if (this.reopenTimer !== undefined || this.closed) return;
    this.reopenTimer = setTimeout(() => {
      this.reopenTimer = undefined;
      if (this.conn.model === model && this.conn.state === 'open') void this.openChannels(model);
    }, this.backoff.delay());
  }

  /** Rejects the pending messages of one owner (a closing link). */
  cancel(owner: PendingOwner, reason: string): void {
    for (const [id, pending] of this.pending) {
      if (pending.owner !== owner) continue;
      this.settle(id);
      pending.reject(new CellwireError('unavailable', reason, { cell: pending.target.cell }));
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.reopenTimer);
    this.conn.detach(this);
    for (const id of [...this.pending.keys()]) {
      const pending = this.settle(id);
      pending?.reject(new CellwireError('unavailable', `transport closed before cell ${pending.target.cell} answered`, { cell: pending.target.cell }));
    }
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(new CellwireError('unavailable', 'transport closed'));
    }
    this.waiters.clear();
    const channels = this.channels;
    this.channels = undefined;
    if (channels) await Promise.all([channels.cast.close().catch(() => {}), channels.call.close().catch(() => {})]);
  }
}

/** Channels that emitted 'close' (amqplib has no public flag for it). */
const closedChannels = new WeakSet<Channel>();
function isClosed(channel: Channel): boolean {
  return closedChannels.has(channel);
}
