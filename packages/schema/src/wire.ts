/**
 * The wire format (DESIGN.md section 5): one JSON object per message. These types are the
 * source of schemas/envelope.json, schemas/response.json and schemas/remote-error.json.
 */
import type { JsonValue, RequestContext } from './types.js';

/** The three message types. */
export type WireMessageType = 'targeted' | 'broadcast' | 'response';

/** One message between two cells. */
export interface Envelope {
  message_type: WireMessageType;
  /** The request context of the origin. */
  ctxt: RequestContext;
  /** Wire name of the method (`parse_responses` for responses). */
  method_name: string;
  /** The arguments, keyed by the reference's argument names. */
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
  /** W3C trace context. */
  traceparent?: string;
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
  /** Structured details; always holds `code` (a cellwire error code) and `cell` (the path where it happened). */
  kwargs: { code: string; cell: string; [key: string]: JsonValue };
}

/** One cell's answer. When `failure` is true, `value` is a RemoteErrorJSON. */
export interface WireResponse {
  /** Path of the responding cell, from the origin's point of view. */
  cell_name: string;
  value: JsonValue;
  failure: boolean;
}
