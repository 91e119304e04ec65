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
import { InvalidArgument } from './cell-errors.js';

/**
 * One deadline per call instead of a wait per hop: the origin fixes an absolute time, it
 * travels in the envelope, and every hop answers with what it has a little before it.
 */

/** Options accepted by every generated client method. */
export interface CallOptions {
  /** Relative timeout in ms (default: the runner's call timeout, 60 s). */
  readonly timeoutMs?: number;
  /** Absolute deadline (ms since epoch, or a Date); wins over timeoutMs. */
  readonly deadline?: number | Date;
  /** Aborting rejects the call at once and releases its waiter. */
  readonly signal?: AbortSignal;
  /** W3C trace context to carry; one is made when absent. */
  readonly traceparent?: string;
  /** max_hop_count for this message (default: the runner's, 10). */
  readonly maxHopCount?: number;
}

/**
 * The absolute deadline of a new call, at most `maxMs` away: `timeoutMs: Infinity` (or a
 * deadline weeks ahead) means "as long as this cell allows", never a timer that misfires.
 */
export function resolveDeadline(options: CallOptions | undefined, defaultTimeoutMs: number, maxMs = Infinity, now = Date.now()): number {
  if (stryMutAct_9fa48("718")) {
    {}
  } else {
    stryCov_9fa48("718");
    const d = stryMutAct_9fa48("719") ? options.deadline : (stryCov_9fa48("719"), options?.deadline);
    let at: number;
    if (stryMutAct_9fa48("722") ? d === undefined : stryMutAct_9fa48("721") ? false : stryMutAct_9fa48("720") ? true : (stryCov_9fa48("720", "721", "722"), d !== undefined)) at = (stryMutAct_9fa48("725") ? typeof d !== 'number' : stryMutAct_9fa48("724") ? false : stryMutAct_9fa48("723") ? true : (stryCov_9fa48("723", "724", "725"), typeof d === (stryMutAct_9fa48("726") ? "" : (stryCov_9fa48("726"), 'number')))) ? d : d.getTime();else at = stryMutAct_9fa48("727") ? now - (options?.timeoutMs ?? defaultTimeoutMs) : (stryCov_9fa48("727"), now + (stryMutAct_9fa48("728") ? options?.timeoutMs && defaultTimeoutMs : (stryCov_9fa48("728"), (stryMutAct_9fa48("729") ? options.timeoutMs : (stryCov_9fa48("729"), options?.timeoutMs)) ?? defaultTimeoutMs)));
    if (stryMutAct_9fa48("731") ? false : stryMutAct_9fa48("730") ? true : (stryCov_9fa48("730", "731"), Number.isNaN(at))) throw new InvalidArgument(stryMutAct_9fa48("732") ? "" : (stryCov_9fa48("732"), 'the call deadline or timeout is not a number'));
    return stryMutAct_9fa48("733") ? Math.max(at, now + maxMs) : (stryCov_9fa48("733"), Math.min(at, stryMutAct_9fa48("734") ? now - maxMs : (stryCov_9fa48("734"), now + maxMs)));
  }
}

/**
 * When a hop stops waiting for its neighbours: the deadline less a margin per hop, so that
 * each hop's partial answer still reaches the one before it in time. The margin is a slice
 * of what is left (at most `maxMarginMs`), taken once per hop below the origin.
 */
export function hopWaitUntil(deadline: number, hopCount: number, maxMarginMs: number, now = Date.now()): number {
  if (stryMutAct_9fa48("735")) {
    {}
  } else {
    stryCov_9fa48("735");
    const left = stryMutAct_9fa48("736") ? deadline + now : (stryCov_9fa48("736"), deadline - now);
    if (stryMutAct_9fa48("739") ? left <= 0 && hopCount <= 1 : stryMutAct_9fa48("738") ? false : stryMutAct_9fa48("737") ? true : (stryCov_9fa48("737", "738", "739"), (stryMutAct_9fa48("742") ? left > 0 : stryMutAct_9fa48("741") ? left < 0 : stryMutAct_9fa48("740") ? false : (stryCov_9fa48("740", "741", "742"), left <= 0)) || (stryMutAct_9fa48("745") ? hopCount > 1 : stryMutAct_9fa48("744") ? hopCount < 1 : stryMutAct_9fa48("743") ? false : (stryCov_9fa48("743", "744", "745"), hopCount <= 1)))) return deadline;
    const margin = stryMutAct_9fa48("746") ? Math.max(maxMarginMs, left * 0.15) : (stryCov_9fa48("746"), Math.min(maxMarginMs, stryMutAct_9fa48("747") ? left / 0.15 : (stryCov_9fa48("747"), left * 0.15)));
    return stryMutAct_9fa48("748") ? Math.min(now, deadline - margin * Math.min(hopCount - 1, 4)) : (stryCov_9fa48("748"), Math.max(now, stryMutAct_9fa48("749") ? deadline + margin * Math.min(hopCount - 1, 4) : (stryCov_9fa48("749"), deadline - (stryMutAct_9fa48("750") ? margin / Math.min(hopCount - 1, 4) : (stryCov_9fa48("750"), margin * (stryMutAct_9fa48("751") ? Math.max(hopCount - 1, 4) : (stryCov_9fa48("751"), Math.min(stryMutAct_9fa48("752") ? hopCount + 1 : (stryCov_9fa48("752"), hopCount - 1), 4))))))));
  }
}