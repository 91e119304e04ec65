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
 * (`unavailable`), no consumer on the cell's queue (calls: `unavailable`), or the deadline
 * (`timeout`). The waiter is removed on settle, whatever settled it, so nothing leaks.
 *
 * A call to a cell's queue is only worth publishing if someone consumes that queue: a queue
 * outlives its cell (durable), so a dead cell does not make the publish bounce. The publisher
 * asks the broker (a passive `queue.declare` on a channel of its own: one round trip, no
 * message) and remembers the consumer count for `consumerCheckMs`. A queue with no consumer
 * fails the call at once; calls in flight are re-checked every `consumerCheckMs`, so a cell
 * that dies under them fails them as well instead of leaving them to their deadline.
 */
import type { Channel, ChannelModel, ConfirmChannel, ConsumeMessage, Message, Options } from 'amqplib';
import { CellwireError, heldMsOf, type RttEstimator, type SendOptions } from '@cellwire/core';
import { Backoff, asError, type ConnectionUser, type ReconnectingConnection } from './connection.js';
import type { ResolvedOptions } from './options.js';
import { FANOUT_EXCHANGE_OPTIONS } from './topology.js';
import { CONTENT_TYPE, DIRECT_REPLY_TO, ERROR_HEADER, HELD_HEADER, SIGNATURE_HEADER, decodeErrorReply } from './wire.js';

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
  /** Given one round-trip sample per reply (the exchange's time less the listener's held time). */
  readonly rtt?: RttEstimator;
}

/** Signs what a link sends and checks what comes back: a link with a shared secret has one. */
export interface LinkSigner {
  /** The headers to send (sender, timestamp, signature) and the signature, to check the reply against. */
  sign(target: PublishTarget, correlationId: string, reply: boolean, body: Buffer): { headers: Record<string, string>; signature: string };
  /** Whether `signature` is the neighbour's signature of this reply to the message signed `request`. */
  verifyReply(request: string, body: Buffer, error: boolean, signature: unknown): boolean;
}

/** What a link adds to each send. */
export interface SendSpec {
  readonly signer: LinkSigner | undefined;
  /** Larger replies are refused (`payload_too_large`). */
  readonly maxReplyBytes: number;
  /** The cell's fanout exchange when sending to it (declared first, once per channel). */
  readonly fanoutExchange: string | undefined;
}

/** What the publisher last heard of a queue's consumers. */
interface ConsumerCount {
  readonly count: number;
  readonly at: number;
}

// A queue seen with no consumer fails calls without asking again for this long (then asks
// before publishing): a cell that comes back is reachable again within it.
const NO_CONSUMER_TRUST_MS = 250;

interface Pending {
  readonly owner: PendingOwner;
  readonly target: PublishTarget;
  readonly expectReply: boolean;
  /** The channel it went out on: if that channel dies, no confirm or reply can come. */
  readonly channel: Channel;
  readonly resolve: (reply: string | undefined) => void;
  readonly reject: (error: CellwireError) => void;
  readonly spec: SendSpec;
  /** This message's signature, when signed: its reply must be signed for it. */
  readonly signature: string | undefined;
  /** When it was published (performance.now()), to time its reply. */
  readonly sentAt: number;
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
  /** Consumer counts of cell queues, by queue name (calls only). */
  private readonly consumers = new Map<string, ConsumerCount>();
  private readonly checking = new Map<string, Promise<number | undefined>>();
  /** The channel for passive declares: a check of a missing queue closes it (404), so it is not the call channel. */
  private checkChannel: { readonly model: ChannelModel; readonly channel: Promise<Channel> } | undefined;
  private watchTimer: NodeJS.Timeout | undefined;

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
  send(owner: PendingOwner, target: PublishTarget, body: Buffer, options: SendOptions, spec: SendSpec): Promise<string | undefined> {
    const gate = this.gate(target, options);
    if (gate === 'refuse') return Promise.reject(this.noConsumer(target, false));
    const channels = this.channels;
    const fanoutExchange = spec.fanoutExchange;
    if (
      gate !== 'check' &&
      channels !== undefined &&
      this.conn.blocked === undefined &&
      (fanoutExchange === undefined || this.declared.has(fanoutExchange))
    ) {
      const sent = this.publish(channels, owner, target, body, options, spec);
      if (gate === 'recheck') void this.recheck(target.routingKey);
      return sent;
    }
    if (!this.started && !this.closed) {
      this.started = true;
      this.conn.attach(this);
    }
    return this.sendWhenReady(owner, target, body, options, spec, gate);
  }

