/**
 * Issue 13, item 9, on a real broker: casts waiting in a stopped middle cell's AMQP queue
 * were dropped when it came back and forwarded them, because their deadline was the call
 * timeout (the AMQP publisher then logged the misleading "not connected to broker ... before
 * the deadline"). A cast's deadline is now its time to live (24 h by default): a middle cell
 * that was down for longer than the call timeout still passes its queued casts on.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, expect, it } from 'vitest';
import { makeContext, MessageRunner, serve, type Listener, type Logger, type Transport } from '@cellwire/core';
import { createAmqpTransport } from '@cellwire/transport-amqp';
import { AMQP_URL, deleteQueues } from './fixtures/kits.js';
import { testHandlers, testService, type Run } from './fixtures/test-service.js';

const CALL_TIMEOUT_MS = 400;
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

it('a cast queued at a stopped middle cell for longer than the call timeout reaches its target when the cell comes back', async () => {
  const prefix = `cwttl-${randomBytes(4).toString('hex')}`;
  const runs: Run[] = [];
  const lines: string[] = [];
  const logger: Logger = { debug: () => undefined, info: () => undefined, warn: (m) => void lines.push(m), error: (m) => void lines.push(m) };
  const transports: Transport[] = [];
  cleanups.push(() => deleteQueues(AMQP_URL, ['top', 'mid', 'leaf'].flatMap((c) => ['targeted', 'broadcast', 'response'].map((t) => `${prefix}.${c}.${t}`))));

  /** One cell: its own runner and AMQP transport (a process of its own), listening and linked. */
  async function cell(name: string, parent?: string, child?: string): Promise<{ runner: MessageRunner; listener: Listener; transport: Transport }> {
    const runner = new MessageRunner({ name, logger, callTimeoutMs: CALL_TIMEOUT_MS, services: [serve(testService, testHandlers(name, runs))] });
    const transport = createAmqpTransport({ prefix, log: (level, m) => void (level === 'warn' || level === 'error' ? lines.push(`amqp: ${m}`) : undefined), drainTimeoutMs: 200 });
    transports.push(transport);
    cleanups.push(() => transport.close());
    if (parent) runner.addNeighbour('parent', parent, transport.connect({ name: parent, urls: [AMQP_URL] }, { cell: name }));
    if (child) runner.addNeighbour('child', child, transport.connect({ name: child, urls: [AMQP_URL] }, { cell: name }));
    const listener = await transport.listen({ cell: name, url: AMQP_URL }, runner.receive);
    cleanups.push(() => listener.close());
    return { runner, listener, transport };
  }

  await cell('leaf', 'mid');
  const top = await cell('top', undefined, 'mid');
  const mid = await cell('mid', 'top', 'leaf');

  // The middle cell stops: its queues stay on the broker and fill.
  mid.runner.close();
  await mid.listener.close();
  await mid.transport.close();

  const target = 'top!mid!leaf';
  await top.runner.invoke(testService.methods.echo, makeContext({ request_id: 'req-queued' }), { cell_name: target, text: 'queued', call: false });

  // Down for longer than the call timeout.
  await new Promise((r) => setTimeout(r, CALL_TIMEOUT_MS * 3));

  // It comes back (a new process: new runner, new transport, no broker connection yet).
  const again = await cell('mid', 'top', 'leaf');
  const end = Date.now() + 10_000;
  while (!runs.some((r) => r.cell === 'leaf' && r.method === 'echo') && Date.now() < end) await new Promise((r) => setTimeout(r, 20));

  expect(runs.filter((r) => r.cell === 'leaf').map((r) => [r.method, (r.args as { text: string }).text])).toEqual([['echo', 'queued']]);
  expect(again.runner.stats).toMatchObject({ castsAccepted: 1, castsDelivered: 1, castsLost: 0, castFailures: 0 });
  expect(lines.filter((l) => /not connected to broker|time to live ended|deadline passed/.test(l))).toEqual([]);
});
