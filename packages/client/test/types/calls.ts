/**
 * Type-level checks of the generated stubs: each `@ts-expect-error` line must fail to
 * compile (an unused directive is itself an error), every other line must compile.
 * Checked by types.test.ts with the TypeScript compiler; never run.
 */
import { novaCells, type Instance } from '@cellwire/schema';
import type { Invoker, RequestContext, Response } from '@cellwire/core';
import { createClient } from '../../src/index.js';

declare const runner: Invoker;
const client = createClient(novaCells, runner);
declare const ctxt: RequestContext;
declare const instance: Instance;

export async function calls(): Promise<void> {
  // Broadcast calls: one Response per cell.
  const all: Response<import('@cellwire/schema').Service[]>[] = await client.serviceGetAll(ctxt, { filters: { disabled: false } });
  // Targeted calls: one Response.
  const uptime: Response<string> = await client.getHostUptime(ctxt, { cell_name: 'api!c1', host_name: 'h1' }, { timeoutMs: 500 });
  // Casts: nothing.
  const nothing: void = await client.startInstance(ctxt, { instance });
  // need_response read from an argument: the literal decides the awaited type.
  const stopped: Response<null> | undefined = await client.stopInstance(ctxt, { instance, do_cast: false });
  const cast: void = await client.stopInstance(ctxt, { instance });
  const viaCall: Response<import('@cellwire/schema').JsonValue> = await client.runComputeApiMethod(ctxt, {
    cell_name: 'api!c1',
    method_info: { method: 'start', method_args: [], method_kwargs: {} },
    call: true,
  });
  // Either kind: always a list.
  const logs = await client.taskLogGetAll(ctxt, { task_name: 't', period_beginning: '2026-01-01T00:00:00Z', period_ending: '2026-01-02T00:00:00Z' });
  const firstLog: Response<import('@cellwire/schema').TaskLog[]> | undefined = logs[0];
  // Options take a deadline or an abort signal.
  await client.computeNodeStats(ctxt, {}, { deadline: new Date(), signal: new AbortController().signal });
  await client.computeNodeStats(ctxt);
  void [all, uptime, nothing, stopped, cast, viaCall, firstLog];

  // @ts-expect-error host_name must be a string
  await client.getHostUptime(ctxt, { cell_name: 'api!c1', host_name: 42 });
  // @ts-expect-error cell_name is required
  await client.getHostUptime(ctxt, { host_name: 'h1' });
  // @ts-expect-error no such argument
  await client.serviceGetAll(ctxt, { filter: {} });
  // @ts-expect-error a cast does not resolve with a Response
  const wrong: Response<null> = await client.stopInstance(ctxt, { instance, do_cast: true });
  // @ts-expect-error a broadcast resolves with a list, not one Response
  const one: Response<unknown> = await client.computeNodeStats(ctxt, {});
  // @ts-expect-error the context is required
  await client.computeNodeStats();
  // @ts-expect-error internal methods have no stub
  await client.updateCapabilities(ctxt, { cell_name: 'c', capabilities: {} });
  // @ts-expect-error unknown call option
  await client.computeNodeStats(ctxt, {}, { timeout: 5 });
  void [wrong, one];
}
