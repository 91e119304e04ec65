/**
 * A three-cell tree run by a team outside the cellwire repo, on the packed @cellwire packages:
 *
 *   api --memory--> eu --HTTP (127.0.0.1, port 0, HMAC-signed link)--> eu-1
 *
 * Every cell serves the Nova services (`novaCells`, `cellState`) and the team's own
 * `cellOps` service, generated from src/methods.ts into src/gen/ (not committed: the
 * generator writes it). Each service is called through its typed client from `api`; every
 * result is checked, and any mismatch exits 1.
 */
import { randomBytes } from 'node:crypto';
import { makeContext, serve, startCellNode, type CellNode, type Transport } from '@cellwire/core';
import { createClient } from '@cellwire/client';
import { cellState, cellStateHandlers, novaCells, type NovaCellsHandlers, type Service } from '@cellwire/schema';
import { MESSAGE_PATH, createHttpTransport } from '@cellwire/transport-http';
import { MemoryNetwork } from '@cellwire/transport-memory';
import { cellOps, type CellOpsHandlers } from './gen/index.js';
import type { CellLoad } from './methods.js';

const CELLS = ['api', 'eu', 'eu-1'] as const;
type Cell = (typeof CELLS)[number];
/** Paths of the cells as seen from `api`, the origin of every call below. */
const PATH: Record<Cell, string> = { api: 'api', eu: 'api!eu', 'eu-1': 'api!eu!eu-1' };
/** What each cell reports for `all_cell_loads`. */
const LOADS: Record<Cell, CellLoad> = {
  api: { cell: 'api', instances: 2, load: 0.1 },
  eu: { cell: 'eu', instances: 12, load: 0.5 },
  'eu-1': { cell: 'eu-1', instances: 30, load: 0.75 },
};
const UPTIME_DAYS: Record<Cell, number> = { api: 40, eu: 12, 'eu-1': 3 };
const CALL = { timeoutMs: 5_000 };

// ---------------------------------------------------------------- handlers, per cell

function novaHandlers(cell: Cell): Partial<NovaCellsHandlers> {
  return {
    getHostUptime: (ctx, args) => `${args.host_name} up ${UPTIME_DAYS[cell]} days (${ctx.routingPath})`,
    serviceGetAll: (): Service[] => [computeService(cell)],
  };
}

function computeService(cell: Cell): Service {
  return {
    id: 1,
    host: `${cell}-h1`,
    binary: 'nova-compute',
    topic: 'compute',
    report_count: 7,
    disabled: false,
    disabled_reason: null,
    forced_down: false,
    last_seen_up: null,
    created_at: null,
    updated_at: null,
    version: 1,
  };
}

function opsHandlers(cell: Cell): CellOpsHandlers {
  return {
    getCellTime: (ctx) => `${ctx.routingPath} ${new Date().toISOString()}`,
    allCellLoads: () => LOADS[cell],
  };
}

const services = (cell: Cell) => [
  serve(novaCells, novaHandlers(cell)),
  serve(cellState, cellStateHandlers()),
  serve(cellOps, opsHandlers(cell)),
];

// ---------------------------------------------------------------- checks

let checks = 0;
function check(ok: boolean, what: string, got?: unknown): void {
  if (!ok) throw new Error(`check failed: ${what}${got === undefined ? '' : `; got ${JSON.stringify(got)}`}`);
  checks++;
}
const sameList = (a: readonly string[], b: readonly string[]) => JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());

// ---------------------------------------------------------------- the tree

const secret = randomBytes(32).toString('hex');
const memory = new MemoryNetwork();
const transports: Transport[] = [];
const nodes: CellNode[] = [];
const started = Date.now();

