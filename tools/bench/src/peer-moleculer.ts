/**
 * The peer: Moleculer 0.15 calling one action with the same payload and answer.
 *
 * - fake transporter: two brokers in one process (nodeIDs `api` and `child`), so every call
 *   goes through Moleculer's serializer (JSON) and transit, as a remote call does;
 * - AMQP transporter: the service broker in the first cells process, the caller here.
 *
 * Configured fairly: logger, metrics and tracing off (cellwire has none of them on either),
 * AMQP prefetch 64 (cellwire's listener default; Moleculer's default of 1 would serialize
 * every call), TCP_NODELAY on its sockets (as cellwire sets it), and a shallow params schema on the action (cellwire validates the full schema).
 */
import Module from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ServiceBroker } from 'moleculer';
import { CALL_RESULT } from './workload.js';

// Moleculer's AMQP transporter does `require('amqplib')` from the root node_modules, where
// moleculer is hoisted; amqplib 2.3.1 sits in tools/bench/node_modules. scripts/bench.sh
// exports NODE_PATH for that; this makes a direct `tsx src/main.ts` work as well.
const benchModules = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../node_modules');
if (!(process.env.NODE_PATH ?? '').split(path.delimiter).includes(benchModules)) {
  process.env.NODE_PATH = [benchModules, ...(process.env.NODE_PATH ?? '').split(path.delimiter).filter(Boolean)].join(path.delimiter);
  (Module as unknown as { _initPaths(): void })._initPaths();
}

export const ACTION = 'cells.run';

const QUIET = { logger: false, metrics: false, tracing: false, requestTimeout: 60_000 } as const;

function amqpTransporter(url: string) {
  // noDelay as cellwire's connections: without it every reply waits out Nagle + delayed ACK (~40 ms).
  return { type: 'AMQP', options: { url, prefetch: 64, autoDeleteQueues: 60_000, socketOptions: { noDelay: true } } };
}

function withService(broker: ServiceBroker): void {
  broker.createService({
    name: 'cells',
    actions: {
      run: {
        params: { cell_name: 'string', method_info: 'object', call: 'boolean' },
        handler: () => CALL_RESULT,
      },
    },
  });
}

/** Two brokers on the fake transporter; resolves with the caller. */
export async function moleculerFake(): Promise<{ call(params: object): Promise<unknown>; close(): Promise<void> }> {
  const ns = `fake-${process.pid}`;
  const svc = new ServiceBroker({ ...QUIET, namespace: ns, nodeID: 'child', transporter: 'Fake' } as never);
  withService(svc);
  const caller = new ServiceBroker({ ...QUIET, namespace: ns, nodeID: 'api', transporter: 'Fake' } as never);
  await svc.start();
  await caller.start();
  await caller.waitForServices(['cells'], 10_000);
  return {
    call: (params) => caller.call(ACTION, params),
    close: async () => {
      await caller.stop();
      await svc.stop();
    },
  };
}

/** The service side over AMQP (runs in a cells process). */
export async function moleculerAmqpService(url: string, namespace: string): Promise<{ close(): Promise<void> }> {
  const svc = new ServiceBroker({ ...QUIET, namespace, nodeID: `child-${process.pid}`, transporter: amqpTransporter(url) } as never);
  withService(svc);
  await svc.start();
  return { close: () => svc.stop() };
}

/** The caller side over AMQP. */
export async function moleculerAmqpCaller(url: string, namespace: string): Promise<{ call(params: object): Promise<unknown>; close(): Promise<void> }> {
  const caller = new ServiceBroker({ ...QUIET, namespace, nodeID: `api-${process.pid}`, transporter: amqpTransporter(url) } as never);
  await caller.start();
  await caller.waitForServices(['cells'], 20_000);
  return { call: (params) => caller.call(ACTION, params), close: () => caller.stop() };
}
