/**
 * Timers that cannot misfire. Node fires any delay above 2^31-1 ms (about 24.8 days), and
 * any NaN, after 1 ms; `AbortSignal.timeout` throws on fractional or huge values. Every
 * timer in core goes through here.
 */
// @ts-nocheck


/** The longest delay Node's timers take as given. */function stryNS_9fa48() {
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
export const MAX_TIMER_MS = stryMutAct_9fa48("2365") ? 2 ** 31 + 1 : (stryCov_9fa48("2365"), 2 ** 31 - 1);

/** A delay Node will honour: whole milliseconds in [0, MAX_TIMER_MS]; NaN counts as 0. */
export function safeDelay(ms: number): number {
  if (stryMutAct_9fa48("2366")) {
    {}
  } else {
    stryCov_9fa48("2366");
    if (stryMutAct_9fa48("2369") ? false : stryMutAct_9fa48("2368") ? true : stryMutAct_9fa48("2367") ? ms > 0 : (stryCov_9fa48("2367", "2368", "2369"), !(stryMutAct_9fa48("2373") ? ms <= 0 : stryMutAct_9fa48("2372") ? ms >= 0 : stryMutAct_9fa48("2371") ? false : stryMutAct_9fa48("2370") ? true : (stryCov_9fa48("2370", "2371", "2372", "2373"), ms > 0)))) return 0;
    return (stryMutAct_9fa48("2377") ? ms < MAX_TIMER_MS : stryMutAct_9fa48("2376") ? ms > MAX_TIMER_MS : stryMutAct_9fa48("2375") ? false : stryMutAct_9fa48("2374") ? true : (stryCov_9fa48("2374", "2375", "2376", "2377"), ms >= MAX_TIMER_MS)) ? MAX_TIMER_MS : Math.ceil(ms);
  }
}

/** setTimeout until an absolute time (ms since epoch), clamped. */
export function timerUntil(at: number, fn: () => void, now = Date.now()): NodeJS.Timeout {
  if (stryMutAct_9fa48("2378")) {
    {}
  } else {
    stryCov_9fa48("2378");
    return setTimeout(fn, safeDelay(stryMutAct_9fa48("2379") ? at + now : (stryCov_9fa48("2379"), at - now)));
  }
}

/** An AbortSignal that aborts at an absolute time, clamped. */
export function signalAt(at: number, now = Date.now()): AbortSignal {
  if (stryMutAct_9fa48("2380")) {
    {}
  } else {
    stryCov_9fa48("2380");
    return AbortSignal.timeout(safeDelay(stryMutAct_9fa48("2381") ? at + now : (stryCov_9fa48("2381"), at - now)));
  }
}