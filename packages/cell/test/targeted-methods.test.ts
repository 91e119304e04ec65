/**
 * The reference's CellsTargetedMethodsWithDatabaseTestCase (7.3, 1 test) and
 * CellsTargetedMethodsTestCase (7.4, 50 tests), ported against the reference handlers and
 * a real SQLite store in every cell of the 8-cell tree. Source api-cell, target
 * `api-cell!child-cell2`, unless a test says otherwise. Assertions are on the stores and on
 * what reached which cell, not on mocks of Nova.
 */
import { describe, expect, it } from 'vitest';
import { CellRoutingInconsistency, CellServiceAPIMethodNotFound, InstanceNotFound, InvalidArgument, type Envelope, type HandlerContext } from '@cellwire/core';
import { novaCells, type Capabilities, type Instance, type JsonMap } from '@cellwire/schema';
import {
  ComputeHostNotFound,
  ComputeServiceUnavailable,
  InstanceInfoCacheNotFound,
  InstanceInvalidState,
  ManagerMethodNotFound,
  computeCapacities,
  type Store,
} from '../src/compute.js';
import { TopSync, resolveDeps } from '../src/handlers/context.js';
import { callComputeApiWithObj } from '../src/handlers/instances.js';
import { admin, asArg, computeTree, ctxt, flavor, newUuid, seedInstance, type ComputeTree } from './helpers.js';

const TARGET = 'api-cell!child-cell2';
const GC1 = 'api-cell!child-cell2!grandchild-cell1';

/** The top's copy of an instance. */
const atTop = (ct: ComputeTree, uuid: string) => ct.store('api-cell').instances.get(uuid, { readDeleted: true });

/** Seeds an instance in child-cell2 and a copy at the top (as after its build). */
function built(ct: ComputeTree, overrides: Partial<Instance> = {}, path = TARGET): Instance & { id: number } {
  const inst = seedInstance(ct, path, overrides);
  const top = { ...asArg(inst), cell_name: path } as Record<string, unknown>;
  delete top.id;
  ct.store('api-cell').instances.create(top as unknown as Instance);
  return inst;
}

const actionsOf = (store: Store, uuid: string) => store.actions.list(uuid).map((a) => a.action);
const eventsOf = (store: Store, uuid: string) => store.actions.list(uuid).flatMap((a) => store.actions.eventsOf(a.id));

/** A handler context in child-cell2, for the helper that is not a message. */
function contextIn(ct: ComputeTree, cell: string, path: string): HandlerContext {
  return {
    ctxt,
    routingPath: path,
    needResponse: true,
    uuid: 'test',
    // The helper under test runs inside a compute API call (run_compute_api_method's handler).
    method: novaCells.methods.runComputeApiMethod,
    runner: ct.tree.cell(cell),
    deadline: Date.now() + 10_000,
    signal: new AbortController().signal,
    traceparent: undefined,
    message: {} as Envelope,
  };
}

describe('CellsTargetedMethodsWithDatabaseTestCase', () => {
  it('test_service_delete', async () => {
    await using ct = await computeTree();
    const store = ct.store('child-cell2');
    const svc = store.services.getByComputeHost('child-cell2-host1')!;
    expect(store.computeNodes.listByHost('child-cell2-host1')).toHaveLength(1);
    const r = await ct.client('api-cell').serviceDelete(ctxt, { cell_name: TARGET, service_id: svc.id });
    expect(r.failure).toBe(false);
    expect(r.valueOrRaise()).toBeNull();
    // service_get now fails: the row is gone (soft-deleted), and so are its host's compute nodes.
    expect(store.services.get(svc.id)).toBeUndefined();
    expect(store.computeNodes.listByHost('child-cell2-host1')).toHaveLength(0);
    const again = await ct.client('api-cell').serviceGetByComputeHost(ctxt, { cell_name: TARGET, host_name: 'child-cell2-host1' });
    expect(() => again.valueOrRaise()).toThrow(ComputeHostNotFound);
    // Deliberate change: a second delete answers a failure Response (the reference manager
    // discards the answer; the messaging layer here returns it and lets the caller decide).
    const twice = await ct.client('api-cell').serviceDelete(ctxt, { cell_name: TARGET, service_id: String(svc.id) });
    expect(twice.failure).toBe(true);
    expect(twice.error?.message).toContain(`Service ${svc.id} could not be found`);
  });
});

