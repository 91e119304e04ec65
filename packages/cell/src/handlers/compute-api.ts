/**
 * The compute API of a cell, simulated over its store: what the reference's handlers call
 * as `compute_api.<method>(ctxt, instance, *args, **kwargs)`. Each method checks the
 * instance's state as nova's `check_instance_state` / `check_instance_lock` do, records an
 * instance action, and then plays the compute host's part at once: the vm, task and power
 * states move as the real operation would, each step is an action event, the host's
 * resource usage follows, and every save is queued for `instance_update_at_top`.
 *
 * ## The allow-list (run_compute_api_method, and the instance methods of the runner)
 *
 * | method | arguments after the instance | allowed vm_state (task_state must be none unless noted) | result | action |
 * |---|---|---|---|---|
 * | `start` | – | stopped | null | start |
 * | `stop` | `do_cast?`, `clean_shutdown?` | active, rescued, error | null | stop |
 * | `reboot` | `reboot_type` (SOFT, HARD) | SOFT: active; HARD: active, stopped, paused, suspended, error (while a reboot/pause/suspend/resume runs too) | null | reboot |
 * | `suspend` / `resume` | – | active / suspended | null | suspend / resume |
 * | `pause` / `unpause` | – | active, rescued / paused | null | pause / unpause |
 * | `delete` / `force_delete` | – | any, any task | null | delete |
 * | `soft_delete` | – | any, any task; must have been launched | null | delete |
 * | `restore` | – | soft-delete | null | restore |
 * | `resize` | `flavor_id?` (none: a cold migration), `clean_shutdown?`, extra instance updates (`auto_disk_config`, `display_name`, `display_description` are applied, others ignored) | active, stopped | null | resize / migrate |
 * | `confirm_resize` / `revert_resize` | – | resized | null | confirmResize / revertResize |
 * | `live_migrate` | `block_migration`, `disk_over_commit`, `host_name` (null: any other host) | active, paused | null | live-migration |
 * | `reset_network` / `inject_network_info` | – | any | null | resetNetwork / injectNetworkInfo |
 * | `snapshot` | `name`, `extra_properties?` | active, stopped, paused, suspended | image metadata | createImage |
 * | `backup` | `name`, `backup_type`, `rotation`, `extra_properties?` | active, stopped | image metadata | createBackup |
 * | `rebuild` | `image_href`, `admin_password`, `files_to_inject?`, `preserve_ephemeral?`; of the other keyword arguments `metadata`, `auto_disk_config`, `display_name`, `display_description` are applied, the rest ignored | active, stopped, error | null | rebuild |
 * | `set_admin_password` | `password` | active | null | changePassword |
 * | `shelve` | `clean_shutdown?` | active, stopped, paused, suspended | null | shelve (offloaded at once) |
 * | `shelve_offload` | `clean_shutdown?` | shelved | null | shelveOffload |
 * | `unshelve` | – | shelved, shelved_offloaded | null | unshelve |
 * | `rescue` / `unrescue` | `rescue_password?`, `rescue_image_ref?` / – | active, stopped, error / rescued | null | rescue / unrescue |
 * | `lock` / `unlock` | `reason?` / – | any, any task (no lock check) | null | lock / unlock |
 * | `get_console_output` | `tail_length?` | any (needs a host) | text | – |
 * | `get_vnc_console` / `get_spice_console` / `get_serial_console` | `console_type` | any (needs a host) | connect info | – |
 * | `get_diagnostics` | – | any (needs a host) | diagnostics | – |
 *
 * A method outside this table is CellServiceAPIMethodNotFound; arguments it does not take
 * are InvalidArgument. A locked instance refuses changes from a non-admin context.
 */
import { randomUUID } from 'node:crypto';
import { CellServiceAPIMethodNotFound, InvalidArgument, type HandlerContext } from '@cellwire/core';
import type { ComputeNode, Flavor, Instance, JsonMap, JsonValue, Migration } from '@cellwire/schema';
import {
  CannotResizeToSameFlavor,
  ComputeHostNotFound,
  ComputeServiceUnavailable,
  FlavorNotFound,
  InstanceInvalidState,
  InstanceIsLocked,
  InstanceNotReady,
  MigrationNotFoundByStatus,
  NoValidHost,
  ResizeError,
  UnableToMigrateToSelf,
} from '../errors.js';
import type { SaveOptions } from '../store/index.js';
import type { Env, TopSync } from './context.js';
import { consoleOutput, diagnostics, issueConsole } from './host-manager.js';

/** Power states (nova.compute.power_state). */
export const POWER = { NOSTATE: 0, RUNNING: 1, PAUSED: 3, SHUTDOWN: 4, CRASHED: 6, SUSPENDED: 7 } as const;

export type Row = Instance & { id: number };

/** One compute API call: where it runs and what it sends up. */
export interface ComputeCall {
  readonly ctx: HandlerContext;
  readonly env: Env;
  readonly sync: TopSync;
}

