/**
 * The wire format (docs/wire-format.md): one JSON object per message. These types are the
 * source of schemas/wire/*.json and of core's generated wire validators (src/gen/wire.ts);
 * they belong to the protocol, not to any service.
 */

/** Any JSON value. Used where a method passes free-form data. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };

/**
 * The request context that travels with every message (`ctxt`), as nova's
 * `RequestContext.to_dict()` produced it. Keys not declared here are kept as they are.
 */
export interface RequestContext {
  /** Request id, `req-<uuid>`. */
  request_id: string;
  /** The acting user; null for an admin context made by a service. */
  user_id: string | null;
  /** The acting project; null for an admin context made by a service. */
  project_id: string | null;
  roles: string[];
  is_admin: boolean;
  /** Whether queries see soft-deleted rows: `no` (default), `yes`, or `only` deleted rows. */
  read_deleted: 'no' | 'yes' | 'only';
  /** When the request started (ISO 8601). */
  timestamp: string;
  user_name?: string | null;
  project_name?: string | null;
  /** Address of the API client that made the request. */
  remote_address?: string | null;
  /** Request id of the caller that started a chain of requests across services. */
  global_request_id?: string | null;
  /** Keystone token; travels between cells as in the reference. */
  auth_token?: string | null;
  /** Any other key of the reference context (`user`, `tenant`, `service_catalog`, ...), kept as is. */
  [extra: string]: JsonValue | undefined;
}

/** The three message types. */
export type WireMessageType = 'targeted' | 'broadcast' | 'response';

/** One message between two cells. */
export interface Envelope {
  message_type: WireMessageType;
  /** The request context of the origin. */
  ctxt: RequestContext;
  /** Wire name of the method (`parse_responses` for responses). */
  method_name: string;
  /** The arguments, keyed by the method's argument names. */
  method_kwargs: { [name: string]: JsonValue };
  direction: 'up' | 'down';
  /** Whether the origin waits for an answer. */
  need_response: boolean;
  /** Deliver to every service instance of the next cell. */
  fanout: boolean;
  /** Message id, set once by the origin; the same at every hop. */
  uuid: string;
  /** The cells visited so far, joined with `!` (the sender's value). */
  routing_path: string;
  /** The sender's hop count; the receiver adds one. */
  hop_count: number;
  /** Set once by the origin; governs the whole trip. */
  max_hop_count: number;
  /** Targeted and response messages: the destination path, from the origin's point of view. */
  target_cell?: string;
  /** Response messages: the uuid of the message answered. */
  response_uuid?: string;
  /** Broadcasts from the origin: whether the origin ran it locally (kept for diagnosis). */
  run_locally?: boolean;
  /** Absolute time (ms since epoch) by which the origin needs its answer. */
  deadline?: number;
  /**
   * Calls only: how many ms before `deadline` the receiver's answer must leave it to reach
   * the origin in time, as the sender estimates it: the one-way time of the sender's link
   * to the receiver (half its smoothed round-trip time plus twice its variance, capped)
   * plus the time the sender itself keeps back for its own way home. The receiver stops
   * waiting for its neighbours that long (and a few ms more) before the deadline, and sets
   * its own value in each copy it sends on. Absent when the sender has no estimate yet
   * (the receiver then keeps its fixed margin) and from cells that predate it.
   *
   * @minimum 0
   */
  reply_ms?: number;
  /** W3C trace context. */
  traceparent?: string;
  /**
   * Name and version of the sending cell's service, `nova_cells@1.0.0`: for a targeted or
   * broadcast message, the service of `method_name` in the cell that created it (forwarding
   * cells leave it as it is); for a response, that service in the answering cell, when it
   * serves it. A receiver on an older minor version of the same service drops argument
   * properties it does not know (docs/upgrades.md). Absent from cells that predate it.
   */
  service_version?: string;
}

/** A remote error as it travels (the reference's serialize_remote_exception). */
export interface RemoteErrorJSON {
  /** Class name, e.g. `CellRoutingInconsistency`. */
  class: string;
  /** Module of the class, e.g. `cellwire.errors` (or `nova.exception`). */
  module: string;
  message: string;
  /** Stack lines; empty unless the sending cell is configured to send them. */
  tb: string[];
  args: JsonValue[];
  /**
   * Structured details; always holds `code` (a cellwire error code) and `cell` (the path
   * where it happened); `retryable` says whether a retry may succeed.
   */
  kwargs: { code: string; cell: string; retryable?: boolean; [key: string]: JsonValue | undefined };
}

/** One cell's answer. When `failure` is true, `value` is a RemoteErrorJSON. */
export interface WireResponse {
  /** Path of the responding cell, from the origin's point of view. */
  cell_name: string;
  value: JsonValue;
  failure: boolean;
}

/** The arguments of a response message (`parse_responses`). */
export interface ResponseMessageArgs {
  responses: WireResponse[];
}
