/**
 * The message runner (docs/architecture.md): creates, routes and answers targeted, broadcast
 * and response messages for one cell. It knows no transport (only Links) and no method: the
 * services it serves are given to it as descriptors (registry.ts).
 *
 * This file holds the public API, inbound dispatch and the routing of the three message
 * types. The rest is one module per concern, composed here: origin-calls.ts (calls that
 * start here), waiters.ts (targeted calls waiting here), collector.ts (broadcast
 * aggregation), reply-channels.ts (exchanges held for waiting neighbours), envelopes.ts
 * (messages made here), local-call.ts (running a handler), answers.ts (answers as the
 * caller gets them), peer-checks.ts (what a neighbour may send).
 */
import { checkedResult, fromWire } from './answers.js';
import { CastOutbox, retryLater, type HeldCast } from './cast-outbox.js';
import { CellMaxHopCountReached, CellRoutingInconsistency, CellTimeout, InvalidArgument } from './cell-errors.js';
import { checkEnvelope, decodeEnvelope, encodeEnvelope } from './codec.js';
import { Collectors, type BroadcastCaller } from './collector.js';
import type { CallOptions } from './deadline.js';
import { DedupeWindow } from './dedupe.js';
import { arrive, Envelopes, type Route } from './envelopes.js';
import { CellwireError } from './errors.js';
import { applyHooks, type ReceiveContext, type ReceiveNext, type SendContext, type SendNext } from './interceptor.js';
import { replyMsFor, replyWaitUntil, takeReplyMs, withReplyMs } from './latency.js';
import { abortError, linkError, shuttingDown } from './link-errors.js';
import { LocalCalls, failureHere } from './local-call.js';
import { logFields } from './log-fields.js';
import { consoleLogger, type Logger } from './logger.js';
import type { Meta } from './message-meta.js';
import { NeighbourState, type Neighbour } from './neighbours.js';
import { OriginCalls } from './origin-calls.js';
import { checkSender, decodeReply } from './peer-checks.js';
import { ServiceRegistry } from './registry.js';
import { defaultErrorRegistry, type ErrorRegistry } from './remote-error.js';
import { ReplyChannels } from './reply-channels.js';
import { Response } from './response.js';
import { appendHop, firstCell, nextHopName, PATH_CELL_SEP, previousCell } from './routing.js';
import type { Invoker, RunnerOptions, RunnerStats } from './runner-options.js';
import type { AnyService, MethodDescriptor, ServiceHandlers } from './service.js';
import { safeDelay } from './timers.js';
import { newTraceparent } from './trace.js';
import type { Inbound, SendOptions } from './transport.js';
import { Waiters } from './waiters.js';
import type { Envelope, RequestContext, WireResponse } from './wire.js';

