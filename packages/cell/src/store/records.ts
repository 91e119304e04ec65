/**
 * Records kept about instances and hosts: migrations, instance actions and their events,
 * faults, block device mappings, key pairs, task logs, bandwidth usage and console tokens.
 */
import { createHash, randomBytes } from 'node:crypto';
import type {
  BlockDeviceMapping,
  BwUsage,
  InstanceAction,
  InstanceActionEvent,
  InstanceFault,
  KeyPair,
  Migration,
  MigrationFilters,
  TaskLog,
} from '@cellwire/schema';
import { columns, normalizeTime, type StatementCache, Table } from './table.js';

const now = () => new Date().toISOString();

// ---------------------------------------------------------------------------------------
// Migrations
// ---------------------------------------------------------------------------------------

export const MIGRATION_COLUMNS = columns(`
  id:int uuid:text instance_uuid:text source_compute:text? dest_compute:text? source_node:text?
  dest_node:text? dest_host:text? old_instance_type_id:int? new_instance_type_id:int? status:text
  migration_type:text hidden:bool memory_total:int? memory_processed:int? memory_remaining:int?
  disk_total:int? disk_processed:int? disk_remaining:int? created_at:time? updated_at:time?
  deleted_at:time? deleted:bool
`);

export class MigrationRepo {
  readonly table: Table<Migration>;
  constructor(sql: StatementCache) {
    this.table = new Table(sql, 'migrations', MIGRATION_COLUMNS);
  }

  create(m: Omit<Partial<Migration>, 'id'> & Pick<Migration, 'instance_uuid' | 'status' | 'migration_type'>, at: string = now()): Migration {
    const id = this.table.insert({ created_at: at, updated_at: at, ...m });
    return this.get(id) as Migration;
  }

  get(id: number): Migration | undefined {
    return this.table.first('id = ? AND deleted = 0', id);
  }

  update(id: number, changes: Partial<Migration>, at: string = now()): Migration | undefined {
    this.table.updateById(id, { updated_at: at, ...changes });
    return this.get(id);
  }

  /** The newest live migration of an instance in one status. */
  byInstanceAndStatus(instanceUuid: string, status: string): Migration | undefined {
    return this.table.first('instance_uuid = ? AND status = ? AND deleted = 0 ORDER BY id DESC', instanceUuid, status);
  }

  /** nova's migration_get_all_by_filters; `cell_name` is the caller's and is ignored here. */
  list(filters: MigrationFilters = {}): Migration[] {
    const where = ['deleted = 0'];
    const params: unknown[] = [];
    if (filters.uuid !== undefined) {
      where.push('uuid = ?');
      params.push(filters.uuid);
    }
    if (filters['changes-since'] !== undefined) {
      where.push('updated_at >= ?');
      params.push(normalizeTime(filters['changes-since']));
    }
    if (filters.status !== undefined) {
      const list = Array.isArray(filters.status) ? filters.status : [filters.status];
      if (list.length === 0) return [];
      where.push(`status IN (${list.map(() => '?').join(', ')})`);
      params.push(...list);
    }
    if (filters.host !== undefined) {
      where.push('(source_compute = ? OR dest_compute = ?)');
      params.push(filters.host, filters.host);
    } else if (filters.source_compute !== undefined) {
      where.push('source_compute = ?');
      params.push(filters.source_compute);
    }
    if (filters.dest_compute !== undefined) {
      where.push('dest_compute = ?');
      params.push(filters.dest_compute);
    }
    if (filters.migration_type !== undefined) {
      where.push('migration_type = ?');
      params.push(filters.migration_type);
    }
    if (filters.hidden !== undefined) {
      where.push('hidden = ?');
      params.push(filters.hidden ? 1 : 0);
    }
    if (filters.instance_uuid !== undefined) {
      where.push('instance_uuid = ?');
      params.push(filters.instance_uuid);
    }
    return this.table.where(`${where.join(' AND ')} ORDER BY id`, ...params);
  }
}

// ---------------------------------------------------------------------------------------
// Instance actions and events
// ---------------------------------------------------------------------------------------

export const ACTION_COLUMNS = columns(`
  id:int action:text instance_uuid:text request_id:text user_id:text? project_id:text?
  start_time:time? finish_time:time? message:text? created_at:time? updated_at:time? deleted_at:time? deleted:bool
`);

export const ACTION_EVENT_COLUMNS = columns(`
  id:int action_id:int event:text start_time:time? finish_time:time? result:text? traceback:text?
  host:text? details:text? created_at:time? updated_at:time? deleted_at:time? deleted:bool
`);

export class ActionRepo {
  readonly actions: Table<InstanceAction>;
  readonly events: Table<InstanceActionEvent>;
  constructor(sql: StatementCache) {
    this.actions = new Table(sql, 'instance_actions', ACTION_COLUMNS);
    this.events = new Table(sql, 'instance_action_events', ACTION_EVENT_COLUMNS);
  }

