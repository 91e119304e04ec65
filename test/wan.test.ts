/**
 * Deadlines that know the distance (issue 17), on the reference tree over the memory
 * transport with a one-way delay on every link, as cells far apart are.
 *
 * Each link measures its round-trip time from the calls it makes; a cell that forwards a
 * call stops waiting for its neighbours when its own answer still has time to get home
 * (the `reply_ms` its sender put in the envelope), so at a deadline between one and two
 * round trips every cell within reach answers and the rest are named as timeouts.
 *
 * Which cells can answer is computed from the delays (`needs`), and the layouts are chosen
 * so that no cell is within TOLERANCE_MS of the deadline either way: the test asserts which
 * answers arrive, never how fast. The estimates the cells hold are read before each call
 * too, and the cells that can answer with them must be exactly the cells that can answer
 * physically.
 *
 * A hop that waits for a far neighbour answers 15 ms (the per-hop margin) before its parent
 * stops waiting, by design. On a machine so busy that this process stalls for longer than
 * that during a call (the event loop's delay is watched), or that blurs the links' estimates
 * enough to move a cell across the line, the call proves nothing and is made again (`calm`);
 * when all ATTEMPTS calls were such, the test is skipped, saying why. A call that fails
 * without a stall fails the test.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { describe, expect, it, type TestContext } from 'vitest';
import { CellTimeout, HOP_ALLOWANCE_MS, REPLY_GUARD_MS, makeContext, oneWayMs, type Envelope, type Response } from '@cellwire/core';
import { createClient } from '@cellwire/client';
import { MemoryNetwork, type MemoryDelivery } from '@cellwire/transport-memory';
import { REFERENCE_PATHS, REFERENCE_TREE, memoryKit, startTree, type Tree } from './fixtures/tree.js';
import { testService, testServices } from './fixtures/test-service.js';

const ctxt = makeContext();
/** What each hop below the origin keeps back besides the way home. */
const HOP_MARGIN_MS = REPLY_GUARD_MS + HOP_ALLOWANCE_MS;
/** No cell may be nearer the deadline than this in a layout, either way. */
const TOLERANCE_MS = 50;
/** With the cells' own estimates in the reckoning, what is left is timer and processing slop. */
const ESTIMATED_TOLERANCE_MS = 30;
/** Calls made to warm the estimates, all at once. */
const WARM_CALLS = 16;
/** Calls made at most for one check, when the machine stalled this process during the others. */
const ATTEMPTS = 5;
const LOOP_RESOLUTION_MS = 5;

/** A run that cannot decide: some cell was too near the deadline. It is made again. */
class Inconclusive extends Error {}

/**
 * Runs `call` and checks what it gave with `check`. A check that fails after a calm run (this
 * process never stalled for longer than the per-hop margin) fails the test. A run during which
 * the machine stalled the process longer than that (too busy to keep the timers the test is
 * about), or whose check could not decide (Inconclusive), is made again; when all ATTEMPTS
 * runs were such, the machine is too busy to tell anything and the test is skipped, saying so.
 */
