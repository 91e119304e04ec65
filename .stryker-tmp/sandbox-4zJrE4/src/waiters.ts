/**
 * Targeted calls waiting at the origin for their answer, by message uuid. A waiter ends
 * exactly once, whichever comes first: the answer, the deadline, the caller's abort signal,
 * or the runner closing. Whatever ends it clears its timer and abort listener, so nothing
 * outlives the call.
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
import { CellTimeout } from './cell-errors.js';
import { CellwireError } from './errors.js';
import { abortError } from './link-errors.js';
import type { Response } from './response.js';
import type { MethodDescriptor } from './service.js';
import { timerUntil } from './timers.js';

/** One targeted call waiting here. */
export class Waiter {
  constructor(/** The target cell's path, to name it in a timeout. */
  readonly target: string, /** The method, to check answers against its result schema (undefined: not checked). */
  readonly method: MethodDescriptor | undefined, readonly resolve: (r: Response) => void, readonly reject: (e: Error) => void, readonly timer: NodeJS.Timeout, /** Removes the abort listener, when there is one. */
  readonly dispose: () => void) {}
}
const noop = (): void => undefined;

/** A targeted call that timed out anywhere on its path rejects, rather than resolving with a failure. */
export function isTimeout(r: Response): boolean {
  if (stryMutAct_9fa48("2411")) {
    {}
  } else {
    stryCov_9fa48("2411");
    return stryMutAct_9fa48("2414") ? r.failure && r.value instanceof CellwireError || r.value.code === 'timeout' : stryMutAct_9fa48("2413") ? false : stryMutAct_9fa48("2412") ? true : (stryCov_9fa48("2412", "2413", "2414"), (stryMutAct_9fa48("2416") ? r.failure || r.value instanceof CellwireError : stryMutAct_9fa48("2415") ? true : (stryCov_9fa48("2415", "2416"), r.failure && r.value instanceof CellwireError)) && (stryMutAct_9fa48("2418") ? r.value.code !== 'timeout' : stryMutAct_9fa48("2417") ? true : (stryCov_9fa48("2417", "2418"), r.value.code === (stryMutAct_9fa48("2419") ? "" : (stryCov_9fa48("2419"), 'timeout')))));
  }
}
export class Waiters {
  private readonly byUuid = new Map<string, Waiter>();
  get size(): number {
    if (stryMutAct_9fa48("2420")) {
      {}
    } else {
      stryCov_9fa48("2420");
      return this.byUuid.size;
    }
  }

  /**
   * Waits for the answer to message `uuid` until `deadline` (then CellTimeout naming
   * `target`) or until `signal` aborts. The waiter is in place when this returns, so the
   * message may be sent right after.
   */
  wait(uuid: string, target: string, method: MethodDescriptor | undefined, deadline: number, signal: AbortSignal | undefined): Promise<Response> {
    if (stryMutAct_9fa48("2421")) {
      {}
    } else {
      stryCov_9fa48("2421");
      return new Promise<Response>((resolve, reject) => {
        if (stryMutAct_9fa48("2422")) {
          {}
        } else {
          stryCov_9fa48("2422");
          const timer = timerUntil(deadline, () => {
            if (stryMutAct_9fa48("2423")) {
              {}
            } else {
              stryCov_9fa48("2423");
              if (stryMutAct_9fa48("2425") ? false : stryMutAct_9fa48("2424") ? true : (stryCov_9fa48("2424", "2425"), this.release(uuid, waiter))) reject(new CellTimeout(target, stryMutAct_9fa48("2426") ? {} : (stryCov_9fa48("2426"), {
                cell: target
              })));
            }
          });
          let dispose = noop;
          if (stryMutAct_9fa48("2428") ? false : stryMutAct_9fa48("2427") ? true : (stryCov_9fa48("2427", "2428"), signal)) {
            if (stryMutAct_9fa48("2429")) {
              {}
            } else {
              stryCov_9fa48("2429");
              const onAbort = () => {
                if (stryMutAct_9fa48("2430")) {
                  {}
                } else {
                  stryCov_9fa48("2430");
                  if (stryMutAct_9fa48("2432") ? false : stryMutAct_9fa48("2431") ? true : (stryCov_9fa48("2431", "2432"), this.release(uuid, waiter))) reject(abortError(signal));
                }
              };
              signal.addEventListener(stryMutAct_9fa48("2433") ? "" : (stryCov_9fa48("2433"), 'abort'), onAbort, stryMutAct_9fa48("2434") ? {} : (stryCov_9fa48("2434"), {
                once: stryMutAct_9fa48("2435") ? false : (stryCov_9fa48("2435"), true)
              }));
              dispose = stryMutAct_9fa48("2436") ? () => undefined : (stryCov_9fa48("2436"), () => signal.removeEventListener(stryMutAct_9fa48("2437") ? "" : (stryCov_9fa48("2437"), 'abort'), onAbort));
            }
          }
          const waiter = new Waiter(target, method, resolve, reject, timer, dispose);
          this.byUuid.set(uuid, waiter);
        }
      });
    }
  }

  /** The call waiting for message `uuid`, if it still waits. */
  get(uuid: string): Waiter | undefined {
    if (stryMutAct_9fa48("2438")) {
      {}
    } else {
      stryCov_9fa48("2438");
      return this.byUuid.get(uuid);
    }
  }

  /**
   * Settles `w` with its answer (already checked for the caller): a timeout rejects, any
   * other Response resolves. Does nothing when `w` already ended.
   */
  answer(uuid: string, w: Waiter, r: Response): void {
    if (stryMutAct_9fa48("2439")) {
      {}
    } else {
      stryCov_9fa48("2439");
      if (stryMutAct_9fa48("2442") ? false : stryMutAct_9fa48("2441") ? true : stryMutAct_9fa48("2440") ? this.release(uuid, w) : (stryCov_9fa48("2440", "2441", "2442"), !this.release(uuid, w))) return;
      if (stryMutAct_9fa48("2444") ? false : stryMutAct_9fa48("2443") ? true : (stryCov_9fa48("2443", "2444"), isTimeout(r))) w.reject(r.value as Error);else w.resolve(r);
    }
  }

  /** Rejects every waiting call (the runner is closing). */
  failAll(error: () => Error): void {
    if (stryMutAct_9fa48("2445")) {
      {}
    } else {
      stryCov_9fa48("2445");
      for (const [uuid, w] of this.byUuid) if (stryMutAct_9fa48("2447") ? false : stryMutAct_9fa48("2446") ? true : (stryCov_9fa48("2446", "2447"), this.release(uuid, w))) w.reject(error());
    }
  }

  /** Ends `w` if it is still the waiter of `uuid`; true when this call ended it. */
  private release(uuid: string, w: Waiter): boolean {
    if (stryMutAct_9fa48("2448")) {
      {}
    } else {
      stryCov_9fa48("2448");
      if (stryMutAct_9fa48("2451") ? this.byUuid.get(uuid) === w : stryMutAct_9fa48("2450") ? false : stryMutAct_9fa48("2449") ? true : (stryCov_9fa48("2449", "2450", "2451"), this.byUuid.get(uuid) !== w)) return stryMutAct_9fa48("2452") ? true : (stryCov_9fa48("2452"), false);
      this.byUuid.delete(uuid);
      clearTimeout(w.timer);
      w.dispose();
      return stryMutAct_9fa48("2453") ? false : (stryCov_9fa48("2453"), true);
    }
  }
}