/**
 * Operations on a cell's broker objects outside the message path: for tests' disposable
 * fixtures and for decommissioning a cell.
 */
import { connect } from 'amqplib';
import { cellTopology, DEFAULT_PREFIX } from './topology.js';
import { parseBrokerUrl } from './url.js';

/**
 * Deletes a cell's queues (with any messages in them, its dead-letter queue too) and its fanout exchange. Missing ones
 * are fine. Its service instances' own fanout queues go away by themselves (exclusive).
 *
 * @example
 * afterEach(() => deleteCellTopology('amqp://guest:guest@127.0.0.1:5672/%2F', cell));
 */
export async function deleteCellTopology(url: string, cell: string, options: { prefix?: string } = {}): Promise<void> {
  const topology = cellTopology(cell, options.prefix ?? DEFAULT_PREFIX);
  const conn = await connect(parseBrokerUrl(url, 0).connect);
  try {
    const ch = await conn.createChannel();
    for (const queue of [...Object.values(topology.queues), topology.dead]) await ch.deleteQueue(queue);
    await ch.deleteExchange(topology.fanout);
    await ch.close();
  } finally {
    await conn.close();
  }
}
