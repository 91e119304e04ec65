/**
 * The instances table: nova's Instance with its JSON columns (flavor, metadata,
 * system_metadata, info_cache, security_groups, tags) and the save-time guards on the
 * expected vm and task states.
 */
import { InstanceNotFound } from '@cellwire/core';
import type { ExpectedState, Instance } from '@cellwire/schema';
import { UnexpectedTaskStateError, UnexpectedVMStateError } from '../errors.js';
import { columns, normalizeTime, type StatementCache, Table } from './table.js';

export const INSTANCE_COLUMNS = columns(`
  id:int uuid:text cell_name:text? host:text? node:text? launched_on:text?
  vm_state:text task_state:text? power_state:int
  display_name:text? display_description:text? hostname:text?
  image_ref:text? kernel_id:text? ramdisk_id:text?
  flavor:json old_flavor:json? new_flavor:json?
  instance_type_id:int? memory_mb:int? vcpus:int? root_gb:int? ephemeral_gb:int?
  metadata:json system_metadata:json user_data:text? project_id:text? user_id:text?
  key_name:text? key_data:text? reservation_id:text? launch_index:int? availability_zone:text?
  locked:bool locked_by:text? os_type:text? architecture:text? vm_mode:text?
  root_device_name:text? default_ephemeral_device:text? default_swap_device:text? config_drive:text?
  access_ip_v4:text? access_ip_v6:text? auto_disk_config:bool progress:int?
  shutdown_terminate:bool disable_terminate:bool ephemeral_key_uuid:text?
  info_cache:json? security_groups:json tags:json
  launched_at:time? terminated_at:time? created_at:time? updated_at:time? deleted_at:time?
  deleted:bool cleaned:bool
`);

/** Options of a save. */
export interface SaveOptions {
  /** The vm_state(s) the row must be in for the save to apply; null or absent: no check. */
  expectedVmState?: ExpectedState | undefined;
  /** The task_state(s) the row must be in; `[null]` means "no task"; null or absent: no check. */
  expectedTaskState?: ExpectedState | undefined;
  /** Also find soft-deleted rows (nova's read_deleted='yes'). */
  readDeleted?: boolean;
  /** ISO time of the save (default now); sets updated_at unless the changes carry one. */
  now?: string;
}

export interface InstanceListFilters {
  project_id?: string | null;
  /** Only rows with updated_at at or after this ISO time (nova's `changes-since`). */
  changes_since?: string | null;
  /** true: deleted rows only; false: live rows only; absent: both. */
  deleted?: boolean;
  host?: string;
  /** Paging: rows after this marker in (deleted, id) order. */
  after?: { deleted: boolean; id: number };
  limit?: number;
}

/** `null` / absent: no check; a state: that state; a list: any of them. */
export function expectedList(e: ExpectedState | undefined): (string | null)[] | undefined {
  if (e === undefined || e === null) return undefined;
  return Array.isArray(e) ? e : [e];
}

export class InstanceRepo {
  readonly table: Table<Instance & { id: number }>;

  constructor(
    private readonly sql: StatementCache,
    private readonly tx: <T>(fn: () => T) => T,
  ) {
    this.table = new Table(sql, 'instances', INSTANCE_COLUMNS);
  }

  /** By uuid; soft-deleted rows only with `readDeleted`. */
  get(uuid: string, options: { readDeleted?: boolean } = {}): (Instance & { id: number }) | undefined {
    return options.readDeleted ? this.table.first('uuid = ?', uuid) : this.table.first('uuid = ? AND deleted = 0', uuid);
  }

  getById(id: number): (Instance & { id: number }) | undefined {
    return this.table.first('id = ?', id);
  }

  /** Inserts a new instance (created_at/updated_at default to now); returns it as stored. */
  create(instance: Instance, now: string = new Date().toISOString()): Instance & { id: number } {
    const values: Record<string, unknown> = { created_at: now, updated_at: now, ...instance };
    delete values.id;
    const id = this.table.insert(values);
    return this.getById(id) as Instance & { id: number };
  }

