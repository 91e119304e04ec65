/**
 * `cellwire demo` (docs/cell-service.md): the 8-cell tree of the reference test plan in one
 * process, on one memory network, each cell a full cell service with its own store and
 * hosts; then a short tour that prints every message's route and the results.
 */
import { randomUUID } from 'node:crypto';
import { createClient } from '@cellwire/client';
import { adminContext, silentLogger, type Link, type Logger, type Side } from '@cellwire/core';
import { MemoryNetwork } from '@cellwire/transport-memory';
import { novaCells, type BuildInstancesArgs, type ComputeNodeStats, type Flavor, type Instance, type Service } from '@cellwire/schema';
import { DEFAULT_FLAVORS } from './compute.js';
import { parseConfig, type HostSpec } from './config.js';
import { startCellService, type CellService } from './service.js';
import { renderTree, type TreeNode } from './tree-view.js';

/** parent -> children: the tree of the reference test plan (section 7.1). */
export const DEMO_TREE: Readonly<Record<string, readonly string[]>> = {
  'api-cell': ['child-cell1', 'child-cell2', 'child-cell3', 'child-cell4'],
  'child-cell2': ['grandchild-cell1'],
  'child-cell3': ['grandchild-cell2', 'grandchild-cell3'],
};

export interface DemoOptions {
  /** Where each line goes (default: stdout). */
  readonly print?: (line: string) => void;
  /** Print each message's route (default true). */
  readonly routes?: boolean;
  /** Logger of the cells (default: silent; the demo prints what matters itself). */
  readonly logger?: Logger;
}

/** What the tour found, for tests and callers that want more than the text. */
export interface DemoResult {
  readonly cells: readonly string[];
  /** Built instances as seen at the top: uuid -> cell_name. */
  readonly placed: Readonly<Record<string, string>>;
  /** vm_state at the top of the instance stopped in a grandchild. */
  readonly stoppedState: string | undefined;
  /** Services per cell path, from service_get_all. */
  readonly services: Readonly<Record<string, number>>;
  /** compute_node_stats summed over every cell. */
  readonly totals: Readonly<Record<string, number>>;
  /** Messages sent between cells. */
  readonly messages: number;
  readonly elapsedMs: number;
}

const ALL_CELLS = ['api-cell', ...Object.values(DEMO_TREE).flat()];
const HYPERVISORS = ['kvm', 'xen', 'kvm', 'qemu'];

/**
 * Runs the demo and resolves when every cell is closed again.
 *
 * @example
 * await runDemo({ print: console.log });
 */
