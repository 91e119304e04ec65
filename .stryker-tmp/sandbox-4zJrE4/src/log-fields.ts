/**
 * The structured fields of a log line about one message, so that structured logs downstream
 * can join a runner's lines with the call they belong to (request, trace, method, message).
 * Built only where a line is logged (failures, repeats, late answers): never on the path of
 * a message that logs nothing.
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
import { traceIdOf } from './trace.js';
import type { Envelope } from './wire.js';

/**
 * The fields of a line about `env` (for a response message: the response's own):
 * `request_id`, `trace_id` (the 32-hex trace id of its traceparent; left out, not undefined,
 * when there is none, so it never hides one a logger adds), `method` and `uuid`, then `extra`
 * (e.g. an error code). A fresh object: the caller may add to it.
 */
export function logFields(env: Envelope, extra?: Record<string, unknown>): Record<string, unknown> {
  if (stryMutAct_9fa48("1144")) {
    {}
  } else {
    stryCov_9fa48("1144");
    const traceId = traceIdOf(env.traceparent);
    const fields: Record<string, unknown> = (stryMutAct_9fa48("1147") ? traceId !== undefined : stryMutAct_9fa48("1146") ? false : stryMutAct_9fa48("1145") ? true : (stryCov_9fa48("1145", "1146", "1147"), traceId === undefined)) ? stryMutAct_9fa48("1148") ? {} : (stryCov_9fa48("1148"), {
      request_id: env.ctxt.request_id,
      method: env.method_name,
      uuid: env.uuid
    }) : stryMutAct_9fa48("1149") ? {} : (stryCov_9fa48("1149"), {
      request_id: env.ctxt.request_id,
      trace_id: traceId,
      method: env.method_name,
      uuid: env.uuid
    });
    return (stryMutAct_9fa48("1152") ? extra !== undefined : stryMutAct_9fa48("1151") ? false : stryMutAct_9fa48("1150") ? true : (stryCov_9fa48("1150", "1151", "1152"), extra === undefined)) ? fields : Object.assign(fields, extra);
  }
}