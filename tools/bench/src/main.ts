/**
 * `npm run bench`: cellwire against the raw floor of each transport and against Moleculer,
 * on one workload (workload.ts), in one run of this process.
 *
 * Each comparison is a group of variants measured in turn, round after round (at least 3),
 * so that the load of this shared machine falls on all of them alike; ratios are taken
 * round by round and their median reported. Remote variants run their far side in cells
 * processes (cells-proc.ts). At the end: one table on stdout, and BENCHMARKS.md.
 *
 * Environment: BENCH_ROUNDS (default 5, at least 3), BENCH_MS (measured time per variant and
 * round, default 1000), BENCH_ONLY (comma list of groups: memory,http,amqp,cast,broadcast,big,codegen,wan,profile),
 * BENCH_WAN_RUNS (runs per WAN measurement, default 10),
 * BENCH_CODEGEN_SIZES (comma list of synthetic service sizes, default 250,500,1000),
 * CELLWIRE_AMQP_URL, BENCH_NO_WRITE=1 (print only). `--render` prints the table and rewrites
 * BENCHMARKS.md from the last run's results (kept in the temp dir) without measuring again.
 */
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageRunner, silentLogger, type Link, type Transport } from '@cellwire/core';
import { createAmqpTransport } from '@cellwire/transport-amqp';
import { createHttpTransport } from '@cellwire/transport-http';
import type { NovaCellsClient } from '@cellwire/schema';
import { cellwireObjects, deleteAmqpObjects, moleculerExchanges } from './amqp-cleanup.js';
import { cellsOf, memoryTree, REFERENCE_TREE, type BigTreeResult } from './broadcast.js';
import { codegenTimings, type CodegenResult } from './codegen.js';
import { wanRow, type WanResult } from './wan.js';
import { PROFILED, profileOne, type ProfileResult } from './profiles.js';
import { envelopeCopyFloor, memoryCastFloor, memoryFloor, rawAmqpClient, rawHttpClient, type Call } from './floors.js';
import { moleculerAmqpCaller, moleculerFake } from './peer-moleculer.js';
import { killAll, startCellsProc, type CellsProc } from './procs.js';
import { renderMarkdown, renderTable, type GroupResult, type Report, type VariantResult } from './report.js';
import { brokerPid, measure, procCpuUs, type Sample } from './stats.js';
import { benchServices, callArgs, CONTEXT, novaClient, REQUEST_BYTES, RESULT_BYTES, type CallArgs } from './workload.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');
process.env.TSX_TSCONFIG_PATH ??= path.join(here, '../tsconfig.json');

const ROUNDS = Math.max(3, Number(process.env.BENCH_ROUNDS ?? 5));
const MEASURE_MS = Number(process.env.BENCH_MS ?? 1000);
const WARM_MS = 250;
const WAN_RUNS = Math.max(1, Number(process.env.BENCH_WAN_RUNS ?? 10));
const CODEGEN_SIZES = (process.env.BENCH_CODEGEN_SIZES ?? '250,500,1000').split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0);
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',')) : undefined;
const AMQP_URL = process.env.CELLWIRE_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672/%2F';
const wanted = (g: string) => !ONLY || ONLY.has(g);
const log = (s: string) => process.stderr.write(`${s}\n`);

const ONE_HOP = 'api-cell!child-cell1';
const TWO_HOPS = 'api-cell!child-cell2!grandchild-cell1';

export interface Variant {
  readonly id: string;
  readonly label: string;
  readonly kind: 'cellwire' | 'floor' | 'peer' | 'bound';
  readonly transport: 'memory' | 'http' | 'amqp';
  readonly op: 'call' | 'cast' | 'broadcast';
  readonly hops: number;
  readonly inflight: number;
  readonly call: Call;
  /** Ids of the variants this one is compared to. */
  readonly floor?: string;
  readonly peer?: string;
}

