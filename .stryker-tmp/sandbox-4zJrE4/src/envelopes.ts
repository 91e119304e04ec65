/**
 * The envelopes this cell creates: a new targeted or broadcast message for a call made here,
 * and the response message that answers a received one (reference _send_json_responses).
 * The fields that travel are decided here, in one place, so every message a cell creates
 * has the same shape, and so is the one change a cell makes to every message it handles
 * (`arrive`); routing them is the runner's business.
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
import { randomUUID } from 'node:crypto';
import { InvalidArgument } from './cell-errors.js';
import { checkCallerArgs, describeValidation, RESPONSE_METHOD, serviceVersion } from './codec.js';
import type { CallOptions } from './deadline.js';
import { validateRequestContext } from './gen/wire.js';
import { jsonProblem } from './json-value.js';
import type { ServiceRegistry } from './registry.js';
import { appendHop, responseCellNameFromPath } from './routing.js';
import type { MethodDescriptor } from './service.js';
import { newTraceparent } from './trace.js';
import type { Envelope, RequestContext, WireResponse } from './wire.js';

/** How a message created here travels. */
export interface Route {
  readonly direction: 'up' | 'down';
  readonly needResponse: boolean;
  readonly fanout?: boolean;
}

/** A request context a caller hands in: the wire schema, and JSON all the way down. */
export function checkContext(ctxt: RequestContext): void {
  if (stryMutAct_9fa48("827")) {
    {}
  } else {
    stryCov_9fa48("827");
    if (stryMutAct_9fa48("830") ? false : stryMutAct_9fa48("829") ? true : stryMutAct_9fa48("828") ? validateRequestContext(ctxt) : (stryCov_9fa48("828", "829", "830"), !validateRequestContext(ctxt))) throw new InvalidArgument(stryMutAct_9fa48("831") ? `` : (stryCov_9fa48("831"), `invalid request context: ${describeValidation(validateRequestContext, stryMutAct_9fa48("832") ? "" : (stryCov_9fa48("832"), 'ctxt'))}`));
    const problem = jsonProblem(ctxt, stryMutAct_9fa48("833") ? "" : (stryCov_9fa48("833"), 'ctxt'));
    if (stryMutAct_9fa48("835") ? false : stryMutAct_9fa48("834") ? true : (stryCov_9fa48("834", "835"), problem)) throw new InvalidArgument(stryMutAct_9fa48("836") ? `` : (stryCov_9fa48("836"), `invalid request context: ${problem}`));
  }
}

/** A cell's hop on a message it made or received: its name appended, one more hop counted. */
export function arrive(env: Envelope, cell: string): void {
  if (stryMutAct_9fa48("837")) {
    {}
  } else {
    stryCov_9fa48("837");
    env.routing_path = appendHop(env.routing_path, cell);
    stryMutAct_9fa48("838") ? env.hop_count -= 1 : (stryCov_9fa48("838"), env.hop_count += 1);
  }
}

/** Makes one cell's envelopes; holds the runner's settings, so it is made once per runner. */
export class Envelopes {
  constructor(private readonly registry: ServiceRegistry, /** max_hop_count of messages created here, unless a call says otherwise. */
  private readonly maxHopCount: number, /** Whether envelopes carry `service_version` (off while older cores remain in the tree). */
  private readonly sendServiceVersion: boolean) {}

