/**
 * Memory trees for the call and broadcast benchmarks, and the 1 + 30 + 900 cell broadcast.
 *
 * `tsx src/broadcast.ts --big` is a child of main.ts: it builds the 931-cell tree on the
 * memory transport in a fresh process, runs `service_get_all` from the top a few times,
 * and prints one JSON line: the time to the full list of 931 Responses, and the process's
 * peak RSS (with its RSS before the tree was built, for scale).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageRunner, silentLogger } from '@cellwire/core';
import { MemoryNetwork } from '@cellwire/transport-memory';
import { median } from './stats.js';
import { benchServices, CONTEXT, novaClient } from './workload.js';

/** parent -> children */
export type Layout = Readonly<Record<string, readonly string[]>>;

/** The 8-cell tree of the reference test plan (test/fixtures/tree.ts). */
export const REFERENCE_TREE: Layout = {
  'api-cell': ['child-cell1', 'child-cell2', 'child-cell3', 'child-cell4'],
  'child-cell2': ['grandchild-cell1'],
  'child-cell3': ['grandchild-cell2', 'grandchild-cell3'],
};

export function cellsOf(layout: Layout): string[] {
  const kids = new Set(Object.values(layout).flat());
  const out: string[] = [];
  const visit = (c: string) => {
    if (out.includes(c)) return;
    out.push(c);
    for (const k of layout[c] ?? []) visit(k);
  };
  for (const root of Object.keys(layout).filter((c) => !kids.has(c))) visit(root);
  return out;
}

/** 1 + fanout + fanout^2 cells. */
export function wideTree(fanout: number): Layout {
  const layout: Record<string, string[]> = { top: [] };
  for (let i = 0; i < fanout; i++) {
    const child = `c${i}`;
    layout.top!.push(child);
    layout[child] = Array.from({ length: fanout }, (_, j) => `c${i}-g${j}`);
  }
  return layout;
}

/**
 * 1 + 30 + 900 + 8,400 cells (9,331): `wideTree(30)` with a fourth level under it, 9 or 10
 * children under each of the 900 (the first 300 get 10), as a large deployment of sites.
 */
export function deepTree(): Layout {
  const layout = { ...wideTree(30) } as Record<string, string[]>;
  const grandchildren = Object.values(layout).slice(1).flat();
  grandchildren.forEach((g, i) => {
    layout[g] = Array.from({ length: i < 300 ? 10 : 9 }, (_, j) => `${g}-s${j}`);
  });
  return layout;
}

/** A tree of runners on one MemoryNetwork, each cell behind its own endpoint. */
export async function memoryTree(layout: Layout): Promise<{ runners: Map<string, MessageRunner>; close(): Promise<void> }> {
  const net = new MemoryNetwork();
  const transport = net.transport();
  const runners = new Map<string, MessageRunner>();
  for (const cell of cellsOf(layout)) {
    const r = new MessageRunner({ name: cell, services: benchServices(cell), logger: silentLogger });
    runners.set(cell, r);
    await transport.listen({ cell, url: `memory://${cell}` }, r.receive);
  }
  for (const [parent, kids] of Object.entries(layout)) {
    for (const kid of kids) {
      runners.get(parent)!.addNeighbour('child', kid, transport.connect({ name: kid, urls: [`memory://${kid}`] }, { cell: parent }));
      runners.get(kid)!.addNeighbour('parent', parent, transport.connect({ name: parent, urls: [`memory://${parent}`] }, { cell: kid }));
    }
  }
  return {
    runners,
    close: async () => {
      for (const r of runners.values()) r.close();
      await transport.close();
    },
  };
}

export interface BigTreeResult {
  readonly cells: number;
  readonly responses: number;
  readonly buildMs: number;
  /** Time to the full list, per run (the first, cold, is left out of the median). */
  readonly runsMs: readonly number[];
  readonly medianMs: number;
  readonly rssBeforeMb: number;
  readonly peakRssMb: number;
}

async function bigTree(runs: number, deep: boolean): Promise<BigTreeResult> {
  const rssBeforeMb = process.memoryUsage().rss / 2 ** 20;
  const t0 = performance.now();
  const layout = deep ? deepTree() : wideTree(30);
  const tree = await memoryTree(layout);
  const buildMs = performance.now() - t0;
  const client = novaClient(tree.runners.get('top')!);
  const runsMs: number[] = [];
  let responses = 0;
  for (let i = 0; i < runs + 1; i++) {
    const s = performance.now();
    const list = await client.serviceGetAll(CONTEXT, {}, { timeoutMs: 30_000 });
    const ms = performance.now() - s;
    responses = list.length;
    const failed = list.filter((r) => r.failure).length;
    if (failed > 0) throw new Error(`${failed} of ${list.length} cells failed`);
    if (i > 0) runsMs.push(ms);
  }
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  await tree.close();
  return { cells: tree.runners.size, responses, buildMs, runsMs, medianMs: median(runsMs), rssBeforeMb, peakRssMb };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url) && process.argv.includes('--big')) {
  const runs = Number(process.argv[process.argv.indexOf('--big') + 1] ?? 5) || 5;
  process.stdout.write(`${JSON.stringify(await bigTree(runs, process.argv.includes('--deep')))}\n`);
}
