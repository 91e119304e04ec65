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
// @ts-nocheck
function stryNS_9fa48() {
  var g = typeof globalThis === 'object' && globalThis && globalThis.Math === Math && globalThis || new Function("return this")();
  var ns = g.__stryker__ || (g.__stryker__ = {});
  if (ns.activeMutant === undefined && g.process && g.process.env && g.process.env.__STRYKER_ACTIVE_MUTANT__) {
    ns.activeMutant = g.process.env.__STRYKER_ACTIVE_MUTANT__;
  }
  function retrieveNS() {
    return ns;
  }
  stryNS_9fa48 = retrieveNS;
  return retrieveNS();
}
stryNS_9fa48();
function stryCov_9fa48() {
  var ns = stryNS_9fa48();
  var cov = ns.mutantCoverage || (ns.mutantCoverage = {
    static: {},
    perTest: {}
  });
  function cover() {
    var c = cov.static;
    if (ns.currentTestId) {
      c = cov.perTest[ns.currentTestId] = cov.perTest[ns.currentTestId] || {};
    }
    var a = arguments;
    for (var i = 0; i < a.length; i++) {
      c[a[i]] = (c[a[i]] || 0) + 1;
    }
  }
  stryCov_9fa48 = cover;
  cover.apply(null, arguments);
}
function stryMutAct_9fa48(id) {
  var ns = stryNS_9fa48();
  function isActive(id) {
    if (ns.activeMutant === id) {
      if (ns.hitCount !== void 0 && ++ns.hitCount > ns.hitLimit) {
        throw new Error('Stryker: Hit count limit reached (' + ns.hitCount + ')');
      }
      return true;
    }
    return false;
  }
  stryMutAct_9fa48 = isActive;
  return isActive(id);
}
import { checkedResult, fromWire } from './answers.js';
import { CastOutbox, type HeldCast } from './cast-outbox.js';
import { CellMaxHopCountReached, CellRoutingInconsistency, CellTimeout, InvalidArgument } from './cell-errors.js';
import { decodeEnvelope, encodeEnvelope } from './codec.js';
import { Collectors, type BroadcastCaller } from './collector.js';
import { hopWaitUntil, type CallOptions } from './deadline.js';
import { DedupeWindow } from './dedupe.js';
import { arrive, Envelopes, type Route } from './envelopes.js';
import { CellwireError } from './errors.js';
import { applyHooks, type ReceiveContext, type ReceiveNext, type SendContext, type SendNext } from './interceptor.js';
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
  readonly stats: RunnerStats = stryMutAct_9fa48("1816") ? {} : (stryCov_9fa48("1816"), {
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
    invalid: 0
  });
  readonly logger: Logger;
  private readonly registry = new ServiceRegistry();
  private readonly callTimeoutMs: number;
  private readonly maxDeadlineMs: number;
  /** A cast's time to live: the deadline of casts made here, and the cap of received ones. */
  private readonly castTtlMs: number;
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
  private closed = stryMutAct_9fa48("1817") ? true : (stryCov_9fa48("1817"), false);
  constructor(options: RunnerOptions) {
    if (stryMutAct_9fa48("1818")) {
      {}
    } else {
      stryCov_9fa48("1818");
      if (stryMutAct_9fa48("1821") ? (!options.name || options.name.includes(PATH_CELL_SEP)) && options.name.includes('@') : stryMutAct_9fa48("1820") ? false : stryMutAct_9fa48("1819") ? true : (stryCov_9fa48("1819", "1820", "1821"), (stryMutAct_9fa48("1823") ? !options.name && options.name.includes(PATH_CELL_SEP) : stryMutAct_9fa48("1822") ? false : (stryCov_9fa48("1822", "1823"), (stryMutAct_9fa48("1824") ? options.name : (stryCov_9fa48("1824"), !options.name)) || options.name.includes(PATH_CELL_SEP))) || options.name.includes(stryMutAct_9fa48("1825") ? "" : (stryCov_9fa48("1825"), '@')))) {
        if (stryMutAct_9fa48("1826")) {
          {}
        } else {
          stryCov_9fa48("1826");
          throw new InvalidArgument(stryMutAct_9fa48("1827") ? `` : (stryCov_9fa48("1827"), `invalid cell name '${options.name}': it must be non-empty, without '!' or '@'`));
        }
      }
      this.name = options.name;
      this.state = new NeighbourState(options.name, options);
      for (const s of stryMutAct_9fa48("1828") ? options.services && [] : (stryCov_9fa48("1828"), options.services ?? (stryMutAct_9fa48("1829") ? ["Stryker was here"] : (stryCov_9fa48("1829"), [])))) this.registry.add(s);
      const interceptors = stryMutAct_9fa48("1830") ? options.interceptors && [] : (stryCov_9fa48("1830"), options.interceptors ?? (stryMutAct_9fa48("1831") ? ["Stryker was here"] : (stryCov_9fa48("1831"), [])));
      // Hop hooks (tracing): each copy of an envelope carries the trace context they pass on.
      this.sendChain = applyHooks(interceptors.flatMap(stryMutAct_9fa48("1832") ? () => undefined : (stryCov_9fa48("1832"), i => i.send ? stryMutAct_9fa48("1833") ? [] : (stryCov_9fa48("1833"), [i.send]) : stryMutAct_9fa48("1834") ? ["Stryker was here"] : (stryCov_9fa48("1834"), []))), stryMutAct_9fa48("1835") ? () => undefined : (stryCov_9fa48("1835"), (s: SendContext) => s.link.send(encodeEnvelope((stryMutAct_9fa48("1838") ? s.traceparent !== s.message.traceparent : stryMutAct_9fa48("1837") ? false : stryMutAct_9fa48("1836") ? true : (stryCov_9fa48("1836", "1837", "1838"), s.traceparent === s.message.traceparent)) ? s.message : stryMutAct_9fa48("1839") ? {} : (stryCov_9fa48("1839"), {
        ...s.message,
        traceparent: s.traceparent
      })), s.options)));
      this.receiveHooks = interceptors.flatMap(stryMutAct_9fa48("1840") ? () => undefined : (stryCov_9fa48("1840"), i => i.receive ? stryMutAct_9fa48("1841") ? [] : (stryCov_9fa48("1841"), [i.receive]) : stryMutAct_9fa48("1842") ? ["Stryker was here"] : (stryCov_9fa48("1842"), [])));
      this.maxDeadlineMs = stryMutAct_9fa48("1843") ? options.maxDeadlineMs && 3_600_000 : (stryCov_9fa48("1843"), options.maxDeadlineMs ?? 3_600_000);
      this.callTimeoutMs = stryMutAct_9fa48("1844") ? Math.max(options.callTimeoutMs ?? 60_000, this.maxDeadlineMs) : (stryCov_9fa48("1844"), Math.min(stryMutAct_9fa48("1845") ? options.callTimeoutMs && 60_000 : (stryCov_9fa48("1845"), options.callTimeoutMs ?? 60_000), this.maxDeadlineMs));
      // Not capped by maxDeadlineMs: that bounds calls, which hold collectors and reply channels
      // here; a cast holds at most a queue or outbox entry, until its time to live ends.
      this.castTtlMs = stryMutAct_9fa48("1846") ? options.castTtlMs && 24 * 3_600_000 : (stryCov_9fa48("1846"), options.castTtlMs ?? (stryMutAct_9fa48("1847") ? 24 / 3_600_000 : (stryCov_9fa48("1847"), 24 * 3_600_000)));
      this.hopMarginMs = stryMutAct_9fa48("1848") ? options.hopMarginMs && 250 : (stryCov_9fa48("1848"), options.hopMarginMs ?? 250);
      this.sendStacks = stryMutAct_9fa48("1849") ? options.sendStacks && false : (stryCov_9fa48("1849"), options.sendStacks ?? (stryMutAct_9fa48("1850") ? true : (stryCov_9fa48("1850"), false)));
      this.errors = stryMutAct_9fa48("1851") ? options.errors && defaultErrorRegistry() : (stryCov_9fa48("1851"), options.errors ?? defaultErrorRegistry());
      this.logger = stryMutAct_9fa48("1852") ? options.logger && consoleLogger(options.name) : (stryCov_9fa48("1852"), options.logger ?? consoleLogger(options.name));
      this.dedupe = new DedupeWindow(options.dedupeWindowMs, undefined, options.dedupeStore);
      this.outbox = options.castOutbox ? new CastOutbox(stryMutAct_9fa48("1853") ? {} : (stryCov_9fa48("1853"), {
        store: options.castOutbox,
        linkOf: stryMutAct_9fa48("1854") ? () => undefined : (stryCov_9fa48("1854"), (side, name) => stryMutAct_9fa48("1855") ? (side === 'parent' ? this.state.parents : this.state.children).get(name).link : (stryCov_9fa48("1855"), ((stryMutAct_9fa48("1858") ? side !== 'parent' : stryMutAct_9fa48("1857") ? false : stryMutAct_9fa48("1856") ? true : (stryCov_9fa48("1856", "1857", "1858"), side === (stryMutAct_9fa48("1859") ? "" : (stryCov_9fa48("1859"), 'parent')))) ? this.state.parents : this.state.children).get(name)?.link)),
        stats: this.stats,
        logger: this.logger,
        handoffMs: this.callTimeoutMs,
        retryMs: stryMutAct_9fa48("1860") ? options.castRetryMs && 1000 : (stryCov_9fa48("1860"), options.castRetryMs ?? 1000),
        retryMaxMs: stryMutAct_9fa48("1861") ? options.castRetryMaxMs && 5000 : (stryCov_9fa48("1861"), options.castRetryMaxMs ?? 5000)
      })) : undefined;
      this.envelopes = new Envelopes(this.registry, stryMutAct_9fa48("1862") ? options.maxHopCount && 10 : (stryCov_9fa48("1862"), options.maxHopCount ?? 10), stryMutAct_9fa48("1863") ? options.sendServiceVersion && true : (stryCov_9fa48("1863"), options.sendServiceVersion ?? (stryMutAct_9fa48("1864") ? false : (stryCov_9fa48("1864"), true))));
      this.local = new LocalCalls(this, this.registry, interceptors);
      // The callbacks into the routing below are made once here, never per message.
      this.collectors = new Collectors(this.errors, this.sendStacks, stryMutAct_9fa48("1865") ? () => undefined : (stryCov_9fa48("1865"), (env, list) => this.respondList(env, list, stryMutAct_9fa48("1866") ? false : (stryCov_9fa48("1866"), true))));
      this.origin = new OriginCalls(stryMutAct_9fa48("1867") ? {} : (stryCov_9fa48("1867"), {
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
        routeTargeted: stryMutAct_9fa48("1868") ? () => undefined : (stryCov_9fa48("1868"), (env, meta) => this.processTargeted(env, meta)),
        routeBroadcast: stryMutAct_9fa48("1869") ? () => undefined : (stryCov_9fa48("1869"), (env, meta, runLocally, caller) => this.processBroadcast(env, meta, runLocally, caller))
      }));
    }
  }

  /**
   * Serves one more service (Connect's `router.service(desc, impl)`). A wire name another
   * registered service already uses is refused, naming both services.
   */
  service<S extends AnyService>(service: S, handlers: Partial<ServiceHandlers<S>> = {}): this {
    if (stryMutAct_9fa48("1870")) {
      {}
    } else {
      stryCov_9fa48("1870");
      this.registry.add(stryMutAct_9fa48("1871") ? {} : (stryCov_9fa48("1871"), {
        service,
        handlers
      }));
      return this;
    }
  }

  /** The services this runner serves. */
  services(): AnyService[] {
    if (stryMutAct_9fa48("1872")) {
      {}
    } else {
      stryCov_9fa48("1872");
      return this.registry.services();
    }
  }

  /** The method served under a wire name, if any. */
  method(wire: string): MethodDescriptor | undefined {
    if (stryMutAct_9fa48("1873")) {
      {}
    } else {
      stryCov_9fa48("1873");
      return stryMutAct_9fa48("1874") ? this.registry.get(wire).method : (stryCov_9fa48("1874"), this.registry.get(wire)?.method);
    }
  }

  /** Adds a parent or child reached through `link`. */
  addNeighbour(side: 'parent' | 'child', name: string, link: Neighbour['link']): Neighbour {
    if (stryMutAct_9fa48("1875")) {
      {}
    } else {
      stryCov_9fa48("1875");
      return this.state.add(side, name, link);
    }
  }

  /** Waiters, aggregations and held reply channels still open. Zero when the runner is idle. */
  pendingCount(): number {
    if (stryMutAct_9fa48("1876")) {
      {}
    } else {
      stryCov_9fa48("1876");
      return stryMutAct_9fa48("1877") ? this.waiters.size + this.collectors.size - this.replyChannels.size : (stryCov_9fa48("1877"), (stryMutAct_9fa48("1878") ? this.waiters.size - this.collectors.size : (stryCov_9fa48("1878"), this.waiters.size + this.collectors.size)) + this.replyChannels.size);
    }
  }

  /** Casts held in the outbox now, to be retried (0 without an outbox). */
  heldCasts(): number {
    if (stryMutAct_9fa48("1879")) {
      {}
    } else {
      stryCov_9fa48("1879");
      return stryMutAct_9fa48("1880") ? this.outbox?.size && 0 : (stryCov_9fa48("1880"), (stryMutAct_9fa48("1881") ? this.outbox.size : (stryCov_9fa48("1881"), this.outbox?.size)) ?? 0);
    }
  }

  /** Retries the held casts now rather than at their next turn; resolves when that round is done. */
  retryHeldCasts(): Promise<void> {
    if (stryMutAct_9fa48("1882")) {
      {}
    } else {
      stryCov_9fa48("1882");
      return stryMutAct_9fa48("1883") ? this.outbox?.flush() && Promise.resolve() : (stryCov_9fa48("1883"), (stryMutAct_9fa48("1884") ? this.outbox.flush() : (stryCov_9fa48("1884"), this.outbox?.flush())) ?? Promise.resolve());
    }
  }

  /** Refuses new work with `unavailable`, fails every open call and releases everything held. */
  close(): void {
    if (stryMutAct_9fa48("1885")) {
      {}
    } else {
      stryCov_9fa48("1885");
      this.closed = stryMutAct_9fa48("1886") ? false : (stryCov_9fa48("1886"), true);
      stryMutAct_9fa48("1887") ? this.outbox.close() : (stryCov_9fa48("1887"), this.outbox?.close());
      const err = stryMutAct_9fa48("1888") ? () => undefined : (stryCov_9fa48("1888"), (() => {
        const err = () => shuttingDown(this.name);
        return err;
      })());
      this.waiters.failAll(err);
      this.collectors.failAll(err);
      this.replyChannels.releaseAll();
    }
  }

  /** Whether this runner was closed. */
  get isClosed(): boolean {
    if (stryMutAct_9fa48("1889")) {
      {}
    } else {
      stryCov_9fa48("1889");
      return this.closed;
    }
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
    if (stryMutAct_9fa48("1890")) {
      {}
    } else {
      stryCov_9fa48("1890");
      return this.origin.invoke(method, ctxt, args, options);
    }
  }

  /**
   * Low level: a targeted message of a served method, routed as given (the reference's
   * `_TargetedMessage`). Handlers use it to send internal methods; most code uses a client.
   *
   * @example
   * const r = await runner.targeted('get_host_uptime', ctxt, { cell_name, host_name: 'h1' },
   *   { target: 'api-cell!child-cell2', direction: 'down', needResponse: true });
   */
  targeted(method: MethodDescriptor | string, ctxt: RequestContext, args: object, route: Route & {
    readonly target: string;
  }, options: CallOptions = {}): Promise<Response | undefined> {
    if (stryMutAct_9fa48("1891")) {
      {}
    } else {
      stryCov_9fa48("1891");
      // A promise either way: a refusal (unknown method, bad arguments, aborted) rejects it.
      if (stryMutAct_9fa48("1894") ? options.signal.aborted : stryMutAct_9fa48("1893") ? false : stryMutAct_9fa48("1892") ? true : (stryCov_9fa48("1892", "1893", "1894"), options.signal?.aborted)) return Promise.reject(abortError(options.signal));
      try {
        if (stryMutAct_9fa48("1895")) {
          {}
        } else {
          stryCov_9fa48("1895");
          return this.origin.targeted(method, ctxt, args, route, options);
        }
      } catch (e) {
        if (stryMutAct_9fa48("1896")) {
          {}
        } else {
          stryCov_9fa48("1896");
          return Promise.reject(e);
        }
      }
    }
  }

  /**
   * Low level: a broadcast of a served method (the reference's `_BroadcastMessage`). A call
   * resolves with one Response per cell reached.
   */
  broadcast(method: MethodDescriptor | string, ctxt: RequestContext, args: object, route: Route & {
    readonly runLocally?: boolean;
  }, options: CallOptions = {}): Promise<Response[] | undefined> {
    if (stryMutAct_9fa48("1897")) {
      {}
    } else {
      stryCov_9fa48("1897");
      if (stryMutAct_9fa48("1900") ? options.signal.aborted : stryMutAct_9fa48("1899") ? false : stryMutAct_9fa48("1898") ? true : (stryCov_9fa48("1898", "1899", "1900"), options.signal?.aborted)) return Promise.reject(abortError(options.signal));
      try {
        if (stryMutAct_9fa48("1901")) {
          {}
        } else {
          stryCov_9fa48("1901");
          return this.origin.broadcast(method, ctxt, args, route, options);
        }
      } catch (e) {
        if (stryMutAct_9fa48("1902")) {
          {}
        } else {
          stryCov_9fa48("1902");
          return Promise.reject(e);
        }
      }
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
    if (stryMutAct_9fa48("1903")) {
      {}
    } else {
      stryCov_9fa48("1903");
      try {
        if (stryMutAct_9fa48("1904")) {
          {}
        } else {
          stryCov_9fa48("1904");
          await this.receiveOne(inbound);
        }
      } catch (e) {
        if (stryMutAct_9fa48("1905")) {
          {}
        } else {
          stryCov_9fa48("1905");
          // Nothing a message does may end the process: whatever escaped is logged, and the
          // sender's exchange is released.
          this.logger.error(stryMutAct_9fa48("1906") ? `` : (stryCov_9fa48("1906"), `internal error while handling a message: ${stryMutAct_9fa48("1907") ? (e as Error)?.stack && String(e) : (stryCov_9fa48("1907"), (stryMutAct_9fa48("1908") ? (e as Error).stack : (stryCov_9fa48("1908"), (e as Error)?.stack)) ?? String(e))}`));
          stryMutAct_9fa48("1909") ? inbound.reply(undefined) : (stryCov_9fa48("1909"), inbound.reply?.(undefined));
        }
      }
    }
  };
  private async receiveOne(inbound: Inbound): Promise<void> {
    if (stryMutAct_9fa48("1910")) {
      {}
    } else {
      stryCov_9fa48("1910");
      stryMutAct_9fa48("1911") ? this.stats.received-- : (stryCov_9fa48("1911"), this.stats.received++);
      if (stryMutAct_9fa48("1913") ? false : stryMutAct_9fa48("1912") ? true : (stryCov_9fa48("1912", "1913"), this.closed)) return this.refuse(inbound, shuttingDown(this.name), undefined);
      let decoded: Envelope | undefined;
      try {
        if (stryMutAct_9fa48("1914")) {
          {}
        } else {
          stryCov_9fa48("1914");
          decoded = decodeEnvelope(inbound.data, inbound.json);
          checkSender(decoded, inbound.from, this.name, this.state);
        }
      } catch (e) {
        if (stryMutAct_9fa48("1915")) {
          {}
        } else {
          stryCov_9fa48("1915");
          return this.refuse(inbound, CellwireError.from(e, stryMutAct_9fa48("1916") ? "" : (stryCov_9fa48("1916"), 'invalid_argument')), decoded);
        }
      }
      const env = decoded;
      arrive(env, this.name);
      const now = Date.now();
      // A received deadline is capped: a peer does not decide how long this cell holds state.
      // A cast's deadline is its time to live, capped the same way by castTtlMs.
      const cast = stryMutAct_9fa48("1919") ? !env.need_response || env.message_type !== 'response' : stryMutAct_9fa48("1918") ? false : stryMutAct_9fa48("1917") ? true : (stryCov_9fa48("1917", "1918", "1919"), (stryMutAct_9fa48("1920") ? env.need_response : (stryCov_9fa48("1920"), !env.need_response)) && (stryMutAct_9fa48("1922") ? env.message_type === 'response' : stryMutAct_9fa48("1921") ? true : (stryCov_9fa48("1921", "1922"), env.message_type !== (stryMutAct_9fa48("1923") ? "" : (stryCov_9fa48("1923"), 'response')))));
      const deadline = cast ? stryMutAct_9fa48("1924") ? Math.max(env.deadline ?? now + this.castTtlMs, now + this.castTtlMs) : (stryCov_9fa48("1924"), Math.min(stryMutAct_9fa48("1925") ? env.deadline && now + this.castTtlMs : (stryCov_9fa48("1925"), env.deadline ?? (stryMutAct_9fa48("1926") ? now - this.castTtlMs : (stryCov_9fa48("1926"), now + this.castTtlMs))), stryMutAct_9fa48("1927") ? now - this.castTtlMs : (stryCov_9fa48("1927"), now + this.castTtlMs))) : stryMutAct_9fa48("1928") ? Math.max(env.deadline ?? now + this.callTimeoutMs, now + this.maxDeadlineMs) : (stryCov_9fa48("1928"), Math.min(stryMutAct_9fa48("1929") ? env.deadline && now + this.callTimeoutMs : (stryCov_9fa48("1929"), env.deadline ?? (stryMutAct_9fa48("1930") ? now - this.callTimeoutMs : (stryCov_9fa48("1930"), now + this.callTimeoutMs))), stryMutAct_9fa48("1931") ? now - this.maxDeadlineMs : (stryCov_9fa48("1931"), now + this.maxDeadlineMs)));
      const meta: Meta = stryMutAct_9fa48("1932") ? {} : (stryCov_9fa48("1932"), {
        deadline,
        origin: stryMutAct_9fa48("1933") ? true : (stryCov_9fa48("1933"), false),
        inbound
      });
      const from = stryMutAct_9fa48("1934") ? previousCell(env.routing_path) && '' : (stryCov_9fa48("1934"), previousCell(env.routing_path) ?? (stryMutAct_9fa48("1935") ? "Stryker was here!" : (stryCov_9fa48("1935"), '')));
      // Broadcast calls remember their first sender: a duplicate from another one is a second path.
      const sender = (stryMutAct_9fa48("1938") ? env.message_type === 'broadcast' || env.need_response : stryMutAct_9fa48("1937") ? false : stryMutAct_9fa48("1936") ? true : (stryCov_9fa48("1936", "1937", "1938"), (stryMutAct_9fa48("1940") ? env.message_type !== 'broadcast' : stryMutAct_9fa48("1939") ? true : (stryCov_9fa48("1939", "1940"), env.message_type === (stryMutAct_9fa48("1941") ? "" : (stryCov_9fa48("1941"), 'broadcast')))) && env.need_response)) ? from : undefined;
      if (stryMutAct_9fa48("1944") ? env.message_type === 'response' : stryMutAct_9fa48("1943") ? false : stryMutAct_9fa48("1942") ? true : (stryCov_9fa48("1942", "1943", "1944"), env.message_type !== (stryMutAct_9fa48("1945") ? "" : (stryCov_9fa48("1945"), 'response')))) {
        if (stryMutAct_9fa48("1946")) {
          {}
        } else {
          stryCov_9fa48("1946");
          let first: boolean;
          try {
            if (stryMutAct_9fa48("1947")) {
              {}
            } else {
              stryCov_9fa48("1947");
              first = this.dedupe.firstSeen(env.uuid, now, sender);
            }
          } catch (e) {
            if (stryMutAct_9fa48("1948")) {
              {}
            } else {
              stryCov_9fa48("1948");
              // Its uuid could not be recorded (the dedupe store failed): run nothing, refuse it.
              return this.refuse(inbound, new CellwireError(stryMutAct_9fa48("1949") ? "" : (stryCov_9fa48("1949"), 'unavailable'), stryMutAct_9fa48("1950") ? `` : (stryCov_9fa48("1950"), `cell ${this.name} cannot record message ${env.uuid}: ${(e as Error).message}`), stryMutAct_9fa48("1951") ? {} : (stryCov_9fa48("1951"), {
                cause: e
              })), env);
            }
          }
          if (stryMutAct_9fa48("1954") ? false : stryMutAct_9fa48("1953") ? true : stryMutAct_9fa48("1952") ? first : (stryCov_9fa48("1952", "1953", "1954"), !first)) return this.duplicate(env, inbound, deadline, from);
        }
      }
      if (stryMutAct_9fa48("1956") ? false : stryMutAct_9fa48("1955") ? true : (stryCov_9fa48("1955", "1956"), cast)) stryMutAct_9fa48("1957") ? this.stats.castsAccepted-- : (stryCov_9fa48("1957"), this.stats.castsAccepted++);
      if (stryMutAct_9fa48("1960") ? env.need_response && inbound.reply || env.message_type !== 'response' : stryMutAct_9fa48("1959") ? false : stryMutAct_9fa48("1958") ? true : (stryCov_9fa48("1958", "1959", "1960"), (stryMutAct_9fa48("1962") ? env.need_response || inbound.reply : stryMutAct_9fa48("1961") ? true : (stryCov_9fa48("1961", "1962"), env.need_response && inbound.reply)) && (stryMutAct_9fa48("1964") ? env.message_type === 'response' : stryMutAct_9fa48("1963") ? true : (stryCov_9fa48("1963", "1964"), env.message_type !== (stryMutAct_9fa48("1965") ? "" : (stryCov_9fa48("1965"), 'response')))))) this.holdReply(env, inbound, deadline);else stryMutAct_9fa48("1966") ? inbound.reply(undefined) : (stryCov_9fa48("1966"), inbound.reply?.(undefined));
      if (stryMutAct_9fa48("1970") ? this.receiveHooks.length <= 0 : stryMutAct_9fa48("1969") ? this.receiveHooks.length >= 0 : stryMutAct_9fa48("1968") ? false : stryMutAct_9fa48("1967") ? true : (stryCov_9fa48("1967", "1968", "1969", "1970"), this.receiveHooks.length > 0)) return this.receiveThroughHooks(env, meta, from);
      if (stryMutAct_9fa48("1973") ? env.message_type !== 'response' : stryMutAct_9fa48("1972") ? false : stryMutAct_9fa48("1971") ? true : (stryCov_9fa48("1971", "1972", "1973"), env.message_type === (stryMutAct_9fa48("1974") ? "" : (stryCov_9fa48("1974"), 'response')))) return this.routeResponse(env);
      if (stryMutAct_9fa48("1977") ? env.message_type !== 'targeted' : stryMutAct_9fa48("1976") ? false : stryMutAct_9fa48("1975") ? true : (stryCov_9fa48("1975", "1976", "1977"), env.message_type === (stryMutAct_9fa48("1978") ? "" : (stryCov_9fa48("1978"), 'targeted')))) return this.processTargeted(env, meta);
      return this.processBroadcast(env, meta, stryMutAct_9fa48("1979") ? false : (stryCov_9fa48("1979"), true));
    }
  }

  /** Refuses an inbound message; `env` when it was decoded (then the sender was refused). */
  private refuse(inbound: Inbound, err: CellwireError, env: Envelope | undefined): void {
    if (stryMutAct_9fa48("1980")) {
      {}
    } else {
      stryCov_9fa48("1980");
      stryMutAct_9fa48("1981") ? this.stats.invalid-- : (stryCov_9fa48("1981"), this.stats.invalid++);
      stryMutAct_9fa48("1982") ? err.cell &&= this.name : (stryCov_9fa48("1982"), err.cell ??= this.name);
      const from = inbound.from ? stryMutAct_9fa48("1983") ? {} : (stryCov_9fa48("1983"), {
        from: inbound.from
      }) : undefined;
      this.logger.warn(stryMutAct_9fa48("1984") ? `` : (stryCov_9fa48("1984"), `refused a message: ${err.message}`), env ? logFields(env, from) : from);
      if (stryMutAct_9fa48("1986") ? false : stryMutAct_9fa48("1985") ? true : (stryCov_9fa48("1985", "1986"), inbound.reject)) inbound.reject(err);else stryMutAct_9fa48("1987") ? inbound.reply(undefined) : (stryCov_9fa48("1987"), inbound.reply?.(undefined));
    }
  }

  /**
   * A message seen before: a redelivery, or a second path in a graph. It never runs again
   * and never touches the first copy's reply channel. A broadcast caller waiting on this
   * exchange from a *different* neighbour gets an empty list (this cell answers through the
   * first copy, so it appears once); the same neighbour gets no answer on this exchange,
   * since its first copy's answer is still coming (or was lost, which it must see as such).
   */
  private duplicate(env: Envelope, inbound: Inbound, deadline: number, from: string): void {
    if (stryMutAct_9fa48("1988")) {
      {}
    } else {
      stryCov_9fa48("1988");
      stryMutAct_9fa48("1989") ? this.stats.duplicates-- : (stryCov_9fa48("1989"), this.stats.duplicates++);
      this.logger.debug(stryMutAct_9fa48("1990") ? `` : (stryCov_9fa48("1990"), `dropped a repeated message ${env.uuid} (${env.method_name})`), logFields(env));
      const otherPath = stryMutAct_9fa48("1993") ? env.message_type === 'broadcast' && env.need_response || this.dedupe.firstSender(env.uuid) !== from : stryMutAct_9fa48("1992") ? false : stryMutAct_9fa48("1991") ? true : (stryCov_9fa48("1991", "1992", "1993"), (stryMutAct_9fa48("1995") ? env.message_type === 'broadcast' || env.need_response : stryMutAct_9fa48("1994") ? true : (stryCov_9fa48("1994", "1995"), (stryMutAct_9fa48("1997") ? env.message_type !== 'broadcast' : stryMutAct_9fa48("1996") ? true : (stryCov_9fa48("1996", "1997"), env.message_type === (stryMutAct_9fa48("1998") ? "" : (stryCov_9fa48("1998"), 'broadcast')))) && env.need_response)) && (stryMutAct_9fa48("2000") ? this.dedupe.firstSender(env.uuid) === from : stryMutAct_9fa48("1999") ? true : (stryCov_9fa48("1999", "2000"), this.dedupe.firstSender(env.uuid) !== from)));
      if (stryMutAct_9fa48("2003") ? otherPath || !this.replyChannels.has(env.uuid, from) : stryMutAct_9fa48("2002") ? false : stryMutAct_9fa48("2001") ? true : (stryCov_9fa48("2001", "2002", "2003"), otherPath && (stryMutAct_9fa48("2004") ? this.replyChannels.has(env.uuid, from) : (stryCov_9fa48("2004"), !this.replyChannels.has(env.uuid, from))))) {
        if (stryMutAct_9fa48("2005")) {
          {}
        } else {
          stryCov_9fa48("2005");
          // On the exchange when there is one, else as a response message along the path.
          if (stryMutAct_9fa48("2007") ? false : stryMutAct_9fa48("2006") ? true : (stryCov_9fa48("2006", "2007"), inbound.reply)) this.holdReply(env, inbound, deadline);
          this.respondList(env, stryMutAct_9fa48("2008") ? ["Stryker was here"] : (stryCov_9fa48("2008"), []), stryMutAct_9fa48("2009") ? false : (stryCov_9fa48("2009"), true));
        }
      } else stryMutAct_9fa48("2010") ? inbound.reply(undefined) : (stryCov_9fa48("2010"), inbound.reply?.(undefined));
    }
  }

  /** Keeps the exchange a waiting neighbour listens on, so its answer can go straight back. */
  private holdReply(env: Envelope, inbound: Inbound, deadline: number): void {
    if (stryMutAct_9fa48("2011")) {
      {}
    } else {
      stryCov_9fa48("2011");
      const from = previousCell(env.routing_path);
      if (stryMutAct_9fa48("2014") ? !from && !inbound.reply : stryMutAct_9fa48("2013") ? false : stryMutAct_9fa48("2012") ? true : (stryCov_9fa48("2012", "2013", "2014"), (stryMutAct_9fa48("2015") ? from : (stryCov_9fa48("2015"), !from)) || (stryMutAct_9fa48("2016") ? inbound.reply : (stryCov_9fa48("2016"), !inbound.reply)))) return;
      this.replyChannels.hold(env.uuid, from, inbound.reply, deadline);
    }
  }

  /**
   * A received message through the interceptors' receive hooks: the trace context they pass
   * on is the one this cell's handler, sends and answers carry for it.
   */
  private receiveThroughHooks(env: Envelope, meta: Meta, from: string): Promise<void> {
    if (stryMutAct_9fa48("2017")) {
      {}
    } else {
      stryCov_9fa48("2017");
      const chain = applyHooks(this.receiveHooks, (r: ReceiveContext) => {
        env.traceparent = r.traceparent;
        if (env.message_type === 'response') return this.routeResponse(env);
        if (env.message_type === 'targeted') return this.processTargeted(env, meta);
        return this.processBroadcast(env, meta, true);
      }) as (r: ReceiveContext) => Promise<void>;
      const method = stryMutAct_9fa48("2018") ? this.registry.get(env.method_name).method : (stryCov_9fa48("2018"), this.registry.get(env.method_name)?.method);
      return chain(stryMutAct_9fa48("2019") ? {} : (stryCov_9fa48("2019"), {
        stage: stryMutAct_9fa48("2020") ? "" : (stryCov_9fa48("2020"), 'receive'),
        cell: this.name,
        from,
        message: env,
        method,
        deadline: meta.deadline,
        traceparent: env.traceparent
      }));
    }
  }

  /**
   * Hands `env` to a neighbour's link (`data`: its text, when already encoded), through the
   * interceptors' send hooks when there are any.
   */
  private sendTo(n: Neighbour, env: Envelope, data: string | undefined, options: SendOptions): Promise<string | undefined> {
    if (stryMutAct_9fa48("2021")) {
      {}
    } else {
      stryCov_9fa48("2021");
      const chain = this.sendChain;
      if (stryMutAct_9fa48("2024") ? chain !== undefined : stryMutAct_9fa48("2023") ? false : stryMutAct_9fa48("2022") ? true : (stryCov_9fa48("2022", "2023", "2024"), chain === undefined)) return n.link.send(stryMutAct_9fa48("2025") ? data && encodeEnvelope(env) : (stryCov_9fa48("2025"), data ?? encodeEnvelope(env)), options);
      const method = stryMutAct_9fa48("2026") ? this.registry.get(env.method_name).method : (stryCov_9fa48("2026"), this.registry.get(env.method_name)?.method);
      const send: SendContext = stryMutAct_9fa48("2027") ? {} : (stryCov_9fa48("2027"), {
        stage: stryMutAct_9fa48("2028") ? "" : (stryCov_9fa48("2028"), 'send'),
        cell: this.name,
        neighbour: n.name,
        side: n.side,
        link: n.link,
        message: env,
        options,
        method,
        traceparent: env.traceparent
      });
      try {
        if (stryMutAct_9fa48("2029")) {
          {}
        } else {
          stryCov_9fa48("2029");
          return chain(send);
        }
      } catch (e) {
        if (stryMutAct_9fa48("2030")) {
          {}
        } else {
          stryCov_9fa48("2030");
          return Promise.reject(e);
        }
      }
    }
  }
  private neighbourFor(env: Envelope, name: string): Neighbour | undefined {
    if (stryMutAct_9fa48("2031")) {
      {}
    } else {
      stryCov_9fa48("2031");
      return ((stryMutAct_9fa48("2034") ? env.direction !== 'up' : stryMutAct_9fa48("2033") ? false : stryMutAct_9fa48("2032") ? true : (stryCov_9fa48("2032", "2033", "2034"), env.direction === (stryMutAct_9fa48("2035") ? "" : (stryCov_9fa48("2035"), 'up')))) ? this.state.parents : this.state.children).get(name);
    }
  }

  // ---------------------------------------------------------------------------------------
  // Targeted messages (reference 2.2)
  // ---------------------------------------------------------------------------------------

  private async processTargeted(env: Envelope, meta: Meta): Promise<void> {
    if (stryMutAct_9fa48("2036")) {
      {}
    } else {
      stryCov_9fa48("2036");
      const target = stryMutAct_9fa48("2037") ? env.target_cell && '' : (stryCov_9fa48("2037"), env.target_cell ?? (stryMutAct_9fa48("2038") ? "Stryker was here!" : (stryCov_9fa48("2038"), '')));
      let next: string | null;
      try {
        if (stryMutAct_9fa48("2039")) {
          {}
        } else {
          stryCov_9fa48("2039");
          next = nextHopName(target, env.routing_path);
        }
      } catch (e) {
        if (stryMutAct_9fa48("2040")) {
          {}
        } else {
          stryCov_9fa48("2040");
          return this.respondFailure(env, e, meta);
        }
      }
      if (stryMutAct_9fa48("2043") ? next !== null : stryMutAct_9fa48("2042") ? false : stryMutAct_9fa48("2041") ? true : (stryCov_9fa48("2041", "2042", "2043"), next === null)) {
        if (stryMutAct_9fa48("2044")) {
          {}
        } else {
          stryCov_9fa48("2044");
          const response = await this.local.received(env, meta.deadline, meta.origin);
          return this.respond(env, response, meta);
        }
      }
      // A cell on the way need not know the method: it only forwards (rolling upgrades).
      const neighbour = this.neighbourFor(env, next);
      if (stryMutAct_9fa48("2047") ? false : stryMutAct_9fa48("2046") ? true : stryMutAct_9fa48("2045") ? neighbour : (stryCov_9fa48("2045", "2046", "2047"), !neighbour)) {
        if (stryMutAct_9fa48("2048")) {
          {}
        } else {
          stryCov_9fa48("2048");
          const side = (stryMutAct_9fa48("2051") ? env.direction !== 'up' : stryMutAct_9fa48("2050") ? false : stryMutAct_9fa48("2049") ? true : (stryCov_9fa48("2049", "2050", "2051"), env.direction === (stryMutAct_9fa48("2052") ? "" : (stryCov_9fa48("2052"), 'up')))) ? stryMutAct_9fa48("2053") ? "" : (stryCov_9fa48("2053"), 'parent') : stryMutAct_9fa48("2054") ? "" : (stryCov_9fa48("2054"), 'child');
          return this.respondFailure(env, new CellRoutingInconsistency(stryMutAct_9fa48("2055") ? `` : (stryCov_9fa48("2055"), `Unknown ${side} when routing to ${target}`)), meta);
        }
      }
      if (stryMutAct_9fa48("2059") ? env.hop_count < env.max_hop_count : stryMutAct_9fa48("2058") ? env.hop_count > env.max_hop_count : stryMutAct_9fa48("2057") ? false : stryMutAct_9fa48("2056") ? true : (stryCov_9fa48("2056", "2057", "2058", "2059"), env.hop_count >= env.max_hop_count)) return this.respondFailure(env, new CellMaxHopCountReached(env.hop_count), meta);
      const nextPath = appendHop(env.routing_path, next);
      const waitUntil = env.need_response ? hopWaitUntil(meta.deadline, env.hop_count, this.hopMarginMs) : this.handoffUntil(meta.deadline);
      if (stryMutAct_9fa48("2062") ? !env.need_response || !meta.origin : stryMutAct_9fa48("2061") ? false : stryMutAct_9fa48("2060") ? true : (stryCov_9fa48("2060", "2061", "2062"), (stryMutAct_9fa48("2063") ? env.need_response : (stryCov_9fa48("2063"), !env.need_response)) && (stryMutAct_9fa48("2064") ? meta.origin : (stryCov_9fa48("2064"), !meta.origin)))) {
        if (stryMutAct_9fa48("2065")) {
          {}
        } else {
          stryCov_9fa48("2065");
          if (stryMutAct_9fa48("2067") ? false : stryMutAct_9fa48("2066") ? true : (stryCov_9fa48("2066", "2067"), this.castExpired(env, meta, next))) return;
          // Casts held for this neighbour go first: this one queues behind them.
          if (stryMutAct_9fa48("2070") ? this.outbox.holds(neighbour.side, next) : stryMutAct_9fa48("2069") ? false : stryMutAct_9fa48("2068") ? true : (stryCov_9fa48("2068", "2069", "2070"), this.outbox?.holds(neighbour.side, next))) return this.holdCast(env, neighbour, stryMutAct_9fa48("2071") ? "" : (stryCov_9fa48("2071"), 'targeted'), encodeEnvelope(env), meta.deadline);
        }
      }
      let reply: string | undefined;
      try {
        if (stryMutAct_9fa48("2072")) {
          {}
        } else {
          stryCov_9fa48("2072");
          stryMutAct_9fa48("2073") ? this.stats.sent-- : (stryCov_9fa48("2073"), this.stats.sent++);
          reply = await this.sendTo(neighbour, env, undefined, stryMutAct_9fa48("2074") ? {} : (stryCov_9fa48("2074"), {
            messageType: stryMutAct_9fa48("2075") ? "" : (stryCov_9fa48("2075"), 'targeted'),
            fanout: env.fanout,
            expectReply: env.need_response,
            deadline: waitUntil,
            durable: stryMutAct_9fa48("2076") ? env.need_response : (stryCov_9fa48("2076"), !env.need_response)
          }));
        }
      } catch (e) {
        if (stryMutAct_9fa48("2077")) {
          {}
        } else {
          stryCov_9fa48("2077");
          const err = linkError(e, nextPath, next);
          if (stryMutAct_9fa48("2080") ? false : stryMutAct_9fa48("2079") ? true : stryMutAct_9fa48("2078") ? env.need_response : (stryCov_9fa48("2078", "2079", "2080"), !env.need_response)) {
            if (stryMutAct_9fa48("2081")) {
              {}
            } else {
              stryCov_9fa48("2081");
              stryMutAct_9fa48("2082") ? this.stats.castFailures-- : (stryCov_9fa48("2082"), this.stats.castFailures++);
              // The line names the message's own method; the request id ties it to the call that sent it.
              const fields = logFields(env, stryMutAct_9fa48("2083") ? {} : (stryCov_9fa48("2083"), {
                code: err.code
              }));
              this.logger.warn(stryMutAct_9fa48("2084") ? `` : (stryCov_9fa48("2084"), `cast ${env.method_name} to ${target} failed at ${env.routing_path}: ${err.message}`), fields);
              if (stryMutAct_9fa48("2086") ? false : stryMutAct_9fa48("2085") ? true : (stryCov_9fa48("2085", "2086"), meta.origin)) {
                if (stryMutAct_9fa48("2087")) {
                  {}
                } else {
                  stryCov_9fa48("2087");
                  stryMutAct_9fa48("2088") ? this.stats.castsRefused-- : (stryCov_9fa48("2088"), this.stats.castsRefused++);
                  throw err;
                }
              }
              // Accepted from a neighbour already: held and retried, or counted lost (logged).
              return this.castNotHandedOn(env, neighbour, stryMutAct_9fa48("2089") ? "" : (stryCov_9fa48("2089"), 'targeted'), encodeEnvelope(env), err, meta.deadline);
            }
          }
          return this.respondFailure(env, err, meta);
        }
      }
      if (stryMutAct_9fa48("2092") ? false : stryMutAct_9fa48("2091") ? true : stryMutAct_9fa48("2090") ? env.need_response : (stryCov_9fa48("2090", "2091", "2092"), !env.need_response)) {
        if (stryMutAct_9fa48("2093")) {
          {}
        } else {
          stryCov_9fa48("2093");
          stryMutAct_9fa48("2094") ? this.stats.castsDelivered-- : (stryCov_9fa48("2094"), this.stats.castsDelivered++);
          if (stryMutAct_9fa48("2096") ? false : stryMutAct_9fa48("2095") ? true : (stryCov_9fa48("2095", "2096"), meta.origin)) stryMutAct_9fa48("2097") ? this.stats.castsAccepted-- : (stryCov_9fa48("2097"), this.stats.castsAccepted++);
        }
      }
      if (stryMutAct_9fa48("2100") ? reply === undefined : stryMutAct_9fa48("2099") ? false : stryMutAct_9fa48("2098") ? true : (stryCov_9fa48("2098", "2099", "2100"), reply !== undefined)) this.acceptReply(reply, env, meta, next);
    }
  }

  /**
   * A reply that came back on the same exchange: decoded and checked like any message, then
   * routed like any response. Never throws: a reply that cannot be used becomes a failure
   * Response naming the neighbour that sent it.
   */
  private acceptReply(reply: string, env: Envelope, meta: Meta, from: string): void {
    if (stryMutAct_9fa48("2101")) {
      {}
    } else {
      stryCov_9fa48("2101");
      let decoded: Envelope;
      try {
        if (stryMutAct_9fa48("2102")) {
          {}
        } else {
          stryCov_9fa48("2102");
          decoded = decodeReply(reply, env, from);
        }
      } catch (err) {
        if (stryMutAct_9fa48("2103")) {
          {}
        } else {
          stryCov_9fa48("2103");
          if (stryMutAct_9fa48("2106") ? env.message_type !== 'broadcast' : stryMutAct_9fa48("2105") ? false : stryMutAct_9fa48("2104") ? true : (stryCov_9fa48("2104", "2105", "2106"), env.message_type === (stryMutAct_9fa48("2107") ? "" : (stryCov_9fa48("2107"), 'broadcast')))) return this.collectors.neighbourFailed(env.uuid, from, err);
          return this.respondFailure(env, err, meta);
        }
      }
      stryMutAct_9fa48("2108") ? this.stats.received-- : (stryCov_9fa48("2108"), this.stats.received++);
      arrive(decoded, this.name);
      // No dedupe here: a reply on the exchange arrives once (the transport settles a send
      // once), so remembering its uuid would only cost a Map entry per call.
      void this.routeResponse(decoded);
    }
  }

  // ---------------------------------------------------------------------------------------
  // Broadcasts (reference 2.3, with its error paths fixed: always one list)
  // ---------------------------------------------------------------------------------------

  private async processBroadcast(env: Envelope, meta: Meta, runLocally: boolean, caller?: BroadcastCaller): Promise<void> {
    if (stryMutAct_9fa48("2109")) {
      {}
    } else {
      stryCov_9fa48("2109");
      const hops = (stryMutAct_9fa48("2113") ? env.hop_count < env.max_hop_count : stryMutAct_9fa48("2112") ? env.hop_count > env.max_hop_count : stryMutAct_9fa48("2111") ? false : stryMutAct_9fa48("2110") ? true : (stryCov_9fa48("2110", "2111", "2112", "2113"), env.hop_count >= env.max_hop_count)) ? stryMutAct_9fa48("2114") ? ["Stryker was here"] : (stryCov_9fa48("2114"), []) : stryMutAct_9fa48("2115") ? [] : (stryCov_9fa48("2115"), [...((stryMutAct_9fa48("2118") ? env.direction !== 'down' : stryMutAct_9fa48("2117") ? false : stryMutAct_9fa48("2116") ? true : (stryCov_9fa48("2116", "2117", "2118"), env.direction === (stryMutAct_9fa48("2119") ? "" : (stryCov_9fa48("2119"), 'down')))) ? this.state.children : this.state.parents).values()]);
      if (stryMutAct_9fa48("2122") ? false : stryMutAct_9fa48("2121") ? true : stryMutAct_9fa48("2120") ? env.need_response : (stryCov_9fa48("2120", "2121", "2122"), !env.need_response)) {
        if (stryMutAct_9fa48("2123")) {
          {}
        } else {
          stryCov_9fa48("2123");
          if (stryMutAct_9fa48("2125") ? false : stryMutAct_9fa48("2124") ? true : (stryCov_9fa48("2124", "2125"), runLocally)) {
            if (stryMutAct_9fa48("2126")) {
              {}
            } else {
              stryCov_9fa48("2126");
              const r = await this.local.received(env, meta.deadline, meta.origin);
              if (stryMutAct_9fa48("2128") ? false : stryMutAct_9fa48("2127") ? true : (stryCov_9fa48("2127", "2128"), r.failure)) this.logger.warn(stryMutAct_9fa48("2129") ? `` : (stryCov_9fa48("2129"), `cast ${env.method_name} failed at ${env.routing_path}: ${(r.value as Error).message}`), logFields(env));
            }
          }
          if (stryMutAct_9fa48("2132") ? hops.length !== 0 : stryMutAct_9fa48("2131") ? false : stryMutAct_9fa48("2130") ? true : (stryCov_9fa48("2130", "2131", "2132"), hops.length === 0)) {
            if (stryMutAct_9fa48("2133")) {
              {}
            } else {
              stryCov_9fa48("2133");
              if (stryMutAct_9fa48("2135") ? false : stryMutAct_9fa48("2134") ? true : (stryCov_9fa48("2134", "2135"), meta.origin)) stryMutAct_9fa48("2136") ? this.stats.castsAccepted-- : (stryCov_9fa48("2136"), this.stats.castsAccepted++);
              return;
            }
          }
          if (stryMutAct_9fa48("2139") ? !meta.origin || this.castExpired(env, meta, hops.map(n => n.name).join(', ')) : stryMutAct_9fa48("2138") ? false : stryMutAct_9fa48("2137") ? true : (stryCov_9fa48("2137", "2138", "2139"), (stryMutAct_9fa48("2140") ? meta.origin : (stryCov_9fa48("2140"), !meta.origin)) && this.castExpired(env, meta, hops.map(stryMutAct_9fa48("2141") ? () => undefined : (stryCov_9fa48("2141"), n => n.name)).join(stryMutAct_9fa48("2142") ? "" : (stryCov_9fa48("2142"), ', '))))) return;
          const data = encodeEnvelope(env);
          const handoff = this.handoffUntil(meta.deadline);
          // At the origin the caller learns of every next hop that refused (see castRefusal).
          const refused: CellwireError[] = stryMutAct_9fa48("2143") ? ["Stryker was here"] : (stryCov_9fa48("2143"), []);
          await Promise.all(hops.map(n => {
            if (stryMutAct_9fa48("2144")) {
              {}
            } else {
              stryCov_9fa48("2144");
              if (stryMutAct_9fa48("2147") ? !meta.origin || this.outbox?.holds(n.side, n.name) : stryMutAct_9fa48("2146") ? false : stryMutAct_9fa48("2145") ? true : (stryCov_9fa48("2145", "2146", "2147"), (stryMutAct_9fa48("2148") ? meta.origin : (stryCov_9fa48("2148"), !meta.origin)) && (stryMutAct_9fa48("2149") ? this.outbox.holds(n.side, n.name) : (stryCov_9fa48("2149"), this.outbox?.holds(n.side, n.name))))) return this.holdCast(env, n, stryMutAct_9fa48("2150") ? "" : (stryCov_9fa48("2150"), 'broadcast'), data, meta.deadline);
              stryMutAct_9fa48("2151") ? this.stats.sent-- : (stryCov_9fa48("2151"), this.stats.sent++);
              return this.sendTo(n, env, data, stryMutAct_9fa48("2152") ? {} : (stryCov_9fa48("2152"), {
                messageType: stryMutAct_9fa48("2153") ? "" : (stryCov_9fa48("2153"), 'broadcast'),
                fanout: env.fanout,
                expectReply: stryMutAct_9fa48("2154") ? true : (stryCov_9fa48("2154"), false),
                deadline: handoff,
                durable: stryMutAct_9fa48("2155") ? false : (stryCov_9fa48("2155"), true)
              })).then(stryMutAct_9fa48("2156") ? () => undefined : (stryCov_9fa48("2156"), () => void (stryMutAct_9fa48("2157") ? this.stats.castsDelivered-- : (stryCov_9fa48("2157"), this.stats.castsDelivered++))), (e: unknown) => {
                if (stryMutAct_9fa48("2158")) {
                  {}
                } else {
                  stryCov_9fa48("2158");
                  stryMutAct_9fa48("2159") ? this.stats.castFailures-- : (stryCov_9fa48("2159"), this.stats.castFailures++);
                  const err = linkError(e, appendHop(env.routing_path, n.name), n.name);
                  this.logger.warn(stryMutAct_9fa48("2160") ? `` : (stryCov_9fa48("2160"), `broadcast ${env.method_name} could not reach ${err.cell}: ${err.message}`), logFields(env, stryMutAct_9fa48("2161") ? {} : (stryCov_9fa48("2161"), {
                    code: err.code
                  })));
                  if (stryMutAct_9fa48("2163") ? false : stryMutAct_9fa48("2162") ? true : (stryCov_9fa48("2162", "2163"), meta.origin)) refused.push(err);else this.castNotHandedOn(env, n, stryMutAct_9fa48("2164") ? "" : (stryCov_9fa48("2164"), 'broadcast'), data, err, meta.deadline);
                }
              });
            }
          }));
          if (stryMutAct_9fa48("2167") ? false : stryMutAct_9fa48("2166") ? true : stryMutAct_9fa48("2165") ? meta.origin : (stryCov_9fa48("2165", "2166", "2167"), !meta.origin)) return;
          if (stryMutAct_9fa48("2171") ? refused.length <= 0 : stryMutAct_9fa48("2170") ? refused.length >= 0 : stryMutAct_9fa48("2169") ? false : stryMutAct_9fa48("2168") ? true : (stryCov_9fa48("2168", "2169", "2170", "2171"), refused.length > 0)) {
            if (stryMutAct_9fa48("2172")) {
              {}
            } else {
              stryCov_9fa48("2172");
              stryMutAct_9fa48("2173") ? this.stats.castsRefused -= refused.length : (stryCov_9fa48("2173"), this.stats.castsRefused += refused.length);
              throw castRefusal(env, refused, hops);
            }
          }
          stryMutAct_9fa48("2174") ? this.stats.castsAccepted-- : (stryCov_9fa48("2174"), this.stats.castsAccepted++);
          return;
        }
      }
      const waitUntil = hopWaitUntil(meta.deadline, env.hop_count, this.hopMarginMs);
      const collector = this.collectors.open(env, meta.method, hops, runLocally, waitUntil, caller);
      if (stryMutAct_9fa48("2178") ? hops.length <= 0 : stryMutAct_9fa48("2177") ? hops.length >= 0 : stryMutAct_9fa48("2176") ? false : stryMutAct_9fa48("2175") ? true : (stryCov_9fa48("2175", "2176", "2177", "2178"), hops.length > 0)) {
        if (stryMutAct_9fa48("2179")) {
          {}
        } else {
          stryCov_9fa48("2179");
          const data = encodeEnvelope(env);
          for (const n of hops) {
            if (stryMutAct_9fa48("2180")) {
              {}
            } else {
              stryCov_9fa48("2180");
              stryMutAct_9fa48("2181") ? this.stats.sent-- : (stryCov_9fa48("2181"), this.stats.sent++);
              this.sendTo(n, env, data, stryMutAct_9fa48("2182") ? {} : (stryCov_9fa48("2182"), {
                messageType: stryMutAct_9fa48("2183") ? "" : (stryCov_9fa48("2183"), 'broadcast'),
                fanout: env.fanout,
                expectReply: stryMutAct_9fa48("2184") ? false : (stryCov_9fa48("2184"), true),
                deadline: waitUntil,
                durable: stryMutAct_9fa48("2185") ? true : (stryCov_9fa48("2185"), false)
              })).then(stryMutAct_9fa48("2186") ? () => undefined : (stryCov_9fa48("2186"), reply => (stryMutAct_9fa48("2189") ? reply !== undefined : stryMutAct_9fa48("2188") ? false : stryMutAct_9fa48("2187") ? true : (stryCov_9fa48("2187", "2188", "2189"), reply === undefined)) ? undefined : this.acceptReply(reply, env, meta, n.name)), stryMutAct_9fa48("2190") ? () => undefined : (stryCov_9fa48("2190"), (e: unknown) => this.collectors.neighbourFailed(env.uuid, n.name, e)));
            }
          }
        }
      }
      if (stryMutAct_9fa48("2192") ? false : stryMutAct_9fa48("2191") ? true : (stryCov_9fa48("2191", "2192"), runLocally)) this.collectors.ranLocally(collector, await this.local.received(env, meta.deadline, meta.origin));else this.collectors.finishIfDone(collector);
    }
  }

  // ---------------------------------------------------------------------------------------
  // Casts this cell accepted and must pass on (the origin's caller is told instead)
  // ---------------------------------------------------------------------------------------

  /** How long one hand-off of a cast may take: its time to live is not a reason to wait that long. */
  private handoffUntil(deadline: number): number {
    if (stryMutAct_9fa48("2193")) {
      {}
    } else {
      stryCov_9fa48("2193");
      return stryMutAct_9fa48("2194") ? Math.max(deadline, Date.now() + this.callTimeoutMs) : (stryCov_9fa48("2194"), Math.min(deadline, stryMutAct_9fa48("2195") ? Date.now() - this.callTimeoutMs : (stryCov_9fa48("2195"), Date.now() + this.callTimeoutMs)));
    }
  }

  /**
   * A received cast whose time to live ended before it could be passed on: dropped, logged and
   * counted lost. (A cast for this cell still runs here, late or not, as before.)
   */
  private castExpired(env: Envelope, meta: Meta, next: string): boolean {
    if (stryMutAct_9fa48("2196")) {
      {}
    } else {
      stryCov_9fa48("2196");
      if (stryMutAct_9fa48("2200") ? meta.deadline <= Date.now() : stryMutAct_9fa48("2199") ? meta.deadline >= Date.now() : stryMutAct_9fa48("2198") ? false : stryMutAct_9fa48("2197") ? true : (stryCov_9fa48("2197", "2198", "2199", "2200"), meta.deadline > Date.now())) return stryMutAct_9fa48("2201") ? true : (stryCov_9fa48("2201"), false);
      stryMutAct_9fa48("2202") ? this.stats.castsLost-- : (stryCov_9fa48("2202"), this.stats.castsLost++);
      const at = new Date(meta.deadline).toISOString();
      this.logger.warn(stryMutAct_9fa48("2203") ? `` : (stryCov_9fa48("2203"), `cast ${env.method_name} not passed on from ${env.routing_path} to ${next}: its time to live ended at ${at}`), logFields(env, stryMutAct_9fa48("2204") ? {} : (stryCov_9fa48("2204"), {
        code: stryMutAct_9fa48("2205") ? "" : (stryCov_9fa48("2205"), 'timeout')
      })));
      return stryMutAct_9fa48("2206") ? false : (stryCov_9fa48("2206"), true);
    }
  }

  /** A next hop refused a cast accepted from a neighbour: held for a retry when it may succeed, else lost. */
  private castNotHandedOn(env: Envelope, n: Neighbour, type: 'targeted' | 'broadcast', data: string, err: CellwireError, until: number): void {
    if (stryMutAct_9fa48("2207")) {
      {}
    } else {
      stryCov_9fa48("2207");
      if (stryMutAct_9fa48("2210") ? this.outbox || err.retryable : stryMutAct_9fa48("2209") ? false : stryMutAct_9fa48("2208") ? true : (stryCov_9fa48("2208", "2209", "2210"), this.outbox && err.retryable)) return this.holdCast(env, n, type, data, until);
      stryMutAct_9fa48("2211") ? this.stats.castsLost-- : (stryCov_9fa48("2211"), this.stats.castsLost++);
      const why = this.outbox ? stryMutAct_9fa48("2212") ? "" : (stryCov_9fa48("2212"), 'a retry cannot help') : stryMutAct_9fa48("2213") ? "" : (stryCov_9fa48("2213"), 'this cell has no outbox to hold it');
      this.logger.warn(stryMutAct_9fa48("2214") ? `` : (stryCov_9fa48("2214"), `cast ${env.method_name} accepted at ${env.routing_path} is lost: ${n.name} refused it (${err.message}) and ${why}`), logFields(env, stryMutAct_9fa48("2215") ? {} : (stryCov_9fa48("2215"), {
        code: err.code
      })));
    }
  }
  private holdCast(env: Envelope, n: Neighbour, type: 'targeted' | 'broadcast', data: string, until: number): void {
    if (stryMutAct_9fa48("2216")) {
      {}
    } else {
      stryCov_9fa48("2216");
      const outbox = this.outbox as CastOutbox;
      const cast: HeldCast = stryMutAct_9fa48("2217") ? {} : (stryCov_9fa48("2217"), {
        side: n.side,
        neighbour: n.name,
        messageType: type,
        fanout: env.fanout,
        data,
        until,
        uuid: env.uuid,
        method: env.method_name
      });
      const first = stryMutAct_9fa48("2218") ? outbox.holds(n.side, n.name) : (stryCov_9fa48("2218"), !outbox.holds(n.side, n.name));
      try {
        if (stryMutAct_9fa48("2219")) {
          {}
        } else {
          stryCov_9fa48("2219");
          outbox.hold(cast);
        }
      } catch (e) {
        if (stryMutAct_9fa48("2220")) {
          {}
        } else {
          stryCov_9fa48("2220");
          stryMutAct_9fa48("2221") ? this.stats.castsLost-- : (stryCov_9fa48("2221"), this.stats.castsLost++);
          this.logger.error(stryMutAct_9fa48("2222") ? `` : (stryCov_9fa48("2222"), `cast ${env.method_name} for ${n.name} is lost: the outbox could not hold it: ${(e as Error).message}`), logFields(env));
          return;
        }
      }
      // One line at info when a neighbour starts refusing; the casts that queue behind at debug.
      const line = stryMutAct_9fa48("2223") ? `` : (stryCov_9fa48("2223"), `cast ${env.method_name} held at ${env.routing_path} for ${n.name}, retried until ${new Date(until).toISOString()}`);
      if (stryMutAct_9fa48("2225") ? false : stryMutAct_9fa48("2224") ? true : (stryCov_9fa48("2224", "2225"), first)) this.logger.info(line, logFields(env));else this.logger.debug(line, logFields(env));
    }
  }

  // ---------------------------------------------------------------------------------------
  // Answering, and response messages
  // ---------------------------------------------------------------------------------------

  private respondFailure(env: Envelope, e: unknown, meta: Meta): void {
    if (stryMutAct_9fa48("2226")) {
      {}
    } else {
      stryCov_9fa48("2226");
      const r = failureHere(env.routing_path, e);
      if (stryMutAct_9fa48("2229") ? env.message_type !== 'broadcast' : stryMutAct_9fa48("2228") ? false : stryMutAct_9fa48("2227") ? true : (stryCov_9fa48("2227", "2228", "2229"), env.message_type === (stryMutAct_9fa48("2230") ? "" : (stryCov_9fa48("2230"), 'broadcast')))) {
        if (stryMutAct_9fa48("2231")) {
          {}
        } else {
          stryCov_9fa48("2231");
          // A broadcast always answers with a list, even when it cannot go on (reference bug fixed).
          if (stryMutAct_9fa48("2233") ? false : stryMutAct_9fa48("2232") ? true : (stryCov_9fa48("2232", "2233"), meta.origin)) return this.collectors.failAtOrigin(env.uuid, r);
          if (stryMutAct_9fa48("2236") ? false : stryMutAct_9fa48("2235") ? true : stryMutAct_9fa48("2234") ? env.need_response : (stryCov_9fa48("2234", "2235", "2236"), !env.need_response)) {
            if (stryMutAct_9fa48("2237")) {
              {}
            } else {
              stryCov_9fa48("2237");
              this.logger.warn(stryMutAct_9fa48("2238") ? `` : (stryCov_9fa48("2238"), `broadcast ${env.method_name} failed at ${env.routing_path}: ${(r.value as Error).message}`), logFields(env));
              return;
            }
          }
          return this.respondList(env, stryMutAct_9fa48("2239") ? [] : (stryCov_9fa48("2239"), [r.toJSON(this.errors, this.sendStacks)]), stryMutAct_9fa48("2240") ? false : (stryCov_9fa48("2240"), true));
        }
      }
      this.respond(env, r, meta);
    }
  }

  /** Answers a targeted message: to the waiter here, or back along the reversed path. */
  private respond(env: Envelope, response: Response, meta: Meta): void {
    if (stryMutAct_9fa48("2241")) {
      {}
    } else {
      stryCov_9fa48("2241");
      if (stryMutAct_9fa48("2244") ? false : stryMutAct_9fa48("2243") ? true : stryMutAct_9fa48("2242") ? env.need_response : (stryCov_9fa48("2242", "2243", "2244"), !env.need_response)) {
        if (stryMutAct_9fa48("2245")) {
          {}
        } else {
          stryCov_9fa48("2245");
          if (stryMutAct_9fa48("2247") ? false : stryMutAct_9fa48("2246") ? true : (stryCov_9fa48("2246", "2247"), response.failure)) this.logger.warn(stryMutAct_9fa48("2248") ? `` : (stryCov_9fa48("2248"), `cast ${env.method_name} failed at ${response.cellName}: ${(response.value as Error).message}`), logFields(env));
          return;
        }
      }
      if (stryMutAct_9fa48("2250") ? false : stryMutAct_9fa48("2249") ? true : (stryCov_9fa48("2249", "2250"), meta.origin)) {
        if (stryMutAct_9fa48("2251")) {
          {}
        } else {
          stryCov_9fa48("2251");
          const w = this.waiters.get(env.uuid);
          if (stryMutAct_9fa48("2253") ? false : stryMutAct_9fa48("2252") ? true : (stryCov_9fa48("2252", "2253"), w)) this.waiters.answer(env.uuid, w, w.method ? checkedResult(response, w.method) : response);
          return;
        }
      }
      this.respondList(env, stryMutAct_9fa48("2254") ? [] : (stryCov_9fa48("2254"), [response.toJSON(this.errors, this.sendStacks)]), stryMutAct_9fa48("2255") ? true : (stryCov_9fa48("2255"), false));
    }
  }

  /** Sends a response message for `env` (reference _send_json_responses). */
  private respondList(env: Envelope, responses: WireResponse[], neighbourOnly: boolean): void {
    if (stryMutAct_9fa48("2256")) {
      {}
    } else {
      stryCov_9fa48("2256");
      const res = this.envelopes.response(env, responses, neighbourOnly);
      arrive(res, this.name);
      // Not remembered in the dedupe window: a response made here never comes back here.
      void this.routeResponse(res);
    }
  }

  /** Moves a response message one hop on, or hands it to whoever waits here. Never rejects. */
  private async routeResponse(res: Envelope): Promise<void> {
    if (stryMutAct_9fa48("2257")) {
      {}
    } else {
      stryCov_9fa48("2257");
      const target = stryMutAct_9fa48("2258") ? res.target_cell && '' : (stryCov_9fa48("2258"), res.target_cell ?? (stryMutAct_9fa48("2259") ? "Stryker was here!" : (stryCov_9fa48("2259"), '')));
      let next: string | null;
      try {
        if (stryMutAct_9fa48("2260")) {
          {}
        } else {
          stryCov_9fa48("2260");
          next = nextHopName(target, res.routing_path);
        }
      } catch (e) {
        if (stryMutAct_9fa48("2261")) {
          {}
        } else {
          stryCov_9fa48("2261");
          this.logger.warn(stryMutAct_9fa48("2262") ? `` : (stryCov_9fa48("2262"), `cannot route a response: ${(e as Error).message}`), logFields(res));
          return;
        }
      }
      const responses = (res.method_kwargs.responses ?? []) as unknown as WireResponse[];
      const responseUuid = stryMutAct_9fa48("2263") ? res.response_uuid && '' : (stryCov_9fa48("2263"), res.response_uuid ?? (stryMutAct_9fa48("2264") ? "Stryker was here!" : (stryCov_9fa48("2264"), '')));
      if (stryMutAct_9fa48("2267") ? next !== null : stryMutAct_9fa48("2266") ? false : stryMutAct_9fa48("2265") ? true : (stryCov_9fa48("2265", "2266", "2267"), next === null)) return this.deliver(responseUuid, responses, firstCell(res.routing_path), res);
      const neighbour = this.neighbourFor(res, next);
      if (stryMutAct_9fa48("2270") ? false : stryMutAct_9fa48("2269") ? true : stryMutAct_9fa48("2268") ? neighbour : (stryCov_9fa48("2268", "2269", "2270"), !neighbour)) {
        if (stryMutAct_9fa48("2271")) {
          {}
        } else {
          stryCov_9fa48("2271");
          this.logger.warn(stryMutAct_9fa48("2272") ? `` : (stryCov_9fa48("2272"), `cannot route a response to ${target}: ${next} is not a neighbour of ${this.name}`), logFields(res));
          return;
        }
      }
      const data = encodeEnvelope(res);
      const reply = this.replyChannels.take(responseUuid, next);
      if (stryMutAct_9fa48("2274") ? false : stryMutAct_9fa48("2273") ? true : (stryCov_9fa48("2273", "2274"), reply)) {
        if (stryMutAct_9fa48("2275")) {
          {}
        } else {
          stryCov_9fa48("2275");
          reply(data);
          return;
        }
      }
      // No exchange to answer on: a new message. The last hop goes to every service instance
      // of the origin cell, since only one of them holds the waiter (reference 2.4).
      const lastHop = stryMutAct_9fa48("2278") ? res.routing_path.split(PATH_CELL_SEP).length + 1 !== target.split(PATH_CELL_SEP).length : stryMutAct_9fa48("2277") ? false : stryMutAct_9fa48("2276") ? true : (stryCov_9fa48("2276", "2277", "2278"), (stryMutAct_9fa48("2279") ? res.routing_path.split(PATH_CELL_SEP).length - 1 : (stryCov_9fa48("2279"), res.routing_path.split(PATH_CELL_SEP).length + 1)) === target.split(PATH_CELL_SEP).length);
      try {
        if (stryMutAct_9fa48("2280")) {
          {}
        } else {
          stryCov_9fa48("2280");
          stryMutAct_9fa48("2281") ? this.stats.sent-- : (stryCov_9fa48("2281"), this.stats.sent++);
          await this.sendTo(neighbour, res, data, stryMutAct_9fa48("2282") ? {} : (stryCov_9fa48("2282"), {
            messageType: stryMutAct_9fa48("2283") ? "" : (stryCov_9fa48("2283"), 'response'),
            fanout: lastHop,
            expectReply: stryMutAct_9fa48("2284") ? true : (stryCov_9fa48("2284"), false),
            deadline: stryMutAct_9fa48("2285") ? res.deadline && Date.now() + this.callTimeoutMs : (stryCov_9fa48("2285"), res.deadline ?? (stryMutAct_9fa48("2286") ? Date.now() - this.callTimeoutMs : (stryCov_9fa48("2286"), Date.now() + this.callTimeoutMs))),
            durable: stryMutAct_9fa48("2287") ? true : (stryCov_9fa48("2287"), false)
          }));
        }
      } catch (e) {
        if (stryMutAct_9fa48("2288")) {
          {}
        } else {
          stryCov_9fa48("2288");
          this.logger.warn(stryMutAct_9fa48("2289") ? `` : (stryCov_9fa48("2289"), `could not send a response to ${next}: ${(e as Error).message}`), logFields(res));
        }
      }
    }
  }

  /** Responses for a call that waits in this cell; `res` (the response message) names a late one in the log. */
  private deliver(uuid: string, responses: WireResponse[], from: string, res: Envelope): void {
    if (stryMutAct_9fa48("2290")) {
      {}
    } else {
      stryCov_9fa48("2290");
      const w = this.waiters.get(uuid);
      if (stryMutAct_9fa48("2292") ? false : stryMutAct_9fa48("2291") ? true : (stryCov_9fa48("2291", "2292"), w)) {
        if (stryMutAct_9fa48("2293")) {
          {}
        } else {
          stryCov_9fa48("2293");
          const first = responses[0];
          const r = first ? fromWire(first, w.method, this.errors) : Response.failure(w.target, new CellTimeout(w.target));
          this.waiters.answer(uuid, w, r);
          return;
        }
      }
      if (stryMutAct_9fa48("2295") ? false : stryMutAct_9fa48("2294") ? true : (stryCov_9fa48("2294", "2295"), this.collectors.arrived(uuid, from, responses))) return;
      stryMutAct_9fa48("2296") ? this.stats.lateResponses-- : (stryCov_9fa48("2296"), this.stats.lateResponses++);
      this.logger.debug(stryMutAct_9fa48("2297") ? `` : (stryCov_9fa48("2297"), `dropped a late response for ${uuid} from ${from}`), logFields(res));
    }
  }
}

