/**
 * build_instances and the cells scheduler over the 8-cell tree: capacities and
 * capabilities reported up by the cells themselves, filters, weights, retries, building
 * in the chosen cell and syncing to the top, and the error path when nothing fits.
 */
import { describe, expect, it } from 'vitest';
import type { BuildInstancesKwargs, Capacities, Flavor, Instance } from '@cellwire/schema';
import { matchesVersion, weighCells, type CellCandidate } from '../src/handlers/scheduler.js';
import { computeCapacities, type HostConfig } from '../src/compute.js';
import { admin, computeTree, ctxt, defaultHosts, flavor, newUuid, type ComputeTree } from './helpers.js';

const LEAVES = ['child-cell1', 'grandchild-cell1', 'grandchild-cell2', 'grandchild-cell3', 'child-cell4'];

/** Every cell tells its parents its capacities and capabilities (leaves first, cascading up). */
async function report(ct: ComputeTree): Promise<void> {
  for (const leaf of LEAVES) {
    await ct.state(leaf).tellParentsOurCapacities(ctxt);
    await ct.state(leaf).tellParentsOurCapabilities(ctxt);
  }
  const api = ct.tree.cell('api-cell');
  const expected = [...ct.stores.values()].reduce((n, s) => n + (computeCapacities(s, {}).ram_free?.total_mb ?? 0), 0);
  await expect.poll(() => api.state.getOurCapacities().ram_free?.total_mb ?? 0).toBe(expected);
}

function kwargs(uuids: string[], f: Flavor = flavor('m1.small'), extra: Partial<BuildInstancesKwargs> = {}): BuildInstancesKwargs {
  return {
    instances: uuids.map((uuid, i): Instance => ({ uuid, display_name: `vm-${i}`, project_id: 'fake-project', user_id: 'fake-user', metadata: { n: String(i) } })),
    image: { id: 'image-1', min_ram: 0, properties: {} },
    filter_properties: { instance_type: f },
    admin_password: null,
    injected_files: [],
    requested_networks: null,
    security_groups: ['default'],
    block_device_mapping: [],
    legacy_bdm: false,
    ...extra,
  };
}

const topRow = (ct: ComputeTree, uuid: string) => ct.store('api-cell').instances.get(uuid);

/** Bigger hosts in one cell, so the scheduler has a clear favourite. */
const hostsWithBig = (big: string) => (cell: string): HostConfig[] =>
  cell === big ? [{ name: `${cell}-big`, vcpus: 64, memory_mb: 262144, local_gb: 4000 }] : defaultHosts(cell);

