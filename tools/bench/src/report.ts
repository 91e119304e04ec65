/** The table (stdout) and BENCHMARKS.md: medians over rounds, ratios taken round by round. */
import type { BigTreeResult } from './broadcast.js';
import type { CodegenResult } from './codegen.js';
import { PROFILED, type ProfileResult } from './profiles.js';
import { median, type Sample } from './stats.js';
import type { WanResult } from './wan.js';

export interface VariantResult {
  readonly id: string;
  readonly label: string;
  readonly kind: 'cellwire' | 'floor' | 'peer' | 'bound';
  readonly transport: string;
  readonly op: 'call' | 'cast' | 'broadcast';
  readonly hops: number;
  readonly inflight: number;
  readonly floor?: string;
  readonly peer?: string;
  readonly samples: readonly (Sample & { cpuMain: number; cpuCells: number; cpuBroker: number })[];
}

export interface GroupResult {
  readonly id: string;
  readonly title: string;
  readonly variants: readonly VariantResult[];
}

export interface Report {
  readonly groups: readonly GroupResult[];
  readonly big: BigTreeResult | undefined;
  /** The 1 + 30 + 900 + 8,400 cell tree; absent from runs that predate it. */
  readonly deep?: BigTreeResult | undefined;
  /** CPU profiles of the compared variants (BENCH_ONLY=profile); absent from runs that predate them. */
  readonly profiles?: readonly ProfileResult[];
  readonly codegen: readonly CodegenResult[];
  /** The WAN row (BENCH_ONLY=wan); absent from runs that predate it. */
  readonly wan?: readonly WanResult[];
  readonly machine: { nproc: number; cpu: string; node: string; load: string; memGb: number };
  readonly totalS: number;
  readonly rounds: number;
  readonly measureMs: number;
  readonly requestBytes: number;
  readonly resultBytes: number;
}

export const COMMAND = 'npm run bench';

interface Ratio {
  readonly med: number;
  readonly min: number;
  readonly max: number;
}

function all(r: Report): Map<string, VariantResult> {
  return new Map(r.groups.flatMap((g) => g.variants.map((v) => [v.id, v] as const)));
}

/** Round-by-round ratio of two variants' rates. */
function ratio(r: Report, a: string, b: string | undefined): Ratio | undefined {
  if (!b) return undefined;
  const m = all(r);
  const x = m.get(a);
  const y = m.get(b);
  if (!x || !y) return undefined;
  const rs = x.samples.map((s, i) => s.rate / (y.samples[i]?.rate ?? NaN)).filter(Number.isFinite);
  if (rs.length === 0) return undefined;
  return { med: median(rs), min: Math.min(...rs), max: Math.max(...rs) };
}

const f0 = (x: number) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '-');
const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '-');
const f3 = (x: number) => (Number.isFinite(x) ? (x < 10 ? x.toFixed(3) : x.toFixed(1)) : '-');
const fr = (q: Ratio | undefined) => (q ? `${f2(q.med)} (${f2(q.min)}-${f2(q.max)})` : '');

function row(r: Report, v: VariantResult): string[] {
  const rates = v.samples.map((s) => s.rate);
  const cpuMain = median(v.samples.map((s) => s.cpuMain));
  const cpuCells = median(v.samples.map((s) => s.cpuCells));
  const cpuBroker = median(v.samples.map((s) => s.cpuBroker));
  const cpu = v.transport === 'memory' ? f0(cpuMain) : `${f0(cpuMain)} / ${f0(cpuCells)}${v.transport === 'amqp' ? ` / ${f0(cpuBroker)}` : ''}`;
  return [
    v.kind === 'cellwire' ? `**${v.label}**` : v.label,
    String(v.inflight),
    `${f0(median(rates))} (${f0(Math.min(...rates))}-${f0(Math.max(...rates))})`,
    f3(median(v.samples.map((s) => s.p50))),
    f3(median(v.samples.map((s) => s.p99))),
    fr(ratio(r, v.id, v.floor)),
    fr(ratio(r, v.id, v.peer)),
    cpu,
  ];
}