  private async sendWhenReady(
    owner: PendingOwner,
    target: PublishTarget,
    body: Buffer,
    options: SendOptions,
    spec: SendSpec,
    gate: Gate,
  ): Promise<string | undefined> {
    let channels = await this.whenReady(target.cell, options.deadline);
    const blocked = this.conn.blocked;
    if (blocked !== undefined) {
      throw new CellwireError('unavailable', `broker ${this.conn.display} refuses publishes (${blocked}); cell ${target.cell} not reached`, {
        cell: target.cell,
      });
    }
    if (spec.fanoutExchange !== undefined) await this.declareFanout(channels.cast, spec.fanoutExchange, target.cell);
    if (gate === 'check' || gate === 'recheck') {
      // Nothing known (or nobody was consuming last time): ask before publishing, so a call
      // to a dead cell leaves nothing behind in its queue.
      const consumers = await this.checkConsumers(target.routingKey);
      if (consumers === 0) throw this.noConsumer(target, false);
      channels = this.channels ?? channels;
    }
    return this.publish(channels, owner, target, body, options, spec);
  }

  /**
   * Whether a call may go to its queue: `open` (consumers seen lately, or not a call to a cell
   * queue), `recheck` (consumers seen, but a while ago: publish and ask again alongside),
   * `check` (nothing known, or nobody consumed: ask first), `refuse` (nobody consumed, just now).
   */
  private gate(target: PublishTarget, options: SendOptions): Gate {
    if (!options.expectReply || target.exchange !== '') return 'open';
    const seen = this.consumers.get(target.routingKey);
    if (seen === undefined) return 'check';
    const age = Date.now() - seen.at;
    if (seen.count > 0) return age < this.options.consumerCheckMs ? 'open' : 'recheck';
    return age < Math.min(NO_CONSUMER_TRUST_MS, this.options.consumerCheckMs) ? 'refuse' : 'check';
  }

  private noConsumer(target: PublishTarget, published: boolean): CellwireError {
    const queue = target.routingKey;
    const tail = published ? '; the call was not answered (it may still run if the cell comes back before its deadline)' : '; the call was not sent';
    return new CellwireError('unavailable', `cell ${target.cell} is not running: no consumer on its queue ${queue} on ${this.conn.display}${tail}`, {
      cell: target.cell,
      details: { broker: this.conn.display, queue, consumers: 0 },
    });
  }

  /** Asks the broker how many consumers `queue` has (one request at a time per queue). Undefined when it cannot tell (no such queue, no connection). */
  private checkConsumers(queue: string): Promise<number | undefined> {
    let p = this.checking.get(queue);
    if (p !== undefined) return p;
    p = (async () => {
      try {
        const channel = await this.checkChannelNow();
        const { consumerCount } = await channel.checkQueue(queue);
        this.consumers.set(queue, { count: consumerCount, at: Date.now() });
        return consumerCount;
      } catch {
        // No such queue (the publish itself comes back as unroutable) or no connection (the
        // publish fails on its own): nothing to conclude about consumers.
        this.consumers.delete(queue);
        return undefined;
      } finally {
        this.checking.delete(queue);
      }
    })();
    this.checking.set(queue, p);
    return p;
  }

  private checkChannelNow(): Promise<Channel> {
    const model = this.conn.model;
    if (model === undefined) return Promise.reject(new Error('not connected'));
    if (this.checkChannel?.model === model) return this.checkChannel.channel;
    const channel = model.createChannel().then((ch) => {
      // A passive declare of a missing queue closes the channel (404): expected, not logged.
      ch.on('error', () => {});
      ch.on('close', () => {
        if (this.checkChannel?.channel === channel) this.checkChannel = undefined;
      });
      return ch;
    });
    channel.catch(() => {
      if (this.checkChannel?.channel === channel) this.checkChannel = undefined;
    });
    this.checkChannel = { model, channel };
    return channel;
  }

