/**
 * @cellwire/schema: the Nova cells v1 services as cellwire descriptors: `novaCells` (the
 * reference MessageRunner's methods) and `cellState` (capabilities and capacities), their
 * handler and client interfaces, and the domain types they carry.
 */
export { novaCells } from './gen/nova-cells/index.js';
export type { NovaCellsClient, NovaCellsHandlers } from './gen/nova-cells/index.js';
export { cellState } from './gen/cell-state/index.js';
export type { CellStateClient, CellStateHandlers } from './gen/cell-state/index.js';
export { cellStateHandlers } from './cell-state/handlers.js';
export type * from './types.js';
export type * from './args.js';
