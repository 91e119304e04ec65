/**
 * The message runner (reference sections 2 and 5): creates, routes and answers targeted,
 * broadcast and response messages for one cell. It knows no transport (only Links) and no
 * method (only the generated dispatch table).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Envelope, RequestContext, WireResponse } from '@cellwire/schema';
import {
  CellMaxHopCountReached,
  CellRoutingInconsistency,
  CellTimeout,
  CellUnavailable,
  InstanceUnknownCell,
  InvalidArgument,
  UnknownMethod,
} from './cell-errors.js';
import { checkArgs, checkCallerArgs, decodeEnvelope, encodeEnvelope, entryFor } from './codec.js';
import { hopWaitUntil, resolveDeadline, type CallOptions } from './deadline.js';
import { DedupeWindow } from './dedupe.js';
import { CellwireError } from './errors.js';
import { dispatchTable, methodSpecs, type CellHandlers } from './gen/dispatch.js';
import * as validators from './gen/validators.js';
import { consoleLogger, type Logger } from './logger.js';
import type { HandlerContext, MethodSpec, ValidateFunction } from './method-entry.js';
import { NeighbourState, type Neighbour, type NeighbourStateOptions } from './neighbours.js';
import { defaultErrorRegistry, type ErrorRegistry } from './remote-error.js';
import { Response } from './response.js';
import { appendHop, firstCell, nextHopName, PATH_CELL_SEP, previousCell, responseCellNameFromPath } from './routing.js';
import type { Inbound } from './transport.js';

/** Anything that can run a method by wire name: what generated client stubs call. */
export interface Invoker {
  invoke(method: string, ctxt: RequestContext, args: object, options?: CallOptions): Promise<unknown>;
}

export interface RunnerOptions extends NeighbourStateOptions {
  /** This cell's short name (no `!` or `@`). */
  readonly name: string;
  /** The reference handlers of this cell; a missing one answers `unknown_method`. */
  readonly handlers?: Partial<CellHandlers>;
  /** Hop limit of messages created here (default 10). */
  readonly maxHopCount?: number;
  /** Default call timeout (default 60 s). */
  readonly callTimeoutMs?: number;
  /** Most a hop keeps back from the deadline for its answer to travel home (default 250 ms). */
  readonly hopMarginMs?: number;
  /** How long a message uuid is remembered (default 5 min). */
  readonly dedupeWindowMs?: number;
  /** Error classes rebuilt from the wire (default: cellwire's own). */
  readonly errors?: ErrorRegistry;
  /** Send stack traces with remote errors (default false: stacks stay home). */
  readonly sendStacks?: boolean;
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
  /** Inbound messages refused as undecodable. */
  invalid: number;
}

/** Per-message state that does not travel. */
interface Meta {
  readonly deadline: number;
  /** The exchange a waiting neighbour listens on, when the transport has one. */
  readonly inbound?: Inbound;
  /** True in the cell that created the message. */
  readonly origin: boolean;
  readonly signal?: AbortSignal;
}

interface Waiter {
  readonly target: string;
  resolve(r: Response): void;
  reject(e: Error): void;
  readonly timer: NodeJS.Timeout;
  readonly dispose: () => void;
}

interface Collector {
  readonly env: Envelope;
  readonly meta: Meta;
  /** Neighbours that have not answered yet. */
  readonly awaiting: Set<string>;
  /** Neighbours' lists in arrival order. */
  readonly lists: WireResponse[][];
  local: Response | undefined;
  localPending: boolean;
  timer: NodeJS.Timeout | undefined;
  /** At the origin: settles the caller. */
  readonly resolve?: (responses: Response[]) => void;
  readonly reject?: (e: Error) => void;
  readonly dispose?: () => void;
}

interface ReplyChannel {
  readonly reply: (data: string | undefined) => void;
  readonly timer: NodeJS.Timeout;
}

const builtinMethods = new Set(['update_capabilities', 'update_capacities', 'announce_capabilities', 'announce_capacities']);

/**
 * Runs messages for one cell.
 *
 * @example
 * const runner = new MessageRunner({ name: 'api-cell', handlers: { serviceGetAll: () => [] } });
 * runner.addNeighbour('child', 'child-cell1', memory.connect({ name: 'child-cell1', urls: ['memory://child-cell1'] }, runner));
 * const perCell = await new CellsClient(runner).serviceGetAll(makeContext(), {});
 */
