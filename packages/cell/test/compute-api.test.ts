/**
 * The documented allow-lists, each entry run for real: every compute API method through
 * run_compute_api_method (states, actions, what the top sees), every method of the
 * simulated host manager through proxy_rpc_to_manager, and a tour that runs every handler
 * of the nova_cells service (NovaCellsHandlers) at least once through the tree.
 */
import type { Response } from '@cellwire/core';
import { describe, expect, it } from 'vitest';
import { InvalidArgument } from '@cellwire/core';
import { novaCells, type Instance, type JsonMap, type JsonValue } from '@cellwire/schema';
import { COMPUTE_API_METHOD_NAMES, HOST_MANAGER_METHODS, InstanceInvalidState, NoValidHost, createHandlers, openStore } from '../src/compute.js';
import { asArg, computeTree, ctxt, defaultHosts, flavor, newUuid, seedInstance, type ComputeTree } from './helpers.js';

const TARGET = 'api-cell!child-cell2';

/**
 * The methods the reference MessageRunner handles in a cell (reference section 4), by wire
 * name, without the capabilities and capacities exchange (service cell_state, whose handlers
 * come from @cellwire/schema): what a cell's nova_cells handlers must cover.
 */
const REFERENCE_HANDLED_METHODS = [
  'build_instances',
  'run_compute_api_method',
  'instance_update_at_top',
  'instance_destroy_at_top',
  'instance_delete_everywhere',
  'instance_fault_create_at_top',
  'bw_usage_update_at_top',
  'sync_instances',
  'service_get_all',
  'service_get_by_compute_host',
  'get_host_uptime',
  'service_update',
  'service_delete',
  'proxy_rpc_to_manager',
  'task_log_get_all',
  'compute_node_get_all',
  'compute_node_stats',
  'compute_node_get',
  'actions_get',
  'action_get_by_request_id',
  'action_events_get',
  'consoleauth_delete_tokens',
  'validate_console_port',
  'bdm_update_or_create_at_top',
  'bdm_destroy_at_top',
  'get_migrations',
  'instance_update_from_api',
  'start_instance',
  'stop_instance',
  'reboot_instance',
  'suspend_instance',
  'resume_instance',
  'pause_instance',
  'unpause_instance',
  'terminate_instance',
  'soft_delete_instance',
  'resize_instance',
  'live_migrate_instance',
  'revert_resize',
  'confirm_resize',
  'reset_network',
  'inject_network_info',
  'snapshot_instance',
  'backup_instance',
  'rebuild_instance',
  'set_admin_password',
  'get_keypair_at_top',
] as const;

interface Case {
  setup?: Partial<Instance>;
  /** Methods run first (e.g. a resize before its confirm). */
  before?: [string, JsonValue[], JsonMap][];
  args?: JsonValue[];
  kwargs?: JsonMap;
  /** The instance afterwards (undefined: destroyed). */
  expect: Partial<Instance> | undefined;
  action?: string;
  result?: (v: JsonValue) => void;
}

