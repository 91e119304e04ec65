/**
 * The message runner (docs/architecture.md): creates, routes and answers targeted, broadcast
 * and response messages for one cell. It knows no transport (only Links) and no method: the
 * services it serves are given to it as descriptors (registry.ts).
 */
import { randomUUID } from 'node:crypto';
import { CellMaxHopCountReached, CellRoutingInconsistency, CellTimeout, CellUnavailable, InvalidArgument, UnknownMethod } from './cell-errors.js';
import {
  checkCallerArgs,
  checkMessageType,
  checkReceivedArgs,
  checkResult,
  decodeEnvelope,
  describeValidation,
  encodeEnvelope,
  RESPONSE_METHOD,
  serviceVersion,
} from './codec.js';
import { hopWaitUntil, resolveDeadline, type CallOptions } from './deadline.js';
import { DedupeWindow } from './dedupe.js';
import { CellwireError } from './errors.js';
import { validateRequestContext } from './gen/wire.js';
import { LocalContext } from './handler-context.js';
import { applyInterceptors, type CallContext, type Interceptor } from './interceptor.js';
import { jsonProblem } from './json-value.js';
import { consoleLogger, type Logger } from './logger.js';
import { NeighbourState, type Neighbour, type NeighbourStateOptions } from './neighbours.js';
import { ServiceRegistry, type Registered } from './registry.js';
import { defaultErrorRegistry, type ErrorRegistry } from './remote-error.js';
import { Response } from './response.js';
import { appendHop, firstCell, nextHopName, PATH_CELL_SEP, previousCell, responseCellNameFromPath } from './routing.js';
import type { AnyService, MethodDescriptor, ServiceHandlers, ServiceImpl } from './service.js';
import { safeDelay, timerUntil } from './timers.js';
import { newTraceparent } from './trace.js';
import type { Inbound } from './transport.js';
import type { Envelope, RequestContext, WireResponse } from './wire.js';

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

/** Per-message state that does not travel. */
interface Meta {
  readonly deadline: number;
  /** The exchange a waiting neighbour listens on, when the transport has one. */
  readonly inbound?: Inbound;
  /** True in the cell that created the message. */
  readonly origin: boolean;
  readonly signal?: AbortSignal;
  /** At the origin: the method, to check answers against its result schema. */
  readonly method?: MethodDescriptor;
}

interface Waiter {
  readonly target: string;
  readonly method: MethodDescriptor | undefined;
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

/** How a message created here travels. */
interface Route {
  readonly direction: 'up' | 'down';
  readonly needResponse: boolean;
  readonly fanout?: boolean;
}

/**
 * Runs messages for one cell.
 *
 * @example
 * const runner = new MessageRunner({ name: 'api-cell', services: [serve(novaCells, handlers)] });
 * runner.addNeighbour('child', 'child-cell1', memory.connect({ name: 'child-cell1', urls: ['memory://child-cell1'] }, runner));
 * const perCell = await createClient(novaCells, runner).serviceGetAll(makeContext(), {});
 */
export class MessageRunner implements Invoker {
  readonly name: string;
  readonly state: NeighbourState;
  readonly errors: ErrorRegistry;
  readonly stats: RunnerStats = { received: 0, sent: 0, castFailures: 0, duplicates: 0, lateResponses: 0, invalid: 0 };
  readonly logger: Logger;
  private readonly registry = new ServiceRegistry();
  private readonly interceptors: readonly Interceptor[];
  private readonly maxHopCount: number;
  private readonly callTimeoutMs: number;
  private readonly maxDeadlineMs: number;
  private readonly hopMarginMs: number;
  private readonly sendStacks: boolean;
  private readonly sendServiceVersion: boolean;
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
    for (const s of options.services ?? []) this.registry.add(s);
    this.interceptors = options.interceptors ?? [];
    this.maxHopCount = options.maxHopCount ?? 10;
    this.maxDeadlineMs = options.maxDeadlineMs ?? 3_600_000;
    this.callTimeoutMs = Math.min(options.callTimeoutMs ?? 60_000, this.maxDeadlineMs);
    this.hopMarginMs = options.hopMarginMs ?? 250;
    this.sendStacks = options.sendStacks ?? false;
    this.sendServiceVersion = options.sendServiceVersion ?? true;
    this.errors = options.errors ?? defaultErrorRegistry();
    this.logger = options.logger ?? consoleLogger(options.name);
    this.dedupe = new DedupeWindow(options.dedupeWindowMs);
  }