  /** nova's InstanceAction.action_start. */
  start(
    a: { action: string; instance_uuid: string; request_id: string; user_id?: string | null; project_id?: string | null },
    at: string = now(),
  ): InstanceAction {
    const id = this.actions.insert({ ...a, start_time: at, created_at: at, updated_at: at });
    return this.get(id) as InstanceAction;
  }

  /** Marks an action finished; `message` 'Error' when it failed. */
  finish(id: number, at: string = now(), message: string | null = null): InstanceAction | undefined {
    this.actions.updateById(id, { finish_time: at, updated_at: at, ...(message !== null ? { message } : {}) });
    return this.get(id);
  }

  get(id: number): InstanceAction | undefined {
    return this.actions.first('id = ?', id);
  }

  /** nova's actions_get: newest first. */
  list(instanceUuid: string): InstanceAction[] {
    return this.actions.where('instance_uuid = ? AND deleted = 0 ORDER BY created_at DESC, id DESC', instanceUuid);
  }

  /** nova's action_get_by_request_id: the newest action of that request, or undefined. */
  byRequestId(instanceUuid: string, requestId: string): InstanceAction | undefined {
    return this.actions.first('instance_uuid = ? AND request_id = ? AND deleted = 0 ORDER BY created_at DESC, id DESC', instanceUuid, requestId);
  }

  eventStart(actionId: number, event: string, host: string | null, at: string = now(), details: string | null = null): InstanceActionEvent {
    const id = this.events.insert({ action_id: actionId, event, host, details, start_time: at, created_at: at, updated_at: at });
    return this.events.first('id = ?', id) as InstanceActionEvent;
  }

  /** Finishes an event with `Success` or `Error` (and marks the action `Error` on failure, as nova does). */
  eventFinish(eventId: number, result: 'Success' | 'Error', at: string = now(), traceback: string | null = null): InstanceActionEvent | undefined {
    this.events.updateById(eventId, { result, finish_time: at, updated_at: at, traceback });
    const ev = this.events.first('id = ?', eventId);
    if (ev && result === 'Error') this.actions.updateById(ev.action_id, { message: 'Error', updated_at: at });
    return ev;
  }

  /** nova's action_events_get: newest first. */
  eventsOf(actionId: number): InstanceActionEvent[] {
    return this.events.where('action_id = ? AND deleted = 0 ORDER BY created_at DESC, id DESC', actionId);
  }
}

// ---------------------------------------------------------------------------------------
// Faults
// ---------------------------------------------------------------------------------------

export const FAULT_COLUMNS = columns(`
  id:int instance_uuid:text code:int message:text details:text? host:text?
  created_at:time? updated_at:time? deleted_at:time? deleted:bool
`);

export class FaultRepo {
  readonly table: Table<InstanceFault>;
  constructor(sql: StatementCache) {
    this.table = new Table(sql, 'instance_faults', FAULT_COLUMNS);
  }

  create(f: Omit<InstanceFault, 'id'>, at: string = now()): InstanceFault {
    const id = this.table.insert({ created_at: at, ...f });
    return this.table.first('id = ?', id) as InstanceFault;
  }

  /** Live faults of an instance, newest first. */
  list(instanceUuid: string): InstanceFault[] {
    return this.table.where('instance_uuid = ? AND deleted = 0 ORDER BY id DESC', instanceUuid);
  }
}

// ---------------------------------------------------------------------------------------
// Block device mappings
// ---------------------------------------------------------------------------------------

export const BDM_COLUMNS = columns(`
  id:int uuid:text instance_uuid:text source_type:text? destination_type:text? guest_format:text?
  device_type:text? disk_bus:text? boot_index:int? device_name:text? delete_on_termination:bool
  snapshot_id:text? volume_id:text? volume_size:int? image_id:text? no_device:bool? connection_info:text?
  tag:text? attachment_id:text? created_at:time? updated_at:time? deleted_at:time? deleted:bool
`);

export class BdmRepo {
  readonly table: Table<BlockDeviceMapping>;
  constructor(
    private readonly sql: StatementCache,
    private readonly tx: <T>(fn: () => T) => T,
  ) {
    this.table = new Table(sql, 'block_device_mappings', BDM_COLUMNS);
  }

  create(bdm: BlockDeviceMapping, at: string = now()): BlockDeviceMapping {
    const values: Record<string, unknown> = { created_at: at, updated_at: at, ...bdm };
    delete values.id;
    const id = this.table.insert(values);
    return this.get(id) as BlockDeviceMapping;
  }

  get(id: number): BlockDeviceMapping | undefined {
    return this.table.first('id = ? AND deleted = 0', id);
  }

