/**
 * Running a method's handler in this cell, for a received message or a `local` method at
 * the origin: the checks a received message must pass first, the handler interceptors
 * around the call, and the HandlerContext the handler gets. Whatever the handler does, the
 * outcome is a Response (never a rejection), because the runner must always answer.
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
import { UnknownMethod } from './cell-errors.js';
import { checkMessageType, checkReceivedArgs } from './codec.js';
import { CellwireError } from './errors.js';
import { LocalContext } from './handler-context.js';
import { applyInterceptors, type CallContext, type Interceptor } from './interceptor.js';
import type { Registered, ServiceRegistry } from './registry.js';
import { Response } from './response.js';
import type { MessageRunner } from './runner.js';
import type { Envelope, RequestContext } from './wire.js';

/** A failure Response for an error raised here; an error that names no cell names `path`. */
export function failureHere(path: string, e: unknown): Response {
  if (stryMutAct_9fa48("1110")) {
    {}
  } else {
    stryCov_9fa48("1110");
    if (stryMutAct_9fa48("1112") ? false : stryMutAct_9fa48("1111") ? true : (stryCov_9fa48("1111", "1112"), e instanceof CellwireError)) stryMutAct_9fa48("1113") ? e.cell &&= path : (stryCov_9fa48("1113"), e.cell ??= path);
    return Response.failure(path, e instanceof Error ? e : new Error(String(e)));
  }
}

/** Runs handlers for one runner; made once, with the runner's registry and interceptors. */
export class LocalCalls {
  constructor(/** Handed to handlers (they send further messages through it); its name and state are read here. */
  private readonly runner: MessageRunner, private readonly registry: ServiceRegistry, private readonly interceptors: readonly Interceptor[]) {}

  /**
   * Runs a received message's method here: it must be served, fit the message type and have
   * valid arguments. From a sender on a newer minor version of the service, the argument
   * properties this cell does not know are dropped for the handler (checkReceivedArgs); the
   * envelope keeps them for the cells it travels on to. `origin`: the message was made here,
   * and its arguments were checked then.
   */
  received(env: Envelope, deadline: number, origin: boolean): Promise<Response> {
    if (stryMutAct_9fa48("1114")) {
      {}
    } else {
      stryCov_9fa48("1114");
      const reg = this.registry.get(env.method_name);
      let args = env.method_kwargs as Record<string, unknown>;
      try {
        if (stryMutAct_9fa48("1115")) {
          {}
        } else {
          stryCov_9fa48("1115");
          if (stryMutAct_9fa48("1118") ? false : stryMutAct_9fa48("1117") ? true : stryMutAct_9fa48("1116") ? reg : (stryCov_9fa48("1116", "1117", "1118"), !reg)) throw new UnknownMethod(env.method_name, stryMutAct_9fa48("1119") ? `` : (stryCov_9fa48("1119"), `is not known to cell ${this.runner.name}`));
          checkMessageType(reg.method, env.message_type);
          if (stryMutAct_9fa48("1122") ? false : stryMutAct_9fa48("1121") ? true : stryMutAct_9fa48("1120") ? origin : (stryCov_9fa48("1120", "1121", "1122"), !origin)) args = checkReceivedArgs(reg.method, args, env.service_version);
        }
      } catch (e) {
        if (stryMutAct_9fa48("1123")) {
          {}
        } else {
          stryCov_9fa48("1123");
          return Promise.resolve(failureHere(env.routing_path, e));
        }
      }
      return this.run(env, deadline, reg, args);
    }
  }

  /** Calls the handler with `args`, through the handler interceptors. Never rejects. */
  async run(env: Envelope, deadline: number, reg: Registered, args: Record<string, unknown>): Promise<Response> {
    if (stryMutAct_9fa48("1124")) {
      {}
    } else {
      stryCov_9fa48("1124");
      const path = env.routing_path;
      const m = reg.method;
      try {
        if (stryMutAct_9fa48("1125")) {
          {}
        } else {
          stryCov_9fa48("1125");
          if (stryMutAct_9fa48("1128") ? m.topOnly || !this.runner.state.isTop() : stryMutAct_9fa48("1127") ? false : stryMutAct_9fa48("1126") ? true : (stryCov_9fa48("1126", "1127", "1128"), m.topOnly && (stryMutAct_9fa48("1129") ? this.runner.state.isTop() : (stryCov_9fa48("1129"), !this.runner.state.isTop())))) return Response.success(path, null);
          const handler = reg.handler;
          if (stryMutAct_9fa48("1132") ? false : stryMutAct_9fa48("1131") ? true : stryMutAct_9fa48("1130") ? handler : (stryCov_9fa48("1130", "1131", "1132"), !handler)) throw new UnknownMethod(m.name, stryMutAct_9fa48("1133") ? `` : (stryCov_9fa48("1133"), `is not implemented by cell ${this.runner.name}`));
          let value: unknown;
          // Without interceptors (the common case) the handler is called directly: no closure.
          if (stryMutAct_9fa48("1136") ? this.interceptors.length !== 0 : stryMutAct_9fa48("1135") ? false : stryMutAct_9fa48("1134") ? true : (stryCov_9fa48("1134", "1135", "1136"), this.interceptors.length === 0)) value = await handler.call(reg.self, new LocalContext(env, env.ctxt, m, deadline, this.runner), args as never);else {
            if (stryMutAct_9fa48("1137")) {
              {}
            } else {
              stryCov_9fa48("1137");
              // An interceptor may hand on a changed context or arguments: the handler gets those.
              const call = stryMutAct_9fa48("1138") ? () => undefined : (stryCov_9fa48("1138"), (() => {
                const call = (ctxt: RequestContext, a: unknown) => handler.call(reg.self, new LocalContext(env, ctxt, m, deadline, this.runner), a as never);
                return call;
              })());
              const ctx: CallContext = stryMutAct_9fa48("1139") ? {} : (stryCov_9fa48("1139"), {
                stage: stryMutAct_9fa48("1140") ? "" : (stryCov_9fa48("1140"), 'handler'),
                cell: this.runner.name,
                method: m,
                ctxt: env.ctxt,
                args,
                routingPath: path,
                deadline,
                signal: new LocalContext(env, env.ctxt, m, deadline, this.runner).signal,
                traceparent: env.traceparent,
                message: env
              });
              value = await applyInterceptors(this.interceptors, stryMutAct_9fa48("1141") ? () => undefined : (stryCov_9fa48("1141"), c => Promise.resolve(call(c.ctxt, c.args))))(ctx);
            }
          }
          return Response.success(path, stryMutAct_9fa48("1142") ? value && null : (stryCov_9fa48("1142"), value ?? null));
        }
      } catch (e) {
        if (stryMutAct_9fa48("1143")) {
          {}
        } else {
          stryCov_9fa48("1143");
          return failureHere(path, e);
        }
      }
    }
  }
}