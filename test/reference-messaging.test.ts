/**
 * The reference's CellsMessageClassesTestCase (section 7.2, 27 tests) and
 * CellsPublicInterfacesTestCase (7.6), on the 8-cell tree over the memory transport, with
 * the Nova cells v1 methods (`novaCells`) they test. "Not called" is asserted explicitly,
 * as the caveats of 7.6 ask.
 */
import { describe, expect, it } from 'vitest';
import {
  CellMaxHopCountReached,
  CellRoutingInconsistency,
  CellwireError,
  InstanceNotFound,
  InvalidArgument,
  Response,
  defaultErrorRegistry,
  makeContext,
  responseCellNameFromPath,
  reversePath,
  serve,
  type HandlerContext,
  type Logger,
} from '@cellwire/core';
import { createClient } from '@cellwire/client';
import { novaCells, type Instance, type NovaCellsHandlers, type Service } from '@cellwire/schema';
import { REFERENCE_PATHS, startTree, type TreeOptions } from './fixtures/tree.js';

type Seen = { cell: string; method: string; ctx: HandlerContext; args: unknown };

/** A service row whose host is `host`: what service_get_all answers here. */
function serviceRow(host: string): Service {
  return {
    id: 1, host, binary: 'nova-compute', topic: 'compute', report_count: 1, disabled: false, disabled_reason: null,
    forced_down: false, last_seen_up: null, created_at: null, updated_at: null, version: 1,
  };
}

/** The host a service_get_all answer names (its label). */
const hostOf = (r: Response<Service[]>): string | undefined => r.valueOrRaise()[0]?.host;

/**
 * Records every handler run, per method, in every cell. `answer` gives each run's label (or
 * throws): get_host_uptime answers the label, service_get_all one service on a host named so.
 */
function recorder(answer: (cell: string, ctx: HandlerContext) => string = (_c, ctx) => `response-${ctx.routingPath}`) {
  const seen: Seen[] = [];
  const handlers = (cell: string): Partial<NovaCellsHandlers> => {
    const see = (ctx: HandlerContext, args: unknown) => {
      seen.push({ cell, method: ctx.method.name, ctx, args });
      return answer(cell, ctx);
    };
    return {
      getHostUptime: (ctx, args) => see(ctx, args),
      serviceGetAll: (ctx, args) => [serviceRow(see(ctx, args))],
      resizeInstance: (ctx, args) => (see(ctx, args), null),
      stopInstance: (ctx, args) => (see(ctx, args), null),
    };
  };
  return { seen, handlers, services: (cell: string) => [serve(novaCells, handlers(cell))] };
}

async function tree(options: Omit<TreeOptions, 'services'> & { recorder?: ReturnType<typeof recorder>; maxHopCount?: number } = {}) {
  const { maxHopCount, recorder: r = recorder(), ...rest } = options;
  return startTree({
    ...rest,
    services: r.services,
    runner: (cell) => ({ ...(maxHopCount ? { maxHopCount } : {}), ...rest.runner?.(cell) }),
  });
}

