#!/usr/bin/env node
/**
 * `npm run soak`: 3 minutes of mixed load on a 3-cell tree, sampling every cell's memory and
 * pending counts; after the load, memory must come back to its baseline and nothing may stay
 * pending. Run with `node --import tsx scripts/soak.mjs [--minutes 3] [--settle-s 330]`.
 *
 * The tree: api-cell <-AMQP- child-cell2 <-HTTP (signed)- grandchild-cell1, each cell a process
 * (scripts/cell-probe.mjs) with a file store, reporting to its parent every 5 s. The load,
 * about 150 requests a second through the cells' APIs, 16 at a time:
 *
 * - targeted calls (get_host_uptime) from api-cell to grandchild-cell1, and to child-cell2;
 * - broadcast calls (service_get_all, compute_node_get_all) from api-cell;
 * - casts: instance_update_at_top from grandchild-cell1 (500 instances, updated over and
 *   over: the stores do not grow), and targeted casts down (service_update of a host);
 * - reads: GET /v1/state, /v1/health, /v1/tree, /v1/instances.
 *
 * Memory is a cell's heap after a forced GC (`PROBE` from cell-probe), sampled every 10 s with
 * its RSS, the runner's pending count (waiters, aggregations, held replies), the casts held in
 * the outbox and the links' in-flight sends. The baseline is taken after a 20 s warm-up of the
 * same load and 10 s of rest; the end, after the dedupe window (5 minutes, the uuids the cells
 * remember) has passed since the load stopped, with the cells' periodic reports still
 * flowing. Pass: each cell's heap at the end within 10 % (or 3 MB) of its baseline, pending 0.
 * The figures go to the "Soak" section of RELIABILITY.md.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import * as kit from './reliability-kit.mjs';

const { values: argv } = parseArgs({ options: { minutes: { type: 'string', default: '3' }, 'settle-s': { type: 'string', default: '330' } } });
const LOAD_MS = Number(argv.minutes) * 60_000;
const SETTLE_MS = Number(argv['settle-s']) * 1000;
const CELLS = ['api-cell', 'child-cell2', 'grandchild-cell1'];
const UUIDS = Array.from({ length: 500 }, () => randomUUID());

async function main() {
  const started = Date.now();
  const broker = await kit.freshVhost('soak');
  const dir = kit.workDir('soak');
  const ports = Object.fromEntries(await Promise.all(CELLS.map(async (c) => [c, await kit.freePort()])));
  const configs = kit.treeConfigs({ dir, ports, links: { top: 'amqp', leaf: 'http' }, amqpUrl: broker.url, logLevel: 'warn', updateIntervalS: 5 });
  const cells = await kit.startTree(configs, dir);
  const url = (c) => cells[c].url;
  const R = kit.prng(7);

  const counts = { requests: 0, ok: 0, failed: 0, byKind: {} };
  const ops = [
    ['call: get_host_uptime to grandchild-cell1', 3, () => kit.call(url('api-cell'), 'get_host_uptime', { cell_name: 'api-cell!child-cell2!grandchild-cell1', host_name: 'grandchild-cell1-h1' }, { timeout_s: 5 })],
    ['call: get_host_uptime to child-cell2', 2, () => kit.call(url('api-cell'), 'get_host_uptime', { cell_name: 'api-cell!child-cell2', host_name: 'child-cell2-h1' }, { timeout_s: 5 })],
    ['broadcast: service_get_all', 2, () => kit.call(url('api-cell'), 'service_get_all', {}, { timeout_s: 5 })],
    ['broadcast: compute_node_get_all', 1, () => kit.call(url('api-cell'), 'compute_node_get_all', {}, { timeout_s: 5 })],
    ['cast: instance_update_at_top from grandchild-cell1', 4, () => kit.call(url('grandchild-cell1'), 'instance_update_at_top', { instance: { uuid: R.pick(UUIDS), vm_state: R.pick(['active', 'stopped']), display_name: `soak-${R.int(1e6)}`, metadata: { n: String(R.int(100)) } } })],
    ['cast: service_update down to grandchild-cell1', 1, () => kit.call(url('api-cell'), 'service_update', { cell_name: 'api-cell!child-cell2!grandchild-cell1', host_name: 'grandchild-cell1-h2', binary: 'nova-compute', params_to_update: { disabled: R.chance(0.5) } }, { timeout_s: 5 })],
    ['read: state, health, tree, instances', 2, () => kit.api(url(R.pick(CELLS)), 'GET', R.pick(['/v1/state', '/v1/health', '/v1/tree', '/v1/instances', '/v1/recent']), undefined)],
  ];
  const weighted = ops.flatMap((o) => Array(o[1]).fill(o));

  let loading = false;
  const loadLoop = async (ms, perSecond = 150, concurrency = 16) => {
    loading = true;
    const end = Date.now() + ms;
    let inFlight = 0;
    const gap = 1000 / perSecond;
    let next = Date.now();
    while (Date.now() < end) {
      if (inFlight < concurrency) {
        const [kind, , run] = R.pick(weighted);
        inFlight++;
        counts.requests++;
        void run()
          .then((r) => {
            const good = r.status >= 200 && r.status < 300 && !(Array.isArray(r.body) ? r.body.some((x) => x.failure) : r.body?.failure);
            const k = (counts.byKind[kind] ??= { n: 0, failed: 0, ms: [] });
            k.n++;
            if (good) counts.ok++;
            else {
              counts.failed++;
              k.failed++;
            }
            if (k.ms.length < 20_000) k.ms.push(r.ms);
          })
          .finally(() => inFlight--);
      }
      next += gap;
      await kit.sleep(Math.max(0, next - Date.now()));
    }
    while (inFlight > 0) await kit.sleep(20);
    loading = false;
  };

  const samples = [];
  const sample = async (phase) => {
    const at = Math.round((Date.now() - started) / 1000);
    const row = { at, phase, cells: {} };
    for (const c of CELLS) {
      const [mem, h] = await Promise.all([cells[c].probe(), kit.health(url(c))]);
      row.cells[c] = {
        heap: mem.heapUsed,
        rss: mem.rss,
        pending: h?.runner?.pending ?? -1,
        outbox: h?.casts?.outbox ?? -1,
        inFlight: (h?.links ?? []).reduce((n, l) => n + (l.in_flight ?? 0), 0),
        duplicates: h?.runner?.duplicates ?? 0,
        castsLost: h?.casts?.lost ?? 0,
      };
    }
    samples.push(row);
    console.log(`soak: ${at}s ${phase} ${CELLS.map((c) => `${c} heap ${kit.mb(row.cells[c].heap)} rss ${kit.mb(row.cells[c].rss)} pending ${row.cells[c].pending}`).join(' | ')}`);
    return row;
  };

  // Warm up, rest, baseline.
  await loadLoop(20_000);
  await kit.sleep(10_000);
  const baseline = await sample('baseline');
  counts.requests = 0;
  counts.ok = 0;
  counts.failed = 0;
  counts.byKind = {};

  // The soak.
  const loadStart = Date.now();
  const sampler = (async () => {
    while (Date.now() - loadStart < LOAD_MS) {
      await kit.sleep(10_000);
      if (loading) await sample('load');
    }
  })();
  await loadLoop(LOAD_MS);
  await sampler;
  const loadSeconds = (Date.now() - loadStart) / 1000;
  const afterLoad = await sample('load ended');

  // Rest past the dedupe window, sampling.
  const restStart = Date.now();
  while (Date.now() - restStart < SETTLE_MS) {
    await kit.sleep(30_000);
    await sample('rest');
  }
  const end = samples[samples.length - 1];
  const crashed = CELLS.filter((c) => cells[c].crashed || !cells[c].alive);
  await kit.stopTree(cells);
  await broker.drop();

  const loadRows = samples.filter((s) => s.phase === 'load');
  const peak = (c, k) => Math.max(...loadRows.map((s) => s.cells[c][k]), afterLoad.cells[c][k]);
  const verdict = CELLS.map((c) => {
    const b = baseline.cells[c].heap;
    const e = end.cells[c].heap;
    const ok = e <= Math.max(b * 1.1, b + 3 * 1024 * 1024) && end.cells[c].pending === 0 && end.cells[c].outbox === 0;
    return { c, ok, b, e };
  });
  const ok = verdict.every((v) => v.ok) && crashed.length === 0;
  const pct = (xs, p) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : 0;
  };
  const kinds = Object.entries(counts.byKind)
    .map(([k, v]) => `| ${k} | ${kit.fmt(v.n)} | ${v.failed} | ${pct(v.ms, 50).toFixed(1)} | ${pct(v.ms, 99).toFixed(1)} |`)
    .join('\n');
  const seconds = Math.round((Date.now() - started) / 1000);
  const md = `## Soak

\`node --import tsx scripts/soak.mjs --minutes ${argv.minutes}\`, ${new Date().toISOString().slice(0, 10)}, ${kit.machine()}. ${seconds} s in all.

**${ok ? 'Memory came back to its baseline and nothing stayed pending.' : 'MEMORY OR PENDING WORK DID NOT COME BACK.'}** ${kit.fmt(counts.requests)} requests in ${loadSeconds.toFixed(0)} s of load (${(counts.requests / loadSeconds).toFixed(0)}/s, 16 at a time), ${counts.failed} failed; cells that crashed: ${crashed.length ? crashed.join(', ') : 'none'}.

Tree: api-cell <-AMQP- child-cell2 <-HTTP (signed)- grandchild-cell1, each cell a process with a file store, reporting to its parent every 5 s. Heap is \`heapUsed\` after a forced GC. Baseline: after a 20 s warm-up of the same load and 10 s of rest. End: ${Math.round(SETTLE_MS / 1000)} s after the load stopped (past the 5-minute dedupe window, whose uuids the cells hold until it ends), the periodic reports still flowing. Pass: heap at the end within 10 % or 3 MB of the baseline, pending 0, outbox empty.

| cell | heap baseline | heap peak (load) | heap at the end | RSS baseline / peak / end | pending peak / end | outbox peak / end | in flight peak | verdict |
|---|---|---|---|---|---|---|---|---|
${verdict
  .map(
    ({ c, ok: good, b, e }) =>
      `| ${c} | ${kit.mb(b)} | ${kit.mb(peak(c, 'heap'))} | ${kit.mb(e)} | ${kit.mb(baseline.cells[c].rss)} / ${kit.mb(peak(c, 'rss'))} / ${kit.mb(end.cells[c].rss)} | ${peak(c, 'pending')} / ${end.cells[c].pending} | ${peak(c, 'outbox')} / ${end.cells[c].outbox} | ${peak(c, 'inFlight')} | ${good ? 'back to baseline' : 'NOT back'} |`,
  )
  .join('\n')}

| load | requests | failed | p50 ms | p99 ms |
|---|---|---|---|---|
${kinds}

Samples (heap after GC, MB; api-cell / child-cell2 / grandchild-cell1; pending summed):

| s | phase | heap | pending |
|---|---|---|---|
${samples.map((s) => `| ${s.at} | ${s.phase} | ${CELLS.map((c) => (s.cells[c].heap / 1048576).toFixed(1)).join(' / ')} | ${CELLS.reduce((n, c) => n + s.cells[c].pending, 0)} |`).join('\n')}
`;
  kit.report('soak', md, ok);
}

kit.runMain(main);
