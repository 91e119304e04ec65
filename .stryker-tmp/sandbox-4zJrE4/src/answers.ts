/**
 * Answers as the origin hands them to its caller. Every answer is checked against the
 * method's result schema on arrival, so that settling a caller never throws (it runs inside
 * transport callbacks) and a peer's bad answer becomes a failure Response naming that peer.
 * Used by targeted calls, broadcast collectors and local methods alike.
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
import { InvalidArgument } from './cell-errors.js';
import { checkResult, describeValidation } from './codec.js';
import type { ErrorRegistry } from './remote-error.js';
import { Response } from './response.js';
import type { MethodDescriptor } from './service.js';
import type { WireResponse } from './wire.js';

/** A wire answer as a Response for the caller, its value checked against the method's result schema. */
export function fromWire(w: WireResponse, method: MethodDescriptor | undefined, errors: ErrorRegistry): Response {
  if (stryMutAct_9fa48("0")) {
    {}
  } else {
    stryCov_9fa48("0");
    const r = Response.fromJSON(w, errors);
    return method ? checkedResult(r, method) : r;
  }
}

/**
 * A successful answer as the caller gets it: object properties the method's result schema
 * does not know are dropped (a newer cell's widened result); a value that still does not
 * fit becomes a failure naming its cell.
 */
export function checkedResult(r: Response, method: MethodDescriptor): Response {
  if (stryMutAct_9fa48("1")) {
    {}
  } else {
    stryCov_9fa48("1");
    if (stryMutAct_9fa48("4") ? r.failure && method.validateResult(r.value) : stryMutAct_9fa48("3") ? false : stryMutAct_9fa48("2") ? true : (stryCov_9fa48("2", "3", "4"), r.failure || method.validateResult(r.value))) return r;
    const known = checkResult(method, r.value);
    if (stryMutAct_9fa48("6") ? false : stryMutAct_9fa48("5") ? true : (stryCov_9fa48("5", "6"), known)) return Response.success(r.cellName, known.value);
    const why = describeValidation(method.validateResult, stryMutAct_9fa48("7") ? "" : (stryCov_9fa48("7"), 'value'));
    return Response.failure(r.cellName, new InvalidArgument(stryMutAct_9fa48("8") ? `` : (stryCov_9fa48("8"), `cell ${r.cellName} answered ${method.name} with a value of the wrong shape: ${why}`), stryMutAct_9fa48("9") ? {} : (stryCov_9fa48("9"), {
      cell: r.cellName,
      retryable: stryMutAct_9fa48("10") ? true : (stryCov_9fa48("10"), false)
    })));
  }
}