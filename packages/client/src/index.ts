/**
 * @cellwire/client: typed clients made from a service descriptor and any Invoker (a
 * MessageRunner), the way Connect-ES makes a client from a service and a transport.
 */
import type { AnyService, Invoker, ServiceClient } from '@cellwire/core';

export { Response, CellwireError, makeContext, adminContext } from '@cellwire/core';
export type { CallOptions, Invoker, ServiceClient } from '@cellwire/core';

/**
 * A client of `service` whose calls start in the cell of `invoker`; one camelCase method per
 * public method, typed by the descriptor (`ServiceClient<typeof service>`).
 *
 * @example
 * const nova = createClient(novaCells, runner);
 * const perCell = await nova.serviceGetAll(makeContext(), {}, { timeoutMs: 5000 });
 * await nova.stopInstance(ctxt, { instance, do_cast: false }, { signal });
 */
export function createClient<S extends AnyService>(service: S, invoker: Invoker): ServiceClient<S> {
  const client: Record<string, unknown> = {};
  for (const m of Object.values(service.methods)) {
    if (m.internal) continue;
    // One closure per method, made once: a call is a plain function call, no Proxy.
    client[m.localName] = (ctxt: Parameters<Invoker['invoke']>[1], args?: object, options?: Parameters<Invoker['invoke']>[3]) =>
      invoker.invoke(m, ctxt, args ?? {}, options);
  }
  return Object.freeze(client) as ServiceClient<S>;
}
