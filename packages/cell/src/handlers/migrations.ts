/**
 * get_migrations (reference section 4): `compute_api.get_migrations(filters)` over this
 * cell's migration records. Targeted or broadcast is decided by core from `cell_name`.
 */
import type { NovaCellsHandlers } from '@cellwire/schema';
import type { Env } from './context.js';

export function migrationHandlers(env: Env): Pick<NovaCellsHandlers, 'getMigrations'> {
  return {
    getMigrations: (_ctx, { filters }) => env.store.migrations.list(filters),
  };
}
