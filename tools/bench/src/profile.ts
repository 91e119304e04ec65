/**
 * Profiles one remote variant, both sides: `tsx src/profile.ts <http|amqp|memory> <cw|raw|mol> [seconds]` (INFLIGHT=n: calls in flight, default 64).
 * The bench process is profiled with the inspector, the cells process too (its own
 * session); both .cpuprofile files land in /tmp (open them in Chrome DevTools or summarise
 * them with profile-top.ts). Prints calls/s and CPU µs per call of each process, and writes
 * them to /tmp/prof-<kind>-<which>.json.
 */
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageRunner, silentLogger, type Transport } from '@cellwire/core';
import { createAmqpTransport } from '@cellwire/transport-amqp';
import { createHttpTransport } from '@cellwire/transport-http';
import { cellwireObjects, deleteAmqpObjects, moleculerExchanges } from './amqp-cleanup.js';
import { memoryTree, REFERENCE_TREE } from './broadcast.js';
import { memoryFloor, rawAmqpClient, rawHttpClient, type Call } from './floors.js';
import { moleculerAmqpCaller, moleculerFake } from './peer-moleculer.js';
import { startCellsProc } from './procs.js';
import { measure } from './stats.js';
import { benchServices, callArgs, CONTEXT, novaClient } from './workload.js';

const here = path.dirname(fileURLToPath(import.meta.url));
process.env.TSX_TSCONFIG_PATH ??= path.join(here, '../tsconfig.json');
const [kind = 'http', which = 'cw', secs = '5'] = process.argv.slice(2);
const AMQP_URL = process.env.CELLWIRE_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672/%2F';
const args = callArgs('api-cell!child-cell1');
const id = randomBytes(3).toString('hex');
const closers: (() => Promise<unknown>)[] = [];

const p1 = kind === 'memory' ? undefined : await startCellsProc('cells-1');
if (p1) closers.push(() => p1.close());
let call: Call;
if (kind === 'memory') {
  if (which === 'cw') {
    const tree = await memoryTree(REFERENCE_TREE);
    closers.push(tree.close);
    const client = novaClient(tree.runners.get('api-cell')!);
    call = async () => (await client.runComputeApiMethod(CONTEXT, args)).valueOrRaise();
  } else if (which === 'mol') {
    const mol = await moleculerFake();
    closers.push(mol.close);
    call = () => mol.call(args);
  } else call = memoryFloor(args, 1);
} else if (which === 'cw') {
  const secret = randomBytes(16).toString('hex');
  const prefix = `cwprof-${id}`;
  const http = kind === 'http';
  const { urls } = await p1!.request<{ urls: Record<string, string> }>('cw-start', {
    transport: kind,
    cells: [{ name: 'child-cell1', ...(http ? { secrets: { 'api-cell': secret } } : {}) }],
    prefix,
    amqpUrl: AMQP_URL,
  });
  const t: Transport = http ? createHttpTransport() : createAmqpTransport({ prefix, log: () => undefined });
  const runner = new MessageRunner({ name: 'api-cell', services: benchServices('api-cell'), logger: silentLogger });
  const listener = await t.listen({ cell: 'api-cell', url: http ? 'http://127.0.0.1:0' : AMQP_URL, ...(http ? { secrets: { 'child-cell1': secret } } : {}) }, runner.receive);
  await p1!.request('cw-link', { transport: kind, links: [{ cell: 'child-cell1', side: 'parent', name: 'api-cell', url: http ? listener.urls[0] : AMQP_URL, ...(http ? { secret } : {}) }] });
  // Listener URLs of AMQP cells hide the password: links use the broker URL itself.
  runner.addNeighbour('child', 'child-cell1', t.connect({ name: 'child-cell1', urls: [http ? urls['child-cell1']! : AMQP_URL], ...(http ? { secret } : {}) }, { cell: 'api-cell' }));
  closers.push(async () => {
    await listener.close();
    runner.close();
    await t.close();
  });
  const client = novaClient(runner);
  call = async () => (await client.runComputeApiMethod(CONTEXT, args)).valueOrRaise();
} else if (which === 'mol') {
  const namespace = `molprof-${id}`;
  await p1!.request('mol-amqp', { url: AMQP_URL, namespace });
  const mol = await moleculerAmqpCaller(AMQP_URL, namespace);
  closers.push(mol.close);
  call = () => mol.call(args);
} else if (kind === 'http') {
  const raw = await p1!.request<{ url: string }>('raw-http-server');
  const c = rawHttpClient(raw.url, args);
  closers.push(c.close);
  call = c.call;
} else {
  const queue = `rawprof-${id}`;
  await p1!.request('raw-amqp-server', { url: AMQP_URL, queue });
  const c = await rawAmqpClient(AMQP_URL, queue, args);
  closers.push(c.close);
  call = c.call;
}

const inFlight = Number(process.env.INFLIGHT ?? 64);
await measure(call, inFlight, 1500);
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.start');
await p1?.request('profile-start');
const c0 = process.cpuUsage();
const k0 = (await p1?.cpu()) ?? 0;
const r = await measure(call, inFlight, Number(secs) * 1000);
const c = process.cpuUsage(c0);
const k = ((await p1?.cpu()) ?? 0) - k0;
const base = `/tmp/prof-${kind}-${which}`;
await p1?.request('profile-stop', { file: `${base}-cells.cpuprofile` });
const { profile } = await session.post('Profiler.stop');
fs.writeFileSync(`${base}-main.cpuprofile`, JSON.stringify(profile));
// For `npm run bench` (main.ts), which puts the profiles' categories in BENCHMARKS.md.
fs.writeFileSync(`${base}.json`, JSON.stringify({ kind, which, inFlight, rate: r.rate, count: r.count, p50: r.p50, cpuMainUs: (c.user + c.system) / r.count, cpuCellsUs: p1 ? k / r.count : undefined }));
console.log(
  `${kind} ${which}: ${Math.round(r.rate)} calls/s, p50 ${r.p50.toFixed(2)} ms; CPU per call: bench ${((c.user + c.system) / r.count).toFixed(1)} us` +
    (p1 ? `, cells ${(k / r.count).toFixed(1)} us` : '') +
    `; profiles ${base}-*.cpuprofile`,
);
for (const close of closers.reverse()) await close();
if (kind === 'amqp') {
  const cw = cellwireObjects(`cwprof-${id}`, ['api-cell', 'child-cell1']);
  await deleteAmqpObjects(AMQP_URL, { queues: [...cw.queues, `rawprof-${id}`], exchanges: [...cw.exchanges, ...moleculerExchanges(`molprof-${id}`)] });
}
process.exit(0);
