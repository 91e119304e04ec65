/**
 * Errors across cells (reference 3.2, 3.3). An error is serialized as
 * `{ class, module, message, tb, args, kwargs }` and rebuilt as its own class only when that
 * class is registered (an allow-list); anything else arrives as a RemoteError that keeps the
 * remote class name, message and cell. Stacks stay home unless a cell asks to send them.
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
import type { JsonValue, RemoteErrorJSON } from './wire.js';
import { CellMaxHopCountReached, CellNotFound, CellRoutingInconsistency, CellServiceAPIMethodNotFound, CellTimeout, CellUnavailable, InstanceNotFound, InstanceUnknownCell, InvalidArgument, NoCellsAvailable, UnknownMethod } from './cell-errors.js';
import { CellwireError, ERROR_CODES, type ErrorCode } from './errors.js';

/** Module name our own error classes travel under. */
export const CELLWIRE_ERROR_MODULE = stryMutAct_9fa48("1549") ? "" : (stryCov_9fa48("1549"), 'cellwire.errors');

/** An error from another cell whose class is not registered here. */
export class RemoteError extends CellwireError {
  override name = stryMutAct_9fa48("1550") ? "" : (stryCov_9fa48("1550"), 'RemoteError');
  /** The class name on the remote side. */
  readonly remoteClass: string;
  readonly remoteModule: string;
  /** Remote stack lines, when the remote cell sends them. */
  readonly remoteTrace: readonly string[];
  constructor(json: RemoteErrorJSON) {
    const code = asCode(json.kwargs.code);
    super((stryMutAct_9fa48("1553") ? code !== 'internal' : stryMutAct_9fa48("1552") ? false : stryMutAct_9fa48("1551") ? true : (stryCov_9fa48("1551", "1552", "1553"), code === (stryMutAct_9fa48("1554") ? "" : (stryCov_9fa48("1554"), 'internal')))) ? stryMutAct_9fa48("1555") ? "" : (stryCov_9fa48("1555"), 'remote') : code, stryMutAct_9fa48("1556") ? `` : (stryCov_9fa48("1556"), `${json.class}: ${json.message}`), stryMutAct_9fa48("1557") ? {} : (stryCov_9fa48("1557"), {
      cell: stryMutAct_9fa48("1560") ? json.kwargs.cell && undefined : stryMutAct_9fa48("1559") ? false : stryMutAct_9fa48("1558") ? true : (stryCov_9fa48("1558", "1559", "1560"), json.kwargs.cell || undefined),
      details: stryMutAct_9fa48("1561") ? {} : (stryCov_9fa48("1561"), {
        ...json.kwargs
      }),
      ...((stryMutAct_9fa48("1564") ? typeof json.kwargs.retryable !== 'boolean' : stryMutAct_9fa48("1563") ? false : stryMutAct_9fa48("1562") ? true : (stryCov_9fa48("1562", "1563", "1564"), typeof json.kwargs.retryable === (stryMutAct_9fa48("1565") ? "" : (stryCov_9fa48("1565"), 'boolean')))) ? stryMutAct_9fa48("1566") ? {} : (stryCov_9fa48("1566"), {
        retryable: json.kwargs.retryable
      }) : {})
    }));
    this.remoteClass = json.class;
    this.remoteModule = json.module;
    this.remoteTrace = json.tb;
  }
}
function asCode(code: unknown): ErrorCode {
  if (stryMutAct_9fa48("1567")) {
    {}
  } else {
    stryCov_9fa48("1567");
    return (ERROR_CODES as readonly unknown[]).includes(code) ? code as ErrorCode : stryMutAct_9fa48("1568") ? "" : (stryCov_9fa48("1568"), 'remote');
  }
}
type ErrorClass = abstract new (...args: never[]) => Error;
interface Registration {
  readonly module: string;
  readonly name: string;
  readonly rebuild: (json: RemoteErrorJSON) => Error;
}

/**
 * The allow-list of error classes rebuilt from the wire. CellwireError subclasses are
 * rebuilt without calling their constructor, keeping the remote message, code and cell.
 *
 * @example
 * class QuotaExceeded extends CellwireError {}
 * errorRegistry.register(QuotaExceeded, { module: 'myapp.errors' });
 */
