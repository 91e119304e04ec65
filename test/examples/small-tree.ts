// The README's example ("A small tree in a dozen lines"), kept here so a test runs it
// (test/readme-example.test.ts).
import { MemoryNetwork } from '@cellwire/transport-memory';
import { startCellNode, makeContext, serve } from '@cellwire/core';
import { createClient } from '@cellwire/client';
import { novaCells, cellState, cellStateHandlers, type NovaCellsHandlers } from '@cellwire/schema';

export async function smallTree() {
  const net = new MemoryNetwork();
  const transports = [net.transport()];
  const handlers: Partial<NovaCellsHandlers> = {
    getHostUptime: (ctx, args) => `${args.host_name} up 3 days (${ctx.routingPath})`,
    serviceGetAll: () => [],
  };
  const services = [serve(novaCells, handlers), serve(cellState, cellStateHandlers())];
  const api = await startCellNode({ name: 'api', services, transports, listen: [{ url: 'memory://api' }],
    children: [{ name: 'eu', urls: ['memory://eu'] }] });
  const eu = await startCellNode({ name: 'eu', services, transports, listen: [{ url: 'memory://eu' }],
    parents: [{ name: 'api', urls: ['memory://api'] }] });

  const nova = createClient(novaCells, api.runner);
  const uptime = await nova.getHostUptime(makeContext(), { cell_name: 'api!eu', host_name: 'h1' });
  const perCell = await nova.serviceGetAll(makeContext(), {}, { timeoutMs: 2000 }); // one Response per cell
  await Promise.all([api.close(), eu.close()]);
  return { uptime: uptime.valueOrRaise(), cells: perCell.map((r) => r.cellName), values: perCell.map((r) => r.valueOrRaise()) };
}
