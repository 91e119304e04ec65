/**
 * A cells process: hosts the far side of each remote benchmark, driven over IPC by main.ts.
 * Cellwire cells (HTTP or AMQP, each cell with its own transport, as separate deployments
 * would have), the raw floors' servers and forwarders, and Moleculer's AMQP service.
 *
 * Requests are `{ id, op, ...args }`; every one is answered `{ id, ok, result | error }`.
 */
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import { MessageRunner, silentLogger, type Link, type Listener, type Transport } from '@cellwire/core';
import { createAmqpTransport } from '@cellwire/transport-amqp';
import { createHttpTransport } from '@cellwire/transport-http';
import { rawAmqpForwarder, rawAmqpServer, rawHttpForwarder, rawHttpServer } from './floors.js';
import { moleculerAmqpService } from './peer-moleculer.js';
import { benchServices } from './workload.js';

export interface CellSpec {
  readonly name: string;
  /** HTTP: the secret of each neighbour's link, by neighbour name. */
  readonly secrets?: Record<string, string>;
}

export interface LinkSpec {
  readonly cell: string;
  readonly side: 'parent' | 'child';
  readonly name: string;
  readonly url: string;
  readonly secret?: string;
}

interface Hosted {
  readonly runner: MessageRunner;
  readonly transport: Transport;
  readonly listener: Listener;
}

const cells = new Map<string, Hosted>();
const links: Link[] = [];
const closers: (() => Promise<void>)[] = [];
let session: Session | undefined;

function transportFor(kind: string, prefix: string | undefined): Transport {
  if (kind === 'http') return createHttpTransport();
  return createAmqpTransport({ prefix: prefix ?? 'cellwire-bench', log: () => undefined });
}

const ops: Record<string, (a: Record<string, unknown>) => Promise<unknown>> = {
  async 'cw-start'(a) {
    const kind = a.transport as string;
    const urls: Record<string, string> = {};
    for (const spec of a.cells as CellSpec[]) {
      const key = `${kind}:${spec.name}`;
      const runner = new MessageRunner({ name: spec.name, services: benchServices(spec.name), logger: silentLogger });
      const transport = transportFor(kind, a.prefix as string | undefined);
      const url = kind === 'http' ? 'http://127.0.0.1:0' : (a.amqpUrl as string);
      const listener = await transport.listen({ cell: spec.name, url, ...(spec.secrets ? { secrets: spec.secrets } : {}) }, runner.receive);
      cells.set(key, { runner, transport, listener });
      urls[spec.name] = listener.urls[0] ?? url;
    }
    return { urls };
  },

  async 'cw-link'(a) {
    const kind = a.transport as string;
    for (const l of a.links as LinkSpec[]) {
      const cell = cells.get(`${kind}:${l.cell}`);
      if (!cell) throw new Error(`no ${kind} cell ${l.cell} here`);
      const link = cell.transport.connect({ name: l.name, urls: [l.url], ...(l.secret ? { secret: l.secret } : {}) }, { cell: l.cell });
      links.push(link);
      cell.runner.addNeighbour(l.side, l.name, link);
    }
    return {};
  },

  async 'raw-http-server'() {
    const s = await rawHttpServer();
    closers.push(s.close);
    return { url: s.url };
  },

  async 'raw-http-forward'(a) {
    const s = await rawHttpForwarder(a.next as string);
    closers.push(s.close);
    return { url: s.url };
  },

  async 'raw-amqp-server'(a) {
    const s = await rawAmqpServer(a.url as string, a.queue as string);
    closers.push(s.close);
    return {};
  },

  async 'raw-amqp-forward'(a) {
    const s = await rawAmqpForwarder(a.url as string, a.queue as string, a.next as string);
    closers.push(s.close);
    return {};
  },

  async 'mol-amqp'(a) {
    const s = await moleculerAmqpService(a.url as string, a.namespace as string);
    closers.push(s.close);
    return {};
  },

  /** CPU time used so far (µs), to split a variant's cost between processes. */
  async cpu() {
    const c = process.cpuUsage();
    return { us: c.user + c.system };
  },

  /** CPU profile of this process between profile-start and profile-stop (written to `file`). */
  async 'profile-start'() {
    session ??= new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
    return {};
  },

  async 'profile-stop'(a) {
    if (!session) throw new Error('no profile running');
    const { profile } = await session.post('Profiler.stop');
    fs.writeFileSync(a.file as string, JSON.stringify(profile));
    session.disconnect();
    session = undefined;
    return { file: a.file };
  },

  async pending() {
    let n = 0;
    for (const c of cells.values()) n += c.runner.pendingCount();
    return { pending: n };
  },

  async close() {
    for (const c of cells.values()) await c.listener.close().catch(() => undefined);
    for (const c of cells.values()) c.runner.close();
    await Promise.allSettled(links.map((l) => l.close()));
    for (const c of cells.values()) await c.transport.close().catch(() => undefined);
    cells.clear();
    for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
    return {};
  },
};

process.on('message', (msg: { id: number; op: string } & Record<string, unknown>) => {
  const op = ops[msg.op];
  const run = op ? op(msg) : Promise.reject(new Error(`unknown op ${msg.op}`));
  run.then(
    (result) => process.send?.({ id: msg.id, ok: true, result }),
    (e: unknown) => process.send?.({ id: msg.id, ok: false, error: e instanceof Error ? `${e.message}\n${e.stack}` : String(e) }),
  );
  if (msg.op === 'close') void run.finally(() => setTimeout(() => process.exit(0), 50));
});
// The parent went away: do not linger.
process.on('disconnect', () => process.exit(0));
process.send?.({ id: 0, ok: true, result: { ready: true } });
