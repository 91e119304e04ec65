/**
 * The reference's CellsMessageClassesTestCase (section 7.2, 27 tests) and
 * CellsPublicInterfacesTestCase (7.6), on the 8-cell tree over the memory transport.
 * "Not called" is asserted explicitly, as the caveats of 7.6 ask.
 */
import { describe, expect, it } from 'vitest';
import {
  CellMaxHopCountReached,
  CellRoutingInconsistency,
  CellwireError,
  InstanceNotFound,
  Response,
  defaultErrorRegistry,
  makeContext,
  responseCellNameFromPath,
  reversePath,
  type CellHandlers,
  type HandlerContext,
} from '@cellwire/core';
import { createClient } from '@cellwire/client';
import type { Instance } from '@cellwire/schema';
import { REFERENCE_PATHS, startTree, type TreeOptions } from './fixtures/tree.js';

type Seen = { cell: string; ctx: HandlerContext; args: unknown };

/** Records every handler run, per method, in every cell; values follow `answer`. */
function recorder(answer: (cell: string, ctx: HandlerContext) => unknown = (_c, ctx) => `response-${ctx.routingPath}`) {
  const seen: Seen[] = [];
  const handlers = (cell: string): Partial<CellHandlers> => {
    const run = (ctx: HandlerContext, args: unknown) => {
      seen.push({ cell, ctx, args });
      return answer(cell, ctx) as never;
    };
    return { getHostUptime: run, serviceGetAll: run, resizeInstance: run, computeNodeStats: run };
  };
  return { seen, handlers };
}

async function tree(options: TreeOptions & { maxHopCount?: number } = {}) {
  const { maxHopCount, ...rest } = options;
  return startTree({ ...rest, runner: (cell) => ({ ...(maxHopCount ? { maxHopCount } : {}), ...rest.runner?.(cell) }) });
}

const ctxt = makeContext({ user_id: 'fake', project_id: 'fake' });
const uptimeArgs = (cell_name: string) => ({ cell_name, host_name: 'host1' });

