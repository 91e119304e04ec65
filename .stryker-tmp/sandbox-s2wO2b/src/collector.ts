/**
 * Broadcast aggregation (reference 2.3, with its error paths fixed: always one list). A cell
 * that forwards a broadcast waits for every neighbour it sent it to and for its own handler,
 * then answers once: the neighbours' lists in the order they arrived, its own answer last.
 * At the hop's share of the deadline it stops waiting and names each silent neighbour (and
 * itself, if its handler is still running) with a timeout, so a slow subtree costs a partial
 * answer rather than the whole call. At the origin the list settles the caller; elsewhere
 * it goes upstream as a response message.
 */
// @ts-nocheck

import { checkedResult, fromWire } from './answers.js';
import { CellTimeout } from './cell-errors.js';
import { linkError } from './link-errors.js';
import type { ErrorRegistry } from './remote-error.js';
import { Response } from './response.js';
import { appendHop } from './routing.js';
import type { MethodDescriptor } from './service.js';
import { timerUntil } from './timers.js';
import type { Envelope, WireResponse } from './wire.js';

/** At the origin: the caller of a broadcast, waiting for the list. */
export interface BroadcastCaller {
  readonly resolve: (responses: Response[]) => void;
  readonly reject: (e: Error) => void;
  /** Removes the caller's abort listener. */
  readonly dispose: () => void;
}

/** One broadcast being aggregated here. */
export class Collector {
  /** Neighbours' lists in arrival order. */
  readonly lists: WireResponse[][] = [];
  /** Neighbours that have not answered yet. */
  readonly awaiting = new Set<string>();
  /** This cell's own answer, once its handler ran (or timed out). */
  local: Response | undefined = undefined;
  timer: NodeJS.Timeout | undefined = undefined;

  constructor(
    readonly env: Envelope,
    /** At the origin: the method, to check answers against its result schema. */
    readonly method: MethodDescriptor | undefined,
    /** Whether this cell's own handler is still to answer. */
    public localPending: boolean,
    /** At the origin; undefined where the list goes upstream. */
    readonly caller: BroadcastCaller | undefined,
  ) {}
}

export class Collectors {
  private readonly byUuid = new Map<string, Collector>();

  constructor(
    private readonly errors: ErrorRegistry,
    private readonly sendStacks: boolean,
    /** Sends a finished list upstream, as the answer of `env` (given once, by the runner). */
    private readonly answerUpstream: (env: Envelope, responses: WireResponse[]) => void,
  ) {}

  get size(): number {
    return this.byUuid.size;
  }

  /**
   * Starts aggregating `env`: waits for `neighbours` and, when `runLocally`, for this cell's
   * own answer (`ranLocally`), until `waitUntil`.
   */
  open(
    env: Envelope,
    method: MethodDescriptor | undefined,
    neighbours: Iterable<{ readonly name: string }>,
    runLocally: boolean,
    waitUntil: number,
    caller: BroadcastCaller | undefined,
  ): Collector {
    const c = new Collector(env, method, runLocally, caller);
    for (const n of neighbours) c.awaiting.add(n.name);
    const uuid = env.uuid;
    this.byUuid.set(uuid, c);
    c.timer = timerUntil(waitUntil, () => this.timeout(uuid));
    return c;
  }

  /** This cell's own answer. Ignored when the collector already finished (it timed out). */
  ranLocally(c: Collector, local: Response): void {
    c.local = local;
    c.localPending = false;
    this.finishIfDone(c);
  }

  /**
   * A neighbour's list, by message uuid. False when nothing here waits for it (no such
   * collector, or that neighbour already answered or timed out): the caller counts it late.
   */
  arrived(uuid: string, from: string, responses: WireResponse[]): boolean {
    const c = this.byUuid.get(uuid);
    if (!c || !c.awaiting.delete(from)) return false;
    c.lists.push(responses);
    this.finishIfDone(c);
    return true;
  }

  /** A neighbour that could not be reached, or sent an unusable reply: a failure naming it. */
  neighbourFailed(uuid: string, neighbour: string, e: unknown): void {
    const c = this.byUuid.get(uuid);
    if (!c || !c.awaiting.delete(neighbour)) return;
    const path = appendHop(c.env.routing_path, neighbour);
    const err = linkError(e, path, neighbour);
    c.lists.push([Response.failure(path, err).toJSON(this.errors, this.sendStacks)]);
    this.finishIfDone(c);
  }

  /** At the origin: settles the caller with `r` alone, when the broadcast cannot go on. */
  failAtOrigin(uuid: string, r: Response): void {
    const c = this.byUuid.get(uuid);
    if (!c?.caller) return;
    this.release(c);
    c.caller.resolve([r]);
  }

  /** Stops aggregating message `uuid`, answering nobody (the caller aborted). */
  drop(uuid: string): void {
    const c = this.byUuid.get(uuid);
    if (c) this.release(c);
  }

  /** Rejects every waiting caller and drops every collector (the runner is closing). */
  failAll(error: () => Error): void {
    for (const [uuid, c] of this.byUuid) {
      this.byUuid.delete(uuid);
      clearTimeout(c.timer);
      c.caller?.dispose();
      c.caller?.reject(error());
    }
  }

  /** The hop's share of the deadline passed: whoever has not answered is named with a timeout. */
  private timeout(uuid: string): void {
    const c = this.byUuid.get(uuid);
    if (!c) return;
    c.timer = undefined;
    for (const n of c.awaiting) {
      const path = appendHop(c.env.routing_path, n);
      c.lists.push([Response.failure(path, new CellTimeout(path)).toJSON(this.errors, this.sendStacks)]);
    }
    c.awaiting.clear();
    if (c.localPending) {
      // Our own handler is still running at the deadline: report that rather than wait.
      c.local = Response.failure(c.env.routing_path, new CellTimeout(c.env.routing_path));
      c.localPending = false;
    }
    this.finishIfDone(c);
  }

  /** Answers once everyone answered; only the first call that finds it complete does. */
  finishIfDone(c: Collector): void {
    if (c.awaiting.size > 0 || c.localPending || this.byUuid.get(c.env.uuid) !== c) return;
    this.release(c);
    const flat = c.lists.flat();
    const caller = c.caller;
    if (caller) {
      // Settling the caller must not throw past here (it runs inside transport callbacks):
      // every answer was checked on arrival, and a bad one becomes a failure Response.
      const method = c.method;
      const out = flat.map((w) => fromWire(w, method, this.errors));
      if (c.local) out.push(method ? checkedResult(c.local, method) : c.local);
      caller.resolve(out);
      return;
    }
    if (c.local) flat.push(c.local.toJSON(this.errors, this.sendStacks));
    this.answerUpstream(c.env, flat);
  }

  private release(c: Collector): void {
    if (this.byUuid.get(c.env.uuid) !== c) return;
    this.byUuid.delete(c.env.uuid);
    clearTimeout(c.timer);
    c.caller?.dispose();
  }
}
