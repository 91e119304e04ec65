/**
 * One service instance of a cell receiving its messages: consumes the cell's three shared
 * queues (competing with the cell's other instances) and its own fanout queue, on a channel
 * of its own with bounded prefetch. The channel is rebuilt, and the topology re-declared,
 * after every reconnect.
 *
 * A message is acked only after the handler's promise settles, so a message in flight when
 * the connection dies is redelivered by the broker (same envelope, same uuid: the core
 * dedupes). No message is ever requeued by the listener, and none can loop:
 *
 * - a message it refuses (not signed by a known neighbour, signed outside the time window,
 *   refused by the runner, or whose handler failed) is answered with the error when its
 *   sender waits, and otherwise (a cast nobody hears about) moved to the cell's dead-letter
 *   queue; then acked;
 * - a message the broker redelivers (it was delivered before and never acked: the process
 *   crashed or hung on it, or lost its connection) is put back at the tail of its queue with
 *   an attempt count in a header, and acked; after `maxDeliveries` unacknowledged deliveries
 *   it goes to the dead-letter queue instead of running again. Classic queues count no
 *   deliveries themselves, and counting them in the message leaves the cell queues declared
 *   exactly as before (no PRECONDITION_FAILED on existing queues, no renamed queues).
 *
 * Dead letters and put-back copies go through a confirm channel of their own, and the
 * original is acked only once the broker has the copy.
 */
import { randomUUID } from 'node:crypto';
import type { Channel, ChannelModel, ConfirmChannel, ConsumeMessage, Options } from 'amqplib';
import { CellwireError, type Inbound, type InboundHandler, type Listener } from '@cellwire/core';
import type { Broker } from './broker.js';
import { Backoff, BrokerRefusedError, asError, type ConnectionUser } from './connection.js';
import type { ResolvedOptions } from './options.js';
import { deadQueueOptions, declareCellTopology, type CellTopology } from './topology.js';
import {
  ATTEMPTS_HEADER,
  CONTENT_TYPE,
  COPY_HEADER,
  DEAD_AT_HEADER,
  DEAD_QUEUE_HEADER,
  DEAD_REASON_HEADER,
  ERROR_HEADER,
  FROM_HEADER,
  HELD_HEADER,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  encodeErrorReply,
  headerText,
  signReply,
  verifyMessage,
} from './wire.js';

/** What `listen()` needs beyond the transport options. */
export interface ConsumerSettings {
  readonly cell: string;
  readonly topology: CellTopology;
  readonly prefetch: number;
  /** Shared secrets by neighbour name; non-empty means unsigned or unknown senders are refused. */
  readonly secrets: Readonly<Record<string, string>>;
  readonly urls: readonly string[];
  /** Larger incoming messages are refused; larger replies are not sent (`payload_too_large`). */
  readonly maxMessageBytes: number;
  /** Signed messages outside ±this window are refused. */
  readonly maxClockSkewMs: number;
  /** Unacknowledged deliveries after which a message is dead-lettered. */
  readonly maxDeliveries: number;
  readonly deadLetterMaxLength: number;
}

/** Counters of one listener (see {@link AmqpListener.stats}). */
export interface AmqpListenerStats {
  /** Deliveries, redeliveries included. */
  readonly received: number;
  /** Messages refused: unsigned or forged, outside the time window, too large, refused by the runner, or whose handler failed. */
  readonly refused: number;
  /** Messages this listener moved to the dead-letter queue. */
  readonly deadLettered: number;
  /** Redelivered messages put back with one more attempt counted. */
  readonly requeued: number;
  /** Messages that should have been dead-lettered but could not be (logged as errors, acked). */
  readonly dropped: number;
  /** Why the last message was dead-lettered. */
  readonly lastDeadLetter: string | undefined;
}

// A copy the broker has not confirmed by then is given up on (the original is acked anyway).
const COPY_CONFIRM_TIMEOUT_MS = 5000;

type Auth =
  | { readonly ok: true; readonly from: string; readonly secret: string; readonly signature: string }
  | { readonly ok: false; readonly reason: string; readonly secret?: string; readonly signature?: string };

