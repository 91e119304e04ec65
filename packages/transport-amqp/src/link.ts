/**
 * A link to one neighbour cell over its broker: publishes to the cell's queue for the message
 * type (default exchange), or to the cell's fanout exchange, through the publisher its broker
 * connection shares with every other link on it.
 */
import { CellwireError, RttEstimator, type Link, type LinkLatency, type MessageType, type SendOptions } from '@cellwire/core';
import type { Broker } from './broker.js';
import type { LinkSigner, PendingOwner, Publisher, PublishTarget, SendSpec } from './publisher.js';
import type { CellTopology } from './topology.js';
import { FROM_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, signMessage, verifyReply } from './wire.js';

/** Per-link limits, from the transport's options or the neighbour's. */
export interface LinkLimits {
  /** Larger envelopes are not sent, larger replies not accepted (`payload_too_large`). */
  readonly maxMessageBytes: number;
  /** Most sends in flight (`resource_exhausted` beyond). */
  readonly maxInFlight: number;
}

/**
 * The state of a link, for health pages: `idle` before its first send (connections are made
 * on first use), `open` when a send would go out at once, `connecting` while the first
 * connection attempt runs, `reconnecting` while the broker cannot be reached.
 */
export type LinkState = 'idle' | 'open' | 'connecting' | 'reconnecting' | 'closed';

/**
 * A {@link Link} over AMQP. Obtain one from `transport.connect(...)`.
 *
 * @example
 * const link = transport.connect({ name: 'child-cell1', urls: ['amqp://guest:guest@127.0.0.1:5672/%2F'] }, { cell: 'api-cell' });
 * const reply = await link.send(envelope, { messageType: 'targeted', fanout: false, expectReply: true, deadline: Date.now() + 5000, durable: false });
 */
export class AmqpLink implements Link, PendingOwner {
  /** Messages of this link waiting for a confirm or a reply (see {@link AmqpLink.pendingCount}). */
  pending = 0;
  /** Round-trip time through the broker to the cell and back, from the replies to calls. */
  readonly rtt = new RttEstimator();
  /** Sends of this link not settled yet (waiting for a channel, a confirm or a reply). */
  private inFlight = 0;
  private overloadedCount = 0;
  private closed = false;
  private readonly signer: LinkSigner | undefined;
  private readonly queueSpec: SendSpec;
  private readonly fanoutSpec: SendSpec;
  private readonly publisher: Publisher;
  private readonly queueTargets: Record<MessageType, PublishTarget>;
  private readonly fanoutTargets: Record<MessageType, PublishTarget>;

