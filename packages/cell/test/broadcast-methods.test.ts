/**
 * The reference's CellsBroadcastMethodsTestCase (7.5, 30 tests), ported against the
 * reference handlers and a real SQLite store in every cell. Up (the default): the source
 * is grandchild-cell1, the middle child-cell2, the target api-cell. Down: the source is
 * api-cell with only child-cell2 below it (the reference trims its children), and the
 * target grandchild-cell1. As the caveats of 7.6 ask, "not below the top" is asserted
 * explicitly: on the handler runs recorded per cell and on the stores below the top.
 */
import { describe, expect, it } from 'vitest';
import { reversePath } from '@cellwire/core';
import type { BlockDeviceMapping, Instance } from '@cellwire/schema';
import { expectedTaskState, expectedVmState } from '../src/handlers/at-top.js';
import type { Store } from '../src/compute.js';
import { asArg, computeTree, ctxt, newUuid, seedInstance, type ComputeTree } from './helpers.js';

const SRC = 'grandchild-cell1';
const MID = 'child-cell2';
const TOP = 'api-cell';
/** The instance's cell as the top names it: the reversed routing path of grandchild-cell1 -> api-cell. */
const GC1_PATH = 'api-cell!child-cell2!grandchild-cell1';
/** The reference's "down" tree: api-cell's children trimmed to child-cell2. */
const DOWN_LAYOUT = { 'api-cell': ['child-cell2'], 'child-cell2': ['grandchild-cell1'] };

const up = () => computeTree();
const down = () => computeTree({ layout: DOWN_LAYOUT });

/** Everything written in a store, as one comparable value. */
function snapshot(store: Store) {
  return {
    instances: store.instances.list({}),
    faults: store.instances.list({}).flatMap((i) => store.faults.list(i.uuid)),
    bw: store.bwUsage.list(),
  };
}

/** Asserts that a top-only method ran at the top only and wrote nothing below it. */
function onlyAtTop(ct: ComputeTree, method: string, below: Record<string, ReturnType<typeof snapshot>>) {
  expect(ct.callsOf(method).map((c) => c.cell)).toEqual([TOP]);
  for (const [cell, before] of Object.entries(below)) expect(snapshot(ct.store(cell))).toEqual(before);
}

const belowTop = (ct: ComputeTree) => ({ [SRC]: snapshot(ct.store(SRC)), [MID]: snapshot(ct.store(MID)) });

