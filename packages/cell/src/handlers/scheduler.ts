/**
 * The cells scheduler behind build_instances (reference nova/cells/scheduler.py): the
 * cell that receives the message picks itself or one of its children, up to
 * `retries + 1` attempts `retryDelayMs` apart, and either builds the instances here or
 * sends build_instances on to the chosen child (which schedules again, among its own).
 *
 * Candidates: every child, plus this cell when it has capacity data of its own or no
 * children. Filters, in order:
 * - TargetCellFilter (admin contexts): the `target_cell` hint (a path from the origin) is
 *   removed from the hints; this cell when it names this cell, else the build is sent
 *   straight on to that cell and scheduling stops here.
 * - DifferentCellFilter (admin contexts): drop the cells named by `different_cell`.
 * - ImagePropertiesFilter: image property `hypervisor_version_requires` (e.g. `>=6.0,<7`)
 *   against the cell's `prominent_hypervisor_version` capability; and, added here,
 *   `hypervisor_type` against the cell's `hypervisor` capability.
 * - CapacityFilter (added here): the cell's capacities must hold enough units of the
 *   flavor's RAM size (and disk size, when the flavor has disk) for every instance.
 * Weighers, each normalized to 0..1 over the candidates, then multiplied:
 * RAM units of the flavor (x10) and mute child (x-10000), as the reference's
 * ram_by_instance_type and mute_child weighers.
 *
 * Building here: the instance rows are created (building, scheduling) and sent to the
 * top, their BDMs are created and sent up, a `create` action is recorded for each, then
 * each instance is placed on the host with most free RAM that fits and becomes active
 * (an instance no host can take goes to error with a NoValidHost fault). When no cell is
 * found after the last attempt, the instances go to error and that is sent to the top.
 */
import { createClient } from '@cellwire/client';
import { CellRoutingInconsistency, NoCellsAvailable, type HandlerContext } from '@cellwire/core';
import { novaCells, type BuildInstancesKwargs, type Capabilities, type Capacities, type Flavor, type ImageMeta, type Instance, type NovaCellsHandlers } from '@cellwire/schema';
import { computeCapacities } from '../capacity.js';
import { flavorFields, Operation, pickHost, POWER, type ComputeCall } from './compute-api.js';
import { sleep, TopSync, type Env } from './context.js';
import { withCompute } from './instances.js';

/** One cell the scheduler may choose. */
export interface CellCandidate {
  /** Short name. */
  readonly name: string;
  /** Path from the message's origin. */
  readonly path: string;
  readonly isMe: boolean;
  readonly capacities: Capacities;
  readonly capabilities: Capabilities;
  readonly mute: boolean;
}

export const RAM_WEIGHT_MULTIPLIER = 10;
export const MUTE_WEIGHT_MULTIPLIER = -10000;
export const MUTE_WEIGHT_VALUE = 1000;