/**
 * A {@link Listener} over AMQP. Obtain one from `transport.listen(...)`.
 *
 * @example
 * const listener = await transport.listen({ cell: 'child-cell1', url: 'amqp://guest:guest@127.0.0.1:5672/%2F' }, async (m) => {
 *   m.reply?.(await runner.handle(m.data));
 * });
 * await listener.close();
 */
export class AmqpListener implements Listener, ConnectionUser {
  readonly urls: readonly string[];
  private channel: Channel | undefined;
  private consumerTags: string[] = [];
  private settingUpFor: ChannelModel | undefined;
  private readonly backoff: Backoff;
  private retryTimer: NodeJS.Timeout | undefined;
  private inFlight = 0;
  private drained: (() => void) | undefined;
  private closed = false;
  private readonly requireSignature: boolean;
  private firstReady: { resolve(): void; reject(e: CellwireError): void } | undefined;
  private readonly onClose: (listener: AmqpListener) => void;
  /** Confirm channel for dead letters and put-back copies, opened when first needed. */
  private side: { readonly model: ChannelModel; readonly channel: Promise<ConfirmChannel>; deadDeclared: boolean } | undefined;
  private counts = { received: 0, refused: 0, deadLettered: 0, requeued: 0, dropped: 0 };
  private lastDeadLetter: string | undefined;
  /**
   * Put-back copies whose original is not acked yet, by copy id. A copy that reaches this
   * process before that waits for it: run first, it could take the process down before the
   * ack went out, and the original would come back as a second copy.
   */
  private readonly puttingBack = new Map<string, Promise<void>>();
  /** The cell's dead-letter queue (declared the first time a message goes there). */
  readonly deadLetterQueue: string;

  constructor(
    private readonly settings: ConsumerSettings,
    private readonly broker: Broker,
    private readonly onMessage: InboundHandler,
    private readonly options: ResolvedOptions,
    onClose: (listener: AmqpListener) => void,
  ) {
    this.urls = settings.urls;
    this.backoff = new Backoff(options.initialDelayMs, options.maxDelayMs);
    this.requireSignature = Object.keys(settings.secrets).length > 0;
    this.onClose = onClose;
    this.deadLetterQueue = settings.topology.dead;
  }

  /**
   * Counters since the listener started: what it refused, dead-lettered and put back.
   *
   * @example
   * listener.stats(); // { received: 12, refused: 1, deadLettered: 1, requeued: 0, dropped: 0, lastDeadLetter: 'internal: ...' }
   */
  stats(): AmqpListenerStats {
    return { ...this.counts, lastDeadLetter: this.lastDeadLetter };
  }

  /**
   * How many messages wait in the cell's dead-letter queue now, whoever put them there (0
   * when it does not exist). Rejects with `unavailable` when not connected.
   */
  async deadLetterCount(): Promise<number> {
    const model = this.broker.conn.model;
    if (model === undefined) throw new CellwireError('unavailable', `not connected to broker ${this.broker.conn.display}`);
    const ch = await model.createChannel();
    // A missing queue closes the channel (404): that means no dead letters.
    ch.on('error', () => {});
    try {
      return (await ch.checkQueue(this.deadLetterQueue)).messageCount;
    } catch {
      return 0;
    } finally {
      await ch.close().catch(() => {});
    }
  }

