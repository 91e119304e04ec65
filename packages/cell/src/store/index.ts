/**
 * A cell's own database: SQLite through better-sqlite3, `:memory:` by default or a file
 * for a durable cell. The schema comes from numbered migrations (migrations.ts); every
 * table has a typed repository that maps rows to the schema's domain types.
 *
 * @example
 * const store = openStore();            // or openStore('/var/lib/cellwire/api-cell.db')
 * seedHosts(store, [{ name: 'host1', vcpus: 16, memory_mb: 65536, local_gb: 1000 }]);
 * store.instances.get(uuid);
 * store.close();
 */
import Database from 'better-sqlite3';
import { ComputeNodeRepo, ServiceRepo } from './hosts.js';
import { InstanceRepo } from './instances.js';
import { applyMigrations, appliedMigrations, type AppliedMigration } from './migrations.js';
import { ActionRepo, BdmRepo, BwUsageRepo, ConsoleTokenRepo, FaultRepo, KeypairRepo, MigrationRepo, TaskLogRepo } from './records.js';
import { CastOutboxRepo, SeenMessageRepo } from './reliability.js';
import { StatementCache } from './table.js';

export interface Store {
  /** `:memory:` or the database file. */
  readonly path: string;
  readonly instances: InstanceRepo;
  readonly services: ServiceRepo;
  readonly computeNodes: ComputeNodeRepo;
  readonly migrations: MigrationRepo;
  /** Instance actions and their events. */
  readonly actions: ActionRepo;
  readonly faults: FaultRepo;
  readonly bdms: BdmRepo;
  readonly keypairs: KeypairRepo;
  readonly taskLogs: TaskLogRepo;
  readonly bwUsage: BwUsageRepo;
  readonly consoleTokens: ConsoleTokenRepo;
  /** Message uuids the runner has seen (its dedupe window, kept across restarts). */
  readonly seenMessages: SeenMessageRepo;
  /** Casts accepted from a neighbour and held for a next hop that refused them. */
  readonly castOutbox: CastOutboxRepo;
  /** Runs `fn` in one transaction (nested calls become savepoints); a throw rolls it back. */
  transaction<T>(fn: () => T): T;
  /** The schema migrations recorded in this database, oldest first. */
  appliedMigrations(): AppliedMigration[];
  /** The versions the last open applied (empty when the schema was already current). */
  readonly migratedNow: readonly number[];
  /** How many prepared statements the store keeps now (at most STATEMENT_CACHE_MAX, 64). */
  preparedStatements(): number;
  readonly isOpen: boolean;
  close(): void;
}

/** Opens (and migrates) a cell store. */
export function openStore(path: string = ':memory:'): Store {
  const db = new Database(path);
  db.pragma('foreign_keys = ON');
  if (path !== ':memory:' && path !== '') {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
  }
  db.pragma('busy_timeout = 5000');
  const migratedNow = applyMigrations(db);
  const sql = new StatementCache(db);
  const transaction = <T>(fn: () => T): T => db.transaction(fn)();
  return {
    path,
    instances: new InstanceRepo(sql, transaction),
    services: new ServiceRepo(sql),
    computeNodes: new ComputeNodeRepo(sql),
    migrations: new MigrationRepo(sql),
    actions: new ActionRepo(sql),
    faults: new FaultRepo(sql),
    bdms: new BdmRepo(sql, transaction),
    keypairs: new KeypairRepo(sql),
    taskLogs: new TaskLogRepo(sql),
    bwUsage: new BwUsageRepo(sql),
    consoleTokens: new ConsoleTokenRepo(sql),
    seenMessages: new SeenMessageRepo(db),
    castOutbox: new CastOutboxRepo(db),
    transaction,
    appliedMigrations: () => appliedMigrations(db),
    migratedNow,
    preparedStatements: () => sql.size,
    get isOpen() {
      return db.open;
    },
    close: () => {
      if (db.open) db.close();
    },
  };
}

export type { AppliedMigration, Migration } from './migrations.js';
export type { SqlDatabase, SqlStatement } from './table.js';
export { migrations, applyMigrations } from './migrations.js';
export type { InstanceListFilters, SaveOptions } from './instances.js';
export type { ServiceListFilters } from './hosts.js';
export type { BwUsageRow, ConsoleToken } from './records.js';
export { InstanceRepo } from './instances.js';
export { ComputeNodeRepo, ServiceRepo } from './hosts.js';
export { ActionRepo, BdmRepo, BwUsageRepo, ConsoleTokenRepo, FaultRepo, KeypairRepo, MigrationRepo, TaskLogRepo } from './records.js';
export { CastOutboxRepo, SeenMessageRepo } from './reliability.js';
