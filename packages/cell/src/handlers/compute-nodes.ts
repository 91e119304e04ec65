/**
 * Compute nodes of a cell (reference section 4): compute_node_get (by id, or by uuid when
 * the id looks like one), compute_node_get_all (optionally matching the hypervisor
 * hostname) and compute_node_stats (this cell's sums; the caller adds the cells up).
 */
import type { NovaCellsHandlers } from '@cellwire/schema';
import { ComputeHostNotFound } from '../errors.js';
import type { Env } from './context.js';

const UUID_LIKE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

export function computeNodeHandlers(env: Env): Pick<NovaCellsHandlers, 'computeNodeGet' | 'computeNodeGetAll' | 'computeNodeStats'> {
  const { store } = env;
  return {
    computeNodeGet(_ctx, { compute_id }) {
      const id = String(compute_id);
      const node = UUID_LIKE.test(id) ? store.computeNodes.getByUuid(id) : /^\d+$/.test(id) ? store.computeNodes.get(Number(id)) : undefined;
      if (!node) throw new ComputeHostNotFound(id);
      return node;
    },

    computeNodeGetAll(_ctx, { hypervisor_match }) {
      return hypervisor_match ? store.computeNodes.searchByHypervisor(hypervisor_match) : store.computeNodes.list();
    },

    computeNodeStats() {
      return store.computeNodes.statistics();
    },
  };
}