const CASES: { [method: string]: Case } = {
  start: { setup: { vm_state: 'stopped', power_state: 4 }, expect: { vm_state: 'active', power_state: 1 }, action: 'start' },
  stop: { kwargs: { clean_shutdown: false }, expect: { vm_state: 'stopped', power_state: 4 }, action: 'stop' },
  reboot: { args: ['SOFT'], expect: { vm_state: 'active', power_state: 1 }, action: 'reboot' },
  suspend: { expect: { vm_state: 'suspended', power_state: 7 }, action: 'suspend' },
  resume: { setup: { vm_state: 'suspended', power_state: 7 }, expect: { vm_state: 'active' }, action: 'resume' },
  pause: { expect: { vm_state: 'paused', power_state: 3 }, action: 'pause' },
  unpause: { setup: { vm_state: 'paused', power_state: 3 }, expect: { vm_state: 'active' }, action: 'unpause' },
  delete: { expect: undefined, action: 'delete' },
  force_delete: { setup: { vm_state: 'soft-delete' }, expect: undefined, action: 'delete' },
  soft_delete: { expect: { vm_state: 'soft-delete', power_state: 4 }, action: 'delete' },
  restore: { setup: { vm_state: 'soft-delete', power_state: 4 }, expect: { vm_state: 'active', power_state: 1 }, action: 'restore' },
  resize: { kwargs: { flavor_id: '3', auto_disk_config: true }, expect: { vm_state: 'resized', memory_mb: 4096, auto_disk_config: true }, action: 'resize' },
  confirm_resize: { before: [['resize', [], { flavor_id: '3' }]], expect: { vm_state: 'active', old_flavor: null }, action: 'confirmResize' },
  revert_resize: { before: [['resize', [], { flavor_id: '3' }]], expect: { vm_state: 'active', memory_mb: 2048 }, action: 'revertResize' },
  live_migrate: { args: [false, false, null], expect: { host: 'child-cell2-host2', vm_state: 'active' }, action: 'live-migration' },
  reset_network: { expect: { vm_state: 'active' }, action: 'resetNetwork' },
  inject_network_info: { expect: { vm_state: 'active' }, action: 'injectNetworkInfo' },
  snapshot: {
    args: ['snap'],
    kwargs: { extra_properties: { k: 'v' } },
    expect: { task_state: null },
    action: 'createImage',
    result: (v) => expect(v).toMatchObject({ name: 'snap', properties: { k: 'v', image_type: 'snapshot' } }),
  },
  backup: {
    args: ['bk', 'weekly', 2],
    expect: { task_state: null },
    action: 'createBackup',
    result: (v) => expect(v).toMatchObject({ name: 'bk', properties: { image_type: 'backup', backup_type: 'weekly' } }),
  },
  rebuild: { args: ['image-9', null, null], kwargs: { preserve_ephemeral: false }, expect: { image_ref: 'image-9', vm_state: 'active' }, action: 'rebuild' },
  set_admin_password: { args: ['pw'], expect: { vm_state: 'active', task_state: null }, action: 'changePassword' },
  shelve: { expect: { vm_state: 'shelved_offloaded', host: null }, action: 'shelve' },
  shelve_offload: { setup: { vm_state: 'shelved', power_state: 4 }, expect: { vm_state: 'shelved_offloaded', host: null }, action: 'shelveOffload' },
  unshelve: { setup: { vm_state: 'shelved_offloaded', power_state: 0, host: null, node: null }, expect: { vm_state: 'active', host: 'child-cell2-host1' }, action: 'unshelve' },
  rescue: { expect: { vm_state: 'rescued' }, action: 'rescue' },
  unrescue: { setup: { vm_state: 'rescued' }, expect: { vm_state: 'active' }, action: 'unrescue' },
  lock: { kwargs: { reason: 'audit' }, expect: { locked: true, locked_by: 'owner' }, action: 'lock' },
  unlock: { setup: { locked: true, locked_by: 'owner' }, expect: { locked: false, locked_by: null }, action: 'unlock' },
  get_console_output: { kwargs: { tail_length: 1 }, expect: { vm_state: 'active' }, result: (v) => expect(v).toBe('vm login:') },
  get_vnc_console: { args: ['novnc'], expect: { vm_state: 'active' }, result: (v) => expect(v).toMatchObject({ console_type: 'novnc', host: 'child-cell2-host1' }) },
  get_spice_console: { args: ['spice-html5'], expect: { vm_state: 'active' }, result: (v) => expect((v as JsonMap).port).toBeGreaterThanOrEqual(5800) },
  get_serial_console: { args: ['serial'], expect: { vm_state: 'active' }, result: (v) => expect((v as JsonMap).port).toBeGreaterThanOrEqual(10000) },
  get_diagnostics: { expect: { vm_state: 'active' }, result: (v) => expect(v).toMatchObject({ state: 'running', driver: 'simulated', num_cpus: 1 }) },
};

async function run(ct: ComputeTree, method: string, args: JsonValue[], kwargs: JsonMap) {
  return ct.client('api-cell').runComputeApiMethod(ctxt, { cell_name: TARGET, method_info: { method, method_args: args, method_kwargs: kwargs }, call: true });
}

