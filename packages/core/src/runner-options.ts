/**
 * What a MessageRunner is configured with and what it counts, apart from the runner itself
 * so that the runner's file holds only its behaviour. Re-exported by runner.ts.
 */
import type { CallOptions } from './deadline.js';
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
  /** Casts that could not be handed to the next cell. */
  castFailures: number;
  /** Redelivered or looping messages that were not run again. */
  duplicates: number;
  /** Answers that came after their caller stopped waiting. */
  lateResponses: number;
  /** Inbound messages refused as undecodable or as not the sender's to send. */
  invalid: number;
}
