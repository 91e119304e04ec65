/**
 * Summarises a CPU profile (`node --cpu-prof`, or profile.ts): self time per function (top N)
 * and the share of time under functions matching each pattern.
 *
 *   tsx src/profile-top.ts FILE.cpuprofile [N] [pattern...]
 *
 * Environment: INCLUSIVE=N (top N by inclusive time), BYFILE=1 (self time per source file),
 * FILE=regex (functions of matching files), CATS=1 (busy time by category: envelope JSON, HMAC,
 * socket writes, runner, ...), CALLS=n (also print microseconds per call).
 */
import fs from 'node:fs';
import { categorize, type CpuProfile } from './profile-categories.js';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
const [file, nArg, ...patterns] = process.argv.slice(2);
if (!file) throw new Error('usage: profile-top FILE [N] [pattern...]');
const prof = JSON.parse(fs.readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const self = new Map<number, number>();
let total = 0;
prof.samples.forEach((id, i) => {
  const dt = prof.timeDeltas[i] ?? 0;
  self.set(id, (self.get(id) ?? 0) + dt);
  total += dt;
});
const label = (n: Node) => `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.replace(/^.*\/(node_modules\/)?/, '')}:${n.callFrame.lineNumber + 1}`;
const agg = new Map<string, number>();
for (const [id, t] of self) {
  const n = byId.get(id)!;
  agg.set(label(n), (agg.get(label(n)) ?? 0) + t);
}
const top = [...agg].sort((a, b) => b[1] - a[1]).slice(0, Number(nArg ?? 25));
console.log(`total ${(total / 1000).toFixed(0)} ms`);
for (const [l, t] of top) console.log(`${((100 * t) / total).toFixed(1).padStart(5)}%  ${l}`);
for (const p of patterns) {
  const re = new RegExp(p);
  let t = 0;
  for (const [id, dt] of self) {
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const n = byId.get(cur)!;
      if (re.test(label(n))) { t += dt; break; }
    }
  }
  console.log(`inclusive ${p}: ${((100 * t) / total).toFixed(1)}%`);
}

if (process.env.INCLUSIVE) {
  const incl = new Map<string, number>();
  for (const [id, dt] of self) {
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const l = label(byId.get(cur)!);
      if (seen.has(l)) continue;
      seen.add(l);
      incl.set(l, (incl.get(l) ?? 0) + dt);
    }
  }
  console.log('--- inclusive');
  for (const [l, t] of [...incl].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.INCLUSIVE))) console.log(`${((100 * t) / total).toFixed(1).padStart(5)}%  ${l}`);
}

if (process.env.BYFILE) {
  const files = new Map<string, number>();
  for (const [id, dt] of self) {
    const n = byId.get(id)!;
    const f = n.callFrame.url.replace(/^.*\/work\/main\//, '') || n.callFrame.functionName;
    files.set(f, (files.get(f) ?? 0) + dt);
  }
  console.log('--- by file');
  const calls = Number(process.env.CALLS ?? 0);
  for (const [l, t] of [...files].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
    console.log(`${((100 * t) / total).toFixed(1).padStart(5)}%  ${calls ? `${(t / calls).toFixed(1).padStart(6)} us/call  ` : ''}${l}`);
  }
}

if (process.env.FILE) {
  const re = new RegExp(process.env.FILE);
  const calls = Number(process.env.CALLS ?? 0);
  const fns = new Map<string, number>();
  for (const [id, dt] of self) {
    const n = byId.get(id)!;
    if (!re.test(n.callFrame.url)) continue;
    fns.set(label(n), (fns.get(label(n)) ?? 0) + dt);
  }
  console.log(`--- functions in ${process.env.FILE}`);
  for (const [l, t] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, 30)) {
    console.log(`${((100 * t) / total).toFixed(1).padStart(5)}%  ${calls ? `${(t / calls).toFixed(1).padStart(6)} us/call  ` : ''}${l}`);
  }
}

/** CATS=1: busy time split into a few categories (profile-categories.ts). */
if (process.env.CATS) {
  const { busyMs, byCategory } = categorize(prof as CpuProfile);
  const calls = Number(process.env.CALLS ?? 0);
  console.log(`--- categories (share of busy time${calls ? ', us per call' : ''})`);
  for (const [cat, ms] of [...byCategory].sort((a, b) => b[1] - a[1])) {
    console.log(`${((100 * ms) / busyMs).toFixed(1).padStart(5)}%  ${calls ? `${((ms * 1000) / calls).toFixed(1).padStart(6)} us  ` : ''}${cat}`);
  }
}
