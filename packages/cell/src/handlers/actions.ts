/**
 * Instance actions recorded in a cell (reference section 4): actions_get,
 * action_get_by_request_id and action_events_get, newest first as nova returns them.
 */
import type { NovaCellsHandlers } from '@cellwire/schema';
import type { Env } from './context.js';

export function actionHandlers(env: Env): Pick<NovaCellsHandlers, 'actionsGet' | 'actionGetByRequestId' | 'actionEventsGet'> {
  const { store } = env;
  return {
    actionsGet: (_ctx, { instance_uuid }) => store.actions.list(instance_uuid),
    actionGetByRequestId: (_ctx, { instance_uuid, request_id }) => store.actions.byRequestId(instance_uuid, request_id) ?? null,
    actionEventsGet: (_ctx, { action_id }) => store.actions.eventsOf(action_id),
  };
}
