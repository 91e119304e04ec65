/**
 * A cell's Prometheus metrics (`GET /metrics`), in a registry of its own: several cells can
 * run in one process (tests, the demo) and each must report only itself. Every series carries
 * the label `cell`.
 *
 * Two sources:
 * - calls, counted as they end by the cell service's runner interceptor (observe.ts):
 *   `cellwire_calls_total` and `cellwire_call_duration_seconds`, by `stage` (`origin`: a call
 *   made here, `handler`: a handler run here), `method` (wire name) and `outcome` (`ok`, or the
 *   error code);
 * - everything else, read from the cell's health (`GET /v1/health`) at each scrape: the runner's
 *   counters, pending calls, each link's sends, failures, sends in flight and state, and the
 *   broker connections of the AMQP transport.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CellHealth } from './service.js';

/** The labels of the call metrics. */
export interface CallLabels {
  readonly stage: 'origin' | 'handler';
  readonly method: string;
  readonly outcome: string;
}

/** Latency buckets, in seconds: a local handler (sub-millisecond) up to a whole-tree call at its deadline. */
export const CALL_DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** Every state a link can report in `GET /v1/health`. */
const LINK_STATES = ['idle', 'ok', 'failing', 'connecting', 'reconnecting', 'closed'] as const;

/** Connection states of the AMQP transport's broker connections. */
const BROKER_STATES = ['idle', 'connecting', 'open', 'waiting', 'closed'] as const;

/**
 * The metrics of one cell.
 *
 * @example
 * const metrics = new CellMetrics('api-cell');
 * metrics.observeCall({ stage: 'origin', method: 'service_get_all', outcome: 'ok' }, 0.004);
 * metrics.watch(() => cell.health());
 * const text = await metrics.text();
 */
export class CellMetrics {
  readonly registry = new Registry();
  private readonly calls: Counter<'stage' | 'method' | 'outcome'>;
  private readonly duration: Histogram<'stage' | 'method' | 'outcome'>;
  private health: (() => CellHealth) | undefined;
  /** The health read once per scrape, shared by every collector of that scrape. */
  private snapshot: CellHealth | undefined;