async function main(): Promise<string[]> {
  const euHttp = createHttpTransport();
  const euOneHttp = createHttpTransport();
  transports.push(euHttp, euOneHttp);

  // eu-1 first: its HTTP port (0, so the OS picks one) is known once it listens.
  const euOne = await startCellNode({
    name: 'eu-1',
    services: services('eu-1'),
    transports: [euOneHttp],
    listen: [{ url: 'http://127.0.0.1:0', secrets: { eu: secret } }],
  });
  nodes.push(euOne);
  const euOneUrls = euOne.listeners[0]?.urls ?? [];
  check(euOneUrls.length === 1 && /^http:\/\/127\.0\.0\.1:\d+$/.test(euOneUrls[0] ?? ''), 'eu-1 listens on a real HTTP port', euOneUrls);

  // eu: reached from api in memory, reaches eu-1 over HTTP with the link secret, and
  // listens on HTTP too (port 0) for what eu-1 sends up.
  const eu = await startCellNode({
    name: 'eu',
    services: services('eu'),
    transports: [memory.transport(), euHttp],
    listen: [{ url: 'memory://eu' }, { url: 'http://127.0.0.1:0', secrets: { 'eu-1': secret } }],
    parents: [{ name: 'api', urls: ['memory://api'] }],
    children: [{ name: 'eu-1', urls: euOneUrls, secret }],
  });
  nodes.push(eu);
  const euHttpUrls = eu.listeners[1]?.urls ?? [];
  // eu's port exists only now, so eu-1's link to its parent is added here (links are lazy).
  euOne.runner.addNeighbour('parent', 'eu', euOneHttp.connect({ name: 'eu', urls: euHttpUrls, secret }, { cell: 'eu-1' }));

  const api = await startCellNode({
    name: 'api',
    services: services('api'),
    transports: [memory.transport()],
    listen: [{ url: 'memory://api' }],
    children: [{ name: 'eu', urls: ['memory://eu'] }],
  });
  nodes.push(api);

  const nova = createClient(novaCells, api.runner);
  const ops = createClient(cellOps, api.runner);
  const lines: string[] = [];

  // The HTTP link is really signed: an unsigned message to eu-1 is refused before it runs.
  const unsigned = await fetch(`${euOneUrls[0]}${MESSAGE_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  await unsigned.arrayBuffer();
  check(unsigned.status === 401, 'an unsigned POST to eu-1 gets 401', unsigned.status);

  // Nova, targeted: three hops down, the last one over HTTP.
  const uptime = await nova.getHostUptime(makeContext(), { cell_name: PATH['eu-1'], host_name: 'eu-1-h1' }, CALL);
  check(uptime.cellName === PATH['eu-1'] && !uptime.failure, 'get_host_uptime answered by api!eu!eu-1', uptime.cellName);
  check(uptime.valueOrRaise() === `eu-1-h1 up 3 days (${PATH['eu-1']})`, 'get_host_uptime value', uptime.value);
  lines.push(`nova get_host_uptime -> ${uptime.cellName}: ${uptime.valueOrRaise()}`);

  // Nova, broadcast: one Response per cell, each with that cell's compute service.
  const perCell = await nova.serviceGetAll(makeContext(), {}, CALL);
  check(perCell.length === 3, 'service_get_all: 3 responses', perCell.length);
  check(perCell.every((r) => !r.failure), 'service_get_all: no failures', perCell.filter((r) => r.failure).map((r) => r.error?.message));
  check(sameList(perCell.map((r) => r.cellName), Object.values(PATH)), 'service_get_all: one response per cell', perCell.map((r) => r.cellName));
  for (const r of perCell) {
    const cell = r.cellName.split('!').at(-1) as Cell;
    check(JSON.stringify(r.valueOrRaise().map((s) => s.host)) === JSON.stringify([`${cell}-h1`]), `service_get_all: services of ${r.cellName}`, r.value);
  }
  lines.push(`nova service_get_all -> ${perCell.map((r) => `${r.cellName}: ${r.valueOrRaise().map((s) => `${s.binary}@${s.host}`).join(', ')}`).join('; ')}`);

  // Our own, targeted: the generated client method, typed `Promise<Response<string>>`.
  const before = Date.now();
  const time = await ops.getCellTime(makeContext(), { cell_name: PATH['eu-1'] }, CALL);
  const text: string = time.valueOrRaise();
  const [path, iso] = text.split(' ');
  const at = Date.parse(iso ?? '');
  check(time.cellName === PATH['eu-1'] && path === PATH['eu-1'], 'get_cell_time answered by api!eu!eu-1', text);
  check(at >= before - 1_000 && at <= Date.now() + 1_000, 'get_cell_time is a current ISO time', iso);
  lines.push(`own   get_cell_time -> ${time.cellName}: ${iso}`);

  // Our own, broadcast: `Response<CellLoad>[]`, one per cell.
  const loads = await ops.allCellLoads(makeContext(), {}, CALL);
  check(loads.length === 3 && loads.every((r) => !r.failure), 'all_cell_loads: 3 successful responses', loads.map((r) => [r.cellName, r.failure]));
  check(sameList(loads.map((r) => r.cellName), Object.values(PATH)), 'all_cell_loads: one response per cell', loads.map((r) => r.cellName));
  for (const r of loads) {
    const cell = r.cellName.split('!').at(-1) as Cell;
    check(JSON.stringify(r.valueOrRaise()) === JSON.stringify(LOADS[cell]), `all_cell_loads: value of ${r.cellName}`, r.value);
  }
  const total = loads.reduce((n, r) => n + r.valueOrRaise().instances, 0);
  check(total === 44, 'all_cell_loads: 44 instances in all', total);
  lines.push(`own   all_cell_loads -> ${loads.map((r) => `${r.cellName} ${r.valueOrRaise().instances} vms / ${Math.round(r.valueOrRaise().load * 100)}%`).join('; ')}`);

  // A bad argument never reaches a handler: the generated validator refuses it at the origin.
  const bad = await ops.getCellTime(makeContext(), { cell_name: 42 } as unknown as { cell_name: string }, CALL).then(
    () => undefined,
    (e: unknown) => (e as { code?: string }).code,
  );
  check(bad === 'invalid_argument', 'get_cell_time with a number for cell_name is invalid_argument', bad);
  return lines;
}

let failed = false;
try {
  const lines = await main();
  console.log('downstream tree: api --memory--> eu --http (signed)--> eu-1');
  for (const l of lines) console.log(`  ${l}`);
} catch (e) {
  failed = true;
  console.error(`downstream example FAILED: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
} finally {
  await Promise.allSettled(nodes.map((n) => n.close()));
  await Promise.allSettled(transports.map((t) => t.close()));
}
console.log(`downstream example: ${checks} checks ${failed ? 'passed before a failure' : 'passed'} in ${Date.now() - started} ms`);
process.exitCode = failed ? 1 : 0;
