/**
 * One error family for everything that can go wrong between cells. Every error has a code
 * from a closed list, the cell path where it happened, and whether a retry may succeed.
 */

/** The closed list of error codes. */
export const ERROR_CODES = [
  'routing_inconsistency',
  'hop_limit',
  'timeout',
  'unknown_method',
  'invalid_argument',
  'payload_too_large',
  'remote',
  'unavailable',
  'unauthenticated',
  'not_found',
  'permission_denied',
  'failed_precondition',
  'resource_exhausted',
  'aborted',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

const RETRYABLE: ReadonlySet<ErrorCode> = new Set(['timeout', 'unavailable']);

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
  override name = 'CellwireError';
  readonly code: ErrorCode;
  /** Cell path where the error happened. */
  cell: string | undefined;
  readonly retryable: boolean;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: CellwireErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.cell = options.cell;
    this.retryable = options.retryable ?? RETRYABLE.has(code);
    this.details = options.details ?? {};
  }

  /** Reads the code of any thrown value: CellwireError's own, else 'internal'. */
  static codeOf(e: unknown): ErrorCode {
    return e instanceof CellwireError ? e.code : 'internal';
  }

  /**
   * Any thrown value as a CellwireError: itself when it is one, else an `internal` error (or
   * `aborted` for an AbortError) that keeps the original as its cause.
   *
   * @example
   * catch (e) { const err = CellwireError.from(e); res.status(httpStatusFor(err.code)) }
   */
  static from(e: unknown, fallback: ErrorCode = 'internal'): CellwireError {
    if (e instanceof CellwireError) return e;
    if (e instanceof Error) {
      const code: ErrorCode = e.name === 'AbortError' || e.name === 'TimeoutError' ? 'aborted' : fallback;
      return new CellwireError(code, e.message, { cause: e });
    }
    return new CellwireError(fallback, String(e), { cause: e });
  }
}

/** Whether a string is one of the closed list of codes. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && (ERROR_CODES as readonly string[]).includes(code);
}
