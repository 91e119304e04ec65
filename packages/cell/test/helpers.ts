/**
 * The 8-cell reference tree with the real compute side in every cell: each cell has its
 * own SQLite store (seeded with hosts), the reference handlers over it, and capacities
 * computed from it. Every handler run is recorded (cell, method, routing path, args) and
 * then runs for real, so tests can assert both on the stores and on what reached where.
 */
import { adminContext, defaultErrorRegistry, makeContext, serve, type HandlerContext } from '@cellwire/core';
import { createClient } from '@cellwire/client';
import {
  cellState,
  novaCells,
  type Capabilities,
  type CellStateClient,
  type Flavor,
  type Instance,
  type NovaCellsClient,
  type NovaCellsHandlers,
  type RequestContext,
} from '@cellwire/schema';
import { startTree, type Tree } from '../../../test/fixtures/tree.js';
import {
  computeCapacities,
  createHandlers,
  DEFAULT_FLAVORS,
  openStore,
  registerComputeErrors,
  seedHosts,
  type HandlerDeps,
  type HostConfig,
  type Store,
} from '../src/compute.js';

export { REFERENCE_PATHS } from '../../../test/fixtures/tree.js';

export interface Call {
  cell: string;
  method: string;
  routingPath: string;
  needResponse: boolean;
  args: unknown;
  /** Set when the handler returned (`ok`) or threw (`failed: <error name>: <message>`). */
  outcome?: string;
}

export interface ComputeTreeOptions {
  /** Hosts per cell (default: two hosts in every cell but api-cell). */
  hosts?: (cell: string) => HostConfig[];
  capabilities?: (cell: string) => Capabilities;
  deps?: (cell: string) => Partial<HandlerDeps>;
  maxHopCount?: number;
  layout?: Readonly<Record<string, readonly string[]>>;
  muteChildIntervalMs?: number;
}

export interface ComputeTree {
  readonly tree: Tree;
  readonly stores: ReadonlyMap<string, Store>;
  readonly calls: Call[];
  store(cell: string): Store;
  client(cell: string): NovaCellsClient;
  /** The cell-state client of a cell (capabilities and capacities). */
  state(cell: string): CellStateClient;
  /** Handler runs of one method, in order. */
  callsOf(method: string): Call[];
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export const defaultHosts = (cell: string): HostConfig[] =>
  cell === 'api-cell'
    ? []
    : [
        { name: `${cell}-host1`, vcpus: 16, memory_mb: 32768, local_gb: 500, hypervisor_type: 'QEMU' },
        { name: `${cell}-host2`, vcpus: 16, memory_mb: 32768, local_gb: 500, hypervisor_type: 'QEMU' },
      ];

/** Wraps every handler so that each run is recorded before it runs for real. */
function recorded(cell: string, handlers: NovaCellsHandlers, calls: Call[]): NovaCellsHandlers {
  const out: Record<string, unknown> = {};
  for (const [key, fn] of Object.entries(handlers)) {
    out[key] = async (ctx: HandlerContext, args: unknown) => {
      const call: Call = { cell, method: ctx.method.name, routingPath: ctx.routingPath, needResponse: ctx.needResponse, args: structuredClone(args) };
      calls.push(call);
      try {
        const value = await (fn as (c: HandlerContext, a: unknown) => unknown)(ctx, args);
        call.outcome = 'ok';
        return value;
      } catch (e) {
        call.outcome = `failed: ${(e as Error).name}: ${(e as Error).message}`;
        throw e;
      }
    };
  }
  return out as unknown as NovaCellsHandlers;
}

export async function computeTree(options: ComputeTreeOptions = {}): Promise<ComputeTree> {
  const stores = new Map<string, Store>();
  const calls: Call[] = [];
  const hosts = options.hosts ?? defaultHosts;
  const tree = await startTree({
    ...(options.layout ? { layout: options.layout } : {}),
    // Nova's methods, recorded; the tree adds the cell-state service every cell serves.
    services: (cell) => {
      const store = openStore();
      stores.set(cell, store);
      seedHosts(store, hosts(cell));
      const handlers = createHandlers({ store, cellName: cell, scheduler: { retries: 0, retryDelayMs: 0 }, ...options.deps?.(cell) });
      return [serve(novaCells, recorded(cell, handlers, calls))];
    },
    runner: (cell) => ({
      capacities: () => computeCapacities(stores.get(cell) as Store, {}),
      capabilities: options.capabilities?.(cell) ?? { hypervisor: ['kvm'], os: ['linux'] },
      errors: registerComputeErrors(defaultErrorRegistry()),
      ...(options.maxHopCount ? { maxHopCount: options.maxHopCount } : {}),
      ...(options.muteChildIntervalMs !== undefined ? { muteChildIntervalMs: options.muteChildIntervalMs } : {}),
    }),
  });
  const close = async () => {
    await tree.close();
    for (const s of stores.values()) s.close();
  };
  return {
    tree,
    stores,
    calls,
    store: (cell) => {
      const s = stores.get(cell);
      if (!s) throw new Error(`no store for ${cell}`);
      return s;
    },
    client: (cell) => createClient(novaCells, tree.cell(cell)),
    state: (cell) => createClient(cellState, tree.cell(cell)),
    callsOf: (method) => calls.filter((c) => c.method === method),
    close,
    [Symbol.asyncDispose]: close,
  };
}

export const ctxt: RequestContext = makeContext({ user_id: 'fake-user', project_id: 'fake-project' });
export const admin: RequestContext = adminContext({ user_id: 'admin-user', project_id: 'admin-project' });

export const flavor = (name: string): Flavor => {
  const f = DEFAULT_FLAVORS.find((x) => x.name === name);
  if (!f) throw new Error(`no flavor ${name}`);
  return { ...f };
};

let counter = 0;
/** A fresh instance uuid. */
export function newUuid(): string {
  counter++;
  return `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`;
}

/**
 * An instance that has been built in `cell` (as if by build_instances): active on the
 * cell's first host with m1.small, with an info cache; its cell_name is its path.
 */
export function seedInstance(ct: ComputeTree, path: string, overrides: Partial<Instance> = {}): Instance & { id: number } {
  const cell = path.split('!').at(-1) as string;
  const store = ct.store(cell);
  const host = store.computeNodes.list()[0];
  const f = flavor('m1.small');
  const now = new Date().toISOString();
  const inst = store.instances.create({
    uuid: newUuid(),
    cell_name: path,
    host: host?.host ?? null,
    node: host?.hypervisor_hostname ?? null,
    launched_on: host?.host ?? null,
    vm_state: 'active',
    task_state: null,
    power_state: 1,
    display_name: 'vm',
    flavor: f,
    instance_type_id: f.id,
    memory_mb: f.memory_mb,
    vcpus: f.vcpus,
    root_gb: f.root_gb,
    ephemeral_gb: f.ephemeral_gb,
    project_id: 'fake-project',
    user_id: 'fake-user',
    info_cache: { network_info: [] },
    system_metadata: { image_base_image_ref: 'image-1' },
    metadata: { role: 'web' },
    launched_at: now,
    ...overrides,
  });
  if (inst.host) store.computeNodes.refreshUsage(inst.host);
  return inst;
}

/** The wire form of an instance (what a caller holds). */
export function asArg(inst: Instance): Instance {
  return JSON.parse(JSON.stringify(inst)) as Instance;
}
