/**
 * cellwire over RabbitMQ (AMQP 0-9-1), with amqplib.
 *
 * One connection per distinct broker URL, shared by every link and listener on it; per
 * connection one confirm channel for casts and one channel for calls (with direct reply-to),
 * shared by all links; one channel per listener. Connections come back by themselves (see
 * connection.ts); channels, topology and consumers are rebuilt on each reconnect.
 */
import { CellwireError, type InboundHandler, type ListenConfig, type NeighbourConfig, type Transport } from '@cellwire/core';
import { Broker } from './broker.js';
import type { ConnectionState } from './connection.js';
import { AmqpListener } from './consumer.js';
import { AmqpLink } from './link.js';
import { intOption, resolveOptions, stringOption, type AmqpTransportOptions, type ResolvedOptions } from './options.js';
import { cellTopology } from './topology.js';
import { SCHEMES, parseBrokerUrl } from './url.js';

/** One broker connection as seen by {@link AmqpTransport.status}. */
export interface BrokerStatus {
  /** The broker URL(s), password hidden. */
  readonly url: string;
  readonly state: ConnectionState;
  /** Why the connection was last lost or failed. */
  readonly lastError?: string;
  /** Links and listeners using it. */
  readonly users: number;
  /** Sends waiting for a confirm or a reply. */
  readonly pending: number;
}

/**
 * The AMQP {@link Transport}, with a few extras for operators and tests
 * ({@link AmqpTransport.status}, {@link AmqpTransport.pendingCount}).
 *
 * @example
 * const transport = createAmqpTransport();
 * await transport.listen({ cell: 'child-cell1', url }, handle);
 * transport.status(); // [{ url: 'amqp://guest:***@127.0.0.1:5672/%2F', state: 'open', users: 1, pending: 0 }]
 * await transport.close();
 */
export class AmqpTransport implements Transport {
  readonly schemes: readonly string[] = SCHEMES;
  private readonly options: ResolvedOptions;
  private readonly brokers = new Map<string, Broker>();
  private readonly links = new Set<AmqpLink>();
  private readonly listeners = new Set<AmqpListener>();
  private closed = false;

  constructor(options: AmqpTransportOptions = {}) {
    this.options = resolveOptions(options);
  }

  /**
   * Opens a link to a neighbour. Cheap: the connection to its broker is made on first use
   * and shared. Throws `invalid_argument` for a URL or name this transport cannot use.
   *
   * `neighbour.urls` holds one broker URL, or several nodes of one broker cluster (tried in
   * turn when reconnecting). `neighbour.secret`, when set, signs every message (HMAC) so a
   * listener that knows the secret can tell who sent it, and every reply must then be signed
   * by the neighbour. `neighbour.options.prefix`, `.maxMessageBytes` and `.maxInFlight`
   * override the transport's for this neighbour.
   */
  connect(neighbour: NeighbourConfig, local: { readonly cell: string }): AmqpLink {
    this.assertOpen();
    if (neighbour.urls.length === 0) throw new CellwireError('invalid_argument', `no URL for cell ${neighbour.name}`);
    const topology = cellTopology(neighbour.name, stringOption(neighbour.options, 'prefix') ?? this.options.prefix);
    const broker = this.broker(neighbour.urls);
    broker.acquire();
    const limits = {
      maxMessageBytes: intOption(neighbour.options, 'maxMessageBytes') ?? this.options.maxMessageBytes,
      maxInFlight: intOption(neighbour.options, 'maxInFlight') ?? this.options.maxInFlight,
    };
    const link = new AmqpLink(neighbour.name, local.cell, topology, broker, neighbour.secret, limits, (l) => this.links.delete(l));
    this.links.add(link);
    return link;
  }

