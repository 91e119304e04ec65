/**
 * The workload every variant carries, cellwire, raw floors and Moleculer alike.
 *
 * Method: `run_compute_api_method` with `call: true`, a targeted call whose arguments can
 * honestly carry an instance: `method_info.method_args` is `[instance_uuid, instance]`,
 * an instance_update-like record of about 400 bytes of JSON in all. The handler answers
 * with a JsonValue of about 100 bytes (the instance's state after the call). Casts use
 * the same method with `call: false`. Broadcasts use `service_get_all`, each cell
 * answering with two Service records.
 *
 * Every cell serves `novaCells` with these handlers and `cellState` with its reference
 * handlers (benchServices), as a deployed cell does; clients are `createClient(novaCells, runner)`.
 */
import { serve, type Invoker, type ServiceImpl } from '@cellwire/core';
import { createClient } from '@cellwire/client';
import { cellState, cellStateHandlers, novaCells, type NovaCellsClient, type NovaCellsHandlers, type RequestContext, type RunComputeApiMethodArgs } from '@cellwire/schema';

export const CALL_METHOD = 'run_compute_api_method';
export const INSTANCE_UUID = '8d2c6a3e-1f4b-4c1e-9a57-3b0f7d2e9c41';

/** Arguments of `run_compute_api_method`, with `call` fixed so the client's overload is chosen. */
export type CallArgs<C extends boolean> = RunComputeApiMethodArgs & { call: C };

/** The arguments of one call, minus the target: about 400 bytes of JSON. */
export function callArgs(cellName: string): CallArgs<true>;
export function callArgs<C extends boolean>(cellName: string, call: C): CallArgs<C>;
export function callArgs(cellName: string, call = true): CallArgs<boolean> {
  return {
    cell_name: cellName,
    call,
    method_info: {
      method: 'update_instance',
      method_args: [
        INSTANCE_UUID,
        {
          uuid: INSTANCE_UUID,
          hostname: 'web-eu-042',
          host: 'compute-17',
          vm_state: 'active',
          task_state: null,
          power_state: 1,
          memory_mb: 4096,
          vcpus: 2,
          root_gb: 40,
          updated_at: '2024-05-02T10:12:55Z',
        },
      ],
      method_kwargs: { expected_task_state: null },
    },
  };
}

/** The handler's answer: about 100 bytes of JSON. */
export const CALL_RESULT = { uuid: INSTANCE_UUID, vm_state: 'active', task_state: null, power_state: 1 } as const;

/** The request context every call carries (made once, as one API request would). */
export const CONTEXT: RequestContext = {
  request_id: 'req-0b9f4a56-8f3e-4d0a-a1c2-77e1f3c9d2aa',
  user_id: 'alice',
  project_id: 'p-42',
  roles: ['member'],
  is_admin: false,
  read_deleted: 'no',
  timestamp: '2024-05-02T10:12:55.000Z',
};

/** The two services each cell answers `service_get_all` with. */
export function servicesOf(cell: string) {
  return [1, 2].map((i) => ({
    id: i,
    host: `${cell}-compute-${i}`,
    binary: 'nova-compute',
    topic: 'compute',
    report_count: 1200 + i,
    disabled: false,
    disabled_reason: null,
    forced_down: false,
    last_seen_up: '2024-05-02T10:12:55Z',
    created_at: '2024-01-01T00:00:00Z',
    updated_at: '2024-05-02T10:12:55Z',
    version: 22,
  }));
}

/** Handlers every benchmark cell runs. */
export function benchHandlers(cell: string): Partial<NovaCellsHandlers> {
  const services = servicesOf(cell);
  return {
    runComputeApiMethod: () => CALL_RESULT,
    serviceGetAll: () => services,
  };
}

/**
 * The services every benchmark cell serves, as a deployed cell does: the Nova cells
 * methods with the bench handlers, and cell_state with its reference handlers.
 */
export function benchServices(cell: string): ServiceImpl[] {
  return [serve(novaCells, benchHandlers(cell)), serve(cellState, cellStateHandlers())];
}

/** A Nova cells client whose calls start in the cell of `runner`. */
export function novaClient(runner: Invoker): NovaCellsClient {
  return createClient(novaCells, runner);
}

/** The same work a raw floor's server does for one request: answer with the result. */
export function rawAnswer(_request: unknown): unknown {
  return CALL_RESULT;
}

export const REQUEST_BYTES = Buffer.byteLength(JSON.stringify(callArgs('api-cell!child-cell1')));
export const RESULT_BYTES = Buffer.byteLength(JSON.stringify(CALL_RESULT));