  constructor(readonly cell: string) {
    this.registry.setDefaultLabels({ cell });
    const registers = [this.registry];
    const callLabels = ['stage', 'method', 'outcome'] as const;
    this.calls = new Counter({
      name: 'cellwire_calls_total',
      help: 'Calls that ended, by stage (origin: made here; handler: run here), method and outcome (ok or the error code).',
      labelNames: callLabels,
      registers,
    });
    this.duration = new Histogram({
      name: 'cellwire_call_duration_seconds',
      help: 'Duration of calls made here (origin, the whole call) and of handlers run here (handler).',
      labelNames: callLabels,
      buckets: CALL_DURATION_BUCKETS,
      registers,
    });

    // Read from the health at each scrape. Counters are set to the counts kept elsewhere.
    const self = this;
    const runnerCounter = (name: string, help: string, key: keyof CellHealth['runner']) =>
      new Counter({
        name,
        help,
        registers,
        collect() {
          this.reset();
          const v = self.read()?.runner[key];
          if (typeof v === 'number') this.inc(v);
        },
      });
    runnerCounter('cellwire_messages_received_total', 'Messages received from neighbours (replies on the same exchange included).', 'received');
    runnerCounter('cellwire_messages_sent_total', 'Messages sent to neighbours.', 'sent');
    runnerCounter('cellwire_cast_failures_total', 'Casts that could not be handed to the next cell.', 'castFailures');
    runnerCounter('cellwire_duplicates_total', 'Dedupe hits: redelivered or looping messages that were not run again.', 'duplicates');
    runnerCounter('cellwire_late_responses_total', 'Answers that came after their caller stopped waiting.', 'lateResponses');
    runnerCounter('cellwire_invalid_messages_total', 'Inbound messages refused as undecodable or as not the sender\'s to send.', 'invalid');
    new Gauge({
      name: 'cellwire_runner_pending',
      help: 'Waiters (targeted calls), collectors (broadcasts) and held reply channels still open.',
      registers,
      collect() {
        this.set(self.read()?.runner.pending ?? 0);
      },
    });

    const linkLabels = ['neighbour', 'side', 'transport'] as const;
    const linkCounter = (name: string, help: string, key: 'sent' | 'failed') =>
      new Counter({
        name,
        help,
        labelNames: linkLabels,
        registers,
        collect() {
          this.reset();
          for (const l of self.read()?.links ?? []) this.inc({ neighbour: l.name, side: l.side, transport: l.transport }, l[key]);
        },
      });
    linkCounter('cellwire_link_sent_total', 'Messages a link delivered to the neighbour.', 'sent');
    linkCounter('cellwire_link_failed_total', 'Messages a link could not deliver (the send failed).', 'failed');
    new Gauge({
      name: 'cellwire_link_in_flight',
      help: 'Sends on a link not settled yet (for a call: until the neighbour answered on the exchange).',
      labelNames: linkLabels,
      registers,
      collect() {
        this.reset();
        for (const l of self.read()?.links ?? []) this.set({ neighbour: l.name, side: l.side, transport: l.transport }, l.in_flight);
      },
    });
    new Gauge({
      name: 'cellwire_link_state',
      help: `A link's state: 1 for the current one (${LINK_STATES.join(', ')}), 0 for the others.`,
      labelNames: [...linkLabels, 'state'],
      registers,
      collect() {
        this.reset();
        for (const l of self.read()?.links ?? []) {
          for (const state of LINK_STATES) this.set({ neighbour: l.name, side: l.side, transport: l.transport, state }, l.state === state ? 1 : 0);
        }
      },
    });
    new Gauge({
      name: 'cellwire_link_last_seen_timestamp_seconds',
      help: 'When the neighbour last reported its capabilities or capacities (Unix time); absent before the first report.',
      labelNames: linkLabels,
      registers,
      collect() {
        this.reset();
        for (const l of self.read()?.links ?? []) {
          if (l.last_seen) this.set({ neighbour: l.name, side: l.side, transport: l.transport }, Date.parse(l.last_seen) / 1000);
        }
      },
    });
    new Gauge({
      name: 'cellwire_child_mute',
      help: 'A child silent for longer than mute_child_interval_s (1), or not (0).',
      labelNames: ['neighbour'],
      registers,
      collect() {
        this.reset();
        for (const l of self.read()?.links ?? []) if (l.side === 'child') this.set({ neighbour: l.name }, l.mute ? 1 : 0);
      },
    });
    new Gauge({
      name: 'cellwire_amqp_connection_state',
      help: `AMQP transport: 1 for the current state of each broker connection (${BROKER_STATES.join(', ')}), 0 for the others. Absent without AMQP.`,
      labelNames: ['broker', 'state'],
      registers,
      collect() {
        this.reset();
        for (const b of (self.read()?.brokers ?? []) as { url: string; state: string }[]) {
          for (const state of BROKER_STATES) this.set({ broker: b.url, state }, b.state === state ? 1 : 0);
        }
      },
    });
    new Gauge({
      name: 'cellwire_amqp_pending',
      help: 'AMQP transport: sends waiting for a publisher confirm or a reply, per broker connection.',
      labelNames: ['broker'],
      registers,
      collect() {
        this.reset();
        for (const b of (self.read()?.brokers ?? []) as { url: string; pending: number }[]) this.set({ broker: b.url }, b.pending);
      },
    });
  }

  /** Counts one call that ended, and its duration. */
  observeCall(labels: CallLabels, seconds: number): void {
    this.calls.inc(labels);
    this.duration.observe(labels, seconds);
  }

  /** Where the scrape reads everything but the calls. */
  watch(health: () => CellHealth): void {
    this.health = health;
  }

  private read(): CellHealth | undefined {
    return this.snapshot ?? this.health?.();
  }

  /** The content type of `text()` (Prometheus text format 0.0.4). */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** The Prometheus text exposition. */
  async text(): Promise<string> {
    this.snapshot = this.health?.();
    try {
      return await this.registry.metrics();
    } finally {
      this.snapshot = undefined;
    }
  }
}