  constructor(
    readonly cell: string,
    local: string,
    topology: CellTopology,
    private readonly broker: Broker,
    secret: string | undefined,
    private readonly limits: LinkLimits,
    private readonly onClose: (link: AmqpLink) => void,
  ) {
    this.publisher = broker.publisher();
    // With a secret, every message is signed (with what steers it: see signMessage) and every
    // reply must be signed by the cell for that very message.
    this.signer =
      secret === undefined
        ? undefined
        : {
            sign: (target, correlationId, reply, body) => {
              const timestamp = String(Date.now());
              const signature = signMessage(
                secret,
                { timestamp, from: local, to: cell, exchange: target.exchange, routingKey: target.routingKey, reply, correlationId },
                body,
              );
              return { headers: { [FROM_HEADER]: local, [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: signature }, signature };
            },
            verifyReply: (request, body, error, signature) => verifyReply(secret, { request, responder: cell, error }, body, signature),
          };
    this.queueSpec = { signer: this.signer, maxReplyBytes: limits.maxMessageBytes, fanoutExchange: undefined };
    this.fanoutSpec = { signer: this.signer, maxReplyBytes: limits.maxMessageBytes, fanoutExchange: topology.fanout };
    const where = broker.conn.display;
    const queue = (type: MessageType): PublishTarget => ({
      cell,
      exchange: '',
      routingKey: topology.queues[type],
      unroutable: `no queue for cell ${cell} (${topology.queues[type]} on ${where}): is the cell listening on this broker?`,
    });
    const fanout = (type: MessageType): PublishTarget => ({
      cell,
      exchange: topology.fanout,
      routingKey: type,
      unroutable: `no queue for cell ${cell}: no service instance is bound to ${topology.fanout} on ${where}`,
    });
    this.queueTargets = { targeted: queue('targeted'), broadcast: queue('broadcast'), response: queue('response') };
    this.fanoutTargets = { targeted: fanout('targeted'), broadcast: fanout('broadcast'), response: fanout('response') };
  }

  /**
   * Sends one envelope. Casts resolve with `undefined` once the broker confirmed them; calls
   * (`expectReply`) resolve with the reply text. Rejects with a CellwireError: `unavailable`
   * (not connected, no queue for the cell, nobody consuming the cell's queue (calls),
   * connection lost before the confirm or the reply), `payload_too_large` (the message, or its
   * reply, over `maxMessageBytes`), `resource_exhausted` (`maxInFlight` sends already in
   * flight), `unauthenticated` (a reply not signed by the cell, on a link with a secret),
   * `timeout` (deadline passed), or the code the neighbour sent back.
   */
  send(data: string, options: SendOptions): Promise<string | undefined> {
    if (this.closed) return Promise.reject(new CellwireError('unavailable', `link to cell ${this.cell} is closed`, { cell: this.cell }));
    const targets = options.fanout ? this.fanoutTargets : this.queueTargets;
    const target = targets[options.messageType] as PublishTarget | undefined;
    if (target === undefined) {
      return Promise.reject(new CellwireError('invalid_argument', `unknown message type ${JSON.stringify(options.messageType)}`, { cell: this.cell }));
    }
    const body = Buffer.from(data, 'utf8');
    const { maxMessageBytes, maxInFlight } = this.limits;
    if (body.length > maxMessageBytes) {
      return Promise.reject(
        new CellwireError('payload_too_large', `message of ${body.length} bytes to cell ${this.cell} exceeds ${maxMessageBytes} bytes`, { cell: this.cell }),
      );
    }
    if (this.inFlight >= maxInFlight) {
      this.overloadedCount++;
      return Promise.reject(
        new CellwireError('resource_exhausted', `link to cell ${this.cell} already has ${this.inFlight} messages in flight (maxInFlight ${maxInFlight})`, {
          cell: this.cell,
          details: { inFlight: this.inFlight, maxInFlight },
        }),
      );
    }
    this.inFlight++;
    const done = () => {
      this.inFlight--;
    };
    const sent = this.publisher.send(this, target, body, options, options.fanout ? this.fanoutSpec : this.queueSpec);
    sent.then(done, done);
    return sent;
  }

  /**
   * The round-trip time to the cell through its broker, from the replies to calls (a cast's
   * confirm only comes from the broker, so it is not counted); undefined before the first.
   */
  latency(): LinkLatency | undefined {
    return this.rtt.latency();
  }

  /** Sends not settled yet, and sends refused because `maxInFlight` were. */
  stats(): { readonly inFlight: number; readonly overloaded: number } {
    return { inFlight: this.inFlight, overloaded: this.overloadedCount };
  }

  /** Messages sent on this link that are still waiting for their confirm or reply. */
  pendingCount(): number {
    return this.pending;
  }

  get state(): LinkState {
    if (this.closed) return 'closed';
    if (this.publisher.ready) return 'open';
    if (this.publisher.idle) return 'idle';
    return this.broker.conn.state === 'waiting' ? 'reconnecting' : 'connecting';
  }

  /** Rejects this link's waiting messages with `unavailable` and lets go of the connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.publisher.cancel(this, `link to cell ${this.cell} closed before it answered`);
    this.onClose(this);
    await this.broker.release();
  }
}
