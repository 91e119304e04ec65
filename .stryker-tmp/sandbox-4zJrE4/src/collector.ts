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
  readonly lists: WireResponse[][] = stryMutAct_9fa48("639") ? ["Stryker was here"] : (stryCov_9fa48("639"), []);
  /** Neighbours that have not answered yet. */
  readonly awaiting = new Set<string>();
  /** This cell's own answer, once its handler ran (or timed out). */
  local: Response | undefined = undefined;
  timer: NodeJS.Timeout | undefined = undefined;
  constructor(readonly env: Envelope, /** At the origin: the method, to check answers against its result schema. */
  readonly method: MethodDescriptor | undefined, /** Whether this cell's own handler is still to answer. */
  public localPending: boolean, /** At the origin; undefined where the list goes upstream. */
  readonly caller: BroadcastCaller | undefined) {}
}
export class Collectors {
  private readonly byUuid = new Map<string, Collector>();
  constructor(private readonly errors: ErrorRegistry, private readonly sendStacks: boolean, /** Sends a finished list upstream, as the answer of `env` (given once, by the runner). */
  private readonly answerUpstream: (env: Envelope, responses: WireResponse[]) => void) {}
  get size(): number {
    if (stryMutAct_9fa48("640")) {
      {}
    } else {
      stryCov_9fa48("640");
      return this.byUuid.size;
    }
  }

  /**
   * Starts aggregating `env`: waits for `neighbours` and, when `runLocally`, for this cell's
   * own answer (`ranLocally`), until `waitUntil`.
   */
  open(env: Envelope, method: MethodDescriptor | undefined, neighbours: Iterable<{
    readonly name: string;
  }>, runLocally: boolean, waitUntil: number, caller: BroadcastCaller | undefined): Collector {
    if (stryMutAct_9fa48("641")) {
      {}
    } else {
      stryCov_9fa48("641");
      const c = new Collector(env, method, runLocally, caller);
      for (const n of neighbours) c.awaiting.add(n.name);
      const uuid = env.uuid;
      this.byUuid.set(uuid, c);
      c.timer = timerUntil(waitUntil, stryMutAct_9fa48("642") ? () => undefined : (stryCov_9fa48("642"), () => this.timeout(uuid)));
      return c;
    }
  }

  /** This cell's own answer. Ignored when the collector already finished (it timed out). */
  ranLocally(c: Collector, local: Response): void {
    if (stryMutAct_9fa48("643")) {
      {}
    } else {
      stryCov_9fa48("643");
      c.local = local;
      c.localPending = stryMutAct_9fa48("644") ? true : (stryCov_9fa48("644"), false);
      this.finishIfDone(c);
    }
  }

  /**
   * A neighbour's list, by message uuid. False when nothing here waits for it (no such
   * collector, or that neighbour already answered or timed out): the caller counts it late.
   */
  arrived(uuid: string, from: string, responses: WireResponse[]): boolean {
    if (stryMutAct_9fa48("645")) {
      {}
    } else {
      stryCov_9fa48("645");
      const c = this.byUuid.get(uuid);
      if (stryMutAct_9fa48("648") ? !c && !c.awaiting.delete(from) : stryMutAct_9fa48("647") ? false : stryMutAct_9fa48("646") ? true : (stryCov_9fa48("646", "647", "648"), (stryMutAct_9fa48("649") ? c : (stryCov_9fa48("649"), !c)) || (stryMutAct_9fa48("650") ? c.awaiting.delete(from) : (stryCov_9fa48("650"), !c.awaiting.delete(from))))) return stryMutAct_9fa48("651") ? true : (stryCov_9fa48("651"), false);
      c.lists.push(responses);
      this.finishIfDone(c);
      return stryMutAct_9fa48("652") ? false : (stryCov_9fa48("652"), true);
    }
  }

