/**
 * The one table from error codes to HTTP statuses, used by the HTTP transport's listener and
 * by the cell's API alike (docs/errors.md), and its inverse for a peer's status without a body.
 */
import type { ErrorCode } from './errors.js';

const STATUS: { readonly [C in ErrorCode]: number } = {
  routing_inconsistency: 400,
  hop_limit: 400,
  invalid_argument: 400,
  unknown_method: 404,
  not_found: 404,
  unauthenticated: 401,
  permission_denied: 403,
  failed_precondition: 409,
  payload_too_large: 413,
  resource_exhausted: 429,
  aborted: 499,
  remote: 502,
  unavailable: 503,
  timeout: 504,
  internal: 500,
};

/** The HTTP status an error code is answered with. */
export function httpStatusFor(code: ErrorCode): number {
  return STATUS[code];
}

/** The code a status stands for when a peer's body does not name one. */
export function codeForHttpStatus(status: number): ErrorCode {
  switch (status) {
    case 400:
    case 415:
    case 422:
      return 'invalid_argument';
    case 401:
      return 'unauthenticated';
    case 403:
      return 'permission_denied';
    case 404:
      return 'not_found';
    case 409:
      return 'failed_precondition';
    case 413:
      return 'payload_too_large';
    case 429:
      return 'resource_exhausted';
    case 502:
    case 503:
      return 'unavailable';
    case 504:
      return 'timeout';
    default:
      return 'internal';
  }
}