  /** Connects and consumes; rejects with `unavailable` if that has not worked within `listenTimeoutMs`. */
  start(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.firstReady = undefined;
        const why = this.broker.conn.lastError ? `: ${this.broker.conn.lastError.message}` : '';
        reject(new CellwireError('unavailable', `cannot listen for cell ${this.settings.cell} on ${this.broker.conn.display}${why}`, { cause: this.broker.conn.lastError }));
      }, this.options.listenTimeoutMs);
      this.firstReady = {
        resolve: () => {
          clearTimeout(timer);
          this.firstReady = undefined;
          resolve();
        },
        reject: (e) => {
          clearTimeout(timer);
          this.firstReady = undefined;
          reject(e);
        },
      };
      this.broker.conn.attach(this);
    });
  }

  /** True while consuming. */
  get consuming(): boolean {
    return this.channel !== undefined;
  }

  // ConnectionUser

  opened(model: ChannelModel): void {
    void this.setup(model);
  }

  lost(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  failed(error: Error): void {
    // Wrong credentials or vhost: tell the caller of listen() now rather than at its timeout.
    if (error instanceof BrokerRefusedError) {
      this.firstReady?.reject(new CellwireError('unavailable', `cannot listen for cell ${this.settings.cell}: ${error.message}`, { cause: error }));
    }
  }

  private async setup(model: ChannelModel): Promise<void> {
    if (this.closed || this.settingUpFor === model || this.channel !== undefined) return;
    this.settingUpFor = model;
    let channel: Channel | undefined;
    try {
      channel = await model.createChannel();
      const ch = channel;
      ch.on('error', (err: Error) => this.options.log('warn', `listener channel of cell ${this.settings.cell} closed by the broker`, err));
      ch.on('close', () => this.channelClosed(ch, model));
      // Per consumer (RabbitMQ's meaning of non-global qos): each queue has at most `prefetch` unacked.
      await ch.prefetch(this.settings.prefetch);
      const queues = await declareCellTopology(ch, this.settings.topology);
      const tags: string[] = [];
      for (const queue of queues) {
        const { consumerTag } = await ch.consume(queue, (m) => this.deliver(ch, m), { noAck: false });
        tags.push(consumerTag);
      }
      if (this.closed || this.broker.conn.model !== model) {
        await ch.close().catch(() => {});
        return;
      }
      this.channel = ch;
      this.consumerTags = tags;
      this.backoff.reset();
      this.options.log('info', `cell ${this.settings.cell} consuming on ${this.broker.conn.display}`);
      this.firstReady?.resolve();
    } catch (err) {
      this.options.log('warn', `cannot consume for cell ${this.settings.cell} on ${this.broker.conn.display}`, err);
      // The broker refused the declarations themselves (a queue of that name exists with other
      // arguments, no permission): retrying will not help, so listen() says so at once.
      const code = (err as { code?: unknown }).code;
      if (typeof code === 'number' && code >= 403 && code <= 406) {
        this.firstReady?.reject(
          new CellwireError('unavailable', `cannot declare the queues of cell ${this.settings.cell} on ${this.broker.conn.display}: ${asError(err).message}`, { cause: err }),
        );
      }
      if (channel !== undefined) channel.close().catch(() => {});
      this.scheduleRetry(model);
    } finally {
      if (this.settingUpFor === model) this.settingUpFor = undefined;
    }
  }

  private channelClosed(channel: Channel, model: ChannelModel): void {
    if (this.channel !== channel) return;
    this.channel = undefined;
    this.consumerTags = [];
    if (!this.closed) this.scheduleRetry(model);
  }

  /** Retries after a channel-only failure; after a lost connection, `opened` starts over. */
  private scheduleRetry(model: ChannelModel): void {
    if (this.retryTimer !== undefined || this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.broker.conn.model === model && this.broker.conn.state === 'open') void this.setup(model);
    }, this.backoff.delay());
  }

  private deliver(channel: Channel, message: ConsumeMessage | null): void {
    if (message === null) {
      // Cancelled by the broker (a queue was deleted): rebuild the channel, which re-declares.
      this.options.log('warn', `the broker cancelled a consumer of cell ${this.settings.cell}; re-declaring its queues`);
      channel.close().catch(() => {});
      return;
    }
    this.counts.received++;
    this.inFlight++;
    const copyOf = headerText(message.properties.headers as Record<string, unknown> | undefined, COPY_HEADER);
    const original = copyOf === undefined ? undefined : this.puttingBack.get(copyOf);
    if (original !== undefined) {
      // setImmediate: the ack is written to the socket on the next tick (writes are corked).
      void original.then(() => setImmediate(() => this.route(channel, message)));
      return;
    }
    this.route(channel, message);
  }

  private route(channel: Channel, message: ConsumeMessage): void {
    // Published straight to one of the cell's shared queues (not a fanout copy on this
    // instance's own queue, which dies with the connection): a redelivery there may be a
    // crash loop, so it is counted before it runs again.
    if (message.fields.redelivered && message.fields.exchange === '') {
      void this.redelivered(channel, message);
      return;
    }
    this.handle(channel, message);
  }

  private handle(channel: Channel, message: ConsumeMessage): void {
    const { cell } = this.settings;
    const { replyTo, correlationId, headers } = message.properties as { replyTo?: unknown; correlationId?: unknown; headers?: Record<string, unknown> };
    const waits = typeof replyTo === 'string' && replyTo !== '' && typeof correlationId === 'string';
    const arrived = waits ? performance.now() : 0;
    let answered = false;
    let settled = false;
    /** Set when this message goes to the dead-letter queue once settled (a refused cast). */
    let deadReason: string | undefined;
    /** With a signed link: the key and the request signature every reply is signed for. */
    let replyKey: { readonly secret: string; readonly request: string } | undefined;
    const answer = (body: Buffer, error: boolean): void => {
      if (answered || !waits) return;
      answered = true;
      // How long this cell held the message: the sender's link takes it from the exchange's time.
      const replyHeaders: Record<string, unknown> = { [HELD_HEADER]: Math.round((performance.now() - arrived) * 10) / 10 };
      if (error) replyHeaders[ERROR_HEADER] = 1;
      if (replyKey !== undefined) replyHeaders[SIGNATURE_HEADER] = signReply(replyKey.secret, { request: replyKey.request, responder: cell, error }, body);
      // The current channel if the delivering one died meanwhile: the sender may still wait.
      const ch = this.channel ?? channel;
      try {
        ch.publish('', replyTo, body, { correlationId, contentType: CONTENT_TYPE, headers: replyHeaders });
      } catch (err) {
        this.options.log('warn', `cannot reply for cell ${cell}: channel closed`, err);
      }
    };
    const refuse = (error: CellwireError, deadLetter = true): void => {
      // A late refusal can still answer a waiting sender; a cast is settled (acked) by then.
      if (answered || (settled && !waits)) return;
      this.counts.refused++;
      if (waits) answer(encodeErrorReply(error), true);
      else if (deadLetter) deadReason ??= `${error.code}: ${error.message}`;
      answered = true;
    };
    const done = (): void => {
      settled = true;
      if (deadReason === undefined) this.finish(channel, message);
      else void this.deadLetter(channel, message, deadReason);
    };

    let from: string | undefined;
    if (this.requireSignature) {
      const auth = this.authenticate(message, headers, waits);
      if (!auth.ok) {
        // A genuine but stale message is still answered signed, so its sender can tell why.
        if (auth.secret !== undefined && auth.signature !== undefined) replyKey = { secret: auth.secret, request: auth.signature };
        refuse(new CellwireError('unauthenticated', `cell ${cell} refused a message: ${auth.reason}`, { cell }));
        return done();
      }
      from = auth.from;
      replyKey = { secret: auth.secret, request: auth.signature };
    }
    const size = message.content.length;
    if (size > this.settings.maxMessageBytes) {
      // Not copied to the dead-letter queue: only a sender that ignores the limit sends these.
      refuse(new CellwireError('payload_too_large', `message of ${size} bytes exceeds the ${this.settings.maxMessageBytes} byte limit of cell ${cell}`, { cell }), false);
      return done();
    }

    const inbound: Inbound = {
      data: message.content.toString('utf8'),
      ...(from !== undefined ? { from } : {}),
      ...(waits
        ? {
            reply: (data: string | undefined) => {
              if (data === undefined) {
                answered = true;
                return;
              }
              const body = Buffer.from(data, 'utf8');
              if (body.length > this.settings.maxMessageBytes) {
                // Sent anyway, it would be refused by the link (or break the broker's frame
                // limit and the channel with it): the sender gets a typed error at once.
                const err = new CellwireError('payload_too_large', `the reply of cell ${cell} is ${body.length} bytes, over the ${this.settings.maxMessageBytes} byte limit`, { cell });
                answer(encodeErrorReply(err), true);
                return;
              }
              answer(body, false);
            },
          }
        : {}),
      reject: (error: CellwireError) => refuse(error),
    };
    let handled: Promise<void>;
    try {
      // Promise.resolve: a handler that returns nothing must not break the delivery loop.
      handled = Promise.resolve(this.onMessage(inbound));
    } catch (err) {
      handled = Promise.reject(err);
    }
    handled.then(done, (err: unknown) => {
      // The contract says handlers do not reject; if one does, the sender still hears of it,
      // a cast is kept in the dead-letter queue, and the message is never run again.
      this.options.log('error', `handler of cell ${cell} failed`, err);
      refuse(err instanceof CellwireError ? err : new CellwireError('internal', `cell ${cell} failed: ${asError(err).message}`, { cell }));
      done();
    });
  }

  /**
   * A redelivered message: put it back with one more attempt counted, or, after
   * `maxDeliveries` deliveries that were never acked, dead-letter it.
   */
  private async redelivered(channel: Channel, message: ConsumeMessage): Promise<void> {
    const headers = (message.properties.headers ?? {}) as Record<string, unknown>;
    const before = Number(headers[ATTEMPTS_HEADER] ?? 0);
    const attempts = (Number.isSafeInteger(before) && before > 0 ? before : 0) + 1;
    if (attempts >= this.settings.maxDeliveries) {
      await this.deadLetter(
        channel,
        message,
        `delivered ${attempts} times without being acknowledged (the cell crashed, hung or lost its connection on it each time)`,
      );
      return;
    }
    const copy = randomUUID();
    let acked: () => void = () => {};
    this.puttingBack.set(copy, new Promise<void>((resolve) => (acked = resolve)));
    try {
      const side = await this.sideChannel();
      const copyHeaders = { ...headers, [ATTEMPTS_HEADER]: attempts, [COPY_HEADER]: copy };
      await confirmedPublish(side, '', message.fields.routingKey, message.content, { ...copyProperties(message, true), headers: copyHeaders });
    } catch (err) {
      // Cannot put it back with its count: run it now rather than lose it.
      this.puttingBack.delete(copy);
      acked();
      this.options.log('warn', `cell ${this.settings.cell} could not count a redelivery; running it`, err);
      this.handle(channel, message);
      return;
    }
    this.counts.requeued++;
    this.finish(channel, message);
    this.puttingBack.delete(copy);
    acked();
  }

  /** Copies a message to the dead-letter queue (confirmed), then acks it; never requeues it. */
  private async deadLetter(channel: Channel, message: ConsumeMessage, reason: string): Promise<void> {
    const { cell, topology } = this.settings;
    const from = message.fields.exchange === '' ? message.fields.routingKey : `${message.fields.exchange} (${message.fields.routingKey})`;
    try {
      const side = await this.sideChannel();
      if (this.side !== undefined && !this.side.deadDeclared) {
        const entry = this.side;
        await side.assertQueue(topology.dead, deadQueueOptions(this.settings.deadLetterMaxLength));
        entry.deadDeclared = true;
      }
      const headers = { ...(message.properties.headers ?? {}), [DEAD_REASON_HEADER]: reason, [DEAD_QUEUE_HEADER]: from, [DEAD_AT_HEADER]: String(Date.now()) };
      await confirmedPublish(side, '', topology.dead, message.content, { ...copyProperties(message, false), persistent: true, headers });
      this.counts.deadLettered++;
      this.lastDeadLetter = reason;
      this.options.log('warn', `cell ${cell} moved a message from ${from} to ${topology.dead}: ${reason}`);
    } catch (err) {
      this.counts.dropped++;
      this.options.log('error', `cell ${cell} could not dead-letter a message from ${from} (${reason}); dropped it`, err);
    }
    this.finish(channel, message);
  }

  /** The confirm channel for copies, on the current connection. */
  private sideChannel(): Promise<ConfirmChannel> {
    const model = this.broker.conn.model;
    if (model === undefined) return Promise.reject(new Error(`not connected to broker ${this.broker.conn.display}`));
    if (this.side?.model === model) return this.side.channel;
    const channel = model.createConfirmChannel().then((ch) => {
      ch.on('error', (err: Error) => this.options.log('warn', `dead-letter channel of cell ${this.settings.cell} closed by the broker`, err));
      ch.on('close', () => {
        if (this.side?.channel === channel) this.side = undefined;
      });
      return ch;
    });
    channel.catch(() => {
      if (this.side?.channel === channel) this.side = undefined;
    });
    this.side = { model, channel, deadDeclared: false };
    return channel;
  }

  /**
   * Checks the signature, the sender and the time window. The signature covers everything
   * that steers the message (see `signMessage`): where it was published, whether it wants a
   * reply, its correlation id; moved to another queue, turned from a cast into a call, or
   * replayed outside the window, it is refused.
   */
  private authenticate(message: ConsumeMessage, headers: Record<string, unknown> | undefined, waits: boolean): Auth {
    const from = headerText(headers, FROM_HEADER);
    const signature = headerText(headers, SIGNATURE_HEADER);
    const timestamp = headerText(headers, TIMESTAMP_HEADER);
    if (from === undefined || signature === undefined) return { ok: false, reason: 'not signed' };
    const secret = this.settings.secrets[from];
    if (secret === undefined) return { ok: false, reason: `unknown sender ${from}` };
    if (timestamp === undefined || !/^\d{1,15}$/.test(timestamp)) return { ok: false, reason: `missing or malformed ${TIMESTAMP_HEADER}` };
    const { correlationId } = message.properties as { correlationId?: unknown };
    const signed = {
      timestamp,
      from,
      to: this.settings.cell,
      exchange: message.fields.exchange,
      routingKey: message.fields.routingKey,
      reply: waits,
      correlationId: typeof correlationId === 'string' ? correlationId : '',
    };
    if (!verifyMessage(secret, signed, message.content, signature)) {
      return { ok: false, reason: `signature of ${from} does not match (wrong link secret, or the message was changed or moved)` };
    }
    const skew = Date.now() - Number(timestamp);
    if (Math.abs(skew) > this.settings.maxClockSkewMs) {
      const age = skew > 0 ? `${Math.round(skew / 1000)} s old` : `${Math.round(-skew / 1000)} s in the future`;
      return { ok: false, reason: `signed ${age}, outside the ±${this.settings.maxClockSkewMs} ms window (replayed, held up, or clocks apart)`, secret, signature };
    }
    return { ok: true, from, secret, signature };
  }

  private finish(channel: Channel, message: ConsumeMessage): void {
    this.ack(channel, message);
    this.inFlight--;
    if (this.inFlight === 0) this.drained?.();
  }

  private ack(channel: Channel, message: ConsumeMessage): void {
    try {
      channel.ack(message);
    } catch {
      // The channel died: the broker redelivers the message (the core dedupes by uuid).
    }
  }

  /** Stops consuming, waits (up to `drainTimeoutMs`) for handlers in flight so their messages are acked, then closes the channel. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.broker.conn.detach(this);
    this.firstReady?.reject(new CellwireError('unavailable', `listener of cell ${this.settings.cell} closed`));
    const channel = this.channel;
    if (channel !== undefined) {
      for (const tag of this.consumerTags) await channel.cancel(tag).catch(() => {});
      if (this.inFlight > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.options.drainTimeoutMs);
          this.drained = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      this.channel = undefined;
      await channel.close().catch(() => {});
    }
    const side = this.side?.channel;
    this.side = undefined;
    if (side !== undefined) await side.then((ch) => ch.close()).catch(() => {});
    this.onClose(this);
    await this.broker.release();
  }
}

/** The properties of a message to copy onto its put-back or dead-letter copy. */
function copyProperties(message: ConsumeMessage, keepReplyTo: boolean): Options.Publish {
  const p = message.properties;
  const out: Options.Publish = { persistent: p.deliveryMode === 2 };
  if (p.contentType !== undefined) out.contentType = p.contentType as string;
  if (p.correlationId !== undefined) out.correlationId = p.correlationId as string;
  if (keepReplyTo && p.replyTo !== undefined) out.replyTo = p.replyTo as string;
  if (p.messageId !== undefined) out.messageId = p.messageId as string;
  if (p.timestamp !== undefined) out.timestamp = p.timestamp as number;
  if (p.type !== undefined) out.type = p.type as string;
  if (p.appId !== undefined) out.appId = p.appId as string;
  return out;
}

/** Publishes on a confirm channel and resolves once the broker has it. */
function confirmedPublish(channel: ConfirmChannel, exchange: string, routingKey: string, body: Buffer, props: Options.Publish): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no confirm within ${COPY_CONFIRM_TIMEOUT_MS} ms`)), COPY_CONFIRM_TIMEOUT_MS);
    try {
      channel.publish(exchange, routingKey, body, props, (err: unknown) => {
        clearTimeout(timer);
        if (err) reject(asError(err));
        else resolve();
      });
    } catch (err) {
      clearTimeout(timer);
      reject(asError(err));
    }
  });
}