  /** A neighbour that could not be reached, or sent an unusable reply: a failure naming it. */
  neighbourFailed(uuid: string, neighbour: string, e: unknown): void {
    if (stryMutAct_9fa48("653")) {
      {}
    } else {
      stryCov_9fa48("653");
      const c = this.byUuid.get(uuid);
      if (stryMutAct_9fa48("656") ? !c && !c.awaiting.delete(neighbour) : stryMutAct_9fa48("655") ? false : stryMutAct_9fa48("654") ? true : (stryCov_9fa48("654", "655", "656"), (stryMutAct_9fa48("657") ? c : (stryCov_9fa48("657"), !c)) || (stryMutAct_9fa48("658") ? c.awaiting.delete(neighbour) : (stryCov_9fa48("658"), !c.awaiting.delete(neighbour))))) return;
      const path = appendHop(c.env.routing_path, neighbour);
      const err = linkError(e, path, neighbour);
      c.lists.push(stryMutAct_9fa48("659") ? [] : (stryCov_9fa48("659"), [Response.failure(path, err).toJSON(this.errors, this.sendStacks)]));
      this.finishIfDone(c);
    }
  }

  /** At the origin: settles the caller with `r` alone, when the broadcast cannot go on. */
  failAtOrigin(uuid: string, r: Response): void {
    if (stryMutAct_9fa48("660")) {
      {}
    } else {
      stryCov_9fa48("660");
      const c = this.byUuid.get(uuid);
      if (stryMutAct_9fa48("663") ? false : stryMutAct_9fa48("662") ? true : stryMutAct_9fa48("661") ? c?.caller : (stryCov_9fa48("661", "662", "663"), !(stryMutAct_9fa48("664") ? c.caller : (stryCov_9fa48("664"), c?.caller)))) return;
      this.release(c);
      c.caller.resolve(stryMutAct_9fa48("665") ? [] : (stryCov_9fa48("665"), [r]));
    }
  }

  /** Stops aggregating message `uuid`, answering nobody (the caller aborted). */
  drop(uuid: string): void {
    if (stryMutAct_9fa48("666")) {
      {}
    } else {
      stryCov_9fa48("666");
      const c = this.byUuid.get(uuid);
      if (stryMutAct_9fa48("668") ? false : stryMutAct_9fa48("667") ? true : (stryCov_9fa48("667", "668"), c)) this.release(c);
    }
  }

  /** Rejects every waiting caller and drops every collector (the runner is closing). */
  failAll(error: () => Error): void {
    if (stryMutAct_9fa48("669")) {
      {}
    } else {
      stryCov_9fa48("669");
      for (const [uuid, c] of this.byUuid) {
        if (stryMutAct_9fa48("670")) {
          {}
        } else {
          stryCov_9fa48("670");
          this.byUuid.delete(uuid);
          clearTimeout(c.timer);
          stryMutAct_9fa48("671") ? c.caller.dispose() : (stryCov_9fa48("671"), c.caller?.dispose());
          stryMutAct_9fa48("672") ? c.caller.reject(error()) : (stryCov_9fa48("672"), c.caller?.reject(error()));
        }
      }
    }
  }

  /** The hop's share of the deadline passed: whoever has not answered is named with a timeout. */
  private timeout(uuid: string): void {
    if (stryMutAct_9fa48("673")) {
      {}
    } else {
      stryCov_9fa48("673");
      const c = this.byUuid.get(uuid);
      if (stryMutAct_9fa48("676") ? false : stryMutAct_9fa48("675") ? true : stryMutAct_9fa48("674") ? c : (stryCov_9fa48("674", "675", "676"), !c)) return;
      c.timer = undefined;
      for (const n of c.awaiting) {
        if (stryMutAct_9fa48("677")) {
          {}
        } else {
          stryCov_9fa48("677");
          const path = appendHop(c.env.routing_path, n);
          c.lists.push(stryMutAct_9fa48("678") ? [] : (stryCov_9fa48("678"), [Response.failure(path, new CellTimeout(path)).toJSON(this.errors, this.sendStacks)]));
        }
      }
      c.awaiting.clear();
      if (stryMutAct_9fa48("680") ? false : stryMutAct_9fa48("679") ? true : (stryCov_9fa48("679", "680"), c.localPending)) {
        if (stryMutAct_9fa48("681")) {
          {}
        } else {
          stryCov_9fa48("681");
          // Our own handler is still running at the deadline: report that rather than wait.
          c.local = Response.failure(c.env.routing_path, new CellTimeout(c.env.routing_path));
          c.localPending = stryMutAct_9fa48("682") ? true : (stryCov_9fa48("682"), false);
        }
      }
      this.finishIfDone(c);
    }
  }

