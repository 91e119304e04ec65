/**
 * What a MessageRunner is configured with and what it counts, apart from the runner itself
 * so that the runner's file holds only its behaviour. Re-exported by runner.ts.
 */
import type { CastOutboxStore } from './cast-outbox.js';
import type { CallOptions } from './deadline.js';
import type { DedupeStore } from './dedupe.js';
import type { Interceptor } from './interceptor.js';
import type { Logger } from './logger.js';
import type { NeighbourStateOptions } from './neighbours.js';
import type { ErrorRegistry } from './remote-error.js';
import type { AnyService, MethodDescriptor, ServiceImpl } from './service.js';
import type { RequestContext } from './wire.js';

/** Anything that can run a method: what clients call (a MessageRunner). */
export interface Invoker {
  invoke(method: MethodDescriptor | string, ctxt: RequestContext, args: object, options?: CallOptions): Promise<unknown>;
}

export interface RunnerOptions extends NeighbourStateOptions {
  /** This cell's short name (no `!` or `@`). */
  readonly name: string;
  /**
   * The services this cell serves: a descriptor alone (this cell can call its methods and
   * answers `unknown_method` when asked to run one), or `serve(descriptor, handlers)`.
   */
  readonly services?: readonly (AnyService | ServiceImpl)[];
  /** Around every call made here and every handler run here; the first is outermost. */
  readonly interceptors?: readonly Interceptor[];
  /** Hop limit of messages created here (default 10). */
  readonly maxHopCount?: number;
  /** Default call timeout (default 60 s). */
  readonly callTimeoutMs?: number;
  /**
   * The furthest deadline this cell accepts, from a caller or in a received message
   * (default 1 hour): a peer cannot pin collectors and reply channels here for longer.
   */
  readonly maxDeadlineMs?: number;
  /** Most a hop keeps back from the deadline for its answer to travel home (default 250 ms). */
  readonly hopMarginMs?: number;
  /** How long a message uuid is remembered (default 5 min). */
  readonly dedupeWindowMs?: number;
  /**
   * Keeps the dedupe window across restarts (a cell's store): without it the window lives in
   * memory, and a message redelivered or replayed after a restart runs again. A uuid is
   * recorded here (`add`) before its message runs; see DedupeStore.
   */
  readonly dedupeStore?: DedupeStore;
  /**
   * A cast's time to live (default 24 h): the deadline a cast made here carries, and the most
   * a received cast's deadline is kept. It is not the call timeout: a cast may wait in a
   * stopped cell's queue, or in an outbox, far longer than anyone waits for an answer.
   * `maxDeadlineMs` does not cap it: that bounds calls, which hold collectors and reply
   * channels; a cast holds no more than a queue or outbox entry. Each hand-off of a cast to
   * the next cell still waits at most `callTimeoutMs`.
   */
  readonly castTtlMs?: number;
  /**
   * Where a cell holds the casts it accepted from a neighbour and could not pass on (the next
   * hop refused them): they are retried, oldest first per neighbour, until their time to
   * live ends. Without one such a cast is logged and counted as lost (`stats.castsLost`).
   * A cast made here is never held: its caller is told (`unavailable`) instead.
   */
  readonly castOutbox?: CastOutboxStore;
  /** First retry delay of a neighbour's held casts (default 1 s), doubling to `castRetryMaxMs` (default 5 s). */
  readonly castRetryMs?: number;
  readonly castRetryMaxMs?: number;
  /** Error classes rebuilt from the wire (default: cellwire's own). */
  readonly errors?: ErrorRegistry;
  /** Send stack traces with remote errors (default false: stacks stay home). */
  readonly sendStacks?: boolean;
  /**
   * Put `service_version` (`nova_cells@1.0.0`) on the messages this cell creates (default
   * true). Cells whose core predates the field refuse envelopes that carry it: turn it off
   * while such cells remain in the tree (docs/upgrades.md).
   */
  readonly sendServiceVersion?: boolean;
  readonly logger?: Logger;
}

/** Counters a runner keeps; cheap to read at any time. */
export interface RunnerStats {
  received: number;
  sent: number;
  /** Casts that could not be handed to the next cell (every failed hand-off, retries included). */
  castFailures: number;
  /**
   * Casts this cell took on: received from a neighbour (not a duplicate), or made here and
   * handed to every next hop. What became of them is counted per hand-off below.
   */
  castsAccepted: number;
  /** Hand-offs of a cast that the next cell accepted (directly, or later from the outbox). */
  castsDelivered: number;
  /** Hand-offs refused at the origin: the caller was told (`unavailable`). */
  castsRefused: number;
  /** Hand-offs put in the outbox past the origin: refused, or queued behind casts held for the same neighbour. */
  castsHeld: number;
  /**
   * Hand-offs given up with nobody told: no outbox, a refusal a retry cannot cure
   * (unauthenticated, too large, ...), or a time to live that ran out. Each is logged.
   */
  castsLost: number;
  /** Redelivered or looping messages that were not run again. */
  duplicates: number;
  /** Answers that came after their caller stopped waiting. */
  lateResponses: number;
  /** Inbound messages refused as undecodable or as not the sender's to send. */
  invalid: number;
}