async function calm<T>(ctx: TestContext, call: () => Promise<T>, check: (value: T, startedAt: number) => void): Promise<void> {
  const disturbed: string[] = [];
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
    loop.enable();
    const startedAt = Date.now();
    let value: T;
    try {
      value = await call();
    } finally {
      loop.disable();
    }
    const stallMs = loop.max / 1e6 - LOOP_RESOLUTION_MS;
    try {
      check(value, startedAt);
      return;
    } catch (e) {
      if (!(e instanceof Inconclusive) && stallMs <= HOP_MARGIN_MS) throw e;
      disturbed.push(`${e instanceof Inconclusive ? 'undecided' : `stalled ${stallMs.toFixed(0)} ms`}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  ctx.skip(`this machine was too busy to tell in ${ATTEMPTS} runs (${disturbed.join('; ')})`);
}

/** cell -> its parent in the reference tree. */
const PARENT = new Map(Object.entries(REFERENCE_TREE).flatMap(([p, kids]) => kids.map((k) => [k, p] as const)));

/** The path of a cell from api-cell, e.g. `api-cell!child-cell2!grandchild-cell1`. */
function pathOf(cell: string): string {
  const parent = PARENT.get(cell);
  return parent === undefined ? cell : `${pathOf(parent)}!${cell}`;
}

/**
 * How long after the call starts the deadline must be for a cell's answer to reach api-cell,
 * with `delay(cell)` the one-way delay of the link from its parent and `reserve(cell)` the
 * one-way time that parent reserves for it (its estimate; by default exactly the delay).
 *
 * A cell at depth k has the message at S_k (the sum of the delays on its path) and answers
 * at once, or when it stops waiting for its own neighbours; its answer reaches the cell at
 * depth j on its path at 2 S_k - S_j. That cell stops waiting at deadline - R_j - j * margin
 * (R_j: the reserves on its own path; the origin, j = 0, at the deadline), so the answer is
 * kept when 2 S_k - S_j + R_j + j * margin <= deadline for every j < k. With exact reserves:
 * 2 S_k + (k - 1) * margin, its round trip and the margin of each cell between.
 */
function needs(path: string, delay: (cell: string) => number, reserve: (cell: string) => number = delay): number {
  const cells = path.split('!').slice(1);
  let s = 0;
  let r = 0;
  const before: { s: number; r: number }[] = [];
  for (const c of cells) {
    before.push({ s, r });
    s += delay(c);
    r += reserve(c);
  }
  return Math.max(0, ...before.map((b, j) => 2 * s - b.s + b.r + j * HOP_MARGIN_MS));
}

/**
 * The cells that can answer by `deadlineMs`. Throws when a cell is within `tolerance` of it:
 * a layout error without `reserve`, an Inconclusive run with the cells' estimates.
 */
function within(deadlineMs: number, delay: (cell: string) => number, reserve?: (cell: string) => number): string[] {
  const tolerance = reserve ? ESTIMATED_TOLERANCE_MS : TOLERANCE_MS;
  return REFERENCE_PATHS.filter((p) => {
    const need = needs(p, delay, reserve);
    if (p !== 'api-cell' && Math.abs(deadlineMs - need) < tolerance) {
      const why = `${p} needs ${need.toFixed(1)} ms, too near the ${deadlineMs} ms deadline`;
      throw reserve ? new Inconclusive(`with the links' estimates, ${why}`) : new Error(`layout: ${why}`);
    }
    return need <= deadlineMs;
  });
}

/** What each cell's parent reserves now for the way back from it (what it puts in reply_ms). */
function reserves(tree: Tree): (cell: string) => number {
  const out = new Map<string, number>();
  for (const [child, parent] of PARENT) {
    const l = tree.cell(parent).state.children.get(child)!.link.latency?.();
    out.set(child, l ? oneWayMs(l) : NaN);
  }
  return (cell) => out.get(cell) ?? NaN;
}

/** The reference tree with `delay(child)` ms one way on the link from each cell to its parent. */
async function wanTree(delay: (cell: string) => number): Promise<{ tree: Tree; deliveries: MemoryDelivery[] }> {
  const net = new MemoryNetwork();
  for (const [child, parent] of PARENT) net.delay(parent, child, delay(child));
  const tree = await startTree({ kit: memoryKit(net), services: testServices() });
  const deliveries: MemoryDelivery[] = [];
  net.tap((d) => deliveries.push(d));
  return { tree, deliveries };
}

function gather(tree: Tree, deadline: number): Promise<Response[]> {
  return createClient(testService, tree.cell('api-cell')).gather(ctxt, {}, { deadline });
}

/** A few broadcasts with time to spare, all at once: every link measures its round trip. */
async function warm(tree: Tree): Promise<void> {
  const lists = await Promise.all(Array.from({ length: WARM_CALLS }, () => gather(tree, Date.now() + 10_000)));
  for (const list of lists) {
    expect(list.filter((r) => r.failure)).toEqual([]);
    expect(list).toHaveLength(REFERENCE_PATHS.length);
  }
}

/** Which cells answered, and which were named as timeouts. */
function outcome(list: readonly Response[]): { answered: string[]; timedOut: string[]; other: string[] } {
  const sorted = (xs: string[]) => [...xs].sort();
  return {
    answered: sorted(list.filter((r) => !r.failure).map((r) => r.cellName)),
    timedOut: sorted(list.filter((r) => r.failure && r.error instanceof CellTimeout).map((r) => r.cellName)),
    other: list.filter((r) => r.failure && !(r.error instanceof CellTimeout)).map((r) => `${r.cellName}: ${r.error?.message}`),
  };
}

function replyMsOf(d: MemoryDelivery): number | undefined {
  return (JSON.parse(d.data) as Envelope).reply_ms;
}

