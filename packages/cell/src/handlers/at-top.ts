/**
 * The `*_at_top` handlers (reference section 4): they run only in a cell without parents
 * (core enforces `topOnly`: below the top the handler is not called and answers null) and
 * keep the top's copy of what the cells report. Nothing here sends anything on: saves at
 * the top never sync back down, so there is no loop.
 */
import { InstanceNotFound, reversePath } from '@cellwire/core';
import type { BlockDeviceMapping, Instance, NovaCellsHandlers } from '@cellwire/schema';
import { UnexpectedTaskStateError, UnexpectedVMStateError } from '../errors.js';
import type { Env } from './context.js';

/** vm_state updates that are only accepted when the top holds one of these (reference `_get_expected_vm_state`). */
export const EXPECTED_VM_STATES: { readonly [state: string]: readonly (string | null)[] } = {
  building: ['building', null],
};

/** task_state updates that are only accepted when the top holds one of these (reference `_get_expected_task_state`). */
export const EXPECTED_TASK_STATES: { readonly [state: string]: readonly (string | null)[] } = {
  rebuild_block_device_mapping: ['rebuild_block_device_mapping', 'rebuilding'],
  rebuild_spawning: ['rebuild_spawning', 'rebuild_block_device_mapping', 'rebuilding'],
  resize_migrating: ['resize_migrating', 'resize_prep'],
  resize_migrated: ['resize_migrated', 'resize_migrating', 'resize_prep'],
  resize_finish: ['resize_finish', 'resize_migrated', 'resize_migrating', 'resize_prep'],
};

/** The expected vm states for an incoming update; null when there is no guard. */
export function expectedVmState(instance: Instance): (string | null)[] | null {
  if (instance.vm_state === undefined) return null;
  const e = EXPECTED_VM_STATES[instance.vm_state];
  return e ? [...e] : null;
}

/** The expected task states for an incoming update; null when there is no guard. */
export function expectedTaskState(instance: Instance): (string | null)[] | null {
  if (instance.task_state === undefined || instance.task_state === null) return null;
  const e = EXPECTED_TASK_STATES[instance.task_state];
  return e ? [...e] : null;
}

/**
 * Fields of an update the top does not apply: the top is authoritative for metadata and
 * security groups, ids are per cell, `cell_name` comes from the routing path, and deletion
 * arrives only through instance_destroy_at_top.
 */
export const AT_TOP_IGNORED = ['id', 'security_groups', 'cell_name', 'metadata', 'deleted', 'deleted_at'] as const;

type AtTopHandlers = Pick<
  NovaCellsHandlers,
  | 'instanceUpdateAtTop'
  | 'instanceDestroyAtTop'
  | 'instanceFaultCreateAtTop'
  | 'bwUsageUpdateAtTop'
  | 'bdmUpdateOrCreateAtTop'
  | 'bdmDestroyAtTop'
  | 'consoleauthDeleteTokens'
  | 'getKeypairAtTop'
>;

function withoutId<T extends { id?: number }>(v: T): T {
  const copy = { ...v };
  delete copy.id;
  return copy;
}

export function atTopHandlers(env: Env): AtTopHandlers {
  const { store } = env;
  return {
    instanceUpdateAtTop(ctx, { instance }) {
      const cellName = reversePath(ctx.routingPath);
      const changes: Record<string, unknown> = { ...instance };
      for (const k of AT_TOP_IGNORED) delete changes[k];
      changes.cell_name = cellName;
      try {
        // read_deleted='yes': an instance already destroyed here still takes the update.
        store.instances.update(instance.uuid, changes as Partial<Instance>, {
          expectedVmState: expectedVmState(instance),
          expectedTaskState: expectedTaskState(instance),
          readDeleted: true,
          now: env.now(),
        });
      } catch (e) {
        if (e instanceof UnexpectedVMStateError || e instanceof UnexpectedTaskStateError) {
          // An update that arrived out of order: the guard kept the newer state.
          env.log(ctx).info(`instance_update_at_top for ${instance.uuid} dropped: ${e.message}`);
          return null;
        }
        if (!(e instanceof InstanceNotFound)) throw e;
        // First news of this instance: create it. Deliberate change: with no copy here to
        // protect, its metadata and security groups are kept.
        const created: Record<string, unknown> = { ...instance, cell_name: cellName };
        for (const k of ['id', 'deleted', 'deleted_at']) delete created[k];
        store.instances.create(created as unknown as Instance, env.now());
      }
      return null;
    },

    instanceDestroyAtTop(_ctx, { instance }) {
      // By uuid, so an instance object with only a uuid works too; a missing one is ignored.
      store.instances.destroy(instance.uuid, env.now());
      return null;
    },

    instanceFaultCreateAtTop(_ctx, { instance_fault }) {
      store.faults.create(withoutId(instance_fault), env.now());
      return null;
    },

    bwUsageUpdateAtTop(_ctx, { bw_update_info }) {
      store.bwUsage.update(bw_update_info, env.now());
      return null;
    },

    bdmUpdateOrCreateAtTop(ctx, { bdm, create }) {
      const values: BlockDeviceMapping = withoutId(bdm);
      if (create === undefined || create === null) {
        store.bdms.updateOrCreate(values, env.now());
      } else if (create) {
        store.bdms.create(values, env.now());
      } else {
        const match = store.bdms
          .listByInstance(values.instance_uuid)
          .find((row) => (values.device_name && row.device_name === values.device_name) || (values.volume_id && row.volume_id === values.volume_id));
        if (!match || match.id === undefined) {
          env.log(ctx).warn(`no match when trying to update BDM of instance ${values.instance_uuid} (device ${values.device_name ?? '-'}, volume ${values.volume_id ?? '-'})`);
          return null;
        }
        store.bdms.update(match.id, values, env.now());
      }
      return null;
    },

    bdmDestroyAtTop(_ctx, { instance_uuid, device_name, volume_id }) {
      if (device_name) store.bdms.destroyByDevice(instance_uuid, device_name, env.now());
      else if (volume_id) store.bdms.destroyByVolume(instance_uuid, volume_id, env.now());
      return null;
    },

    consoleauthDeleteTokens(_ctx, { instance_uuid }) {
      store.consoleTokens.deleteByInstance(instance_uuid);
      return null;
    },

    getKeypairAtTop(_ctx, { user_id, name }) {
      return store.keypairs.getByName(user_id, name) ?? null;
    },
  };
}