export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const started = Date.now();
  const network = new MemoryNetwork();
  const tracer = new Tracer(print, options.routes ?? true);
  const cells = new Map<string, CellService>();
  const parentOf = new Map<string, string>();
  for (const [p, kids] of Object.entries(DEMO_TREE)) for (const k of kids) parentOf.set(k, p);

  print('cellwire demo: the 8-cell tree of the reference test plan, in one process on the memory transport');
  try {
    // 1. Start every cell. Announcements wait until all listen, so none is lost.
    for (const [i, name] of ALL_CELLS.entries()) {
      const parent = parentOf.get(name);
      const config = parseConfig(
        {
          name,
          listen: `memory://${name}`,
          parents: parent ? [{ name: parent, url: `memory://${parent}` }] : [],
          children: (DEMO_TREE[name] ?? []).map((c) => ({ name: c, url: `memory://${c}` })),
          capabilities: { hypervisor: [HYPERVISORS[i % HYPERVISORS.length] as string], os: ['linux'] },
          hosts: hostsFor(name, i),
          log_level: 'error',
        },
        { file: `<demo ${name}>` },
      );
      cells.set(
        name,
        await startCellService(config, {
          network,
          logger: options.logger ?? silentLogger,
          announce: false,
          wrapLink: (link, info) => tracer.wrap(link, info),
        }),
      );
    }
    const cell = (name: string) => cells.get(name) as CellService;
    const top = cell('api-cell');
    const nova = createClient(novaCells, top.runner);

    step(print, 1, `Start ${cells.size} cells (own store, 2 hosts each); each tells its parent its capabilities and capacities`);
    // What the periodic update (every update_interval_s) does, done now and quietly: every
    // cell reports, leaves first, and the reports cascade up to api-cell.
    const report = async () => {
      tracer.quiet();
      for (const name of [...ALL_CELLS].reverse()) await cell(name).announce();
      const expectedRam = sum([...cells.values()].map((c) => c.state().own_capacities.ram_free?.total_mb ?? 0));
      await until(() => (top.state().capacities.ram_free?.total_mb ?? 0) === expectedRam, 5000);
      tracer.loud();
      return tracer.take();
    };
    print(`   ${await report()} capability and capacity messages moved up the tree; api-cell now sees:`);
    print('');
    for (const line of renderTree(demoTree(top, cells))) print(`   ${line}`);

    // 2. Builds scheduled from the top.
    const flavor = pickFlavor();
    const ctxt = adminContext({ user_id: 'demo', project_id: 'demo' });
    step(print, 2, `Build 3 instances from api-cell (build_instances, flavor ${flavor.name}); the cells scheduler places each`);
    const placed: Record<string, string> = {};
    for (let n = 1; n <= 3; n++) {
      const uuid = randomUUID();
      print(`   build demo-${n}:`);
      await nova.buildInstances(ctxt, buildArgs('api-cell', [{ uuid, display_name: `demo-${n}` }], flavor));
      const seen = await waitForInstance(top, uuid, built);
      placed[uuid] = seen?.cell_name ?? '(not synced)';
      print(`   -> demo-${n} synced to the top: cell_name ${placed[uuid]}, vm_state ${seen?.vm_state ?? '?'}`);
      // So the next build is placed on fresh numbers rather than those of the last tick.
      const n2 = await report();
      print(`   (cells report their new capacities: ${n2} messages, not shown)`);
    }

    // 3. One instance pinned to a grandchild, then stopped there.
    const target = 'api-cell!child-cell2!grandchild-cell1';
    step(print, 3, `Build demo-gc in ${target} (scheduler hint target_cell) and watch it sync to the top`);
    const gcUuid = randomUUID();
    await nova.buildInstances(ctxt, buildArgs('api-cell', [{ uuid: gcUuid, display_name: 'demo-gc' }], flavor, { target_cell: target }));
    const gc = await waitForInstance(top, gcUuid, (i) => i.cell_name === target && built(i));
    placed[gcUuid] = gc?.cell_name ?? '(not synced)';
    print(`   -> demo-gc at the top: cell_name ${placed[gcUuid]}, vm_state ${gc?.vm_state ?? '?'}`);

    step(print, 4, 'List services across all cells (service_get_all, a broadcast call)');
    const services: Record<string, number> = {};
    const perCell = await nova.serviceGetAll(ctxt, {}, { timeoutMs: 5000 });
    for (const r of perCell) {
      if (r.failure) {
        print(`   ${r.cellName.padEnd(40)} failed: ${(r.value as Error).message}`);
        continue;
      }
      const list = r.value as Service[];
      services[r.cellName] = list.length;
      print(`   ${r.cellName.padEnd(40)} ${list.length} services: ${list.map((s) => `${s.binary}@${s.host}`).join(', ')}`);
    }

    step(print, 5, `Stop demo-gc in ${target} (stop_instance, do_cast false) and read vm_state at the top`);
    const stopAt = gc ?? { uuid: gcUuid, cell_name: target };
    const stop = await nova.stopInstance(ctxt, { instance: { uuid: stopAt.uuid, cell_name: stopAt.cell_name ?? target }, do_cast: false }, { timeoutMs: 5000 });
    if (stop?.failure) print(`   stop failed in ${stop.cellName}: ${(stop.value as Error).message}`);
    else print(`   ${stop?.cellName ?? target} answered: ok (${JSON.stringify(stop?.value ?? null)})`);
    const stopped = await waitForInstance(top, gcUuid, (i) => i.vm_state === 'stopped');
    print(`   -> demo-gc at the top: vm_state ${stopped?.vm_state ?? '?'}`);

    step(print, 6, 'Sum compute node stats across cells (compute_node_stats)');
    const stats = await nova.computeNodeStats(ctxt, {}, { timeoutMs: 5000 });
    const totals: Record<string, number> = {};
    for (const r of stats) {
      if (r.failure) {
        print(`   ${r.cellName.padEnd(40)} failed: ${(r.value as Error).message}`);
        continue;
      }
      const s = r.value as ComputeNodeStats;
      print(`   ${r.cellName.padEnd(40)} nodes ${s.count}, vcpus ${s.vcpus_used}/${s.vcpus}, ram ${s.memory_mb_used}/${s.memory_mb} MB, vms ${s.running_vms}`);
      for (const [k, v] of Object.entries(s)) if (typeof v === 'number') totals[k] = (totals[k] ?? 0) + v;
    }
    print(`   ${'total'.padEnd(40)} nodes ${totals.count ?? 0}, vcpus ${totals.vcpus_used ?? 0}/${totals.vcpus ?? 0}, ram ${totals.memory_mb_used ?? 0}/${totals.memory_mb ?? 0} MB, vms ${totals.running_vms ?? 0}`);

    const elapsedMs = Date.now() - started;
    print('');
    print(`Done in ${(elapsedMs / 1000).toFixed(1)} s: ${tracer.total} messages between ${cells.size} cells (${tracer.shown} shown above).`);
    return {
      cells: [...cells.keys()],
      placed,
      stoppedState: stopped?.vm_state,
      services,
      totals,
      messages: tracer.total,
      elapsedMs,
    };
  } finally {
    tracer.quiet();
    await Promise.allSettled([...cells.values()].map((c) => c.close()));
  }
}

