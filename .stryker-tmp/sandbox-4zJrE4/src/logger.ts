/** The little a runner needs to report what it cannot return (failed casts, late answers). */
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
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}
const LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LEVELS)[number];

/** Writes one line per event to stderr, from `level` up. */
export function consoleLogger(prefix: string, level: LogLevel = stryMutAct_9fa48("1153") ? "" : (stryCov_9fa48("1153"), 'warn')): Logger {
  if (stryMutAct_9fa48("1154")) {
    {}
  } else {
    stryCov_9fa48("1154");
    const min = LEVELS.indexOf(level);
    const at = stryMutAct_9fa48("1155") ? () => undefined : (stryCov_9fa48("1155"), (() => {
      const at = (l: LogLevel) => (message: string, fields?: Record<string, unknown>) => {
        if (stryMutAct_9fa48("1156")) {
          {}
        } else {
          stryCov_9fa48("1156");
          if (stryMutAct_9fa48("1160") ? LEVELS.indexOf(l) >= min : stryMutAct_9fa48("1159") ? LEVELS.indexOf(l) <= min : stryMutAct_9fa48("1158") ? false : stryMutAct_9fa48("1157") ? true : (stryCov_9fa48("1157", "1158", "1159", "1160"), LEVELS.indexOf(l) < min)) return;
          const extra = (stryMutAct_9fa48("1163") ? fields || Object.keys(fields).length > 0 : stryMutAct_9fa48("1162") ? false : stryMutAct_9fa48("1161") ? true : (stryCov_9fa48("1161", "1162", "1163"), fields && (stryMutAct_9fa48("1166") ? Object.keys(fields).length <= 0 : stryMutAct_9fa48("1165") ? Object.keys(fields).length >= 0 : stryMutAct_9fa48("1164") ? true : (stryCov_9fa48("1164", "1165", "1166"), Object.keys(fields).length > 0)))) ? stryMutAct_9fa48("1167") ? `` : (stryCov_9fa48("1167"), ` ${JSON.stringify(fields)}`) : stryMutAct_9fa48("1168") ? "Stryker was here!" : (stryCov_9fa48("1168"), '');
          process.stderr.write(stryMutAct_9fa48("1169") ? `` : (stryCov_9fa48("1169"), `[${prefix}] ${l}: ${message}${extra}\n`));
        }
      };
      return at;
    })());
    return stryMutAct_9fa48("1170") ? {} : (stryCov_9fa48("1170"), {
      debug: at(stryMutAct_9fa48("1171") ? "" : (stryCov_9fa48("1171"), 'debug')),
      info: at(stryMutAct_9fa48("1172") ? "" : (stryCov_9fa48("1172"), 'info')),
      warn: at(stryMutAct_9fa48("1173") ? "" : (stryCov_9fa48("1173"), 'warn')),
      error: at(stryMutAct_9fa48("1174") ? "" : (stryCov_9fa48("1174"), 'error'))
    });
  }
}

/** Drops everything. */
export const silentLogger: Logger = stryMutAct_9fa48("1175") ? {} : (stryCov_9fa48("1175"), {
  debug() {},
  info() {},
  warn() {},
  error() {}
});