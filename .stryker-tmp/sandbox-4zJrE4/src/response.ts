/**
 * One cell's answer (reference 3.1): the responding cell's path, and a value or an error.
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
import type { JsonValue, RemoteErrorJSON, WireResponse } from './wire.js';
import { InvalidArgument } from './cell-errors.js';
import { CellwireError } from './errors.js';
import { validateRemoteError } from './gen/wire.js';
import type { ErrorRegistry } from './remote-error.js';

/**
 * @example
 * const [r] = await client.taskLogGetAll(ctxt, { cell_name: 'api!c1', task_name: 'audit', ... });
 * if (r.failure) console.error(r.cellName, r.error?.code);
 * else use(r.valueOrRaise());
 */
export class Response<T = unknown> {
  private constructor(/** Path of the responding cell, from the origin's point of view. */
  readonly cellName: string, /** The handler's value, or the error when `failure`. */
  readonly value: T | Error, readonly failure: boolean) {}
  static success<T>(cellName: string, value: T): Response<T> {
    if (stryMutAct_9fa48("1677")) {
      {}
    } else {
      stryCov_9fa48("1677");
      return new Response<T>(cellName, value, stryMutAct_9fa48("1678") ? true : (stryCov_9fa48("1678"), false));
    }
  }
  static failure<T = never>(cellName: string, error: Error): Response<T> {
    if (stryMutAct_9fa48("1679")) {
      {}
    } else {
      stryCov_9fa48("1679");
      return new Response<T>(cellName, error, stryMutAct_9fa48("1680") ? false : (stryCov_9fa48("1680"), true));
    }
  }

  /** The error of a failure as a CellwireError (a plain Error is wrapped as `remote`). */
  get error(): CellwireError | undefined {
    if (stryMutAct_9fa48("1681")) {
      {}
    } else {
      stryCov_9fa48("1681");
      if (stryMutAct_9fa48("1684") ? false : stryMutAct_9fa48("1683") ? true : stryMutAct_9fa48("1682") ? this.failure : (stryCov_9fa48("1682", "1683", "1684"), !this.failure)) return undefined;
      const e = this.value as Error;
      return e instanceof CellwireError ? e : new CellwireError(stryMutAct_9fa48("1685") ? "" : (stryCov_9fa48("1685"), 'remote'), e.message, stryMutAct_9fa48("1686") ? {} : (stryCov_9fa48("1686"), {
        cell: this.cellName,
        cause: e
      }));
    }
  }

  /** The value, or throws the error this cell answered with. */
  valueOrRaise(): T {
    if (stryMutAct_9fa48("1687")) {
      {}
    } else {
      stryCov_9fa48("1687");
      if (stryMutAct_9fa48("1689") ? false : stryMutAct_9fa48("1688") ? true : (stryCov_9fa48("1688", "1689"), this.failure)) throw this.value;
      return this.value as T;
    }
  }

  /** The wire form; failures serialize their error with `registry`. */
  toJSON(registry?: ErrorRegistry, withStack = stryMutAct_9fa48("1690") ? true : (stryCov_9fa48("1690"), false)): WireResponse {
    if (stryMutAct_9fa48("1691")) {
      {}
    } else {
      stryCov_9fa48("1691");
      if (stryMutAct_9fa48("1694") ? false : stryMutAct_9fa48("1693") ? true : stryMutAct_9fa48("1692") ? this.failure : (stryCov_9fa48("1692", "1693", "1694"), !this.failure)) return stryMutAct_9fa48("1695") ? {} : (stryCov_9fa48("1695"), {
        cell_name: this.cellName,
        value: (this.value ?? null) as JsonValue,
        failure: stryMutAct_9fa48("1696") ? true : (stryCov_9fa48("1696"), false)
      });
      const value = registry ? registry.serialize(this.value, this.cellName, withStack) : stryMutAct_9fa48("1697") ? {} : (stryCov_9fa48("1697"), {
        class: (this.value as Error).name,
        module: stryMutAct_9fa48("1698") ? "" : (stryCov_9fa48("1698"), 'builtins'),
        message: (this.value as Error).message,
        tb: stryMutAct_9fa48("1699") ? ["Stryker was here"] : (stryCov_9fa48("1699"), []),
        args: stryMutAct_9fa48("1700") ? ["Stryker was here"] : (stryCov_9fa48("1700"), []),
        kwargs: stryMutAct_9fa48("1701") ? {} : (stryCov_9fa48("1701"), {
          code: stryMutAct_9fa48("1702") ? "" : (stryCov_9fa48("1702"), 'remote'),
          cell: this.cellName
        })
      });
      return stryMutAct_9fa48("1703") ? {} : (stryCov_9fa48("1703"), {
        cell_name: this.cellName,
        value: value as unknown as JsonValue,
        failure: stryMutAct_9fa48("1704") ? false : (stryCov_9fa48("1704"), true)
      });
    }
  }

  /**
   * From the wire form. A failure whose value is not a remote error (a peer's bug, or a
   * hostile one) becomes an `invalid_argument` failure naming the cell, never a throw.
   */
  static fromJSON<T = unknown>(json: WireResponse, registry: ErrorRegistry): Response<T> {
    if (stryMutAct_9fa48("1705")) {
      {}
    } else {
      stryCov_9fa48("1705");
      if (stryMutAct_9fa48("1708") ? false : stryMutAct_9fa48("1707") ? true : stryMutAct_9fa48("1706") ? json.failure : (stryCov_9fa48("1706", "1707", "1708"), !json.failure)) return new Response<T>(json.cell_name, json.value as T, stryMutAct_9fa48("1709") ? true : (stryCov_9fa48("1709"), false));
      if (stryMutAct_9fa48("1712") ? false : stryMutAct_9fa48("1711") ? true : stryMutAct_9fa48("1710") ? validateRemoteError(json.value) : (stryCov_9fa48("1710", "1711", "1712"), !validateRemoteError(json.value))) {
        if (stryMutAct_9fa48("1713")) {
          {}
        } else {
          stryCov_9fa48("1713");
          const err = new InvalidArgument(stryMutAct_9fa48("1714") ? `` : (stryCov_9fa48("1714"), `cell ${json.cell_name} answered with a malformed error`), stryMutAct_9fa48("1715") ? {} : (stryCov_9fa48("1715"), {
            cell: json.cell_name,
            retryable: stryMutAct_9fa48("1716") ? true : (stryCov_9fa48("1716"), false)
          }));
          return new Response<T>(json.cell_name, err, stryMutAct_9fa48("1717") ? false : (stryCov_9fa48("1717"), true));
        }
      }
      return new Response<T>(json.cell_name, registry.deserialize(json.value as unknown as RemoteErrorJSON), stryMutAct_9fa48("1718") ? false : (stryCov_9fa48("1718"), true));
    }
  }
}