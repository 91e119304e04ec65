/**
 * sync_instances (reference section 4): each cell below the sender walks its instances,
 * page by page in (deleted, id) order, filtered by project and `updated_since`, and sends
 * each to the top: instance_destroy_at_top for a deleted one, instance_update_at_top for
 * the others. Deleted instances are included only when `deleted` is true.
 */
import { InvalidArgument } from '@cellwire/core';
import type { NovaCellsHandlers } from '@cellwire/schema';
import { normalizeTime } from '../store/table.js';
import { TopSync, type Env } from './context.js';

export function syncHandlers(env: Env): Pick<NovaCellsHandlers, 'syncInstances'> {
  return {
    async syncInstances(ctx, { project_id, updated_since, deleted }) {
      let since: string | null = null;
      if (updated_since !== undefined && updated_since !== null) {
        if (Number.isNaN(Date.parse(updated_since))) throw new InvalidArgument(`updated_since is not an ISO time: ${updated_since}`);
        since = normalizeTime(updated_since);
      }
      const log = env.log(ctx);
      log.info(`forcing a sync of instances, project_id=${project_id ?? '<all>'}, updated_since=${since ?? '<all>'}`);
      let after: { deleted: boolean; id: number } | undefined;
      let total = 0;
      for (;;) {
        const page = env.store.instances.list({
          project_id: project_id ?? null,
          changes_since: since,
          ...(deleted ? {} : { deleted: false }),
          ...(after ? { after } : {}),
          limit: env.syncPageSize,
        });
        if (page.length === 0) break;
        const sync = new TopSync(ctx, env);
        for (const inst of page) {
          if (inst.deleted) sync.destroy(inst);
          else sync.update(inst);
        }
        await sync.flush();
        total += page.length;
        const last = page[page.length - 1] as (typeof page)[number];
        after = { deleted: Boolean(last.deleted), id: last.id };
        if (page.length < env.syncPageSize) break;
      }
      log.debug(`sync_instances sent ${total} instance(s) to the top`);
      return null;
    },
  };
}
