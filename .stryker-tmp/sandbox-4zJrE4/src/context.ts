/** Request contexts: what the origin knows of who asked, carried to every cell. */
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
import { randomUUID } from 'node:crypto';
import type { RequestContext } from './wire.js';

/**
 * A request context with the reference's defaults filled in.
 *
 * @example
 * const ctxt = makeContext({ user_id: 'alice', project_id: 'p1', roles: ['member'] });
 */
export function makeContext(fields: Partial<RequestContext> = {}): RequestContext {
  if (stryMutAct_9fa48("707")) {
    {}
  } else {
    stryCov_9fa48("707");
    return stryMutAct_9fa48("708") ? {} : (stryCov_9fa48("708"), {
      request_id: stryMutAct_9fa48("709") ? `` : (stryCov_9fa48("709"), `req-${randomUUID()}`),
      user_id: null,
      project_id: null,
      roles: stryMutAct_9fa48("710") ? ["Stryker was here"] : (stryCov_9fa48("710"), []),
      is_admin: stryMutAct_9fa48("711") ? true : (stryCov_9fa48("711"), false),
      read_deleted: stryMutAct_9fa48("712") ? "" : (stryCov_9fa48("712"), 'no'),
      timestamp: new Date().toISOString(),
      ...fields
    });
  }
}

/** An admin context, as services make for their own work. */
export function adminContext(fields: Partial<RequestContext> = {}): RequestContext {
  if (stryMutAct_9fa48("713")) {
    {}
  } else {
    stryCov_9fa48("713");
    return makeContext(stryMutAct_9fa48("714") ? {} : (stryCov_9fa48("714"), {
      is_admin: stryMutAct_9fa48("715") ? false : (stryCov_9fa48("715"), true),
      roles: stryMutAct_9fa48("716") ? [] : (stryCov_9fa48("716"), [stryMutAct_9fa48("717") ? "" : (stryCov_9fa48("717"), 'admin')]),
      ...fields
    }));
  }
}