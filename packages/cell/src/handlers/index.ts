/**
 * The reference handlers of a cell: every method of the `nova_cells` service
 * (NovaCellsHandlers), over the cell's store, with no Nova underneath. See each module for
 * the behaviour of its methods. A cell also serves `cell_state` (capabilities and
 * capacities), whose handlers come ready-made from @cellwire/schema.
 *
 * @example
 * const store = openStore();
 * seedHosts(store, config.hosts);
 * const runner = new MessageRunner({
 *   name: 'child-cell1',
 *   services: [serve(novaCells, createHandlers({ store, cellName: 'child-cell1' })), serve(cellState, cellStateHandlers())],
 *   capacities: () => computeCapacities(store, {}),
 *   errors: registerComputeErrors(defaultErrorRegistry()),
 * });
 */
import type { NovaCellsHandlers } from '@cellwire/schema';
import { actionHandlers } from './actions.js';
import { atTopHandlers } from './at-top.js';
import { computeNodeHandlers } from './compute-nodes.js';
import { consoleHandlers } from './console.js';
import { resolveDeps, type HandlerDeps } from './context.js';
import { instanceHandlers } from './instances.js';
import { migrationHandlers } from './migrations.js';
import { schedulerHandlers } from './scheduler.js';
import { serviceHandlers } from './services.js';
import { syncHandlers } from './sync.js';

export type { HandlerDeps } from './context.js';

export function createHandlers(deps: HandlerDeps): NovaCellsHandlers {
  const env = resolveDeps(deps);
  return {
    ...schedulerHandlers(env),
    ...instanceHandlers(env),
    ...atTopHandlers(env),
    ...syncHandlers(env),
    ...serviceHandlers(env),
    ...computeNodeHandlers(env),
    ...actionHandlers(env),
    ...consoleHandlers(env),
    ...migrationHandlers(env),
  };
}

export { COMPUTE_API_METHODS, COMPUTE_API_METHOD_NAMES, POWER } from './compute-api.js';
export { HOST_MANAGER_METHODS, CONSOLE_TYPES } from './host-manager.js';
export { EXPECTED_TASK_STATES, EXPECTED_VM_STATES, expectedTaskState, expectedVmState } from './at-top.js';
export { matchesVersion, weighCells, filterCells, unitsFor } from './scheduler.js';
export type { CellCandidate } from './scheduler.js';