export class MessageRunner implements Invoker {
  readonly name: string;
  readonly state: NeighbourState;
  readonly errors: ErrorRegistry;
  readonly stats: RunnerStats = { received: 0, sent: 0, castFailures: 0, duplicates: 0, lateResponses: 0, invalid: 0 };
  readonly logger: Logger;
  private readonly handlers: Partial<CellHandlers>;
  private readonly maxHopCount: number;
  private readonly callTimeoutMs: number;
  private readonly hopMarginMs: number;
  private readonly sendStacks: boolean;
  private readonly dedupe: DedupeWindow;
  private readonly waiters = new Map<string, Waiter>();
  private readonly collectors = new Map<string, Collector>();
  private readonly replyChannels = new Map<string, ReplyChannel>();
  private closed = false;

  constructor(options: RunnerOptions) {
    if (!options.name || options.name.includes(PATH_CELL_SEP) || options.name.includes('@')) {
      throw new InvalidArgument(`invalid cell name '${options.name}': it must be non-empty, without '!' or '@'`);
    }
    this.name = options.name;
    this.state = new NeighbourState(options.name, options);
    this.handlers = options.handlers ?? {};
    this.maxHopCount = options.maxHopCount ?? 10;
    this.callTimeoutMs = options.callTimeoutMs ?? 60_000;
    this.hopMarginMs = options.hopMarginMs ?? 250;
    this.sendStacks = options.sendStacks ?? false;
    this.errors = options.errors ?? defaultErrorRegistry();
    this.logger = options.logger ?? consoleLogger(options.name);
    this.dedupe = new DedupeWindow(options.dedupeWindowMs);
  }

  /** Adds a parent or child reached through `link`. */
  addNeighbour(side: 'parent' | 'child', name: string, link: Neighbour['link']): Neighbour {
    return this.state.add(side, name, link);
  }

  /** Waiters, aggregations and held reply channels still open. Zero when the runner is idle. */
  pendingCount(): number {
    return this.waiters.size + this.collectors.size + this.replyChannels.size;
  }

  /** Fails every open call with `unavailable` and releases everything held. */
  close(): void {
    this.closed = true;
    const err = () => new CellwireError('unavailable', `cell ${this.name} is shutting down`, { cell: this.name });
    for (const [uuid, w] of this.waiters) this.settleWaiter(uuid, w, () => w.reject(err()));
    for (const [uuid, c] of this.collectors) {
      this.collectors.delete(uuid);
      clearTimeout(c.timer);
      c.dispose?.();
      c.reject?.(err());
    }
    for (const [key, ch] of this.replyChannels) {
      this.replyChannels.delete(key);
      clearTimeout(ch.timer);
      ch.reply(undefined);
    }
  }

  // ---------------------------------------------------------------------------------------
  // Calls that start here
  // ---------------------------------------------------------------------------------------

  /**
   * Runs a method from this cell, by wire name, as its spec says: a targeted message, a
   * broadcast, or one message per neighbour. Resolves with a Response (targeted call), a
   * list of Responses (broadcast call, and targeted_or_broadcast methods), or undefined (cast).
   */
  async invoke(method: string, ctxt: RequestContext, args: object, options: CallOptions = {}): Promise<unknown> {
    const spec = Object.hasOwn(methodSpecs, method) ? methodSpecs[method] : undefined;
    if (!spec || spec.internal) throw new UnknownMethod(method);
    if (options.signal?.aborted) throw abortError(options.signal);
    const kwargs = args as Record<string, unknown>;
    const needResponse = flag(spec.needResponse, kwargs);
    const deadline = resolveDeadline(options, this.callTimeoutMs);
    if (typeof spec.target === 'object' && 'neighbours' in spec.target) {
      const validate = (validators as unknown as Record<string, ValidateFunction | undefined>)[method];
      if (validate) checkCallerArgs({ wire: method, validate }, args);
      return this.sendToNeighbours(spec, spec.target.neighbours, ctxt, deadline, options);
    }
    const target = spec.target === 'none' ? undefined : targetOf(spec.target.arg, kwargs);
    const targeted = spec.kind === 'targeted' || (spec.kind === 'targeted_or_broadcast' && target !== undefined);
    const route = { direction: spec.direction, needResponse, fanout: spec.fanout ?? false };
    if (targeted) {
      if (!target) {
        if (spec.target !== 'none' && spec.target.arg.startsWith('instance.')) {
          const uuid = String((kwargs.instance as { uuid?: unknown } | undefined)?.uuid ?? '?');
          if (!needResponse) {
            // As the reference: an instance with no cell yet has nowhere to go; say so and move on.
            this.logger.warn(`${method}: no cell_name for instance ${uuid}; nothing sent`);
            return undefined;
          }
          throw new InstanceUnknownCell(uuid, { cell: this.name });
        }
        throw new CellRoutingInconsistency('No cell given in routing path.', { cell: this.name });
      }
      const env = this.newEnvelope('targeted', spec.sends ?? method, ctxt, kwargs, route, deadline, options);
      env.target_cell = target;
      const r = await this.startTargeted(env, deadline, options.signal);
      return spec.kind === 'targeted_or_broadcast' && r !== undefined ? [r] : r;
    }
    const runLocally = flag(spec.runLocally ?? true, kwargs);
    return this.broadcast(method, ctxt, kwargs, { ...route, runLocally }, { ...options, deadline });
  }