type Args = { [name: string]: JsonValue | undefined };

export interface ComputeMethod {
  /** Positional parameter names after the instance. */
  readonly params: readonly string[];
  /** Keyword-only names; `*` takes any (collected into the arguments). */
  readonly kwargs?: readonly string[] | '*';
  /** Allowed vm_states; absent: any. */
  readonly vmStates?: readonly string[];
  /** Allowed task_states (default: none running); `any`: no check. */
  readonly taskStates?: readonly (string | null)[] | 'any';
  readonly mustHaveLaunched?: boolean;
  /** Refuse a locked instance to a non-admin context (default true). */
  readonly checkLock?: boolean;
  run(call: ComputeCall, instance: Row, args: Args): JsonValue | Promise<JsonValue>;
}

// ---------------------------------------------------------------------------------------
// One operation: an action, its events, the saves and the hosts it touched
// ---------------------------------------------------------------------------------------

export class Operation {
  private actionId: number | undefined;
  private readonly hosts = new Set<string>();

  constructor(
    readonly call: ComputeCall,
    public inst: Row,
  ) {
    if (inst.host) this.hosts.add(inst.host);
  }

  get env(): Env {
    return this.call.env;
  }

  /** Continues an action recorded earlier (the build's `create`). */
  attach(actionId: number): void {
    this.actionId = actionId;
  }

  /** nova's InstanceAction.action_start, with the request's ids. */
  start(action: string): void {
    const c = this.call.ctx.ctxt;
    this.actionId = this.env.store.actions.start(
      { action, instance_uuid: this.inst.uuid, request_id: c.request_id, user_id: c.user_id, project_id: c.project_id },
      this.env.now(),
    ).id;
  }

  /**
   * One step on a compute host, recorded as an action event. A failure is recorded as
   * the event's Error and an instance fault (sent up too), the task state is cleared,
   * and the error is thrown on.
   */
  event<T>(name: string, host: string | null | undefined, fn: () => T, details?: JsonMap): T {
    const store = this.env.store;
    const ev = this.actionId === undefined ? undefined : store.actions.eventStart(this.actionId, name, host ?? null, this.env.now(), details ? JSON.stringify(details) : null);
    try {
      const r = fn();
      if (ev) store.actions.eventFinish(ev.id, 'Success', this.env.now());
      return r;
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      if (ev) store.actions.eventFinish(ev.id, 'Error', this.env.now(), `${err.name}: ${err.message}`);
      const fault = store.faults.create(
        { instance_uuid: this.inst.uuid, code: 500, message: err.name, details: err.message, host: host ?? null },
        this.env.now(),
      );
      this.call.sync.fault({ instance_uuid: fault.instance_uuid, code: fault.code, message: fault.message, details: fault.details ?? null, host: fault.host ?? null });
      if (store.instances.get(this.inst.uuid)?.task_state) this.save({ task_state: null });
      throw err;
    }
  }

  /** Saves the instance (queued for the top) and tracks the hosts whose usage changes. */
  save(changes: Partial<Instance>, options: SaveOptions = {}): Row {
    this.inst = this.env.store.instances.update(this.inst.uuid, changes, { now: this.env.now(), ...options });
    if (this.inst.host) this.hosts.add(this.inst.host);
    this.call.sync.update(this.inst);
    return this.inst;
  }

  touch(host: string | null | undefined): void {
    if (host) this.hosts.add(host);
  }

  /** Ends the action and brings the hosts' resource usage up to date. */
  finish(): void {
    for (const h of this.hosts) this.env.store.computeNodes.refreshUsage(h, this.env.now());
    if (this.actionId !== undefined) this.env.store.actions.finish(this.actionId, this.env.now());
  }
}

// ---------------------------------------------------------------------------------------
// Host choice inside the cell (the host scheduler the conductor would ask)
// ---------------------------------------------------------------------------------------

export interface Placement {
  host: string;
  node: string;
}

export function flavorDiskGb(f: Pick<Flavor, 'root_gb' | 'ephemeral_gb'>): number {
  return f.root_gb + f.ephemeral_gb;
}

/** Whether a host's nova-compute service can take work. */
export function hostUsable(env: Env, host: string): boolean {
  const s = env.store.services.getByComputeHost(host);
  return Boolean(s && !s.disabled && !s.forced_down);
}

/**
 * The node with the most free RAM among usable hosts where `flavor` fits, optionally
 * only among `only` or not on `exclude`.
 */
export function pickHost(env: Env, flavor: Flavor, options: { exclude?: readonly (string | null | undefined)[]; only?: readonly string[] } = {}): Placement | undefined {
  const candidates = env.store.computeNodes
    .list()
    .filter((n): n is ComputeNode & { host: string } => n.host !== null)
    .filter((n) => (options.only ? options.only.includes(n.host) : true))
    .filter((n) => !(options.exclude ?? []).includes(n.host))
    .filter((n) => hostUsable(env, n.host))
    .filter((n) => n.free_ram_mb >= flavor.memory_mb && n.free_disk_gb >= flavorDiskGb(flavor));
  candidates.sort((a, b) => b.free_ram_mb - a.free_ram_mb || a.id - b.id);
  const best = candidates[0];
  return best ? { host: best.host, node: best.hypervisor_hostname } : undefined;
}

