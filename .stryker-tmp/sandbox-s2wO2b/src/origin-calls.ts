/**
 * Calls that start here, at the origin. The method's spec decides what a call becomes (a
 * targeted message, a broadcast, or the local handler, with flags and the target read from
 * the arguments); the origin interceptors run around it; it gets its deadline and trace;
 * and its answer comes back to a waiter (targeted) or a collector (broadcast). Moving the
 * message on is the runner's routing, handed in once at construction: the runner's public
 * `invoke`, `targeted` and `broadcast` delegate here.
 */
// @ts-nocheck

import { checkedResult } from './answers.js';
import { CellRoutingInconsistency, UnknownMethod } from './cell-errors.js';
import { checkCallerArgs } from './codec.js';
import type { BroadcastCaller, Collectors } from './collector.js';
import { resolveDeadline, type CallOptions } from './deadline.js';
import type { DedupeWindow } from './dedupe.js';
import { arrive, type Envelopes, type Route } from './envelopes.js';
import { applyInterceptors, type CallContext, type Interceptor } from './interceptor.js';
import { abortError, shuttingDown } from './link-errors.js';
import type { LocalCalls } from './local-call.js';
import type { Meta } from './message-meta.js';
import type { ServiceRegistry } from './registry.js';
import type { Response } from './response.js';
import type { MessageRunner } from './runner.js';
import type { MethodDescriptor } from './service.js';
import { flag, targetOf } from './spec-args.js';
import { newTraceparent } from './trace.js';
import type { Waiters } from './waiters.js';
import type { Envelope, RequestContext } from './wire.js';

/** What the calls made here share with the runner; given once, when the runner is made. */
export interface OriginParts {
  /** Its name, logger and whether it is closed are read here. */
  readonly runner: MessageRunner;
  readonly registry: ServiceRegistry;
  readonly interceptors: readonly Interceptor[];
  readonly callTimeoutMs: number;
  readonly maxDeadlineMs: number;
  /** A cast's time to live: its default deadline, and the furthest one it may have. */
  readonly castTtlMs: number;
  readonly envelopes: Envelopes;
  readonly local: LocalCalls;
  readonly waiters: Waiters;
  readonly collectors: Collectors;
  readonly dedupe: DedupeWindow;
  /** The runner's routing of a targeted message, from this cell on. */
  readonly routeTargeted: (env: Envelope, meta: Meta) => Promise<void>;
  /** The runner's routing of a broadcast, from this cell on; `caller` waits for the list. */
  readonly routeBroadcast: (env: Envelope, meta: Meta, runLocally: boolean, caller?: BroadcastCaller) => Promise<void>;
}

export class OriginCalls {
  private readonly runner: MessageRunner;
  private readonly registry: ServiceRegistry;
  private readonly interceptors: readonly Interceptor[];
  private readonly callTimeoutMs: number;
  private readonly maxDeadlineMs: number;
  private readonly castTtlMs: number;
  private readonly envelopes: Envelopes;
  private readonly local: LocalCalls;
  private readonly waiters: Waiters;
  private readonly collectors: Collectors;
  private readonly dedupe: DedupeWindow;
  private readonly routeTargeted: OriginParts['routeTargeted'];
  private readonly routeBroadcast: OriginParts['routeBroadcast'];

  constructor(parts: OriginParts) {
    // Fields of their own, not one object: one property load per use on the call path.
    this.runner = parts.runner;
    this.registry = parts.registry;
    this.interceptors = parts.interceptors;
    this.callTimeoutMs = parts.callTimeoutMs;
    this.maxDeadlineMs = parts.maxDeadlineMs;
    this.castTtlMs = parts.castTtlMs;
    this.envelopes = parts.envelopes;
    this.local = parts.local;
    this.waiters = parts.waiters;
    this.collectors = parts.collectors;
    this.dedupe = parts.dedupe;
    this.routeTargeted = parts.routeTargeted;
    this.routeBroadcast = parts.routeBroadcast;
  }

  /** MessageRunner.invoke: the call as its spec says, origin interceptors around it. */
  async invoke(method: MethodDescriptor | string, ctxt: RequestContext, args: object, options: CallOptions): Promise<unknown> {
    if (this.runner.isClosed) throw shuttingDown(this.runner.name);
    const m = this.served(method);
    if (options.signal?.aborted) throw abortError(options.signal);
    // A cast (no answer wanted) lives for its time to live, not the call timeout.
    const cast = m.kind !== 'local' && !flag(m.needResponse, args as Record<string, unknown>);
    const deadline = this.deadlineOf(options, !cast);
    const traceparent = options.traceparent ?? newTraceparent();
    if (this.interceptors.length === 0) return this.start(m, ctxt, args as Record<string, unknown>, deadline, traceparent, options);
    const call: CallContext = {
      stage: 'origin',
      cell: this.runner.name,
      method: m,
      ctxt,
      args: args as Record<string, unknown>,
      routingPath: this.runner.name,
      deadline,
      signal: options.signal,
      traceparent,
      traceparentGiven: options.traceparent !== undefined,
      message: undefined,
    };
    return applyInterceptors(this.interceptors, (c) =>
      this.start(c.method, c.ctxt, c.args as Record<string, unknown>, c.deadline, c.traceparent ?? traceparent, { ...options, signal: c.signal }),
    )(call);
  }