  /**
   * Starts receiving messages for a cell: declares its queues and fanout exchange on the
   * broker of `config.url`, and consumes them. Resolves once consuming; rejects with
   * `unavailable` when the broker cannot be reached within `listenTimeoutMs`.
   *
   * `config.options` may override the transport's `prefetch`, `prefix`, `maxMessageBytes`,
   * `maxClockSkewMs`, `maxDeliveries` and `deadLetterMaxLength`. `config.secrets`, when
   * non-empty, refuses (with `unauthenticated`) messages that are not signed by a neighbour in
   * it, or signed outside the `maxClockSkewMs` window, and signs every reply.
   */
  async listen(config: ListenConfig, onMessage: InboundHandler): Promise<AmqpListener> {
    this.assertOpen();
    const topology = cellTopology(config.cell, stringOption(config.options, 'prefix') ?? this.options.prefix);
    const prefetch = intOption(config.options, 'prefetch') ?? this.options.prefetch;
    const bag = config.options;
    const display = parseBrokerUrl(config.url, this.options.heartbeatSeconds).display;
    const broker = this.broker([config.url]);
    broker.acquire();
    const listener = new AmqpListener(
      {
        cell: config.cell,
        topology,
        prefetch,
        secrets: config.secrets ?? {},
        urls: [display],
        maxMessageBytes: intOption(bag, 'maxMessageBytes') ?? this.options.maxMessageBytes,
        maxClockSkewMs: intOption(bag, 'maxClockSkewMs') ?? this.options.maxClockSkewMs,
        maxDeliveries: intOption(bag, 'maxDeliveries') ?? this.options.maxDeliveries,
        deadLetterMaxLength: intOption(bag, 'deadLetterMaxLength') ?? this.options.deadLetterMaxLength,
      },
      broker,
      onMessage,
      this.options,
      (l) => this.listeners.delete(l),
    );
    this.listeners.add(listener);
    try {
      await listener.start();
    } catch (err) {
      await listener.close();
      throw err;
    }
    return listener;
  }

  /** Sends still waiting for a confirm or a reply, over all links (0 when nothing leaks). */
  pendingCount(): number {
    let n = 0;
    for (const broker of this.brokers.values()) n += broker.pendingCount;
    return n;
  }

  /** The state of every broker connection, for health pages. */
  status(): BrokerStatus[] {
    return [...this.brokers.values()].map((b) => ({
      url: b.conn.display,
      state: b.conn.state,
      ...(b.conn.lastError ? { lastError: b.conn.lastError.message } : {}),
      users: b.conn.userCount,
      pending: b.pendingCount,
    }));
  }

  /** Closes every listener (draining handlers in flight), link and connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.listeners].map((l) => l.close()));
    await Promise.all([...this.links].map((l) => l.close()));
    await Promise.all([...this.brokers.values()].map((b) => b.close()));
  }

  private broker(urls: readonly string[]): Broker {
    // Normalised, so that spelling differences do not open a second connection.
    const key = [...new Set(urls.map((u) => parseBrokerUrl(u, this.options.heartbeatSeconds).connect))].join(' ');
    let broker = this.brokers.get(key);
    if (broker === undefined) {
      broker = new Broker(key, [...new Set(urls)], this.options, (b) => {
        if (this.brokers.get(b.key) === b) this.brokers.delete(b.key);
      });
      this.brokers.set(key, broker);
    }
    return broker;
  }

  private assertOpen(): void {
    if (this.closed) throw new CellwireError('unavailable', 'the AMQP transport is closed');
  }
}

/**
 * Creates the AMQP transport (schemes `amqp` and `amqps`).
 *
 * @example
 * const transport = createAmqpTransport({ prefetch: 32 });
 * const listener = await transport.listen({ cell: 'child-cell1', url: 'amqp://guest:guest@127.0.0.1:5672/%2F' }, handle);
 * const link = transport.connect({ name: 'child-cell1', urls: ['amqp://guest:guest@127.0.0.1:5672/%2F'] }, { cell: 'api-cell' });
 */
export function createAmqpTransport(options?: AmqpTransportOptions): AmqpTransport {
  return new AmqpTransport(options);
}
