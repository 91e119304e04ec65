/**
 * The WAN row (`BENCH_ONLY=wan`): a broadcast two levels deep over links far apart.
 *
 * The 8-cell reference tree on the memory transport, every link delayed `oneWayMs` each way
 * (50 and 150 ms), so one round trip from the top to a child takes 2 x oneWayMs and the
 * full answer, which comes back from the grandchildren, needs two round trips. After the
 * links have measured their round trips (a few broadcasts), it measures:
 *
 * - the time to the full answer (8 Responses, none failed), against the two round trips
 *   the delays cost: what is left is cellwire's overhead;
 * - the answers kept at a deadline of 1.5 round trips: api-cell and its four children can
 *   answer in time, the grandchildren cannot (their answers need two round trips). With the
 *   links' estimates the middle cells stop waiting for the grandchildren in time for their
 *   own lists to get home; with the fixed margin of old (links that report no latency),
 *   their lists arrive too late and only the leaves among the children are kept.
 */
import { MessageRunner, silentLogger, type Link } from '@cellwire/core';
import { MemoryNetwork } from '@cellwire/transport-memory';
import { cellsOf, REFERENCE_TREE } from './broadcast.js';
import { median } from './stats.js';
import { benchServices, CONTEXT, novaClient } from './workload.js';

export interface WanResult {
  readonly oneWayMs: number;
  /** Cells in the tree, and those that can answer within 1.5 round trips. */
  readonly cells: number;
  readonly reachable: number;
  /** Time to the full answer, per run, ms. */
  readonly fullMs: readonly number[];
  /** Two round trips from the top: what the delays alone cost the full answer. */
  readonly physicalMs: number;
  /** Answers kept (not failed) at a deadline of 1.5 round trips, per run. */
  readonly kept: readonly number[];
  /** The same with links that report no latency: every hop keeps the fixed margin. */
  readonly keptFixedMargin: readonly number[];
}

const WARM_CALLS = 16;

/** A link as it was before links measured anything: `latency` hidden, so a hop keeps its fixed margin. */
function blind(link: Link): Link {
  return { cell: link.cell, send: (d, o) => link.send(d, o), close: () => link.close() };
}

async function wanTree(oneWayMs: number, measured: boolean) {
  const layout = REFERENCE_TREE;
  const net = new MemoryNetwork({ delayMs: oneWayMs });
  const transport = net.transport();
  const runners = new Map<string, MessageRunner>();
  for (const cell of cellsOf(layout)) {
    const r = new MessageRunner({ name: cell, services: benchServices(cell), logger: silentLogger });
    runners.set(cell, r);
    await transport.listen({ cell, url: `memory://${cell}` }, r.receive);
  }
  const wrap = (l: Link) => (measured ? l : blind(l));
  for (const [parent, kids] of Object.entries(layout)) {
    for (const kid of kids) {
      runners.get(parent)!.addNeighbour('child', kid, wrap(transport.connect({ name: kid, urls: [`memory://${kid}`] }, { cell: parent })));
      runners.get(kid)!.addNeighbour('parent', parent, wrap(transport.connect({ name: parent, urls: [`memory://${parent}`] }, { cell: kid })));
    }
  }
  const client = novaClient(runners.get('api-cell')!);
  const broadcast = (deadline: number) => client.serviceGetAll(CONTEXT, {}, { deadline });
  return {
    cells: runners.size,
    broadcast,
    warm: async () => {
      const lists = await Promise.all(Array.from({ length: WARM_CALLS }, () => broadcast(Date.now() + 20 * oneWayMs + 5_000)));
      for (const l of lists) if (l.length !== runners.size || l.some((r) => r.failure)) throw new Error(`wan ${oneWayMs} ms: a warm-up broadcast lost answers`);
    },
    close: async () => {
      for (const r of runners.values()) r.close();
      await transport.close();
    },
  };
}

/** One WAN row: `runs` full answers and `runs` broadcasts at 1.5 round trips, each way of keeping margins. */
export async function wanRow(oneWayMs: number, runs: number, log: (s: string) => void): Promise<WanResult> {
  const rt = 2 * oneWayMs;
  const tree = await wanTree(oneWayMs, true);
  const fullMs: number[] = [];
  const kept: number[] = [];
  const keptFixedMargin: number[] = [];
  try {
    await tree.warm();
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const list = await tree.broadcast(Date.now() + 10 * rt + 5_000);
      const ms = performance.now() - t0;
      if (list.length !== tree.cells || list.some((r) => r.failure)) throw new Error(`wan ${oneWayMs} ms: the full answer lost cells`);
      fullMs.push(ms);
    }
    for (let i = 0; i < runs; i++) {
      const list = await tree.broadcast(Date.now() + 1.5 * rt);
      kept.push(list.filter((r) => !r.failure).length);
    }
  } finally {
    await tree.close();
  }
  const fixed = await wanTree(oneWayMs, false);
  try {
    await fixed.warm();
    for (let i = 0; i < runs; i++) {
      const list = await fixed.broadcast(Date.now() + 1.5 * rt);
      keptFixedMargin.push(list.filter((r) => !r.failure).length);
    }
  } finally {
    await fixed.close();
  }
  const result: WanResult = {
    oneWayMs,
    cells: tree.cells,
    // api-cell and its four children: one round trip; the grandchildren need two.
    reachable: 1 + (REFERENCE_TREE['api-cell']?.length ?? 0),
    fullMs,
    physicalMs: 2 * rt,
    kept,
    keptFixedMargin,
  };
  log(
    `  ${oneWayMs} ms one way: full answer median ${median(fullMs).toFixed(1)} ms against ${2 * rt} ms of round trips ` +
      `(+${(median(fullMs) - 2 * rt).toFixed(1)} ms); kept at ${1.5 * rt} ms: ${median(kept)} of ${tree.cells} ` +
      `(${result.reachable} reachable; fixed margin: ${median(keptFixedMargin)})`,
  );
  return result;
}
