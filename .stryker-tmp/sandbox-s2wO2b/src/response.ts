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
    if (stryMutAct_9fa48("498")) {
      {}
    } else {
      stryCov_9fa48("498");
      return new Response<T>(cellName, value, stryMutAct_9fa48("499") ? true : (stryCov_9fa48("499"), false));
    }
  }
  static failure<T = never>(cellName: string, error: Error): Response<T> {
    if (stryMutAct_9fa48("500")) {
      {}
    } else {
      stryCov_9fa48("500");
      return new Response<T>(cellName, error, stryMutAct_9fa48("501") ? false : (stryCov_9fa48("501"), true));
    }
  }

  /** The error of a failure as a CellwireError (a plain Error is wrapped as `remote`). */
  get error(): CellwireError | undefined {
    if (stryMutAct_9fa48("502")) {
      {}
    } else {
      stryCov_9fa48("502");
      if (stryMutAct_9fa48("505") ? false : stryMutAct_9fa48("504") ? true : stryMutAct_9fa48("503") ? this.failure : (stryCov_9fa48("503", "504", "505"), !this.failure)) return undefined;
      const e = this.value as Error;
      return e instanceof CellwireError ? e : new CellwireError(stryMutAct_9fa48("506") ? "" : (stryCov_9fa48("506"), 'remote'), e.message, stryMutAct_9fa48("507") ? {} : (stryCov_9fa48("507"), {
        cell: this.cellName,
        cause: e
      }));
    }
  }

  /** The value, or throws the error this cell answered with. */
  valueOrRaise(): T {
    if (stryMutAct_9fa48("508")) {
      {}
    } else {
      stryCov_9fa48("508");
      if (stryMutAct_9fa48("510") ? false : stryMutAct_9fa48("509") ? true : (stryCov_9fa48("509", "510"), this.failure)) throw this.value;
      return this.value as T;
    }
  }

  /** The wire form; failures serialize their error with `registry`. */
  toJSON(registry?: ErrorRegistry, withStack = stryMutAct_9fa48("511") ? true : (stryCov_9fa48("511"), false)): WireResponse {
    if (stryMutAct_9fa48("512")) {
      {}
    } else {
      stryCov_9fa48("512");
      if (stryMutAct_9fa48("515") ? false : stryMutAct_9fa48("514") ? true : stryMutAct_9fa48("513") ? this.failure : (stryCov_9fa48("513", "514", "515"), !this.failure)) return stryMutAct_9fa48("516") ? {} : (stryCov_9fa48("516"), {
        cell_name: this.cellName,
        value: (this.value ?? null) as JsonValue,
        failure: stryMutAct_9fa48("517") ? true : (stryCov_9fa48("517"), false)
      });
      const value = registry ? registry.serialize(this.value, this.cellName, withStack) : stryMutAct_9fa48("518") ? {} : (stryCov_9fa48("518"), {
        class: (this.value as Error).name,
        module: stryMutAct_9fa48("519") ? "" : (stryCov_9fa48("519"), 'builtins'),
        message: (this.value as Error).message,
        tb: stryMutAct_9fa48("520") ? ["Stryker was here"] : (stryCov_9fa48("520"), []),
        args: stryMutAct_9fa48("521") ? ["Stryker was here"] : (stryCov_9fa48("521"), []),
        kwargs: stryMutAct_9fa48("522") ? {} : (stryCov_9fa48("522"), {
          code: stryMutAct_9fa48("523") ? "" : (stryCov_9fa48("523"), 'remote'),
          cell: this.cellName
        })
      });
      return stryMutAct_9fa48("524") ? {} : (stryCov_9fa48("524"), {
        cell_name: this.cellName,
        value: value as unknown as JsonValue,
        failure: stryMutAct_9fa48("525") ? false : (stryCov_9fa48("525"), true)
      });
    }
  }

  /**
   * From the wire form. A failure whose value is not a remote error (a peer's bug, or a
   * hostile one) becomes an `invalid_argument` failure naming the cell, never a throw.
   */
  static fromJSON<T = unknown>(json: WireResponse, registry: ErrorRegistry): Response<T> {
    if (stryMutAct_9fa48("526")) {
      {}
    } else {
      stryCov_9fa48("526");
      if (stryMutAct_9fa48("529") ? false : stryMutAct_9fa48("528") ? true : stryMutAct_9fa48("527") ? json.failure : (stryCov_9fa48("527", "528", "529"), !json.failure)) return new Response<T>(json.cell_name, json.value as T, stryMutAct_9fa48("530") ? true : (stryCov_9fa48("530"), false));
      if (stryMutAct_9fa48("533") ? false : stryMutAct_9fa48("532") ? true : stryMutAct_9fa48("531") ? validateRemoteError(json.value) : (stryCov_9fa48("531", "532", "533"), !validateRemoteError(json.value))) {
        if (stryMutAct_9fa48("534")) {
          {}
        } else {
          stryCov_9fa48("534");
          const err = new InvalidArgument(stryMutAct_9fa48("535") ? `` : (stryCov_9fa48("535"), `cell ${json.cell_name} answered with a malformed error`), stryMutAct_9fa48("536") ? {} : (stryCov_9fa48("536"), {
            cell: json.cell_name,
            retryable: stryMutAct_9fa48("537") ? true : (stryCov_9fa48("537"), false)
          }));
          return new Response<T>(json.cell_name, err, stryMutAct_9fa48("538") ? false : (stryCov_9fa48("538"), true));
        }
      }
      return new Response<T>(json.cell_name, registry.deserialize(json.value as unknown as RemoteErrorJSON), stryMutAct_9fa48("539") ? false : (stryCov_9fa48("539"), true));
    }
  }
}