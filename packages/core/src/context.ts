/** Request contexts: what the origin knows of who asked, carried to every cell. */
import { newUuid } from './ids.js';
import type { RequestContext } from './wire.js';

/**
 * A request context with the reference's defaults filled in.
 *
 * @example
 * const ctxt = makeContext({ user_id: 'alice', project_id: 'p1', roles: ['member'] });
 */
export function makeContext(fields: Partial<RequestContext> = {}): RequestContext {
  return {
    request_id: `req-${newUuid()}`,
    user_id: null,
    project_id: null,
    roles: [],
    is_admin: false,
    read_deleted: 'no',
    timestamp: new Date().toISOString(),
    ...fields,
  };
}

/** An admin context, as services make for their own work. */
export function adminContext(fields: Partial<RequestContext> = {}): RequestContext {
  return makeContext({ is_admin: true, roles: ['admin'], ...fields });
}