function step(print: (line: string) => void, n: number, title: string): void {
  print('');
  print(`${n}. ${title}`);
}

/** Two hosts per cell, a little different in each so the scheduler has something to weigh. */
function hostsFor(cell: string, i: number): HostSpec[] {
  const ram = [16384, 24576, 32768, 12288][i % 4] as number;
  return [1, 2].map((h) => ({
    name: `${cell}-h${h}`,
    vcpus: 8 * h,
    memory_mb: ram * h,
    local_gb: 200 * h,
    hypervisor_type: HYPERVISORS[i % HYPERVISORS.length] as string,
  }));
}

function pickFlavor(): Flavor {
  const flavors = DEFAULT_FLAVORS as readonly Flavor[];
  return flavors.find((f) => f.memory_mb === 2048) ?? (flavors[0] as Flavor);
}

function buildArgs(targetCell: string, instances: Instance[], flavor: Flavor, hints: Record<string, string> = {}): BuildInstancesArgs {
  return {
    target_cell: targetCell,
    build_inst_kwargs: {
      instances: instances.map((i) => ({ project_id: 'demo', user_id: 'demo', image_ref: 'cirros', ...i })),
      image: { id: 'cirros', name: 'cirros', status: 'active', properties: {} },
      filter_properties: { instance_type: flavor, scheduler_hints: hints },
      admin_password: null,
      injected_files: [],
      requested_networks: null,
      security_groups: ['default'],
      block_device_mapping: [],
      legacy_bdm: false,
    },
  };
}

/** Synced with its cell, and past `building` (the first update comes as the row is created). */
function built(i: Instance): boolean {
  return Boolean(i.cell_name) && i.vm_state !== 'building';
}

/** Polls a cell's store until the instance is there and `ok` holds (or 3 s pass). */
async function waitForInstance(cell: CellService, uuid: string, ok: (i: Instance) => boolean): Promise<Instance | undefined> {
  let last: Instance | undefined;
  await until(() => {
    last = (cell.store.instances.get(uuid) ?? undefined) as Instance | undefined;
    return last !== undefined && ok(last);
  }, 3000);
  return last;
}

async function until(ok: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 5));
  }
  return true;
}

/** The drawing of the whole tree: every cell's capacities as its own service sees them. */
function demoTree(top: CellService, cells: ReadonlyMap<string, CellService>): TreeNode {
  const node = (c: CellService): TreeNode => ({
    name: c.name,
    capacities: c.runner.state.getOurCapacities(),
    children: [...c.runner.state.children.keys()].map((k) => node(cells.get(k) as CellService)),
  });
  return node(top);
}

function sum(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

/** Prints `from -> to : method (kind)` for each message a link carries, and replies on the same exchange. */
class Tracer {
  total = 0;
  shown = 0;
  private counted = 0;
  private printing = true;

  constructor(
    private readonly print: (line: string) => void,
    private readonly enabled: boolean,
  ) {}

  quiet(): void {
    this.printing = false;
  }

  loud(): void {
    this.printing = true;
  }

  /** Messages since the last call. */
  take(): number {
    const n = this.counted;
    this.counted = 0;
    return n;
  }

  wrap(link: Link, info: { from: string; to: string; side: Side }): Link {
    return {
      cell: link.cell,
      send: async (data, options) => {
        this.total++;
        this.counted++;
        const show = this.enabled && this.printing;
        if (show) this.shown++;
        if (show) this.print(`     ${info.from} -> ${info.to} : ${describe(data, options.expectReply)}`);
        const reply = await link.send(data, options);
        if (show && reply !== undefined) this.print(`     ${info.from} <- ${info.to} : ${describe(reply, false)}`);
        return reply;
      },
      close: () => link.close(),
      // Printing the route must not hide what the link learns of its latency.
      ...(link.latency ? { latency: () => link.latency!() } : {}),
    };
  }
}

function describe(data: string, call: boolean): string {
  try {
    const env = JSON.parse(data) as { message_type: string; method_name: string; method_kwargs?: { responses?: unknown[] }; direction?: string };
    if (env.message_type === 'response') {
      const n = env.method_kwargs?.responses?.length ?? 0;
      return `response (${n} ${n === 1 ? 'answer' : 'answers'})`;
    }
    return `${env.method_name} (${env.message_type} ${env.direction ?? ''}, ${call ? 'call' : 'cast'})`;
  } catch {
    return '(undecodable message)';
  }
}

