import { CellwireError, ERROR_CODES, type ErrorCode } from '@cellwire/core';

/** The JSON body of every error answer: `{ "error": { "code", "message" } }`. */
export interface ErrorBody {
  readonly error: { readonly code: ErrorCode; readonly message: string };
}

/**
 * The HTTP status a listener answers for an error code. Codes without an HTTP meaning of
 * their own are 500; the code itself still travels in the body.
 */
export function statusForCode(code: ErrorCode): number {
  switch (code) {
    case 'invalid_argument':
      return 400;
    case 'unauthenticated':
      return 401;
    case 'unknown_method':
    case 'not_found':
      return 404;
    case 'payload_too_large':
      return 413;
    case 'unavailable':
      return 503;
    case 'timeout':
      return 504;
    default:
      return 500;
  }
}

/** The code a link reports for a status when the body does not name a known code. */
function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 400:
      return 'invalid_argument';
    case 401:
    case 403:
      return 'unauthenticated';
    case 404:
      return 'not_found';
    case 413:
      return 'payload_too_large';
    case 502:
    case 503:
      return 'unavailable';
    case 504:
      return 'timeout';
    default:
      return 'internal';
  }
}

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