/** Placement of the reference tree: api-cell here, children in proc 1, grandchildren in proc 2. */
function placeOf(cell: string): 'main' | 'p1' | 'p2' {
  if (cell === 'api-cell') return 'main';
  return cell.startsWith('child') ? 'p1' : 'p2';
}

function parentsOf(layout: Record<string, readonly string[]>): Map<string, string> {
  const m = new Map<string, string>();
  for (const [p, kids] of Object.entries(layout)) for (const k of kids) m.set(k, p);
  return m;
}

/** The reference tree on http or amqp across this process and two cells processes. */
async function remoteTree(kind: 'http' | 'amqp', procs: { p1: CellsProc; p2: CellsProc }, prefix: string) {
  const layout = REFERENCE_TREE as Record<string, readonly string[]>;
  const cells = cellsOf(layout);
  const parent = parentsOf(layout);
  const neighbours = (c: string) => [...(parent.has(c) ? [parent.get(c)!] : []), ...(layout[c] ?? [])];
  const secrets = new Map<string, string>();
  const secret = (a: string, b: string) => {
    const key = [a, b].sort().join('|');
    if (!secrets.has(key)) secrets.set(key, randomBytes(16).toString('hex'));
    return secrets.get(key)!;
  };
  const spec = (c: string) => (kind === 'http' ? { name: c, secrets: Object.fromEntries(neighbours(c).map((n) => [n, secret(c, n)])) } : { name: c });
  // This process: api-cell.
  const transport: Transport = kind === 'http' ? createHttpTransport() : createAmqpTransport({ prefix, log: () => undefined });
  const runner = new MessageRunner({ name: 'api-cell', services: benchServices('api-cell'), logger: silentLogger });
  const listener = await transport.listen(
    { cell: 'api-cell', url: kind === 'http' ? 'http://127.0.0.1:0' : AMQP_URL, ...(kind === 'http' ? { secrets: spec('api-cell').secrets } : {}) },
    runner.receive,
  );
  const urls: Record<string, string> = { 'api-cell': listener.urls[0] ?? AMQP_URL };
  for (const p of ['p1', 'p2'] as const) {
    const mine = cells.filter((c) => placeOf(c) === p);
    const r = await procs[p].request<{ urls: Record<string, string> }>('cw-start', { transport: kind, cells: mine.map(spec), prefix, amqpUrl: AMQP_URL });
    Object.assign(urls, r.urls);
  }
  const links: Link[] = [];
  for (const p of ['p1', 'p2'] as const) {
    const specs = cells
      .filter((c) => placeOf(c) === p)
      .flatMap((c) =>
        neighbours(c).map((n) => ({ cell: c, side: n === parent.get(c) ? 'parent' : 'child', name: n, url: kind === 'http' ? urls[n] : AMQP_URL, ...(kind === 'http' ? { secret: secret(c, n) } : {}) })),
      );
    await procs[p].request('cw-link', { transport: kind, links: specs });
  }
  for (const n of layout['api-cell'] ?? []) {
    const link = transport.connect({ name: n, urls: [kind === 'http' ? urls[n]! : AMQP_URL], ...(kind === 'http' ? { secret: secret('api-cell', n) } : {}) }, { cell: 'api-cell' });
    links.push(link);
    runner.addNeighbour('child', n, link);
  }
  return {
    runner,
    cells,
    close: async () => {
      await listener.close();
      runner.close();
      await Promise.allSettled(links.map((l) => l.close()));
      await transport.close();
    },
  };
}

interface Group {
  readonly id: string;
  readonly title: string;
  readonly variants: Variant[];
  /** Cells processes whose CPU time is counted with the variant's. */
  readonly procs: CellsProc[];
}

