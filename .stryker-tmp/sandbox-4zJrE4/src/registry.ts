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
    if (stryMutAct_9fa48("1518")) {
      {}
    } else {
      stryCov_9fa48("1518");
      const {
        service,
        handlers
      } = (stryMutAct_9fa48("1519") ? "" : (stryCov_9fa48("1519"), 'service')) in entry ? entry : stryMutAct_9fa48("1520") ? {} : (stryCov_9fa48("1520"), {
        service: entry,
        handlers: {}
      });
      const clash = this.servicesByName.get(service.name);
      if (stryMutAct_9fa48("1522") ? false : stryMutAct_9fa48("1521") ? true : (stryCov_9fa48("1521", "1522"), clash)) throw new InvalidArgument(stryMutAct_9fa48("1523") ? `` : (stryCov_9fa48("1523"), `service '${service.name}' is registered twice`));
      const rows: [string, Registered][] = stryMutAct_9fa48("1524") ? ["Stryker was here"] : (stryCov_9fa48("1524"), []);
      for (const method of Object.values(service.methods)) {
        if (stryMutAct_9fa48("1525")) {
          {}
        } else {
          stryCov_9fa48("1525");
          const other = this.byWire.get(method.name);
          if (stryMutAct_9fa48("1527") ? false : stryMutAct_9fa48("1526") ? true : (stryCov_9fa48("1526", "1527"), other)) {
            if (stryMutAct_9fa48("1528")) {
              {}
            } else {
              stryCov_9fa48("1528");
              throw new InvalidArgument(stryMutAct_9fa48("1529") ? `` : (stryCov_9fa48("1529"), `method '${method.name}' is declared by both service '${other.method.service.name}' and service '${service.name}': wire names must be unique in a runner`));
            }
          }
          const fn = (handlers as Record<string, unknown>)[method.localName];
          if (stryMutAct_9fa48("1532") ? fn !== undefined || typeof fn !== 'function' : stryMutAct_9fa48("1531") ? false : stryMutAct_9fa48("1530") ? true : (stryCov_9fa48("1530", "1531", "1532"), (stryMutAct_9fa48("1534") ? fn === undefined : stryMutAct_9fa48("1533") ? true : (stryCov_9fa48("1533", "1534"), fn !== undefined)) && (stryMutAct_9fa48("1536") ? typeof fn === 'function' : stryMutAct_9fa48("1535") ? true : (stryCov_9fa48("1535", "1536"), typeof fn !== (stryMutAct_9fa48("1537") ? "" : (stryCov_9fa48("1537"), 'function')))))) {
            if (stryMutAct_9fa48("1538")) {
              {}
            } else {
              stryCov_9fa48("1538");
              throw new InvalidArgument(stryMutAct_9fa48("1539") ? `` : (stryCov_9fa48("1539"), `handler '${method.localName}' of service '${service.name}' is not a function`));
            }
          }
          rows.push(stryMutAct_9fa48("1540") ? [] : (stryCov_9fa48("1540"), [method.name, stryMutAct_9fa48("1541") ? {} : (stryCov_9fa48("1541"), {
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
    if (stryMutAct_9fa48("1542")) {
      {}
    } else {
      stryCov_9fa48("1542");
      return this.byWire.get(wire);
    }
  }

  /** The registered method, or `unknown_method`. */
  require(wire: string): Registered {
    if (stryMutAct_9fa48("1543")) {
      {}
    } else {
      stryCov_9fa48("1543");
      const r = this.byWire.get(wire);
      if (stryMutAct_9fa48("1546") ? false : stryMutAct_9fa48("1545") ? true : stryMutAct_9fa48("1544") ? r : (stryCov_9fa48("1544", "1545", "1546"), !r)) throw new UnknownMethod(wire);
      return r;
    }
  }

  /** The services, in registration order. */
  services(): AnyService[] {
    if (stryMutAct_9fa48("1547")) {
      {}
    } else {
      stryCov_9fa48("1547");
      return stryMutAct_9fa48("1548") ? [] : (stryCov_9fa48("1548"), [...this.servicesByName.values()]);
    }
  }
}