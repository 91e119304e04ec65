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
const RETRYABLE: ReadonlySet<ErrorCode> = new Set(stryMutAct_9fa48("94") ? [] : (stryCov_9fa48("94"), [stryMutAct_9fa48("95") ? "" : (stryCov_9fa48("95"), 'timeout'), stryMutAct_9fa48("96") ? "" : (stryCov_9fa48("96"), 'unavailable')]));
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
  override name = stryMutAct_9fa48("97") ? "" : (stryCov_9fa48("97"), 'CellwireError');
  readonly code: ErrorCode;
  /** Cell path where the error happened. */
  cell: string | undefined;
  readonly retryable: boolean;
  readonly details: Record<string, unknown>;
  constructor(code: ErrorCode, message: string, options: CellwireErrorOptions = {}) {
    super(message, (stryMutAct_9fa48("100") ? options.cause !== undefined : stryMutAct_9fa48("99") ? false : stryMutAct_9fa48("98") ? true : (stryCov_9fa48("98", "99", "100"), options.cause === undefined)) ? undefined : stryMutAct_9fa48("101") ? {} : (stryCov_9fa48("101"), {
      cause: options.cause
    }));
    this.code = code;
    this.cell = options.cell;
    this.retryable = stryMutAct_9fa48("102") ? options.retryable && RETRYABLE.has(code) : (stryCov_9fa48("102"), options.retryable ?? RETRYABLE.has(code));
    this.details = stryMutAct_9fa48("103") ? options.details && {} : (stryCov_9fa48("103"), options.details ?? {});
  }

  /** Reads the code of any thrown value: CellwireError's own, else 'internal'. */
  static codeOf(e: unknown): ErrorCode {
    if (stryMutAct_9fa48("104")) {
      {}
    } else {
      stryCov_9fa48("104");
      return e instanceof CellwireError ? e.code : stryMutAct_9fa48("105") ? "" : (stryCov_9fa48("105"), 'internal');
    }
  }

  /**
   * Any thrown value as a CellwireError: itself when it is one, else an `internal` error (or
   * `aborted` for an AbortError) that keeps the original as its cause.
   *
   * @example
   * catch (e) { const err = CellwireError.from(e); res.status(httpStatusFor(err.code)) }
   */
  static from(e: unknown, fallback: ErrorCode = stryMutAct_9fa48("106") ? "" : (stryCov_9fa48("106"), 'internal')): CellwireError {
    if (stryMutAct_9fa48("107")) {
      {}
    } else {
      stryCov_9fa48("107");
      if (stryMutAct_9fa48("109") ? false : stryMutAct_9fa48("108") ? true : (stryCov_9fa48("108", "109"), e instanceof CellwireError)) return e;
      if (stryMutAct_9fa48("111") ? false : stryMutAct_9fa48("110") ? true : (stryCov_9fa48("110", "111"), e instanceof Error)) {
        if (stryMutAct_9fa48("112")) {
          {}
        } else {
          stryCov_9fa48("112");
          const code: ErrorCode = (stryMutAct_9fa48("115") ? e.name === 'AbortError' && e.name === 'TimeoutError' : stryMutAct_9fa48("114") ? false : stryMutAct_9fa48("113") ? true : (stryCov_9fa48("113", "114", "115"), (stryMutAct_9fa48("117") ? e.name !== 'AbortError' : stryMutAct_9fa48("116") ? false : (stryCov_9fa48("116", "117"), e.name === (stryMutAct_9fa48("118") ? "" : (stryCov_9fa48("118"), 'AbortError')))) || (stryMutAct_9fa48("120") ? e.name !== 'TimeoutError' : stryMutAct_9fa48("119") ? false : (stryCov_9fa48("119", "120"), e.name === (stryMutAct_9fa48("121") ? "" : (stryCov_9fa48("121"), 'TimeoutError')))))) ? stryMutAct_9fa48("122") ? "" : (stryCov_9fa48("122"), 'aborted') : fallback;
          return new CellwireError(code, e.message, stryMutAct_9fa48("123") ? {} : (stryCov_9fa48("123"), {
            cause: e
          }));
        }
      }
      return new CellwireError(fallback, String(e), stryMutAct_9fa48("124") ? {} : (stryCov_9fa48("124"), {
        cause: e
      }));
    }
  }
}

/** Whether a string is one of the closed list of codes. */
export function isErrorCode(code: unknown): code is ErrorCode {
  if (stryMutAct_9fa48("125")) {
    {}
  } else {
    stryCov_9fa48("125");
    return stryMutAct_9fa48("128") ? typeof code === 'string' || (ERROR_CODES as readonly string[]).includes(code) : stryMutAct_9fa48("127") ? false : stryMutAct_9fa48("126") ? true : (stryCov_9fa48("126", "127", "128"), (stryMutAct_9fa48("130") ? typeof code !== 'string' : stryMutAct_9fa48("129") ? true : (stryCov_9fa48("129", "130"), typeof code === (stryMutAct_9fa48("131") ? "" : (stryCov_9fa48("131"), 'string')))) && (ERROR_CODES as readonly string[]).includes(code));
  }
}