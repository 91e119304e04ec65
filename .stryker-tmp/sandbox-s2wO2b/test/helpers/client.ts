/**
 * A typed client of the test service. Core's tests cannot import @cellwire/client (it
 * depends on core), so this is the same few lines: one closure per method over `invoke`.
 */
// @ts-nocheck

import type { Invoker, ServiceClient } from '../../src/index.js';
import { testService } from '../service/gen/index.js';

export function createClientForTest(invoker: Invoker): ServiceClient<typeof testService> {
  const out: Record<string, unknown> = {};
  for (const m of Object.values(testService.methods)) out[m.localName] = (ctxt: never, args?: object, o?: never) => invoker.invoke(m, ctxt, args ?? {}, o);
  return out as unknown as ServiceClient<typeof testService>;
}
