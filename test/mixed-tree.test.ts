/**
 * One tree, three transports: api-cell to child-cell2 over AMQP, child-cell2 to
 * grandchild-cell1 over HTTP (signed), every other link in memory. The scheme of each
 * neighbour URL picks the transport for that link. Cells serve core's test service.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { expect, it } from 'vitest';
import { makeContext, serve, silentLogger, startCellNode, type CellNode } from '@cellwire/core';
import { createClient } from '@cellwire/client';
import { cellState, cellStateHandlers } from '@cellwire/schema';
import { createAmqpTransport } from '@cellwire/transport-amqp';
import { createHttpTransport } from '@cellwire/transport-http';
import { MemoryNetwork } from '@cellwire/transport-memory';
import { AMQP_URL, deleteQueues } from './fixtures/kits.js';
import { REFERENCE_PATHS, REFERENCE_TREE } from './fixtures/tree.js';
import { testHandlers, testService } from './fixtures/test-service.js';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

it('a broadcast over mixed links returns all 8 answers and a targeted call reaches grandchild-cell1', async () => {
  const prefix = `cwmixed-${randomBytes(4).toString('hex')}`;
  const memory = new MemoryNetwork();
  const secret = randomBytes(16).toString('hex');
  const ports = { c2: await freePort(), g1: await freePort() };
  /** How a parent reaches each child. */
  const url = (cell: string): string => {
    if (cell === 'child-cell2') return AMQP_URL;
    if (cell === 'grandchild-cell1') return `http://127.0.0.1:${ports.g1}`;
    return `memory://${cell}`;
  };
  const parents = new Map<string, string>();
  for (const [p, kids] of Object.entries(REFERENCE_TREE)) for (const k of kids) parents.set(k, p);
  const services = (cell: string) => [serve(testService, testHandlers(cell)), serve(cellState, cellStateHandlers())];
  const transports = () => [memory.transport(), createHttpTransport(), createAmqpTransport({ prefix, log: () => undefined, drainTimeoutMs: 200 })];
  const nodes: CellNode[] = [];
  try {
    for (const cell of ['api-cell', ...Object.values(REFERENCE_TREE).flat()]) {
      const listen: { url: string; secrets?: Record<string, string> }[] = [{ url: `memory://${cell}` }];
      if (cell === 'child-cell2') {
        listen.push({ url: AMQP_URL });
        listen.push({ url: `http://127.0.0.1:${ports.c2}`, secrets: { 'grandchild-cell1': secret } });
      }
      if (cell === 'grandchild-cell1') listen.push({ url: `http://127.0.0.1:${ports.g1}`, secrets: { 'child-cell2': secret } });
      const parent = parents.get(cell);
      const parentUrl = cell === 'grandchild-cell1' ? `http://127.0.0.1:${ports.c2}` : cell === 'child-cell2' ? AMQP_URL : parent ? `memory://${parent}` : '';
      // child-cell2 reaches api-cell over AMQP too: api-cell listens there as well.
      if (cell === 'api-cell') listen.push({ url: AMQP_URL });
      nodes.push(
        await startCellNode({
          name: cell,
          services: services(cell),
          logger: silentLogger,
          transports: transports(),
          listen,
          parents: parent ? [{ name: parent, urls: [parentUrl], ...(cell === 'grandchild-cell1' ? { secret } : {}) }] : [],
          children: (REFERENCE_TREE[cell] ?? []).map((k) => ({
            name: k,
            urls: [url(k)],
            ...(k === 'grandchild-cell1' ? { secret } : {}),
          })),
        }),
      );
    }
    const api = nodes[0]!.runner;
    expect(api.state.children.get('child-cell2')!.link.constructor.name).toMatch(/Amqp/);
    const client = createClient(testService, api);
    const res = await client.gather(makeContext(), {}, { timeoutMs: 5000 });
    expect(res.filter((r) => r.failure)).toEqual([]);
    expect(res.map((r) => r.valueOrRaise()).sort()).toEqual([...REFERENCE_PATHS].sort());
    const target = 'api-cell!child-cell2!grandchild-cell1';
    const r = await client.echo(makeContext(), { cell_name: target, text: 'h' }, { timeoutMs: 5000 });
    expect(r.valueOrRaise()).toBe(`h@${target}`);
    // And back up from grandchild-cell1 over HTTP then AMQP.
    const grandchild = nodes.find((n) => n.runner.name === 'grandchild-cell1')!.runner;
    const up = await grandchild.broadcast(testService.methods.gather, makeContext(), {}, { direction: 'up', needResponse: true }, { timeoutMs: 5000 });
    expect(up?.map((x) => [x.cellName, x.valueOrRaise()])).toEqual([
      ['grandchild-cell1!child-cell2!api-cell', 'grandchild-cell1!child-cell2!api-cell'],
      ['grandchild-cell1!child-cell2', 'grandchild-cell1!child-cell2'],
      ['grandchild-cell1', 'grandchild-cell1'],
    ]);
  } finally {
    await Promise.allSettled(nodes.map((n) => n.close()));
    await deleteQueues(AMQP_URL, ['api-cell', 'child-cell2'].flatMap((c) => ['targeted', 'broadcast', 'response'].map((t) => `${prefix}.${c}.${t}`)));
  }
});