/** The flavor fields an instance keeps in its own columns. */
export function flavorFields(f: Flavor): Partial<Instance> {
  return { flavor: f, instance_type_id: f.id, memory_mb: f.memory_mb, vcpus: f.vcpus, root_gb: f.root_gb, ephemeral_gb: f.ephemeral_gb };
}

function currentFlavor(env: Env, inst: Row): Flavor | undefined {
  if (inst.flavor) return inst.flavor;
  return env.flavors.find((f) => f.id === inst.instance_type_id);
}

function withoutKey(map: { [k: string]: string } | undefined, key: string): { [k: string]: string } {
  const out = { ...(map ?? {}) };
  delete out[key];
  return out;
}

function str(v: JsonValue | undefined): string | null {
  return v === undefined || v === null ? null : String(v);
}

// ---------------------------------------------------------------------------------------
// Simple transitions: an API task state, then the compute host's final state
// ---------------------------------------------------------------------------------------

interface Simple {
  action: string;
  event: string;
  /** The task state the API sets (with expected task state "none"), if any. */
  task?: string | ((args: Args) => string);
  final: (inst: Row, args: Args, op: Operation) => Partial<Instance>;
  details?: (args: Args) => JsonMap;
}

function simple(spec: Omit<ComputeMethod, 'run'>, s: Simple): ComputeMethod {
  return {
    ...spec,
    run(call, inst, args) {
      const op = new Operation(call, inst);
      op.start(s.action);
      const task = typeof s.task === 'function' ? s.task(args) : s.task;
      if (task) op.save({ task_state: task }, { expectedTaskState: [op.inst.task_state ?? null] });
      // The task the API started ends here; an operation without one leaves the task state alone.
      op.event(s.event, op.inst.host, () => op.save({ ...s.final(op.inst, args, op), ...(task ? { task_state: null } : {}) }), s.details?.(args));
      op.finish();
      return null;
    },
  };
}

const active = (): Partial<Instance> => ({ vm_state: 'active', power_state: POWER.RUNNING });

/** Checks a locked instance (nova's check_instance_lock). */
function checkLock(ctx: HandlerContext, inst: Row): void {
  if (inst.locked && !ctx.ctxt.is_admin) throw new InstanceIsLocked(inst.uuid);
}

function needsHost(inst: Row): void {
  if (!inst.host) throw new InstanceNotReady(inst.uuid);
}

// ---------------------------------------------------------------------------------------
// Operations with more to them
// ---------------------------------------------------------------------------------------

function terminate(call: ComputeCall, inst: Row, method: 'delete' | 'force_delete' | 'soft_delete'): JsonValue {
  const op = new Operation(call, inst);
  const env = call.env;
  op.start('delete');
  if (method === 'soft_delete') {
    op.save({ task_state: 'soft-deleting' });
    op.event('compute_soft_delete_instance', op.inst.host, () => op.save({ vm_state: 'soft-delete', power_state: POWER.SHUTDOWN, task_state: null }));
    op.finish();
    return null;
  }
  op.save({ task_state: 'deleting' });
  op.event('compute_terminate_instance', op.inst.host, () => {
    op.save({ vm_state: 'deleted', task_state: null, power_state: POWER.NOSTATE, terminated_at: env.now() });
    const gone = env.store.instances.destroy(op.inst.uuid, env.now());
    if (gone) call.sync.destroy(gone);
  });
  call.sync.consoleTokens(inst.uuid);
  op.finish();
  return null;
}

const RESIZE_EXTRA_FIELDS = new Set(['auto_disk_config', 'display_name', 'display_description']);

