// The README's example, kept here so a test runs it (test/readme-example.test.ts).
import { MemoryNetwork } from '@cellwire/transport-memory';
import { startCellNode, makeContext } from '@cellwire/core';
import { createClient } from '@cellwire/client';

export async function smallTree() {
  const net = new MemoryNetwork();
  const transports = [net.transport()];
  const handlers = {
    getHostUptime: (ctx: { routingPath: string }, args: { host_name: string }) => `${args.host_name} up 3 days (${ctx.routingPath})`,
    serviceGetAll: () => [],
  };
  const api = await startCellNode({ name: 'api', handlers, transports, listen: [{ url: 'memory://api' }],
    children: [{ name: 'eu', urls: ['memory://eu'] }] });
  const eu = await startCellNode({ name: 'eu', handlers, transports, listen: [{ url: 'memory://eu' }],
    parents: [{ name: 'api', urls: ['memory://api'] }] });

  const client = createClient(api.runner);
  const uptime = await client.getHostUptime(makeContext(), { cell_name: 'api!eu', host_name: 'h1' });
  const perCell = await client.serviceGetAll(makeContext(), {}, { timeoutMs: 2000 });
  await Promise.all([api.close(), eu.close()]);
  return { uptime: uptime.valueOrRaise(), cells: perCell.map((r) => r.cellName) };
}
