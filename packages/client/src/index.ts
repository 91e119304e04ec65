/**
 * @cellwire/client: typed stubs, one method per message method (generated from
 * @cellwire/schema), over any Invoker (a MessageRunner).
 */
export { CellsClient } from './gen/client.js';
export { Response, CellwireError, makeContext, adminContext } from '@cellwire/core';
export type { CallOptions, Invoker } from '@cellwire/core';

import type { Invoker } from '@cellwire/core';
import { CellsClient } from './gen/client.js';

/**
 * A client that sends from the cell of `invoker`.
 *
 * @example
 * const client = createClient(runner);
 * await client.stopInstance(ctxt, { instance, do_cast: false }, { timeoutMs: 2000 });
 */
export function createClient(invoker: Invoker): CellsClient {
  return new CellsClient(invoker);
}