function resize(call: ComputeCall, inst: Row, args: Args): JsonValue {
  const env = call.env;
  const current = currentFlavor(env, inst);
  if (!current) throw new FlavorNotFound(String(inst.instance_type_id ?? 'unknown'));
  const flavorId = args.flavor_id;
  let target: Flavor;
  let kind: 'resize' | 'migration';
  if (flavorId === undefined || flavorId === null) {
    target = current;
    kind = 'migration';
  } else {
    const found = env.flavors.find((f) => f.flavorid === String(flavorId));
    if (!found) throw new FlavorNotFound(String(flavorId));
    if (found.id === current.id && found.flavorid === current.flavorid) throw new CannotResizeToSameFlavor();
    if (found.root_gb < current.root_gb) throw new ResizeError('Unable to resize disk down');
    target = found;
    kind = 'resize';
  }
  const extra: Partial<Instance> = {};
  const ignored: string[] = [];
  for (const [k, v] of Object.entries(args)) {
    if (k === 'flavor_id' || k === 'clean_shutdown' || v === undefined) continue;
    if (RESIZE_EXTRA_FIELDS.has(k)) (extra as Record<string, unknown>)[k] = v;
    else ignored.push(k);
  }
  if (ignored.length > 0) env.log(call.ctx).debug(`resize of ${inst.uuid}: extra instance updates ignored: ${ignored.join(', ')}`);
  const dest =
    pickHost(env, target, { exclude: [inst.host] }) ?? (kind === 'resize' && inst.host ? pickHost(env, target, { only: [inst.host] }) : undefined);
  if (!dest) throw new NoValidHost('There are not enough hosts available.');
  const cleanShutdown = args.clean_shutdown === undefined || args.clean_shutdown === null ? true : Boolean(args.clean_shutdown);
  const wasStopped = inst.vm_state === 'stopped';
  const op = new Operation(call, inst);
  op.start(kind === 'resize' ? 'resize' : 'migrate');
  op.save({ task_state: 'resize_prep', ...extra }, { expectedTaskState: [null] });
  let migration: Migration | undefined;
  op.event('compute_prep_resize', dest.host, () => {
    migration = recordMigration(env, inst, dest, { old_instance_type_id: current.id, new_instance_type_id: target.id, status: 'pre-migrating', migration_type: kind });
  });
  const m = migration as Migration;
  op.event(
    'compute_resize_instance',
    inst.host,
    () => {
      env.store.migrations.update(m.id, { status: 'migrating' }, env.now());
      op.save({ task_state: 'resize_migrating', power_state: POWER.SHUTDOWN });
      env.store.migrations.update(m.id, { status: 'post-migrating' }, env.now());
    },
    { clean_shutdown: cleanShutdown },
  );
  op.event('compute_finish_resize', dest.host, () => {
    env.store.migrations.update(m.id, { status: 'finished' }, env.now());
    op.save({
      ...flavorFields(target),
      old_flavor: current,
      new_flavor: target,
      host: dest.host,
      node: dest.node,
      vm_state: 'resized',
      task_state: null,
      power_state: wasStopped ? POWER.SHUTDOWN : POWER.RUNNING,
      system_metadata: { ...(op.inst.system_metadata ?? {}), old_vm_state: wasStopped ? 'stopped' : 'active' },
    });
  });
  op.touch(dest.host);
  op.finish();
  return null;
}

/** Records a migration of `inst` from its host to `dest`; resize and live_migrate differ only in `fields`. */
function recordMigration(
  env: Env,
  inst: Row,
  dest: Placement,
  fields: Omit<Partial<Migration>, 'id'> & Pick<Migration, 'status' | 'migration_type'>,
): Migration {
  return env.store.migrations.create(
    {
      uuid: randomUUID(),
      instance_uuid: inst.uuid,
      source_compute: inst.host ?? null,
      source_node: inst.node ?? null,
      dest_compute: dest.host,
      dest_node: dest.node,
      dest_host: dest.host,
      hidden: false,
      ...fields,
    },
    env.now(),
  );
}

function finishedMigration(env: Env, inst: Row): Migration {
  const m = env.store.migrations.byInstanceAndStatus(inst.uuid, 'finished');
  if (!m) throw new MigrationNotFoundByStatus(inst.uuid, 'finished');
  return m;
}

function confirmResize(call: ComputeCall, inst: Row): JsonValue {
  const env = call.env;
  const m = finishedMigration(env, inst);
  const op = new Operation(call, inst);
  op.start('confirmResize');
  op.event('compute_confirm_resize', m.source_compute, () => {
    env.store.migrations.update(m.id, { status: 'confirmed' }, env.now());
    op.save({
      old_flavor: null,
      new_flavor: null,
      vm_state: op.inst.power_state === POWER.SHUTDOWN ? 'stopped' : 'active',
      task_state: null,
      system_metadata: withoutKey(op.inst.system_metadata, 'old_vm_state'),
    });
  });
  op.touch(m.source_compute);
  op.finish();
  return null;
}

function revertResize(call: ComputeCall, inst: Row): JsonValue {
  const env = call.env;
  const m = finishedMigration(env, inst);
  const old = inst.old_flavor ?? currentFlavor(env, inst);
  if (!old) throw new FlavorNotFound(String(m.old_instance_type_id ?? 'unknown'));
  const wasStopped = inst.system_metadata?.old_vm_state === 'stopped';
  const op = new Operation(call, inst);
  op.start('revertResize');
  op.save({ task_state: 'resize_reverting' }, { expectedTaskState: [null] });
  op.event('compute_revert_resize', m.dest_compute, () => env.store.migrations.update(m.id, { status: 'reverting' }, env.now()));
  op.event('compute_finish_revert_resize', m.source_compute, () => {
    env.store.migrations.update(m.id, { status: 'reverted' }, env.now());
    op.save({
      ...flavorFields(old),
      old_flavor: null,
      new_flavor: null,
      host: m.source_compute,
      node: m.source_node,
      vm_state: wasStopped ? 'stopped' : 'active',
      power_state: wasStopped ? POWER.SHUTDOWN : POWER.RUNNING,
      task_state: null,
      system_metadata: withoutKey(op.inst.system_metadata, 'old_vm_state'),
    });
  });
  op.touch(m.dest_compute);
  op.touch(m.source_compute);
  op.finish();
  return null;
}