describe('CellsTargetedMethodsTestCase', () => {
  it('test_build_instances', async () => {
    await using ct = await computeTree();
    const uuid = newUuid();
    const kwargs = {
      instances: [{ uuid, display_name: 'web-1', metadata: { role: 'web' } }],
      image: { id: 'image-1', properties: {} },
      filter_properties: { instance_type: flavor('m1.small') },
      admin_password: null,
      injected_files: [],
      requested_networks: null,
      security_groups: ['default'],
      block_device_mapping: [],
      legacy_bdm: false,
    };
    await ct.client('api-cell').buildInstances(ctxt, { target_cell: TARGET, build_inst_kwargs: kwargs });
    await expect.poll(() => atTop(ct, uuid)?.vm_state).toBe('active');
    // The target's scheduler got the kwargs unchanged.
    const [call] = ct.callsOf('build_instances');
    expect(call).toMatchObject({ cell: 'child-cell2', routingPath: TARGET, args: { target_cell: TARGET, build_inst_kwargs: kwargs } });
    // Built here (grandchild-cell1 has not reported any capacity): row, action, host usage.
    const row = ct.store('child-cell2').instances.get(uuid)!;
    expect(row).toMatchObject({ vm_state: 'active', power_state: 1, task_state: null, cell_name: TARGET, display_name: 'web-1' });
    expect(row.host).toMatch(/^child-cell2-host/);
    expect(actionsOf(ct.store('child-cell2'), uuid)).toEqual(['create']);
    expect(ct.store('child-cell2').computeNodes.listByHost(row.host!)[0]!.memory_mb_used).toBe(2048);
    expect(atTop(ct, uuid)).toMatchObject({ cell_name: TARGET, host: row.host, security_groups: [{ name: 'default' }] });
  });

  it('test_run_compute_api_method_expects_obj', async () => {
    await using ct = await computeTree();
    const inst = built(ct, { vm_state: 'stopped', power_state: 4 });
    const r = await ct.client('api-cell').runComputeApiMethod(ctxt, {
      cell_name: TARGET,
      method_info: { method: 'start', method_args: [inst.uuid], method_kwargs: {} },
      call: true,
    });
    expect(r.valueOrRaise()).toBeNull();
    expect(ct.store('child-cell2').instances.get(inst.uuid)).toMatchObject({ vm_state: 'active', power_state: 1, task_state: null });
    expect(actionsOf(ct.store('child-cell2'), inst.uuid)).toEqual(['start']);
    expect(atTop(ct, inst.uuid)).toMatchObject({ vm_state: 'active', power_state: 1 });
    // Deliberate change: the reference calls a stub with any arguments; the simulated
    // compute API binds them like Python would, so arguments `start` does not take fail.
    const bad = await ct.client('api-cell').runComputeApiMethod(ctxt, {
      cell_name: TARGET,
      method_info: { method: 'start', method_args: [inst.uuid, 2, 3], method_kwargs: { arg1: 'val1' } },
      call: true,
    });
    expect(() => bad.valueOrRaise()).toThrow(InvalidArgument);
  });

  it('test_run_compute_api_method_shelve_with_info_cache', async () => {
    await using ct = await computeTree();
    const inst = built(ct, { info_cache: { network_info: [{ id: 'vif-1', address: 'fa:16:3e:00:00:01' }] } });
    const r = await ct.client('api-cell').runComputeApiMethod(ctxt, {
      cell_name: TARGET,
      method_info: { method: 'shelve', method_args: [inst.uuid], method_kwargs: {} },
      call: true,
    });
    expect(r.failure).toBe(false);
    const row = ct.store('child-cell2').instances.get(inst.uuid)!;
    expect(row).toMatchObject({ vm_state: 'shelved_offloaded', host: null, node: null, task_state: null, power_state: 0 });
    expect(row.info_cache).toEqual({ network_info: [{ id: 'vif-1', address: 'fa:16:3e:00:00:01' }] });
    expect(ct.store('child-cell2').computeNodes.listByHost(inst.host!)[0]!.memory_mb_used).toBe(0);
    expect(atTop(ct, inst.uuid)).toMatchObject({ vm_state: 'shelved_offloaded', host: null });
    expect(eventsOf(ct.store('child-cell2'), inst.uuid).map((e) => e.event).sort()).toEqual(['compute_shelve_instance', 'compute_shelve_offload_instance']);
  });

  it('test_run_compute_api_method_unknown_instance', async () => {
    await using ct = await computeTree();
    const uuid = newUuid();
    // The top still has a stale copy of an instance its cell no longer knows.
    ct.store('api-cell').instances.create({ uuid, cell_name: TARGET, vm_state: 'active' });
    const r = await ct.client('api-cell').runComputeApiMethod(ctxt, {
      cell_name: TARGET,
      method_info: { method: 'start', method_args: [uuid], method_kwargs: {} },
      call: true,
    });
    expect(() => r.valueOrRaise()).toThrow(InstanceNotFound);
    // instance_destroy_at_top reached the top and healed its copy.
    await expect.poll(() => ct.callsOf('instance_destroy_at_top').map((c) => c.cell)).toEqual(['api-cell']);
    expect(ct.callsOf('instance_destroy_at_top')[0]!.args).toEqual({ instance: { uuid } });
    expect(atTop(ct, uuid)?.deleted).toBe(true);
  });

  it('test_run_compute_api_method with a method outside the allow-list', async () => {
    await using ct = await computeTree();
    const inst = built(ct);
    const r = await ct.client('api-cell').runComputeApiMethod(ctxt, {
      cell_name: TARGET,
      method_info: { method: '_delete_instance', method_args: [inst.uuid], method_kwargs: {} },
      call: true,
    });
    expect(() => r.valueOrRaise()).toThrow(CellServiceAPIMethodNotFound);
    expect(ct.store('child-cell2').actions.list(inst.uuid)).toEqual([]);
  });

  it('test_update_capabilities', async () => {
    await using ct = await computeTree({ capabilities: (cell): Capabilities => (cell === 'child-cell2' ? { hypervisor: ['xen', 'kvm'], os: ['linux'] } : { hypervisor: ['kvm'] }) });
    await ct.state('child-cell2').tellParentsOurCapabilities(ctxt);
    const api = ct.tree.cell('api-cell');
    await expect.poll(() => api.state.children.get('child-cell2')?.capabilities).toEqual({ hypervisor: ['kvm', 'xen'], os: ['linux'] });
    expect(api.state.children.get('child-cell2')!.lastSeen).toBeGreaterThan(0);
    // api-cell is the top: its cascade sends nothing further; the other children are unchanged.
    expect(api.state.children.get('child-cell1')!.lastSeen).toBe(0);
    expect(api.state.getOurCapabilities()).toEqual({ hypervisor: ['kvm', 'xen'], os: ['linux'] });
  });

  it('test_update_capacities', async () => {
    await using ct = await computeTree();
    const api = ct.tree.cell('api-cell');
    await ct.state('child-cell2').tellParentsOurCapacities(ctxt);
    const own = computeCapacities(ct.store('child-cell2'), {});
    await expect.poll(() => api.state.children.get('child-cell2')?.capacities).toEqual(own);
    // The cascade: grandchild-cell1 reports to child-cell2, which passes on its sum.
    await ct.state('grandchild-cell1').tellParentsOurCapacities(ctxt);
    await expect.poll(() => api.state.children.get('child-cell2')?.capacities.ram_free?.total_mb).toBe(4 * 32768);
    expect(api.state.children.get('child-cell2')!.capacities.ram_free!.units_by_mb['2048']).toBe(2 * (own.ram_free!.units_by_mb['2048'] ?? 0));
  });

  it('test_announce_capabilities', async () => {
    await using ct = await computeTree();
    await ct.state('api-cell').askChildrenForCapabilities(ctxt);
    const api = ct.tree.cell('api-cell');
    await expect.poll(() => [...api.state.children.values()].every((c) => c.lastSeen > 0)).toBe(true);
    for (const c of api.state.children.values()) expect(c.capabilities).toEqual({ hypervisor: ['kvm'], os: ['linux'] });
    // Only the children were asked: grandchild-cell1 has told child-cell2 nothing.
    expect(ct.tree.cell('child-cell2').state.children.get('grandchild-cell1')!.lastSeen).toBe(0);
  });

  it('test_announce_capacities', async () => {
    await using ct = await computeTree();
    await ct.state('api-cell').askChildrenForCapacities(ctxt);
    const api = ct.tree.cell('api-cell');
    await expect.poll(() => [...api.state.children.values()].every((c) => c.lastSeen > 0)).toBe(true);
    for (const [name, c] of api.state.children) expect(c.capacities).toEqual(computeCapacities(ct.store(name), {}));
    expect(api.state.getOurCapacities().ram_free?.total_mb).toBe(4 * 2 * 32768);
  });

  it('test_service_get_by_compute_host', async () => {
    await using ct = await computeTree();
    const r = await ct.client('api-cell').serviceGetByComputeHost(ctxt, { cell_name: TARGET, host_name: 'child-cell2-host2' });
    expect(r.cellName).toBe(TARGET);
    expect(r.valueOrRaise()).toEqual(ct.store('child-cell2').services.getByComputeHost('child-cell2-host2'));
    expect(r.valueOrRaise()).toMatchObject({ host: 'child-cell2-host2', binary: 'nova-compute', topic: 'compute', disabled: false });
  });

  it('test_service_update', async () => {
    await using ct = await computeTree();
    const before = computeCapacities(ct.store('child-cell2'), {});
    const r = await ct.client('api-cell').serviceUpdate(ctxt, {
      cell_name: TARGET,
      host_name: 'child-cell2-host1',
      binary: 'nova-compute',
      params_to_update: { disabled: true, disabled_reason: 'maintenance' },
    });
    const svc = r.valueOrRaise();
    expect(svc).toMatchObject({ host: 'child-cell2-host1', disabled: true, disabled_reason: 'maintenance' });
    expect(svc).toEqual(ct.store('child-cell2').services.getByComputeHost('child-cell2-host1'));
    // A disabled host no longer counts in the cell's capacities.
    expect(computeCapacities(ct.store('child-cell2'), {}).ram_free!.total_mb).toBe(before.ram_free!.total_mb / 2);
    const missing = await ct.client('api-cell').serviceUpdate(ctxt, { cell_name: TARGET, host_name: 'child-cell2-host1', binary: 'nova-nothing', params_to_update: { disabled: true } });
    expect(missing.error?.message).toContain('Could not find binary nova-nothing on host child-cell2-host1');
  });

  it('test_proxy_rpc_to_manager_call', async () => {
    await using ct = await computeTree();
    const r = await ct.client('api-cell').proxyRpcToManager(ctxt, {
      cell_name: TARGET,
      host_name: 'child-cell2-host1',
      topic: 'compute.child-cell2-host1',
      rpc_message: { method: 'get_host_uptime', args: {} },
      call: true,
      timeout: 5,
    });
    expect(r.valueOrRaise()).toMatch(/^ \d\d:\d\d:\d\d up 0:00, {2}0 users, {2}load average: 0\.00, 0\.00, 0\.00$/);
    // The host is checked first: an unknown host is an error, as is an unknown manager method.
    const unknown = await ct.client('api-cell').proxyRpcToManager(ctxt, {
      cell_name: TARGET,
      host_name: 'nohost',
      topic: 'compute.nohost',
      rpc_message: { method: 'get_host_uptime', args: {} },
      call: true,
    });
    expect(() => unknown.valueOrRaise()).toThrow(ComputeHostNotFound);
    const bad = await ct.client('api-cell').proxyRpcToManager(ctxt, {
      cell_name: TARGET,
      host_name: 'child-cell2-host1',
      topic: 'compute.child-cell2-host1',
      rpc_message: { method: 'reboot_host', args: {} },
      call: true,
    });
    expect(() => bad.valueOrRaise()).toThrow(ManagerMethodNotFound);
  });

  it('test_proxy_rpc_to_manager_cast', async () => {
    await using ct = await computeTree();
    // The topic as the API cell forwards it (`compute.<cell>@<host>`): the host is the item.
    const r = await ct.client('api-cell').proxyRpcToManager(ctxt, {
      cell_name: TARGET,
      host_name: 'child-cell2-host2',
      topic: 'compute.api-cell!child-cell2@child-cell2-host2',
      rpc_message: { method: 'set_host_enabled', args: { enabled: false } },
      call: false,
    });
    expect(r).toBeUndefined();
    await expect.poll(() => ct.store('child-cell2').services.getByComputeHost('child-cell2-host2')?.disabled).toBe(true);
    expect(ct.callsOf('proxy_rpc_to_manager')).toMatchObject([{ cell: 'child-cell2', needResponse: false }]);
  });

  it('test_task_log_get_all_targeted', async () => {
    await using ct = await computeTree();
    const period = { period_beginning: '2019-04-04T10:00:00Z', period_ending: '2019-04-04T11:00:00Z' };
    await ct.client('api-cell').proxyRpcToManager(ctxt, {
      cell_name: TARGET,
      host_name: 'child-cell2-host1',
      topic: 'compute.child-cell2-host1',
      rpc_message: { method: 'instance_usage_audit', args: period },
      call: true,
    });
    const responses = await ct.client('api-cell').taskLogGetAll(ctxt, { cell_name: TARGET, task_name: 'instance_usage_audit', ...period, host: 'child-cell2-host1', state: 'DONE' });
    // Always a list, even when targeted.
    expect(responses).toHaveLength(1);
    expect(responses[0]!.cellName).toBe(TARGET);
    expect(responses[0]!.valueOrRaise()).toMatchObject([{ task_name: 'instance_usage_audit', host: 'child-cell2-host1', state: 'DONE', period_beginning: '2019-04-04T10:00:00.000Z' }]);
    const none = await ct.client('api-cell').taskLogGetAll(ctxt, { cell_name: TARGET, task_name: 'instance_usage_audit', ...period, state: 'RUNNING' });
    expect(none[0]!.valueOrRaise()).toEqual([]);
  });

  it('test_compute_node_get', async () => {
    await using ct = await computeTree();
    const node = ct.store('child-cell2').computeNodes.listByHost('child-cell2-host2')[0]!;
    const r = await ct.client('api-cell').computeNodeGet(ctxt, { cell_name: TARGET, compute_id: node.id });
    expect(r.valueOrRaise()).toEqual(node);
    const byString = await ct.client('api-cell').computeNodeGet(ctxt, { cell_name: TARGET, compute_id: String(node.id) });
    expect(byString.valueOrRaise()).toEqual(node);
    const missing = await ct.client('api-cell').computeNodeGet(ctxt, { cell_name: TARGET, compute_id: 999 });
    expect(() => missing.valueOrRaise()).toThrow(ComputeHostNotFound);
  });

  it('test_compute_node_get_using_uuid', async () => {
    await using ct = await computeTree();
    const node = ct.store('child-cell2').computeNodes.listByHost('child-cell2-host1')[0]!;
    const r = await ct.client('api-cell').computeNodeGet(ctxt, { cell_name: TARGET, compute_id: node.uuid });
    expect(r.valueOrRaise()).toMatchObject({ uuid: node.uuid, host: 'child-cell2-host1' });
  });

  it('test_actions_get', async () => {
    await using ct = await computeTree();
    const inst = built(ct);
    await ct.client('api-cell').stopInstance(ctxt, { instance: asArg(inst), do_cast: false });
    await ct.client('api-cell').startInstance(ctxt, { instance: asArg(inst) });
    await expect.poll(() => actionsOf(ct.store('child-cell2'), inst.uuid)).toHaveLength(2);
    const r = await ct.client('api-cell').actionsGet(ctxt, { cell_name: TARGET, instance_uuid: inst.uuid });
    const actions = r.valueOrRaise();
    // Newest first, as plain primitives.
    expect(actions.map((a) => a.action)).toEqual(['start', 'stop']);
    expect(actions[0]).toMatchObject({ instance_uuid: inst.uuid, request_id: ctxt.request_id, user_id: 'fake-user', project_id: 'fake-project' });
    expect(JSON.parse(JSON.stringify(actions))).toEqual(actions);
  });

  it('test_action_get_by_request_id', async () => {
    await using ct = await computeTree();
    const inst = built(ct);
    await ct.client('api-cell').pauseInstance(ctxt, { instance: asArg(inst) });
    await expect.poll(() => actionsOf(ct.store('child-cell2'), inst.uuid)).toEqual(['pause']);
    const r = await ct.client('api-cell').actionGetByRequestId(ctxt, { cell_name: TARGET, instance_uuid: inst.uuid, request_id: ctxt.request_id });
    expect(r.valueOrRaise()).toMatchObject({ action: 'pause', request_id: ctxt.request_id });
    const none = await ct.client('api-cell').actionGetByRequestId(ctxt, { cell_name: TARGET, instance_uuid: inst.uuid, request_id: 'req-other' });
    expect(none.valueOrRaise()).toBeNull();
  });

  it('test_action_events_get', async () => {
    await using ct = await computeTree();
    const inst = built(ct);
    await ct.client('api-cell').rebootInstance(ctxt, { instance: asArg(inst), reboot_type: 'HARD' });
    await expect.poll(() => actionsOf(ct.store('child-cell2'), inst.uuid)).toEqual(['reboot']);
    const action = ct.store('child-cell2').actions.list(inst.uuid)[0]!;
    const r = await ct.client('api-cell').actionEventsGet(ctxt, { cell_name: TARGET, action_id: action.id });
    expect(r.valueOrRaise()).toMatchObject([{ action_id: action.id, event: 'compute_reboot_instance', result: 'Success', host: inst.host }]);
  });

  it('test_validate_console_port', async () => {
    await using ct = await computeTree();
    const inst = built(ct);
    const got = await ct.client('api-cell').runComputeApiMethod(ctxt, {
      cell_name: TARGET,
      method_info: { method: 'get_vnc_console', method_args: [inst.uuid, 'novnc'], method_kwargs: {} },
      call: true,
    });
    const info = got.valueOrRaise() as JsonMap;
    expect(info).toMatchObject({ host: inst.host, console_type: 'novnc' });
    expect(ct.store('child-cell2').consoleTokens.validate(String(info.token))).toMatchObject({ instance_uuid: inst.uuid, port: info.port });
    const ok = await ct.client('api-cell').validateConsolePort(ctxt, { cell_name: TARGET, instance_uuid: inst.uuid, console_port: Number(info.port), console_type: 'novnc' });
    expect(ok.valueOrRaise()).toBe(true);
    const wrong = await ct.client('api-cell').validateConsolePort(ctxt, { cell_name: TARGET, instance_uuid: inst.uuid, console_port: 1, console_type: 'novnc' });
    expect(wrong.valueOrRaise()).toBe(false);
    const gone = await ct.client('api-cell').validateConsolePort(ctxt, { cell_name: TARGET, instance_uuid: newUuid(), console_port: 1, console_type: 'novnc' });
    expect(() => gone.valueOrRaise()).toThrow(InstanceNotFound);
    await expect.poll(() => ct.callsOf('instance_destroy_at_top').length).toBe(1);
  });

  it('test_get_migrations_for_a_given_cell', async () => {
    await using ct = await computeTree();
    const inst = built(ct);
    await ct.client('api-cell').resizeInstance(ctxt, { instance: asArg(inst), flavor: flavor('m1.medium'), extra_instance_updates: {} });
    await expect.poll(() => ct.store('child-cell2').migrations.list({}).length).toBe(1);
    const responses = await ct.client('api-cell').getMigrations(ctxt, { cell_name: TARGET, filters: { status: 'finished' } });
    expect(responses).toHaveLength(1);
    expect(responses[0]!.cellName).toBe(TARGET);
    expect(responses[0]!.valueOrRaise()).toMatchObject([{ instance_uuid: inst.uuid, migration_type: 'resize', status: 'finished', old_instance_type_id: 2, new_instance_type_id: 3 }]);
    const none = await ct.client('api-cell').getMigrations(ctxt, { cell_name: TARGET, filters: { status: ['confirmed', 'reverted'] } });
    expect(none[0]!.valueOrRaise()).toEqual([]);
  });

  it('test_get_migrations_for_an_invalid_cell: a failure Response instead of the reference [] (deliberate)', async () => {
    await using ct = await computeTree();
    const responses = await ct.client('api-cell').getMigrations(ctxt, { cell_name: 'api_cell!invalid_cell', filters: {} });
    // The reference turns a routing error into []; core answers one failure Response naming it.
    expect(responses).toHaveLength(1);
    expect(responses[0]!.failure).toBe(true);
    expect(() => responses[0]!.valueOrRaise()).toThrow(CellRoutingInconsistency);
    expect(ct.callsOf('get_migrations')).toEqual([]);
  });

  it('test_call_compute_api_with_obj', async () => {
    await using ct = await computeTree();
    const inst = built(ct);
    const env = resolveDeps({ store: ct.store('child-cell2'), cellName: 'child-cell2' });
    const ctx = contextIn(ct, 'child-cell2', TARGET);
    const sync = new TopSync(ctx, env);
    // The caller's copy is stale (it says stopped); the helper reloads the instance first.
    const stale = { ...asArg(inst), vm_state: 'stopped' };
    const image = (await callComputeApiWithObj({ ctx, env, sync }, stale, 'snapshot', ['name'], { extra_properties: { cow: 'moo' } })) as JsonMap;
    await sync.flush();
    expect(image).toMatchObject({ name: 'name', status: 'active', properties: { cow: 'moo', instance_uuid: inst.uuid, image_type: 'snapshot' } });
    expect(actionsOf(ct.store('child-cell2'), inst.uuid)).toEqual(['createImage']);
    expect(ct.store('child-cell2').instances.get(inst.uuid)).toMatchObject({ vm_state: 'active', task_state: null });
    await expect.poll(() => ct.callsOf('instance_update_at_top').map((c) => (c.args as { instance: Instance }).instance.task_state)).toEqual([
      'image_snapshot_pending',
      'image_uploading',
      null,
    ]);
  });

  it('test_call_compute_api_with_obj_no_cache', async () => {
    await using ct = await computeTree();
    const inst = built(ct, { info_cache: null });
    const env = resolveDeps({ store: ct.store('child-cell2'), cellName: 'child-cell2' });
    const ctx = contextIn(ct, 'child-cell2', TARGET);
    await expect(callComputeApiWithObj({ ctx, env, sync: new TopSync(ctx, env) }, asArg(inst), 'snapshot', ['name'])).rejects.toThrow(InstanceInfoCacheNotFound);
    // Through a message too: the call answers the error and nothing changed.
    const r = await ct.client('api-cell').stopInstance(ctxt, { instance: asArg(inst), do_cast: false });
    expect(() => r!.valueOrRaise()).toThrow(InstanceInfoCacheNotFound);
    expect(ct.store('child-cell2').instances.get(inst.uuid)!.vm_state).toBe('active');
    expect(ct.store('child-cell2').actions.list(inst.uuid)).toEqual([]);
  });

  it('test_call_delete_compute_api_with_obj_no_cache', async () => {
    await using ct = await computeTree();
    const inst = built(ct, { info_cache: null });
    await ct.client('api-cell').terminateInstance(ctxt, { instance: asArg(inst) });
    await expect.poll(() => atTop(ct, inst.uuid)?.deleted).toBe(true);
    expect(ct.store('child-cell2').instances.get(inst.uuid)).toBeUndefined();
    expect(ct.store('child-cell2').instances.get(inst.uuid, { readDeleted: true })).toMatchObject({ vm_state: 'deleted', deleted: true });
  });

  it('test_call_compute_with_obj_unknown_instance', async () => {
    await using ct = await computeTree();
    const instance = { uuid: newUuid(), cell_name: TARGET };
    ct.store('api-cell').instances.create({ ...instance, vm_state: 'active' });
    const r = await ct.client('api-cell').stopInstance(ctxt, { instance, do_cast: false });
    expect(() => r!.valueOrRaise()).toThrow(InstanceNotFound);
    // The destroy was broadcast up before the error came back.
    expect(ct.callsOf('instance_destroy_at_top')).toMatchObject([{ cell: 'api-cell', args: { instance } }]);
    expect(atTop(ct, instance.uuid)!.deleted).toBe(true);
  });

  it('test_instance_update_from_api', async () => {
    await using ct = await computeTree();
    const inst = built(ct);
    const update: Instance = {
      uuid: inst.uuid,
      cell_name: TARGET,
      user_data: 'bmV3IHVzZXIgZGF0YQ==',
      display_name: 'renamed',
      vm_state: 'stopped',
      task_state: 'powering-off',
      metadata: { changed: 'yes' },
      system_metadata: { changed: 'yes' },
    };
    await ct.client('api-cell').instanceUpdateFromApi(ctxt, { instance: update, expected_vm_state: null, expected_task_state: null, admin_state_reset: false });
    await expect.poll(() => ct.store('child-cell2').instances.get(inst.uuid)?.user_data).toBe('bmV3IHVzZXIgZGF0YQ==');
    // The cell keeps its vm/task state and its metadata; only the other fields changed.
    expect(ct.store('child-cell2').instances.get(inst.uuid)).toMatchObject({
      display_name: 'renamed',
      vm_state: 'active',
      task_state: null,
      metadata: { role: 'web' },
      system_metadata: { image_base_image_ref: 'image-1' },
    });
  });

  it('test_instance_update_from_api_admin_state_reset', async () => {
    await using ct = await computeTree();
    const inst = built(ct);
    const update: Instance = { uuid: inst.uuid, cell_name: TARGET, user_data: 'eA==', vm_state: 'error', task_state: null, metadata: { x: 'y' }, system_metadata: { x: 'y' } };
    await ct.client('api-cell').instanceUpdateFromApi(ctxt, { instance: update, expected_vm_state: 'active', expected_task_state: [null], admin_state_reset: true });
    await expect.poll(() => ct.store('child-cell2').instances.get(inst.uuid)?.vm_state).toBe('error');
    expect(ct.store('child-cell2').instances.get(inst.uuid)).toMatchObject({ user_data: 'eA==', task_state: null, metadata: { role: 'web' }, system_metadata: { image_base_image_ref: 'image-1' } });
  });

  it('test_instance_update_from_api_calls_skip_cells_sync: a failed save writes nothing and sends nothing', async () => {
    await using ct = await computeTree();
    const inst = built(ct);
    const before = ct.store('child-cell2').instances.get(inst.uuid);
    await ct.client('api-cell').instanceUpdateFromApi(ctxt, {
      instance: { uuid: inst.uuid, cell_name: TARGET, user_data: 'bm8=' },
      expected_vm_state: null,
      expected_task_state: ['resize_prep'],
      admin_state_reset: false,
    });
    await expect.poll(() => ct.callsOf('instance_update_from_api').length).toBe(1);
    // The guard failed (the cell has no task running): the row, its cell_name included, is as it was.
    expect(ct.store('child-cell2').instances.get(inst.uuid)).toEqual(before);
    expect(ct.tree.cell('child-cell2').stats.sent).toBe(0);
  });

  it('test_instance_update_from_api_skips_cell_sync', async () => {
    await using ct = await computeTree();
    const inst = built(ct);
    const topBefore = atTop(ct, inst.uuid);
    await ct.client('api-cell').instanceUpdateFromApi(ctxt, {
      instance: { uuid: inst.uuid, cell_name: TARGET, display_name: 'from-api' },
      expected_vm_state: null,
      expected_task_state: null,
      admin_state_reset: false,
    });
    await expect.poll(() => ct.store('child-cell2').instances.get(inst.uuid)?.display_name).toBe('from-api');
    // No instance_update_at_top went back up: no sync loop.
    expect(ct.tree.cell('child-cell2').stats.sent).toBe(0);
    expect(ct.callsOf('instance_update_at_top')).toEqual([]);
    expect(atTop(ct, inst.uuid)).toEqual(topBefore);
  });

  it('test_start_instance', async () => {
    await using ct = await computeTree();
    const inst = built(ct, { vm_state: 'stopped', power_state: 4 });
    expect(await ct.client('api-cell').startInstance(ctxt, { instance: asArg(inst) })).toBeUndefined();
    await expect.poll(() => atTop(ct, inst.uuid)?.vm_state).toBe('active');
    expect(ct.store('child-cell2').instances.get(inst.uuid)).toMatchObject({ vm_state: 'active', power_state: 1, task_state: null });
    expect(eventsOf(ct.store('child-cell2'), inst.uuid)).toMatchObject([{ event: 'compute_start_instance', result: 'Success' }]);
    expect(ct.callsOf('start_instance')).toMatchObject([{ cell: 'child-cell2', needResponse: false }]);
  });

  it('test_stop_instance_cast', async () => {
    await using ct = await computeTree();
    const inst = built(ct);
    expect(await ct.client('api-cell').stopInstance(ctxt, { instance: asArg(inst), do_cast: true, clean_shutdown: true })).toBeUndefined();
    await expect.poll(() => atTop(ct, inst.uuid)?.vm_state).toBe('stopped');
    expect(ct.callsOf('stop_instance')).toMatchObject([{ needResponse: false }]);
    expect(eventsOf(ct.store('child-cell2'), inst.uuid)[0]!.details).toBe('{"clean_shutdown":true}');
  });

  it('test_stop_instance_call', async () => {
    await using ct = await computeTree();
    const inst = built(ct);
    const r = await ct.client('api-cell').stopInstance(ctxt, { instance: asArg(inst), do_cast: false, clean_shutdown: false });
    expect(r!.valueOrRaise()).toBeNull();
    // A call: by the time the answer is here, the cell and the top are both done.
    expect(ct.store('child-cell2').instances.get(inst.uuid)).toMatchObject({ vm_state: 'stopped', power_state: 4 });
    expect(atTop(ct, inst.uuid)).toMatchObject({ vm_state: 'stopped', power_state: 4 });
    expect(ct.callsOf('stop_instance')).toMatchObject([{ needResponse: true }]);
    expect(eventsOf(ct.store('child-cell2'), inst.uuid)[0]!.details).toBe('{"clean_shutdown":false}');
  });

  it('test_reboot_instance', async () => {
    await using ct = await computeTree();
    const inst = built(ct, { vm_state: 'stopped', power_state: 4 });
    await ct.client('api-cell').rebootInstance(ctxt, { instance: asArg(inst), reboot_type: 'HARD' });
    await expect.poll(() => atTop(ct, inst.uuid)?.vm_state).toBe('active');
    expect(eventsOf(ct.store('child-cell2'), inst.uuid)).toMatchObject([{ event: 'compute_reboot_instance', details: '{"reboot_type":"HARD"}' }]);
    // A soft reboot needs a running instance.
    const stopped = built(ct, { vm_state: 'stopped', power_state: 4 });
    const r = await ct.client('api-cell').runComputeApiMethod(ctxt, {
      cell_name: TARGET,
      method_info: { method: 'reboot', method_args: [stopped.uuid, 'SOFT'], method_kwargs: {} },
      call: true,
    });
    expect(() => r.valueOrRaise()).toThrow(InstanceInvalidState);
  });

  it('test_suspend_instance', async () => {
    await using ct = await computeTree();
    const inst = built(ct);
    await ct.client('api-cell').suspendInstance(ctxt, { instance: asArg(inst) });
    await expect.poll(() => atTop(ct, inst.uuid)?.vm_state).toBe('suspended');
    expect(ct.store('child-cell2').instances.get(inst.uuid)).toMatchObject({ vm_state: 'suspended', power_state: 7 });
    expect(actionsOf(ct.store('child-cell2'), inst.uuid)).toEqual(['suspend']);
  });

  it('test_resume_instance', async () => {
    await using ct = await computeTree();
    const inst = built(ct, { vm_state: 'suspended', power_state: 7 });
    await ct.client('api-cell').resumeInstance(ctxt, { instance: asArg(inst) });
    await expect.poll(() => atTop(ct, inst.uuid)?.vm_state).toBe('active');
    expect(ct.store('child-cell2').instances.get(inst.uuid)).toMatchObject({ power_state: 1 });
    expect(actionsOf(ct.store('child-cell2'), inst.uuid)).toEqual(['resume']);
  });

  it('test_get_host_uptime', async () => {
    await using ct = await computeTree();
    seedInstance(ct, TARGET);
    seedInstance(ct, TARGET);
    const r = await ct.client('api-cell').getHostUptime(ctxt, { cell_name: TARGET, host_name: 'child-cell2-host1' });
    // Two instances run on the host: load 0.50.
    expect(r.valueOrRaise()).toMatch(/ up 0:00, {2}0 users, {2}load average: 0\.50, 0\.50, 0\.50$/);
    const svc = ct.store('child-cell2').services.getByComputeHost('child-cell2-host2')!;
    ct.store('child-cell2').services.update(svc.id, { forced_down: true });
    const down = await ct.client('api-cell').getHostUptime(ctxt, { cell_name: TARGET, host_name: 'child-cell2-host2' });
    expect(() => down.valueOrRaise()).toThrow(ComputeServiceUnavailable);
    const unknown = await ct.client('api-cell').getHostUptime(ctxt, { cell_name: TARGET, host_name: 'nohost' });
    expect(() => unknown.valueOrRaise()).toThrow(ComputeHostNotFound);
  });

  it('test_terminate_instance', async () => {
    await using ct = await computeTree();
    const inst = built(ct);
    ct.store('api-cell').consoleTokens.create({ console_type: 'novnc', host: inst.host!, port: 5901, internal_access_path: null, instance_uuid: inst.uuid, access_url_base: null, expires: Date.now() + 60_000 });
    await ct.client('api-cell').terminateInstance(ctxt, { instance: asArg(inst) });
    await expect.poll(() => atTop(ct, inst.uuid)?.deleted).toBe(true);
    expect(ct.store('child-cell2').instances.get(inst.uuid, { readDeleted: true })).toMatchObject({ vm_state: 'deleted', deleted: true, power_state: 0 });
    expect(actionsOf(ct.store('child-cell2'), inst.uuid)).toEqual(['delete']);
    expect(ct.store('child-cell2').computeNodes.listByHost(inst.host!)[0]).toMatchObject({ memory_mb_used: 0, running_vms: 0 });
    // The top was told to destroy its copy and to drop the instance's console tokens.
    await expect.poll(() => ct.store('api-cell').consoleTokens.listByInstance(inst.uuid)).toEqual([]);
    expect(ct.callsOf('consoleauth_delete_tokens')).toMatchObject([{ cell: 'api-cell', args: { instance_uuid: inst.uuid } }]);
    expect(ct.callsOf('instance_destroy_at_top').map((c) => c.cell)).toEqual(['api-cell']);
  });

  it('test_soft_delete_instance', async () => {
    await using ct = await computeTree();
    const inst = built(ct);
    await ct.client('api-cell').softDeleteInstance(ctxt, { instance: asArg(inst) });
    await expect.poll(() => atTop(ct, inst.uuid)?.vm_state).toBe('soft-delete');
    expect(ct.store('child-cell2').instances.get(inst.uuid)).toMatchObject({ vm_state: 'soft-delete', power_state: 4, deleted: false });
    expect(atTop(ct, inst.uuid)!.deleted).toBe(false);
    expect(eventsOf(ct.store('child-cell2'), inst.uuid).map((e) => e.event)).toEqual(['compute_soft_delete_instance']);
  });

  it('test_pause_instance', async () => {
    await using ct = await computeTree();
    const inst = built(ct);
    await ct.client('api-cell').pauseInstance(ctxt, { instance: asArg(inst) });
    await expect.poll(() => atTop(ct, inst.uuid)?.vm_state).toBe('paused');
    expect(ct.store('child-cell2').instances.get(inst.uuid)).toMatchObject({ power_state: 3 });
  });

  it('test_unpause_instance', async () => {
    await using ct = await computeTree();
    const inst = built(ct, { vm_state: 'paused', power_state: 3 });
    await ct.client('api-cell').unpauseInstance(ctxt, { instance: asArg(inst) });
    await expect.poll(() => atTop(ct, inst.uuid)?.vm_state).toBe('active');
    expect(actionsOf(ct.store('child-cell2'), inst.uuid)).toEqual(['unpause']);
  });

  it('test_resize_instance', async () => {
    await using ct = await computeTree();
    const inst = built(ct);
    const medium = flavor('m1.medium');
    await ct.client('api-cell').resizeInstance(ctxt, { instance: asArg(inst), flavor: medium, extra_instance_updates: { cow: 'moo' }, clean_shutdown: true });
    await expect.poll(() => atTop(ct, inst.uuid)?.vm_state).toBe('resized');
    const row = ct.store('child-cell2').instances.get(inst.uuid)!;
    expect(row).toMatchObject({ vm_state: 'resized', task_state: null, flavor: medium, old_flavor: flavor('m1.small'), memory_mb: 4096, host: 'child-cell2-host2' });
    expect(JSON.stringify(row)).not.toContain('moo');
    expect(ct.store('child-cell2').migrations.list({ instance_uuid: inst.uuid })).toMatchObject([
      { migration_type: 'resize', status: 'finished', source_compute: 'child-cell2-host1', dest_compute: 'child-cell2-host2', old_instance_type_id: 2, new_instance_type_id: 3 },
    ]);
    // Both hosts hold resources until the resize is confirmed or reverted.
    const nodes = ct.store('child-cell2').computeNodes.list();
    expect(nodes.map((n) => n.memory_mb_used)).toEqual([2048, 4096]);
    expect(eventsOf(ct.store('child-cell2'), inst.uuid).find((e) => e.event === 'compute_resize_instance')!.details).toBe('{"clean_shutdown":true}');
    expect(atTop(ct, inst.uuid)).toMatchObject({ flavor: medium, host: 'child-cell2-host2' });
  });

  it('test_resize_instance_forced_shutdown', async () => {
    await using ct = await computeTree();
    const inst = built(ct);
    await ct.client('api-cell').resizeInstance(ctxt, { instance: asArg(inst), flavor: flavor('m1.large'), extra_instance_updates: {}, clean_shutdown: false });
    await expect.poll(() => atTop(ct, inst.uuid)?.vm_state).toBe('resized');
    expect(eventsOf(ct.store('child-cell2'), inst.uuid).find((e) => e.event === 'compute_resize_instance')!.details).toBe('{"clean_shutdown":false}');
  });

  it('test_live_migrate_instance', async () => {
    await using ct = await computeTree();
    const inst = built(ct);
    await ct.client('api-cell').liveMigrateInstance(ctxt, { instance: asArg(inst), block_migration: 'auto', disk_over_commit: false, host_name: 'child-cell2-host2' });
    await expect.poll(() => atTop(ct, inst.uuid)?.host).toBe('child-cell2-host2');
    expect(ct.store('child-cell2').instances.get(inst.uuid)).toMatchObject({ host: 'child-cell2-host2', vm_state: 'active', task_state: null });
    expect(ct.store('child-cell2').migrations.list({ migration_type: 'live-migration' })).toMatchObject([{ status: 'completed', dest_compute: 'child-cell2-host2' }]);
    expect(actionsOf(ct.store('child-cell2'), inst.uuid)).toEqual(['live-migration']);
    const check = eventsOf(ct.store('child-cell2'), inst.uuid).find((e) => e.event === 'compute_check_can_live_migrate_destination')!;
    expect(JSON.parse(check.details!)).toEqual({ block_migration: 'auto', disk_over_commit: false });
    expect(ct.store('child-cell2').computeNodes.list().map((n) => n.memory_mb_used)).toEqual([0, 2048]);
  });

  it('test_revert_resize', async () => {
    await using ct = await computeTree();
    const inst = built(ct);
    await ct.client('api-cell').resizeInstance(ctxt, { instance: asArg(inst), flavor: flavor('m1.medium'), extra_instance_updates: {} });
    await expect.poll(() => atTop(ct, inst.uuid)?.vm_state).toBe('resized');
    await ct.client('api-cell').revertResize(ctxt, { instance: asArg(inst) });
    await expect.poll(() => atTop(ct, inst.uuid)?.vm_state).toBe('active');
    expect(ct.store('child-cell2').instances.get(inst.uuid)).toMatchObject({ flavor: flavor('m1.small'), old_flavor: null, host: 'child-cell2-host1', memory_mb: 2048 });
    expect(ct.store('child-cell2').migrations.list({})).toMatchObject([{ status: 'reverted' }]);
    expect(ct.store('child-cell2').computeNodes.list().map((n) => n.memory_mb_used)).toEqual([2048, 0]);
    expect(atTop(ct, inst.uuid)).toMatchObject({ host: 'child-cell2-host1', flavor: flavor('m1.small') });
  });

  it('test_confirm_resize', async () => {
    await using ct = await computeTree();
    const inst = built(ct);
    await ct.client('api-cell').resizeInstance(ctxt, { instance: asArg(inst), flavor: flavor('m1.medium'), extra_instance_updates: {} });
    await expect.poll(() => atTop(ct, inst.uuid)?.vm_state).toBe('resized');
    await ct.client('api-cell').confirmResize(ctxt, { instance: asArg(inst) });
    await expect.poll(() => atTop(ct, inst.uuid)?.vm_state).toBe('active');
    expect(ct.store('child-cell2').instances.get(inst.uuid)).toMatchObject({ flavor: flavor('m1.medium'), old_flavor: null, new_flavor: null, host: 'child-cell2-host2' });
    expect(ct.store('child-cell2').migrations.list({})).toMatchObject([{ status: 'confirmed' }]);
    expect(ct.store('child-cell2').computeNodes.list().map((n) => n.memory_mb_used)).toEqual([0, 4096]);
    expect(actionsOf(ct.store('child-cell2'), inst.uuid)).toEqual(['confirmResize', 'resize']);
  });

  it('test_reset_network', async () => {
    await using ct = await computeTree();
    const inst = built(ct);
    await ct.client('api-cell').resetNetwork(ctxt, { instance: asArg(inst) });
    await expect.poll(() => actionsOf(ct.store('child-cell2'), inst.uuid)).toEqual(['resetNetwork']);
    await expect.poll(() => ct.callsOf('instance_update_at_top').length).toBe(1);
    expect(eventsOf(ct.store('child-cell2'), inst.uuid)).toMatchObject([{ event: 'compute_reset_network', result: 'Success' }]);
  });

  it('test_inject_network_info', async () => {
    await using ct = await computeTree();
    const inst = built(ct);
    await ct.client('api-cell').injectNetworkInfo(ctxt, { instance: asArg(inst) });
    await expect.poll(() => actionsOf(ct.store('child-cell2'), inst.uuid)).toEqual(['injectNetworkInfo']);
    expect(eventsOf(ct.store('child-cell2'), inst.uuid)).toMatchObject([{ event: 'compute_inject_network_info', result: 'Success' }]);
  });

  it('test_snapshot_instance', async () => {
    await using ct = await computeTree();
    const inst = built(ct);
    await ct.client('api-cell').snapshotInstance(ctxt, { instance: asArg(inst), image_id: 'image-id' });
    await expect.poll(() => ct.callsOf('instance_update_at_top').length).toBe(3);
    // image_snapshot_pending was saved (only if no task ran), then the host uploaded and finished.
    expect(ct.callsOf('instance_update_at_top').map((c) => (c.args as { instance: Instance }).instance.task_state)).toEqual(['image_snapshot_pending', 'image_uploading', null]);
    expect(ct.store('child-cell2').actions.list(inst.uuid)).toMatchObject([{ action: 'createImage', request_id: ctxt.request_id }]);
    expect(eventsOf(ct.store('child-cell2'), inst.uuid)).toMatchObject([{ event: 'compute_snapshot_instance', details: '{"image_id":"image-id"}', result: 'Success' }]);
    // A busy instance is refused by the expected task state: no action is recorded.
    const busy = built(ct, { task_state: 'rebooting' });
    await ct.client('api-cell').snapshotInstance(ctxt, { instance: asArg(busy), image_id: 'image-2' });
    await expect.poll(() => ct.callsOf('snapshot_instance').length).toBe(2);
    expect(ct.store('child-cell2').actions.list(busy.uuid)).toEqual([]);
    expect(ct.store('child-cell2').instances.get(busy.uuid)!.task_state).toBe('rebooting');
  });

  it('test_backup_instance', async () => {
    await using ct = await computeTree();
    const inst = built(ct);
    await ct.client('api-cell').backupInstance(ctxt, { instance: asArg(inst), image_id: 'image-id', backup_type: 'daily', rotation: 3 });
    await expect.poll(() => actionsOf(ct.store('child-cell2'), inst.uuid)).toEqual(['createBackup']);
    expect(eventsOf(ct.store('child-cell2'), inst.uuid)).toMatchObject([{ event: 'compute_backup_instance', result: 'Success' }]);
    expect(JSON.parse(eventsOf(ct.store('child-cell2'), inst.uuid)[0]!.details!)).toEqual({ image_id: 'image-id', backup_type: 'daily', rotation: 3 });
    await expect.poll(() => ct.callsOf('instance_update_at_top')[0]?.args).toMatchObject({ instance: { task_state: 'image_backup' } });
  });

  it('test_set_admin_password', async () => {
    await using ct = await computeTree();
    const inst = built(ct);
    await ct.client('api-cell').setAdminPassword(ctxt, { instance: asArg(inst), new_pass: 'fake-password' });
    await expect.poll(() => actionsOf(ct.store('child-cell2'), inst.uuid)).toEqual(['changePassword']);
    expect(eventsOf(ct.store('child-cell2'), inst.uuid)).toMatchObject([{ event: 'compute_set_admin_password', result: 'Success' }]);
    // The password is not kept anywhere.
    expect(JSON.stringify(ct.store('child-cell2').instances.get(inst.uuid))).not.toContain('fake-password');
    await expect.poll(() => ct.callsOf('instance_update_at_top').map((c) => (c.args as { instance: Instance }).instance.task_state)).toEqual(['updating_password', null]);
  });

  it('rebuild_instance (not in the reference suite): a new image, the task states, a rebuild action', async () => {
    await using ct = await computeTree();
    const inst = built(ct, { vm_state: 'stopped', power_state: 4 });
    await ct.client('api-cell').rebuildInstance(ctxt, {
      instance: asArg(inst),
      image_href: 'image-2',
      admin_password: 'secret',
      files_to_inject: [['/etc/motd', 'aGk=']],
      preserve_ephemeral: true,
      kwargs: { display_name: 'rebuilt', key_name: 'ignored' },
    });
    await expect.poll(() => atTop(ct, inst.uuid)?.image_ref).toBe('image-2');
    expect(ct.store('child-cell2').instances.get(inst.uuid)).toMatchObject({ image_ref: 'image-2', display_name: 'rebuilt', vm_state: 'stopped', task_state: null });
    expect(JSON.parse(eventsOf(ct.store('child-cell2'), inst.uuid)[0]!.details!)).toEqual({
      image_ref: 'image-2',
      preserve_ephemeral: true,
      files_injected: 1,
      admin_password_set: true,
    });
    const rebuilt = await ct.client('api-cell').runComputeApiMethod(ctxt, {
      cell_name: TARGET,
      method_info: { method: 'rebuild', method_args: [inst.uuid, 'image-3', null], method_kwargs: {} },
      call: true,
    });
    expect(rebuilt.valueOrRaise()).toBeNull();
    expect(ct.store('child-cell2').instances.get(inst.uuid)!.image_ref).toBe('image-3');
  });

  it('lifecycle in a grandchild with admin context reaches the top through the middle cell', async () => {
    await using ct = await computeTree();
    const inst = built(ct, { locked: true, locked_by: 'admin' }, GC1);
    // Locked: a non-admin stop is refused, an admin one goes through.
    const refused = await ct.client('api-cell').stopInstance(ctxt, { instance: asArg(inst), do_cast: false });
    expect(refused!.error?.message).toContain('is locked');
    // A state conflict: failed_precondition (it was invalid_argument before the SDK's new codes).
    expect(refused!.error).toMatchObject({ name: 'InstanceIsLocked', code: 'failed_precondition', cell: GC1, retryable: false });
    const r = await ct.client('api-cell').stopInstance(admin, { instance: asArg(inst), do_cast: false });
    expect(r!.cellName).toBe(GC1);
    expect(r!.valueOrRaise()).toBeNull();
    expect(atTop(ct, inst.uuid)).toMatchObject({ vm_state: 'stopped', cell_name: GC1 });
    // Nothing was written in the middle cell.
    expect(ct.store('child-cell2').instances.count({ readDeleted: true })).toBe(0);
  });

  it('an instance with no cell_name yet: nothing is sent, calls and casts alike answer undefined', async () => {
    await using ct = await computeTree();
    const inst = built(ct);
    const homeless = { ...asArg(inst), cell_name: null };
    // Changed with the SDK (target ifMissing 'skip'): as the reference, the runner logs and
    // returns undefined, for a call too (it used to reject with InstanceUnknownCell).
    await expect(ct.client('api-cell').stopInstance(ctxt, { instance: homeless, do_cast: false })).resolves.toBeUndefined();
    await expect(ct.client('api-cell').stopInstance(ctxt, { instance: homeless })).resolves.toBeUndefined();
    await expect(ct.client('api-cell').startInstance(ctxt, { instance: { uuid: inst.uuid } })).resolves.toBeUndefined();
    expect(ct.calls).toEqual([]);
    expect(ct.store('child-cell2').instances.get(inst.uuid)!.vm_state).toBe('active');
  });
});
