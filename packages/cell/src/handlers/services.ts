/**
 * Services, hosts and task logs of a cell (reference section 4): service_get_all,
 * service_get_by_compute_host, service_update, service_delete, get_host_uptime,
 * proxy_rpc_to_manager (to the simulated host manager) and task_log_get_all.
 */
import { splitCellAndItem } from '@cellwire/core';
import type { JsonValue, NovaCellsHandlers, Service, ServiceUpdateParams } from '@cellwire/schema';
import { ComputeHostNotFound, ComputeServiceUnavailable, HostBinaryNotFound, ManagerMethodNotFound, ServiceNotFound } from '../errors.js';
import type { Env } from './context.js';
import { callHostManager, hostUptime } from './host-manager.js';
import { withCompute } from './instances.js';

type ServiceHandlers = Pick<
  NovaCellsHandlers,
  'serviceGetAll' | 'serviceGetByComputeHost' | 'getHostUptime' | 'serviceUpdate' | 'serviceDelete' | 'proxyRpcToManager' | 'taskLogGetAll'
>;

const UPDATABLE: readonly (keyof ServiceUpdateParams)[] = ['disabled', 'disabled_reason', 'forced_down'];

/** The topics the simulated hosts serve. */
export const MANAGER_TOPICS = ['compute'] as const;

/** nova's service_is_up for a simulated host: it always reports in unless forced down. */
export function serviceIsUp(service: Service): boolean {
  return !service.forced_down;
}

export function serviceHandlers(env: Env): ServiceHandlers {
  const { store } = env;

  const computeService = (host: string): Service => {
    const s = store.services.getByComputeHost(host);
    if (!s) throw new ComputeHostNotFound(host);
    return s;
  };

  return {
    serviceGetAll(_ctx, { filters }) {
      const { disabled, ...rest } = filters ?? {};
      const services = store.services.list({ disabled: disabled ?? null });
      const checks = Object.entries(rest).filter(([, v]) => v !== undefined);
      return services.filter((s) => checks.every(([k, v]) => (s as unknown as Record<string, unknown>)[k] === v));
    },

    serviceGetByComputeHost(_ctx, { host_name }) {
      return computeService(host_name);
    },

    getHostUptime(_ctx, { host_name }) {
      const service = computeService(host_name);
      if (!serviceIsUp(service)) throw new ComputeServiceUnavailable(host_name);
      const running = store.instances.onHost(host_name).filter((i) => i.power_state === 1).length;
      return hostUptime(env, service, running);
    },

    serviceUpdate(_ctx, { host_name, binary, params_to_update }) {
      const service = store.services.getByHostAndBinary(host_name, binary);
      if (!service) throw new HostBinaryNotFound(host_name, binary);
      const changes: Partial<Service> = {};
      for (const k of UPDATABLE) if (params_to_update[k] !== undefined) (changes as Record<string, unknown>)[k] = params_to_update[k];
      if (params_to_update.disabled === false && params_to_update.disabled_reason === undefined) changes.disabled_reason = null;
      return store.services.update(service.id, changes, env.now()) as Service;
    },

    serviceDelete(_ctx, { service_id }) {
      const id = typeof service_id === 'number' ? service_id : /^\d+$/.test(service_id) ? Number(service_id) : NaN;
      if (!Number.isInteger(id) || !store.services.destroy(id, env.now())) throw new ServiceNotFound(service_id);
      return null;
    },

    proxyRpcToManager(ctx, { host_name, topic, rpc_message }) {
      // The host's compute service must exist, as the reference checks.
      computeService(host_name);
      const dot = topic.indexOf('.');
      const base = dot < 0 ? topic : topic.slice(0, dot);
      const server = dot < 0 ? '' : topic.slice(dot + 1);
      if (!(MANAGER_TOPICS as readonly string[]).includes(base)) throw new ManagerMethodNotFound(base, rpc_message.method);
      // `compute.<cell>@<host>` (the reference forwards the API cell's topic as is): the host is the item.
      const host = server ? splitCellAndItem(server)[1] : host_name;
      return withCompute(ctx, env, (call) => callHostManager(env, call.sync, host, rpc_message.method, rpc_message.args) as JsonValue);
    },

    taskLogGetAll(_ctx, { task_name, period_beginning, period_ending, host, state }) {
      return store.taskLogs.list(task_name, period_beginning, period_ending, host ?? null, state ?? null);
    },
  };
}
