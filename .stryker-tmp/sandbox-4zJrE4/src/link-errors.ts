/**
 * The errors a call gets when something other than the cell it asked ends it: a link that
 * could not deliver, the caller's own abort signal, or this cell shutting down. Shared by
 * targeted calls, broadcasts and their collectors, so that every such failure names the
 * cell it concerns the same way.
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
import { CellTimeout, CellUnavailable } from './cell-errors.js';
import { CellwireError } from './errors.js';

/**
 * A link failure as a CellwireError that names the cell it could not reach (`path`). A
 * transport's own timeout becomes a CellTimeout, so callers see one kind of timeout.
 */
export function linkError(e: unknown, path: string, neighbour: string): CellwireError {
  if (stryMutAct_9fa48("1089")) {
    {}
  } else {
    stryCov_9fa48("1089");
    if (stryMutAct_9fa48("1091") ? false : stryMutAct_9fa48("1090") ? true : (stryCov_9fa48("1090", "1091"), e instanceof CellwireError)) {
      if (stryMutAct_9fa48("1092")) {
        {}
      } else {
        stryCov_9fa48("1092");
        if (stryMutAct_9fa48("1095") ? e.code === 'timeout' || !(e instanceof CellTimeout) : stryMutAct_9fa48("1094") ? false : stryMutAct_9fa48("1093") ? true : (stryCov_9fa48("1093", "1094", "1095"), (stryMutAct_9fa48("1097") ? e.code !== 'timeout' : stryMutAct_9fa48("1096") ? true : (stryCov_9fa48("1096", "1097"), e.code === (stryMutAct_9fa48("1098") ? "" : (stryCov_9fa48("1098"), 'timeout')))) && (stryMutAct_9fa48("1099") ? e instanceof CellTimeout : (stryCov_9fa48("1099"), !(e instanceof CellTimeout))))) return new CellTimeout(path, stryMutAct_9fa48("1100") ? {} : (stryCov_9fa48("1100"), {
          cause: e
        }));
        e.cell = path;
        return e;
      }
    }
    return new CellUnavailable(neighbour, e instanceof Error ? e.message : String(e), stryMutAct_9fa48("1101") ? {} : (stryCov_9fa48("1101"), {
      cell: path,
      cause: e
    }));
  }
}

/** What a call aborted through its signal rejects with: the signal's reason, when it gave one. */
export function abortError(signal: AbortSignal | undefined): CellwireError {
  if (stryMutAct_9fa48("1102")) {
    {}
  } else {
    stryCov_9fa48("1102");
    const reason = (stryMutAct_9fa48("1103") ? signal.reason : (stryCov_9fa48("1103"), signal?.reason)) instanceof Error ? signal.reason.message : stryMutAct_9fa48("1104") ? "" : (stryCov_9fa48("1104"), 'the call was aborted');
    return new CellwireError(stryMutAct_9fa48("1105") ? "" : (stryCov_9fa48("1105"), 'aborted'), reason);
  }
}

/** What a closing cell refuses new work and fails open calls with. */
export function shuttingDown(cell: string): CellwireError {
  if (stryMutAct_9fa48("1106")) {
    {}
  } else {
    stryCov_9fa48("1106");
    return new CellwireError(stryMutAct_9fa48("1107") ? "" : (stryCov_9fa48("1107"), 'unavailable'), stryMutAct_9fa48("1108") ? `` : (stryCov_9fa48("1108"), `cell ${cell} is shutting down`), stryMutAct_9fa48("1109") ? {} : (stryCov_9fa48("1109"), {
      cell
    }));
  }
}