describe('the compute API allow-list (run_compute_api_method)', () => {
  it('every documented method has a case here', () => {
    expect(Object.keys(CASES).sort()).toEqual([...COMPUTE_API_METHOD_NAMES]);
  });

  for (const [method, c] of Object.entries(CASES)) {
    it(`${method}`, async () => {
      await using ct = await computeTree();
      const inst = seedInstance(ct, TARGET, c.setup);
      for (const [m, a, k] of c.before ?? []) (await run(ct, m, [inst.uuid, ...a], k)).valueOrRaise();
      const r = await run(ct, method, [inst.uuid, ...(c.args ?? [])], c.kwargs ?? {});
      const value = r.valueOrRaise();
      c.result?.(value);
      const row = ct.store('child-cell2').instances.get(inst.uuid);
      if (c.expect === undefined) {
        expect(row).toBeUndefined();
        expect(ct.store('api-cell').instances.get(inst.uuid, { readDeleted: true })?.deleted).toBe(true);
      } else {
        expect(row).toMatchObject(c.expect);
        // What changed reached the top, named by its path.
        if (c.action) expect(ct.store('api-cell').instances.get(inst.uuid)).toMatchObject({ ...c.expect, cell_name: TARGET });
      }
      const actions = ct.store('child-cell2').actions.list(inst.uuid).map((a) => a.action);
      expect(actions[0]).toBe(c.action);
    });
  }

  it('refuses an instance in the wrong state, and arguments a method does not take', async () => {
    await using ct = await computeTree();
    const inst = seedInstance(ct, TARGET);
    const wrong = await run(ct, 'start', [inst.uuid], {});
    expect(() => wrong.valueOrRaise()).toThrow(InstanceInvalidState);
    expect(wrong.error?.message).toContain('in vm_state active. Cannot start while the instance is in this state.');
    // A state conflict: failed_precondition (invalid_argument before the SDK's new codes).
    expect(wrong.error).toMatchObject({ code: 'failed_precondition', cell: TARGET, retryable: false });
    const busy = seedInstance(ct, TARGET, { task_state: 'rebooting' });
    expect((await run(ct, 'pause', [busy.uuid], {})).error?.message).toContain('in task_state rebooting');
    const unknownKw = await run(ct, 'stop', [inst.uuid], { force: true });
    expect(() => unknownKw.valueOrRaise()).toThrow(InvalidArgument);
    const sameFlavor = await run(ct, 'resize', [inst.uuid], { flavor_id: '2' });
    expect(sameFlavor.error?.message).toContain('instances must change flavor');
    const down = await run(ct, 'resize', [inst.uuid], { flavor_id: '1' });
    expect(down.error?.message).toContain('Unable to resize disk down');
    const self = await run(ct, 'live_migrate', [inst.uuid, false, false, inst.host ?? null], {});
    expect(self.error?.message).toContain('to current host');
    expect(ct.store('child-cell2').actions.list(inst.uuid)).toEqual([]);
  });

  it('no host with room: NoValidHost, resource_exhausted and not retryable, as the cell said', async () => {
    await using ct = await computeTree({ hosts: (cell) => defaultHosts(cell).slice(0, 1) });
    const inst = seedInstance(ct, TARGET);
    const r = await run(ct, 'live_migrate', [inst.uuid, false, false, null], {});
    expect(() => r.valueOrRaise()).toThrow(NoValidHost);
    // Was `unavailable` (with retryable forced false): the cell's retryable flag travels with it.
    expect(r.error).toMatchObject({ code: 'resource_exhausted', cell: TARGET, retryable: false });
    expect(r.error?.message).toBe('No valid host was found. There are not enough hosts available.');
    expect(ct.store('child-cell2').instances.get(inst.uuid)!.host).toBe('child-cell2-host1');
  });

  it('an operation without a task of its own leaves a running task alone', async () => {
    await using ct = await computeTree();
    const busy = seedInstance(ct, TARGET, { task_state: 'rebooting' });
    (await run(ct, 'reset_network', [busy.uuid], {})).valueOrRaise();
    expect(ct.store('child-cell2').instances.get(busy.uuid)!.task_state).toBe('rebooting');
    expect(ct.store('child-cell2').actions.list(busy.uuid).map((a) => a.action)).toEqual(['resetNetwork']);
  });
});

