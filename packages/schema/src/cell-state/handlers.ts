/**
 * The reference behaviour of the cell-state service over core's NeighbourState: what every
 * cell serves beside its other services (`serve(cellState, cellStateHandlers())`).
 */
import { CellwireError, PATH_CELL_SEP, previousCell, type HandlerContext, type MessageRunner, type RequestContext } from '@cellwire/core';
import { cellState, type CellStateHandlers } from '../gen/cell-state/index.js';

/**
 * @example
 * const runner = new MessageRunner({ name, services: [serve(novaCells, impl), serve(cellState, cellStateHandlers())] });
 * await createClient(cellState, runner).tellParentsOurCapabilities(adminContext());
 */
export function cellStateHandlers(): CellStateHandlers {
  return {
    askChildrenForCapabilities: (ctx) => tellEach(ctx.runner, ctx.ctxt, 'children', 'announce_capabilities', () => ({})),
    askChildrenForCapacities: (ctx) => tellEach(ctx.runner, ctx.ctxt, 'children', 'announce_capacities', () => ({})),
    tellParentsOurCapabilities: (ctx) => tellParents(ctx.runner, ctx.ctxt, 'capabilities'),
    tellParentsOurCapacities: (ctx) => tellParents(ctx.runner, ctx.ctxt, 'capacities'),
    updateCapabilities: async (ctx, args) => {
      const child = sender(ctx, args.cell_name);
      if (!ctx.runner.state.updateCellCapabilities(child, args.capabilities)) return ignored(ctx, child);
      await tellParents(ctx.runner, ctx.ctxt, 'capabilities');
      return null;
    },
    updateCapacities: async (ctx, args) => {
      const child = sender(ctx, args.cell_name);
      if (!ctx.runner.state.updateCellCapacities(child, args.capacities)) return ignored(ctx, child);
      await tellParents(ctx.runner, ctx.ctxt, 'capacities');
      return null;
    },
    announceCapabilities: (ctx) => tellParents(ctx.runner, ctx.ctxt, 'capabilities'),
    announceCapacities: (ctx) => tellParents(ctx.runner, ctx.ctxt, 'capacities'),
  };
}

/** A cell speaks only for itself: an update naming another cell than its sender is refused. */
function sender(ctx: HandlerContext, claimed: string): string {
  const from = previousCell(ctx.routingPath);
  if (from !== claimed) {
    throw new CellwireError('permission_denied', `cell ${from ?? '?'} sent ${ctx.method.name} for '${claimed}': a cell reports only its own state`);
  }
  return from;
}

function ignored(ctx: HandlerContext, child: string): null {
  ctx.runner.logger.warn(`${ctx.method.name} from unknown child cell '${child}' ignored`);
  return null;
}

/** `update_capabilities` / `update_capacities` to every parent, with this cell's own view. */
function tellParents(runner: MessageRunner, ctxt: RequestContext, what: 'capabilities' | 'capacities'): Promise<null> {
  const payload =
    what === 'capabilities'
      ? () => ({ cell_name: runner.name, capabilities: runner.state.getOurCapabilities() })
      : () => ({ cell_name: runner.name, capacities: runner.state.getOurCapacities() });
  return tellEach(runner, ctxt, 'parents', what === 'capabilities' ? 'update_capabilities' : 'update_capacities', payload);
}

/** One cast per neighbour on a side; a neighbour that cannot be told is logged, not fatal. */
async function tellEach(runner: MessageRunner, ctxt: RequestContext, side: 'children' | 'parents', wire: string, payload: () => object): Promise<null> {
  const neighbours = side === 'children' ? runner.state.children : runner.state.parents;
  const m = Object.values(cellState.methods).find((x) => x.name === wire);
  if (!m) throw new Error(`cell_state has no method ${wire}`);
  await Promise.all(
    [...neighbours.values()].map(async (n) => {
      try {
        await runner.targeted(m, ctxt, payload(), {
          target: `${runner.name}${PATH_CELL_SEP}${n.name}`,
          direction: side === 'children' ? 'down' : 'up',
          needResponse: false,
          fanout: m.fanout ?? false,
        });
      } catch (e) {
        runner.logger.warn(`${wire}: could not tell ${n.name}: ${(e as Error).message}`);
      }
    }),
  );
  return null;
}