  update(id: number, values: Partial<BlockDeviceMapping>, at: string = now()): BlockDeviceMapping | undefined {
    const v: Record<string, unknown> = { updated_at: at, ...values };
    delete v.id;
    this.table.updateById(id, v);
    return this.get(id);
  }

  /** Live mappings of an instance, in id order. */
  listByInstance(instanceUuid: string): BlockDeviceMapping[] {
    return this.table.where('instance_uuid = ? AND deleted = 0 ORDER BY id', instanceUuid);
  }

  /**
   * nova's block_device_mapping_update_or_create: update the row with the same uuid, else
   * the same device name, else create; a new swap device replaces the instance's others.
   */
  updateOrCreate(values: BlockDeviceMapping, at: string = now()): BlockDeviceMapping {
    return this.tx(() => {
      let row: BlockDeviceMapping | undefined;
      if (values.uuid) row = this.table.first('instance_uuid = ? AND uuid = ? AND deleted = 0', values.instance_uuid, values.uuid);
      if (!row && values.device_name) {
        row = this.table.first('instance_uuid = ? AND device_name = ? AND deleted = 0 ORDER BY id', values.instance_uuid, values.device_name);
      }
      const result = row && row.id !== undefined ? (this.update(row.id, values, at) as BlockDeviceMapping) : this.create(values, at);
      if (values.source_type === 'blank' && values.destination_type === 'local' && values.guest_format === 'swap') {
        this.sql
          .get(
            `UPDATE block_device_mappings SET deleted = 1, deleted_at = ?
              WHERE instance_uuid = ? AND source_type = 'blank' AND guest_format = 'swap' AND id != ? AND deleted = 0`,
          )
          .run(at, values.instance_uuid, result.id);
      }
      return result;
    });
  }

  destroyByDevice(instanceUuid: string, deviceName: string, at: string = now()): number {
    return this.sql
      .get('UPDATE block_device_mappings SET deleted = 1, deleted_at = ? WHERE instance_uuid = ? AND device_name = ? AND deleted = 0')
      .run(at, instanceUuid, deviceName).changes;
  }

  destroyByVolume(instanceUuid: string, volumeId: string, at: string = now()): number {
    return this.sql
      .get('UPDATE block_device_mappings SET deleted = 1, deleted_at = ? WHERE instance_uuid = ? AND volume_id = ? AND deleted = 0')
      .run(at, instanceUuid, volumeId).changes;
  }
}

// ---------------------------------------------------------------------------------------
// Key pairs
// ---------------------------------------------------------------------------------------

export const KEYPAIR_COLUMNS = columns(`
  id:int name:text user_id:text fingerprint:text public_key:text type:text
  created_at:time? updated_at:time? deleted_at:time? deleted:bool
`);

export class KeypairRepo {
  readonly table: Table<KeyPair>;
  constructor(private readonly sql: StatementCache) {
    this.table = new Table(sql, 'keypairs', KEYPAIR_COLUMNS);
  }

  create(k: Omit<KeyPair, 'id'>, at: string = now()): KeyPair {
    const id = this.table.insert({ created_at: at, updated_at: at, ...k });
    return this.table.first('id = ?', id) as KeyPair;
  }

  getByName(userId: string, name: string): KeyPair | undefined {
    return this.table.first('user_id = ? AND name = ? AND deleted = 0', userId, name);
  }

  list(userId: string): KeyPair[] {
    return this.table.where('user_id = ? AND deleted = 0 ORDER BY id', userId);
  }

  destroy(userId: string, name: string, at: string = now()): boolean {
    return this.sql.get('UPDATE keypairs SET deleted = 1, deleted_at = ? WHERE user_id = ? AND name = ? AND deleted = 0').run(at, userId, name).changes > 0;
  }
}

// ---------------------------------------------------------------------------------------
// Task logs
// ---------------------------------------------------------------------------------------

export const TASK_LOG_COLUMNS = columns(`
  id:int task_name:text state:text host:text period_beginning:time period_ending:time message:text
  task_items:int errors:int created_at:time? updated_at:time? deleted_at:time? deleted:bool
`);

export class TaskLogRepo {
  readonly table: Table<TaskLog>;
  constructor(private readonly sql: StatementCache) {
    this.table = new Table(sql, 'task_log', TASK_LOG_COLUMNS);
  }

  /** Records (or replaces) the log of one task run for a host and period. */
  record(t: Omit<TaskLog, 'id'>, at: string = now()): TaskLog {
    const begin = normalizeTime(t.period_beginning);
    const end = normalizeTime(t.period_ending);
    const existing = this.table.first(
      'task_name = ? AND host = ? AND period_beginning = ? AND period_ending = ? AND deleted = 0',
      t.task_name,
      t.host,
      begin,
      end,
    );
    if (existing) {
      this.table.updateById(existing.id, { ...t, updated_at: at });
      return this.table.first('id = ?', existing.id) as TaskLog;
    }
    const id = this.table.insert({ created_at: at, updated_at: at, ...t });
    return this.table.first('id = ?', id) as TaskLog;
  }