describe('CellsMessageClassesTestCase', () => {
  it('test_reverse_path', () => {
    expect(reversePath('a!b!c!d')).toBe('d!c!b!a');
  });

  it('test_response_cell_name_from_path', () => {
    expect(responseCellNameFromPath('cell1')).toBe('cell1');
    expect(responseCellNameFromPath('cell1!cell2')).toBe('cell2!cell1');
    expect(responseCellNameFromPath('cell1!cell2!cell3')).toBe('cell3!cell2!cell1');
  });

  it('test_response_cell_name_from_path_neighbor_only', () => {
    expect(responseCellNameFromPath('cell1', true)).toBe('cell1');
    expect(responseCellNameFromPath('cell1!cell2', true)).toBe('cell2!cell1');
    expect(responseCellNameFromPath('cell1!cell2!cell3', true)).toBe('cell3!cell2');
  });

  it('test_response_to_json_and_from_json', () => {
    const registry = defaultErrorRegistry();
    const instance: Instance = { uuid: '9d3c5f1e-0000-4000-8000-000000000001', id: 1 } as Instance;
    const wire = JSON.parse(JSON.stringify(Response.success('api-cell!child-cell1', instance).toJSON(registry)));
    const back = Response.fromJSON<Instance>(wire, registry);
    expect(back.failure).toBe(false);
    expect(back.cellName).toBe('api-cell!child-cell1');
    expect(back.valueOrRaise()).toEqual(instance);
    expect(back.valueOrRaise()).not.toBe(instance);

    const failed = JSON.parse(JSON.stringify(Response.failure('api-cell', new InstanceNotFound('x')).toJSON(registry)));
    expect(Object.keys(failed.value).sort()).toEqual(['args', 'class', 'kwargs', 'message', 'module', 'tb']);
    const again = Response.fromJSON(failed, registry);
    expect(again.failure).toBe(true);
    expect(() => again.valueOrRaise()).toThrow(InstanceNotFound);
  });

  it('test_targeted_message', async () => {
    const r = recorder();
    await using t = await tree({ handlers: r.handlers, maxHopCount: 99 });
    const kwargs = uptimeArgs('api-cell!child-cell2!grandchild-cell1');
    await t.cell('api-cell').targeted('get_host_uptime', ctxt, kwargs, { target: kwargs.cell_name, direction: 'down', needResponse: false });
    await expect.poll(() => r.seen.length).toBe(1);
    const [first] = r.seen;
    const m = first!.ctx.message;
    expect(first!.cell).toBe('grandchild-cell1');
    expect(m).toMatchObject({
      message_type: 'targeted',
      method_name: 'get_host_uptime',
      method_kwargs: kwargs,
      direction: 'down',
      fanout: false,
      need_response: false,
      max_hop_count: 99,
      hop_count: 3,
      routing_path: 'api-cell!child-cell2!grandchild-cell1',
    });
    expect(first!.ctx.ctxt).toEqual(ctxt);
    // The first hop went through child-cell2, which is the next hop from api-cell.
    expect(t.cell('child-cell2').stats.sent).toBe(1);
  });

  it('test_create_targeted_message_with_response', async () => {
    const r = recorder();
    await using t = await tree({ handlers: r.handlers });
    const res = await t.cell('child-cell1').targeted('get_host_uptime', ctxt, uptimeArgs('child-cell1!api-cell'), {
      target: 'child-cell1!api-cell',
      direction: 'up',
      needResponse: true,
    });
    expect(r.seen.map((s) => s.cell)).toEqual(['api-cell']);
    expect(r.seen[0]!.ctx.message).toMatchObject({ direction: 'up', need_response: true, routing_path: 'child-cell1!api-cell', hop_count: 2 });
    expect(res?.valueOrRaise()).toBe('response-child-cell1!api-cell');
  });

  it('test_targeted_message_when_target_is_cell_state', async () => {
    const r = recorder();
    await using t = await tree({ handlers: r.handlers });
    // A neighbour given by name becomes "<us>!<neighbour>" (the reference's CellState target).
    const api = t.cell('api-cell');
    const neighbour = api.state.children.get('child-cell2')!;
    const target = `${api.name}!${neighbour.name}`;
    const res = await api.targeted('get_host_uptime', ctxt, uptimeArgs(target), { target, direction: 'down', needResponse: true });
    expect(res?.cellName).toBe('api-cell!child-cell2');
    expect(r.seen.map((s) => s.cell)).toEqual(['child-cell2']);
  });

  it('test_targeted_message_when_target_cell_state_is_me', async () => {
    const r = recorder();
    await using t = await tree({ handlers: r.handlers });
    const res = await t.cell('api-cell').targeted('get_host_uptime', ctxt, uptimeArgs('api-cell'), { target: 'api-cell', direction: 'down', needResponse: true });
    expect(res?.cellName).toBe('api-cell');
    expect(r.seen.map((s) => s.cell)).toEqual(['api-cell']);
    expect(t.cell('api-cell').stats.sent).toBe(0);
  });

  it('test_create_broadcast_message', async () => {
    const r = recorder();
    await using t = await tree({ handlers: r.handlers, maxHopCount: 99 });
    await t.cell('api-cell').broadcast('service_get_all', ctxt, {}, { direction: 'down', needResponse: false, runLocally: true });
    await expect.poll(() => r.seen.length).toBe(8);
    const local = r.seen.find((s) => s.cell === 'api-cell')!;
    expect(local.ctx.message).toMatchObject({ message_type: 'broadcast', hop_count: 1, max_hop_count: 99, need_response: false, fanout: false });
    // The next hops are all four children.
    const firstHop = r.seen.filter((s) => s.ctx.message.hop_count === 2).map((s) => s.cell).sort();
    expect(firstHop).toEqual(['child-cell1', 'child-cell2', 'child-cell3', 'child-cell4']);
  });

  it('test_create_broadcast_message_with_response', async () => {
    const r = recorder();
    await using t = await tree({ handlers: r.handlers });
    const res = await t.cell('child-cell1').broadcast('service_get_all', ctxt, {}, { direction: 'up', needResponse: true, runLocally: true });
    expect(res?.map((x) => x.cellName)).toEqual(['child-cell1!api-cell', 'child-cell1']);
    expect(r.seen.map((s) => s.cell).sort()).toEqual(['api-cell', 'child-cell1']);
  });

  it('test_self_targeted_message', async () => {
    const r = recorder();
    await using t = await tree({ handlers: r.handlers });
    const kwargs = uptimeArgs('api-cell');
    await t.cell('api-cell').targeted('get_host_uptime', ctxt, kwargs, { target: 'api-cell', direction: 'down', needResponse: false });
    expect(r.seen).toHaveLength(1);
    expect(r.seen[0]!.ctx.ctxt).toBe(ctxt);
    expect(r.seen[0]!.args).toEqual(kwargs);
    expect(r.seen[0]!.ctx.routingPath).toBe('api-cell');
  });

  it('test_child_targeted_message', async () => {
    const r = recorder();
    await using t = await tree({ handlers: r.handlers });
    const target = 'api-cell!child-cell1';
    await t.cell('api-cell').targeted('get_host_uptime', ctxt, uptimeArgs(target), { target, direction: 'down', needResponse: false });
    await expect.poll(() => r.seen.length).toBe(1);
    expect(r.seen[0]!.cell).toBe('child-cell1');
    expect(r.seen[0]!.ctx.routingPath).toBe(target);
    expect(r.seen[0]!.ctx.ctxt).toEqual(ctxt);
  });

  it('test_child_targeted_message_with_object', async () => {
    const r = recorder();
    await using t = await tree({ handlers: r.handlers });
    const instance = { uuid: 'c6d4b35a-0000-4000-8000-00000000abcd', cell_name: 'api-cell!child-cell1', vm_state: 'active' } as Instance;
    const flavor = { id: 1, flavorid: 'm1.small', name: 'm1.small', memory_mb: 2048, vcpus: 1, root_gb: 20, ephemeral_gb: 0, swap: 0 };
    const args = { instance, flavor, extra_instance_updates: { cow: 'moo' }, clean_shutdown: true };
    await createClient(t.cell('api-cell')).resizeInstance(ctxt, args as never);
    await expect.poll(() => r.seen.length).toBe(1);
    const got = r.seen[0]!.args as typeof args;
    expect(r.seen[0]!.cell).toBe('child-cell1');
    expect(got.instance).toEqual(instance);
    expect(got.instance).not.toBe(instance);
    expect(got.extra_instance_updates).toEqual({ cow: 'moo' });
    expect(got.clean_shutdown).toBe(true);
  });

  it('test_grandchild_targeted_message', async () => {
    const r = recorder();
    await using t = await tree({ handlers: r.handlers });
    const target = 'api-cell!child-cell2!grandchild-cell1';
    await t.cell('api-cell').targeted('get_host_uptime', ctxt, uptimeArgs(target), { target, direction: 'down', needResponse: false });
    await expect.poll(() => r.seen.length).toBe(1);
    expect(r.seen[0]!.cell).toBe('grandchild-cell1');
    expect(r.seen[0]!.ctx.routingPath).toBe(target);
  });

  it('test_grandchild_targeted_message_with_response', async () => {
    const r = recorder(() => 'our_fake_response');
    await using t = await tree({ handlers: r.handlers });
    const target = 'api-cell!child-cell2!grandchild-cell1';
    const res = await t.cell('api-cell').targeted('get_host_uptime', ctxt, uptimeArgs(target), { target, direction: 'down', needResponse: true });
    expect(res?.failure).toBe(false);
    expect(res?.valueOrRaise()).toBe('our_fake_response');
    expect(res?.cellName).toBe(target);
  });

  it('test_grandchild_targeted_message_with_error', async () => {
    const r = recorder(() => {
      throw new CellRoutingInconsistency('the handler says no');
    });
    await using t = await tree({ handlers: r.handlers });
    const target = 'api-cell!child-cell2!grandchild-cell1';
    const res = await t.cell('api-cell').targeted('get_host_uptime', ctxt, uptimeArgs(target), { target, direction: 'down', needResponse: true });
    expect(res?.failure).toBe(true);
    expect(() => res?.valueOrRaise()).toThrow(CellRoutingInconsistency);
    expect(res?.error?.cell).toBe(target);
  });

  it('test_grandchild_targeted_message_max_hops', async () => {
    const r = recorder();
    await using t = await tree({ handlers: r.handlers, maxHopCount: 2 });
    const target = 'api-cell!child-cell2!grandchild-cell1';
    const res = await t.cell('api-cell').targeted('get_host_uptime', ctxt, uptimeArgs(target), { target, direction: 'down', needResponse: true });
    expect(res?.failure).toBe(true);
    expect(() => res?.valueOrRaise()).toThrow(CellMaxHopCountReached);
    expect(r.seen).toHaveLength(0);
  });

  it('test_targeted_message_invalid_cell', async () => {
    const r = recorder();
    await using t = await tree({ handlers: r.handlers });
    const target = 'api-cell!child-cell2!grandchild-cell4';
    const res = await t.cell('api-cell').targeted('get_host_uptime', ctxt, uptimeArgs(target), { target, direction: 'down', needResponse: true });
    expect(() => res?.valueOrRaise()).toThrow(CellRoutingInconsistency);
    expect(res?.error?.message).toContain('Unknown child when routing to api-cell!child-cell2!grandchild-cell4');
    expect(r.seen).toHaveLength(0);
  });

  it('test_targeted_message_invalid_cell2', async () => {
    const r = recorder();
    await using t = await tree({ handlers: r.handlers });
    const target = 'unknown-cell!child-cell2';
    const res = await t.cell('api-cell').targeted('get_host_uptime', ctxt, uptimeArgs(target), { target, direction: 'down', needResponse: true });
    expect(() => res?.valueOrRaise()).toThrow(CellRoutingInconsistency);
    expect(res?.error?.message).toContain('destination is unknown-cell!child-cell2 but routing_path is api-cell');
    expect(r.seen).toHaveLength(0);
  });

  it('test_targeted_message_target_cell_none', async () => {
    await using t = await tree();
    // The reference raises from the constructor; here the call rejects before anything is sent.
    await expect(createClient(t.cell('api-cell')).getHostUptime(ctxt, { cell_name: '', host_name: 'h' })).rejects.toThrow(
      'No cell given in routing path.',
    );
    expect(t.cell('api-cell').stats.sent).toBe(0);
  });

  it('test_broadcast_routing', async () => {
    const r = recorder();
    await using t = await tree({ handlers: r.handlers });
    await t.cell('api-cell').broadcast('service_get_all', ctxt, {}, { direction: 'down', needResponse: false, runLocally: true });
    await expect.poll(() => r.seen.length).toBe(8);
    expect(new Set(r.seen.map((s) => s.ctx.routingPath))).toEqual(new Set(REFERENCE_PATHS));
  });

  it('test_broadcast_routing_up', async () => {
    const r = recorder();
    await using t = await tree({ handlers: r.handlers });
    await t.cell('grandchild-cell3').broadcast('service_get_all', ctxt, {}, { direction: 'up', needResponse: false, runLocally: true });
    await expect.poll(() => r.seen.length).toBe(3);
    expect(r.seen.map((s) => s.ctx.routingPath)).toEqual([
      'grandchild-cell3',
      'grandchild-cell3!child-cell3',
      'grandchild-cell3!child-cell3!api-cell',
    ]);
  });

  it('test_broadcast_routing_without_ourselves', async () => {
    const r = recorder();
    await using t = await tree({ handlers: r.handlers });
    await t.cell('api-cell').broadcast('service_get_all', ctxt, {}, { direction: 'down', needResponse: false, runLocally: false });
    await expect.poll(() => r.seen.length).toBe(7);
    expect(r.seen.map((s) => s.cell)).not.toContain('api-cell');
  });

  it('test_broadcast_routing_with_response', async () => {
    const r = recorder();
    await using t = await tree({ handlers: r.handlers });
    const res = (await t.cell('api-cell').broadcast('service_get_all', ctxt, {}, { direction: 'down', needResponse: true }))!;
    expect(res).toHaveLength(8);
    for (const x of res) expect(x.valueOrRaise()).toBe(`response-${x.cellName}`);
    expect(new Set(res.map((x) => x.cellName))).toEqual(new Set(REFERENCE_PATHS));
    // Aggregation order: each hop lists its neighbours' answers, then its own last.
    expect(res.at(-1)?.cellName).toBe('api-cell');
    const c2 = res.findIndex((x) => x.cellName === 'api-cell!child-cell2');
    expect(res[c2 - 1]?.cellName).toBe('api-cell!child-cell2!grandchild-cell1');
    expect(t.pending()).toBe(0);
  });

  it('test_broadcast_routing_with_response_max_hops', async () => {
    const r = recorder();
    await using t = await tree({ handlers: r.handlers, maxHopCount: 2 });
    const res = (await t.cell('api-cell').broadcast('service_get_all', ctxt, {}, { direction: 'down', needResponse: true }))!;
    expect(res).toHaveLength(5);
    expect(res.every((x) => !x.failure)).toBe(true);
    expect(r.seen.map((s) => s.cell)).not.toContain('grandchild-cell1');
  });

  it('test_broadcast_routing_with_all_erroring', async () => {
    const r = recorder(() => {
      throw new CellRoutingInconsistency('everything fails');
    });
    await using t = await tree({ handlers: r.handlers });
    const res = (await t.cell('api-cell').broadcast('service_get_all', ctxt, {}, { direction: 'down', needResponse: true }))!;
    expect(res).toHaveLength(8);
    for (const x of res) {
      expect(x.failure).toBe(true);
      expect(() => x.valueOrRaise()).toThrow(CellRoutingInconsistency);
    }
  });

  it('test_broadcast_routing_with_two_erroring', async () => {
    const r = recorder((cell, ctx) => {
      if (cell === 'child-cell2' || cell === 'grandchild-cell3') throw new CellRoutingInconsistency(`${cell} fails`);
      return `response-${ctx.routingPath}`;
    });
    await using t = await tree({ handlers: r.handlers });
    const res = (await t.cell('api-cell').broadcast('service_get_all', ctxt, {}, { direction: 'down', needResponse: true }))!;
    expect(res).toHaveLength(8);
    const failed = res.filter((x) => x.failure).map((x) => x.cellName).sort();
    expect(failed).toEqual(['api-cell!child-cell2', 'api-cell!child-cell3!grandchild-cell3']);
    for (const x of res.filter((y) => !y.failure)) expect(x.valueOrRaise()).toBe(`response-${x.cellName}`);
  });
});

