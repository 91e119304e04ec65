/**
 * Handlers that act on an instance in its own cell (reference section 4, "targeted
 * (instance)"), plus run_compute_api_method, instance_update_from_api and
 * instance_delete_everywhere. The lifecycle handlers go through the reference's
 * `_call_compute_api_with_obj`: reload the instance from this cell's store (a missing one
 * is destroyed at the top, then InstanceNotFound), refuse a missing info cache except for
 * delete, and call the compute API, whose saves are sent to the top.
 */
import { InstanceNotFound, InvalidArgument, type HandlerContext } from '@cellwire/core';
import type { Instance, JsonMap, JsonValue, NovaCellsHandlers } from '@cellwire/schema';
import { InstanceInfoCacheNotFound } from '../errors.js';
import { callComputeApi, computeMethod, imageInstance, type ComputeCall } from './compute-api.js';
import { TopSync, type Env } from './context.js';

/** Runs `fn` with a fresh upward queue, sending what it queued even when it fails. */
export async function withCompute<T>(ctx: HandlerContext, env: Env, fn: (call: ComputeCall) => T | Promise<T>): Promise<T> {
  const sync = new TopSync(ctx, env);
  try {
    return await fn({ ctx, env, sync });
  } finally {
    await sync.flush();
  }
}

/** The reference's `_call_compute_api_with_obj`. */
export async function callComputeApiWithObj(
  call: ComputeCall,
  instance: Instance,
  method: string,
  positional: readonly JsonValue[] = [],
  kwargs: JsonMap = {},
): Promise<JsonValue> {
  const inst = call.env.store.instances.get(instance.uuid);
  if (!inst) {
    // Self-heal the top's copy, then tell the caller.
    call.sync.destroy(instance);
    throw new InstanceNotFound(instance.uuid);
  }
  if (!inst.info_cache && method !== 'delete' && method !== 'force_delete') throw new InstanceInfoCacheNotFound(inst.uuid);
  return callComputeApi(call, inst, method, positional, kwargs);
}

type InstanceHandlers = Pick<
  NovaCellsHandlers,
  | 'runComputeApiMethod'
  | 'instanceUpdateFromApi'
  | 'instanceDeleteEverywhere'
  | 'startInstance'
  | 'stopInstance'
  | 'rebootInstance'
  | 'suspendInstance'
  | 'resumeInstance'
  | 'pauseInstance'
  | 'unpauseInstance'
  | 'terminateInstance'
  | 'softDeleteInstance'
  | 'resizeInstance'
  | 'liveMigrateInstance'
  | 'revertResize'
  | 'confirmResize'
  | 'resetNetwork'
  | 'injectNetworkInfo'
  | 'snapshotInstance'
  | 'backupInstance'
  | 'rebuildInstance'
  | 'setAdminPassword'
>;

/** Fields instance_update_from_api never applies: the cell is authoritative for them (or they are keys). */
const FROM_API_IGNORED = ['id', 'uuid', 'cell_name', 'metadata', 'system_metadata', 'deleted', 'deleted_at', 'created_at'] as const;