describe('deadlines that know the distance', () => {
  it('each link learns its round-trip time from the calls it makes, without the time the neighbour held them', async (ctx) => {
    const D = 150;
    const { tree } = await wanTree(() => D);
    await using _ = tree;
    expect(tree.cell('api-cell').state.children.get('child-cell1')!.link.latency?.()).toBeUndefined();
    const latencies = () =>
      new Map(Object.entries(REFERENCE_TREE).flatMap(([parent, kids]) => kids.map((kid) => [kid, tree.cell(parent).state.children.get(kid)!.link.latency?.()] as const)));
    await calm(
      ctx,
      async () => {
        await warm(tree);
        return latencies();
      },
      (measured) => {
        for (const [kid, l] of measured) {
          expect(l, kid).toBeDefined();
          expect(l!.samples).toBeGreaterThanOrEqual(WARM_CALLS);
          // Never less than the delays; a busy machine only adds to it.
          expect(l!.srttMs, kid).toBeGreaterThanOrEqual(2 * D - 1);
        }
        // The round trip of the link alone: child-cell2 and child-cell3 held each broadcast for a
        // whole round trip to their own children, which is not counted (it would make 4 D).
        for (const mid of ['child-cell2', 'child-cell3']) expect(measured.get(mid)!.srttMs, mid).toBeLessThan(3 * D);
      },
    );
  });

  it('at 150 ms one way and a 0.5 s deadline a broadcast keeps api-cell and the four children, and names the grandchildren as timeouts', async (ctx) => {
    const D = 150;
    const { tree, deliveries } = await wanTree(() => D);
    await using _ = tree;
    await warm(tree);
    const grandchildren = REFERENCE_PATHS.filter((p) => p.split('!').length === 3);
    expect(within(500, () => D)).toEqual(REFERENCE_PATHS.filter((p) => !grandchildren.includes(p)));
    await calm(
      ctx,
      () => {
        deliveries.length = 0;
        return gather(tree, Date.now() + 500);
      },
      (list, started) => {
        // The origin waits until the deadline itself, not later.
        expect(Date.now() - (started + 500)).toBeLessThan(150);
        expect(outcome(list)).toEqual({
          answered: ['api-cell', 'api-cell!child-cell1', 'api-cell!child-cell2', 'api-cell!child-cell3', 'api-cell!child-cell4'].sort(),
          timedOut: [...grandchildren].sort(),
          other: [],
        });
      },
    );

    // What each hop was told: the children how long their answer takes home (one way, with
    // the link's variance); the grandchildren that plus what their parent keeps back.
    const told = (from: string, to: string) => deliveries.filter((d) => d.from === from && d.to === to && d.options.messageType === 'broadcast').map(replyMsOf);
    for (const kid of REFERENCE_TREE['api-cell']!) {
      const [ms] = told('api-cell', kid);
      expect(ms).toBeGreaterThanOrEqual(D);
    }
    for (const [mid, gc] of [['child-cell2', 'grandchild-cell1'], ['child-cell3', 'grandchild-cell2'], ['child-cell3', 'grandchild-cell3']] as const) {
      const [toMid] = told('api-cell', mid);
      const [ms] = told(mid, gc);
      // mid keeps back its own way home (toMid + the hop margin) and adds its link to gc.
      expect(ms).toBeGreaterThanOrEqual(toMid! + HOP_MARGIN_MS + D);
    }
    await expect.poll(() => tree.pending(), { timeout: 2000 }).toBe(0);
  });

  it('with a different delay on every link, exactly the cells that can physically answer in time do; the rest are timeouts', async (ctx) => {
    const delays: Record<string, number> = {
      'child-cell1': 80,
      'child-cell2': 120,
      'grandchild-cell1': 200,
      'child-cell3': 180,
      'grandchild-cell2': 120,
      'grandchild-cell3': 300,
      'child-cell4': 460,
    };
    const delay = (cell: string) => delays[cell] ?? 0;
    const { tree } = await wanTree(delay);
    await using _ = tree;
    await warm(tree);
    const longest = Math.max(...REFERENCE_PATHS.map((p) => needs(p, delay)));
    // Every cell at least 120 ms from each deadline, either way.
    for (const T of [800, 480]) {
      for (const p of REFERENCE_PATHS.slice(1)) expect(Math.abs(T - needs(p, delay)), p).toBeGreaterThanOrEqual(120);
      const expected = within(T, delay);
      // Some cells within reach and some not: the deadline cuts the tree.
      expect(expected.length).toBeGreaterThan(1);
      expect(expected.length).toBeLessThan(REFERENCE_PATHS.length);
      expect(T).toBeLessThan(longest);
      await calm(
        ctx,
        async () => {
          // The hops reserve what their links measured (a little more than the delays); a
          // machine busy enough to blur those estimates may move a cell across the line.
          const reserve = reserves(tree);
          return { list: await gather(tree, Date.now() + T), reserve };
        },
        ({ list, reserve }) => {
          const reachable = within(T, delay, reserve);
          expect(outcome(list), `deadline ${T} ms`).toEqual({
            answered: [...reachable].sort(),
            timedOut: REFERENCE_PATHS.filter((p) => !reachable.includes(p)).sort(),
            other: [],
          });
          // Never more than can physically answer; fewer only when the machine blurred the
          // estimates (then this run says nothing about the layout, and it is made again).
          expect(expected).toEqual(expect.arrayContaining(reachable));
          if (reachable.length !== expected.length) throw new Inconclusive(`estimates blurred: ${expected.filter((p) => !reachable.includes(p)).join(', ')} out of reach`);
        },
      );
    }
    await expect.poll(() => tree.pending(), { timeout: 2000 }).toBe(0);
  });

  it('a targeted call that cannot make it gets a typed timeout at the deadline, not later; one that can, answers', async (ctx) => {
    const delays: Record<string, number> = { 'child-cell3': 100, 'grandchild-cell3': 150, 'child-cell4': 220, 'child-cell2': 60, 'grandchild-cell1': 80 };
    const delay = (cell: string) => delays[cell] ?? 20;
    const { tree } = await wanTree(delay);
    await using _ = tree;
    await warm(tree);
    const client = createClient(testService, tree.cell('api-cell'));
    const T = 380;
    // Through a middle cell (it gives up in time to say so) and straight to a far child.
    for (const cell of ['grandchild-cell3', 'child-cell4']) {
      const target = pathOf(cell);
      expect(needs(target, delay)).toBeGreaterThan(T + TOLERANCE_MS);
      await calm(
        ctx,
        () =>
          client.echo(ctxt, { cell_name: target, text: 'far' }, { deadline: Date.now() + T }).then(
            () => undefined,
            (e: unknown) => e,
          ),
        (err, started) => {
          const late = Date.now() - (started + T);
          expect(err, target).toBeInstanceOf(CellTimeout);
          expect((err as CellTimeout).cell).toBe(target);
          expect(late, target).toBeLessThan(100);
          expect(late, target).toBeGreaterThan(-100);
        },
      );
    }
    // A target well within reach answers (with room for estimates a busy machine blurs).
    const near = pathOf('grandchild-cell1');
    const nearT = needs(near, delay) + 4 * TOLERANCE_MS;
    await calm(
      ctx,
      () => client.echo(ctxt, { cell_name: near, text: 'near' }, { deadline: Date.now() + nearT }).catch((e: unknown) => e),
      (r) => expect((r as Response).valueOrRaise()).toBe(`near@${near}`),
    );
    await expect.poll(() => tree.pending(), { timeout: 2000 }).toBe(0);
  });

  it('before a link has an estimate, a hop keeps the fixed margin (and the children of a far tree are lost, as they were)', async (ctx) => {
    const D = 150;
    const { tree, deliveries } = await wanTree(() => D);
    await using _ = tree;
    // The first call: no link has measured anything, no envelope says how far home is.
    const list = await gather(tree, Date.now() + 500);
    const first = deliveries.filter((d) => d.options.messageType === 'broadcast');
    expect(first).toHaveLength(REFERENCE_PATHS.length - 1);
    expect(first.map(replyMsOf)).toEqual(first.map(() => undefined));
    // The fixed margin (at most 15 % of what is left) is shorter than the way home: the
    // children that wait for grandchildren answer too late, only the leaves make it.
    const middle = ['api-cell!child-cell2', 'api-cell!child-cell3'];
    expect(outcome(list)).toEqual({ answered: ['api-cell', 'api-cell!child-cell1', 'api-cell!child-cell4'], timedOut: middle, other: [] });
    // Once measured, the same call keeps them.
    await warm(tree);
    await calm(
      ctx,
      () => gather(tree, Date.now() + 500),
      (again) => expect(outcome(again).answered).toEqual(['api-cell', 'api-cell!child-cell1', ...middle, 'api-cell!child-cell4'].sort()),
    );
    await expect.poll(() => tree.pending(), { timeout: 2000 }).toBe(0);
  });
});