async function runGroup(g: Group): Promise<GroupResult> {
  log(`== ${g.title}: ${g.variants.length} variants x ${ROUNDS} rounds`);
  const samples = new Map<string, (Sample & { cpuMain: number; cpuCells: number; cpuBroker: number })[]>(g.variants.map((v) => [v.id, []]));
  const broker = brokerPid();
  for (let round = 0; round < ROUNDS; round++) {
    for (const v of g.variants) {
      await measure(v.call, v.inflight, round === 0 ? 2 * WARM_MS : WARM_MS);
      const cells0 = await Promise.all(g.procs.map((p) => p.cpu()));
      const broker0 = procCpuUs(broker);
      const main0 = process.cpuUsage();
      const s = await measure(v.call, v.inflight, MEASURE_MS);
      const main = process.cpuUsage(main0);
      const broker1 = procCpuUs(broker);
      const cells1 = await Promise.all(g.procs.map((p) => p.cpu()));
      const cpuCells = cells1.reduce((a, b, i) => a + b - (cells0[i] ?? 0), 0);
      samples.get(v.id)!.push({ ...s, cpuMain: (main.user + main.system) / s.count, cpuCells: cpuCells / s.count, cpuBroker: (broker1 - broker0) / s.count });
      log(`  r${round + 1} ${v.label.padEnd(44)} @${String(v.inflight).padEnd(3)} ${Math.round(s.rate).toString().padStart(7)}/s  p50 ${s.p50.toFixed(3)}  p99 ${s.p99.toFixed(3)} ms`);
    }
  }
  const variants: VariantResult[] = g.variants.map((v) => ({ ...v, samples: samples.get(v.id)! }));
  return { id: g.id, title: g.title, variants };
}

/** One big memory tree in a process of its own (its peak RSS is the tree's): 931 cells, or 9,331 (`deep`). */
function runBigTree(deep = false): Promise<BigTreeResult> {
  return new Promise((resolve, reject) => {
    const args = ['--import', 'tsx', path.join(here, 'broadcast.ts'), '--big', deep ? '5' : '7', ...(deep ? ['--deep'] : [])];
    const p = spawn(process.execPath, args, { env: process.env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!)) : reject(new Error(`big tree exited ${code}`))));
  });
}