function liveMigrate(call: ComputeCall, inst: Row, args: Args): JsonValue {
  const env = call.env;
  const flavor = currentFlavor(env, inst);
  if (!flavor) throw new FlavorNotFound(String(inst.instance_type_id ?? 'unknown'));
  const hostName = str(args.host_name);
  let dest: Placement | undefined;
  if (hostName !== null) {
    if (hostName === inst.host) throw new UnableToMigrateToSelf(inst.uuid, hostName);
    if (!env.store.services.getByComputeHost(hostName)) throw new ComputeHostNotFound(hostName);
    if (!hostUsable(env, hostName)) throw new ComputeServiceUnavailable(hostName);
    dest = pickHost(env, flavor, { only: [hostName] });
    if (!dest) throw new NoValidHost(`Host ${hostName} does not have enough resources.`);
  } else {
    dest = pickHost(env, flavor, { exclude: [inst.host] });
    if (!dest) throw new NoValidHost('There are not enough hosts available.');
  }
  const target = dest;
  const op = new Operation(call, inst);
  op.start('live-migration');
  op.save({ task_state: 'migrating' }, { expectedTaskState: [null] });
  const m = recordMigration(env, inst, target, {
    old_instance_type_id: flavor.id,
    new_instance_type_id: flavor.id,
    status: 'accepted',
    migration_type: 'live-migration',
    memory_total: flavor.memory_mb * 1024 * 1024,
    memory_processed: 0,
    memory_remaining: flavor.memory_mb * 1024 * 1024,
  });
  const details = { block_migration: args.block_migration ?? null, disk_over_commit: args.disk_over_commit ?? null };
  op.event('compute_check_can_live_migrate_destination', target.host, () => env.store.migrations.update(m.id, { status: 'preparing' }, env.now()), details);
  op.event('compute_live_migration', inst.host, () => {
    env.store.migrations.update(m.id, { status: 'running' }, env.now());
    env.store.consoleTokens.deleteByInstance(inst.uuid);
  });
  op.event('compute_post_live_migration_at_destination', target.host, () => {
    env.store.migrations.update(m.id, { status: 'completed', memory_processed: m.memory_total ?? 0, memory_remaining: 0 }, env.now());
    op.save({ host: target.host, node: target.node, task_state: null });
  });
  call.sync.consoleTokens(inst.uuid);
  op.touch(target.host);
  op.finish();
  return null;
}

/**
 * Snapshot or backup of an instance into `imageId` (the reference's snapshot_instance /
 * backup_instance handlers): the task state is set only if no task runs, the action is
 * recorded, then the host takes the image and the task ends.
 */
export function imageInstance(
  call: ComputeCall,
  inst: Row,
  kind: 'snapshot' | 'backup',
  imageId: string,
  details: JsonMap = {},
): Row {
  const op = new Operation(call, inst);
  op.save({ task_state: kind === 'snapshot' ? 'image_snapshot_pending' : 'image_backup' }, { expectedTaskState: [null] });
  op.start(kind === 'snapshot' ? 'createImage' : 'createBackup');
  op.event(
    kind === 'snapshot' ? 'compute_snapshot_instance' : 'compute_backup_instance',
    op.inst.host,
    () => {
      needsHost(op.inst);
      op.save({ task_state: 'image_uploading' });
      op.save({ task_state: null });
    },
    { image_id: imageId, ...details },
  );
  op.finish();
  return op.inst;
}

function imageMeta(inst: Row, name: string, kind: 'snapshot' | 'backup', extra: JsonValue | undefined, more: JsonMap = {}): JsonMap {
  const props: JsonMap = extra && typeof extra === 'object' && !Array.isArray(extra) ? { ...extra } : {};
  return {
    id: randomUUID(),
    name,
    status: 'active',
    container_format: 'bare',
    disk_format: 'qcow2',
    min_ram: inst.memory_mb ?? 0,
    min_disk: inst.root_gb ?? 0,
    properties: { ...props, instance_uuid: inst.uuid, image_type: kind, base_image_ref: inst.image_ref ?? null, ...more },
  };
}

const REBUILD_FIELDS = new Set(['metadata', 'auto_disk_config', 'display_name', 'display_description']);
const REBUILD_ARGS = new Set(['image_href', 'admin_password', 'files_to_inject', 'preserve_ephemeral']);