describe('build_instances and the cells scheduler', () => {
  it('builds in the cell with the most free RAM for the flavor, passing down through the middle cell', async () => {
    await using ct = await computeTree({ hosts: hostsWithBig('grandchild-cell3') });
    await report(ct);
    const uuids = [newUuid(), newUuid()];
    await ct.client('api-cell').buildInstances(ctxt, { target_cell: 'api-cell', build_inst_kwargs: kwargs(uuids) });
    await expect.poll(() => uuids.map((u) => topRow(ct, u)?.vm_state)).toEqual(['active', 'active']);
    // api-cell chose child-cell3 (it sums grandchild-cell3), which chose grandchild-cell3.
    expect(ct.callsOf('build_instances').map((c) => `${c.cell}:${c.routingPath}`)).toEqual([
      'api-cell:api-cell',
      'child-cell3:api-cell!child-cell3',
      'grandchild-cell3:child-cell3!grandchild-cell3',
    ]);
    const gc3 = ct.store('grandchild-cell3');
    for (const u of uuids) {
      expect(gc3.instances.get(u)).toMatchObject({ vm_state: 'active', power_state: 1, task_state: null, host: 'grandchild-cell3-big', flavor: flavor('m1.small') });
      expect(gc3.actions.list(u).map((a) => a.action)).toEqual(['create']);
      expect(gc3.actions.eventsOf(gc3.actions.list(u)[0]!.id)).toMatchObject([{ event: 'compute__do_build_and_run_instance', result: 'Success' }]);
      expect(topRow(ct, u)).toMatchObject({ cell_name: 'api-cell!child-cell3!grandchild-cell3', host: 'grandchild-cell3-big', security_groups: [{ name: 'default' }] });
    }
    expect(gc3.instances.get(uuids[1]!)!.launch_index).toBe(1);
    // Resources were claimed: the cell's capacity dropped by two m1.small.
    expect(gc3.computeNodes.list()[0]).toMatchObject({ memory_mb_used: 4096, running_vms: 2, vcpus_used: 2, local_gb_used: 40 });
    // The middle cell stored nothing.
    expect(ct.store('child-cell3').instances.count({ readDeleted: true })).toBe(0);
  });

  it('a mute child is penalised below any live one', async () => {
    await using ct = await computeTree({ hosts: hostsWithBig('child-cell1'), muteChildIntervalMs: 60_000 });
    await report(ct);
    // child-cell1 has the most room but has not reported for longer than the mute interval.
    ct.tree.cell('api-cell').state.children.get('child-cell1')!.lastSeen = Date.now() - 120_000;
    const uuid = newUuid();
    await ct.client('api-cell').buildInstances(ctxt, { target_cell: 'api-cell', build_inst_kwargs: kwargs([uuid]) });
    await expect.poll(() => topRow(ct, uuid)?.vm_state).toBe('active');
    expect(topRow(ct, uuid)!.cell_name).not.toContain('child-cell1');
    expect(ct.store('child-cell1').instances.count()).toBe(0);
  });

  it('the target_cell hint (admin) sends the build straight to that cell; a user hint is dropped', async () => {
    await using ct = await computeTree({ hosts: hostsWithBig('child-cell1') });
    await report(ct);
    const forced = newUuid();
    const k = kwargs([forced], flavor('m1.small'), { filter_properties: { instance_type: flavor('m1.small'), scheduler_hints: { target_cell: 'api-cell!child-cell3!grandchild-cell2' } } });
    await ct.client('api-cell').buildInstances(admin, { target_cell: 'api-cell', build_inst_kwargs: k });
    await expect.poll(() => topRow(ct, forced)?.cell_name).toBe('api-cell!child-cell3!grandchild-cell2');
    // Straight there: child-cell3 only relayed the targeted message, it did not schedule.
    expect(ct.callsOf('build_instances').map((c) => c.cell)).toEqual(['api-cell', 'grandchild-cell2']);
    // The hint did not travel on.
    expect((ct.callsOf('build_instances')[1]!.args as { build_inst_kwargs: BuildInstancesKwargs }).build_inst_kwargs.filter_properties.scheduler_hints).toEqual({});
    const user = newUuid();
    const k2 = kwargs([user], flavor('m1.small'), { filter_properties: { instance_type: flavor('m1.small'), scheduler_hints: { target_cell: 'api-cell!child-cell4' } } });
    await ct.client('api-cell').buildInstances(ctxt, { target_cell: 'api-cell', build_inst_kwargs: k2 });
    await expect.poll(() => topRow(ct, user)?.cell_name).toBe('api-cell!child-cell1');
  });

  it('different_cell and image properties filter the cells', async () => {
    await using ct = await computeTree({
      hosts: hostsWithBig('child-cell1'),
      capabilities: (cell) =>
        cell === 'child-cell4' ? { hypervisor: ['xen'], prominent_hypervisor_version: ['7.1'] } : { hypervisor: ['kvm'], prominent_hypervisor_version: ['6.2'] },
    });
    await report(ct);
    const avoid = newUuid();
    const k = kwargs([avoid], flavor('m1.small'), { filter_properties: { instance_type: flavor('m1.small'), scheduler_hints: { different_cell: ['api-cell!child-cell1'] } } });
    await ct.client('api-cell').buildInstances(admin, { target_cell: 'api-cell', build_inst_kwargs: k });
    await expect.poll(() => topRow(ct, avoid)?.vm_state).toBe('active');
    expect(topRow(ct, avoid)!.cell_name).not.toBe('api-cell!child-cell1');
    const xen = newUuid();
    await ct.client('api-cell').buildInstances(ctxt, {
      target_cell: 'api-cell',
      build_inst_kwargs: kwargs([xen], flavor('m1.small'), { image: { id: 'image-x', properties: { hypervisor_type: 'xen', hypervisor_version_requires: '>=7.0,<8' } } }),
    });
    await expect.poll(() => topRow(ct, xen)?.cell_name).toBe('api-cell!child-cell4');
    expect(ct.store('child-cell4').instances.get(xen)!.system_metadata).toMatchObject({ image_base_image_ref: 'image-x', image_hypervisor_type: 'xen' });
  });

  it('nothing fits: the instances go to error at the top, with a fault', async () => {
    await using ct = await computeTree();
    await report(ct);
    const uuids = [newUuid(), newUuid()];
    const huge: Flavor = { id: 99, flavorid: '99', name: 'huge', memory_mb: 1_000_000, vcpus: 64, root_gb: 10, ephemeral_gb: 0, swap: 0 };
    await ct.client('api-cell').buildInstances(ctxt, { target_cell: 'api-cell', build_inst_kwargs: kwargs(uuids, huge) });
    await expect.poll(() => uuids.map((u) => topRow(ct, u)?.vm_state)).toEqual(['error', 'error']);
    expect(topRow(ct, uuids[0]!)).toMatchObject({ task_state: null, flavor: huge, cell_name: null });
    expect(ct.store('api-cell').faults.list(uuids[0]!)).toMatchObject([{ code: 500, message: 'NoCellsAvailable' }]);
    for (const cell of ct.stores.keys()) if (cell !== 'api-cell') expect(ct.store(cell).instances.count({ readDeleted: true })).toBe(0);
  });

  it('a leaf with no room sends error up; an instance no host can take fails with NoValidHost', async () => {
    await using ct = await computeTree({ hosts: (cell) => (cell === 'child-cell4' ? [{ name: 'tiny-host', vcpus: 2, memory_mb: 3000, local_gb: 100 }] : defaultHosts(cell)) });
    const uuid = newUuid();
    // child-cell4 schedules among itself only (no children): one m1.medium does not fit its 3000 MB.
    await ct.client('api-cell').buildInstances(ctxt, { target_cell: 'api-cell!child-cell4', build_inst_kwargs: kwargs([uuid], flavor('m1.medium')) });
    await expect.poll(() => topRow(ct, uuid)?.vm_state).toBe('error');
    await expect.poll(() => ct.store('api-cell').faults.list(uuid).map((f) => f.message)).toEqual(['NoCellsAvailable']);
    expect(topRow(ct, uuid)!.cell_name).toBe('api-cell!child-cell4');
    expect(ct.store('child-cell4').instances.count({ readDeleted: true })).toBe(0);
    // Two m1.tiny fit (reserve included): both build on the one host.
    const two = [newUuid(), newUuid()];
    await ct.client('api-cell').buildInstances(ctxt, { target_cell: 'api-cell!child-cell4', build_inst_kwargs: kwargs(two, flavor('m1.tiny')) });
    await expect.poll(() => two.map((u) => topRow(ct, u)?.vm_state)).toEqual(['active', 'active']);
    expect(ct.store('child-cell4').computeNodes.list()[0]).toMatchObject({ memory_mb_used: 1024, running_vms: 2 });
    // The cell fits, but the forced host does not exist: created here, then error with NoValidHost.
    const forced = newUuid();
    const k = kwargs([forced], flavor('m1.tiny'), { filter_properties: { instance_type: flavor('m1.tiny'), force_hosts: ['nohost'] } });
    await ct.client('api-cell').buildInstances(ctxt, { target_cell: 'api-cell!child-cell4', build_inst_kwargs: k });
    await expect.poll(() => topRow(ct, forced)?.vm_state).toBe('error');
    expect(ct.store('child-cell4').instances.get(forced)).toMatchObject({ vm_state: 'error', task_state: null, host: null });
    expect(ct.store('child-cell4').faults.list(forced)).toMatchObject([{ message: 'NoValidHost' }]);
    expect(ct.store('child-cell4').actions.list(forced)).toMatchObject([{ action: 'create', message: 'Error' }]);
    await expect.poll(() => ct.store('api-cell').faults.list(forced).map((f) => f.message)).toEqual(['NoValidHost']);
  });

  it('retries until capacity appears', async () => {
    await using ct = await computeTree({ deps: () => ({ scheduler: { retries: 500, retryDelayMs: 10 } }) });
    const store = ct.store('child-cell1');
    for (const s of store.services.list()) store.services.update(s.id, { disabled: true });
    const uuid = newUuid();
    // Not awaited: on the memory transport a cast settles once the receiver has handled it,
    // and this one keeps retrying until the host below is enabled.
    const sent = ct.client('api-cell').buildInstances(ctxt, { target_cell: 'api-cell!child-cell1', build_inst_kwargs: kwargs([uuid]) });
    await expect.poll(() => ct.callsOf('build_instances').length).toBe(1);
    expect(topRow(ct, uuid)).toBeUndefined();
    // An operator enables a host while the scheduler waits between attempts.
    const first = store.services.list()[0]!;
    store.services.update(first.id, { disabled: false });
    await expect.poll(() => topRow(ct, uuid)?.vm_state).toBe('active');
    await sent;
    expect(store.instances.get(uuid)!.host).toBe(first.host);
  });

  it('block device mappings are created in the cell and sent to the top', async () => {
    await using ct = await computeTree();
    const uuid = newUuid();
    const bdm = { id: 5, instance_uuid: 'placeholder', source_type: 'image', destination_type: 'local', boot_index: 0, device_name: '/dev/vda', image_id: 'image-1', delete_on_termination: true };
    await ct.client('api-cell').buildInstances(ctxt, { target_cell: 'api-cell!child-cell1', build_inst_kwargs: kwargs([uuid], flavor('m1.small'), { block_device_mapping: [bdm] }) });
    await expect.poll(() => topRow(ct, uuid)?.vm_state).toBe('active');
    await expect.poll(() => ct.store('api-cell').bdms.listByInstance(uuid)).toHaveLength(1);
    expect(ct.store('child-cell1').bdms.listByInstance(uuid)).toMatchObject([{ instance_uuid: uuid, device_name: '/dev/vda', boot_index: 0 }]);
    expect(ct.callsOf('bdm_update_or_create_at_top')).toMatchObject([{ cell: 'api-cell', args: { create: true } }]);
  });

  it('the version specifiers and the weighers', () => {
    expect(matchesVersion('6.2', '>=6.0,<7.0')).toBe(true);
    expect(matchesVersion('7.0', '>=6.0,<7.0')).toBe(false);
    expect(matchesVersion('6.2.1', '~=6.2')).toBe(true);
    expect(matchesVersion('7.1', '~=6.2')).toBe(false);
    expect(matchesVersion('6.2', '==6.2')).toBe(true);
    expect(matchesVersion('6.2', 'junk')).toBe(false);
    const cap = (units: number): Capacities => ({ ram_free: { total_mb: units * 2048, units_by_mb: { '2048': units } } });
    const cell = (name: string, units: number, mute = false): CellCandidate => ({ name, path: `api!${name}`, isMe: false, capacities: cap(units), capabilities: {}, mute });
    const f = flavor('m1.small');
    expect(weighCells([cell('a', 1), cell('b', 5), cell('c', 3)], f).map((c) => c.name)).toEqual(['b', 'c', 'a']);
    expect(weighCells([cell('a', 1), cell('b', 5, true), cell('c', 3)], f).map((c) => c.name)).toEqual(['c', 'a', 'b']);
    // Equal weights keep the candidates' order.
    expect(weighCells([cell('a', 2), cell('b', 2)], f).map((c) => c.name)).toEqual(['a', 'b']);
  });
});
