/**
 * The one table from error codes to HTTP statuses, used by the HTTP transport's listener and
 * by the cell's API alike (docs/errors.md), and its inverse for a peer's status without a body.
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
import type { ErrorCode } from './errors.js';
const STATUS: { readonly [C in ErrorCode]: number } = stryMutAct_9fa48("135") ? {} : (stryCov_9fa48("135"), {
  routing_inconsistency: 400,
  hop_limit: 400,
  invalid_argument: 400,
  unknown_method: 404,
  not_found: 404,
  unauthenticated: 401,
  permission_denied: 403,
  failed_precondition: 409,
  payload_too_large: 413,
  resource_exhausted: 429,
  aborted: 499,
  remote: 502,
  unavailable: 503,
  timeout: 504,
  internal: 500
});

/** The HTTP status an error code is answered with. */
export function httpStatusFor(code: ErrorCode): number {
  if (stryMutAct_9fa48("136")) {
    {}
  } else {
    stryCov_9fa48("136");
    return STATUS[code];
  }
}

/** The code a status stands for when a peer's body does not name one. */
export function codeForHttpStatus(status: number): ErrorCode {
  if (stryMutAct_9fa48("137")) {
    {}
  } else {
    stryCov_9fa48("137");
    switch (status) {
      case 400:
      case 415:
      case 422:
        if (stryMutAct_9fa48("138")) {} else {
          stryCov_9fa48("138");
          return stryMutAct_9fa48("139") ? "" : (stryCov_9fa48("139"), 'invalid_argument');
        }
      case 401:
        if (stryMutAct_9fa48("140")) {} else {
          stryCov_9fa48("140");
          return stryMutAct_9fa48("141") ? "" : (stryCov_9fa48("141"), 'unauthenticated');
        }
      case 403:
        if (stryMutAct_9fa48("142")) {} else {
          stryCov_9fa48("142");
          return stryMutAct_9fa48("143") ? "" : (stryCov_9fa48("143"), 'permission_denied');
        }
      case 404:
        if (stryMutAct_9fa48("144")) {} else {
          stryCov_9fa48("144");
          return stryMutAct_9fa48("145") ? "" : (stryCov_9fa48("145"), 'not_found');
        }
      case 409:
        if (stryMutAct_9fa48("146")) {} else {
          stryCov_9fa48("146");
          return stryMutAct_9fa48("147") ? "" : (stryCov_9fa48("147"), 'failed_precondition');
        }
      case 413:
        if (stryMutAct_9fa48("148")) {} else {
          stryCov_9fa48("148");
          return stryMutAct_9fa48("149") ? "" : (stryCov_9fa48("149"), 'payload_too_large');
        }
      case 429:
        if (stryMutAct_9fa48("150")) {} else {
          stryCov_9fa48("150");
          return stryMutAct_9fa48("151") ? "" : (stryCov_9fa48("151"), 'resource_exhausted');
        }
      case 502:
      case 503:
        if (stryMutAct_9fa48("152")) {} else {
          stryCov_9fa48("152");
          return stryMutAct_9fa48("153") ? "" : (stryCov_9fa48("153"), 'unavailable');
        }
      case 504:
        if (stryMutAct_9fa48("154")) {} else {
          stryCov_9fa48("154");
          return stryMutAct_9fa48("155") ? "" : (stryCov_9fa48("155"), 'timeout');
        }
      default:
        if (stryMutAct_9fa48("156")) {} else {
          stryCov_9fa48("156");
          return stryMutAct_9fa48("157") ? "" : (stryCov_9fa48("157"), 'internal');
        }
    }
  }
}