describe('the simulated host manager (proxy_rpc_to_manager)', () => {
  async function proxy(ct: ComputeTree, method: string, args: JsonMap, host = 'child-cell2-host1') {
    return ct.client('api-cell').proxyRpcToManager(ctxt, { cell_name: TARGET, host_name: host, topic: `compute.${host}`, rpc_message: { method, args }, call: true });
  }

  it('every documented method answers from the store', async () => {
    await using ct = await computeTree();
    const inst = seedInstance(ct, TARGET);
    const instance = { uuid: inst.uuid };
    const seen: { [m: string]: JsonValue } = {};
    const calls: [string, JsonMap][] = [
      ['get_host_uptime', {}],
      ['get_console_output', { instance, tail_length: 5 }],
      ['get_diagnostics', { instance_uuid: inst.uuid }],
      ['get_vnc_console', { instance, console_type: 'xvpvnc' }],
      ['get_spice_console', { instance }],
      ['get_serial_console', { instance }],
      ['validate_console_port', { instance, port: 5900 + inst.id, console_type: 'novnc' }],
      ['poll_bandwidth_usage', {}],
      ['instance_usage_audit', { period_beginning: '2099-01-01T00:00:00Z', period_ending: '2099-01-01T01:00:00Z' }],
      ['set_host_enabled', { enabled: false }],
    ];
    expect(calls.map(([m]) => m).sort()).toEqual([...HOST_MANAGER_METHODS].sort());
    for (const [m, a] of calls) seen[m] = (await proxy(ct, m, a)).valueOrRaise();
    expect(seen.get_host_uptime).toContain('load average: 0.25');
    expect(seen.get_console_output).toContain('vm login:');
    expect(seen.get_diagnostics).toMatchObject({ state: 'running', num_cpus: 1 });
    expect(seen.get_vnc_console).toMatchObject({ console_type: 'xvpvnc', port: 5900 + inst.id });
    expect(ct.store('child-cell2').consoleTokens.listByInstance(inst.uuid)).toHaveLength(3);
    expect(seen.validate_console_port).toBe(true);
    expect(seen.poll_bandwidth_usage).toBe(1);
    expect(seen.instance_usage_audit).toMatchObject({ task_name: 'instance_usage_audit', task_items: 1, state: 'DONE' });
    expect(seen.set_host_enabled).toBe('disabled');
    expect(ct.store('child-cell2').services.getByComputeHost('child-cell2-host1')!.disabled).toBe(true);
    // Bandwidth usage is recorded in the cell and sent to the top.
    expect(ct.store('child-cell2').bwUsage.list(inst.uuid)).toHaveLength(1);
    await expect.poll(() => ct.store('api-cell').bwUsage.list(inst.uuid)).toMatchObject([{ mac: ct.store('child-cell2').bwUsage.list(inst.uuid)[0]!.mac }]);
  });

  it('an instance method needs the instance on that host', async () => {
    await using ct = await computeTree();
    const inst = seedInstance(ct, TARGET);
    const r = await proxy(ct, 'get_diagnostics', { instance: { uuid: inst.uuid } }, 'child-cell2-host2');
    expect(r.error?.message).toContain('is not on host child-cell2-host2');
    const bad = await proxy(ct, 'get_vnc_console', { instance: { uuid: inst.uuid }, console_type: 'serial' });
    expect(bad.error?.message).toContain('Invalid console type serial');
    const wrongTopic = await ct.client('api-cell').proxyRpcToManager(ctxt, { cell_name: TARGET, host_name: 'child-cell2-host1', topic: 'conductor', rpc_message: { method: 'ping', args: {} }, call: true });
    expect(wrongTopic.error?.message).toContain('Manager method not found: conductor.ping');
  });
});