export type { Invoker, RunnerOptions, RunnerStats } from './runner-options.js';

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
  readonly stats: RunnerStats = {
    received: 0,
    sent: 0,
    castFailures: 0,
    castsAccepted: 0,
    castsDelivered: 0,
    castsRefused: 0,
    castsHeld: 0,
    castsLost: 0,
    duplicates: 0,
    lateResponses: 0,
    invalid: 0,
  };
  readonly logger: Logger;
  private readonly registry = new ServiceRegistry();
  private readonly callTimeoutMs: number;
  private readonly maxDeadlineMs: number;
  /** A cast's time to live: the deadline of casts made here, and the cap of received ones. */
  private readonly castTtlMs: number;
  /** Sweeps the dedupe window now and then. */
  private readonly sweeper: NodeJS.Timeout;
  /** Inbound messages being handled whose uuid is to be recorded in the dedupe store when done. */
  private readonly toRecord = new WeakMap<Inbound, string>();
  /** Casts accepted from a neighbour that the next hop refused, retried; undefined: they are lost. */
  private readonly outbox: CastOutbox | undefined;
  private readonly hopMarginMs: number;
  private readonly sendStacks: boolean;
  private readonly dedupe: DedupeWindow;
  private readonly envelopes: Envelopes;
  private readonly local: LocalCalls;
  private readonly waiters = new Waiters();
  private readonly collectors: Collectors;
  private readonly replyChannels = new ReplyChannels();
  private readonly origin: OriginCalls;
  /** The interceptors' send hooks, chained once; undefined when none has one (links are called directly). */
  private readonly sendChain: SendNext | undefined;
  /** The interceptors' receive hooks; empty when none has one. */
  private readonly receiveHooks: readonly ((next: ReceiveNext) => ReceiveNext)[];
  private closed = false;

  constructor(options: RunnerOptions) {
    if (!options.name || options.name.includes(PATH_CELL_SEP) || options.name.includes('@')) {
      throw new InvalidArgument(`invalid cell name '${options.name}': it must be non-empty, without '!' or '@'`);
    }
    this.name = options.name;
    this.state = new NeighbourState(options.name, options);
    for (const s of options.services ?? []) this.registry.add(s);
    const interceptors = options.interceptors ?? [];
    // Hop hooks (tracing): each copy of an envelope carries the trace context they pass on.
    this.sendChain = applyHooks(
      interceptors.flatMap((i) => (i.send ? [i.send] : [])),
      (s: SendContext) => {
        const message = s.traceparent === s.message.traceparent ? s.message : { ...s.message, traceparent: s.traceparent };
        return s.link.sendValue ? s.link.sendValue(message, s.options) : s.link.send(encodeEnvelope(message), s.options);
      },
    );
    this.receiveHooks = interceptors.flatMap((i) => (i.receive ? [i.receive] : []));
    this.maxDeadlineMs = options.maxDeadlineMs ?? 3_600_000;
    this.callTimeoutMs = Math.min(options.callTimeoutMs ?? 60_000, this.maxDeadlineMs);
    // Not capped by maxDeadlineMs: that bounds calls, which hold collectors and reply channels
    // here; a cast holds at most a queue or outbox entry, until its time to live ends.
    this.castTtlMs = options.castTtlMs ?? 24 * 3_600_000;
    this.hopMarginMs = options.hopMarginMs ?? 250;
    this.sendStacks = options.sendStacks ?? false;
    this.errors = options.errors ?? defaultErrorRegistry();
    this.logger = options.logger ?? consoleLogger(options.name);
    this.dedupe = new DedupeWindow(options.dedupeWindowMs, undefined, options.dedupeStore);
    // Expired uuids go even when no message comes to push them out (DedupeWindow.sweep).
    this.sweeper = setInterval(() => this.dedupe.sweep(), Math.min(30_000, Math.max(1_000, options.dedupeWindowMs ?? 30_000)));
    this.sweeper.unref?.();
    this.outbox = options.castOutbox
      ? new CastOutbox({
          store: options.castOutbox,
          linkOf: (side, name) => (side === 'parent' ? this.state.parents : this.state.children).get(name)?.link,
          stats: this.stats,
          logger: this.logger,
          handoffMs: this.callTimeoutMs,
          retryMs: options.castRetryMs ?? 1000,
          retryMaxMs: options.castRetryMaxMs ?? 5000,
        })
      : undefined;
    this.envelopes = new Envelopes(this.registry, options.maxHopCount ?? 10, options.sendServiceVersion ?? true);
    this.local = new LocalCalls(this, this.registry, interceptors);
    // The callbacks into the routing below are made once here, never per message.
    this.collectors = new Collectors(this.errors, this.sendStacks, (env, list) => this.respondList(env, list, true));
    this.origin = new OriginCalls({
      runner: this,
      registry: this.registry,
      interceptors,
      callTimeoutMs: this.callTimeoutMs,
      maxDeadlineMs: this.maxDeadlineMs,
      castTtlMs: this.castTtlMs,
      envelopes: this.envelopes,
      local: this.local,
      waiters: this.waiters,
      collectors: this.collectors,
      dedupe: this.dedupe,
      routeTargeted: (env, meta) => this.processTargeted(env, meta),
      routeBroadcast: (env, meta, runLocally, caller) => this.processBroadcast(env, meta, runLocally, caller),
    });
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

  /** Casts held in the outbox now, to be retried (0 without an outbox). */
  heldCasts(): number {
    return this.outbox?.size ?? 0;
  }

  /** Retries the held casts now rather than at their next turn; resolves when that round is done. */
  retryHeldCasts(): Promise<void> {
    return this.outbox?.flush() ?? Promise.resolve();
  }

  /** Refuses new work with `unavailable`, fails every open call and releases everything held. */
  close(): void {
    this.closed = true;
    this.outbox?.close();
    clearInterval(this.sweeper);
    const err = () => shuttingDown(this.name);
    this.waiters.failAll(err);
    this.collectors.failAll(err);
    this.replyChannels.releaseAll();
  }

  /** Whether this runner was closed. */
  get isClosed(): boolean {
    return this.closed;
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
  invoke(method: MethodDescriptor | string, ctxt: RequestContext, args: object, options: CallOptions = {}): Promise<unknown> {
    return this.origin.invoke(method, ctxt, args, options);
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
    // A promise either way: a refusal (unknown method, bad arguments, aborted) rejects it.
    if (options.signal?.aborted) return Promise.reject(abortError(options.signal));
    try {
      return this.origin.targeted(method, ctxt, args, route, options);
    } catch (e) {
      return Promise.reject(e);
    }
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
    if (options.signal?.aborted) return Promise.reject(abortError(options.signal));
    try {
      return this.origin.broadcast(method, ctxt, args, route, options);
    } catch (e) {
      return Promise.reject(e);
    }
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
    // Handled: its uuid is recorded for good before the transport acknowledges it (DedupeWindow).
    const uuid = this.toRecord.get(inbound);
    if (uuid !== undefined) this.recordHandled(inbound, uuid);
  };

  private recordHandled(inbound: Inbound, uuid: string): void {
    this.toRecord.delete(inbound);
    try {
      this.dedupe.handled(uuid);
    } catch (e) {
      // It ran; only a copy redelivered after a restart could run it again.
      this.logger.error(`could not record message ${uuid} as handled: ${(e as Error)?.message ?? String(e)}`, { uuid });
    }
  }

  private async receiveOne(inbound: Inbound): Promise<void> {
    this.stats.received++;
    if (this.closed) return this.refuse(inbound, shuttingDown(this.name), undefined);
    let decoded: Envelope | undefined;
    try {
      decoded = inbound.value !== undefined ? checkEnvelope(inbound.value) : decodeEnvelope(inbound.data, inbound.json);
      checkSender(decoded, inbound.from, this.name, this.state);
    } catch (e) {
      return this.refuse(inbound, CellwireError.from(e, 'invalid_argument'), decoded);
    }
    const env = decoded;
    arrive(env, this.name);
    const now = Date.now();
    // A received deadline is capped: a peer does not decide how long this cell holds state.
    // A cast's deadline is its time to live, capped the same way by castTtlMs.
    const cast = !env.need_response && env.message_type !== 'response';
    const deadline = cast
      ? Math.min(env.deadline ?? now + this.castTtlMs, now + this.castTtlMs)
      : Math.min(env.deadline ?? now + this.callTimeoutMs, now + this.maxDeadlineMs);
    const meta: Meta = { deadline, origin: false, inbound };
    const from = previousCell(env.routing_path) ?? '';
    // Broadcast calls remember their first sender: a duplicate from another one is a second path.
    const sender = env.message_type === 'broadcast' && env.need_response ? from : undefined;
    // Repeats are caught by uuid, unless the transport vouches there can be none (Inbound.unique).
    if (env.message_type === 'broadcast' || (env.message_type === 'targeted' && inbound.unique !== true)) {
      if (!this.dedupe.firstSeen(env.uuid, now, sender)) return this.duplicate(env, inbound, deadline, from);
      // Kept across restarts once handled (see `receive`).
      if (this.dedupe.persistent) this.toRecord.set(inbound, env.uuid);
    }
    if (cast) this.stats.castsAccepted++;
    if (env.need_response && inbound.reply && env.message_type !== 'response') this.holdReply(env, inbound, deadline);
    else inbound.reply?.(undefined);

    if (this.receiveHooks.length > 0) return this.receiveThroughHooks(env, meta, from);
    if (env.message_type === 'response') return this.routeResponse(env);
    if (env.message_type === 'targeted') return this.processTargeted(env, meta);
    return this.processBroadcast(env, meta, true);
  }

  /** Refuses an inbound message; `env` when it was decoded (then the sender was refused). */
  private refuse(inbound: Inbound, err: CellwireError, env: Envelope | undefined): void {
    this.stats.invalid++;
    err.cell ??= this.name;
    const from = inbound.from ? { from: inbound.from } : undefined;
    this.logger.warn(`refused a message: ${err.message}`, env ? logFields(env, from) : from);
    if (inbound.reject) inbound.reject(err);
    else inbound.reply?.(undefined);
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
    this.logger.debug(`dropped a repeated message ${env.uuid} (${env.method_name})`, logFields(env));
    const otherPath = env.message_type === 'broadcast' && env.need_response && this.dedupe.firstSender(env.uuid) !== from;
    if (otherPath && !this.replyChannels.has(env.uuid, from)) {
      // On the exchange when there is one, else as a response message along the path.
      if (inbound.reply) this.holdReply(env, inbound, deadline);
      this.respondList(env, [], true);
    } else inbound.reply?.(undefined);
  }

  /** Keeps the exchange a waiting neighbour listens on, so its answer can go straight back. */
  private holdReply(env: Envelope, inbound: Inbound, deadline: number): void {
    const from = previousCell(env.routing_path);
    const reply = inbound.reply;
    if (!from || !reply) return;
    const value = inbound.replyValue;
    // A link that carries values takes the reply envelope itself; others take its text.
    this.replyChannels.hold(env.uuid, from, value ? (e) => (e === undefined ? reply(undefined) : value(e)) : (e) => reply(e === undefined ? undefined : encodeEnvelope(e)), deadline);
  }

  /**
   * A received message through the interceptors' receive hooks: the trace context they pass
   * on is the one this cell's handler, sends and answers carry for it.
   */
  private receiveThroughHooks(env: Envelope, meta: Meta, from: string): Promise<void> {
    const chain = applyHooks(this.receiveHooks, (r: ReceiveContext) => {
      env.traceparent = r.traceparent;
      if (env.message_type === 'response') return this.routeResponse(env);
      if (env.message_type === 'targeted') return this.processTargeted(env, meta);
      return this.processBroadcast(env, meta, true);
    }) as (r: ReceiveContext) => Promise<void>;
    const method = this.registry.get(env.method_name)?.method;
    return chain({ stage: 'receive', cell: this.name, from, message: env, method, deadline: meta.deadline, traceparent: env.traceparent });
  }

  /**
   * Hands `env` to a neighbour's link (`data`: its text, when already encoded), through the
   * interceptors' send hooks when there are any.
   */
  private sendTo(n: Neighbour, env: Envelope, data: string | undefined, options: SendOptions): Promise<string | Envelope | undefined> {
    const chain = this.sendChain;
    // A call tells each neighbour how long before the deadline its answer must leave (latency.ts).
    const replyMs = env.need_response && options.messageType !== 'response' ? replyMsFor(n.link, env.deadline, options.deadline) : undefined;
    if (chain === undefined) {
      // In-process links take the envelope itself (and copy it): no JSON both ways.
      if (n.link.sendValue) {
        if (replyMs === undefined) return n.link.sendValue(env, options);
        // This hop's reply_ms goes with this send only: the link copies the envelope before
        // it returns (Link.sendValue), so no copy of the whole envelope is needed here.
        env.reply_ms = replyMs;
        try {
          return n.link.sendValue(env, options);
        } finally {
          env.reply_ms = undefined;
        }
      }
      const text = data ?? encodeEnvelope(env);
      return n.link.send(replyMs === undefined ? text : withReplyMs(text, replyMs), options);
    }
    const method = this.registry.get(env.method_name)?.method;
    const message = replyMs === undefined ? env : { ...env, reply_ms: replyMs };
    const send: SendContext = { stage: 'send', cell: this.name, neighbour: n.name, side: n.side, link: n.link, message, options, method, traceparent: env.traceparent };
    try {
      return chain(send);
    } catch (e) {
      return Promise.reject(e);
    }
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
      const response = await this.local.received(env, meta.deadline, meta.origin);
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
    const waitUntil = env.need_response ? replyWaitUntil(meta.deadline, env.hop_count, this.hopMarginMs, takeReplyMs(env)) : this.handoffUntil(meta.deadline);
    if (!env.need_response && !meta.origin) {
      if (this.castExpired(env, meta, next)) return;
      // Casts held for this neighbour go first: this one queues behind them.
      if (this.outbox?.holds(neighbour.side, next)) return this.holdCast(env, neighbour, 'targeted', meta.deadline);
    }
    let reply: string | Envelope | undefined;
    try {
      this.stats.sent++;
      reply = await this.sendTo(neighbour, env, undefined, {
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
        // The line names the message's own method; the request id ties it to the call that sent it.
        const fields = logFields(env, { code: err.code });
        this.logger.warn(`cast ${env.method_name} to ${target} failed at ${env.routing_path}: ${err.message}`, fields);
        if (meta.origin) {
          this.stats.castsRefused++;
          throw err;
        }
        // Accepted from a neighbour already: held and retried, or counted lost (logged).
        return this.castNotHandedOn(env, neighbour, 'targeted', err, meta.deadline);
      }
      return this.respondFailure(env, err, meta);
    }
    if (!env.need_response) {
      this.stats.castsDelivered++;
      if (meta.origin) this.stats.castsAccepted++;
    }
    if (reply !== undefined) this.acceptReply(reply, env, meta, next);
  }

  /**
   * A reply that came back on the same exchange: decoded and checked like any message, then
   * routed like any response. Never throws: a reply that cannot be used becomes a failure
   * Response naming the neighbour that sent it.
   */
  private acceptReply(reply: string | Envelope, env: Envelope, meta: Meta, from: string): void {
    let decoded: Envelope;
    try {
      decoded = decodeReply(reply, env, from);
    } catch (err) {
      if (env.message_type === 'broadcast') return this.collectors.neighbourFailed(env.uuid, from, err);
      return this.respondFailure(env, err, meta);
    }
    this.stats.received++;
    arrive(decoded, this.name);
    // No dedupe here: a reply on the exchange arrives once (the transport settles a send
    // once), so remembering its uuid would only cost a Map entry per call.
    void this.routeResponse(decoded);
  }

  // ---------------------------------------------------------------------------------------
  // Broadcasts (reference 2.3, with its error paths fixed: always one list)
  // ---------------------------------------------------------------------------------------

  private async processBroadcast(env: Envelope, meta: Meta, runLocally: boolean, caller?: BroadcastCaller): Promise<void> {
    const hops =
      env.hop_count >= env.max_hop_count ? [] : [...(env.direction === 'down' ? this.state.children : this.state.parents).values()];
    if (!env.need_response) {
      if (runLocally) {
        const r = await this.local.received(env, meta.deadline, meta.origin);
        if (r.failure) this.logger.warn(`cast ${env.method_name} failed at ${env.routing_path}: ${(r.value as Error).message}`, logFields(env));
      }
      if (hops.length === 0) {
        if (meta.origin) this.stats.castsAccepted++;
        return;
      }
      if (!meta.origin && this.castExpired(env, meta, hops.map((n) => n.name).join(', '))) return;
      const data = textForHops(env, hops);
      const handoff = this.handoffUntil(meta.deadline);
      // At the origin the caller learns of every next hop that refused (see castRefusal).
      const refused: CellwireError[] = [];
      await Promise.all(
        hops.map((n) => {
          if (!meta.origin && this.outbox?.holds(n.side, n.name)) return this.holdCast(env, n, 'broadcast', meta.deadline);
          this.stats.sent++;
          return this.sendTo(n, env, data, { messageType: 'broadcast', fanout: env.fanout, expectReply: false, deadline: handoff, durable: true }).then(
            () => void this.stats.castsDelivered++,
            (e: unknown) => {
              this.stats.castFailures++;
              const err = linkError(e, appendHop(env.routing_path, n.name), n.name);
              this.logger.warn(`broadcast ${env.method_name} could not reach ${err.cell}: ${err.message}`, logFields(env, { code: err.code }));
              if (meta.origin) refused.push(err);
              else this.castNotHandedOn(env, n, 'broadcast', err, meta.deadline);
            },
          );
        }),
      );
      if (!meta.origin) return;
      if (refused.length > 0) {
        this.stats.castsRefused += refused.length;
        throw castRefusal(env, refused, hops);
      }
      this.stats.castsAccepted++;
      return;
    }
    const waitUntil = replyWaitUntil(meta.deadline, env.hop_count, this.hopMarginMs, takeReplyMs(env));
    const collector = this.collectors.open(env, meta.method, hops, runLocally, waitUntil, caller);
    if (hops.length > 0) {
      const data = textForHops(env, hops);
      for (const n of hops) {
        this.stats.sent++;
        this.sendTo(n, env, data, { messageType: 'broadcast', fanout: env.fanout, expectReply: true, deadline: waitUntil, durable: false }).then(
          (reply) => (reply === undefined ? undefined : this.acceptReply(reply, env, meta, n.name)),
          (e: unknown) => this.collectors.neighbourFailed(env.uuid, n.name, e),
        );
      }
    }
    if (runLocally) this.collectors.ranLocally(collector, await this.local.received(env, meta.deadline, meta.origin));
    else this.collectors.finishIfDone(collector);
  }

  // ---------------------------------------------------------------------------------------
  // Casts this cell accepted and must pass on (the origin's caller is told instead)
  // ---------------------------------------------------------------------------------------

  /** How long one hand-off of a cast may take: its time to live is not a reason to wait that long. */
  private handoffUntil(deadline: number): number {
    return Math.min(deadline, Date.now() + this.callTimeoutMs);
  }

  /**
   * A received cast whose time to live ended before it could be passed on: dropped, logged and
   * counted lost. (A cast for this cell still runs here, late or not, as before.)
   */
  private castExpired(env: Envelope, meta: Meta, next: string): boolean {
    if (meta.deadline > Date.now()) return false;
    this.stats.castsLost++;
    const at = new Date(meta.deadline).toISOString();
    this.logger.warn(`cast ${env.method_name} not passed on from ${env.routing_path} to ${next}: its time to live ended at ${at}`, logFields(env, { code: 'timeout' }));
    return true;
  }

  /** A next hop refused a cast accepted from a neighbour: held for a retry when it may succeed, else lost. */
  private castNotHandedOn(env: Envelope, n: Neighbour, type: 'targeted' | 'broadcast', err: CellwireError, until: number): void {
    if (this.outbox && retryLater(err)) return this.holdCast(env, n, type, until);
    this.stats.castsLost++;
    const why = this.outbox ? 'a retry cannot help' : 'this cell has no outbox to hold it';
    this.logger.warn(`cast ${env.method_name} accepted at ${env.routing_path} is lost: ${n.name} refused it (${err.message}) and ${why}`, logFields(env, { code: err.code }));
  }

  /** Keeps a cast for `n` in the outbox, as the text it is retried with. */
  private holdCast(env: Envelope, n: Neighbour, type: 'targeted' | 'broadcast', until: number): void {
    const outbox = this.outbox as CastOutbox;
    const data = encodeEnvelope(env);
    const cast: HeldCast = { side: n.side, neighbour: n.name, messageType: type, fanout: env.fanout, data, until, uuid: env.uuid, method: env.method_name };
    const first = !outbox.holds(n.side, n.name);
    try {
      outbox.hold(cast);
    } catch (e) {
      this.stats.castsLost++;
      this.logger.error(`cast ${env.method_name} for ${n.name} is lost: the outbox could not hold it: ${(e as Error).message}`, logFields(env));
      return;
    }
    // One line at info when a neighbour starts refusing; the casts that queue behind at debug.
    const line = `cast ${env.method_name} held at ${env.routing_path} for ${n.name}, retried until ${new Date(until).toISOString()}`;
    if (first) this.logger.info(line, logFields(env));
    else this.logger.debug(line, logFields(env));
  }

  // ---------------------------------------------------------------------------------------
  // Answering, and response messages
  // ---------------------------------------------------------------------------------------

  private respondFailure(env: Envelope, e: unknown, meta: Meta): void {
    const r = failureHere(env.routing_path, e);
    if (env.message_type === 'broadcast') {
      // A broadcast always answers with a list, even when it cannot go on (reference bug fixed).
      if (meta.origin) return this.collectors.failAtOrigin(env.uuid, r);
      if (!env.need_response) {
        this.logger.warn(`broadcast ${env.method_name} failed at ${env.routing_path}: ${(r.value as Error).message}`, logFields(env));
        return;
      }
      return this.respondList(env, [r.toJSON(this.errors, this.sendStacks)], true);
    }
    this.respond(env, r, meta);
  }

  /** Answers a targeted message: to the waiter here, or back along the reversed path. */
  private respond(env: Envelope, response: Response, meta: Meta): void {
    if (!env.need_response) {
      if (response.failure) this.logger.warn(`cast ${env.method_name} failed at ${response.cellName}: ${(response.value as Error).message}`, logFields(env));
      return;
    }
    if (meta.origin) {
      const w = this.waiters.get(env.uuid);
      if (w) this.waiters.answer(env.uuid, w, w.method ? checkedResult(response, w.method) : response);
      return;
    }
    this.respondList(env, [response.toJSON(this.errors, this.sendStacks)], false);
  }

  /** Sends a response message for `env` (reference _send_json_responses). */
  private respondList(env: Envelope, responses: WireResponse[], neighbourOnly: boolean): void {
    const res = this.envelopes.response(env, responses, neighbourOnly);
    arrive(res, this.name);
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
      this.logger.warn(`cannot route a response: ${(e as Error).message}`, logFields(res));
      return;
    }
    const responses = (res.method_kwargs.responses ?? []) as unknown as WireResponse[];
    const responseUuid = res.response_uuid ?? '';
    if (next === null) return this.deliver(responseUuid, responses, firstCell(res.routing_path), res);
    const neighbour = this.neighbourFor(res, next);
    if (!neighbour) {
      this.logger.warn(`cannot route a response to ${target}: ${next} is not a neighbour of ${this.name}`, logFields(res));
      return;
    }
    const reply = this.replyChannels.take(responseUuid, next);
    if (reply) {
      try {
        reply(res);
      } catch (e) {
        // Never a rejection here (callers do not await it): the exchange is released empty.
        this.logger.error(`could not answer ${next} on its exchange: ${(e as Error)?.message ?? String(e)}`, logFields(res));
        try {
          reply(undefined);
        } catch {
          // The transport failed to release its own exchange: nothing more to do from here.
        }
      }
      return;
    }
    // No exchange to answer on: a new message. The last hop goes to every service instance
    // of the origin cell, since only one of them holds the waiter (reference 2.4).
    const lastHop = res.routing_path.split(PATH_CELL_SEP).length + 1 === target.split(PATH_CELL_SEP).length;
    try {
      this.stats.sent++;
      await this.sendTo(neighbour, res, undefined, {
        messageType: 'response',
        fanout: lastHop,
        expectReply: false,
        deadline: res.deadline ?? Date.now() + this.callTimeoutMs,
        durable: false,
      });
    } catch (e) {
      this.logger.warn(`could not send a response to ${next}: ${(e as Error).message}`, logFields(res));
    }
  }

  /** Responses for a call that waits in this cell; `res` (the response message) names a late one in the log. */
  private deliver(uuid: string, responses: WireResponse[], from: string, res: Envelope): void {
    const w = this.waiters.get(uuid);
    if (w) {
      const first = responses[0];
      const r = first ? fromWire(first, w.method, this.errors) : Response.failure(w.target, new CellTimeout(w.target));
      this.waiters.answer(uuid, w, r);
      return;
    }
    if (this.collectors.arrived(uuid, from, responses)) return;
    this.stats.lateResponses++;
    this.logger.debug(`dropped a late response for ${uuid} from ${from}`, logFields(res));
  }
}

/**
 * What the caller of a broadcast cast gets when next hops refused it: with one next hop, that
 * hop's own error (as a targeted cast); with several, one error naming every cell that
 * refused (`details.refused`) and those that took it (`details.accepted`: they keep it, the
 * cast is not withdrawn). Its code is the refusals' own when they share one, else `unavailable`.
 */
function castRefusal(env: Envelope, refused: CellwireError[], hops: readonly Neighbour[]): CellwireError {
  const first = refused[0] as CellwireError;
  if (hops.length === 1) return first;
  const refusedCells = refused.map((e) => e.cell ?? '?');
  const accepted = hops.map((n) => appendHop(env.routing_path, n.name)).filter((p) => !refusedCells.includes(p));
  const code = refused.every((e) => e.code === first.code) ? first.code : 'unavailable';
  const took = accepted.length > 0 ? `; ${accepted.join(', ')} took it` : '';
  return new CellwireError(code, `broadcast cast ${env.method_name} was refused by ${refusedCells.join(', ')} (${refused.map((e) => e.message).join('; ')})${took}`, {
    cell: first.cell,
    details: { refused: refusedCells, accepted },
    cause: first,
  });
}

export { newTraceparent, safeDelay };

/** A broadcast's text, encoded once for every hop that takes text; undefined when every link takes the envelope itself. */
function textForHops(env: Envelope, hops: readonly Neighbour[]): string | undefined {
  return hops.every((n) => n.link.sendValue) ? undefined : encodeEnvelope(env);
}