  /** Answers once everyone answered; only the first call that finds it complete does. */
  finishIfDone(c: Collector): void {
    if (stryMutAct_9fa48("683")) {
      {}
    } else {
      stryCov_9fa48("683");
      if (stryMutAct_9fa48("686") ? (c.awaiting.size > 0 || c.localPending) && this.byUuid.get(c.env.uuid) !== c : stryMutAct_9fa48("685") ? false : stryMutAct_9fa48("684") ? true : (stryCov_9fa48("684", "685", "686"), (stryMutAct_9fa48("688") ? c.awaiting.size > 0 && c.localPending : stryMutAct_9fa48("687") ? false : (stryCov_9fa48("687", "688"), (stryMutAct_9fa48("691") ? c.awaiting.size <= 0 : stryMutAct_9fa48("690") ? c.awaiting.size >= 0 : stryMutAct_9fa48("689") ? false : (stryCov_9fa48("689", "690", "691"), c.awaiting.size > 0)) || c.localPending)) || (stryMutAct_9fa48("693") ? this.byUuid.get(c.env.uuid) === c : stryMutAct_9fa48("692") ? false : (stryCov_9fa48("692", "693"), this.byUuid.get(c.env.uuid) !== c)))) return;
      this.release(c);
      const flat = c.lists.flat();
      const caller = c.caller;
      if (stryMutAct_9fa48("695") ? false : stryMutAct_9fa48("694") ? true : (stryCov_9fa48("694", "695"), caller)) {
        if (stryMutAct_9fa48("696")) {
          {}
        } else {
          stryCov_9fa48("696");
          // Settling the caller must not throw past here (it runs inside transport callbacks):
          // every answer was checked on arrival, and a bad one becomes a failure Response.
          const method = c.method;
          const out = flat.map(stryMutAct_9fa48("697") ? () => undefined : (stryCov_9fa48("697"), w => fromWire(w, method, this.errors)));
          if (stryMutAct_9fa48("699") ? false : stryMutAct_9fa48("698") ? true : (stryCov_9fa48("698", "699"), c.local)) out.push(method ? checkedResult(c.local, method) : c.local);
          caller.resolve(out);
          return;
        }
      }
      if (stryMutAct_9fa48("701") ? false : stryMutAct_9fa48("700") ? true : (stryCov_9fa48("700", "701"), c.local)) flat.push(c.local.toJSON(this.errors, this.sendStacks));
      this.answerUpstream(c.env, flat);
    }
  }
  private release(c: Collector): void {
    if (stryMutAct_9fa48("702")) {
      {}
    } else {
      stryCov_9fa48("702");
      if (stryMutAct_9fa48("705") ? this.byUuid.get(c.env.uuid) === c : stryMutAct_9fa48("704") ? false : stryMutAct_9fa48("703") ? true : (stryCov_9fa48("703", "704", "705"), this.byUuid.get(c.env.uuid) !== c)) return;
      this.byUuid.delete(c.env.uuid);
      clearTimeout(c.timer);
      stryMutAct_9fa48("706") ? c.caller.dispose() : (stryCov_9fa48("706"), c.caller?.dispose());
    }
  }
}