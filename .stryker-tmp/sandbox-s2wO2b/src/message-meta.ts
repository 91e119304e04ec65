/**
 * What the runner knows of one message besides its envelope, in this cell only: shared by
 * the routing in runner.ts and the calls that start here (origin-calls.ts).
 */
// @ts-nocheck

import type { MethodDescriptor } from './service.js';
import type { Inbound } from './transport.js';

/** Per-message state that does not travel. */
export interface Meta {
  readonly deadline: number;
  /** The exchange a waiting neighbour listens on, when the transport has one. */
  readonly inbound?: Inbound;
  /** True in the cell that created the message. */
  readonly origin: boolean;
  readonly signal?: AbortSignal;
  /** At the origin: the method, to check answers against its result schema. */
  readonly method?: MethodDescriptor;
}