  /**
   * Low level: a targeted message for any method of the dispatch table, routed as given
   * (the reference's `_TargetedMessage`). Most code uses the generated client instead.
   *
   * @example
   * const r = await runner.targeted('get_host_uptime', ctxt, { cell_name, host_name: 'h1' },
   *   { target: 'api-cell!child-cell2', direction: 'down', needResponse: true });
   */
  targeted(
    method: string,
    ctxt: RequestContext,
    args: object,
    route: { target: string; direction: 'up' | 'down'; needResponse: boolean; fanout?: boolean },
    options: CallOptions = {},
  ): Promise<Response | undefined> {
    const deadline = resolveDeadline(options, this.callTimeoutMs);
    const env = this.newEnvelope('targeted', method, ctxt, args, route, deadline, options);
    env.target_cell = route.target;
    return this.startTargeted(env, deadline, options.signal);
  }

  /**
   * Low level: a broadcast of any method of the dispatch table (the reference's
   * `_BroadcastMessage`). A call resolves with one Response per cell reached.
   */
  broadcast(
    method: string,
    ctxt: RequestContext,
    args: object,
    route: { direction: 'up' | 'down'; needResponse: boolean; runLocally?: boolean; fanout?: boolean },
    options: CallOptions = {},
  ): Promise<Response[] | undefined> {
    const deadline = resolveDeadline(options, this.callTimeoutMs);
    const runLocally = route.runLocally ?? true;
    const env = this.newEnvelope('broadcast', method, ctxt, args, route, deadline, options);
    env.run_locally = runLocally;
    return this.startBroadcast(env, runLocally, deadline, options.signal);
  }

  private newEnvelope(
    type: 'targeted' | 'broadcast',
    method: string,
    ctxt: RequestContext,
    args: object,
    route: { direction: 'up' | 'down'; needResponse: boolean; fanout?: boolean },
    deadline: number,
    options: CallOptions,
  ): Envelope {
    const entry = entryFor({ method_name: method, message_type: type });
    checkCallerArgs(entry, args);
    return {
      message_type: type,
      ctxt,
      method_name: method,
      method_kwargs: args as Envelope['method_kwargs'],
      direction: route.direction,
      need_response: route.needResponse,
      fanout: route.fanout ?? false,
      uuid: randomUUID(),
      routing_path: '',
      hop_count: 0,
      max_hop_count: options.maxHopCount ?? this.maxHopCount,
      deadline,
      traceparent: options.traceparent ?? newTraceparent(),
    };
  }

  private startTargeted(env: Envelope, deadline: number, signal: AbortSignal | undefined): Promise<Response | undefined> {
    this.arrive(env);
    // Not remembered in the dedupe window: a targeted message follows its path away from
    // the origin and never comes back to it (broadcasts, which can, are remembered).
    const meta: Meta = signal ? { deadline, origin: true, signal } : { deadline, origin: true };
    if (!env.need_response) return this.processTargeted(env, meta).then(() => undefined);
    return new Promise<Response>((resolve, reject) => {
      const uuid = env.uuid;
      const target = env.target_cell ?? '';
      const timer = setTimeout(
        () => this.settleWaiter(uuid, waiter, () => reject(new CellTimeout(target, { cell: target }))),
        Math.max(0, deadline - Date.now()),
      );
      let dispose = noop;
      if (signal) {
        const onAbort = () => this.settleWaiter(uuid, waiter, () => reject(abortError(signal)));
        signal.addEventListener('abort', onAbort, { once: true });
        dispose = () => signal.removeEventListener('abort', onAbort);
      }
      const waiter: Waiter = { target, resolve, reject, timer, dispose };
      this.waiters.set(uuid, waiter);
      void this.processTargeted(env, meta);
    });
  }