describe('every handler of NovaCellsHandlers', () => {
  it('createHandlers has one for every method that can arrive at a cell', () => {
    const store = openStore();
    const handlers = createHandlers({ store, cellName: 'c' }) as unknown as Record<string, unknown>;
    const methods = Object.values(novaCells.methods);
    // The service is the reference's handled methods, no more and no fewer (this list
    // replaces the old pinned count of 47).
    expect(methods.map((m) => m.name).sort()).toEqual([...REFERENCE_HANDLED_METHODS].sort());
    const expected = methods.map((m) => m.localName).sort();
    expect(Object.keys(handlers).sort()).toEqual(expected);
    for (const k of expected) expect(typeof handlers[k]).toBe('function');
    store.close();
  });

  it('a tour through the tree runs each of them for real', async () => {
    await using ct = await computeTree();
    const c = ct.client('api-cell');
    const gc = ct.client('grandchild-cell1');
    const inst = (state: Partial<Instance> = {}) => asArg(seedInstance(ct, TARGET, state));
    const node = ct.store('child-cell2').computeNodes.list()[0]!;
    const svc = ct.store('child-cell2').services.create({ host: 'spare', binary: 'nova-compute' });
    const period = { period_beginning: '2019-04-04T10:00:00Z', period_ending: '2019-04-04T11:00:00Z' };
    const a = inst();
    const resized = inst();
    // revert_resize and confirm_resize need a finished resize: its instance and migration.
    const finishedResize = () => {
      const i = seedInstance(ct, TARGET, { vm_state: 'resized' });
      ct.store('child-cell2').migrations.create(
        { uuid: newUuid(), instance_uuid: i.uuid, source_compute: i.host ?? null, source_node: i.node ?? null, dest_compute: i.host ?? null, dest_node: i.node ?? null, dest_host: i.host ?? null, hidden: false, status: 'finished', migration_type: 'resize', old_instance_type_id: 1, new_instance_type_id: 2 },
        new Date().toISOString(),
      );
      return asArg(i);
    };
    const steps: Promise<unknown>[] = [
      c.buildInstances(ctxt, {
        target_cell: TARGET,
        build_inst_kwargs: { instances: [{ uuid: newUuid() }], image: {}, filter_properties: { instance_type: flavor('m1.tiny') }, admin_password: null, injected_files: [], requested_networks: null, security_groups: [], block_device_mapping: [], legacy_bdm: false },
      }),
      c.runComputeApiMethod(ctxt, { cell_name: TARGET, method_info: { method: 'get_diagnostics', method_args: [a.uuid], method_kwargs: {} }, call: true }),
      gc.instanceUpdateAtTop(ctxt, { instance: { uuid: newUuid(), vm_state: 'active' } }),
      gc.instanceDestroyAtTop(ctxt, { instance: { uuid: newUuid() } }),
      c.instanceDeleteEverywhere(ctxt, { instance: inst(), delete_type: 'hard' }),
      gc.instanceFaultCreateAtTop(ctxt, { instance_fault: { instance_uuid: a.uuid, code: 500, message: 'm' } }),
      gc.bwUsageUpdateAtTop(ctxt, { bw_update_info: { uuid: a.uuid, mac: 'm', start_period: period.period_beginning, bw_in: 1, bw_out: 1, last_ctr_in: 1, last_ctr_out: 1 } }),
      c.syncInstances(ctxt, {}),
      c.serviceGetAll(ctxt, {}),
      c.serviceGetByComputeHost(ctxt, { cell_name: TARGET, host_name: node.host! }),
      c.getHostUptime(ctxt, { cell_name: TARGET, host_name: node.host! }),
      c.serviceUpdate(ctxt, { cell_name: TARGET, host_name: 'spare', binary: 'nova-compute', params_to_update: { disabled: true } }),
      c.serviceDelete(ctxt, { cell_name: TARGET, service_id: svc.id }),
      c.proxyRpcToManager(ctxt, { cell_name: TARGET, host_name: node.host!, topic: 'compute', rpc_message: { method: 'get_host_uptime', args: {} }, call: true }),
      c.taskLogGetAll(ctxt, { task_name: 'instance_usage_audit', ...period }),
      c.computeNodeGetAll(ctxt, {}),
      c.computeNodeStats(ctxt, {}),
      c.computeNodeGet(ctxt, { cell_name: TARGET, compute_id: node.id }),
      c.actionsGet(ctxt, { cell_name: TARGET, instance_uuid: a.uuid }),
      c.actionGetByRequestId(ctxt, { cell_name: TARGET, instance_uuid: a.uuid, request_id: 'r' }),
      c.actionEventsGet(ctxt, { cell_name: TARGET, action_id: 1 }),
      gc.consoleauthDeleteTokens(ctxt, { instance_uuid: a.uuid }),
      c.validateConsolePort(ctxt, { cell_name: TARGET, instance_uuid: a.uuid, console_port: 1, console_type: 'novnc' }),
      gc.bdmUpdateOrCreateAtTop(ctxt, { bdm: { instance_uuid: a.uuid, device_name: '/dev/vdb' } }),
      gc.bdmDestroyAtTop(ctxt, { instance_uuid: a.uuid, device_name: '/dev/vdb' }),
      c.getMigrations(ctxt, { filters: {} }),
      c.instanceUpdateFromApi(ctxt, { instance: { uuid: a.uuid, cell_name: TARGET, display_name: 'x' }, expected_vm_state: null, expected_task_state: null, admin_state_reset: false }),
      c.startInstance(ctxt, { instance: inst({ vm_state: 'stopped', power_state: 4 }) }),
      c.stopInstance(ctxt, { instance: inst() }),
      c.rebootInstance(ctxt, { instance: inst(), reboot_type: 'SOFT' }),
      c.suspendInstance(ctxt, { instance: inst() }),
      c.resumeInstance(ctxt, { instance: inst({ vm_state: 'suspended', power_state: 7 }) }),
      c.pauseInstance(ctxt, { instance: inst() }),
      c.unpauseInstance(ctxt, { instance: inst({ vm_state: 'paused', power_state: 3 }) }),
      c.terminateInstance(ctxt, { instance: inst() }),
      c.softDeleteInstance(ctxt, { instance: inst() }),
      c.resizeInstance(ctxt, { instance: resized, flavor: flavor('m1.medium'), extra_instance_updates: {} }),
      c.liveMigrateInstance(ctxt, { instance: inst(), block_migration: false, disk_over_commit: false, host_name: null }),
      c.revertResize(ctxt, { instance: finishedResize() }),
      c.confirmResize(ctxt, { instance: finishedResize() }),
      c.resetNetwork(ctxt, { instance: inst() }),
      c.injectNetworkInfo(ctxt, { instance: inst() }),
      c.snapshotInstance(ctxt, { instance: inst(), image_id: 'i' }),
      c.backupInstance(ctxt, { instance: inst(), image_id: 'i', backup_type: 'daily', rotation: 1 }),
      c.rebuildInstance(ctxt, { instance: inst(), image_href: 'i', admin_password: null, files_to_inject: null, preserve_ephemeral: false, kwargs: {} }),
      c.setAdminPassword(ctxt, { instance: inst(), new_pass: 'p' }),
      gc.getKeypairAtTop(ctxt, { user_id: 'u', name: 'n' }),
    ];
    const results = await Promise.all(steps);
    const wire: readonly string[] = REFERENCE_HANDLED_METHODS;
    await expect.poll(() => wire.filter((w) => ct.callsOf(w).length === 0)).toEqual([]);
    // Ran for real: every answer is a success, and every handler run (casts included) returned.
    const answers = results.flatMap((r) => (r === undefined ? [] : Array.isArray(r) ? r : [r])) as Response[];
    expect(answers.filter((r) => r.failure).map((r) => `${r.cellName}: ${(r.value as Error).message}`)).toEqual([]);
    await expect.poll(() => wire.flatMap((w) => ct.callsOf(w)).filter((c) => c.outcome === undefined).length).toBe(0);
    expect(wire.flatMap((w) => ct.callsOf(w)).filter((c) => c.outcome !== 'ok').map((c) => `${c.method}@${c.routingPath}: ${c.outcome}`)).toEqual([]);
  });
});