  /** MessageRunner.targeted: a targeted message routed as given, internal methods included. */
  targeted(method: MethodDescriptor | string, ctxt: RequestContext, args: object, route: Route & { readonly target: string }, options: CallOptions): Promise<Response | undefined> {
    return this.sendTargeted(this.servedAny(method), ctxt, args as Record<string, unknown>, route, options);
  }

  /** MessageRunner.broadcast: a broadcast routed as given, internal methods included. */
  broadcast(
    method: MethodDescriptor | string,
    ctxt: RequestContext,
    args: object,
    route: Route & { readonly runLocally?: boolean },
    options: CallOptions,
  ): Promise<Response[] | undefined> {
    return this.sendBroadcast(this.servedAny(method), ctxt, args as Record<string, unknown>, { ...route, runLocally: route.runLocally ?? true }, options);
  }

  /**
   * The absolute deadline of a message made here: a call's from the call timeout (at most
   * maxDeadlineMs away), a cast's from its time to live (at most castTtlMs away).
   */
  private deadlineOf(options: CallOptions, needResponse: boolean): number {
    return needResponse ? resolveDeadline(options, this.callTimeoutMs, this.maxDeadlineMs) : resolveDeadline(options, this.castTtlMs, this.castTtlMs);
  }

  /** The registered method a caller names (by descriptor or wire name), or UnknownMethod. */
  private served(method: MethodDescriptor | string): MethodDescriptor {
    const wire = typeof method === 'string' ? method : method.name;
    const reg = this.registry.get(wire);
    if (!reg) {
      const hint = typeof method === 'string' ? '' : `: register service '${method.service.name}' with this runner`;
      throw new UnknownMethod(wire, `is not served by cell ${this.runner.name}${hint}`);
    }
    if (typeof method !== 'string' && reg.method.service.name !== method.service.name) {
      throw new UnknownMethod(wire, `belongs to service '${reg.method.service.name}' here, not '${method.service.name}'`);
    }
    if (reg.method.internal) throw new UnknownMethod(wire, 'is only sent between cells');
    return reg.method;
  }

  /** Like `served`, internal methods included (handlers send those). */
  private servedAny(method: MethodDescriptor | string): MethodDescriptor {
    if (this.runner.isClosed) throw shuttingDown(this.runner.name);
    const wire = typeof method === 'string' ? method : method.name;
    const reg = this.registry.get(wire);
    if (!reg) throw new UnknownMethod(wire, `is not served by cell ${this.runner.name}`);
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
          this.runner.logger.warn(`${m.name}: no ${m.target.arg} given; nothing sent`);
          return undefined;
        }
        // As the reference: a targeted message with no target cell cannot be routed.
        throw new CellRoutingInconsistency('No cell given in routing path.', { cell: this.runner.name, details: { missing: m.target === 'none' ? 'target' : m.target.arg } });
      }
      const r = await this.sendTargeted(m, ctxt, kwargs, { ...route, target }, opts);
      return m.kind === 'targeted_or_broadcast' && r !== undefined ? [r] : r;
    }
    const runLocally = flag(m.runLocally ?? true, kwargs);
    return this.sendBroadcast(m, ctxt, kwargs, { ...route, runLocally }, opts);
  }

  private sendTargeted(
    m: MethodDescriptor,
    ctxt: RequestContext,
    args: Record<string, unknown>,
    route: Route & { readonly target: string },
    options: CallOptions,
  ): Promise<Response | undefined> {
    const deadline = this.deadlineOf(options, route.needResponse);
    const env = this.envelopes.request('targeted', m, ctxt, args, route, deadline, options);
    env.target_cell = route.target;
    arrive(env, this.runner.name);
    // Not remembered in the dedupe window: a targeted message follows its path away from
    // the origin and never comes back to it (broadcasts, which can, are remembered).
    const signal = options.signal;
    const meta: Meta = { deadline, origin: true, method: m, ...(signal ? { signal } : {}) };
    if (!env.need_response) return this.routeTargeted(env, meta).then(() => undefined);
    // The waiter is in place before the message leaves: its answer cannot overtake it.
    const answer = this.waiters.wait(env.uuid, route.target, m, deadline, signal);
    void this.routeTargeted(env, meta);
    return answer;
  }

  private sendBroadcast(
    m: MethodDescriptor,
    ctxt: RequestContext,
    args: Record<string, unknown>,
    route: Route & { readonly runLocally: boolean },
    options: CallOptions,
  ): Promise<Response[] | undefined> {
    const deadline = this.deadlineOf(options, route.needResponse);
    const env = this.envelopes.request('broadcast', m, ctxt, args, route, deadline, options);
    env.run_locally = route.runLocally;
    arrive(env, this.runner.name);
    this.dedupe.firstSeen(env.uuid);
    const signal = options.signal;
    const base: Meta = { deadline, origin: true, method: m, ...(signal ? { signal } : {}) };
    if (!env.need_response) return this.routeBroadcast(env, base, route.runLocally).then(() => undefined);
    return new Promise<Response[]>((resolve, reject) => {
      const onAbort = () => {
        this.collectors.drop(env.uuid);
        reject(abortError(signal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      void this.routeBroadcast(env, base, route.runLocally, {
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
    const env = this.envelopes.request('targeted', m, ctxt, args, { direction: m.direction, needResponse }, deadline, options);
    env.target_cell = this.runner.name;
    arrive(env, this.runner.name);
    const r = await this.local.run(env, deadline, this.registry.require(m.name), env.method_kwargs);
    if (needResponse) return checkedResult(r, m);
    if (r.failure) throw r.value;
    return undefined;
  }
}
