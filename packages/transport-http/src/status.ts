import { CellwireError, ERROR_CODES, codeForHttpStatus, httpStatusFor, type ErrorCode } from '@cellwire/core';

/** The JSON body of every error answer: `{ "error": { "code", "message" } }`. */
export interface ErrorBody {
  readonly error: { readonly code: ErrorCode; readonly message: string };
}

/** The HTTP status a listener answers for an error code: core's one table (docs/errors.md). */
export const statusForCode = httpStatusFor;

/** The code a status stands for when the body does not name a known code. */
const codeForStatus = codeForHttpStatus;

const KNOWN_CODES: ReadonlySet<string> = new Set(ERROR_CODES);

/** Serializes an error answer. */
export function errorBody(code: ErrorCode, message: string): string {
  const body: ErrorBody = { error: { code, message } };
  return JSON.stringify(body);
}

/**
 * Turns a non-2xx answer into a CellwireError naming the neighbour. The body's code wins
 * when it is one of ours (a `reject(err)` keeps its exact code across the hop); otherwise
 * the status decides, so a proxy's bare 502 still reads as `unavailable`.
 */
export function errorFromAnswer(status: number, bodyText: string, cell: string): CellwireError {
  let code = codeForStatus(status);
  let remoteMessage: string | undefined;
  try {
    const parsed: unknown = JSON.parse(bodyText);
    const error = (parsed as { error?: unknown } | null)?.error as
      | { code?: unknown; message?: unknown }
      | undefined;
    if (typeof error?.code === 'string' && KNOWN_CODES.has(error.code)) code = error.code as ErrorCode;
    if (typeof error?.message === 'string') remoteMessage = error.message;
  } catch {
    // Not our JSON (a proxy page, an empty body): the status alone decides.
  }
  const detail = remoteMessage ?? (bodyText.length > 0 ? bodyText.slice(0, 200) : `HTTP ${status}`);
  return new CellwireError(code, `cell ${cell} refused the message (HTTP ${status}): ${detail}`, {
    cell,
    details: { status },
  });
}
