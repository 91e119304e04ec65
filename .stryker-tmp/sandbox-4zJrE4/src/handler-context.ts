/** What every handler receives besides its arguments. */
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
import type { MessageRunner } from './runner.js';
import type { MethodDescriptor } from './service.js';
import { signalAt } from './timers.js';
import type { Envelope, RequestContext } from './wire.js';

/** What every handler gets besides its arguments. */
export interface HandlerContext {
  /** The request context of the origin. */
  readonly ctxt: RequestContext;
  /** Path from the origin to this cell (e.g. `api-cell!child-cell2`). */
  readonly routingPath: string;
  /** Whether the origin waits for this answer (e.g. stop_instance picks cast or call from it). */
  readonly needResponse: boolean;
  /** The message id, the same at every hop. */
  readonly uuid: string;
  /** The method being run. */
  readonly method: MethodDescriptor;
  /** The runner of this cell: handlers send further messages through it. */
  readonly runner: MessageRunner;
  /** Absolute deadline of the call (ms since epoch). */
  readonly deadline: number;
  /** Aborted when the deadline passes. */
  readonly signal: AbortSignal;
  /** W3C trace context of the call, when there is one. */
  readonly traceparent: string | undefined;
  /** The envelope as received (this cell's hop appended). */
  readonly message: Readonly<Envelope>;
}

/** A plain class, so that making one per message allocates one object. */
export class LocalContext implements HandlerContext {
  readonly routingPath: string;
  readonly needResponse: boolean;
  readonly uuid: string;
  readonly traceparent: string | undefined;
  private signalValue: AbortSignal | undefined;
  constructor(readonly message: Envelope, readonly ctxt: RequestContext, readonly method: MethodDescriptor, readonly deadline: number, readonly runner: MessageRunner) {
    if (stryMutAct_9fa48("908")) {
      {}
    } else {
      stryCov_9fa48("908");
      this.routingPath = message.routing_path;
      this.needResponse = message.need_response;
      this.uuid = message.uuid;
      this.traceparent = message.traceparent;
    }
  }

  /** Made only when a handler asks for it: most never do. */
  get signal(): AbortSignal {
    if (stryMutAct_9fa48("909")) {
      {}
    } else {
      stryCov_9fa48("909");
      stryMutAct_9fa48("910") ? this.signalValue &&= signalAt(this.deadline) : (stryCov_9fa48("910"), this.signalValue ??= signalAt(this.deadline));
      return this.signalValue;
    }
  }
}