describe('CellsPublicInterfacesTestCase', () => {
  it('test_resize_instance: a cast targeted down at instance.cell_name', async () => {
    const r = recorder();
    await using t = await tree({ handlers: r.handlers });
    const instance = { uuid: '6d3c9a0e-0000-4000-8000-00000000beef', cell_name: 'api-cell!child-cell3!grandchild-cell2' } as Instance;
    const flavor = { id: 2, flavorid: 'm1.large', name: 'm1.large', memory_mb: 8192, vcpus: 4, root_gb: 80, ephemeral_gb: 0, swap: 0 };
    const result = await createClient(t.cell('api-cell')).resizeInstance(ctxt, { instance, flavor, extra_instance_updates: {}, clean_shutdown: true } as never);
    expect(result).toBeUndefined();
    await expect.poll(() => r.seen.length).toBe(1);
    const m = r.seen[0]!.ctx.message;
    expect(r.seen[0]!.cell).toBe('grandchild-cell2');
    expect(m).toMatchObject({
      message_type: 'targeted',
      method_name: 'resize_instance',
      direction: 'down',
      need_response: false,
      target_cell: instance.cell_name,
    });
    expect(Object.keys(m.method_kwargs).sort()).toEqual(['clean_shutdown', 'extra_instance_updates', 'flavor', 'instance']);
    expect(CellwireError.codeOf(new CellMaxHopCountReached(3))).toBe('hop_limit');
  });
});
