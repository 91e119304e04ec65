/**
 * The vocabulary of a service's method table (docs/sdk.md). Each entry of a `methods.ts` is
 * one `method<Args, Result>({...})`: the type arguments are the argument and result types,
 * the object literal is the routing spec. `cellwire-codegen` reads both with ts-morph, so the
 * literal must stay a plain literal (no spreads, no computed values).
 */
// @ts-nocheck


/**
 * How a message travels: to one named cell, to every cell in one direction, either (chosen
 * by an optional target argument), or nowhere: `local` runs the handler in the calling cell
 * only (it may send further messages itself).
 */function stryNS_9fa48() {
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
export type MethodKind = 'targeted' | 'broadcast' | 'targeted_or_broadcast' | 'local';

/** `up` goes to parents, `down` to children. Responses travel the other way. */
export type Direction = 'up' | 'down';

/**
 * Whether the origin waits for an answer: fixed, or read from a boolean argument
 * (`{ arg: 'call', default: false }`; `negate: true` for `do_cast`, where true means "do not wait").
 */
export type NeedResponse = boolean | {
  readonly arg: string;
  readonly negate?: boolean;
  readonly default: boolean;
};

/** Whether a broadcast also runs in the cell that sends it: fixed, or read from an argument. */
export type RunLocally = boolean | {
  readonly arg: string;
  readonly default: boolean;
};

/**
 * How the target cell of a targeted message is chosen:
 * - `none`: broadcasts and local methods;
 * - `{ arg: 'cell_name' }`: a path argument, possibly nested (`instance.cell_name`);
 *   `optional: true` makes a `targeted_or_broadcast` method a broadcast when it is absent;
 *   `ifMissing: 'skip'` sends nothing (and logs) when it is absent, and the call resolves
 *   with undefined, as the reference does for an instance that has no cell yet; the default
 *   refuses the call with `CellRoutingInconsistency` ('No cell given in routing path.').
 */
export type Target = 'none' | {
  readonly arg: string;
  readonly optional?: boolean;
  readonly ifMissing?: 'error' | 'skip';
};

/** The routing spec of one method. */
export interface MethodSpec {
  readonly kind: MethodKind;
  readonly direction: Direction;
  readonly needResponse: NeedResponse;
  readonly target: Target;
  /** Broadcasts only (default true). */
  readonly runLocally?: RunLocally;
  /** Deliver to every service instance of the next cell. */
  readonly fanout?: boolean;
  /** The handler runs only in a cell with no parents; elsewhere it answers null. */
  readonly topOnly?: boolean;
  /** Only ever sent by cells to cells: no client stub, not callable through a cell's API. */
  readonly internal?: boolean;
}

/** A method declaration: the spec, branded with its argument and result types. */
export type MethodDef<Args, Result> = MethodSpec & {
  readonly __args?: Args;
  readonly __result?: Result;
};

/**
 * Declares one method. The type arguments are read by the generator; the spec is data.
 *
 * @example
 * export const methods = {
 *   // Returns the cell's clock.
 *   get_cell_time: method<{ cell_name: string }, string>({
 *     kind: 'targeted', direction: 'down', needResponse: true, target: { arg: 'cell_name' },
 *   }),
 * };
 */
export function method<Args, Result>(spec: MethodSpec): MethodDef<Args, Result> {
  if (stryMutAct_9fa48("1176")) {
    {}
  } else {
    stryCov_9fa48("1176");
    return spec as MethodDef<Args, Result>;
  }
}

/** Argument type of a declared method. */
export type ArgsOf<M> = M extends MethodDef<infer A, unknown> ? A : never;
/** Result type of a declared method. */
export type ResultOf<M> = M extends MethodDef<unknown, infer R> ? R : never;

/** The name and version a `methods.ts` declares with `export const service = { ... }`. */
export interface ServiceInfo {
  /** snake_case service name, e.g. `nova_cells`. */
  readonly name: string;
  /** Semantic version of the method set (docs/upgrades.md). */
  readonly version: string;
}