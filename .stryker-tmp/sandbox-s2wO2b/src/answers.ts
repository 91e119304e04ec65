/**
 * Answers as the origin hands them to its caller. Every answer is checked against the
 * method's result schema on arrival, so that settling a caller never throws (it runs inside
 * transport callbacks) and a peer's bad answer becomes a failure Response naming that peer.
 * Used by targeted calls, broadcast collectors and local methods alike.
 */
// @ts-nocheck

import { InvalidArgument } from './cell-errors.js';
import { checkResult, describeValidation } from './codec.js';
import type { ErrorRegistry } from './remote-error.js';
import { Response } from './response.js';
import type { MethodDescriptor } from './service.js';
import type { WireResponse } from './wire.js';

/** A wire answer as a Response for the caller, its value checked against the method's result schema. */
export function fromWire(w: WireResponse, method: MethodDescriptor | undefined, errors: ErrorRegistry): Response {
  const r = Response.fromJSON(w, errors);
  return method ? checkedResult(r, method) : r;
}

/**
 * A successful answer as the caller gets it: object properties the method's result schema
 * does not know are dropped (a newer cell's widened result); a value that still does not
 * fit becomes a failure naming its cell.
 */
export function checkedResult(r: Response, method: MethodDescriptor): Response {
  if (r.failure || method.validateResult(r.value)) return r;
  const known = checkResult(method, r.value);
  if (known) return Response.success(r.cellName, known.value);
  const why = describeValidation(method.validateResult, 'value');
  return Response.failure(
    r.cellName,
    new InvalidArgument(`cell ${r.cellName} answered ${method.name} with a value of the wrong shape: ${why}`, { cell: r.cellName, retryable: false }),
  );
}