describe('CellsBroadcastMethodsTestCase', () => {
  it('test_at_the_top', async () => {
    await using ct = await up();
    expect(ct.tree.cell(TOP).state.isTop()).toBe(true);
    expect(ct.tree.cell(MID).state.isTop()).toBe(false);
    expect(ct.tree.cell(SRC).state.isTop()).toBe(false);
    const before = belowTop(ct);
    const instance: Instance = { uuid: newUuid(), vm_state: 'active' };
    await ct.client(SRC).instanceUpdateAtTop(ctxt, { instance });
    await expect.poll(() => ct.store(TOP).instances.get(instance.uuid)?.vm_state).toBe('active');
    onlyAtTop(ct, 'instance_update_at_top', before);
  });

  it('test_apply_expected_states_building', async () => {
    expect(expectedVmState({ uuid: 'u', vm_state: 'building' })).toEqual(['building', null]);
    expect(expectedVmState({ uuid: 'u', vm_state: 'active' })).toBeNull();
    expect(expectedVmState({ uuid: 'u' })).toBeNull();
    // Against the top's store: a late "building" does not undo an instance already active.
    await using ct = await up();
    const uuid = newUuid();
    ct.store(TOP).instances.create({ uuid, vm_state: 'active' });
    await ct.client(SRC).instanceUpdateAtTop(ctxt, { instance: { uuid, vm_state: 'building', display_name: 'late' } });
    await expect.poll(() => ct.callsOf('instance_update_at_top').length).toBe(1);
    expect(ct.store(TOP).instances.get(uuid)).toMatchObject({ vm_state: 'active', display_name: null });
  });

  it('test_apply_expected_states_resize_finish', async () => {
    expect(expectedTaskState({ uuid: 'u', task_state: 'resize_finish' })).toEqual(['resize_finish', 'resize_migrated', 'resize_migrating', 'resize_prep']);
    expect(expectedTaskState({ uuid: 'u', task_state: 'resize_migrating' })).toEqual(['resize_migrating', 'resize_prep']);
    expect(expectedTaskState({ uuid: 'u', task_state: 'rebuild_spawning' })).toEqual(['rebuild_spawning', 'rebuild_block_device_mapping', 'rebuilding']);
    expect(expectedTaskState({ uuid: 'u', task_state: 'powering-off' })).toBeNull();
    expect(expectedTaskState({ uuid: 'u', task_state: null })).toBeNull();
    await using ct = await up();
    const idle = newUuid();
    const migrating = newUuid();
    ct.store(TOP).instances.create({ uuid: idle, vm_state: 'active', task_state: null });
    ct.store(TOP).instances.create({ uuid: migrating, vm_state: 'active', task_state: 'resize_migrated' });
    await ct.client(SRC).instanceUpdateAtTop(ctxt, { instance: { uuid: idle, task_state: 'resize_finish' } });
    await ct.client(SRC).instanceUpdateAtTop(ctxt, { instance: { uuid: migrating, task_state: 'resize_finish' } });
    await expect.poll(() => ct.store(TOP).instances.get(migrating)?.task_state).toBe('resize_finish');
    // The idle instance finished its resize long ago: the stale update is dropped.
    expect(ct.store(TOP).instances.get(idle)!.task_state).toBeNull();
  });

  it('test_instance_update_at_top', async () => {
    await using ct = await up();
    const uuid = newUuid();
    ct.store(TOP).instances.create({
      uuid,
      vm_state: 'active',
      display_name: 'old',
      metadata: { owner: 'api' },
      security_groups: [{ name: 'web' }],
      system_metadata: { a: '1' },
      info_cache: { network_info: [] },
      cell_name: 'wrong',
    });
    const before = belowTop(ct);
    const instance: Instance = {
      uuid,
      id: 42,
      cell_name: 'bogus',
      display_name: 'new',
      vm_state: 'stopped',
      power_state: 4,
      metadata: { owner: 'child' },
      security_groups: [{ name: 'other' }],
      system_metadata: { a: '2', b: '3' },
      info_cache: { network_info: [{ id: 'vif' }] },
    };
    await ct.client(SRC).instanceUpdateAtTop(ctxt, { instance });
    await expect.poll(() => ct.store(TOP).instances.get(uuid)?.display_name).toBe('new');
    const row = ct.store(TOP).instances.get(uuid)!;
    expect(row).toMatchObject({
      cell_name: GC1_PATH,
      vm_state: 'stopped',
      power_state: 4,
      // metadata and security groups stay the top's; info_cache and system_metadata are applied.
      metadata: { owner: 'api' },
      security_groups: [{ name: 'web' }],
      system_metadata: { a: '2', b: '3' },
      info_cache: { network_info: [{ id: 'vif' }] },
    });
    expect(row.id).not.toBe(42);
    expect(ct.store(TOP).instances.count()).toBe(1);
    expect(ct.callsOf('instance_update_at_top')[0]!.routingPath).toBe(reversePath(GC1_PATH));
    onlyAtTop(ct, 'instance_update_at_top', before);
  });

  it('test_instance_update_at_top_does_not_already_exist', async () => {
    await using ct = await up();
    const inst = seedInstance(ct, GC1_PATH, { cell_name: 'grandchild-cell1' });
    await ct.client(SRC).instanceUpdateAtTop(ctxt, { instance: asArg(inst) });
    await expect.poll(() => ct.store(TOP).instances.count()).toBe(1);
    const row = ct.store(TOP).instances.get(inst.uuid)!;
    expect(row).toMatchObject({ cell_name: GC1_PATH, vm_state: 'active', host: inst.host, flavor: inst.flavor, metadata: { role: 'web' } });
    expect(ct.store(MID).instances.count({ readDeleted: true })).toBe(0);
  });

  it('test_instance_update_at_top_with_building_state', async () => {
    await using ct = await up();
    const building = newUuid();
    ct.store(TOP).instances.create({ uuid: building, vm_state: 'building', task_state: 'scheduling' });
    await ct.client(SRC).instanceUpdateAtTop(ctxt, { instance: { uuid: building, vm_state: 'building', task_state: 'spawning', host: 'h1' } });
    await expect.poll(() => ct.store(TOP).instances.get(building)?.task_state).toBe('spawning');
    expect(ct.store(TOP).instances.get(building)!.host).toBe('h1');
  });

  it('test_instance_destroy_at_top', async () => {
    await using ct = await up();
    const inst = seedInstance(ct, GC1_PATH);
    ct.store(TOP).instances.create({ uuid: inst.uuid, vm_state: 'active', cell_name: GC1_PATH });
    ct.store(TOP).faults.create({ instance_uuid: inst.uuid, code: 500, message: 'boom' });
    const before = belowTop(ct);
    await ct.client(SRC).instanceDestroyAtTop(ctxt, { instance: asArg(inst) });
    await expect.poll(() => ct.store(TOP).instances.get(inst.uuid)).toBeUndefined();
    expect(ct.store(TOP).instances.get(inst.uuid, { readDeleted: true })).toMatchObject({ deleted: true });
    expect(ct.store(TOP).faults.list(inst.uuid)).toEqual([]);
    // The instance lives on in its own cell: only the top's copy went.
    onlyAtTop(ct, 'instance_destroy_at_top', before);
    expect(ct.store(SRC).instances.get(inst.uuid)).toBeDefined();
  });

  it('test_instance_destroy_at_top_incomplete_instance_obj', async () => {
    await using ct = await up();
    const uuid = newUuid();
    ct.store(TOP).instances.create({ uuid, vm_state: 'active' });
    await ct.client(SRC).instanceDestroyAtTop(ctxt, { instance: { uuid } });
    await expect.poll(() => ct.store(TOP).instances.get(uuid)).toBeUndefined();
    // A second destroy of an instance already gone is ignored.
    await ct.client(SRC).instanceDestroyAtTop(ctxt, { instance: { uuid } });
    await expect.poll(() => ct.callsOf('instance_destroy_at_top').length).toBe(2);
    expect(ct.store(TOP).instances.count({ readDeleted: true })).toBe(1);
  });

  it('test_instance_hard_delete_everywhere', async () => {
    await using ct = await down();
    const uuid = newUuid();
    for (const path of ['api-cell', 'api-cell!child-cell2', GC1_PATH]) seedInstance(ct, path, { uuid });
    await ct.client(TOP).instanceDeleteEverywhere(ctxt, { instance: { uuid }, delete_type: 'hard' });
    await expect.poll(() => ct.store(SRC).instances.get(uuid)).toBeUndefined();
    await expect.poll(() => ct.store(MID).instances.get(uuid)).toBeUndefined();
    // Not in the source (run_locally is false).
    expect(ct.callsOf('instance_delete_everywhere').map((c) => c.cell).sort()).toEqual([MID, SRC].sort());
    expect(ct.store(SRC).actions.list(uuid).map((a) => a.action)).toEqual(['delete']);
    expect(ct.store(MID).actions.list(uuid).map((a) => a.action)).toEqual(['delete']);
    expect(ct.store(TOP).actions.list(uuid)).toEqual([]);
  });

  it('test_instance_soft_delete_everywhere', async () => {
    await using ct = await down();
    const uuid = newUuid();
    for (const path of ['api-cell', 'api-cell!child-cell2', GC1_PATH]) seedInstance(ct, path, { uuid });
    await ct.client(TOP).instanceDeleteEverywhere(ctxt, { instance: { uuid }, delete_type: 'soft' });
    await expect.poll(() => ct.store(SRC).instances.get(uuid)?.vm_state).toBe('soft-delete');
    await expect.poll(() => ct.store(MID).instances.get(uuid)?.vm_state).toBe('soft-delete');
    expect(ct.callsOf('instance_delete_everywhere').map((c) => c.cell).sort()).toEqual([MID, SRC].sort());
    expect(ct.store(SRC).instances.get(uuid)!.deleted).toBe(false);
  });

  it('test_instance_fault_create_at_top', async () => {
    await using ct = await up();
    const uuid = newUuid();
    const before = belowTop(ct);
    await ct.client(SRC).instanceFaultCreateAtTop(ctxt, {
      instance_fault: { id: 999, instance_uuid: uuid, code: 500, message: 'NoValidHost', details: 'traceback...', host: 'grandchild-cell1-host1' },
    });
    await expect.poll(() => ct.store(TOP).faults.list(uuid)).toHaveLength(1);
    const [fault] = ct.store(TOP).faults.list(uuid);
    // Created without the sender's id.
    expect(fault).toMatchObject({ id: 1, instance_uuid: uuid, code: 500, message: 'NoValidHost', details: 'traceback...', host: 'grandchild-cell1-host1' });
    expect(ct.store(SRC).faults.list(uuid)).toEqual([]);
    onlyAtTop(ct, 'instance_fault_create_at_top', before);
  });

  it('test_bw_usage_update_at_top', async () => {
    await using ct = await up();
    const info = { uuid: newUuid(), mac: 'fa:16:3e:00:00:01', start_period: '2019-04-01T00:00:00Z', bw_in: 100, bw_out: 200, last_ctr_in: 10, last_ctr_out: 20, last_refreshed: '2019-04-04T12:00:00Z' };
    const before = belowTop(ct);
    await ct.client(SRC).bwUsageUpdateAtTop(ctxt, { bw_update_info: info });
    await expect.poll(() => ct.store(TOP).bwUsage.list(info.uuid)).toHaveLength(1);
    await ct.client(SRC).bwUsageUpdateAtTop(ctxt, { bw_update_info: { ...info, bw_in: 300 } });
    await expect.poll(() => ct.store(TOP).bwUsage.list(info.uuid)[0]?.bw_in).toBe(300);
    expect(ct.store(TOP).bwUsage.list()).toHaveLength(1);
    expect(ct.callsOf('bw_usage_update_at_top').map((c) => c.cell)).toEqual([TOP, TOP]);
    for (const [cell, b] of Object.entries(before)) expect(snapshot(ct.store(cell))).toEqual(b);
  });

  it('test_sync_instances', async () => {
    await using ct = await down();
    const live = [seedInstance(ct, 'api-cell!child-cell2'), seedInstance(ct, GC1_PATH)];
    const gone = [seedInstance(ct, 'api-cell!child-cell2'), seedInstance(ct, GC1_PATH)];
    const other = seedInstance(ct, GC1_PATH, { project_id: 'other-project' });
    ct.store(MID).instances.destroy(gone[0]!.uuid);
    ct.store(SRC).instances.destroy(gone[1]!.uuid);
    // The top holds stale copies of the deleted ones.
    for (const g of gone) ct.store(TOP).instances.create({ uuid: g.uuid, vm_state: 'active' });
    await ct.client(TOP).syncInstances(ctxt, { project_id: 'fake-project', updated_since: '2000-01-01T00:00:00Z', deleted: true });
    await expect.poll(() => live.every((i) => ct.store(TOP).instances.get(i.uuid)?.vm_state === 'active')).toBe(true);
    await expect.poll(() => gone.every((g) => ct.store(TOP).instances.get(g.uuid) === undefined)).toBe(true);
    // The middle and the target each walked their instances, in that order; not the source.
    expect(ct.callsOf('sync_instances').map((c) => c.cell)).toEqual([MID, SRC]);
    expect(ct.callsOf('instance_destroy_at_top')).toHaveLength(2);
    expect(ct.store(TOP).instances.get(other.uuid)).toBeUndefined();
    expect(ct.store(TOP).instances.get(live[1]!.uuid)!.cell_name).toBe(GC1_PATH);
    expect(ct.store(TOP).instances.get(live[0]!.uuid)!.cell_name).toBe('api-cell!child-cell2');
    // updated_since in the future: nothing is sent.
    const sent = ct.callsOf('instance_update_at_top').length;
    await ct.client(TOP).syncInstances(ctxt, { updated_since: '2999-01-01T00:00:00Z' });
    await expect.poll(() => ct.callsOf('sync_instances').length).toBe(4);
    expect(ct.callsOf('instance_update_at_top').length).toBe(sent);
  });

  it('sync_instances walks the store page by page (not in the reference suite)', async () => {
    await using ct = await computeTree({ layout: DOWN_LAYOUT, deps: () => ({ syncPageSize: 2 }) });
    const uuids = Array.from({ length: 5 }, () => seedInstance(ct, GC1_PATH).uuid);
    ct.store(SRC).instances.destroy(uuids[0]!);
    await ct.client(TOP).syncInstances(ctxt, { deleted: false });
    await expect.poll(() => uuids.slice(1).every((u) => ct.store(TOP).instances.get(u) !== undefined)).toBe(true);
    // Deleted instances are left out unless asked for.
    expect(ct.store(TOP).instances.get(uuids[0]!, { readDeleted: true })).toBeUndefined();
    expect(ct.callsOf('instance_update_at_top')).toHaveLength(4);
    expect(ct.callsOf('instance_destroy_at_top')).toHaveLength(0);
  });

  it('test_service_get_all_with_disabled', async () => {
    await using ct = await down();
    ct.store(TOP).services.create({ host: 'api-host', binary: 'nova-cells', topic: 'cells' });
    ct.store(TOP).services.create({ host: 'api-host', binary: 'nova-conductor', topic: 'conductor' });
    const svc = ct.store(MID).services.getByComputeHost('child-cell2-host2')!;
    ct.store(MID).services.update(svc.id, { disabled: true });
    const responses = await ct.client(TOP).serviceGetAll(ctxt, { filters: null });
    // The deepest first and the source last.
    expect(responses.map((r) => r.cellName)).toEqual([GC1_PATH, 'api-cell!child-cell2', 'api-cell']);
    expect(responses.map((r) => r.valueOrRaise().map((s) => `${s.host}/${s.binary}`))).toEqual([
      ['grandchild-cell1-host1/nova-compute', 'grandchild-cell1-host2/nova-compute'],
      ['child-cell2-host1/nova-compute', 'child-cell2-host2/nova-compute'],
      ['api-host/nova-cells', 'api-host/nova-conductor'],
    ]);
    expect(responses[1]!.valueOrRaise()[1]!.disabled).toBe(true);
  });

  it('test_service_get_all_without_disabled', async () => {
    await using ct = await down();
    const svc = ct.store(MID).services.getByComputeHost('child-cell2-host2')!;
    ct.store(MID).services.update(svc.id, { disabled: true });
    const responses = await ct.client(TOP).serviceGetAll(ctxt, { filters: { disabled: false } });
    expect(responses.map((r) => r.valueOrRaise().map((s) => s.host))).toEqual([['grandchild-cell1-host1', 'grandchild-cell1-host2'], ['child-cell2-host1'], []]);
    // The other filters must equal the service's fields.
    const byHost = await ct.client(TOP).serviceGetAll(ctxt, { filters: { host: 'grandchild-cell1-host2', binary: 'nova-compute' } });
    expect(byHost.map((r) => r.valueOrRaise().length)).toEqual([1, 0, 0]);
  });

  it('test_task_log_get_all_broadcast', async () => {
    await using ct = await down();
    const period = { period_beginning: '2019-04-04T10:00:00Z', period_ending: '2019-04-04T11:00:00Z' };
    for (const cell of [SRC, MID]) {
      ct.store(cell).taskLogs.record({ task_name: 'instance_usage_audit', state: 'DONE', host: `${cell}-host1`, ...period, message: 'ok', task_items: 1, errors: 0 });
    }
    const responses = await ct.client(TOP).taskLogGetAll(ctxt, { task_name: 'instance_usage_audit', ...period });
    expect(responses.map((r) => r.cellName)).toEqual([GC1_PATH, 'api-cell!child-cell2', 'api-cell']);
    expect(responses.map((r) => r.valueOrRaise().map((t) => t.host))).toEqual([['grandchild-cell1-host1'], ['child-cell2-host1'], []]);
  });

  it('test_compute_node_get_all', async () => {
    await using ct = await down();
    const responses = await ct.client(TOP).computeNodeGetAll(ctxt, {});
    expect(responses.map((r) => r.cellName)).toEqual([GC1_PATH, 'api-cell!child-cell2', 'api-cell']);
    expect(responses.map((r) => r.valueOrRaise().map((n) => n.hypervisor_hostname))).toEqual([
      ['grandchild-cell1-host1', 'grandchild-cell1-host2'],
      ['child-cell2-host1', 'child-cell2-host2'],
      [],
    ]);
    expect(responses[0]!.valueOrRaise()[0]).toEqual(ct.store(SRC).computeNodes.list()[0]);
  });

  it('test_compute_node_get_all_with_hyp_match', async () => {
    await using ct = await down();
    const responses = await ct.client(TOP).computeNodeGetAll(ctxt, { hypervisor_match: 'host2' });
    expect(responses.map((r) => r.valueOrRaise().map((n) => n.hypervisor_hostname))).toEqual([['grandchild-cell1-host2'], ['child-cell2-host2'], []]);
  });

  it('test_compute_node_stats', async () => {
    await using ct = await down();
    seedInstance(ct, GC1_PATH);
    const responses = await ct.client(TOP).computeNodeStats(ctxt, {});
    expect(responses.map((r) => r.cellName)).toEqual([GC1_PATH, 'api-cell!child-cell2', 'api-cell']);
    const [gc1, c2, api] = responses.map((r) => r.valueOrRaise());
    expect(gc1).toMatchObject({ count: 2, vcpus: 32, memory_mb: 65536, memory_mb_used: 2048, free_ram_mb: 65536 - 2048, running_vms: 1, vcpus_used: 1, local_gb_used: 20 });
    expect(c2).toMatchObject({ count: 2, memory_mb_used: 0, running_vms: 0 });
    expect(api).toMatchObject({ count: 0, vcpus: 0 });
    // What the caller does: sum per key.
    const total = responses.map((r) => r.valueOrRaise()).reduce((a, b) => ({ ...a, count: a.count + b.count, memory_mb: a.memory_mb + b.memory_mb }));
    expect(total).toMatchObject({ count: 4, memory_mb: 4 * 32768 });
  });

  it('test_consoleauth_delete_tokens', async () => {
    await using ct = await up();
    const uuid = newUuid();
    const token = { console_type: 'novnc', host: 'h', port: 5901, internal_access_path: null, instance_uuid: uuid, access_url_base: null, expires: Date.now() + 60_000 };
    for (const cell of [TOP, MID, SRC]) ct.store(cell).consoleTokens.create(token);
    await ct.client(SRC).consoleauthDeleteTokens(ctxt, { instance_uuid: uuid });
    await expect.poll(() => ct.store(TOP).consoleTokens.listByInstance(uuid)).toEqual([]);
    expect(ct.store(MID).consoleTokens.listByInstance(uuid)).toHaveLength(1);
    expect(ct.store(SRC).consoleTokens.listByInstance(uuid)).toHaveLength(1);
    expect(ct.callsOf('consoleauth_delete_tokens').map((c) => c.cell)).toEqual([TOP]);
  });

  const vdb = (uuid: string, extra: Partial<BlockDeviceMapping> = {}): BlockDeviceMapping => ({
    instance_uuid: uuid,
    source_type: 'volume',
    destination_type: 'volume',
    device_name: '/dev/vdb',
    volume_id: 'vol-2',
    volume_size: 10,
    delete_on_termination: false,
    ...extra,
  });

  /** Two mappings at the top: id 1 (/dev/vda, vol-1) and id 2 (/dev/vdb, vol-2). */
  function twoBdms(ct: ComputeTree, uuid: string) {
    ct.store(TOP).bdms.create(vdb(uuid, { device_name: '/dev/vda', volume_id: 'vol-1', boot_index: 0 }));
    ct.store(TOP).bdms.create(vdb(uuid));
  }

  it('test_bdm_update_or_create_with_none_create', async () => {
    await using ct = await up();
    const uuid = newUuid();
    twoBdms(ct, uuid);
    await ct.client(SRC).bdmUpdateOrCreateAtTop(ctxt, { bdm: vdb(uuid, { id: 77, volume_size: 20 }), create: null });
    await expect.poll(() => ct.store(TOP).bdms.get(2)?.volume_size).toBe(20);
    // Matched by device name: updated in place, nothing created, the sender's id not used.
    await ct.client(SRC).bdmUpdateOrCreateAtTop(ctxt, { bdm: vdb(uuid, { id: 78, device_name: '/dev/vdc', volume_id: 'vol-3' }) });
    await expect.poll(() => ct.store(TOP).bdms.listByInstance(uuid).map((b) => b.id)).toEqual([1, 2, 3]);
    expect(ct.callsOf('bdm_update_or_create_at_top').map((c) => c.cell)).toEqual([TOP, TOP]);
    expect(ct.store(SRC).bdms.listByInstance(uuid)).toEqual([]);
  });

  it('test_bdm_update_or_create_with_true_create', async () => {
    await using ct = await up();
    const uuid = newUuid();
    twoBdms(ct, uuid);
    await ct.client(SRC).bdmUpdateOrCreateAtTop(ctxt, { bdm: vdb(uuid, { id: 2 }), create: true });
    // Created as a new row (the intended expectation: without the sender's id).
    await expect.poll(() => ct.store(TOP).bdms.listByInstance(uuid)).toHaveLength(3);
    expect(ct.store(TOP).bdms.get(3)).toMatchObject({ device_name: '/dev/vdb', volume_id: 'vol-2' });
    expect(ct.store(MID).bdms.listByInstance(uuid)).toEqual([]);
  });

  it('test_bdm_update_or_create_with_false_create_vol_id', async () => {
    await using ct = await up();
    const uuid = newUuid();
    twoBdms(ct, uuid);
    await ct.client(SRC).bdmUpdateOrCreateAtTop(ctxt, { bdm: vdb(uuid, { id: 9, device_name: null, volume_size: 50 }), create: false });
    await expect.poll(() => ct.store(TOP).bdms.get(2)?.volume_size).toBe(50);
    expect(ct.store(TOP).bdms.listByInstance(uuid)).toHaveLength(2);
    expect(ct.store(TOP).bdms.get(1)!.volume_size).toBe(10);
  });

  it('test_bdm_update_or_create_with_false_create_dev_name', async () => {
    await using ct = await up();
    const uuid = newUuid();
    twoBdms(ct, uuid);
    await ct.client(SRC).bdmUpdateOrCreateAtTop(ctxt, { bdm: vdb(uuid, { volume_id: null, connection_info: '{"driver":"iscsi"}' }), create: false });
    await expect.poll(() => ct.store(TOP).bdms.get(2)?.connection_info).toBe('{"driver":"iscsi"}');
    // No match at all: nothing is written.
    await ct.client(SRC).bdmUpdateOrCreateAtTop(ctxt, { bdm: vdb(uuid, { device_name: '/dev/vdz', volume_id: 'vol-9' }), create: false });
    await expect.poll(() => ct.callsOf('bdm_update_or_create_at_top').length).toBe(2);
    expect(ct.store(TOP).bdms.listByInstance(uuid)).toHaveLength(2);
  });

  it('test_bdm_destroy_by_volume', async () => {
    await using ct = await up();
    const uuid = newUuid();
    twoBdms(ct, uuid);
    await ct.client(SRC).bdmDestroyAtTop(ctxt, { instance_uuid: uuid, volume_id: 'vol-2' });
    await expect.poll(() => ct.store(TOP).bdms.listByInstance(uuid).map((b) => b.volume_id)).toEqual(['vol-1']);
    expect(ct.callsOf('bdm_destroy_at_top').map((c) => c.cell)).toEqual([TOP]);
  });

  it('test_bdm_destroy_by_device', async () => {
    await using ct = await up();
    const uuid = newUuid();
    twoBdms(ct, uuid);
    await ct.client(SRC).bdmDestroyAtTop(ctxt, { instance_uuid: uuid, device_name: '/dev/vda', volume_id: 'vol-2' });
    // The device name wins over the volume id.
    await expect.poll(() => ct.store(TOP).bdms.listByInstance(uuid).map((b) => b.device_name)).toEqual(['/dev/vdb']);
  });

  it('test_get_migrations', async () => {
    await using ct = await down();
    for (const cell of [TOP, MID, SRC]) ct.store(cell).migrations.create({ instance_uuid: newUuid(), status: 'finished', migration_type: 'resize', source_compute: `${cell}-host1` });
    const responses = await ct.client(TOP).getMigrations(ctxt, { filters: { status: 'finished' } });
    // run_locally defaults to false: the middle and the target only.
    expect(responses.map((r) => r.cellName)).toEqual([GC1_PATH, 'api-cell!child-cell2']);
    expect(responses.map((r) => r.valueOrRaise().map((m) => m.source_compute))).toEqual([['grandchild-cell1-host1'], ['child-cell2-host1']]);
    expect(ct.callsOf('get_migrations').map((c) => c.cell).sort()).toEqual([MID, SRC].sort());
  });

  it('test_get_keypair_at_top', async () => {
    await using ct = await up();
    const kp = ct.store(TOP).keypairs.create({ name: 'mykey', user_id: 'fake-user', fingerprint: 'aa:bb', public_key: 'ssh-rsa AAAA', type: 'ssh' });
    const responses = await ct.client(SRC).getKeypairAtTop(ctxt, { user_id: 'fake-user', name: 'mykey' });
    expect(ct.callsOf('get_keypair_at_top').map((c) => c.cell)).toEqual([TOP]);
    const found = responses.map((r) => r.valueOrRaise()).filter((v) => v !== null);
    expect(found).toEqual([kp]);
  });

  it('test_get_keypair_at_top_with_objects_exception', async () => {
    await using ct = await up();
    const responses = await ct.client(SRC).getKeypairAtTop(ctxt, { user_id: 'fake-user', name: 'missing' });
    expect(responses.length).toBeGreaterThan(0);
    expect(responses.every((r) => !r.failure && r.valueOrRaise() === null)).toBe(true);
  });

  it('test_get_keypair_at_top_with_process_response', async () => {
    await using ct = await up();
    ct.store(TOP).keypairs.create({ name: 'k', user_id: 'u', fingerprint: 'f', public_key: 'p', type: 'ssh' });
    const responses = await ct.client(SRC).getKeypairAtTop(ctxt, { user_id: 'u', name: 'k' });
    // The broadcast's whole list comes back as is: the middle (null) then the top, each named by its path.
    expect(responses.map((r) => r.cellName)).toEqual(['grandchild-cell1!child-cell2!api-cell', 'grandchild-cell1!child-cell2']);
    expect(responses.map((r) => (r.valueOrRaise() === null ? null : 'keypair'))).toEqual(['keypair', null]);
  });
});