  /** Asks again about a queue calls are waiting on; if nobody consumes it any more, those calls fail now. */
  private async recheck(queue: string): Promise<void> {
    const consumers = await this.checkConsumers(queue);
    if (consumers !== 0) return;
    for (const [id, pending] of this.pending) {
      if (!pending.expectReply || pending.target.exchange !== '' || pending.target.routingKey !== queue) continue;
      this.settle(id);
      pending.reject(this.noConsumer(pending.target, true));
    }
  }

  /** While calls wait on cell queues, re-checks those queues every `consumerCheckMs`. */
  private watch(): void {
    if (this.watchTimer !== undefined) return;
    this.watchTimer = setInterval(() => {
      const queues = new Set<string>();
      for (const pending of this.pending.values()) {
        if (pending.expectReply && pending.target.exchange === '') queues.add(pending.target.routingKey);
      }
      if (queues.size === 0) {
        clearInterval(this.watchTimer);
        this.watchTimer = undefined;
        return;
      }
      if (this.channels === undefined) return;
      for (const queue of queues) void this.recheck(queue);
    }, this.options.consumerCheckMs);
    this.watchTimer.unref?.();
  }

  private publish(
    channels: Channels,
    owner: PendingOwner,
    target: PublishTarget,
    body: Buffer,
    options: SendOptions,
    spec: SendSpec,
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
      const signed = spec.signer?.sign(target, id, expectReply, body);
      const pending: Pending = { owner, target, expectReply, channel, resolve, reject, spec, signature: signed?.signature, sentAt: performance.now(), timer: undefined };
      // mandatory: a message no queue takes comes back (basic.return) instead of vanishing.
      const props: Options.Publish = { mandatory: true, persistent: options.durable, correlationId: id, contentType: CONTENT_TYPE };
      // No per-message TTL (`expiration`) on calls: the envelope carries the deadline and the
      // runner drops late work; the broker need not track a timer per message.
      if (expectReply) props.replyTo = DIRECT_REPLY_TO;
      if (signed !== undefined) props.headers = signed.headers;
      this.pending.set(id, pending);
      owner.pending++;
      pending.timer = setTimeout(() => this.expire(id), Math.min(remaining, MAX_TIMER_MS));
      if (expectReply && target.exchange === '') this.watch();
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
    const { cell } = pending.target;
    const headers = message.properties.headers as Record<string, unknown> | undefined;
    const isError = Boolean(headers?.[ERROR_HEADER]);
    const size = message.content.length;
    if (size > pending.spec.maxReplyBytes) {
      pending.reject(
        new CellwireError('payload_too_large', `the reply of cell ${cell} is ${size} bytes, over this link's limit of ${pending.spec.maxReplyBytes} bytes`, {
          cell,
          details: { size, limit: pending.spec.maxReplyBytes },
        }),
      );
      return;
    }
    const signer = pending.spec.signer;
    if (signer !== undefined && !signer.verifyReply(pending.signature ?? '', message.content, isError, headers?.[SIGNATURE_HEADER])) {
      // Someone who can consume the cell's queue (the broker login is enough) answered in its
      // place, or the cell does not know this link's secret. Either way: not the cell's answer.
      const said = isError ? `; it said: ${decodeErrorReply(message.content, cell).message}` : '';
      pending.reject(
        new CellwireError(
          'unauthenticated',
          `reply to a message for cell ${cell} is not signed with this link's secret (someone else answered, or the cell does not know the secret); dropped${said}`,
          { cell, retryable: false },
        ),
      );
      return;
    }
    pending.owner.rtt?.exchange(performance.now() - pending.sentAt, heldMsOf(headers?.[HELD_HEADER]));
    if (isError) pending.reject(decodeErrorReply(message.content, cell));
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
    this.consumers.clear();
    this.checkChannel = undefined;
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
    clearInterval(this.watchTimer);
    this.watchTimer = undefined;
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
    const check = this.checkChannel?.channel;
    this.checkChannel = undefined;
    if (channels) await Promise.all([channels.cast.close().catch(() => {}), channels.call.close().catch(() => {})]);
    if (check) await check.then((ch) => ch.close()).catch(() => {});
  }
}

type Gate = 'open' | 'recheck' | 'check' | 'refuse';

/** Channels that emitted 'close' (amqplib has no public flag for it). */
const closedChannels = new WeakSet<Channel>();
function isClosed(channel: Channel): boolean {
  return closedChannels.has(channel);
}
