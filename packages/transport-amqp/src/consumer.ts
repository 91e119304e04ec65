/**
 * One service instance of a cell receiving its messages: consumes the cell's three shared
 * queues (competing with the cell's other instances) and its own fanout queue, on a channel
 * of its own with bounded prefetch. The channel is rebuilt, and the topology re-declared,
 * after every reconnect.
 *
 * A message is acked only after the handler's promise settles, so a message in flight when
 * the connection dies is redelivered by the broker (same envelope, same uuid: the core
 * dedupes). Poison messages are acked too, never requeued.
 */
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import { CellwireError, type Inbound, type InboundHandler, type Listener } from '@cellwire/core';
import type { Broker } from './broker.js';
import { Backoff, BrokerRefusedError, asError, type ConnectionUser } from './connection.js';
import type { ResolvedOptions } from './options.js';
import { declareCellTopology, type CellTopology } from './topology.js';
import { CONTENT_TYPE, ERROR_HEADER, FROM_HEADER, SIGNATURE_HEADER, encodeErrorReply, verify } from './wire.js';

/** What `listen()` needs beyond the transport options. */
export interface ConsumerSettings {
  readonly cell: string;
  readonly topology: CellTopology;
  readonly prefetch: number;
  /** Shared secrets by neighbour name; non-empty means unsigned or unknown senders are refused. */
  readonly secrets: Readonly<Record<string, string>>;
  readonly urls: readonly string[];
}

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
    const { replyTo, correlationId, headers } = message.properties as { replyTo?: unknown; correlationId?: unknown; headers?: Record<string, unknown> };
    const waits = typeof replyTo === 'string' && replyTo !== '' && typeof correlationId === 'string';
    let answered = false;
    const answer = (body: Buffer, error: boolean): void => {
      if (answered || !waits) return;
      answered = true;
      // The current channel if the delivering one died meanwhile: the sender may still wait.
      const ch = this.channel ?? channel;
      try {
        ch.publish('', replyTo, body, { correlationId, contentType: CONTENT_TYPE, ...(error ? { headers: { [ERROR_HEADER]: 1 } } : {}) });
      } catch (err) {
        this.options.log('warn', `cannot reply for cell ${this.settings.cell}: channel closed`, err);
      }
    };
    const refuse = (error: CellwireError): void => {
      if (answered) return;
      if (waits) answer(encodeErrorReply(error), true);
      answered = true;
    };

    let from: string | undefined;
    if (this.requireSignature) {
      from = this.authenticate(message, headers);
      if (from === undefined) {
        refuse(new CellwireError('unauthenticated', `cell ${this.settings.cell} refused a message without a valid signature`, { cell: this.settings.cell }));
        this.ack(channel, message);
        return;
      }
    }

    const inbound: Inbound = {
      data: message.content.toString('utf8'),
      ...(from !== undefined ? { from } : {}),
      ...(waits
        ? {
            reply: (data: string | undefined) => {
              if (data === undefined) answered = true;
              else answer(Buffer.from(data, 'utf8'), false);
            },
          }
        : {}),
      reject: refuse,
    };
    this.inFlight++;
    let handled: Promise<void>;
    try {
      // Promise.resolve: a handler that returns nothing must not break the delivery loop.
      handled = Promise.resolve(this.onMessage(inbound));
    } catch (err) {
      handled = Promise.reject(err);
    }
    handled.then(
      () => this.finish(channel, message),
      (err: unknown) => {
        // The contract says handlers do not reject; if one does, the sender still hears of it.
        this.options.log('error', `handler of cell ${this.settings.cell} failed`, err);
        refuse(err instanceof CellwireError ? err : new CellwireError('internal', `cell ${this.settings.cell} failed: ${asError(err).message}`, { cell: this.settings.cell }));
        this.finish(channel, message);
      },
    );
  }

  private authenticate(message: ConsumeMessage, headers: Record<string, unknown> | undefined): string | undefined {
    const from = headers?.[FROM_HEADER];
    const signature = headers?.[SIGNATURE_HEADER];
    if (typeof from !== 'string' || typeof signature !== 'string') return undefined;
    const secret = this.settings.secrets[from];
    if (secret === undefined) return undefined;
    return verify(secret, from, this.settings.cell, message.content, signature) ? from : undefined;
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
    this.onClose(this);
    await this.broker.release();
  }
}
