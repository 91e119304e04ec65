/**
 * One error family for everything that can go wrong between cells. Every error has a code
 * from a closed list, the cell path where it happened, and whether a retry may succeed.
 */
// @ts-nocheck


/** The closed list of error codes. */function stryNS_9fa48() {
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
export const ERROR_CODES = ['routing_inconsistency', 'hop_limit', 'timeout', 'unknown_method', 'invalid_argument', 'payload_too_large', 'remote', 'unavailable', 'unauthenticated', 'not_found', 'permission_denied', 'failed_precondition', 'resource_exhausted', 'aborted', 'internal'] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];
const RETRYABLE: ReadonlySet<ErrorCode> = new Set(stryMutAct_9fa48("870") ? [] : (stryCov_9fa48("870"), [stryMutAct_9fa48("871") ? "" : (stryCov_9fa48("871"), 'timeout'), stryMutAct_9fa48("872") ? "" : (stryCov_9fa48("872"), 'unavailable')]));
export interface CellwireErrorOptions {
  /** Cell path where the error happened, as seen from the origin. */
  cell?: string;
  /** Overrides the default for the code (timeout and unavailable are retryable). */
  retryable?: boolean;
  /** Extra structured details; travel in `kwargs` on the wire. */
  details?: Record<string, unknown>;
  cause?: unknown;
}

/**
 * The base class of every cellwire error.
 *
 * @example
 * try { await client.serviceGetByComputeHost(ctx, { cell_name, host_name }) }
 * catch (e) { if (e instanceof CellwireError && e.code === 'timeout') retryLater(e.cell) }
 */
export class CellwireError extends Error {
  override name = stryMutAct_9fa48("873") ? "" : (stryCov_9fa48("873"), 'CellwireError');
  readonly code: ErrorCode;
  /** Cell path where the error happened. */
  cell: string | undefined;
  readonly retryable: boolean;
  readonly details: Record<string, unknown>;
  constructor(code: ErrorCode, message: string, options: CellwireErrorOptions = {}) {
    super(message, (stryMutAct_9fa48("876") ? options.cause !== undefined : stryMutAct_9fa48("875") ? false : stryMutAct_9fa48("874") ? true : (stryCov_9fa48("874", "875", "876"), options.cause === undefined)) ? undefined : stryMutAct_9fa48("877") ? {} : (stryCov_9fa48("877"), {
      cause: options.cause
    }));
    this.code = code;
    this.cell = options.cell;
    this.retryable = stryMutAct_9fa48("878") ? options.retryable && RETRYABLE.has(code) : (stryCov_9fa48("878"), options.retryable ?? RETRYABLE.has(code));
    this.details = stryMutAct_9fa48("879") ? options.details && {} : (stryCov_9fa48("879"), options.details ?? {});
  }

  /** Reads the code of any thrown value: CellwireError's own, else 'internal'. */
  static codeOf(e: unknown): ErrorCode {
    if (stryMutAct_9fa48("880")) {
      {}
    } else {
      stryCov_9fa48("880");
      return e instanceof CellwireError ? e.code : stryMutAct_9fa48("881") ? "" : (stryCov_9fa48("881"), 'internal');
    }
  }

  /**
   * Any thrown value as a CellwireError: itself when it is one, else an `internal` error (or
   * `aborted` for an AbortError) that keeps the original as its cause.
   *
   * @example
   * catch (e) { const err = CellwireError.from(e); res.status(httpStatusFor(err.code)) }
   */
  static from(e: unknown, fallback: ErrorCode = stryMutAct_9fa48("882") ? "" : (stryCov_9fa48("882"), 'internal')): CellwireError {
    if (stryMutAct_9fa48("883")) {
      {}
    } else {
      stryCov_9fa48("883");
      if (stryMutAct_9fa48("885") ? false : stryMutAct_9fa48("884") ? true : (stryCov_9fa48("884", "885"), e instanceof CellwireError)) return e;
      if (stryMutAct_9fa48("887") ? false : stryMutAct_9fa48("886") ? true : (stryCov_9fa48("886", "887"), e instanceof Error)) {
        if (stryMutAct_9fa48("888")) {
          {}
        } else {
          stryCov_9fa48("888");
          const code: ErrorCode = (stryMutAct_9fa48("891") ? e.name === 'AbortError' && e.name === 'TimeoutError' : stryMutAct_9fa48("890") ? false : stryMutAct_9fa48("889") ? true : (stryCov_9fa48("889", "890", "891"), (stryMutAct_9fa48("893") ? e.name !== 'AbortError' : stryMutAct_9fa48("892") ? false : (stryCov_9fa48("892", "893"), e.name === (stryMutAct_9fa48("894") ? "" : (stryCov_9fa48("894"), 'AbortError')))) || (stryMutAct_9fa48("896") ? e.name !== 'TimeoutError' : stryMutAct_9fa48("895") ? false : (stryCov_9fa48("895", "896"), e.name === (stryMutAct_9fa48("897") ? "" : (stryCov_9fa48("897"), 'TimeoutError')))))) ? stryMutAct_9fa48("898") ? "" : (stryCov_9fa48("898"), 'aborted') : fallback;
          return new CellwireError(code, e.message, stryMutAct_9fa48("899") ? {} : (stryCov_9fa48("899"), {
            cause: e
          }));
        }
      }
      return new CellwireError(fallback, String(e), stryMutAct_9fa48("900") ? {} : (stryCov_9fa48("900"), {
        cause: e
      }));
    }
  }
}

/** Whether a string is one of the closed list of codes. */
export function isErrorCode(code: unknown): code is ErrorCode {
  if (stryMutAct_9fa48("901")) {
    {}
  } else {
    stryCov_9fa48("901");
    return stryMutAct_9fa48("904") ? typeof code === 'string' || (ERROR_CODES as readonly string[]).includes(code) : stryMutAct_9fa48("903") ? false : stryMutAct_9fa48("902") ? true : (stryCov_9fa48("902", "903", "904"), (stryMutAct_9fa48("906") ? typeof code !== 'string' : stryMutAct_9fa48("905") ? true : (stryCov_9fa48("905", "906"), typeof code === (stryMutAct_9fa48("907") ? "" : (stryCov_9fa48("907"), 'string')))) && (ERROR_CODES as readonly string[]).includes(code));
  }
}