export class ErrorRegistry {
  private readonly byKey = new Map<string, Registration>();
  private readonly byClass = new Map<ErrorClass, Registration>();
  register<C extends ErrorClass>(cls: C, options: {
    module?: string;
    name?: string;
    rebuild?: (json: RemoteErrorJSON) => Error;
  } = {}): this {
    if (stryMutAct_9fa48("1569")) {
      {}
    } else {
      stryCov_9fa48("1569");
      const name = stryMutAct_9fa48("1570") ? options.name && cls.name : (stryCov_9fa48("1570"), options.name ?? cls.name);
      const module = stryMutAct_9fa48("1571") ? options.module && CELLWIRE_ERROR_MODULE : (stryCov_9fa48("1571"), options.module ?? CELLWIRE_ERROR_MODULE);
      const rebuild = stryMutAct_9fa48("1572") ? options.rebuild && defaultRebuild(cls, name) : (stryCov_9fa48("1572"), options.rebuild ?? defaultRebuild(cls, name));
      const reg = stryMutAct_9fa48("1573") ? {} : (stryCov_9fa48("1573"), {
        module,
        name,
        rebuild
      });
      this.byKey.set(stryMutAct_9fa48("1574") ? `` : (stryCov_9fa48("1574"), `${module}.${name}`), reg);
      this.byClass.set(cls, reg);
      return this;
    }
  }

  /** Serializes any thrown value; `cell` is the path where it happened. */
  serialize(error: unknown, cell: string, withStack = stryMutAct_9fa48("1575") ? true : (stryCov_9fa48("1575"), false)): RemoteErrorJSON {
    if (stryMutAct_9fa48("1576")) {
      {}
    } else {
      stryCov_9fa48("1576");
      const err = error instanceof Error ? error : new Error(String(error));
      const reg = this.lookupClass(err);
      const base = err instanceof CellwireError ? err : undefined;
      if (stryMutAct_9fa48("1579") ? base || base.cell === undefined : stryMutAct_9fa48("1578") ? false : stryMutAct_9fa48("1577") ? true : (stryCov_9fa48("1577", "1578", "1579"), base && (stryMutAct_9fa48("1581") ? base.cell !== undefined : stryMutAct_9fa48("1580") ? true : (stryCov_9fa48("1580", "1581"), base.cell === undefined)))) base.cell = cell;
      const kwargs: RemoteErrorJSON['kwargs'] = stryMutAct_9fa48("1582") ? {} : (stryCov_9fa48("1582"), {
        ...(toJson(base?.details) as Record<string, JsonValue>),
        code: base ? base.code : stryMutAct_9fa48("1583") ? "" : (stryCov_9fa48("1583"), 'internal'),
        cell: stryMutAct_9fa48("1584") ? base?.cell && cell : (stryCov_9fa48("1584"), (stryMutAct_9fa48("1585") ? base.cell : (stryCov_9fa48("1585"), base?.cell)) ?? cell),
        // Serialized, not recomputed on arrival: NoValidHost is not retryable although its code is.
        retryable: base ? base.retryable : stryMutAct_9fa48("1586") ? true : (stryCov_9fa48("1586"), false)
      });
      // A RemoteError passed on travels under its original class (the reference's _Remote rule).
      const remote = err instanceof RemoteError ? err : undefined;
      return stryMutAct_9fa48("1587") ? {} : (stryCov_9fa48("1587"), {
        class: stryMutAct_9fa48("1588") ? (remote?.remoteClass ?? reg?.name ?? err.name) && 'Error' : (stryCov_9fa48("1588"), (stryMutAct_9fa48("1589") ? (remote?.remoteClass ?? reg?.name) && err.name : (stryCov_9fa48("1589"), (stryMutAct_9fa48("1590") ? remote?.remoteClass && reg?.name : (stryCov_9fa48("1590"), (stryMutAct_9fa48("1591") ? remote.remoteClass : (stryCov_9fa48("1591"), remote?.remoteClass)) ?? (stryMutAct_9fa48("1592") ? reg.name : (stryCov_9fa48("1592"), reg?.name)))) ?? err.name)) ?? (stryMutAct_9fa48("1593") ? "" : (stryCov_9fa48("1593"), 'Error'))),
        module: stryMutAct_9fa48("1594") ? (remote?.remoteModule ?? reg?.module) && (base ? CELLWIRE_ERROR_MODULE : 'builtins') : (stryCov_9fa48("1594"), (stryMutAct_9fa48("1595") ? remote?.remoteModule && reg?.module : (stryCov_9fa48("1595"), (stryMutAct_9fa48("1596") ? remote.remoteModule : (stryCov_9fa48("1596"), remote?.remoteModule)) ?? (stryMutAct_9fa48("1597") ? reg.module : (stryCov_9fa48("1597"), reg?.module)))) ?? (base ? CELLWIRE_ERROR_MODULE : stryMutAct_9fa48("1598") ? "" : (stryCov_9fa48("1598"), 'builtins'))),
        message: base ? messageOf(base) : err.message,
        tb: (stryMutAct_9fa48("1601") ? withStack || err.stack : stryMutAct_9fa48("1600") ? false : stryMutAct_9fa48("1599") ? true : (stryCov_9fa48("1599", "1600", "1601"), withStack && err.stack)) ? err.stack.split(stryMutAct_9fa48("1602") ? "" : (stryCov_9fa48("1602"), '\n')) : stryMutAct_9fa48("1603") ? ["Stryker was here"] : (stryCov_9fa48("1603"), []),
        args: stryMutAct_9fa48("1604") ? [] : (stryCov_9fa48("1604"), [err.message]),
        kwargs
      });
    }
  }