export function instanceHandlers(env: Env): InstanceHandlers {
  const { store } = env;

  const lifecycle = (ctx: HandlerContext, instance: Instance, method: string, positional: JsonValue[] = [], kwargs: JsonMap = {}) =>
    withCompute(ctx, env, async (call) => {
      await callComputeApiWithObj(call, instance, method, positional, kwargs);
      return null;
    });

  return {
    async runComputeApiMethod(ctx, { method_info }) {
      // The method must exist before anything is loaded, as in the reference.
      computeMethod(method_info.method);
      const [uuid, ...rest] = method_info.method_args;
      if (typeof uuid !== 'string') throw new InvalidArgument('run_compute_api_method: method_args[0] must be an instance uuid');
      return withCompute(ctx, env, async (call) => {
        const inst = store.instances.get(uuid);
        if (!inst) {
          call.sync.destroy({ uuid });
          throw new InstanceNotFound(uuid);
        }
        return callComputeApi(call, inst, method_info.method, rest, method_info.method_kwargs);
      });
    },

    instanceUpdateFromApi(ctx, { instance, expected_vm_state, expected_task_state, admin_state_reset }) {
      const changes: Record<string, unknown> = { ...instance };
      for (const k of FROM_API_IGNORED) delete changes[k];
      if (!admin_state_reset) {
        delete changes.vm_state;
        delete changes.task_state;
      }
      // Saved without a sync back to the top: the change came from there.
      store.instances.update(instance.uuid, changes as Partial<Instance>, {
        expectedVmState: expected_vm_state,
        expectedTaskState: expected_task_state,
        now: env.now(),
      });
      env.log(ctx).debug(`instance ${instance.uuid} updated from the API cell (admin_state_reset=${admin_state_reset})`);
      return null;
    },

    async instanceDeleteEverywhere(ctx, { instance, delete_type }) {
      const inst = store.instances.get(instance.uuid);
      if (!inst) return null; // not in this cell: nothing to delete here
      await withCompute(ctx, env, (call) => callComputeApi(call, inst, delete_type === 'soft' ? 'soft_delete' : 'delete'));
      return null;
    },

    startInstance: (ctx, { instance }) => lifecycle(ctx, instance, 'start'),
    stopInstance: (ctx, { instance, clean_shutdown }) =>
      lifecycle(ctx, instance, 'stop', [], { do_cast: !ctx.needResponse, clean_shutdown: clean_shutdown ?? true }),
    rebootInstance: (ctx, { instance, reboot_type }) => lifecycle(ctx, instance, 'reboot', [], { reboot_type }),
    suspendInstance: (ctx, { instance }) => lifecycle(ctx, instance, 'suspend'),
    resumeInstance: (ctx, { instance }) => lifecycle(ctx, instance, 'resume'),
    pauseInstance: (ctx, { instance }) => lifecycle(ctx, instance, 'pause'),
    unpauseInstance: (ctx, { instance }) => lifecycle(ctx, instance, 'unpause'),
    terminateInstance: (ctx, { instance, delete_type }) => lifecycle(ctx, instance, delete_type ?? 'delete'),
    softDeleteInstance: (ctx, { instance }) => lifecycle(ctx, instance, 'soft_delete'),
    resizeInstance: (ctx, { instance, flavor, extra_instance_updates, clean_shutdown }) =>
      lifecycle(ctx, instance, 'resize', [], { ...extra_instance_updates, flavor_id: flavor.flavorid, clean_shutdown: clean_shutdown ?? true }),
    liveMigrateInstance: (ctx, { instance, block_migration, disk_over_commit, host_name }) =>
      lifecycle(ctx, instance, 'live_migrate', [block_migration, disk_over_commit, host_name]),
    revertResize: (ctx, { instance }) => lifecycle(ctx, instance, 'revert_resize'),
    confirmResize: (ctx, { instance }) => lifecycle(ctx, instance, 'confirm_resize'),
    resetNetwork: (ctx, { instance }) => lifecycle(ctx, instance, 'reset_network'),
    injectNetworkInfo: (ctx, { instance }) => lifecycle(ctx, instance, 'inject_network_info'),
    rebuildInstance: (ctx, { instance, image_href, admin_password, files_to_inject, preserve_ephemeral, kwargs }) =>
      lifecycle(ctx, instance, 'rebuild', [image_href, admin_password, files_to_inject ?? null], { ...kwargs, preserve_ephemeral }),
    setAdminPassword: (ctx, { instance, new_pass }) => lifecycle(ctx, instance, 'set_admin_password', [new_pass]),

    // Not through _call_compute_api_with_obj, as in the reference: reload (a missing
    // instance is just InstanceNotFound), set the task state only if idle, record the action.
    snapshotInstance: (ctx, { instance, image_id }) =>
      withCompute(ctx, env, (call) => {
        const inst = store.instances.get(instance.uuid);
        if (!inst) throw new InstanceNotFound(instance.uuid);
        imageInstance(call, inst, 'snapshot', image_id);
        return null;
      }),
    backupInstance: (ctx, { instance, image_id, backup_type, rotation }) =>
      withCompute(ctx, env, (call) => {
        const inst = store.instances.get(instance.uuid);
        if (!inst) throw new InstanceNotFound(instance.uuid);
        imageInstance(call, inst, 'backup', image_id, { backup_type, rotation });
        return null;
      }),
  };
}
