/**
 * The reference handlers of a cell: every method of CellHandlers, over the cell's store,
 * with no Nova underneath. See each module for the behaviour of its methods.
 *
 * @example
 * const store = openStore();
 * seedHosts(store, config.hosts);
 * const runner = new MessageRunner({
 *   name: 'child-cell1',
 *   handlers: createHandlers({ store, cellName: 'child-cell1' }),
 *   capacities: () => computeCapacities(store, {}),
 *   errors: registerComputeErrors(defaultErrorRegistry()),
 * });
 */
import type { CellHandlers } from '@cellwire/core';
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

export function createHandlers(deps: HandlerDeps): CellHandlers {
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