function rebuild(call: ComputeCall, inst: Row, args: Args): JsonValue {
  const env = call.env;
  const imageHref = str(args.image_href);
  if (!imageHref) throw new InvalidArgument('rebuild needs image_href');
  const wasStopped = inst.vm_state === 'stopped';
  const updates: Partial<Instance> = {};
  const ignored: string[] = [];
  for (const [k, v] of Object.entries(args)) {
    if (v === undefined || REBUILD_ARGS.has(k)) continue;
    if (REBUILD_FIELDS.has(k)) (updates as Record<string, unknown>)[k] = v;
    else ignored.push(k);
  }
  if (ignored.length > 0) env.log(call.ctx).debug(`rebuild of ${inst.uuid}: keyword arguments ignored: ${ignored.join(', ')}`);
  const files = Array.isArray(args.files_to_inject) ? args.files_to_inject.length : 0;
  const op = new Operation(call, inst);
  op.start('rebuild');
  op.save({ task_state: 'rebuilding', image_ref: imageHref, ...updates }, { expectedTaskState: [null] });
  op.event(
    'compute_rebuild_instance',
    op.inst.host,
    () => {
      needsHost(op.inst);
      op.save({
        vm_state: wasStopped ? 'stopped' : 'active',
        power_state: wasStopped ? POWER.SHUTDOWN : POWER.RUNNING,
        task_state: null,
        launched_at: env.now(),
      });
    },
    { image_ref: imageHref, preserve_ephemeral: Boolean(args.preserve_ephemeral), files_injected: files, admin_password_set: args.admin_password !== null && args.admin_password !== undefined },
  );
  op.finish();
  return null;
}

function shelve(call: ComputeCall, inst: Row, offloadOnly: boolean): JsonValue {
  const env = call.env;
  const op = new Operation(call, inst);
  op.start(offloadOnly ? 'shelveOffload' : 'shelve');
  if (!offloadOnly) {
    op.save({ task_state: 'shelving' }, { expectedTaskState: [null] });
    op.event('compute_shelve_instance', op.inst.host, () =>
      op.save({
        vm_state: 'shelved',
        power_state: POWER.SHUTDOWN,
        task_state: 'shelving_offloading',
        system_metadata: { ...(op.inst.system_metadata ?? {}), shelved_at: env.now(), shelved_host: op.inst.host ?? '' },
      }),
    );
  }
  op.event('compute_shelve_offload_instance', op.inst.host, () =>
    op.save({ vm_state: 'shelved_offloaded', power_state: POWER.NOSTATE, task_state: null, host: null, node: null }),
  );
  op.finish();
  return null;
}

function unshelve(call: ComputeCall, inst: Row): JsonValue {
  const env = call.env;
  const flavor = currentFlavor(env, inst);
  if (!flavor) throw new FlavorNotFound(String(inst.instance_type_id ?? 'unknown'));
  const dest = pickHost(env, flavor);
  if (!dest) throw new NoValidHost('There are not enough hosts available.');
  const op = new Operation(call, inst);
  op.start('unshelve');
  op.save({ task_state: 'unshelving' }, { expectedTaskState: [null] });
  op.event('compute_unshelve_instance', dest.host, () =>
    op.save({
      vm_state: 'active',
      power_state: POWER.RUNNING,
      task_state: null,
      host: dest.host,
      node: dest.node,
      launched_at: env.now(),
      system_metadata: withoutKey(withoutKey(op.inst.system_metadata, 'shelved_at'), 'shelved_host'),
    }),
  );
  op.finish();
  return null;
}

const REBOOT_SOFT = ['active'];
const REBOOT_HARD = ['active', 'stopped', 'paused', 'suspended', 'error'];
const REBOOT_TASKS = [null, 'rebooting', 'reboot_pending', 'reboot_started', 'rebooting_hard', 'resuming', 'unpausing', 'pausing', 'suspending'];

// ---------------------------------------------------------------------------------------
// The allow-list
// ---------------------------------------------------------------------------------------