  /** nova's task_log_get_all: the exact period, optionally one host and one state. */
  list(taskName: string, periodBeginning: string, periodEnding: string, host?: string | null, state?: string | null): TaskLog[] {
    const where = ['deleted = 0', 'task_name = ?', 'period_beginning = ?', 'period_ending = ?'];
    const params: unknown[] = [taskName, normalizeTime(periodBeginning), normalizeTime(periodEnding)];
    if (host !== undefined && host !== null) {
      where.push('host = ?');
      params.push(host);
    }
    if (state !== undefined && state !== null) {
      where.push('state = ?');
      params.push(state);
    }
    return this.table.where(`${where.join(' AND ')} ORDER BY id`, ...params);
  }
}

// ---------------------------------------------------------------------------------------
// Bandwidth usage
// ---------------------------------------------------------------------------------------

export const BW_USAGE_COLUMNS = columns(`
  id:int uuid:text mac:text start_period:time bw_in:int bw_out:int last_ctr_in:int last_ctr_out:int
  last_refreshed:time? created_at:time? updated_at:time?
`);

export type BwUsageRow = BwUsage & { id: number; created_at?: string | null; updated_at?: string | null };

export class BwUsageRepo {
  readonly table: Table<BwUsageRow>;
  constructor(private readonly sql: StatementCache) {
    this.table = new Table(sql, 'bw_usage', BW_USAGE_COLUMNS);
  }

  /** nova's bw_usage_update: update the row for (uuid, mac, start_period), else create it. */
  update(info: BwUsage, at: string = now()): BwUsageRow {
    const start = normalizeTime(info.start_period);
    const existing = this.table.first('uuid = ? AND mac = ? AND start_period = ?', info.uuid, info.mac, start);
    const values = { last_refreshed: at, ...info, updated_at: at };
    if (existing) {
      this.table.updateById(existing.id, values);
      return this.table.first('id = ?', existing.id) as BwUsageRow;
    }
    const id = this.table.insert({ ...values, created_at: at });
    return this.table.first('id = ?', id) as BwUsageRow;
  }

  /** Rows of one instance, or all. */
  list(uuid?: string): BwUsageRow[] {
    return uuid === undefined ? this.table.where('1 = 1 ORDER BY id') : this.table.where('uuid = ? ORDER BY id', uuid);
  }
}

// ---------------------------------------------------------------------------------------
// Console tokens
// ---------------------------------------------------------------------------------------

export interface ConsoleToken {
  id: number;
  /** sha256 of the token; the token itself is only returned when it is made. */
  token_hash: string;
  console_type: string;
  host: string;
  port: number;
  internal_access_path: string | null;
  instance_uuid: string;
  access_url_base: string | null;
  /** Expiry, ms since epoch. */
  expires: number;
  created_at: string | null;
}

export const CONSOLE_TOKEN_COLUMNS = columns(`
  id:int token_hash:text console_type:text host:text port:int internal_access_path:text?
  instance_uuid:text access_url_base:text? expires:int created_at:time?
`);

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export class ConsoleTokenRepo {
  readonly table: Table<ConsoleToken>;
  constructor(private readonly sql: StatementCache) {
    this.table = new Table(sql, 'console_tokens', CONSOLE_TOKEN_COLUMNS);
  }

  /** Stores a new token (a random one unless given) and returns it with its row. */
  create(
    t: Omit<ConsoleToken, 'id' | 'token_hash' | 'created_at'> & { token?: string },
    at: string = now(),
  ): { token: string; row: ConsoleToken } {
    const { token = randomBytes(16).toString('hex'), ...rest } = t;
    const id = this.table.insert({ ...rest, token_hash: hashToken(token), created_at: at });
    return { token, row: this.table.first('id = ?', id) as ConsoleToken };
  }

  /** The live row of a token, if it has not expired. */
  validate(token: string, nowMs: number = Date.now()): ConsoleToken | undefined {
    return this.table.first('token_hash = ? AND expires > ?', hashToken(token), nowMs);
  }

  listByInstance(instanceUuid: string): ConsoleToken[] {
    return this.table.where('instance_uuid = ? ORDER BY id', instanceUuid);
  }

  /** Removes every token of an instance; returns how many. */
  deleteByInstance(instanceUuid: string): number {
    return this.sql.get('DELETE FROM console_tokens WHERE instance_uuid = ?').run(instanceUuid).changes;
  }
}