  private startBroadcast(env: Envelope, runLocally: boolean, deadline: number, signal: AbortSignal | undefined): Promise<Response[] | undefined> {
    this.arrive(env);
    this.dedupe.firstSeen(env.uuid);
    const base: Meta = { deadline, origin: true, ...(signal ? { signal } : {}) };
    if (!env.need_response) return this.processBroadcast(env, base, runLocally).then(() => undefined);
    return new Promise<Response[]>((resolve, reject) => {
      const onAbort = () => {
        const c = this.collectors.get(env.uuid);
        if (c) this.dropCollector(env.uuid, c);
        reject(abortError(signal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      void this.processBroadcast(env, base, runLocally, {
        resolve,
        reject,
        dispose: () => signal?.removeEventListener('abort', onAbort),
      });
    });
  }

  /** ask_children_for_* and tell_parents_our_*: one cast per neighbour on one side. */
  private async sendToNeighbours(
    spec: MethodSpec,
    side: 'children' | 'parents',
    ctxt: RequestContext,
    deadline: number,
    options: CallOptions,
  ): Promise<undefined> {
    const neighbours = side === 'children' ? this.state.children : this.state.parents;
    const method = spec.sends ?? spec.wire;
    await Promise.all(
      [...neighbours.values()].map(async (n) => {
        try {
          await this.targeted(
            method,
            ctxt,
            this.builtinPayload(method),
            { target: `${this.name}${PATH_CELL_SEP}${n.name}`, direction: spec.direction, needResponse: false, fanout: spec.fanout ?? false },
            { ...options, deadline },
          );
        } catch (e) {
          this.logger.warn(`${spec.wire}: could not tell ${n.name}: ${(e as Error).message}`);
        }
      }),
    );
    return undefined;
  }

  private builtinPayload(method: string): Record<string, unknown> {
    if (method === 'update_capabilities') return { cell_name: this.name, capabilities: this.state.getOurCapabilities() };
    if (method === 'update_capacities') return { cell_name: this.name, capacities: this.state.getOurCapacities() };
    return {};
  }

  // ---------------------------------------------------------------------------------------
  // Messages from neighbours
  // ---------------------------------------------------------------------------------------

  /**
   * The InboundHandler to give every transport this cell listens on. Never rejects: bad
   * input is refused through `inbound.reject` or answered with a failure Response.
   */
  readonly receive = async (inbound: Inbound): Promise<void> => {
    this.stats.received++;
    let env: Envelope;
    try {
      env = decodeEnvelope(inbound.data, inbound.json);
    } catch (e) {
      this.stats.invalid++;
      const err = e instanceof CellwireError ? e : new InvalidArgument(String(e));
      err.cell ??= this.name;
      this.logger.warn(`refused a message: ${err.message}`, inbound.from ? { from: inbound.from } : undefined);
      if (inbound.reject) inbound.reject(err);
      else inbound.reply?.(undefined);
      return;
    }
    this.arrive(env);
    const meta: Meta = { deadline: env.deadline ?? Date.now() + this.callTimeoutMs, origin: false, inbound };
    if (!this.dedupe.firstSeen(env.uuid)) {
      this.stats.duplicates++;
      this.logger.debug(`dropped a repeated message ${env.uuid} (${env.method_name})`);
      // A broadcast caller waiting on this exchange gets an empty list: this cell already
      // answered through the first copy (a redelivery, or a second path in a graph).
      if (env.message_type === 'broadcast' && env.need_response && inbound.reply) {
        this.holdReply(env, inbound, meta.deadline);
        this.respondList(env, [], true);
      } else inbound.reply?.(undefined);
      return;
    }
    if (env.need_response && inbound.reply && env.message_type !== 'response') this.holdReply(env, inbound, meta.deadline);
    else inbound.reply?.(undefined);

    if (env.message_type === 'response') return this.routeResponse(env);
    try {
      entryFor(env);
    } catch (e) {
      return this.respondFailure(env, e, meta);
    }
    if (env.message_type === 'targeted') return this.processTargeted(env, meta);
    return this.processBroadcast(env, meta, true);
  };

  /** This cell's hop: append our name, count one more hop. */
  private arrive(env: Envelope): void {
    env.routing_path = appendHop(env.routing_path, this.name);
    env.hop_count += 1;
  }

  /** Keeps the exchange a waiting neighbour listens on, so its answer can go straight back. */
  private holdReply(env: Envelope, inbound: Inbound, deadline: number): void {
    const from = previousCell(env.routing_path);
    if (!from || !inbound.reply) return;
    const key = `${env.uuid}>${from}`;
    const timer = setTimeout(() => {
      if (this.replyChannels.get(key)?.timer !== timer) return;
      this.replyChannels.delete(key);
      inbound.reply?.(undefined);
    }, Math.max(0, deadline - Date.now()));
    timer.unref?.();
    this.replyChannels.set(key, { reply: inbound.reply, timer });
  }

  private takeReply(uuid: string, neighbour: string): ReplyChannel['reply'] | undefined {
    const key = `${uuid}>${neighbour}`;
    const ch = this.replyChannels.get(key);
    if (!ch) return undefined;
    this.replyChannels.delete(key);
    clearTimeout(ch.timer);
    return ch.reply;
  }

  private neighbourFor(env: Envelope, name: string): Neighbour | undefined {
    return (env.direction === 'up' ? this.state.parents : this.state.children).get(name);
  }

  // ---------------------------------------------------------------------------------------
  // Targeted messages (reference 2.2)
  // ---------------------------------------------------------------------------------------

  private async processTargeted(env: Envelope, meta: Meta): Promise<void> {
    const target = env.target_cell ?? '';
    let next: string | null;
    try {
      next = nextHopName(target, env.routing_path);
    } catch (e) {
      return this.respondFailure(env, e, meta);
    }
    if (next === null) {
      const response = await this.runLocally(env, meta);
      return this.respond(env, [response], false, meta);
    }
    const neighbour = this.neighbourFor(env, next);
    if (!neighbour) {
      const side = env.direction === 'up' ? 'parent' : 'child';
      return this.respondFailure(env, new CellRoutingInconsistency(`Unknown ${side} when routing to ${target}`), meta);
    }
    if (env.hop_count >= env.max_hop_count) return this.respondFailure(env, new CellMaxHopCountReached(env.hop_count), meta);
    const nextPath = appendHop(env.routing_path, next);
    const waitUntil = env.need_response ? hopWaitUntil(meta.deadline, env.hop_count, this.hopMarginMs) : meta.deadline;
    try {
      this.stats.sent++;
      const reply = await neighbour.link.send(encodeEnvelope(env), {
        messageType: 'targeted',
        fanout: env.fanout,
        expectReply: env.need_response,
        deadline: waitUntil,
        durable: !env.need_response,
      });
      if (reply !== undefined) await this.acceptReply(reply, env, meta, next);
    } catch (e) {
      const err = linkError(e, nextPath, next);
      if (!env.need_response) {
        this.stats.castFailures++;
        this.logger.warn(`cast ${env.method_name} to ${target} failed at ${env.routing_path}: ${err.message}`, { code: err.code });
        if (meta.origin) throw err;
        return;
      }
      return this.respondFailure(env, err, meta);
    }
  }

  /** A reply that came back on the same exchange: route it like any response message. */
  private async acceptReply(reply: string, env: Envelope, meta: Meta, from: string): Promise<void> {
    let decoded: Envelope;
    try {
      decoded = decodeEnvelope(reply);
      if (decoded.message_type !== 'response') throw new InvalidArgument(`expected a response, got a ${decoded.message_type} message`);
    } catch (e) {
      const err = new InvalidArgument(`cell ${from} answered with an undecodable reply: ${(e as Error).message}`, {
        cell: appendHop(env.routing_path, from),
      });
      if (env.message_type === 'broadcast') return this.collectorFailed(env.uuid, from, err);
      return this.respondFailure(env, err, meta);
    }
    this.stats.received++;
    this.arrive(decoded);
    // No dedupe here: a reply on the exchange arrives once (the transport settles a send
    // once), so remembering its uuid would only cost a Map entry per call.
    return this.routeResponse(decoded);
  }

  // ---------------------------------------------------------------------------------------
  // Broadcasts (reference 2.3, with its error paths fixed: always one list)
  // ---------------------------------------------------------------------------------------

  private async processBroadcast(
    env: Envelope,
    meta: Meta,
    runLocally: boolean,
    origin?: Pick<Collector, 'resolve' | 'reject' | 'dispose'>,
  ): Promise<void> {
    const hops =
      env.hop_count >= env.max_hop_count ? [] : [...(env.direction === 'down' ? this.state.children : this.state.parents).values()];
    if (!env.need_response) {
      if (runLocally) {
        const r = await this.runLocally(env, meta);
        if (r.failure) this.logger.warn(`cast ${env.method_name} failed at ${env.routing_path}: ${(r.value as Error).message}`);
      }
      if (hops.length === 0) return;
      const data = encodeEnvelope(env);
      await Promise.all(
        hops.map((n) => {
          this.stats.sent++;
          return n.link.send(data, { messageType: 'broadcast', fanout: env.fanout, expectReply: false, deadline: meta.deadline, durable: true }).then(
            () => undefined,
            (e: unknown) => {
              this.stats.castFailures++;
              const err = linkError(e, appendHop(env.routing_path, n.name), n.name);
              this.logger.warn(`broadcast ${env.method_name} could not reach ${err.cell}: ${err.message}`, { code: err.code });
            },
          );
        }),
      );
      return;
    }
    if (this.collectors.has(env.uuid)) {
      // The same broadcast reached us twice at once (a cell with two parents): answer once.
      return this.respondList(env, [], true);
    }
    const waitUntil = hopWaitUntil(meta.deadline, env.hop_count, this.hopMarginMs);
    const collector: Collector = {
      env,
      meta,
      awaiting: new Set(hops.map((n) => n.name)),
      lists: [],
      local: undefined,
      localPending: runLocally,
      timer: undefined,
      ...origin,
    };
    this.collectors.set(env.uuid, collector);
    collector.timer = setTimeout(() => this.collectorTimeout(env.uuid), Math.max(0, waitUntil - Date.now()));
    if (hops.length > 0) {
      const data = encodeEnvelope(env);
      for (const n of hops) {
        this.stats.sent++;
        n.link.send(data, { messageType: 'broadcast', fanout: env.fanout, expectReply: true, deadline: waitUntil, durable: false }).then(
          (reply) => (reply === undefined ? undefined : this.acceptReply(reply, env, meta, n.name)),
          (e: unknown) => this.collectorFailed(env.uuid, n.name, e),
        );
      }
    }
    if (runLocally) {
      const local = await this.runLocally(env, meta);
      collector.local = local;
      collector.localPending = false;
    }
    this.maybeFinish(env.uuid, collector);
  }

  private collectorFailed(uuid: string, neighbour: string, e: unknown): void {
    const c = this.collectors.get(uuid);
    if (!c || !c.awaiting.delete(neighbour)) return;
    const path = appendHop(c.env.routing_path, neighbour);
    const err = linkError(e, path, neighbour);
    c.lists.push([Response.failure(path, err).toJSON(this.errors, this.sendStacks)]);
    this.maybeFinish(uuid, c);
  }

  private collectorTimeout(uuid: string): void {
    const c = this.collectors.get(uuid);
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
    this.maybeFinish(uuid, c);
  }

  private maybeFinish(uuid: string, c: Collector): void {
    if (c.awaiting.size > 0 || c.localPending || this.collectors.get(uuid) !== c) return;
    this.collectors.delete(uuid);
    clearTimeout(c.timer);
    c.dispose?.();
    const flat = c.lists.flat();
    if (c.resolve) {
      const out = flat.map((w) => Response.fromJSON(w, this.errors));
      if (c.local) out.push(c.local);
      c.resolve(out);
      return;
    }
    if (c.local) flat.push(c.local.toJSON(this.errors, this.sendStacks));
    this.respondList(c.env, flat, true);
  }

  private dropCollector(uuid: string, c: Collector): void {
    if (this.collectors.get(uuid) !== c) return;
    this.collectors.delete(uuid);
    clearTimeout(c.timer);
    c.dispose?.();
  }

  // ---------------------------------------------------------------------------------------
  // Running locally and answering
  // ---------------------------------------------------------------------------------------

  private async runLocally(env: Envelope, meta: Meta): Promise<Response> {
    const path = env.routing_path;
    try {
      const entry = entryFor(env);
      if (!meta.origin) checkArgs(entry, env.method_kwargs);
      if (entry.topOnly && !this.state.isTop()) return Response.success(path, null);
      const builtin = builtinMethods.has(entry.wire);
      const fn = builtin ? undefined : (this.handlers as Record<string, unknown>)[entry.handler];
      if (!builtin && typeof fn !== 'function') throw new UnknownMethod(entry.wire, `is not implemented by cell ${this.name}`);
      const ctx = this.handlerContext(env, meta);
      const value = builtin
        ? await this.runBuiltin(entry.wire, ctx, env.method_kwargs)
        : await (fn as (c: HandlerContext, a: unknown) => unknown).call(this.handlers, ctx, env.method_kwargs);
      return Response.success(path, value ?? null);
    } catch (e) {
      if (e instanceof CellwireError) e.cell ??= path;
      return Response.failure(path, e instanceof Error ? e : new Error(String(e)));
    }
  }

  private handlerContext(env: Envelope, meta: Meta): HandlerContext {
    return new LocalContext(env, meta.deadline, this);
  }

  /** The neighbour-state methods core answers itself (reference 1.3 and section 4). */
  private async runBuiltin(method: string, ctx: HandlerContext, args: Record<string, unknown>): Promise<null> {
    const from = String(args.cell_name ?? '');
    if (method === 'update_capabilities' || method === 'update_capacities') {
      const ok =
        method === 'update_capabilities'
          ? this.state.updateCellCapabilities(from, args.capabilities as never)
          : this.state.updateCellCapacities(from, args.capacities as never);
      if (!ok) {
        this.logger.warn(`${method} from unknown child cell '${from}' ignored`);
        return null;
      }
    }
    const cascade = method.endsWith('capabilities') ? 'tell_parents_our_capabilities' : 'tell_parents_our_capacities';
    await this.invoke(cascade, ctx.ctxt, {}, { deadline: Date.now() + this.callTimeoutMs });
    return null;
  }

  private respondFailure(env: Envelope, e: unknown, meta: Meta): void {
    const err = e instanceof Error ? e : new Error(String(e));
    if (err instanceof CellwireError) err.cell ??= env.routing_path;
    const r = Response.failure(env.routing_path, err);
    if (env.message_type === 'broadcast') {
      // A broadcast always answers with a list, even when it cannot go on (reference bug fixed).
      if (meta.origin) {
        const c = this.collectors.get(env.uuid);
        if (c?.resolve) {
          this.dropCollector(env.uuid, c);
          c.resolve([r]);
        }
        return;
      }
      if (!env.need_response) {
        this.logger.warn(`broadcast ${env.method_name} failed at ${env.routing_path}: ${err.message}`);
        return;
      }
      return this.respondList(env, [r.toJSON(this.errors, this.sendStacks)], true);
    }
    this.respond(env, [r], false, meta);
  }

  /** Answers a targeted message: to the waiter here, or back along the reversed path. */
  private respond(env: Envelope, responses: Response[], neighbourOnly: boolean, meta: Meta): void {
    if (!env.need_response) {
      for (const r of responses) {
        if (r.failure) this.logger.warn(`cast ${env.method_name} failed at ${r.cellName}: ${(r.value as Error).message}`);
      }
      return;
    }
    if (env.routing_path === this.name) {
      const w = this.waiters.get(env.uuid);
      const first = responses[0];
      if (w && first) this.settleWaiter(env.uuid, w, () => (isTimeout(first) ? w.reject(first.value as Error) : w.resolve(first)));
      return;
    }
    void meta;
    this.respondList(env, responses.map((r) => r.toJSON(this.errors, this.sendStacks)), neighbourOnly);
  }

  /** Sends a response message for `env` (reference _send_json_responses). */
  private respondList(env: Envelope, responses: WireResponse[], neighbourOnly: boolean): void {
    const res: Envelope = {
      message_type: 'response',
      ctxt: env.ctxt,
      method_name: 'parse_responses',
      method_kwargs: { responses: responses as unknown as Envelope['method_kwargs'][string] },
      direction: env.direction === 'up' ? 'down' : 'up',
      need_response: false,
      fanout: false,
      uuid: randomUUID(),
      routing_path: '',
      hop_count: 0,
      max_hop_count: env.max_hop_count,
      target_cell: responseCellNameFromPath(env.routing_path, neighbourOnly),
      response_uuid: env.uuid,
    };
    if (env.deadline !== undefined) res.deadline = env.deadline;
    if (env.traceparent !== undefined) res.traceparent = env.traceparent;
    this.arrive(res);
    // Not remembered in the dedupe window: a response made here never comes back here.
    void this.routeResponse(res);
  }

  /** Moves a response message one hop on, or hands it to whoever waits here. */
  private async routeResponse(res: Envelope): Promise<void> {
    const target = res.target_cell ?? '';
    let next: string | null;
    try {
      next = nextHopName(target, res.routing_path);
    } catch (e) {
      this.logger.error(`cannot route a response: ${(e as Error).message}`);
      return;
    }
    const responses = (res.method_kwargs.responses ?? []) as unknown as WireResponse[];
    const responseUuid = res.response_uuid ?? '';
    if (next === null) return this.deliver(responseUuid, responses, firstCell(res.routing_path));
    const neighbour = this.neighbourFor(res, next);
    if (!neighbour) {
      this.logger.error(`cannot route a response to ${target}: ${next} is not a neighbour of ${this.name}`);
      return;
    }
    const data = encodeEnvelope(res);
    const reply = this.takeReply(responseUuid, next);
    if (reply) {
      reply(data);
      return;
    }
    // No exchange to answer on: a new message. The last hop goes to every service instance
    // of the origin cell, since only one of them holds the waiter (reference 2.4).
    const lastHop = res.routing_path.split(PATH_CELL_SEP).length + 1 === target.split(PATH_CELL_SEP).length;
    try {
      this.stats.sent++;
      await neighbour.link.send(data, { messageType: 'response', fanout: lastHop, expectReply: false, deadline: res.deadline ?? Date.now() + this.callTimeoutMs, durable: false });
    } catch (e) {
      this.logger.warn(`could not send a response to ${next}: ${(e as Error).message}`);
    }
  }

  /** Responses for a call that waits in this cell. */
  private deliver(uuid: string, responses: WireResponse[], from: string): void {
    const w = this.waiters.get(uuid);
    if (w) {
      const first = responses[0];
      const r = first ? Response.fromJSON(first, this.errors) : Response.failure(w.target, new CellTimeout(w.target));
      this.settleWaiter(uuid, w, () => (isTimeout(r) ? w.reject(r.value as Error) : w.resolve(r)));
      return;
    }
    const c = this.collectors.get(uuid);
    if (c && c.awaiting.delete(from)) {
      c.lists.push(responses);
      this.maybeFinish(uuid, c);
      return;
    }
    this.stats.lateResponses++;
    this.logger.debug(`dropped a late response for ${uuid} from ${from}`);
  }

  private settleWaiter(uuid: string, w: Waiter, settle: () => void): void {
    if (this.waiters.get(uuid) !== w) return;
    this.waiters.delete(uuid);
    clearTimeout(w.timer);
    w.dispose();
    settle();
  }

  /** Whether this runner was closed. */
  get isClosed(): boolean {
    return this.closed;
  }
}

const noop = (): void => undefined;

/** What a handler gets: a plain class, so that making one per message allocates one object. */
class LocalContext implements HandlerContext {
  readonly ctxt: RequestContext;
  readonly routingPath: string;
  readonly needResponse: boolean;
  readonly uuid: string;
  readonly traceparent: string | undefined;
  private signalValue: AbortSignal | undefined;

  constructor(
    readonly message: Envelope,
    readonly deadline: number,
    readonly runner: MessageRunner,
  ) {
    this.ctxt = message.ctxt;
    this.routingPath = message.routing_path;
    this.needResponse = message.need_response;
    this.uuid = message.uuid;
    this.traceparent = message.traceparent;
  }

  /** Made only when a handler asks for it: most never do. */
  get signal(): AbortSignal {
    this.signalValue ??= AbortSignal.timeout(Math.max(0, this.deadline - Date.now()));
    return this.signalValue;
  }
}

/** A targeted call that timed out anywhere on its path rejects, rather than resolving with a failure. */
function isTimeout(r: Response): boolean {
  return r.failure && r.value instanceof CellwireError && r.value.code === 'timeout';
}

/** Reads a fixed flag, or one taken from an argument. */
function flag(spec: boolean | { arg: string; negate?: boolean; default: boolean }, args: Record<string, unknown>): boolean {
  if (typeof spec === 'boolean') return spec;
  const v = args[spec.arg];
  if (typeof v !== 'boolean') return spec.default;
  return spec.negate ? !v : v;
}

// Argument paths of the specs, split once.
const argPaths = new Map<string, readonly string[]>();

/** `cell_name` or a dotted path such as `instance.cell_name`. */
function targetOf(argPath: string, args: Record<string, unknown>): string | undefined {
  let parts = argPaths.get(argPath);
  if (!parts) argPaths.set(argPath, (parts = argPath.split('.')));
  let v: unknown = args;
  for (const part of parts) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/** A link failure as a CellwireError that names the cell it could not reach. */
function linkError(e: unknown, path: string, neighbour: string): CellwireError {
  if (e instanceof CellwireError) {
    if (e.code === 'timeout' && !(e instanceof CellTimeout)) return new CellTimeout(path, { cause: e });
    e.cell = path;
    return e;
  }
  return new CellUnavailable(neighbour, e instanceof Error ? e.message : String(e), { cell: path, cause: e });
}

function abortError(signal: AbortSignal | undefined): CellwireError {
  const reason = signal?.reason instanceof Error ? signal.reason.message : 'the call was aborted';
  return new CellwireError('aborted', reason);
}

// Random bytes for trace ids, drawn in batches: one randomBytes call per 256 messages
// instead of one (a synchronous trip to the CSPRNG) per message.
const TRACE_BYTES = 24;
const TRACE_POOL = TRACE_BYTES * 256;
let tracePool = Buffer.alloc(0);
let traceOffset = TRACE_POOL;

/** A new W3C traceparent: version 00, random trace and span ids, sampled. */
export function newTraceparent(): string {
  if (traceOffset + TRACE_BYTES > tracePool.length) {
    tracePool = randomBytes(TRACE_POOL);
    traceOffset = 0;
  }
  const b = tracePool.toString('hex', traceOffset, traceOffset + TRACE_BYTES);
  traceOffset += TRACE_BYTES;
  return `00-${b.slice(0, 32)}-${b.slice(32, 48)}-01`;
}