export const COMPUTE_API_METHODS: { readonly [name: string]: ComputeMethod } = Object.freeze({
  start: simple({ params: [], vmStates: ['stopped'] }, { action: 'start', event: 'compute_start_instance', task: 'powering-on', final: active }),
  stop: simple(
    { params: [], kwargs: ['do_cast', 'clean_shutdown'], vmStates: ['active', 'rescued', 'error'] },
    {
      action: 'stop',
      event: 'compute_stop_instance',
      task: 'powering-off',
      final: () => ({ vm_state: 'stopped', power_state: POWER.SHUTDOWN }),
      details: (a) => ({ clean_shutdown: a.clean_shutdown ?? true }),
    },
  ),
  reboot: {
    params: ['reboot_type'],
    vmStates: REBOOT_HARD,
    taskStates: REBOOT_TASKS,
    run(call, inst, args) {
      const type = String(args.reboot_type ?? 'SOFT').toUpperCase();
      if (type !== 'SOFT' && type !== 'HARD') throw new InvalidArgument(`reboot_type must be SOFT or HARD, not ${type}`);
      if (type === 'SOFT' && (!REBOOT_SOFT.includes(inst.vm_state ?? '') || inst.task_state)) {
        throw new InstanceInvalidState(inst.uuid, inst.task_state ? 'task_state' : 'vm_state', inst.task_state ?? inst.vm_state ?? null, 'reboot');
      }
      const op = new Operation(call, inst);
      op.start('reboot');
      op.save({ task_state: type === 'SOFT' ? 'rebooting' : 'rebooting_hard' });
      op.event('compute_reboot_instance', op.inst.host, () => op.save({ ...active(), task_state: null }), { reboot_type: type });
      op.finish();
      return null;
    },
  },
  suspend: simple({ params: [], vmStates: ['active'] }, { action: 'suspend', event: 'compute_suspend_instance', task: 'suspending', final: () => ({ vm_state: 'suspended', power_state: POWER.SUSPENDED }) }),
  resume: simple({ params: [], vmStates: ['suspended'] }, { action: 'resume', event: 'compute_resume_instance', task: 'resuming', final: active }),
  pause: simple({ params: [], vmStates: ['active', 'rescued'] }, { action: 'pause', event: 'compute_pause_instance', task: 'pausing', final: () => ({ vm_state: 'paused', power_state: POWER.PAUSED }) }),
  unpause: simple({ params: [], vmStates: ['paused'] }, { action: 'unpause', event: 'compute_unpause_instance', task: 'unpausing', final: active }),
  delete: { params: [], taskStates: 'any', run: (call, inst) => terminate(call, inst, 'delete') },
  force_delete: { params: [], taskStates: 'any', run: (call, inst) => terminate(call, inst, 'force_delete') },
  soft_delete: { params: [], taskStates: 'any', mustHaveLaunched: true, run: (call, inst) => terminate(call, inst, 'soft_delete') },
  restore: simple({ params: [], vmStates: ['soft-delete'] }, { action: 'restore', event: 'compute_restore_instance', task: 'restoring', final: active }),
  resize: { params: [], kwargs: '*', vmStates: ['active', 'stopped'], run: resize },
  confirm_resize: { params: [], vmStates: ['resized'], run: (call, inst) => confirmResize(call, inst) },
  revert_resize: { params: [], vmStates: ['resized'], run: (call, inst) => revertResize(call, inst) },
  live_migrate: { params: ['block_migration', 'disk_over_commit', 'host_name'], vmStates: ['active', 'paused'], run: liveMigrate },
  reset_network: simple({ params: [], taskStates: 'any' }, { action: 'resetNetwork', event: 'compute_reset_network', final: () => ({}) }),
  inject_network_info: simple({ params: [], taskStates: 'any' }, { action: 'injectNetworkInfo', event: 'compute_inject_network_info', final: () => ({}) }),
  snapshot: {
    params: ['name'],
    kwargs: ['extra_properties'],
    vmStates: ['active', 'stopped', 'paused', 'suspended'],
    run(call, inst, args) {
      const meta = imageMeta(inst, String(args.name ?? `${inst.uuid}-snapshot`), 'snapshot', args.extra_properties);
      imageInstance(call, inst, 'snapshot', String(meta.id));
      return meta;
    },
  },
  backup: {
    params: ['name', 'backup_type', 'rotation'],
    kwargs: ['extra_properties'],
    vmStates: ['active', 'stopped'],
    run(call, inst, args) {
      const backupType = String(args.backup_type ?? 'daily');
      const rotation = Number(args.rotation ?? 1);
      const meta = imageMeta(inst, String(args.name ?? `${inst.uuid}-backup`), 'backup', args.extra_properties, { backup_type: backupType });
      imageInstance(call, inst, 'backup', String(meta.id), { backup_type: backupType, rotation });
      return meta;
    },
  },
  rebuild: {
    params: ['image_href', 'admin_password', 'files_to_inject'],
    kwargs: '*',
    vmStates: ['active', 'stopped', 'error'],
    run: rebuild,
  },
  set_admin_password: simple(
    { params: ['password'], vmStates: ['active'] },
    { action: 'changePassword', event: 'compute_set_admin_password', task: 'updating_password', final: () => ({}) },
  ),
  shelve: { params: [], kwargs: ['clean_shutdown'], vmStates: ['active', 'stopped', 'paused', 'suspended'], run: (call, inst) => shelve(call, inst, false) },
  shelve_offload: { params: [], kwargs: ['clean_shutdown'], vmStates: ['shelved'], run: (call, inst) => shelve(call, inst, true) },
  unshelve: { params: [], vmStates: ['shelved', 'shelved_offloaded'], run: (call, inst) => unshelve(call, inst) },
  rescue: simple(
    { params: [], kwargs: ['rescue_password', 'rescue_image_ref'], vmStates: ['active', 'stopped', 'error'] },
    { action: 'rescue', event: 'compute_rescue_instance', task: 'rescuing', final: () => ({ vm_state: 'rescued', power_state: POWER.RUNNING }) },
  ),
  unrescue: simple({ params: [], vmStates: ['rescued'] }, { action: 'unrescue', event: 'compute_unrescue_instance', task: 'unrescuing', final: active }),
  lock: {
    params: [],
    kwargs: ['reason'],
    taskStates: 'any',
    checkLock: false,
    run(call, inst, args) {
      const c = call.ctx.ctxt;
      const op = new Operation(call, inst);
      op.start('lock');
      const by = c.project_id !== null && c.project_id === inst.project_id ? 'owner' : 'admin';
      op.save({ locked: true, locked_by: by, system_metadata: { ...(inst.system_metadata ?? {}), ...(typeof args.reason === 'string' ? { locked_reason: args.reason } : {}) } });
      op.finish();
      return null;
    },
  },
  unlock: {
    params: [],
    taskStates: 'any',
    checkLock: false,
    run(call, inst) {
      if (inst.locked && inst.locked_by === 'admin' && !call.ctx.ctxt.is_admin) throw new InstanceIsLocked(inst.uuid);
      const op = new Operation(call, inst);
      op.start('unlock');
      op.save({ locked: false, locked_by: null, system_metadata: withoutKey(inst.system_metadata, 'locked_reason') });
      op.finish();
      return null;
    },
  },
  get_console_output: {
    params: [],
    kwargs: ['tail_length'],
    taskStates: 'any',
    checkLock: false,
    run(call, inst, args) {
      needsHost(inst);
      return consoleOutput(call.env, inst, typeof args.tail_length === 'number' ? args.tail_length : null);
    },
  },
  get_vnc_console: { params: ['console_type'], taskStates: 'any', checkLock: false, run: (call, inst, args) => issueConsole(call.env, inst, String(args.console_type ?? 'novnc'), ['vnc']) },
  get_spice_console: { params: ['console_type'], taskStates: 'any', checkLock: false, run: (call, inst, args) => issueConsole(call.env, inst, String(args.console_type ?? 'spice-html5'), ['spice']) },
  get_serial_console: { params: ['console_type'], taskStates: 'any', checkLock: false, run: (call, inst, args) => issueConsole(call.env, inst, String(args.console_type ?? 'serial'), ['serial']) },
  get_diagnostics: {
    params: [],
    taskStates: 'any',
    checkLock: false,
    run(call, inst) {
      needsHost(inst);
      return diagnostics(call.env, inst);
    },
  },
});