  /**
   * Serves one more service (Connect's `router.service(desc, impl)`). A wire name another
   * registered service already uses is refused, naming both services.
   */
  service<S extends AnyService>(service: S, handlers: Partial<ServiceHandlers<S>> = {}): this {
    this.registry.add({ service, handlers });
    return this;
  }

  /** The services this runner serves. */
  services(): AnyService[] {
    return this.registry.services();
  }

  /** The method served under a wire name, if any. */
  method(wire: string): MethodDescriptor | undefined {
    return this.registry.get(wire)?.method;
  }

  /** Adds a parent or child reached through `link`. */
  addNeighbour(side: 'parent' | 'child', name: string, link: Neighbour['link']): Neighbour {
    return this.state.add(side, name, link);
  }

  /** Waiters, aggregations and held reply channels still open. Zero when the runner is idle. */
  pendingCount(): number {
    return this.waiters.size + this.collectors.size + this.replyChannels.size;
  }

  /** Refuses new work with `unavailable`, fails every open call and releases everything held. */
  close(): void {
    this.closed = true;
    const err = () => this.shuttingDown();
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

  /** Whether this runner was closed. */
  get isClosed(): boolean {
    return this.closed;
  }

  private shuttingDown(): CellwireError {
    return new CellwireError('unavailable', `cell ${this.name} is shutting down`, { cell: this.name });
  }

  // ---------------------------------------------------------------------------------------
  // Calls that start here
  // ---------------------------------------------------------------------------------------

  /**
   * Runs a method from this cell as its spec says: a targeted message, a broadcast, or the
   * local handler. Resolves with a Response (targeted call), a list of Responses (broadcast
   * call, and targeted_or_broadcast methods), or undefined (cast). Origin interceptors run
   * around it.
   */
  async invoke(method: MethodDescriptor | string, ctxt: RequestContext, args: object, options: CallOptions = {}): Promise<unknown> {
    if (this.closed) throw this.shuttingDown();
    const m = this.served(method);
    if (options.signal?.aborted) throw abortError(options.signal);
    const deadline = resolveDeadline(options, this.callTimeoutMs, this.maxDeadlineMs);
    const traceparent = options.traceparent ?? newTraceparent();
    if (this.interceptors.length === 0) return this.start(m, ctxt, args as Record<string, unknown>, deadline, traceparent, options);
    const call: CallContext = {
      stage: 'origin',
      cell: this.name,
      method: m,
      ctxt,
      args: args as Record<string, unknown>,
      routingPath: this.name,
      deadline,
      signal: options.signal,
      traceparent,
      message: undefined,
    };
    return applyInterceptors(this.interceptors, (c) =>
      this.start(c.method, c.ctxt, c.args as Record<string, unknown>, c.deadline, c.traceparent ?? traceparent, { ...options, signal: c.signal }),
    )(call);
  }

  /** The registered method a caller names (by descriptor or wire name), or UnknownMethod. */
  private served(method: MethodDescriptor | string): MethodDescriptor {
    const wire = typeof method === 'string' ? method : method.name;
    const reg = this.registry.get(wire);
    if (!reg) {
      const hint = typeof method === 'string' ? '' : `: register service '${method.service.name}' with this runner`;
      throw new UnknownMethod(wire, `is not served by cell ${this.name}${hint}`);
    }
    if (typeof method !== 'string' && reg.method.service.name !== method.service.name) {
      throw new UnknownMethod(wire, `belongs to service '${reg.method.service.name}' here, not '${method.service.name}'`);
    }
    if (reg.method.internal) throw new UnknownMethod(wire, 'is only sent between cells');
    return reg.method;
  }

  private async start(
    m: MethodDescriptor,
    ctxt: RequestContext,
    kwargs: Record<string, unknown>,
    deadline: number,
    traceparent: string,
    options: CallOptions,
  ): Promise<unknown> {
    const needResponse = flag(m.needResponse, kwargs);
    const opts: CallOptions = { ...options, deadline, traceparent };
    if (m.kind === 'local') return this.runAtOrigin(m, ctxt, kwargs, needResponse, opts);
    const target = m.target === 'none' ? undefined : targetOf(m.target.arg, kwargs);
    const targeted = m.kind === 'targeted' || (m.kind === 'targeted_or_broadcast' && target !== undefined);
    const route: Route = { direction: m.direction, needResponse, fanout: m.fanout ?? false };
    if (targeted) {
      if (!target) {
        checkCallerArgs(m, kwargs);
        if (m.target !== 'none' && m.target.ifMissing === 'skip') {
          // As the reference: a target (an instance's cell) not known yet; say so, send nothing.
          this.logger.warn(`${m.name}: no ${m.target.arg} given; nothing sent`);
          return undefined;
        }
        // As the reference: a targeted message with no target cell cannot be routed.
        throw new CellRoutingInconsistency('No cell given in routing path.', { cell: this.name, details: { missing: m.target === 'none' ? 'target' : m.target.arg } });
      }
      const r = await this.sendTargeted(m, ctxt, kwargs, { ...route, target }, opts);
      return m.kind === 'targeted_or_broadcast' && r !== undefined ? [r] : r;
    }
    const runLocally = flag(m.runLocally ?? true, kwargs);
    return this.sendBroadcast(m, ctxt, kwargs, { ...route, runLocally }, opts);
  }

  /**
   * Low level: a targeted message of a served method, routed as given (the reference's
   * `_TargetedMessage`). Handlers use it to send internal methods; most code uses a client.
   *
   * @example
   * const r = await runner.targeted('get_host_uptime', ctxt, { cell_name, host_name: 'h1' },
   *   { target: 'api-cell!child-cell2', direction: 'down', needResponse: true });
   */
  targeted(
    method: MethodDescriptor | string,
    ctxt: RequestContext,
    args: object,
    route: Route & { readonly target: string },
    options: CallOptions = {},
  ): Promise<Response | undefined> {
    return this.sendTargeted(this.servedAny(method), ctxt, args as Record<string, unknown>, route, options);
  }

  /**
   * Low level: a broadcast of a served method (the reference's `_BroadcastMessage`). A call
   * resolves with one Response per cell reached.
   */
  broadcast(
    method: MethodDescriptor | string,
    ctxt: RequestContext,
    args: object,
    route: Route & { readonly runLocally?: boolean },
    options: CallOptions = {},
  ): Promise<Response[] | undefined> {
    return this.sendBroadcast(this.servedAny(method), ctxt, args as Record<string, unknown>, { ...route, runLocally: route.runLocally ?? true }, options);
  }

  /** Like `served`, internal methods included (handlers send those). */
  private servedAny(method: MethodDescriptor | string): MethodDescriptor {
    if (this.closed) throw this.shuttingDown();
    const wire = typeof method === 'string' ? method : method.name;
    const reg = this.registry.get(wire);
    if (!reg) throw new UnknownMethod(wire, `is not served by cell ${this.name}`);
    return reg.method;
  }

  private sendTargeted(
    m: MethodDescriptor,
    ctxt: RequestContext,
    args: Record<string, unknown>,
    route: Route & { readonly target: string },
    options: CallOptions,
  ): Promise<Response | undefined> {
    const deadline = resolveDeadline(options, this.callTimeoutMs, this.maxDeadlineMs);
    const env = this.newEnvelope('targeted', m, ctxt, args, route, deadline, options);
    env.target_cell = route.target;
    this.arrive(env);
    // Not remembered in the dedupe window: a targeted message follows its path away from
    // the origin and never comes back to it (broadcasts, which can, are remembered).
    const signal = options.signal;
    const meta: Meta = { deadline, origin: true, method: m, ...(signal ? { signal } : {}) };
    if (!env.need_response) return this.processTargeted(env, meta).then(() => undefined);
    return new Promise<Response>((resolve, reject) => {
      const uuid = env.uuid;
      const target = route.target;
      const timer = timerUntil(deadline, () => this.settleWaiter(uuid, waiter, () => reject(new CellTimeout(target, { cell: target }))));
      let dispose = noop;
      if (signal) {
        const onAbort = () => this.settleWaiter(uuid, waiter, () => reject(abortError(signal)));
        signal.addEventListener('abort', onAbort, { once: true });
        dispose = () => signal.removeEventListener('abort', onAbort);
      }
      const waiter: Waiter = { target, method: m, resolve, reject, timer, dispose };
      this.waiters.set(uuid, waiter);
      void this.processTargeted(env, meta);
    });
  }

  private sendBroadcast(
    m: MethodDescriptor,
    ctxt: RequestContext,
    args: Record<string, unknown>,
    route: Route & { readonly runLocally: boolean },
    options: CallOptions,
  ): Promise<Response[] | undefined> {
    const deadline = resolveDeadline(options, this.callTimeoutMs, this.maxDeadlineMs);
    const env = this.newEnvelope('broadcast', m, ctxt, args, route, deadline, options);
    env.run_locally = route.runLocally;
    this.arrive(env);
    this.dedupe.firstSeen(env.uuid);
    const signal = options.signal;
    const base: Meta = { deadline, origin: true, method: m, ...(signal ? { signal } : {}) };
    if (!env.need_response) return this.processBroadcast(env, base, route.runLocally).then(() => undefined);
    return new Promise<Response[]>((resolve, reject) => {
      const onAbort = () => {
        const c = this.collectors.get(env.uuid);
        if (c) this.dropCollector(env.uuid, c);
        reject(abortError(signal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      void this.processBroadcast(env, base, route.runLocally, {
        resolve,
        reject,
        dispose: () => signal?.removeEventListener('abort', onAbort),
      });
    });
  }

  /** A `local` method: the handler runs here, at the origin, and may send messages itself. */
  private async runAtOrigin(
    m: MethodDescriptor,
    ctxt: RequestContext,
    args: Record<string, unknown>,
    needResponse: boolean,
    options: CallOptions,
  ): Promise<Response | undefined> {
    const deadline = resolveDeadline(options, this.callTimeoutMs, this.maxDeadlineMs);
    const env = this.newEnvelope('targeted', m, ctxt, args, { direction: m.direction, needResponse }, deadline, options);
    env.target_cell = this.name;
    this.arrive(env);
    const r = await this.runHere(env, { deadline, origin: true, method: m }, this.registry.require(m.name), env.method_kwargs);
    if (needResponse) return this.checkedResult(r, m);
    if (r.failure) throw r.value;
    return undefined;
  }

  private newEnvelope(
    type: 'targeted' | 'broadcast',
    m: MethodDescriptor,
    ctxt: RequestContext,
    args: Record<string, unknown>,
    route: Route,
    deadline: number,
    options: CallOptions,
  ): Envelope {
    checkCallerArgs(m, args);
    checkContext(ctxt);
    const env: Envelope = {
      message_type: type,
      ctxt,
      method_name: m.name,
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
    if (this.sendServiceVersion) env.service_version = serviceVersion(m.service);
    return env;
  }

  // ---------------------------------------------------------------------------------------
  // Messages from neighbours
  // ---------------------------------------------------------------------------------------

  /**
   * The InboundHandler to give every transport this cell listens on. Never rejects: bad
   * input is refused through `inbound.reject` or answered with a failure Response.
   */
  readonly receive = async (inbound: Inbound): Promise<void> => {
    try {
      await this.receiveOne(inbound);
    } catch (e) {
      // Nothing a message does may end the process: whatever escaped is logged, and the
      // sender's exchange is released.
      this.logger.error(`internal error while handling a message: ${(e as Error)?.stack ?? String(e)}`);
      inbound.reply?.(undefined);
    }
  };

  private async receiveOne(inbound: Inbound): Promise<void> {
    this.stats.received++;
    if (this.closed) return this.refuse(inbound, this.shuttingDown());
    let env: Envelope;
    try {
      env = decodeEnvelope(inbound.data, inbound.json);
      this.checkSender(env, inbound.from);
    } catch (e) {
      return this.refuse(inbound, CellwireError.from(e, 'invalid_argument'));
    }
    this.arrive(env);
    const now = Date.now();
    // A received deadline is capped: a peer does not decide how long this cell holds state.
    const deadline = Math.min(env.deadline ?? now + this.callTimeoutMs, now + this.maxDeadlineMs);
    const meta: Meta = { deadline, origin: false, inbound };
    const from = previousCell(env.routing_path) ?? '';
    // Broadcast calls remember their first sender: a duplicate from another one is a second path.
    const sender = env.message_type === 'broadcast' && env.need_response ? from : undefined;
    if (env.message_type !== 'response' && !this.dedupe.firstSeen(env.uuid, now, sender)) return this.duplicate(env, inbound, deadline, from);
    if (env.need_response && inbound.reply && env.message_type !== 'response') this.holdReply(env, inbound, deadline);
    else inbound.reply?.(undefined);

    if (env.message_type === 'response') return this.routeResponse(env);
    if (env.message_type === 'targeted') return this.processTargeted(env, meta);
    return this.processBroadcast(env, meta, true);
  }

  private refuse(inbound: Inbound, err: CellwireError): void {
    this.stats.invalid++;
    err.cell ??= this.name;
    this.logger.warn(`refused a message: ${err.message}`, inbound.from ? { from: inbound.from } : undefined);
    if (inbound.reject) inbound.reject(err);
    else inbound.reply?.(undefined);
  }

  /**
   * A peer speaks only for itself: when the transport knows who sent a message, that cell
   * must be the last hop of its routing path, and the direction must fit the link (from a
   * child only up, from a parent only down).
   */
  private checkSender(env: Envelope, from: string | undefined): void {
    if (from === undefined) return;
    const sep = env.routing_path.lastIndexOf(PATH_CELL_SEP);
    const last = sep < 0 ? env.routing_path : env.routing_path.slice(sep + 1);
    if (last !== from) throw new CellwireError('unauthenticated', `cell ${from} sent a message whose last hop is '${last}'`);
    const side = this.state.children.has(from) ? 'child' : this.state.parents.has(from) ? 'parent' : undefined;
    if (side === undefined) throw new CellwireError('unauthenticated', `cell ${from} is not a neighbour of ${this.name}`);
    const fits = side === 'child' ? env.direction === 'up' : env.direction === 'down';
    if (!fits) throw new CellwireError('unauthenticated', `cell ${from} is a ${side}: it cannot send a message going ${env.direction}`);
  }

  /**
   * A message seen before: a redelivery, or a second path in a graph. It never runs again
   * and never touches the first copy's reply channel. A broadcast caller waiting on this
   * exchange from a *different* neighbour gets an empty list (this cell answers through the
   * first copy, so it appears once); the same neighbour gets no answer on this exchange,
   * since its first copy's answer is still coming (or was lost, which it must see as such).
   */
  private duplicate(env: Envelope, inbound: Inbound, deadline: number, from: string): void {
    this.stats.duplicates++;
    this.logger.debug(`dropped a repeated message ${env.uuid} (${env.method_name})`);
    const otherPath = env.message_type === 'broadcast' && env.need_response && this.dedupe.firstSender(env.uuid) !== from;
    if (otherPath && !this.replyChannels.has(`${env.uuid}>${from}`)) {
      // On the exchange when there is one, else as a response message along the path.
      if (inbound.reply) this.holdReply(env, inbound, deadline);
      this.respondList(env, [], true);
    } else inbound.reply?.(undefined);
  }

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
    const timer = timerUntil(deadline, () => {
      if (this.replyChannels.get(key)?.timer !== timer) return;
      this.replyChannels.delete(key);
      inbound.reply?.(undefined);
    });
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
      const response = await this.runReceived(env, meta);
      return this.respond(env, response, meta);
    }
    // A cell on the way need not know the method: it only forwards (rolling upgrades).
    const neighbour = this.neighbourFor(env, next);
    if (!neighbour) {
      const side = env.direction === 'up' ? 'parent' : 'child';
      return this.respondFailure(env, new CellRoutingInconsistency(`Unknown ${side} when routing to ${target}`), meta);
    }
    if (env.hop_count >= env.max_hop_count) return this.respondFailure(env, new CellMaxHopCountReached(env.hop_count), meta);
    const nextPath = appendHop(env.routing_path, next);
    const waitUntil = env.need_response ? hopWaitUntil(meta.deadline, env.hop_count, this.hopMarginMs) : meta.deadline;
    let reply: string | undefined;
    try {
      this.stats.sent++;
      reply = await neighbour.link.send(encodeEnvelope(env), {
        messageType: 'targeted',
        fanout: env.fanout,
        expectReply: env.need_response,
        deadline: waitUntil,
        durable: !env.need_response,
      });
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
    if (reply !== undefined) this.acceptReply(reply, env, meta, next);
  }

  /**
   * A reply that came back on the same exchange: decoded and checked like any message, then
   * routed like any response. Never throws: a reply that cannot be used becomes a failure
   * Response naming the neighbour that sent it.
   */
  private acceptReply(reply: string, env: Envelope, meta: Meta, from: string): void {
    let decoded: Envelope;
    try {
      decoded = decodeEnvelope(reply);
      if (decoded.message_type !== 'response') throw new InvalidArgument(`expected a response, got a ${decoded.message_type} message`);
      if (decoded.response_uuid !== env.uuid) throw new InvalidArgument(`the reply answers message ${decoded.response_uuid}, not ${env.uuid}`);
      const last = decoded.routing_path.slice(decoded.routing_path.lastIndexOf(PATH_CELL_SEP) + 1);
      if (last !== from) throw new InvalidArgument(`the reply claims to come from '${last}'`);
    } catch (e) {
      const err = new InvalidArgument(`cell ${from} answered with an unusable reply: ${(e as Error).message}`, {
        cell: appendHop(env.routing_path, from),
        retryable: false,
      });
      if (env.message_type === 'broadcast') return this.collectorFailed(env.uuid, from, err);
      return this.respondFailure(env, err, meta);
    }
    this.stats.received++;
    this.arrive(decoded);
    // No dedupe here: a reply on the exchange arrives once (the transport settles a send
    // once), so remembering its uuid would only cost a Map entry per call.
    void this.routeResponse(decoded);
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
        const r = await this.runReceived(env, meta);
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
    collector.timer = timerUntil(waitUntil, () => this.collectorTimeout(env.uuid));
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
      const local = await this.runReceived(env, meta);
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
      // Settling the caller must not throw past here (it runs inside transport callbacks):
      // every answer was checked on arrival, and a bad one becomes a failure Response.
      const method = c.meta.method;
      const out = flat.map((w) => this.fromWire(w, method));
      if (c.local) out.push(method ? this.checkedResult(c.local, method) : c.local);
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
  // Running here and answering
  // ---------------------------------------------------------------------------------------

  /**
   * Runs a received message's method here: it must be served, fit the message type and have
   * valid arguments. From a sender on a newer minor version of the service, the argument
   * properties this cell does not know are dropped for the handler (checkReceivedArgs); the
   * envelope keeps them for the cells it travels on to.
   */
  private runReceived(env: Envelope, meta: Meta): Promise<Response> {
    const reg = this.registry.get(env.method_name);
    let args = env.method_kwargs as Record<string, unknown>;
    try {
      if (!reg) throw new UnknownMethod(env.method_name, `is not known to cell ${this.name}`);
      checkMessageType(reg.method, env.message_type);
      if (!meta.origin) args = checkReceivedArgs(reg.method, args, env.service_version);
    } catch (e) {
      return Promise.resolve(this.failureHere(env.routing_path, e));
    }
    return this.runHere(env, meta, reg, args);
  }

  /** Calls the handler with `args`, through the handler interceptors. Never rejects. */
  private async runHere(env: Envelope, meta: Meta, reg: Registered, args: Record<string, unknown>): Promise<Response> {
    const path = env.routing_path;
    const m = reg.method;
    try {
      if (m.topOnly && !this.state.isTop()) return Response.success(path, null);
      const handler = reg.handler;
      if (!handler) throw new UnknownMethod(m.name, `is not implemented by cell ${this.name}`);
      const call = (ctxt: RequestContext, args: unknown) => handler.call(reg.self, new LocalContext(env, ctxt, m, meta.deadline, this), args as never);
      let value: unknown;
      if (this.interceptors.length === 0) value = await call(env.ctxt, args);
      else {
        const ctx: CallContext = {
          stage: 'handler',
          cell: this.name,
          method: m,
          ctxt: env.ctxt,
          args,
          routingPath: path,
          deadline: meta.deadline,
          signal: new LocalContext(env, env.ctxt, m, meta.deadline, this).signal,
          traceparent: env.traceparent,
          message: env,
        };
        value = await applyInterceptors(this.interceptors, (c) => Promise.resolve(call(c.ctxt, c.args)))(ctx);
      }
      return Response.success(path, value ?? null);
    } catch (e) {
      return this.failureHere(path, e);
    }
  }

  private failureHere(path: string, e: unknown): Response {
    if (e instanceof CellwireError) e.cell ??= path;
    return Response.failure(path, e instanceof Error ? e : new Error(String(e)));
  }

  private respondFailure(env: Envelope, e: unknown, meta: Meta): void {
    const r = this.failureHere(env.routing_path, e);
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
        this.logger.warn(`broadcast ${env.method_name} failed at ${env.routing_path}: ${(r.value as Error).message}`);
        return;
      }
      return this.respondList(env, [r.toJSON(this.errors, this.sendStacks)], true);
    }
    this.respond(env, r, meta);
  }

  /** Answers a targeted message: to the waiter here, or back along the reversed path. */
  private respond(env: Envelope, response: Response, meta: Meta): void {
    if (!env.need_response) {
      if (response.failure) this.logger.warn(`cast ${env.method_name} failed at ${response.cellName}: ${(response.value as Error).message}`);
      return;
    }
    if (meta.origin) {
      const w = this.waiters.get(env.uuid);
      if (w) {
        const r = w.method ? this.checkedResult(response, w.method) : response;
        this.settleWaiter(env.uuid, w, () => (isTimeout(r) ? w.reject(r.value as Error) : w.resolve(r)));
      }
      return;
    }
    this.respondList(env, [response.toJSON(this.errors, this.sendStacks)], false);
  }

  /** Sends a response message for `env` (reference _send_json_responses). */
  private respondList(env: Envelope, responses: WireResponse[], neighbourOnly: boolean): void {
    const res: Envelope = {
      message_type: 'response',
      ctxt: env.ctxt,
      method_name: RESPONSE_METHOD,
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
    // The answering cell's version of the answered method's service, when it serves it.
    const answered = this.sendServiceVersion ? this.registry.get(env.method_name)?.method.service : undefined;
    if (answered) res.service_version = serviceVersion(answered);
    this.arrive(res);
    // Not remembered in the dedupe window: a response made here never comes back here.
    void this.routeResponse(res);
  }

  /** Moves a response message one hop on, or hands it to whoever waits here. Never rejects. */
  private async routeResponse(res: Envelope): Promise<void> {
    const target = res.target_cell ?? '';
    let next: string | null;
    try {
      next = nextHopName(target, res.routing_path);
    } catch (e) {
      this.logger.warn(`cannot route a response: ${(e as Error).message}`);
      return;
    }
    const responses = (res.method_kwargs.responses ?? []) as unknown as WireResponse[];
    const responseUuid = res.response_uuid ?? '';
    if (next === null) return this.deliver(responseUuid, responses, firstCell(res.routing_path));
    const neighbour = this.neighbourFor(res, next);
    if (!neighbour) {
      this.logger.warn(`cannot route a response to ${target}: ${next} is not a neighbour of ${this.name}`);
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
      await neighbour.link.send(data, {
        messageType: 'response',
        fanout: lastHop,
        expectReply: false,
        deadline: res.deadline ?? Date.now() + this.callTimeoutMs,
        durable: false,
      });
    } catch (e) {
      this.logger.warn(`could not send a response to ${next}: ${(e as Error).message}`);
    }
  }

  /** Responses for a call that waits in this cell. */
  private deliver(uuid: string, responses: WireResponse[], from: string): void {
    const w = this.waiters.get(uuid);
    if (w) {
      const first = responses[0];
      const r = first ? this.fromWire(first, w.method) : Response.failure(w.target, new CellTimeout(w.target));
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

  /** A wire answer as a Response for the caller, its value checked against the method's result schema. */
  private fromWire(w: WireResponse, method: MethodDescriptor | undefined): Response {
    const r = Response.fromJSON(w, this.errors);
    return method ? this.checkedResult(r, method) : r;
  }

  /**
   * A successful answer as the caller gets it: object properties the method's result schema
   * does not know are dropped (a newer cell's widened result); a value that still does not
   * fit becomes a failure naming its cell.
   */
  private checkedResult(r: Response, method: MethodDescriptor): Response {
    if (r.failure || method.validateResult(r.value)) return r;
    const known = checkResult(method, r.value);
    if (known) return Response.success(r.cellName, known.value);
    const why = describeValidation(method.validateResult, 'value');
    return Response.failure(
      r.cellName,
      new InvalidArgument(`cell ${r.cellName} answered ${method.name} with a value of the wrong shape: ${why}`, { cell: r.cellName, retryable: false }),
    );
  }

  private settleWaiter(uuid: string, w: Waiter, settle: () => void): void {
    if (this.waiters.get(uuid) !== w) return;
    this.waiters.delete(uuid);
    clearTimeout(w.timer);
    w.dispose();
    settle();
  }
}

const noop = (): void => undefined;

/** A request context a caller hands in: the wire schema, and JSON all the way down. */
function checkContext(ctxt: RequestContext): void {
  if (!validateRequestContext(ctxt)) throw new InvalidArgument(`invalid request context: ${describeValidation(validateRequestContext, 'ctxt')}`);
  const problem = jsonProblem(ctxt, 'ctxt');
  if (problem) throw new InvalidArgument(`invalid request context: ${problem}`);
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

export { newTraceparent, safeDelay };
