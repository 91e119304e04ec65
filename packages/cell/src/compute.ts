/**
 * The compute side of a cell: its store, the reference handlers of every method, host
 * seeding and capacities. Re-exported by the package's index.
 */
export { openStore, migrations, type Store, type Migration, type AppliedMigration, type ConsoleToken } from './store/index.js';
export { createHandlers, type HandlerDeps } from './handlers/index.js';
export {
  COMPUTE_API_METHODS,
  COMPUTE_API_METHOD_NAMES,
  CONSOLE_TYPES,
  EXPECTED_TASK_STATES,
  EXPECTED_VM_STATES,
  HOST_MANAGER_METHODS,
  POWER,
} from './handlers/index.js';
export { seedHosts, type HostConfig } from './seed.js';
export { computeCapacities, DEFAULT_FLAVORS, DEFAULT_RESERVE_PERCENT } from './capacity.js';
export * from './errors.js';