  /**
   * A new message of a call made here, its routing path still empty. The caller's arguments
   * and context are checked first: nothing that would be refused downstream leaves this cell.
   */
  request(type: 'targeted' | 'broadcast', m: MethodDescriptor, ctxt: RequestContext, args: Record<string, unknown>, route: Route, deadline: number, options: CallOptions): Envelope {
    if (stryMutAct_9fa48("839")) {
      {}
    } else {
      stryCov_9fa48("839");
      checkCallerArgs(m, args);
      checkContext(ctxt);
      const env: Envelope = stryMutAct_9fa48("840") ? {} : (stryCov_9fa48("840"), {
        message_type: type,
        ctxt,
        method_name: m.name,
        method_kwargs: args as Envelope['method_kwargs'],
        direction: route.direction,
        need_response: route.needResponse,
        fanout: stryMutAct_9fa48("841") ? route.fanout && false : (stryCov_9fa48("841"), route.fanout ?? (stryMutAct_9fa48("842") ? true : (stryCov_9fa48("842"), false))),
        uuid: randomUUID(),
        routing_path: stryMutAct_9fa48("843") ? "Stryker was here!" : (stryCov_9fa48("843"), ''),
        hop_count: 0,
        max_hop_count: stryMutAct_9fa48("844") ? options.maxHopCount && this.maxHopCount : (stryCov_9fa48("844"), options.maxHopCount ?? this.maxHopCount),
        deadline,
        traceparent: stryMutAct_9fa48("845") ? options.traceparent && newTraceparent() : (stryCov_9fa48("845"), options.traceparent ?? newTraceparent())
      });
      if (stryMutAct_9fa48("847") ? false : stryMutAct_9fa48("846") ? true : (stryCov_9fa48("846", "847"), this.sendServiceVersion)) env.service_version = serviceVersion(m.service);
      return env;
    }
  }

  /**
   * The response message answering `env` with `responses`, going back the way `env` came;
   * addressed to the neighbour it came from only (`neighbourOnly`, a broadcast's hop by hop
   * answer) or to the origin. Its routing path is empty: the runner appends this cell.
   */
  response(env: Envelope, responses: WireResponse[], neighbourOnly: boolean): Envelope {
    if (stryMutAct_9fa48("848")) {
      {}
    } else {
      stryCov_9fa48("848");
      const res: Envelope = stryMutAct_9fa48("849") ? {} : (stryCov_9fa48("849"), {
        message_type: stryMutAct_9fa48("850") ? "" : (stryCov_9fa48("850"), 'response'),
        ctxt: env.ctxt,
        method_name: RESPONSE_METHOD,
        method_kwargs: stryMutAct_9fa48("851") ? {} : (stryCov_9fa48("851"), {
          responses: responses as unknown as Envelope['method_kwargs'][string]
        }),
        direction: (stryMutAct_9fa48("854") ? env.direction !== 'up' : stryMutAct_9fa48("853") ? false : stryMutAct_9fa48("852") ? true : (stryCov_9fa48("852", "853", "854"), env.direction === (stryMutAct_9fa48("855") ? "" : (stryCov_9fa48("855"), 'up')))) ? stryMutAct_9fa48("856") ? "" : (stryCov_9fa48("856"), 'down') : stryMutAct_9fa48("857") ? "" : (stryCov_9fa48("857"), 'up'),
        need_response: stryMutAct_9fa48("858") ? true : (stryCov_9fa48("858"), false),
        fanout: stryMutAct_9fa48("859") ? true : (stryCov_9fa48("859"), false),
        uuid: randomUUID(),
        routing_path: stryMutAct_9fa48("860") ? "Stryker was here!" : (stryCov_9fa48("860"), ''),
        hop_count: 0,
        max_hop_count: env.max_hop_count,
        target_cell: responseCellNameFromPath(env.routing_path, neighbourOnly),
        response_uuid: env.uuid
      });
      if (stryMutAct_9fa48("863") ? env.deadline === undefined : stryMutAct_9fa48("862") ? false : stryMutAct_9fa48("861") ? true : (stryCov_9fa48("861", "862", "863"), env.deadline !== undefined)) res.deadline = env.deadline;
      if (stryMutAct_9fa48("866") ? env.traceparent === undefined : stryMutAct_9fa48("865") ? false : stryMutAct_9fa48("864") ? true : (stryCov_9fa48("864", "865", "866"), env.traceparent !== undefined)) res.traceparent = env.traceparent;
      // The answering cell's version of the answered method's service, when it serves it.
      const answered = this.sendServiceVersion ? stryMutAct_9fa48("867") ? this.registry.get(env.method_name).method.service : (stryCov_9fa48("867"), this.registry.get(env.method_name)?.method.service) : undefined;
      if (stryMutAct_9fa48("869") ? false : stryMutAct_9fa48("868") ? true : (stryCov_9fa48("868", "869"), answered)) res.service_version = serviceVersion(answered);
      return res;
    }
  }
}