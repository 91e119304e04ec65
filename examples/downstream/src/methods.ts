/**
 * The downstream team's own service: each method once, with its doc comment. Run
 * `npx cellwire-codegen --methods src/methods.ts --out src/gen --schemas schemas` to turn it
 * into the `cellOps` descriptor, `CellOpsHandlers`, `CellOpsClient`, validators and schemas.
 */
import { method } from '@cellwire/core';

/** Clocks and loads of the cells, as the ops team sees them. */
export const service = { name: 'cell_ops', version: '1.0.0' } as const;

/** How busy one cell is. */
export interface CellLoad {
  /** The cell's short name. */
  cell: string;
  /** Instances running in the cell. */
  instances: number;
  /** Share of the cell's capacity in use, from 0 to 1. */
  load: number;
}

export const methods = {
  /** The time in one cell, as `<routing path> <ISO time>`. */
  get_cell_time: method<{ cell_name: string }, string>({
    kind: 'targeted',
    direction: 'down',
    needResponse: true,
    target: { arg: 'cell_name' },
  }),
  /** The load of every cell below, this one included. */
  all_cell_loads: method<{}, CellLoad>({
    kind: 'broadcast',
    direction: 'down',
    needResponse: true,
    runLocally: true,
    target: 'none',
  }),
} as const;
