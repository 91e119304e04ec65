/**
 * Reading a method spec against a call's arguments: flags such as `needResponse` and
 * `runLocally` may come from an argument, and a target cell from a (possibly nested) one.
 * Kept apart from the runner because it is pure and runs once per call made here.
 */
// @ts-nocheck


/** Reads a fixed flag, or one taken from an argument. */function stryNS_9fa48() {
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
export function flag(spec: boolean | {
  arg: string;
  negate?: boolean;
  default: boolean;
}, args: Record<string, unknown>): boolean {
  if (stryMutAct_9fa48("2335")) {
    {}
  } else {
    stryCov_9fa48("2335");
    if (stryMutAct_9fa48("2338") ? typeof spec !== 'boolean' : stryMutAct_9fa48("2337") ? false : stryMutAct_9fa48("2336") ? true : (stryCov_9fa48("2336", "2337", "2338"), typeof spec === (stryMutAct_9fa48("2339") ? "" : (stryCov_9fa48("2339"), 'boolean')))) return spec;
    const v = args[spec.arg];
    if (stryMutAct_9fa48("2342") ? typeof v === 'boolean' : stryMutAct_9fa48("2341") ? false : stryMutAct_9fa48("2340") ? true : (stryCov_9fa48("2340", "2341", "2342"), typeof v !== (stryMutAct_9fa48("2343") ? "" : (stryCov_9fa48("2343"), 'boolean')))) return spec.default;
    return spec.negate ? stryMutAct_9fa48("2344") ? v : (stryCov_9fa48("2344"), !v) : v;
  }
}

// Argument paths of the specs, split once: specs are few and fixed, calls are many.
const argPaths = new Map<string, readonly string[]>();

/** `cell_name` or a dotted path such as `instance.cell_name`; undefined unless a non-empty string. */
export function targetOf(argPath: string, args: Record<string, unknown>): string | undefined {
  if (stryMutAct_9fa48("2345")) {
    {}
  } else {
    stryCov_9fa48("2345");
    let parts = argPaths.get(argPath);
    if (stryMutAct_9fa48("2348") ? false : stryMutAct_9fa48("2347") ? true : stryMutAct_9fa48("2346") ? parts : (stryCov_9fa48("2346", "2347", "2348"), !parts)) argPaths.set(argPath, parts = argPath.split(stryMutAct_9fa48("2349") ? "" : (stryCov_9fa48("2349"), '.')));
    let v: unknown = args;
    for (const part of parts) v = (stryMutAct_9fa48("2352") ? v || typeof v === 'object' : stryMutAct_9fa48("2351") ? false : stryMutAct_9fa48("2350") ? true : (stryCov_9fa48("2350", "2351", "2352"), v && (stryMutAct_9fa48("2354") ? typeof v !== 'object' : stryMutAct_9fa48("2353") ? true : (stryCov_9fa48("2353", "2354"), typeof v === (stryMutAct_9fa48("2355") ? "" : (stryCov_9fa48("2355"), 'object')))))) ? (v as Record<string, unknown>)[part] : undefined;
    return (stryMutAct_9fa48("2358") ? typeof v === 'string' || v.length > 0 : stryMutAct_9fa48("2357") ? false : stryMutAct_9fa48("2356") ? true : (stryCov_9fa48("2356", "2357", "2358"), (stryMutAct_9fa48("2360") ? typeof v !== 'string' : stryMutAct_9fa48("2359") ? true : (stryCov_9fa48("2359", "2360"), typeof v === (stryMutAct_9fa48("2361") ? "" : (stryCov_9fa48("2361"), 'string')))) && (stryMutAct_9fa48("2364") ? v.length <= 0 : stryMutAct_9fa48("2363") ? v.length >= 0 : stryMutAct_9fa48("2362") ? true : (stryCov_9fa48("2362", "2363", "2364"), v.length > 0)))) ? v : undefined;
  }
}