/** @cellwire/transport-memory: an in-process network of cells, public so users can test handlers with it. */
export { MemoryNetwork, memoryCellOf } from './network.js';
export type { MemoryDelivery, MemoryNetworkOptions, MemoryNetworkStats } from './network.js';