/** Units of `sizeMb` in one capacity: the reported count, else what the free total holds. */
export function unitsFor(capacities: Capacities, resource: 'ram_free' | 'disk_free', sizeMb: number): number {
  const c = capacities[resource];
  if (!c) return 0;
  const n = c.units_by_mb[String(sizeMb)];
  if (n !== undefined) return n;
  return sizeMb > 0 ? Math.floor(c.total_mb / sizeMb) : 0;
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split('.').map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** A version against a specifier list such as `>=6.0,<7.0` (operators ==, !=, >=, <=, >, <, ~=). */
export function matchesVersion(version: string, requires: string): boolean {
  return requires
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .every((spec) => {
      const m = /^(==|!=|>=|<=|~=|>|<)?\s*([0-9][0-9.]*)$/.exec(spec);
      if (!m) return false;
      const op = m[1] ?? '==';
      const want = m[2] as string;
      const c = compareVersions(version, want);
      switch (op) {
        case '==':
          return c === 0;
        case '!=':
          return c !== 0;
        case '>=':
          return c >= 0;
        case '<=':
          return c <= 0;
        case '>':
          return c > 0;
        case '<':
          return c < 0;
        default: {
          // ~=X.Y: >= X.Y and the same release series (all but the last part equal).
          const prefix = want.split('.').slice(0, -1);
          const parts = version.split('.');
          return c >= 0 && prefix.every((p, i) => Number(p) === Number(parts[i] ?? 0));
        }
      }
    });
}

function normalize(values: readonly number[]): number[] {
  if (values.length === 0) return [];
  const min = Math.min(...values);
  const max = Math.max(...values);
  if (min === max) return values.map(() => 0);
  return values.map((v) => (v - min) / (max - min));
}

/** The candidates in weight order, best first (stable for equal weights). */
export function weighCells(cells: readonly CellCandidate[], flavor: Flavor): CellCandidate[] {
  const ram = normalize(cells.map((c) => unitsFor(c.capacities, 'ram_free', flavor.memory_mb)));
  const mute = normalize(cells.map((c) => (!c.isMe && c.mute ? MUTE_WEIGHT_VALUE : 0)));
  const weights = cells.map((c, i) => ({ c, i, w: RAM_WEIGHT_MULTIPLIER * (ram[i] ?? 0) + MUTE_WEIGHT_MULTIPLIER * (mute[i] ?? 0) }));
  weights.sort((a, b) => b.w - a.w || a.i - b.i);
  return weights.map((x) => x.c);
}

function asList(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** The filters after TargetCellFilter. */
export function filterCells(cells: readonly CellCandidate[], kwargs: BuildInstancesKwargs, isAdmin: boolean): CellCandidate[] {
  const hints = kwargs.filter_properties.scheduler_hints ?? {};
  const flavor = kwargs.filter_properties.instance_type;
  const n = Math.max(1, kwargs.instances.length);
  let out = [...cells];
  if (isAdmin) {
    const avoid = new Set(asList(hints.different_cell));
    if (avoid.size > 0) out = out.filter((c) => !avoid.has(c.path));
  }
  const props = (kwargs.image as ImageMeta).properties ?? {};
  const requires = props.hypervisor_version_requires;
  if (typeof requires === 'string') {
    out = out.filter((c) => {
      const version = c.capabilities.prominent_hypervisor_version?.[0];
      return !version || matchesVersion(version, requires);
    });
  }
  const hvType = props.hypervisor_type ?? props.img_hv_type;
  if (typeof hvType === 'string') {
    out = out.filter((c) => {
      const offered = c.capabilities.hypervisor ?? [];
      return offered.length === 0 || offered.some((h) => h.toLowerCase() === hvType.toLowerCase());
    });
  }
  const diskMb = (flavor.root_gb + flavor.ephemeral_gb) * 1024;
  out = out.filter((c) => unitsFor(c.capacities, 'ram_free', flavor.memory_mb) >= n && (diskMb === 0 || unitsFor(c.capacities, 'disk_free', diskMb) >= n));
  return out;
}

/** The cells this one may choose (reference `_get_possible_cells`). */
export function possibleCells(ctx: HandlerContext, env: Env): CellCandidate[] {
  const state = ctx.runner.state;
  const out: CellCandidate[] = [...state.children.values()].map((c) => ({
    name: c.name,
    path: `${ctx.routingPath}!${c.name}`,
    isMe: false,
    capacities: c.capacities,
    capabilities: c.capabilities,
    mute: state.isMute(c),
  }));
  const mine = computeCapacities(env.store, { reservePercent: env.reservePercent, flavors: env.flavors });
  if (out.length === 0 || Object.keys(mine).length > 0) {
    out.push({
      name: ctx.runner.name,
      path: ctx.routingPath,
      isMe: true,
      capacities: mine,
      capabilities: state.getOurCapabilities(false),
      mute: false,
    });
  }
  return out;
}

/** Image properties nova copies into a new instance's system metadata. */
function imageSystemMetadata(image: ImageMeta): { [k: string]: string } {
  const out: { [k: string]: string } = {};
  if (image.id) out.image_base_image_ref = image.id;
  if (image.min_ram !== undefined) out.image_min_ram = String(image.min_ram);
  if (image.min_disk !== undefined) out.image_min_disk = String(image.min_disk);
  if (image.disk_format) out.image_disk_format = image.disk_format;
  if (image.container_format) out.image_container_format = image.container_format;
  for (const [k, v] of Object.entries(image.properties ?? {})) if (typeof v === 'string') out[`image_${k}`] = v;
  return out;
}

const NOT_COPIED = ['id', 'info_cache', 'security_groups', 'flavor', 'old_flavor', 'new_flavor', 'cell_name', 'deleted', 'deleted_at', 'host', 'node', 'launched_on'];

/** Creates the instances here and builds them on this cell's hosts (reference `_create_instances_here`, `_create_action_here`, conductor). */
async function buildHere(call: ComputeCall, kwargs: BuildInstancesKwargs): Promise<void> {
  const { ctx, env, sync } = call;
  const store = env.store;
  const flavor = kwargs.filter_properties.instance_type;
  const image = kwargs.image as ImageMeta;
  const now = env.now();
  const reservation = `r-${Math.random().toString(36).slice(2, 10)}`;
  const created: { uuid: string; actionId: number }[] = [];
  kwargs.instances.forEach((given, i) => {
    let row = store.instances.get(given.uuid);
    if (!row) {
      const values: Record<string, unknown> = { ...given };
      for (const k of NOT_COPIED) delete values[k];
      row = store.instances.create(
        {
          ...(values as Partial<Instance>),
          uuid: given.uuid,
          ...flavorFields(flavor),
          old_flavor: null,
          new_flavor: null,
          cell_name: ctx.routingPath,
          vm_state: 'building',
          task_state: 'scheduling',
          power_state: POWER.NOSTATE,
          security_groups: kwargs.security_groups.map((name) => ({ name })),
          info_cache: { network_info: [] },
          launch_index: given.launch_index ?? i,
          reservation_id: given.reservation_id ?? reservation,
          image_ref: given.image_ref ?? image.id ?? null,
          project_id: given.project_id ?? ctx.ctxt.project_id,
          user_id: given.user_id ?? ctx.ctxt.user_id,
          metadata: given.metadata ?? {},
          system_metadata: { ...imageSystemMetadata(image), ...(given.system_metadata ?? {}) },
        },
        now,
      );
      sync.update(row);
      for (const bdm of kwargs.block_device_mapping) {
        const b: Record<string, unknown> = { ...bdm, instance_uuid: row.uuid };
        delete b.id;
        const saved = store.bdms.create(b as never, now);
        sync.bdm(saved, true);
      }
    }
    created.push({ uuid: row.uuid, actionId: 0 });
  });
  const c = ctx.ctxt;
  for (const x of created) {
    x.actionId = store.actions.start({ action: 'create', instance_uuid: x.uuid, request_id: c.request_id, user_id: c.user_id, project_id: c.project_id }, now).id;
  }
  await sync.flush();
  const fp = kwargs.filter_properties;
  const tried = new Set((fp.retry?.hosts ?? []).map((h) => h[0]).filter((h): h is string => typeof h === 'string'));
  for (const x of created) {
    const inst = store.instances.get(x.uuid);
    if (!inst || inst.vm_state !== 'building') continue;
    const op = new Operation(call, inst);
    op.attach(x.actionId);
    const placement = pickHost(env, flavor, {
      exclude: [...tried],
      ...(fp.force_hosts && fp.force_hosts.length > 0 ? { only: fp.force_hosts } : {}),
    });
    if (!placement) {
      op.save({ vm_state: 'error', task_state: null });
      const fault = store.faults.create(
        { instance_uuid: inst.uuid, code: 500, message: 'NoValidHost', details: 'No valid host was found. There are not enough hosts available.', host: null },
        env.now(),
      );
      sync.fault({ instance_uuid: fault.instance_uuid, code: fault.code, message: fault.message, details: fault.details ?? null, host: null });
      store.actions.finish(x.actionId, env.now(), 'Error');
    } else {
      op.save({ task_state: 'spawning', host: placement.host, node: placement.node, launched_on: placement.host });
      op.event(
        'compute__do_build_and_run_instance',
        placement.host,
        () => op.save({ vm_state: 'active', power_state: POWER.RUNNING, task_state: null, launched_at: env.now() }),
        { injected_files: kwargs.injected_files.length, admin_password_set: kwargs.admin_password !== null },
      );
      op.finish();
    }
    await sync.flush();
  }
}

/** The instances as error, to the top (and here, when they are here or this is the top). */
async function failBuild(ctx: HandlerContext, env: Env, kwargs: BuildInstancesKwargs, reason: Error): Promise<void> {
  const store = env.store;
  const sync = new TopSync(ctx, env);
  const isTop = ctx.runner.state.isTop();
  for (const given of kwargs.instances) {
    const local = store.instances.get(given.uuid);
    let errored: Instance;
    if (local) {
      errored = store.instances.update(given.uuid, { vm_state: 'error', task_state: null }, { now: env.now() });
    } else {
      const values: Record<string, unknown> = { ...given };
      for (const k of ['id', 'deleted', 'deleted_at']) delete values[k];
      errored = { ...(values as unknown as Instance), ...flavorFields(kwargs.filter_properties.instance_type), vm_state: 'error', task_state: null };
      // At the top with no cell found, the instance belongs to no cell.
      if (isTop) errored = store.instances.create({ ...errored, cell_name: null }, env.now());
    }
    sync.update(errored);
    const fault = { instance_uuid: given.uuid, code: 500, message: reason.name, details: reason.message, host: null };
    if (local || isTop) store.faults.create(fault, env.now());
    sync.fault(fault);
  }
  await sync.flush();
}

async function scheduleOnce(ctx: HandlerContext, env: Env, kwargs: BuildInstancesKwargs): Promise<void> {
  const client = createClient(novaCells, ctx.runner);
  const isAdmin = ctx.ctxt.is_admin;
  const hints = kwargs.filter_properties.scheduler_hints;
  let cells = possibleCells(ctx, env);
  const targetHint = hints?.target_cell;
  if (hints && targetHint !== undefined) {
    // Popped before the authorization check, so that it does not travel further (reference).
    delete hints.target_cell;
    if (isAdmin && typeof targetHint === 'string' && targetHint) {
      if (targetHint === ctx.routingPath) {
        cells = cells.filter((c) => c.isMe);
        if (cells.length === 0) cells = [{ name: ctx.runner.name, path: ctx.routingPath, isMe: true, capacities: {}, capabilities: {}, mute: false }];
      } else if (targetHint.startsWith(`${ctx.routingPath}!`)) {
        // Sent straight on; scheduling continues in the named cell.
        const target = `${ctx.runner.name}${targetHint.slice(ctx.routingPath.length)}`;
        await client.buildInstances(ctx.ctxt, { target_cell: target, build_inst_kwargs: kwargs });
        return;
      } else {
        throw new CellRoutingInconsistency(`target_cell hint ${targetHint} is not this cell (${ctx.routingPath}) or below it`);
      }
    }
  }
  const fitting = filterCells(cells, kwargs, isAdmin);
  if (fitting.length === 0) throw new NoCellsAvailable();
  const log = env.log(ctx);
  for (const cell of weighCells(fitting, kwargs.filter_properties.instance_type)) {
    try {
      if (cell.isMe) {
        await withCompute(ctx, env, (call) => buildHere(call, kwargs));
        return;
      }
      await client.buildInstances(ctx.ctxt, { target_cell: `${ctx.runner.name}!${cell.name}`, build_inst_kwargs: kwargs });
      return;
    } catch (e) {
      log.warn(`couldn't build in cell '${cell.path}': ${(e as Error).message}`);
    }
  }
  throw new NoCellsAvailable();
}

export function schedulerHandlers(env: Env): Pick<NovaCellsHandlers, 'buildInstances'> {
  return {
    async buildInstances(ctx, { build_inst_kwargs }) {
      const kwargs = structuredClone(build_inst_kwargs);
      const log = env.log(ctx);
      let failure: Error = new NoCellsAvailable();
      for (let attempt = 0; attempt <= env.retries; attempt++) {
        try {
          await scheduleOnce(ctx, env, kwargs);
          return null;
        } catch (e) {
          failure = e instanceof Error ? e : new Error(String(e));
          if (!(e instanceof NoCellsAvailable) || attempt === env.retries) break;
          if (Date.now() + env.retryDelayMs >= ctx.deadline) break;
          log.info(`no cells available when scheduling; will retry in ${env.retryDelayMs} ms`);
          await sleep(env.retryDelayMs, ctx.signal);
          if (ctx.signal.aborted) break;
        }
      }
      const uuids = kwargs.instances.map((i) => i.uuid).join(', ');
      log.error(`error scheduling instances ${uuids}: ${failure.message}`);
      await failBuild(ctx, env, kwargs, failure);
      return null;
    },
  };
}
