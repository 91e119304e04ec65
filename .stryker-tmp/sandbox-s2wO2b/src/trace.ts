/** W3C trace context ids, drawn cheaply. */
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
import { randomBytes } from 'node:crypto';

// Random bytes for trace ids, drawn in batches: one randomBytes call per 256 messages
// instead of one (a synchronous trip to the CSPRNG) per message.
const TRACE_BYTES = 24;
const TRACE_POOL = stryMutAct_9fa48("547") ? TRACE_BYTES / 256 : (stryCov_9fa48("547"), TRACE_BYTES * 256);
let tracePool = Buffer.alloc(0);
let traceOffset = TRACE_POOL;

/** A new W3C traceparent: version 00, random trace and span ids, sampled. */
export function newTraceparent(): string {
  if (stryMutAct_9fa48("548")) {
    {}
  } else {
    stryCov_9fa48("548");
    if (stryMutAct_9fa48("552") ? traceOffset + TRACE_BYTES <= tracePool.length : stryMutAct_9fa48("551") ? traceOffset + TRACE_BYTES >= tracePool.length : stryMutAct_9fa48("550") ? false : stryMutAct_9fa48("549") ? true : (stryCov_9fa48("549", "550", "551", "552"), (stryMutAct_9fa48("553") ? traceOffset - TRACE_BYTES : (stryCov_9fa48("553"), traceOffset + TRACE_BYTES)) > tracePool.length)) {
      if (stryMutAct_9fa48("554")) {
        {}
      } else {
        stryCov_9fa48("554");
        tracePool = randomBytes(TRACE_POOL);
        traceOffset = 0;
      }
    }
    const b = tracePool.toString(stryMutAct_9fa48("555") ? "" : (stryCov_9fa48("555"), 'hex'), traceOffset, stryMutAct_9fa48("556") ? traceOffset - TRACE_BYTES : (stryCov_9fa48("556"), traceOffset + TRACE_BYTES));
    stryMutAct_9fa48("557") ? traceOffset -= TRACE_BYTES : (stryCov_9fa48("557"), traceOffset += TRACE_BYTES);
    return stryMutAct_9fa48("558") ? `` : (stryCov_9fa48("558"), `00-${stryMutAct_9fa48("559") ? b : (stryCov_9fa48("559"), b.slice(0, 32))}-${stryMutAct_9fa48("560") ? b : (stryCov_9fa48("560"), b.slice(32, 48))}-01`);
  }
}

// version-traceid-spanid-flags; later versions may append fields after the flags.
const TRACEPARENT = stryMutAct_9fa48("570") ? /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}(?:-)/ : stryMutAct_9fa48("569") ? /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[^0-9a-f]{2}(?:-|$)/ : stryMutAct_9fa48("568") ? /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f](?:-|$)/ : stryMutAct_9fa48("567") ? /^[0-9a-f]{2}-([0-9a-f]{32})-[^0-9a-f]{16}-[0-9a-f]{2}(?:-|$)/ : stryMutAct_9fa48("566") ? /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]-[0-9a-f]{2}(?:-|$)/ : stryMutAct_9fa48("565") ? /^[0-9a-f]{2}-([^0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}(?:-|$)/ : stryMutAct_9fa48("564") ? /^[0-9a-f]{2}-([0-9a-f])-[0-9a-f]{16}-[0-9a-f]{2}(?:-|$)/ : stryMutAct_9fa48("563") ? /^[^0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}(?:-|$)/ : stryMutAct_9fa48("562") ? /^[0-9a-f]-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}(?:-|$)/ : stryMutAct_9fa48("561") ? /[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}(?:-|$)/ : (stryCov_9fa48("561", "562", "563", "564", "565", "566", "567", "568", "569", "570"), /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}(?:-|$)/);

/** The 32-hex trace id of a W3C traceparent, or undefined when absent or malformed. */
export function traceIdOf(traceparent: string | undefined): string | undefined {
  if (stryMutAct_9fa48("571")) {
    {}
  } else {
    stryCov_9fa48("571");
    if (stryMutAct_9fa48("574") ? traceparent !== undefined : stryMutAct_9fa48("573") ? false : stryMutAct_9fa48("572") ? true : (stryCov_9fa48("572", "573", "574"), traceparent === undefined)) return undefined;
    return stryMutAct_9fa48("575") ? TRACEPARENT.exec(traceparent)[1] : (stryCov_9fa48("575"), TRACEPARENT.exec(traceparent)?.[1]);
  }
}