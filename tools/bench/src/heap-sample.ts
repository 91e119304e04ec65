/**
 * Where promoted garbage comes from: runs memory calls (api-cell -> child-cell1, INFLIGHT in
 * flight, default 64, for 3 s) under V8's sampling heap profiler, counting only objects that a
 * full GC collected (they outlived the young generation, then died: the GC cost that scales
 * with load), and prints the allocation sites that made most of them.
 *
 *   TSX_TSCONFIG_PATH=tools/bench/tsconfig.json node --import tsx tools/bench/src/heap-sample.ts
 */
import { Session } from 'node:inspector/promises';
import { memoryTree, REFERENCE_TREE } from './broadcast.js';
import { callArgs, CONTEXT, novaClient } from './workload.js';
const tree = await memoryTree(REFERENCE_TREE);
const client = novaClient(tree.runners.get('api-cell')!);
const args = callArgs('api-cell!child-cell1');
const call = async () => (await client.runComputeApiMethod(CONTEXT, args)).valueOrRaise();
const s = new Session(); s.connect();
await s.post('HeapProfiler.enable');
await s.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: false } as any);
const until = Date.now() + 3000;
await Promise.all(Array.from({ length: Number(process.env.INFLIGHT ?? 64) }, async () => { while (Date.now() < until) await call(); }));
const { profile } = (await s.post('HeapProfiler.stopSampling')) as any;
const by = new Map<string, number>();
const walk = (n: any, stack: string[]) => {
  const f = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.replace(/^.*\//, '')}:${n.callFrame.lineNumber + 1}`;
  const st = [...stack, f];
  if (n.selfSize > 0) { const k = st.slice(-3).join(' < '); by.set(k, (by.get(k) ?? 0) + n.selfSize); }
  for (const c of n.children) walk(c, st);
};
walk(profile.head, []);
const total = [...by.values()].reduce((a, b) => a + b, 0);
console.log('total sampled MB', (total / 1e6).toFixed(1));
for (const [k, v] of [...by].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log((v / 1e6).toFixed(1).padStart(6), k);
await tree.close();
