/**
 * The services one runner serves: wire name -> method, service and handler. Only these
 * methods can be dispatched; there is no lookup by arbitrary name.
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
import { InvalidArgument, UnknownMethod } from './cell-errors.js';
import type { HandlerContext } from './handler-context.js';
import type { AnyService, MethodDescriptor, ServiceImpl } from './service.js';

/** A handler as the runner calls it. */
export type AnyHandler = (ctx: HandlerContext, args: never) => unknown;

/** One served method. */
export interface Registered {
  readonly method: MethodDescriptor;
  /** Undefined when this cell knows the method but does not run it (answers `unknown_method`). */
  readonly handler: AnyHandler | undefined;
  /** `this` for the handler call (the handlers object). */
  readonly self: object;
}
export class ServiceRegistry {
  private readonly byWire = new Map<string, Registered>();
  private readonly servicesByName = new Map<string, AnyService>();

  /** Adds a service; a wire name already served by another service is refused, naming both. */
  add(entry: AnyService | ServiceImpl): void {
    if (stryMutAct_9fa48("357")) {
      {}
    } else {
      stryCov_9fa48("357");
      const {
        service,
        handlers
      } = (stryMutAct_9fa48("358") ? "" : (stryCov_9fa48("358"), 'service')) in entry ? entry : stryMutAct_9fa48("359") ? {} : (stryCov_9fa48("359"), {
        service: entry,
        handlers: {}
      });
      const clash = this.servicesByName.get(service.name);
      if (stryMutAct_9fa48("361") ? false : stryMutAct_9fa48("360") ? true : (stryCov_9fa48("360", "361"), clash)) throw new InvalidArgument(stryMutAct_9fa48("362") ? `` : (stryCov_9fa48("362"), `service '${service.name}' is registered twice`));
      const rows: [string, Registered][] = stryMutAct_9fa48("363") ? ["Stryker was here"] : (stryCov_9fa48("363"), []);
      for (const method of Object.values(service.methods)) {
        if (stryMutAct_9fa48("364")) {
          {}
        } else {
          stryCov_9fa48("364");
          const other = this.byWire.get(method.name);
          if (stryMutAct_9fa48("366") ? false : stryMutAct_9fa48("365") ? true : (stryCov_9fa48("365", "366"), other)) {
            if (stryMutAct_9fa48("367")) {
              {}
            } else {
              stryCov_9fa48("367");
              throw new InvalidArgument(stryMutAct_9fa48("368") ? `` : (stryCov_9fa48("368"), `method '${method.name}' is declared by both service '${other.method.service.name}' and service '${service.name}': wire names must be unique in a runner`));
            }
          }
          const fn = (handlers as Record<string, unknown>)[method.localName];
          if (stryMutAct_9fa48("371") ? fn !== undefined || typeof fn !== 'function' : stryMutAct_9fa48("370") ? false : stryMutAct_9fa48("369") ? true : (stryCov_9fa48("369", "370", "371"), (stryMutAct_9fa48("373") ? fn === undefined : stryMutAct_9fa48("372") ? true : (stryCov_9fa48("372", "373"), fn !== undefined)) && (stryMutAct_9fa48("375") ? typeof fn === 'function' : stryMutAct_9fa48("374") ? true : (stryCov_9fa48("374", "375"), typeof fn !== (stryMutAct_9fa48("376") ? "" : (stryCov_9fa48("376"), 'function')))))) {
            if (stryMutAct_9fa48("377")) {
              {}
            } else {
              stryCov_9fa48("377");
              throw new InvalidArgument(stryMutAct_9fa48("378") ? `` : (stryCov_9fa48("378"), `handler '${method.localName}' of service '${service.name}' is not a function`));
            }
          }
          rows.push(stryMutAct_9fa48("379") ? [] : (stryCov_9fa48("379"), [method.name, stryMutAct_9fa48("380") ? {} : (stryCov_9fa48("380"), {
            method,
            handler: fn as AnyHandler | undefined,
            self: handlers as object
          })]));
        }
      }
      this.servicesByName.set(service.name, service);
      for (const [wire, row] of rows) this.byWire.set(wire, row);
    }
  }

  /** The method served under a wire name, or undefined. */
  get(wire: string): Registered | undefined {
    if (stryMutAct_9fa48("381")) {
      {}
    } else {
      stryCov_9fa48("381");
      return this.byWire.get(wire);
    }
  }

  /** The registered method, or `unknown_method`. */
  require(wire: string): Registered {
    if (stryMutAct_9fa48("382")) {
      {}
    } else {
      stryCov_9fa48("382");
      const r = this.byWire.get(wire);
      if (stryMutAct_9fa48("385") ? false : stryMutAct_9fa48("384") ? true : stryMutAct_9fa48("383") ? r : (stryCov_9fa48("383", "384", "385"), !r)) throw new UnknownMethod(wire);
      return r;
    }
  }

  /** The services, in registration order. */
  services(): AnyService[] {
    if (stryMutAct_9fa48("386")) {
      {}
    } else {
      stryCov_9fa48("386");
      return stryMutAct_9fa48("387") ? [] : (stryCov_9fa48("387"), [...this.servicesByName.values()]);
    }
  }
}