/**
 * What the caller of a broadcast cast gets when next hops refused it: with one next hop, that
 * hop's own error (as a targeted cast); with several, one error naming every cell that
 * refused (`details.refused`) and those that took it (`details.accepted`: they keep it, the
 * cast is not withdrawn). Its code is the refusals' own when they share one, else `unavailable`.
 */
function castRefusal(env: Envelope, refused: CellwireError[], hops: readonly Neighbour[]): CellwireError {
  if (stryMutAct_9fa48("2298")) {
    {}
  } else {
    stryCov_9fa48("2298");
    const first = refused[0] as CellwireError;
    if (stryMutAct_9fa48("2301") ? hops.length !== 1 : stryMutAct_9fa48("2300") ? false : stryMutAct_9fa48("2299") ? true : (stryCov_9fa48("2299", "2300", "2301"), hops.length === 1)) return first;
    const refusedCells = refused.map(stryMutAct_9fa48("2302") ? () => undefined : (stryCov_9fa48("2302"), e => stryMutAct_9fa48("2303") ? e.cell && '?' : (stryCov_9fa48("2303"), e.cell ?? (stryMutAct_9fa48("2304") ? "" : (stryCov_9fa48("2304"), '?')))));
    const accepted = stryMutAct_9fa48("2305") ? hops.map(n => appendHop(env.routing_path, n.name)) : (stryCov_9fa48("2305"), hops.map(stryMutAct_9fa48("2306") ? () => undefined : (stryCov_9fa48("2306"), n => appendHop(env.routing_path, n.name))).filter(stryMutAct_9fa48("2307") ? () => undefined : (stryCov_9fa48("2307"), p => stryMutAct_9fa48("2308") ? refusedCells.includes(p) : (stryCov_9fa48("2308"), !refusedCells.includes(p)))));
    const code = (stryMutAct_9fa48("2309") ? refused.some(e => e.code === first.code) : (stryCov_9fa48("2309"), refused.every(stryMutAct_9fa48("2310") ? () => undefined : (stryCov_9fa48("2310"), e => stryMutAct_9fa48("2313") ? e.code !== first.code : stryMutAct_9fa48("2312") ? false : stryMutAct_9fa48("2311") ? true : (stryCov_9fa48("2311", "2312", "2313"), e.code === first.code))))) ? first.code : stryMutAct_9fa48("2314") ? "" : (stryCov_9fa48("2314"), 'unavailable');
    const took = (stryMutAct_9fa48("2318") ? accepted.length <= 0 : stryMutAct_9fa48("2317") ? accepted.length >= 0 : stryMutAct_9fa48("2316") ? false : stryMutAct_9fa48("2315") ? true : (stryCov_9fa48("2315", "2316", "2317", "2318"), accepted.length > 0)) ? stryMutAct_9fa48("2319") ? `` : (stryCov_9fa48("2319"), `; ${accepted.join(stryMutAct_9fa48("2320") ? "" : (stryCov_9fa48("2320"), ', '))} took it`) : stryMutAct_9fa48("2321") ? "Stryker was here!" : (stryCov_9fa48("2321"), '');
    return new CellwireError(code, stryMutAct_9fa48("2322") ? `` : (stryCov_9fa48("2322"), `broadcast cast ${env.method_name} was refused by ${refusedCells.join(stryMutAct_9fa48("2323") ? "" : (stryCov_9fa48("2323"), ', '))} (${refused.map(stryMutAct_9fa48("2324") ? () => undefined : (stryCov_9fa48("2324"), e => e.message)).join(stryMutAct_9fa48("2325") ? "" : (stryCov_9fa48("2325"), '; '))})${took}`), stryMutAct_9fa48("2326") ? {} : (stryCov_9fa48("2326"), {
      cell: first.cell,
      details: stryMutAct_9fa48("2327") ? {} : (stryCov_9fa48("2327"), {
        refused: refusedCells,
        accepted
      }),
      cause: first
    }));
  }
}
export { newTraceparent, safeDelay };