  /** Rebuilds a registered class, else a RemoteError. */
  deserialize(json: RemoteErrorJSON): Error {
    if (stryMutAct_9fa48("1605")) {
      {}
    } else {
      stryCov_9fa48("1605");
      const reg = this.byKey.get(stryMutAct_9fa48("1606") ? `` : (stryCov_9fa48("1606"), `${json.module}.${json.class}`));
      if (stryMutAct_9fa48("1609") ? false : stryMutAct_9fa48("1608") ? true : stryMutAct_9fa48("1607") ? reg : (stryCov_9fa48("1607", "1608", "1609"), !reg)) return new RemoteError(json);
      try {
        if (stryMutAct_9fa48("1610")) {
          {}
        } else {
          stryCov_9fa48("1610");
          return reg.rebuild(json);
        }
      } catch {
        if (stryMutAct_9fa48("1611")) {
          {}
        } else {
          stryCov_9fa48("1611");
          return new RemoteError(json);
        }
      }
    }
  }
  private lookupClass(err: Error): Registration | undefined {
    if (stryMutAct_9fa48("1612")) {
      {}
    } else {
      stryCov_9fa48("1612");
      return this.byClass.get(err.constructor as ErrorClass);
    }
  }
}

/** A RemoteError's message carries the remote class; send the original one. */
function messageOf(err: CellwireError): string {
  if (stryMutAct_9fa48("1613")) {
    {}
  } else {
    stryCov_9fa48("1613");
    return err instanceof RemoteError ? stryMutAct_9fa48("1614") ? err.message : (stryCov_9fa48("1614"), err.message.slice(stryMutAct_9fa48("1615") ? err.remoteClass.length - 2 : (stryCov_9fa48("1615"), err.remoteClass.length + 2))) : err.message;
  }
}
function defaultRebuild(cls: ErrorClass, name: string) {
  if (stryMutAct_9fa48("1616")) {
    {}
  } else {
    stryCov_9fa48("1616");
    return (json: RemoteErrorJSON): Error => {
      if (stryMutAct_9fa48("1617")) {
        {}
      } else {
        stryCov_9fa48("1617");
        // Object.create keeps instanceof and the class's methods without running a constructor
        // whose parameters we do not know; the fields are the ones every CellwireError has.
        const err = Object.create(cls.prototype) as Error & Record<string, unknown>;
        Object.defineProperties(err, stryMutAct_9fa48("1618") ? {} : (stryCov_9fa48("1618"), {
          message: stryMutAct_9fa48("1619") ? {} : (stryCov_9fa48("1619"), {
            value: json.message,
            writable: stryMutAct_9fa48("1620") ? false : (stryCov_9fa48("1620"), true),
            configurable: stryMutAct_9fa48("1621") ? false : (stryCov_9fa48("1621"), true)
          }),
          name: stryMutAct_9fa48("1622") ? {} : (stryCov_9fa48("1622"), {
            value: name,
            writable: stryMutAct_9fa48("1623") ? false : (stryCov_9fa48("1623"), true),
            configurable: stryMutAct_9fa48("1624") ? false : (stryCov_9fa48("1624"), true)
          }),
          stack: stryMutAct_9fa48("1625") ? {} : (stryCov_9fa48("1625"), {
            value: stryMutAct_9fa48("1626") ? `` : (stryCov_9fa48("1626"), `${name}: ${json.message}\n${json.tb.join(stryMutAct_9fa48("1627") ? "" : (stryCov_9fa48("1627"), '\n'))}`),
            writable: stryMutAct_9fa48("1628") ? false : (stryCov_9fa48("1628"), true),
            configurable: stryMutAct_9fa48("1629") ? false : (stryCov_9fa48("1629"), true)
          })
        }));
        if (stryMutAct_9fa48("1631") ? false : stryMutAct_9fa48("1630") ? true : (stryCov_9fa48("1630", "1631"), err instanceof CellwireError)) {
          if (stryMutAct_9fa48("1632")) {
            {}
          } else {
            stryCov_9fa48("1632");
            Object.assign(err, stryMutAct_9fa48("1633") ? {} : (stryCov_9fa48("1633"), {
              code: asCode(json.kwargs.code),
              cell: stryMutAct_9fa48("1636") ? json.kwargs.cell && undefined : stryMutAct_9fa48("1635") ? false : stryMutAct_9fa48("1634") ? true : (stryCov_9fa48("1634", "1635", "1636"), json.kwargs.cell || undefined),
              details: stryMutAct_9fa48("1637") ? {} : (stryCov_9fa48("1637"), {
                ...json.kwargs
              })
            }));
            const retryable = (stryMutAct_9fa48("1640") ? typeof json.kwargs.retryable !== 'boolean' : stryMutAct_9fa48("1639") ? false : stryMutAct_9fa48("1638") ? true : (stryCov_9fa48("1638", "1639", "1640"), typeof json.kwargs.retryable === (stryMutAct_9fa48("1641") ? "" : (stryCov_9fa48("1641"), 'boolean')))) ? json.kwargs.retryable : stryMutAct_9fa48("1644") ? err.code === 'timeout' && err.code === 'unavailable' : stryMutAct_9fa48("1643") ? false : stryMutAct_9fa48("1642") ? true : (stryCov_9fa48("1642", "1643", "1644"), (stryMutAct_9fa48("1646") ? err.code !== 'timeout' : stryMutAct_9fa48("1645") ? false : (stryCov_9fa48("1645", "1646"), err.code === (stryMutAct_9fa48("1647") ? "" : (stryCov_9fa48("1647"), 'timeout')))) || (stryMutAct_9fa48("1649") ? err.code !== 'unavailable' : stryMutAct_9fa48("1648") ? false : (stryCov_9fa48("1648", "1649"), err.code === (stryMutAct_9fa48("1650") ? "" : (stryCov_9fa48("1650"), 'unavailable')))));
            Object.assign(err, stryMutAct_9fa48("1651") ? {} : (stryCov_9fa48("1651"), {
              retryable
            }));
          }
        }
        return err;
      }
    };
  }
}
function toJson(value: unknown): JsonValue {
  if (stryMutAct_9fa48("1652")) {
    {}
  } else {
    stryCov_9fa48("1652");
    if (stryMutAct_9fa48("1655") ? value !== undefined : stryMutAct_9fa48("1654") ? false : stryMutAct_9fa48("1653") ? true : (stryCov_9fa48("1653", "1654", "1655"), value === undefined)) return {};
    try {
      if (stryMutAct_9fa48("1656")) {
        {}
      } else {
        stryCov_9fa48("1656");
        return JSON.parse(JSON.stringify(value)) as JsonValue;
      }
    } catch {
      if (stryMutAct_9fa48("1657")) {
        {}
      } else {
        stryCov_9fa48("1657");
        return {};
      }
    }
  }
}

/** The registry every runner starts from: cellwire's own classes. */
export function defaultErrorRegistry(): ErrorRegistry {
  if (stryMutAct_9fa48("1658")) {
    {}
  } else {
    stryCov_9fa48("1658");
    return new ErrorRegistry().register(CellwireError).register(CellRoutingInconsistency).register(CellMaxHopCountReached).register(CellTimeout).register(CellUnavailable).register(UnknownMethod).register(InvalidArgument).register(CellNotFound).register(CellServiceAPIMethodNotFound).register(InstanceNotFound).register(InstanceUnknownCell).register(NoCellsAvailable);
  }
}