/** The names of the allow-list, sorted. */
export const COMPUTE_API_METHOD_NAMES: readonly string[] = Object.freeze(Object.keys(COMPUTE_API_METHODS).sort());

/** The allow-list entry, or CellServiceAPIMethodNotFound. */
export function computeMethod(name: string): ComputeMethod {
  const m = Object.hasOwn(COMPUTE_API_METHODS, name) ? COMPUTE_API_METHODS[name] : undefined;
  if (!m) throw new CellServiceAPIMethodNotFound(`compute_api.${name}`);
  return m;
}

/** Binds positional and keyword arguments to a method's names, as a Python call would. */
function bindArgs(name: string, m: ComputeMethod, positional: readonly JsonValue[], kwargs: JsonMap): Args {
  if (positional.length > m.params.length) {
    throw new InvalidArgument(`compute_api.${name} takes ${m.params.length} positional argument(s) after the instance, ${positional.length} given`);
  }
  const args: Args = {};
  positional.forEach((v, i) => {
    args[m.params[i] as string] = v;
  });
  for (const [k, v] of Object.entries(kwargs)) {
    if (k in args) throw new InvalidArgument(`compute_api.${name} got multiple values for argument '${k}'`);
    const known = m.params.includes(k) || m.kwargs === '*' || (Array.isArray(m.kwargs) && m.kwargs.includes(k));
    if (!known) throw new InvalidArgument(`compute_api.${name} got an unexpected keyword argument '${k}'`);
    args[k] = v;
  }
  return args;
}

/** nova's check_instance_state (and must_have_launched). */
function checkState(name: string, m: ComputeMethod, inst: Row): void {
  if (m.vmStates && !m.vmStates.includes(inst.vm_state ?? '')) throw new InstanceInvalidState(inst.uuid, 'vm_state', inst.vm_state ?? null, name);
  const tasks = m.taskStates ?? [null];
  if (tasks !== 'any' && !tasks.includes(inst.task_state ?? null)) throw new InstanceInvalidState(inst.uuid, 'task_state', inst.task_state ?? null, name);
  if (m.mustHaveLaunched && !inst.launched_at) throw new InstanceInvalidState(inst.uuid, 'launched_at', null, name);
}

/**
 * `compute_api.<method>(ctxt, instance, *positional, **kwargs)` on an instance loaded from
 * this cell's store.
 */
export async function callComputeApi(call: ComputeCall, instance: Row, method: string, positional: readonly JsonValue[] = [], kwargs: JsonMap = {}): Promise<JsonValue> {
  const m = computeMethod(method);
  const args = bindArgs(method, m, positional, kwargs);
  if (m.checkLock !== false) checkLock(call.ctx, instance);
  checkState(method, m, instance);
  return m.run(call, instance, args);
}