  /**
   * Saves changes to one instance, as nova's `instance.save(expected_vm_state=,
   * expected_task_state=)`: InstanceNotFound when it is not there, an Unexpected*StateError
   * (and nothing written) when a guard does not hold.
   */
  update(uuid: string, changes: Partial<Instance>, options: SaveOptions = {}): Instance & { id: number } {
    return this.tx(() => {
      const current = this.get(uuid, { readDeleted: options.readDeleted ?? false });
      if (!current) throw new InstanceNotFound(uuid);
      const vm = expectedList(options.expectedVmState);
      if (vm && !vm.includes(current.vm_state ?? null)) throw new UnexpectedVMStateError(uuid, vm, current.vm_state ?? null);
      const task = expectedList(options.expectedTaskState);
      if (task && !task.includes(current.task_state ?? null)) throw new UnexpectedTaskStateError(uuid, task, current.task_state ?? null);
      const values: Record<string, unknown> = { ...changes };
      delete values.id;
      delete values.uuid;
      if (values.updated_at === undefined || values.updated_at === null) values.updated_at = options.now ?? new Date().toISOString();
      this.table.updateById(current.id, values);
      return this.getById(current.id) as Instance & { id: number };
    });
  }

  /**
   * Soft-deletes an instance as nova's instance_destroy: the row (deleted, deleted_at) and
   * its BDMs, faults and migrations; its console tokens are removed. Undefined when there
   * is no live row.
   */
  destroy(uuid: string, now: string = new Date().toISOString()): (Instance & { id: number }) | undefined {
    return this.tx(() => {
      const current = this.get(uuid);
      if (!current) return undefined;
      this.sql.get('UPDATE instances SET deleted = 1, deleted_at = ?, updated_at = ? WHERE id = ?').run(now, now, current.id);
      for (const t of ['block_device_mappings', 'instance_faults', 'migrations']) {
        this.sql.get(`UPDATE ${t} SET deleted = 1, deleted_at = ? WHERE instance_uuid = ? AND deleted = 0`).run(now, uuid);
      }
      this.sql.get('DELETE FROM console_tokens WHERE instance_uuid = ?').run(uuid);
      return this.getById(current.id);
    });
  }

  /** Instances in (deleted, id) order, filtered and paged. */
  list(filters: InstanceListFilters = {}): (Instance & { id: number })[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filters.deleted !== undefined) {
      where.push('deleted = ?');
      params.push(filters.deleted ? 1 : 0);
    }
    if (filters.project_id !== undefined && filters.project_id !== null) {
      where.push('project_id = ?');
      params.push(filters.project_id);
    }
    if (filters.changes_since !== undefined && filters.changes_since !== null) {
      where.push('updated_at >= ?');
      params.push(normalizeTime(filters.changes_since));
    }
    if (filters.host !== undefined) {
      where.push('host = ?');
      params.push(filters.host);
    }
    if (filters.after) {
      where.push('(deleted > ? OR (deleted = ? AND id > ?))');
      const d = filters.after.deleted ? 1 : 0;
      params.push(d, d, filters.after.id);
    }
    let clause = where.length > 0 ? where.join(' AND ') : '1 = 1';
    clause += ' ORDER BY deleted ASC, id ASC';
    if (filters.limit !== undefined) {
      clause += ' LIMIT ?';
      params.push(filters.limit);
    }
    return this.table.where(clause, ...params);
  }

  /** Live instances on a host. */
  onHost(host: string): (Instance & { id: number })[] {
    return this.table.where('host = ? AND deleted = 0 ORDER BY id', host);
  }

  count(options: { readDeleted?: boolean } = {}): number {
    const sql = options.readDeleted ? 'SELECT COUNT(*) AS n FROM instances' : 'SELECT COUNT(*) AS n FROM instances WHERE deleted = 0';
    return (this.sql.get<{ n: number }>(sql).get() as { n: number }).n;
  }
}