const ctxt = makeContext({ user_id: 'fake', project_id: 'fake' });
const uptimeArgs = (cell_name: string) => ({ cell_name, host_name: 'host1' });
const uptime = novaCells.methods.getHostUptime;
const serviceGetAll = novaCells.methods.serviceGetAll;

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
    await using t = await tree({ recorder: r, maxHopCount: 99 });
    const kwargs = uptimeArgs('api-cell!child-cell2!grandchild-cell1');
    await t.cell('api-cell').targeted(uptime, ctxt, kwargs, { target: kwargs.cell_name, direction: 'down', needResponse: false });
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
    await using t = await tree({ recorder: r });
    const res = await t.cell('child-cell1').targeted(uptime, ctxt, uptimeArgs('child-cell1!api-cell'), {
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
    await using t = await tree({ recorder: r });
    // A neighbour given by name becomes "<us>!<neighbour>" (the reference's CellState target).
    const api = t.cell('api-cell');
    const neighbour = api.state.children.get('child-cell2')!;
    const target = `${api.name}!${neighbour.name}`;
    const res = await api.targeted(uptime, ctxt, uptimeArgs(target), { target, direction: 'down', needResponse: true });
    expect(res?.cellName).toBe('api-cell!child-cell2');
    expect(r.seen.map((s) => s.cell)).toEqual(['child-cell2']);
  });

  it('test_targeted_message_when_target_cell_state_is_me', async () => {
    const r = recorder();
    await using t = await tree({ recorder: r });
    const res = await t.cell('api-cell').targeted(uptime, ctxt, uptimeArgs('api-cell'), { target: 'api-cell', direction: 'down', needResponse: true });
    expect(res?.cellName).toBe('api-cell');
    expect(r.seen.map((s) => s.cell)).toEqual(['api-cell']);
    expect(t.cell('api-cell').stats.sent).toBe(0);
  });

  it('test_create_broadcast_message', async () => {
    const r = recorder();
    await using t = await tree({ recorder: r, maxHopCount: 99 });
    await t.cell('api-cell').broadcast(serviceGetAll, ctxt, {}, { direction: 'down', needResponse: false, runLocally: true });
    await expect.poll(() => r.seen.length).toBe(8);
    const local = r.seen.find((s) => s.cell === 'api-cell')!;
    expect(local.ctx.message).toMatchObject({ message_type: 'broadcast', hop_count: 1, max_hop_count: 99, need_response: false, fanout: false });
    // The next hops are all four children.
    const firstHop = r.seen.filter((s) => s.ctx.message.hop_count === 2).map((s) => s.cell).sort();
    expect(firstHop).toEqual(['child-cell1', 'child-cell2', 'child-cell3', 'child-cell4']);
  });

  it('test_create_broadcast_message_with_response', async () => {
    const r = recorder();
    await using t = await tree({ recorder: r });
    const res = await t.cell('child-cell1').broadcast(serviceGetAll, ctxt, {}, { direction: 'up', needResponse: true, runLocally: true });
    expect(res?.map((x) => x.cellName)).toEqual(['child-cell1!api-cell', 'child-cell1']);
    expect(r.seen.map((s) => s.cell).sort()).toEqual(['api-cell', 'child-cell1']);
  });

  it('test_self_targeted_message', async () => {
    const r = recorder();
    await using t = await tree({ recorder: r });
    const kwargs = uptimeArgs('api-cell');
    await t.cell('api-cell').targeted(uptime, ctxt, kwargs, { target: 'api-cell', direction: 'down', needResponse: false });
    expect(r.seen).toHaveLength(1);
    expect(r.seen[0]!.ctx.ctxt).toBe(ctxt);
    expect(r.seen[0]!.args).toEqual(kwargs);
    expect(r.seen[0]!.ctx.routingPath).toBe('api-cell');
  });

  it('test_child_targeted_message', async () => {
    const r = recorder();
    await using t = await tree({ recorder: r });
    const target = 'api-cell!child-cell1';
    await t.cell('api-cell').targeted(uptime, ctxt, uptimeArgs(target), { target, direction: 'down', needResponse: false });
    await expect.poll(() => r.seen.length).toBe(1);
    expect(r.seen[0]!.cell).toBe('child-cell1');
    expect(r.seen[0]!.ctx.routingPath).toBe(target);
    expect(r.seen[0]!.ctx.ctxt).toEqual(ctxt);
  });

  it('test_child_targeted_message_with_object', async () => {
    const r = recorder();
    await using t = await tree({ recorder: r });
    const instance = { uuid: 'c6d4b35a-0000-4000-8000-00000000abcd', cell_name: 'api-cell!child-cell1', vm_state: 'active' } as Instance;
    const flavor = { id: 1, flavorid: 'm1.small', name: 'm1.small', memory_mb: 2048, vcpus: 1, root_gb: 20, ephemeral_gb: 0, swap: 0 };
    const args = { instance, flavor, extra_instance_updates: { cow: 'moo' }, clean_shutdown: true };
    await createClient(novaCells, t.cell('api-cell')).resizeInstance(ctxt, args as never);
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
    await using t = await tree({ recorder: r });
    const target = 'api-cell!child-cell2!grandchild-cell1';
    await t.cell('api-cell').targeted(uptime, ctxt, uptimeArgs(target), { target, direction: 'down', needResponse: false });
    await expect.poll(() => r.seen.length).toBe(1);
    expect(r.seen[0]!.cell).toBe('grandchild-cell1');
    expect(r.seen[0]!.ctx.routingPath).toBe(target);
  });

  it('test_grandchild_targeted_message_with_response', async () => {
    const r = recorder(() => 'our_fake_response');
    await using t = await tree({ recorder: r });
    const target = 'api-cell!child-cell2!grandchild-cell1';
    const res = await t.cell('api-cell').targeted(uptime, ctxt, uptimeArgs(target), { target, direction: 'down', needResponse: true });
    expect(res?.failure).toBe(false);
    expect(res?.valueOrRaise()).toBe('our_fake_response');
    expect(res?.cellName).toBe(target);
  });

  it('test_grandchild_targeted_message_with_error', async () => {
    const r = recorder(() => {
      throw new CellRoutingInconsistency('the handler says no');
    });
    await using t = await tree({ recorder: r });
    const target = 'api-cell!child-cell2!grandchild-cell1';
    const res = await t.cell('api-cell').targeted(uptime, ctxt, uptimeArgs(target), { target, direction: 'down', needResponse: true });
    expect(res?.failure).toBe(true);
    expect(() => res?.valueOrRaise()).toThrow(CellRoutingInconsistency);
    expect(res?.error?.cell).toBe(target);
  });

  it('test_grandchild_targeted_message_max_hops', async () => {
    const r = recorder();
    await using t = await tree({ recorder: r, maxHopCount: 2 });
    const target = 'api-cell!child-cell2!grandchild-cell1';
    const res = await t.cell('api-cell').targeted(uptime, ctxt, uptimeArgs(target), { target, direction: 'down', needResponse: true });
    expect(res?.failure).toBe(true);
    expect(() => res?.valueOrRaise()).toThrow(CellMaxHopCountReached);
    expect(r.seen).toHaveLength(0);
  });

  it('test_targeted_message_invalid_cell', async () => {
    const r = recorder();
    await using t = await tree({ recorder: r });
    const target = 'api-cell!child-cell2!grandchild-cell4';
    const res = await t.cell('api-cell').targeted(uptime, ctxt, uptimeArgs(target), { target, direction: 'down', needResponse: true });
    expect(() => res?.valueOrRaise()).toThrow(CellRoutingInconsistency);
    expect(res?.error?.message).toContain('Unknown child when routing to api-cell!child-cell2!grandchild-cell4');
    expect(r.seen).toHaveLength(0);
  });

  it('test_targeted_message_invalid_cell2', async () => {
    const r = recorder();
    await using t = await tree({ recorder: r });
    const target = 'unknown-cell!child-cell2';
    const res = await t.cell('api-cell').targeted(uptime, ctxt, uptimeArgs(target), { target, direction: 'down', needResponse: true });
    expect(() => res?.valueOrRaise()).toThrow(CellRoutingInconsistency);
    expect(res?.error?.message).toContain('destination is unknown-cell!child-cell2 but routing_path is api-cell');
    expect(r.seen).toHaveLength(0);
  });

  it('test_targeted_message_target_cell_none', async () => {
    const r = recorder();
    await using t = await tree({ recorder: r });
    // The reference raises from the constructor; here the call rejects before anything is sent.
    const call = createClient(novaCells, t.cell('api-cell')).getHostUptime(ctxt, { cell_name: '', host_name: 'h' });
    await expect(call).rejects.toThrow(CellRoutingInconsistency);
    await expect(call).rejects.toThrow('No cell given in routing path.');
    await expect(call).rejects.toMatchObject({ code: 'routing_inconsistency', cell: 'api-cell' });
    expect(t.cell('api-cell').stats.sent).toBe(0);
    expect(r.seen).toHaveLength(0);
  });

  it('test_broadcast_routing', async () => {
    const r = recorder();
    await using t = await tree({ recorder: r });
    await t.cell('api-cell').broadcast(serviceGetAll, ctxt, {}, { direction: 'down', needResponse: false, runLocally: true });
    await expect.poll(() => r.seen.length).toBe(8);
    expect(new Set(r.seen.map((s) => s.ctx.routingPath))).toEqual(new Set(REFERENCE_PATHS));
  });

  it('test_broadcast_routing_up', async () => {
    const r = recorder();
    await using t = await tree({ recorder: r });
    await t.cell('grandchild-cell3').broadcast(serviceGetAll, ctxt, {}, { direction: 'up', needResponse: false, runLocally: true });
    await expect.poll(() => r.seen.length).toBe(3);
    expect(r.seen.map((s) => s.ctx.routingPath)).toEqual([
      'grandchild-cell3',
      'grandchild-cell3!child-cell3',
      'grandchild-cell3!child-cell3!api-cell',
    ]);
  });

  it('test_broadcast_routing_without_ourselves', async () => {
    const r = recorder();
    await using t = await tree({ recorder: r });
    await t.cell('api-cell').broadcast(serviceGetAll, ctxt, {}, { direction: 'down', needResponse: false, runLocally: false });
    await expect.poll(() => r.seen.length).toBe(7);
    expect(r.seen.map((s) => s.cell)).not.toContain('api-cell');
  });

  it('test_broadcast_routing_with_response', async () => {
    const r = recorder();
    await using t = await tree({ recorder: r });
    const res = (await t.cell('api-cell').broadcast(serviceGetAll, ctxt, {}, { direction: 'down', needResponse: true }))!;
    expect(res).toHaveLength(8);
    for (const x of res) expect(hostOf(x as Response<Service[]>)).toBe(`response-${x.cellName}`);
    expect(new Set(res.map((x) => x.cellName))).toEqual(new Set(REFERENCE_PATHS));
    // Aggregation order: each hop lists its neighbours' answers, then its own last.
    expect(res.at(-1)?.cellName).toBe('api-cell');
    const c2 = res.findIndex((x) => x.cellName === 'api-cell!child-cell2');
    expect(res[c2 - 1]?.cellName).toBe('api-cell!child-cell2!grandchild-cell1');
    expect(t.pending()).toBe(0);
  });

  it('test_broadcast_routing_with_response_max_hops', async () => {
    const r = recorder();
    await using t = await tree({ recorder: r, maxHopCount: 2 });
    const res = (await t.cell('api-cell').broadcast(serviceGetAll, ctxt, {}, { direction: 'down', needResponse: true }))!;
    expect(res).toHaveLength(5);
    expect(res.every((x) => !x.failure)).toBe(true);
    expect(r.seen.map((s) => s.cell)).not.toContain('grandchild-cell1');
  });

  it('test_broadcast_routing_with_all_erroring', async () => {
    const r = recorder(() => {
      throw new CellRoutingInconsistency('everything fails');
    });
    await using t = await tree({ recorder: r });
    const res = (await t.cell('api-cell').broadcast(serviceGetAll, ctxt, {}, { direction: 'down', needResponse: true }))!;
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
    await using t = await tree({ recorder: r });
    const res = (await t.cell('api-cell').broadcast(serviceGetAll, ctxt, {}, { direction: 'down', needResponse: true }))!;
    expect(res).toHaveLength(8);
    const failed = res.filter((x) => x.failure).map((x) => x.cellName).sort();
    expect(failed).toEqual(['api-cell!child-cell2', 'api-cell!child-cell3!grandchild-cell3']);
    for (const x of res.filter((y) => !y.failure)) expect(hostOf(x as Response<Service[]>)).toBe(`response-${x.cellName}`);
  });
});

