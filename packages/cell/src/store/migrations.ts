/**
 * The store's schema, as numbered migrations. Each one runs once, in its own transaction,
 * and is recorded in `schema_migrations`; a store reopened from a file runs only the ones
 * it has not seen. Never edit a migration that has shipped: add the next number.
 *
 * Conventions: booleans are INTEGER 0/1; JSON columns (flavor, metadata, ...) are TEXT;
 * times are ISO 8601 TEXT in UTC; rows are soft-deleted (`deleted` = 1, `deleted_at`) as
 * nova does, except console tokens and bandwidth usage, which are deleted outright.
 */
import type { SqlDatabase } from './table.js';

export interface Migration {
  /** Strictly increasing, starting at 1. */
  readonly version: number;
  readonly name: string;
  up(db: SqlDatabase): void;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'initial_schema',
    up(db) {
      db.exec(`
        CREATE TABLE instances (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          uuid TEXT NOT NULL UNIQUE,
          cell_name TEXT,
          host TEXT,
          node TEXT,
          launched_on TEXT,
          vm_state TEXT,
          task_state TEXT,
          power_state INTEGER NOT NULL DEFAULT 0,
          display_name TEXT,
          display_description TEXT,
          hostname TEXT,
          image_ref TEXT,
          kernel_id TEXT,
          ramdisk_id TEXT,
          flavor TEXT,
          old_flavor TEXT,
          new_flavor TEXT,
          instance_type_id INTEGER,
          memory_mb INTEGER,
          vcpus INTEGER,
          root_gb INTEGER,
          ephemeral_gb INTEGER,
          metadata TEXT NOT NULL DEFAULT '{}',
          system_metadata TEXT NOT NULL DEFAULT '{}',
          user_data TEXT,
          project_id TEXT,
          user_id TEXT,
          key_name TEXT,
          key_data TEXT,
          reservation_id TEXT,
          launch_index INTEGER,
          availability_zone TEXT,
          locked INTEGER NOT NULL DEFAULT 0,
          locked_by TEXT,
          os_type TEXT,
          architecture TEXT,
          vm_mode TEXT,
          root_device_name TEXT,
          default_ephemeral_device TEXT,
          default_swap_device TEXT,
          config_drive TEXT,
          access_ip_v4 TEXT,
          access_ip_v6 TEXT,
          auto_disk_config INTEGER NOT NULL DEFAULT 0,
          progress INTEGER,
          shutdown_terminate INTEGER NOT NULL DEFAULT 0,
          disable_terminate INTEGER NOT NULL DEFAULT 0,
          ephemeral_key_uuid TEXT,
          info_cache TEXT,
          security_groups TEXT NOT NULL DEFAULT '[]',
          tags TEXT NOT NULL DEFAULT '[]',
          launched_at TEXT,
          terminated_at TEXT,
          created_at TEXT,
          updated_at TEXT,
          deleted_at TEXT,
          deleted INTEGER NOT NULL DEFAULT 0,
          cleaned INTEGER NOT NULL DEFAULT 0
        );

        CREATE TABLE services (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          uuid TEXT,
          host TEXT NOT NULL,
          "binary" TEXT NOT NULL,
          topic TEXT,
          report_count INTEGER NOT NULL DEFAULT 0,
          disabled INTEGER NOT NULL DEFAULT 0,
          disabled_reason TEXT,
          forced_down INTEGER NOT NULL DEFAULT 0,
          last_seen_up TEXT,
          version INTEGER NOT NULL DEFAULT 0,
          availability_zone TEXT,
          created_at TEXT,
          updated_at TEXT,
          deleted_at TEXT,
          deleted INTEGER NOT NULL DEFAULT 0
        );

        CREATE TABLE compute_nodes (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          uuid TEXT NOT NULL UNIQUE,
          host TEXT,
          hypervisor_hostname TEXT NOT NULL,
          hypervisor_type TEXT NOT NULL,
          hypervisor_version INTEGER NOT NULL DEFAULT 0,
          vcpus INTEGER NOT NULL,
          memory_mb INTEGER NOT NULL,
          local_gb INTEGER NOT NULL,
          vcpus_used INTEGER NOT NULL DEFAULT 0,
          memory_mb_used INTEGER NOT NULL DEFAULT 0,
          local_gb_used INTEGER NOT NULL DEFAULT 0,
          free_ram_mb INTEGER NOT NULL DEFAULT 0,
          free_disk_gb INTEGER NOT NULL DEFAULT 0,
          current_workload INTEGER NOT NULL DEFAULT 0,
          running_vms INTEGER NOT NULL DEFAULT 0,
          disk_available_least INTEGER,
          service_id INTEGER,
          cpu_info TEXT NOT NULL DEFAULT '{}',
          host_ip TEXT,
          cpu_allocation_ratio REAL,
          ram_allocation_ratio REAL,
          disk_allocation_ratio REAL,
          stats TEXT NOT NULL DEFAULT '{}',
          created_at TEXT,
          updated_at TEXT,
          deleted_at TEXT,
          deleted INTEGER NOT NULL DEFAULT 0
        );

        CREATE TABLE migrations (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          uuid TEXT,
          instance_uuid TEXT NOT NULL,
          source_compute TEXT,
          dest_compute TEXT,
          source_node TEXT,
          dest_node TEXT,
          dest_host TEXT,
          old_instance_type_id INTEGER,
          new_instance_type_id INTEGER,
          status TEXT NOT NULL,
          migration_type TEXT NOT NULL,
          hidden INTEGER NOT NULL DEFAULT 0,
          memory_total INTEGER,
          memory_processed INTEGER,
          memory_remaining INTEGER,
          disk_total INTEGER,
          disk_processed INTEGER,
          disk_remaining INTEGER,
          created_at TEXT,
          updated_at TEXT,
          deleted_at TEXT,
          deleted INTEGER NOT NULL DEFAULT 0
        );

        CREATE TABLE instance_actions (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          action TEXT NOT NULL,
          instance_uuid TEXT NOT NULL,
          request_id TEXT NOT NULL,
          user_id TEXT,
          project_id TEXT,
          start_time TEXT,
          finish_time TEXT,
          message TEXT,
          created_at TEXT,
          updated_at TEXT,
          deleted_at TEXT,
          deleted INTEGER NOT NULL DEFAULT 0
        );

        CREATE TABLE instance_action_events (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          action_id INTEGER NOT NULL REFERENCES instance_actions(id),
          event TEXT NOT NULL,
          start_time TEXT,
          finish_time TEXT,
          result TEXT,
          traceback TEXT,
          host TEXT,
          details TEXT,
          created_at TEXT,
          updated_at TEXT,
          deleted_at TEXT,
          deleted INTEGER NOT NULL DEFAULT 0
        );

        CREATE TABLE instance_faults (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          instance_uuid TEXT NOT NULL,
          code INTEGER NOT NULL,
          message TEXT NOT NULL,
          details TEXT,
          host TEXT,
          created_at TEXT,
          updated_at TEXT,
          deleted_at TEXT,
          deleted INTEGER NOT NULL DEFAULT 0
        );

        CREATE TABLE block_device_mappings (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          uuid TEXT,
          instance_uuid TEXT NOT NULL,
          source_type TEXT,
          destination_type TEXT,
          guest_format TEXT,
          device_type TEXT,
          disk_bus TEXT,
          boot_index INTEGER,
          device_name TEXT,
          delete_on_termination INTEGER NOT NULL DEFAULT 0,
          snapshot_id TEXT,
          volume_id TEXT,
          volume_size INTEGER,
          image_id TEXT,
          no_device INTEGER,
          connection_info TEXT,
          tag TEXT,
          attachment_id TEXT,
          created_at TEXT,
          updated_at TEXT,
          deleted_at TEXT,
          deleted INTEGER NOT NULL DEFAULT 0
        );

        CREATE TABLE keypairs (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          name TEXT NOT NULL,
          user_id TEXT NOT NULL,
          fingerprint TEXT NOT NULL,
          public_key TEXT NOT NULL,
          type TEXT NOT NULL DEFAULT 'ssh',
          created_at TEXT,
          updated_at TEXT,
          deleted_at TEXT,
          deleted INTEGER NOT NULL DEFAULT 0
        );

        CREATE TABLE task_log (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          task_name TEXT NOT NULL,
          state TEXT NOT NULL,
          host TEXT NOT NULL,
          period_beginning TEXT NOT NULL,
          period_ending TEXT NOT NULL,
          message TEXT NOT NULL DEFAULT '',
          task_items INTEGER NOT NULL DEFAULT 0,
          errors INTEGER NOT NULL DEFAULT 0,
          created_at TEXT,
          updated_at TEXT,
          deleted_at TEXT,
          deleted INTEGER NOT NULL DEFAULT 0
        );

        CREATE TABLE bw_usage (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          uuid TEXT NOT NULL,
          mac TEXT NOT NULL,
          start_period TEXT NOT NULL,
          bw_in INTEGER NOT NULL DEFAULT 0,
          bw_out INTEGER NOT NULL DEFAULT 0,
          last_ctr_in INTEGER NOT NULL DEFAULT 0,
          last_ctr_out INTEGER NOT NULL DEFAULT 0,
          last_refreshed TEXT,
          created_at TEXT,
          updated_at TEXT,
          UNIQUE (uuid, mac, start_period)
        );

        CREATE TABLE console_tokens (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          token_hash TEXT NOT NULL UNIQUE,
          console_type TEXT NOT NULL,
          host TEXT NOT NULL,
          port INTEGER NOT NULL,
          internal_access_path TEXT,
          instance_uuid TEXT NOT NULL,
          access_url_base TEXT,
          expires INTEGER NOT NULL,
          created_at TEXT
        );
      `);
    },
  },
  {
    version: 2,
    name: 'lookup_indexes',
    up(db) {
      db.exec(`
        CREATE INDEX instances_project_updated_idx ON instances (project_id, updated_at);
        CREATE INDEX instances_host_idx ON instances (host, deleted);
        CREATE INDEX instances_deleted_id_idx ON instances (deleted, id);
        CREATE INDEX services_host_binary_idx ON services (host, "binary", deleted);
        CREATE INDEX compute_nodes_host_idx ON compute_nodes (host, deleted);
        CREATE INDEX migrations_instance_idx ON migrations (instance_uuid, status);
        CREATE INDEX instance_actions_instance_idx ON instance_actions (instance_uuid, request_id);
        CREATE INDEX instance_action_events_action_idx ON instance_action_events (action_id);
        CREATE INDEX instance_faults_instance_idx ON instance_faults (instance_uuid);
        CREATE INDEX bdm_instance_idx ON block_device_mappings (instance_uuid, deleted);
        CREATE UNIQUE INDEX keypairs_user_name_live_idx ON keypairs (user_id, name) WHERE deleted = 0;
        CREATE INDEX task_log_period_idx ON task_log (task_name, period_beginning, period_ending);
        CREATE INDEX console_tokens_instance_idx ON console_tokens (instance_uuid);
      `);
    },
  },
  {
    version: 3,
    name: 'seen_messages_and_cast_outbox',
    up(db) {
      // The runner's dedupe window kept across restarts, and the casts it accepted and holds
      // for a neighbour that refused them (store/reliability.ts). Times are ms since epoch
      // (INTEGER), as the runner counts them. seen_messages is written once per message:
      // appended in rowid order (which is expiry order), with no index to keep up.
      db.exec(`
        CREATE TABLE seen_messages (
          id INTEGER PRIMARY KEY,
          key TEXT NOT NULL,
          until INTEGER NOT NULL
        );

        CREATE TABLE cast_outbox (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          side TEXT NOT NULL,
          neighbour TEXT NOT NULL,
          message_type TEXT NOT NULL,
          fanout INTEGER NOT NULL DEFAULT 0,
          data TEXT NOT NULL,
          until INTEGER NOT NULL,
          uuid TEXT NOT NULL,
          method TEXT NOT NULL,
          held_at TEXT NOT NULL
        );
        CREATE INDEX cast_outbox_neighbour_idx ON cast_outbox (side, neighbour, id);
      `);
    },
  },
];

/** One applied migration as recorded. */
export interface AppliedMigration {
  version: number;
  name: string;
  applied_at: string;
}

/**
 * Applies the migrations `db` has not seen, in order, each in its own transaction.
 * Returns the versions applied now (empty when the schema was current).
 */
export function applyMigrations(db: SqlDatabase, list: readonly Migration[] = migrations, now: () => Date = () => new Date()): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  const seen = new Set(db.prepare<{ version: number }>('SELECT version FROM schema_migrations').all().map((r) => r.version));
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const applied: number[] = [];
  let last = 0;
  for (const m of list) {
    if (m.version <= last) throw new Error(`migrations out of order: ${m.version} (${m.name}) after ${last}`);
    last = m.version;
    if (seen.has(m.version)) continue;
    db.transaction(() => {
      m.up(db);
      record.run(m.version, m.name, now().toISOString());
    })();
    applied.push(m.version);
  }
  return applied;
}

/** The migrations recorded in `db`, oldest first. */
export function appliedMigrations(db: SqlDatabase): AppliedMigration[] {
  return db.prepare<AppliedMigration>('SELECT version, name, applied_at FROM schema_migrations ORDER BY version').all();
}