async function main(): Promise<void> {
  const started = performance.now();
  const closers: (() => Promise<void>)[] = [];
  const groups: GroupResult[] = [];
  let big: BigTreeResult | undefined;
  let deep: BigTreeResult | undefined;
  const profiles: ProfileResult[] = [];
  let codegen: CodegenResult[] = [];
  const wan: WanResult[] = [];
  const runId = randomBytes(3).toString('hex');
  const prefix = `cwbench-${runId}`;
  const molNamespace = `molbench-${runId}`;
  const rawQueues = { h1: `rawbench-${runId}.h1`, h2: `rawbench-${runId}.h2`, fwd: `rawbench-${runId}.fwd` };
  const needProcs = ['http', 'amqp', 'cast', 'broadcast'].some(wanted);
  const needAmqp = ['amqp', 'cast', 'broadcast'].some(wanted);
  let procs: { p1: CellsProc; p2: CellsProc } | undefined;
  log(`cellwire bench: request ${REQUEST_BYTES} B of JSON, answer ${RESULT_BYTES} B; ${ROUNDS} rounds of ${MEASURE_MS} ms per variant`);
  if (needAmqp) {
    // Runs last (closers run in reverse), also after an error: nothing of this run stays on the broker.
    closers.push(async () => {
      const cw = cellwireObjects(prefix, cellsOf(REFERENCE_TREE));
      await deleteAmqpObjects(AMQP_URL, { queues: [...cw.queues, ...Object.values(rawQueues)], exchanges: [...cw.exchanges, ...moleculerExchanges(molNamespace)] }).catch(
        (e: unknown) => log(`amqp cleanup: ${(e as Error).message}`),
      );
    });
  }
  try {
    // --- memory: cellwire, the JSON floor, the envelope bound, Moleculer's fake transporter
    const mem = await memoryTree(REFERENCE_TREE);
    closers.push(mem.close);
    const memClient = novaClient(mem.runners.get('api-cell')!);
    const args1 = callArgs(ONE_HOP);
    const args2 = callArgs(TWO_HOPS);
    const cast1 = callArgs(ONE_HOP, false);
    // A failure Response (a cell that could not be reached answers with one) counts as an error.
    const cwCall = (client: NovaCellsClient, args: CallArgs<true>) => async () => (await client.runComputeApiMethod(CONTEXT, args)).valueOrRaise();
    const cwCast = (client: NovaCellsClient) => () => client.runComputeApiMethod(CONTEXT, cast1);
    const cwBroadcast = (client: NovaCellsClient) => async () => {
      const list = await client.serviceGetAll(CONTEXT, {});
      if (list.length !== 8 || list.some((r) => r.failure)) throw new Error(`broadcast: ${list.length} responses, ${list.filter((r) => r.failure).length} failed`);
    };

    if (wanted('memory')) {
      // The envelopes the memory transport really carries for one call (as values: it copies
      // them, Link.sendValue), for the bound.
      const link = mem.runners.get('api-cell')!.state.children.get('child-cell1')!.link as Link & { sendValue: NonNullable<Link['sendValue']> };
      const sendValue = link.sendValue;
      let seen: [unknown, unknown] | undefined;
      link.sendValue = async (e, o) => {
        const r = await sendValue.call(link, e, o);
        seen ??= [JSON.parse(JSON.stringify(e)), typeof r === 'string' ? JSON.parse(r) : r];
        return r;
      };
      await cwCall(memClient, args1)();
      link.sendValue = sendValue;
      const [reqEnv, resEnv] = seen!;
      log(`memory envelopes: request ${Buffer.byteLength(JSON.stringify(reqEnv))} B, response ${Buffer.byteLength(JSON.stringify(resEnv))} B of JSON`);
      const mol = await moleculerFake();
      closers.push(mol.close);
      const variants: Variant[] = [];
      for (const inflight of [1, 64]) {
        const sfx = `m1-${inflight}`;
        variants.push(
          { id: `cw-${sfx}`, label: 'cellwire memory, 1 hop', kind: 'cellwire', transport: 'memory', op: 'call', hops: 1, inflight, call: cwCall(memClient, args1), floor: `floor-${sfx}`, peer: `mol-${sfx}` },
          { id: `floor-${sfx}`, label: 'floor: JSON both ways + await', kind: 'floor', transport: 'memory', op: 'call', hops: 1, inflight, call: memoryFloor(args1, 1) },
          { id: `bound-${sfx}`, label: "bound: cellwire's envelopes, copied both ways", kind: 'bound', transport: 'memory', op: 'call', hops: 1, inflight, call: envelopeCopyFloor(reqEnv, resEnv), floor: `floor-${sfx}` },
          { id: `mol-${sfx}`, label: 'Moleculer, fake transporter', kind: 'peer', transport: 'memory', op: 'call', hops: 1, inflight, call: () => mol.call(args1), floor: `floor-${sfx}` },
        );
      }
      for (const inflight of [1, 64]) {
        const sfx = `m2-${inflight}`;
        variants.push(
          { id: `cw-${sfx}`, label: 'cellwire memory, 2 hops', kind: 'cellwire', transport: 'memory', op: 'call', hops: 2, inflight, call: cwCall(memClient, args2), floor: `floor-${sfx}` },
          { id: `floor-${sfx}`, label: 'floor: JSON through a middle', kind: 'floor', transport: 'memory', op: 'call', hops: 2, inflight, call: memoryFloor(args2, 2) },
        );
      }
      groups.push(await runGroup({ id: 'memory', title: 'Targeted call, memory', variants, procs: [] }));
    }

    if (needProcs) {
      const [p1, p2] = await Promise.all([startCellsProc('cells-1'), startCellsProc('cells-2')]);
      procs = { p1, p2 };
      closers.push(async () => {
        await Promise.all([p1.close(), p2.close()]);
      });
    }

    // --- http: cellwire across processes, raw node:http + undici
    let httpTree: Awaited<ReturnType<typeof remoteTree>> | undefined;
    let rawHttp: { one: ReturnType<typeof rawHttpClient>; two: ReturnType<typeof rawHttpClient>; cast: ReturnType<typeof rawHttpClient> } | undefined;
    if (procs && (wanted('http') || wanted('cast') || wanted('broadcast'))) {
      httpTree = await remoteTree('http', procs, prefix);
      closers.push(httpTree.close);
      const leaf = await procs.p2.request<{ url: string }>('raw-http-server');
      const near = await procs.p1.request<{ url: string }>('raw-http-server');
      const fwd = await procs.p1.request<{ url: string }>('raw-http-forward', { next: leaf.url });
      rawHttp = { one: rawHttpClient(near.url, args1), two: rawHttpClient(fwd.url, args2), cast: rawHttpClient(near.url, cast1, true) };
      const r = rawHttp;
      closers.push(async () => {
        await Promise.all([r.one.close(), r.two.close(), r.cast.close()]);
      });
    }
    if (procs && httpTree && rawHttp && wanted('http')) {
      const client = novaClient(httpTree.runner);
      const variants: Variant[] = [];
      for (const hops of [1, 2]) {
        for (const inflight of [1, 64]) {
          const sfx = `h${hops}-${inflight}`;
          variants.push(
            { id: `cw-${sfx}`, label: `cellwire http, ${hops} hop${hops > 1 ? 's' : ''}`, kind: 'cellwire', transport: 'http', op: 'call', hops, inflight, call: cwCall(client, hops === 1 ? args1 : args2), floor: `floor-${sfx}` },
            { id: `floor-${sfx}`, label: hops === 1 ? 'floor: node:http + undici Pool' : 'floor: node:http + undici via a middle process', kind: 'floor', transport: 'http', op: 'call', hops, inflight, call: hops === 1 ? rawHttp.one.call : rawHttp.two.call },
          );
        }
      }
      groups.push(await runGroup({ id: 'http', title: 'Targeted call, http (cells in separate processes)', variants, procs: [procs.p1, procs.p2] }));
    }

    // --- amqp: cellwire across processes, raw amqplib with direct reply-to, Moleculer AMQP
    let amqpTree: Awaited<ReturnType<typeof remoteTree>> | undefined;
    let rawAmqp: Awaited<ReturnType<typeof rawAmqpClient>>[] | undefined;
    if (procs && needAmqp) {
      amqpTree = await remoteTree('amqp', procs, prefix);
      closers.push(amqpTree.close);
      await procs.p2.request('raw-amqp-server', { url: AMQP_URL, queue: rawQueues.h2 });
      await procs.p1.request('raw-amqp-server', { url: AMQP_URL, queue: rawQueues.h1 });
      await procs.p1.request('raw-amqp-forward', { url: AMQP_URL, queue: rawQueues.fwd, next: rawQueues.h2 });
      rawAmqp = [await rawAmqpClient(AMQP_URL, rawQueues.h1, args1), await rawAmqpClient(AMQP_URL, rawQueues.fwd, args2), await rawAmqpClient(AMQP_URL, rawQueues.h1, cast1)];
      const r = rawAmqp;
      closers.push(async () => {
        await Promise.all(r.map((c) => c.close()));
      });
    }
    if (procs && amqpTree && rawAmqp && wanted('amqp')) {
      const client = novaClient(amqpTree.runner);
      await procs.p1.request('mol-amqp', { url: AMQP_URL, namespace: molNamespace });
      const mol = await moleculerAmqpCaller(AMQP_URL, molNamespace);
      closers.push(mol.close);
      const variants: Variant[] = [];
      for (const inflight of [1, 64]) {
        const sfx = `a1-${inflight}`;
        variants.push(
          { id: `cw-${sfx}`, label: 'cellwire amqp, 1 hop', kind: 'cellwire', transport: 'amqp', op: 'call', hops: 1, inflight, call: cwCall(client, args1), floor: `floor-${sfx}`, peer: `mol-${sfx}` },
          { id: `floor-${sfx}`, label: 'floor: amqplib, direct reply-to', kind: 'floor', transport: 'amqp', op: 'call', hops: 1, inflight, call: rawAmqp[0]!.call },
          { id: `mol-${sfx}`, label: 'Moleculer, AMQP transporter', kind: 'peer', transport: 'amqp', op: 'call', hops: 1, inflight, call: () => mol.call(args1), floor: `floor-${sfx}` },
        );
      }
      for (const inflight of [1, 64]) {
        const sfx = `a2-${inflight}`;
        variants.push(
          { id: `cw-${sfx}`, label: 'cellwire amqp, 2 hops', kind: 'cellwire', transport: 'amqp', op: 'call', hops: 2, inflight, call: cwCall(client, args2), floor: `floor-${sfx}` },
          { id: `floor-${sfx}`, label: 'floor: amqplib via a middle process', kind: 'floor', transport: 'amqp', op: 'call', hops: 2, inflight, call: rawAmqp[1]!.call },
        );
      }
      groups.push(await runGroup({ id: 'amqp', title: 'Targeted call, amqp (cells in separate processes)', variants, procs: [procs.p1, procs.p2] }));
    }

    // --- casts: fire and forget, 64 in flight, 1 hop
    if (wanted('cast')) {
      const variants: Variant[] = [
        { id: 'cw-cm', label: 'cellwire memory cast', kind: 'cellwire', transport: 'memory', op: 'cast', hops: 1, inflight: 64, call: cwCast(memClient), floor: 'floor-cm' },
        { id: 'floor-cm', label: 'floor: JSON one way + await', kind: 'floor', transport: 'memory', op: 'cast', hops: 1, inflight: 64, call: memoryCastFloor(cast1) },
      ];
      if (httpTree && rawHttp) {
        variants.push(
          { id: 'cw-ch', label: 'cellwire http cast (202 once handled)', kind: 'cellwire', transport: 'http', op: 'cast', hops: 1, inflight: 64, call: cwCast(novaClient(httpTree.runner)), floor: 'floor-ch' },
          { id: 'floor-ch', label: 'floor: node:http + undici, 202', kind: 'floor', transport: 'http', op: 'cast', hops: 1, inflight: 64, call: rawHttp.cast.call },
        );
      }
      if (amqpTree && rawAmqp) {
        variants.push(
          { id: 'cw-ca', label: 'cellwire amqp cast (persistent, confirmed)', kind: 'cellwire', transport: 'amqp', op: 'cast', hops: 1, inflight: 64, call: cwCast(novaClient(amqpTree.runner)), floor: 'floor-ca' },
          { id: 'floor-ca', label: 'floor: amqplib confirm channel, persistent', kind: 'floor', transport: 'amqp', op: 'cast', hops: 1, inflight: 64, call: rawAmqp[2]!.cast },
        );
      }
      groups.push(await runGroup({ id: 'cast', title: 'Casts (fire and forget, 1 hop)', variants, procs: procs ? [procs.p1, procs.p2] : [] }));
    }

    // --- broadcast over the 8-cell reference tree
    if (wanted('broadcast')) {
      const variants: Variant[] = [];
      const trees: [Variant['transport'], NovaCellsClient | undefined][] = [
        ['memory', memClient],
        ['http', httpTree && novaClient(httpTree.runner)],
        ['amqp', amqpTree && novaClient(amqpTree.runner)],
      ];
      for (const inflight of [1, 16]) {
        for (const [t, client] of trees) {
          if (client) variants.push({ id: `cw-b-${t}-${inflight}`, label: `cellwire ${t} service_get_all, 8 cells`, kind: 'cellwire', transport: t, op: 'broadcast', hops: 2, inflight, call: cwBroadcast(client) });
        }
      }
      groups.push(await runGroup({ id: 'broadcast', title: 'Broadcast with aggregation, 8-cell reference tree', variants, procs: procs ? [procs.p1, procs.p2] : [] }));
    }

    // Everything remote is done: close it before the timings that want the machine to themselves.
    for (const close of closers.splice(0).reverse()) await close().catch((e: unknown) => log(`close: ${(e as Error).message}`));

    if (wanted('big')) {
      log('== 1 + 30 + 900 cell broadcast, memory (own process)');
      big = await runBigTree();
      log(`  ${big.responses} responses, median ${big.medianMs.toFixed(1)} ms, peak RSS ${big.peakRssMb.toFixed(0)} MB`);
      log('== 1 + 30 + 900 + 8,400 cell broadcast, memory (own process)');
      deep = await runBigTree(true);
      log(`  ${deep.responses} responses, median ${deep.medianMs.toFixed(1)} ms, peak RSS ${deep.peakRssMb.toFixed(0)} MB`);
    }
    if (wanted('profile')) {
      log('== CPU profiles (each variant in a process of its own)');
      for (const p of PROFILED) {
        for (const which of ['cw', p.against] as const) {
          const r = await profileOne(p.kind, which, p.inFlight);
          profiles.push(r);
          log(`  ${p.kind} ${which} ${p.inFlight} in flight: ${Math.round(r.rate)} calls/s, CPU ${r.cpuMainUs.toFixed(1)}${r.cpuCellsUs === undefined ? '' : ` + ${r.cpuCellsUs.toFixed(1)}`} us/call`);
        }
      }
    }
    if (wanted('codegen')) {
      log('== code generation');
      codegen = await codegenTimings(CODEGEN_SIZES, log);
    }
    if (wanted('wan')) {
      log(`== broadcast over far links (memory, delayed), ${WAN_RUNS} runs each`);
      for (const oneWayMs of [50, 150]) wan.push(await wanRow(oneWayMs, WAN_RUNS, log));
    }
  } finally {
    for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
    killAll();
  }

  const totalS = (performance.now() - started) / 1000;
  const machine = {
    nproc: os.availableParallelism?.() ?? os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    node: process.version,
    load: os.loadavg().map((x) => x.toFixed(2)).join(' '),
    memGb: Math.round(os.totalmem() / 2 ** 30),
  };
  const report = { groups, big, deep, profiles, codegen, wan, machine, totalS, rounds: ROUNDS, measureMs: MEASURE_MS, requestBytes: REQUEST_BYTES, resultBytes: RESULT_BYTES };
  // The raw results, so that `--render` can redo the table and BENCHMARKS.md without measuring again.
  fs.writeFileSync(LAST_RUN, JSON.stringify(report, (k, v) => (k === 'call' ? undefined : v)));
  process.stdout.write(`${renderTable(report)}\n`);
  if (!process.env.BENCH_NO_WRITE && !ONLY) {
    fs.writeFileSync(path.join(repoRoot, 'BENCHMARKS.md'), renderMarkdown(report));
    log('wrote BENCHMARKS.md');
  }
  log(`bench done in ${totalS.toFixed(0)} s`);
}

const LAST_RUN = path.join(os.tmpdir(), 'cellwire-bench-last.json');

if (process.argv.includes('--render')) {
  const report = JSON.parse(fs.readFileSync(LAST_RUN, 'utf8')) as Report;
  process.stdout.write(`${renderTable(report)}\n`);
  if (!process.env.BENCH_NO_WRITE) fs.writeFileSync(path.join(repoRoot, 'BENCHMARKS.md'), renderMarkdown(report));
  process.exit(0);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    killAll();
    console.error(e);
    process.exit(1);
  },
);