const HEAD = ['variant', 'in flight', 'calls/s median (min-max)', 'p50 ms', 'p99 ms', 'x floor', 'x Moleculer', 'CPU us/call (bench / cells / broker)'];

function mdTable(head: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((c) => `| ${c.join(' | ')} |`)].join('\n');
}

function textTable(head: string[], rows: string[][]): string {
  const clean = (s: string) => s.replace(/\*\*/g, '');
  const all = [head, ...rows].map((r) => r.map(clean));
  const w = head.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all.map((r, j) => r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ') + (j === 0 ? `\n${w.map((n) => '-'.repeat(n)).join('  ')}` : '')).join('\n');
}

export interface Target {
  readonly what: string;
  readonly want: string;
  readonly got: string;
  readonly met: boolean | undefined;
}

export function targets(r: Report): Target[] {
  const out: Target[] = [];
  // `everyRound`: the worst round must meet it too, not only the median.
  const vs = (what: string, a: string, b: string, min: number, everyRound = false) => {
    const q = ratio(r, a, b);
    const met = q ? (everyRound ? q.min : q.med) >= min : undefined;
    out.push({ what, want: everyRound ? `>= ${min} in every round` : `>= ${min}`, got: q ? `${f2(q.med)} (rounds ${f2(q.min)}-${f2(q.max)})` : 'not measured', met });
  };
  // Issue 15's targets.
  vs('memory targeted call / Moleculer fake transporter, 1 in flight', 'cw-m1-1', 'mol-m1-1', 1.5);
  vs('memory targeted call / Moleculer fake transporter, 64 in flight', 'cw-m1-64', 'mol-m1-64', 1.5);
  vs('memory targeted call / in-process JSON floor, 64 in flight', 'cw-m1-64', 'floor-m1-64', 0.35);
  vs('http targeted call / raw node:http + undici, 64 in flight', 'cw-h1-64', 'floor-h1-64', 0.75);
  vs('http 2 hops / raw forwarding chain, 64 in flight', 'cw-h2-64', 'floor-h2-64', 0.7);
  vs('amqp targeted call / raw direct reply-to, 1 in flight', 'cw-a1-1', 'floor-a1-1', 0.85);
  vs('amqp targeted call / Moleculer AMQP (tuned), 64 in flight', 'cw-a1-64', 'mol-a1-64', 1.2, true);
  if (r.big) {
    out.push({ what: '931-cell broadcast, memory: time to the full list', want: '< 250 ms', got: `${r.big.medianMs.toFixed(0)} ms`, met: r.big.medianMs < 250 });
    out.push({ what: '931-cell broadcast, memory: peak memory (RSS)', want: '< 300 MB', got: `${r.big.peakRssMb.toFixed(0)} MB`, met: r.big.peakRssMb < 300 });
  }
  if (r.deep) {
    out.push({ what: '9,331-cell broadcast, memory: time to the full list', want: '< 2 s', got: `${r.deep.medianMs.toFixed(0)} ms`, met: r.deep.medianMs < 2000 });
    out.push({ what: '9,331-cell broadcast, memory: peak memory (RSS)', want: '< 1.5 GB', got: `${r.deep.peakRssMb.toFixed(0)} MB`, met: r.deep.peakRssMb < 1536 });
  }
  for (const w of r.wan ?? []) {
    const over = median(w.fullMs) - w.physicalMs;
    out.push({ what: `WAN broadcast, ${w.oneWayMs} ms one way: full answer over two round trips`, want: '< 20 ms', got: `+${over.toFixed(1)} ms`, met: over < 20 });
    const kept = Math.min(...w.kept);
    out.push({ what: `WAN broadcast, ${w.oneWayMs} ms one way: answers kept at 1.5 round trips`, want: `${w.reachable} (all within reach)`, got: `${kept} (worst of ${w.kept.length})`, met: kept === w.reachable });
  }
  const syn = r.codegen.filter((c) => c.label.startsWith('synthetic')).sort((x, y) => x.methods - y.methods);
  const c = syn.find((x) => x.methods === 1000);
  if (c) out.push({ what: 'generate, 1000 methods', want: '< 12 s', got: `${(c.wallMs / 1000).toFixed(1)} s`, met: c.wallMs < 12_000 });
  // Each doubling of the synthetic sizes (250->500, 500->1000): wall time of the command line.
  const doublings = syn.slice(1).map((b, i) => [syn[i]!, b] as const).filter(([a, b]) => b.methods === 2 * a.methods);
  if (doublings.length) {
    const gs = doublings.map(([a, b]) => b.wallMs / a.wallMs);
    // Doubling the methods may at most double the time (10 % slack for this noisy machine).
    out.push({
      what: `generate: growth per doubling (${doublings.map(([a, b]) => `${a.methods}->${b.methods}`).join(', ')})`,
      want: '<= 2x (linear)',
      got: gs.map((g) => `${f2(g)}x`).join(', '),
      met: gs.every((g) => g <= 2.2),
    });
  }
  return out;
}

const WHO: Record<string, string> = { cw: 'cellwire', raw: 'floor', mol: 'Moleculer' };

/** One table per profiled comparison: categories down, (variant, process) across. */
function profileSections(r: Report): { title: string; head: string[]; rows: string[][] }[] {
  const out: { title: string; head: string[]; rows: string[][] }[] = [];
  for (const p of PROFILED) {
    const got = ['cw', p.against].map((w) => r.profiles?.find((x) => x.kind === p.kind && x.which === w && x.inFlight === p.inFlight));
    if (got.some((x) => x === undefined)) continue;
    const vs = got as ProfileResult[];
    const cols: { label: string; of: (x: ProfileResult) => Readonly<Record<string, number>> | undefined; v: ProfileResult }[] = [];
    for (const v of vs) {
      cols.push({ label: `${WHO[v.which]} bench`, of: (x) => x.main, v });
      if (v.cells) cols.push({ label: `${WHO[v.which]} cells`, of: (x) => x.cells, v });
    }
    const cats = [...new Set(cols.flatMap((c) => Object.keys(c.of(c.v) ?? {})))];
    const total = (c: (typeof cols)[number]) => Object.values(c.of(c.v) ?? {}).reduce((a, b) => a + b, 0);
    // Largest first, as cellwire's bench process spends it.
    const first = cols[0]!.of(cols[0]!.v) ?? {};
    cats.sort((a, b) => (first[b] ?? 0) - (first[a] ?? 0));
    const us = (x: number | undefined) => (x === undefined ? '-' : x < 10 ? x.toFixed(1) : x.toFixed(0));
    const rows = cats.map((cat) => [cat, ...cols.map((c) => us(c.of(c.v)?.[cat] ?? 0))]);
    rows.push(['**busy, profiled**', ...cols.map((c) => `**${us(total(c))}**`)]);
    rows.push(['CPU per call, unprofiled accounting', ...cols.map((c) => us(c.label.endsWith('cells') ? c.v.cpuCellsUs : c.v.cpuMainUs))]);
    rows.push(['calls/s while profiled', ...cols.map((c) => f0(c.v.rate))]);
    out.push({ title: p.title, head: ['µs per call', ...cols.map((c) => c.label)], rows });
  }
  return out;
}

function sections(r: Report): { title: string; rows: string[][] }[] {
  return r.groups.map((g) => ({ title: g.title, rows: g.variants.map((v) => row(r, v)) }));
}

const WAN_HEAD = ['one way', 'full answer ms median (min-max)', 'two round trips', 'overhead', 'kept at 1.5 round trips', 'within reach', 'kept, fixed margin'];

function wanRows(r: Report): string[][] {
  return (r.wan ?? []).map((w) => [
    `${w.oneWayMs} ms`,
    `${median(w.fullMs).toFixed(1)} (${Math.min(...w.fullMs).toFixed(1)}-${Math.max(...w.fullMs).toFixed(1)})`,
    `${w.physicalMs} ms`,
    `+${(median(w.fullMs) - w.physicalMs).toFixed(1)} ms`,
    `${median(w.kept)} of ${w.cells} (${Math.min(...w.kept)}-${Math.max(...w.kept)})`,
    `${w.reachable}`,
    `${median(w.keptFixedMargin)} of ${w.cells}`,
  ]);
}

const WAN_TITLE = 'Broadcast over far links: 8-cell reference tree, memory transport, every link delayed each way';

function extras(r: Report): string[][] {
  const rows: string[][] = [];
  if (r.big) {
    rows.push([
      '1 + 30 + 900 cells, memory: service_get_all from the top',
      `${r.big.responses} Responses, median ${r.big.medianMs.toFixed(0)} ms (runs ${r.big.runsMs.map((x) => x.toFixed(0)).join(', ')} ms)`,
      `peak RSS ${r.big.peakRssMb.toFixed(0)} MB (${r.big.rssBeforeMb.toFixed(0)} MB before the tree; built in ${r.big.buildMs.toFixed(0)} ms)`,
    ]);
  }
  for (const c of r.codegen) {
    rows.push([`codegen, ${c.label}`, `${(c.wallMs / 1000).toFixed(1)} s wall`, `${c.methods} methods` + (c.generateMs !== undefined ? `; generator ${(c.generateMs / 1000).toFixed(1)} s (as it prints), ${c.files ?? '?'} files` : '')]);
  }
  if (r.deep) {
    rows.push([
      '1 + 30 + 900 + 8,400 cells, memory: service_get_all from the top',
      `${r.deep.responses} Responses, median ${r.deep.medianMs.toFixed(0)} ms (runs ${r.deep.runsMs.map((x) => x.toFixed(0)).join(', ')} ms)`,
      `peak RSS ${r.deep.peakRssMb.toFixed(0)} MB (${r.deep.rssBeforeMb.toFixed(0)} MB before the tree; built in ${r.deep.buildMs.toFixed(0)} ms)`,
    ]);
  }
  return rows;
}

export function renderTable(r: Report): string {
  const parts: string[] = [];
  for (const s of sections(r)) parts.push(`\n${s.title}\n${textTable(HEAD, s.rows)}`);
  const ex = extras(r);
  if (ex.length) parts.push(`\nBroadcast at scale and code generation\n${textTable(['what', 'time', 'notes'], ex)}`);
  const wan = wanRows(r);
  if (wan.length) parts.push(`\n${WAN_TITLE}\n${textTable(WAN_HEAD, wan)}`);
  const t = targets(r);
  if (t.length) parts.push(`\nTargets\n${textTable(['target', 'want', 'got', 'met'], t.map((x) => [x.what, x.want, x.got, x.met === undefined ? '-' : x.met ? 'yes' : 'NO']))}`);
  return parts.join('\n');
}

/**
 * What bounds the targets that are not met: the profile figures (fixed, from profiling this
 * version with profile.ts; see the text) and this run's own figures (bound row, CPU columns).
 */
function notes(r: Report): string {
  const q = (a: string, b: string) => ratio(r, a, b);
  const at = (x: Ratio | undefined) => (x ? f2(x.med) : '-');
  // CPU per call summed over the processes that share the two cores, and what that allows.
  const total = (id: string) => {
    const v = all(r).get(id);
    if (!v) return NaN;
    const m = (k: 'cpuMain' | 'cpuCells' | 'cpuBroker') => median(v.samples.map((s) => s[k]));
    return m('cpuMain') + m('cpuCells') + (v.transport === 'amqp' ? m('cpuBroker') : 0);
  };
  const cpuBound = (cw: string, floor: string) =>
    `${f0(total(cw))} µs of CPU per call across the processes against ${f0(total(floor))} µs for the floor, ` +
    `which on two shared cores allows at most about ${f2(total(floor) / total(cw))} of its rate`;
  // Profiled µs per call (the tables above): one category, or the whole busy time.
  const prof = (kind: string, which: string, inFlight: number) => r.profiles?.find((x) => x.kind === kind && x.which === which && x.inFlight === inFlight);
  const pu = (kind: string, which: string, inFlight: number, side: 'main' | 'cells', cat?: string) => {
    const p = prof(kind, which, inFlight);
    const m = p?.[side];
    if (!m) return NaN;
    return cat === undefined ? Object.values(m).reduce((a, b) => a + b, 0) : (m[cat] ?? 0);
  };
  const u = (x: number) => (Number.isFinite(x) ? (x < 10 ? x.toFixed(1) : x.toFixed(0)) : '-');
  const both = (kind: string, which: string, inFlight: number, cat?: string) => pu(kind, which, inFlight, 'main', cat) + (pu(kind, which, inFlight, 'cells', cat) || 0);
  const RUNNER = 'cellwire runner (rest of core)';
  const lines = [
    '## What bounds the targets that are not met',
    '',
    'Read with the profile tables above (same run). A cellwire call does what its floor does, a request and an answer across',
    'the transport, and on top of it: the arguments are checked against the method\'s schema at the origin and again where',
    'the handler runs, each envelope is checked against the wire schema where it lands and the answer against the result',
    'schema, the origin keeps a waiter with a deadline and each hop a reply channel with its own, routing follows the path',
    'hop by hop, and HTTP and AMQP sign and verify every message and every answer. Those are the product; none is optional',
    'on a link between two operators\' cells. What was done about the rest (this round): the memory transport hands a copy of',
    'the envelope object to the receiver instead of JSON text (`Link.sendValue`, copied field by field), uuids are flattened',
    'once (Node\'s `randomUUID()` is a 520-byte rope until something flattens it, and the dedupe window kept hundreds of',
    'thousands of them), a runner\'s own targeted send over memory keeps no dedupe entry (it cannot repeat), and the HTTP link',
    'reads answers by stream events rather than an async iterator.',
    '',
    `- **Memory against Moleculer (${at(q('cw-m1-1', 'mol-m1-1'))}x at 1 in flight, ${at(q('cw-m1-64', 'mol-m1-64'))}x at 64; target 1.5x).** ` +
      `Profiled at 1 in flight, a cellwire call takes ${u(pu('memory', 'cw', 1, 'main'))} µs, Moleculer's ${u(pu('memory', 'mol', 1, 'main'))}: ` +
      `validators ${u(pu('memory', 'cw', 1, 'main', 'validators'))} µs, the two envelope copies ${u(pu('memory', 'cw', 1, 'main', 'envelope copies (memory)'))} µs ` +
      `(Moleculer serializes to JSON and parses instead, inside its ${u(pu('memory', 'mol', 1, 'main', 'Moleculer'))} µs), ` +
      `the rest of the runner ${u(pu('memory', 'cw', 1, 'main', RUNNER))} µs spread over some forty functions (waiter and reply channel, ` +
      'their timers, the response envelope, routing, the result check), none above a tenth of the call. 1.5x Moleculer means a ' +
      `whole call in ${u(pu('memory', 'mol', 1, 'main') / 1.5)} µs: with the checks and copies kept ` +
      `(${u(pu('memory', 'cw', 1, 'main', 'validators') + pu('memory', 'cw', 1, 'main', 'envelope copies (memory)'))} µs), everything else, ` +
      `${u(pu('memory', 'cw', 1, 'main') - pu('memory', 'cw', 1, 'main', 'validators') - pu('memory', 'cw', 1, 'main', 'envelope copies (memory)'))} µs today, ` +
      `would have to fit in ${u(pu('memory', 'mol', 1, 'main') / 1.5 - pu('memory', 'cw', 1, 'main', 'validators') - pu('memory', 'cw', 1, 'main', 'envelope copies (memory)'))}. ` +
      'No single piece is that large; the levers of that size are dropping a check (a receiver trusting an in-process sender\'s ' +
      'envelope and arguments) or sharing objects between cells, which this SDK does not trade. At 64 in flight the garbage collector grows ' +
      `(${u(pu('memory', 'cw', 64, 'main', 'garbage collector'))} µs per call): objects of calls in flight outlive young-generation ` +
      'collections and are promoted (`tools/bench/src/heap-sample.ts` names the allocation sites: the envelope copies and the call ' +
      'state), though the live heap stays flat; a larger young generation and no pretenuring did not change it.',
    `- **Memory against the JSON floor (${at(q('cw-m1-64', 'floor-m1-64'))} at 64 in flight; target 0.35).** The floor moves the 413-byte ` +
      `request and the 101-byte answer through JSON with an await: ${u(pu('memory', 'raw', 64, 'main'))} µs per call profiled. ` +
      `cellwire's envelopes are no longer the bound (the *bound* row, both envelopes copied both ways, runs at ${at(q('bound-m1-64', 'floor-m1-64'))}x ` +
      `the floor): the runner is, at ${u(pu('memory', 'cw', 64, 'main'))} µs per call. 0.35 needs about ` +
      `${u(pu('memory', 'raw', 64, 'main') / 0.35)} µs, below the validators, copies and garbage collection of the previous item.`,
    `- **HTTP (${at(q('cw-h1-64', 'floor-h1-64'))} of raw node:http + undici at 64 in flight, target 0.75; 2 hops ${at(q('cw-h2-64', 'floor-h2-64'))}, target 0.7).** ` +
      `The processes share the two cores, so rates follow CPU per call: this run, ${cpuBound('cw-h1-64', 'floor-h1-64')}. Profiled, both ` +
      `processes together: cellwire ${u(both('http', 'cw', 64))} µs per call against ${u(both('http', 'raw', 64))}. Of the difference, ` +
      `HMAC ${u(both('http', 'cw', 64, 'HMAC (sign/verify)'))} µs (four per call: sign, verify, sign the answer, verify it; ` +
      'about 2.7 µs each outside the profiler, the same with precomputed key pads, measured), envelope JSON ' +
      `${u(both('http', 'cw', 64, 'envelope JSON (encode/decode)'))} µs, the runner ${u(both('http', 'cw', 64, RUNNER))} µs, validators ` +
      `${u(both('http', 'cw', 64, 'validators'))} µs, and undici and node:http handling the larger request with its ` +
      `\`x-cellwire-*\` headers (undici ${u(pu('http', 'cw', 64, 'main', 'undici / amqplib'))} µs against ` +
      `${u(pu('http', 'raw', 64, 'main', 'undici / amqplib'))}); socket writes cost more per call too ` +
      `(${u(both('http', 'cw', 64, 'socket writes (syscalls)'))} against ${u(both('http', 'raw', 64, 'socket writes (syscalls)'))} µs) at the ` +
      'lower rate, where fewer writes share a wakeup. Signing, the envelope and its checks are what a cellwire message is. The ' +
      'levers that would still cut bytes change the wire for older cells: an answer without the request context (`ctxt` and its ' +
      'seven fields are required by the 1.0 envelope schema, so a 1.0 cell refuses such an answer), and default-valued fields left ' +
      'out (required too). Two hops add a signed, checked, re-encoded hop in the middle process.',
    `- **AMQP at 1 in flight (${at(q('cw-a1-1', 'floor-a1-1'))} of raw direct reply-to; target 0.85).** At one call in flight the rate is ` +
      `one over the latency, and every µs of CPU on the path counts: profiled, cellwire spends ${u(both('amqp', 'cw', 1))} µs per call in ` +
      `the two processes against ${u(both('amqp', 'raw', 1))} for the floor (runner ${u(both('amqp', 'cw', 1, RUNNER))}, envelope JSON ` +
      `${u(both('amqp', 'cw', 1, 'envelope JSON (encode/decode)'))}, amqplib ${u(both('amqp', 'cw', 1, 'undici / amqplib'))} against ` +
      `${u(both('amqp', 'raw', 1, 'undici / amqplib'))}: more headers to encode, the signature and its timestamp). A process that ` +
      'sleeps between calls also finds its caches cold on each: the same code costs several times more per call than under ' +
        'load (compare the 64-in-flight table).',
    `- **AMQP against Moleculer (${at(q('cw-a1-64', 'mol-a1-64'))}x at 64 in flight, rounds ${q('cw-a1-64', 'mol-a1-64') ? `${f2(q('cw-a1-64', 'mol-a1-64')!.min)}-${f2(q('cw-a1-64', 'mol-a1-64')!.max)}` : '-'}; target 1.2x in every round).** ` +
      `Moleculer's AMQP transporter (tuned: prefetch 64, no Nagle) runs at ${at(q('mol-a1-64', 'floor-a1-64'))} of the raw floor here; ` +
      `profiled, it spends ${u(both('amqp', 'mol', 64))} µs per call in the two processes and cellwire ${u(both('amqp', 'cw', 64))} ` +
      `(runner ${u(both('amqp', 'cw', 64, RUNNER))}, envelope JSON ${u(both('amqp', 'cw', 64, 'envelope JSON (encode/decode)'))}, ` +
      `socket writes ${u(both('amqp', 'cw', 64, 'socket writes (syscalls)'))} against ${u(both('amqp', 'mol', 64, 'socket writes (syscalls)'))}). ` +
      'Moleculer signs nothing, checks a shallow params schema once (three top-level types) and keeps no dedupe window; ' +
        'cellwire signs and verifies both ways, checks the full schemas and the envelopes, and remembers every uuid it received.',
  ];
  return lines.join('\n');
}

export function renderMarkdown(r: Report): string {
  const m = r.machine;
  const out: string[] = [];
  out.push('# cellwire benchmarks', '');
  out.push(`Written by \`${COMMAND}\` (tools/bench). Do not edit by hand: run the command again.`, '');
  out.push(
    `Machine: ${m.nproc} cores (\`nproc\`), ${m.cpu}, ${m.memGb} GB; Node ${m.node}; load average at the end ${m.load}. ` +
      `Shared and noisy: every comparison interleaves its variants, ${r.rounds} rounds of ${(r.measureMs / 1000).toFixed(1)} s each after a warm-up, ` +
      'and ratios are taken round by round (median, with the range over rounds). The whole run took ' +
      `${Math.round(r.totalS)} s.`,
    '',
  );
  out.push(
    `Workload: \`run_compute_api_method\` with \`call: true\`, arguments of ${r.requestBytes} bytes of JSON (an instance_update-like record in ` +
      `\`method_info.method_args\`), answer ${r.resultBytes} bytes; casts are the same method with \`call: false\`; broadcasts are ` +
      '`service_get_all`, two Service records per cell. Calls go from `api-cell` to `child-cell1` (1 hop) or to ' +
      '`child-cell2!grandchild-cell1` (2 hops) of the 8-cell reference tree; over http and amqp the children and the grandchildren ' +
      'run in two other processes. HTTP links are signed (HMAC per link), as deployed. Floors and Moleculer carry the same request and answer.',
    '',
  );
  for (const s of sections(r)) out.push(`## ${s.title}`, '', mdTable(HEAD, s.rows), '');
  const ex = extras(r);
  if (ex.length) out.push('## Broadcast at scale and code generation', '', mdTable(['what', 'time', 'notes'], ex), '');
  const wan = wanRows(r);
  if (wan.length) {
    out.push(
      `## ${WAN_TITLE}`,
      '',
      'After a few broadcasts every link knows its round trip; `service_get_all` from `api-cell`. The full answer needs two round ' +
        'trips (the grandchildren); at a deadline of 1.5 round trips only `api-cell` and its four children can answer. *Kept, fixed ' +
        'margin*: the same with links that report no latency, so every hop keeps the fixed margin of old.',
      '',
      mdTable(WAN_HEAD, wan),
      '',
    );
  }
  const t = targets(r);
  if (t.length) out.push('## Targets (medians, 64 in flight, 1 hop unless said)', '', mdTable(['target', 'want', 'got', 'met'], t.map((x) => [x.what, x.want, x.got, x.met === undefined ? '-' : x.met ? 'yes' : '**no**'])), '');
  const prof = profileSections(r);
  if (prof.length) {
    out.push(
      '## Where the time goes: CPU profiles of this run',
      '',
      'Each variant profiled in a process of its own for 3 s (`tools/bench/src/profile.ts`, inspector CPU profiles of the bench ' +
        'process and of the cells process) and its busy time split by category (`profile-categories.ts`), in µs per call. ' +
        'Profiling slows a process down by a third or so: read the columns against each other. *Bench* is the calling process ' +
        '(with `api-cell` for cellwire); *cells* the process that answers.',
      '',
    );
    for (const s of prof) out.push(`### ${s.title}`, '', mdTable(s.head, s.rows), '');
  }
  out.push('## Reading', '', reading(r), '');
  out.push(notes(r), '');
  out.push(
    '## Columns',
    '',
    '- calls/s: completed calls per second with that many calls in flight (closed loop), median over rounds, and the range.',
    '- p50, p99: latency percentiles of one round, median over rounds.',
    '- x floor, x Moleculer: this variant\'s rate over the other\'s, round by round; median (range).',
    '- CPU us/call: CPU time per call of the bench process (client side and `api-cell`), of the two cells processes together, and ' +
      'for AMQP of the local RabbitMQ (its Erlang VM, read from /proc at 10 ms resolution).',
    '',
  );
  return out.join('\n');
}

/** A few sentences computed from the results. */
function reading(r: Report): string {
  const lines: string[] = [];
  const q = (a: string, b: string) => ratio(r, a, b);
  const say = (text: string, ...rs: (Ratio | undefined)[]) => {
    if (rs.every(Boolean)) lines.push(text);
  };
  const m1 = q('cw-m1-64', 'floor-m1-64');
  const bound = q('bound-m1-64', 'floor-m1-64');
  const mol1 = q('cw-m1-1', 'mol-m1-1');
  const mol = q('cw-m1-64', 'mol-m1-64');
  say(
    `- **Memory.** A targeted call runs at ${f2(mol1?.med ?? NaN)}x Moleculer's fake transporter with one call in flight and ${f2(mol?.med ?? NaN)}x with 64, ` +
      `and at ${f2(m1?.med ?? NaN)} of the in-process JSON floor. Copying cellwire's own envelopes both ways (request and response, as the memory ` +
      `transport hands them over), and nothing else, runs at ${f2(bound?.med ?? NaN)}x that floor: the envelopes are not what bounds it.`,
    m1,
    bound,
    mol1,
    mol,
  );
  const h1 = q('cw-h1-64', 'floor-h1-64');
  const h2 = q('cw-h2-64', 'floor-h2-64');
  say(`- **HTTP.** ${f2(h1?.med ?? NaN)} of raw node:http + undici for 1 hop, ${f2(h2?.med ?? NaN)} of the raw forwarding chain for 2 hops.`, h1, h2);
  const a1 = q('cw-a1-64', 'floor-a1-64');
  const a2 = q('cw-a2-64', 'floor-a2-64');
  const am = q('cw-a1-64', 'mol-a1-64');
  say(`- **AMQP.** ${f2(a1?.med ?? NaN)} of raw amqplib with direct reply-to for 1 hop, ${f2(am?.med ?? NaN)}x Moleculer's AMQP transporter, ${f2(a2?.med ?? NaN)} of the raw chain for 2 hops.`, a1, am, a2);
  const c = [q('cw-cm', 'floor-cm'), q('cw-ch', 'floor-ch'), q('cw-ca', 'floor-ca')];
  say(`- **Casts.** memory ${f2(c[0]?.med ?? NaN)}, http ${f2(c[1]?.med ?? NaN)}, amqp ${f2(c[2]?.med ?? NaN)} of their floors; an AMQP cast is persistent and waits for the publisher confirm, like its floor.`, ...c);
  if (r.big) lines.push(`- **Broadcast at scale.** ${r.big.responses} Responses from a 1 + 30 + 900 cell memory tree in ${r.big.medianMs.toFixed(0)} ms (median), the process peaking at ${r.big.peakRssMb.toFixed(0)} MB RSS.`);
  if (r.deep) lines.push(`- **Broadcast at scale, four levels.** ${r.deep.responses} Responses from a 1 + 30 + 900 + 8,400 cell memory tree in ${r.deep.medianMs.toFixed(0)} ms (median), the process peaking at ${r.deep.peakRssMb.toFixed(0)} MB RSS.`);
  const syn = r.codegen.filter((x) => x.label.startsWith('synthetic'));
  if (syn.length) lines.push(`- **Code generation.** ${syn.map((x) => `${x.methods} methods ${(x.wallMs / 1000).toFixed(1)} s`).join(', ')}: a fixed start (loading TypeScript, ts-morph, ajv) plus a per-method cost that stays flat.`);
  return lines.join('\n');
}