describe('CellsPublicInterfacesTestCase', () => {
  it('test_resize_instance: a cast targeted down at instance.cell_name', async () => {
    const r = recorder();
    await using t = await tree({ recorder: r });
    const instance = { uuid: '6d3c9a0e-0000-4000-8000-00000000beef', cell_name: 'api-cell!child-cell3!grandchild-cell2' } as Instance;
    const flavor = { id: 2, flavorid: 'm1.large', name: 'm1.large', memory_mb: 8192, vcpus: 4, root_gb: 80, ephemeral_gb: 0, swap: 0 };
    const result = await createClient(novaCells, t.cell('api-cell')).resizeInstance(ctxt, { instance, flavor, extra_instance_updates: {}, clean_shutdown: true } as never);
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

  it('an instance with no cell yet: a cast or a call logs, sends nothing and returns undefined, as the reference', async () => {
    const r = recorder();
    const warnings: string[] = [];
    const logger: Logger = { debug() {}, info() {}, warn: (m) => void warnings.push(m), error() {} };
    await using t = await tree({ recorder: r, runner: (cell) => (cell === 'api-cell' ? { logger } : {}) });
    const nova = createClient(novaCells, t.cell('api-cell'));
    const instance = { uuid: '0e4c1f9a-0000-4000-8000-00000000c0de', cell_name: null } as Instance;
    const flavor = { id: 2, flavorid: 'm1.large', name: 'm1.large', memory_mb: 8192, vcpus: 4, root_gb: 80, ephemeral_gb: 0, swap: 0 };
    await expect(nova.resizeInstance(ctxt, { instance, flavor, extra_instance_updates: {} } as never)).resolves.toBeUndefined();
    // stop_instance with do_cast false is a call: it used to throw InstanceUnknownCell.
    await expect(nova.stopInstance(ctxt, { instance, do_cast: false })).resolves.toBeUndefined();
    const { cell_name: _none, ...noCell } = instance;
    await expect(nova.stopInstance(ctxt, { instance: noCell as Instance, do_cast: false })).resolves.toBeUndefined();
    // Arguments are still checked: a call with no cell and bad arguments is refused.
    await expect(nova.resizeInstance(ctxt, { instance } as never)).rejects.toThrow(InvalidArgument);
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toMatch(/resize_instance: no instance.cell_name given; nothing sent/);
    expect(warnings[1]).toMatch(/stop_instance: no instance.cell_name given; nothing sent/);
    expect(t.cell('api-cell').stats.sent).toBe(0);
    expect(r.seen).toHaveLength(0);
    // With a cell, the same call goes there and answers.
    const stopped = await nova.stopInstance(ctxt, { instance: { ...instance, cell_name: 'api-cell!child-cell4' }, do_cast: false });
    expect(stopped).toBeInstanceOf(Response);
    expect((stopped as Response).cellName).toBe('api-cell!child-cell4');
    expect((stopped as Response).valueOrRaise()).toBeNull();
    expect(r.seen.map((x) => [x.cell, x.method])).toEqual([['child-cell4', 'stop_instance']]);
  });

  it('test_get_keypair_at_top: a broadcast up whose handler runs only at the top; the cells on the way answer null', async () => {
    const runs: string[] = [];
    const keypair = { name: 'k1', user_id: 'fake', fingerprint: 'aa:bb', public_key: 'ssh-rsa AAAA', type: 'ssh' as const };
    await using t = await startTree({
      services: (cell) => [
        serve(novaCells, {
          getKeypairAtTop: (ctx, args) => {
            runs.push(`${cell}:${ctx.routingPath}:${args.name}`);
            return keypair;
          },
          instanceUpdateAtTop: (ctx, args) => (runs.push(`${cell}:${ctx.routingPath}:${args.instance.uuid}`), null),
        }),
      ],
    });
    const nova = createClient(novaCells, t.cell('grandchild-cell3'));
    const res = await nova.getKeypairAtTop(ctxt, { user_id: 'fake', name: 'k1' });
    // run_locally is false: grandchild-cell3 does not answer itself.
    expect(res.map((r) => [r.cellName, r.valueOrRaise()])).toEqual([
      ['grandchild-cell3!child-cell3!api-cell', keypair],
      ['grandchild-cell3!child-cell3', null],
    ]);
    expect(runs).toEqual(['api-cell:grandchild-cell3!child-cell3!api-cell:k1']);
    runs.length = 0;
    const uuid = '5f0b7a6c-0000-4000-8000-0000000000aa';
    await expect(nova.instanceUpdateAtTop(ctxt, { instance: { uuid } })).resolves.toBeUndefined();
    await expect.poll(() => runs).toEqual([`api-cell:grandchild-cell3!child-cell3!api-cell:${uuid}`]);
  });

  it('test_get_migrations: targeted at cell_name when given (a list of one), else a broadcast down without this cell unless run_locally', async () => {
    const runs: string[] = [];
    await using t = await startTree({
      services: (cell) => [serve(novaCells, { getMigrations: () => (runs.push(cell), []) })],
    });
    const nova = createClient(novaCells, t.cell('api-cell'));
    const one = await nova.getMigrations(ctxt, { cell_name: 'api-cell!child-cell3!grandchild-cell3', filters: {} });
    expect(one.map((r) => [r.cellName, r.valueOrRaise()])).toEqual([['api-cell!child-cell3!grandchild-cell3', []]]);
    expect(runs).toEqual(['grandchild-cell3']);
    runs.length = 0;
    const all = await nova.getMigrations(ctxt, { filters: {} });
    expect(all.map((r) => r.cellName).sort()).toEqual(REFERENCE_PATHS.filter((p) => p !== 'api-cell').sort());
    expect(runs).not.toContain('api-cell');
    runs.length = 0;
    const withUs = await nova.getMigrations(ctxt, { cell_name: null, run_locally: true, filters: {} });
    expect(withUs).toHaveLength(8);
    expect(withUs.at(-1)?.cellName).toBe('api-cell');
  });
});
