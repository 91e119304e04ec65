/**
 * Names of the queues and exchanges a cell owns on its broker, and how to declare them.
 *
 * For cell `C` with the default prefix:
 *
 * | name | kind | who consumes |
 * |---|---|---|
 * | `cellwire.C.targeted`, `cellwire.C.broadcast`, `cellwire.C.response` | durable queue, one per message type | every service instance of C (competing consumers) |
 * | `cellwire.C.fanout` | durable fanout exchange | each service instance binds its own exclusive, auto-delete queue |
 *
 * One queue per message type mirrors the reference's `cells.intercell.<type>` topics: a cell
 * busy with requests still drains its responses, so a handler blocked on a reply cannot
 * starve the reply queue. Several cells can share one broker (and vhost) because every
 * name carries the cell.
 */
import type { Channel } from 'amqplib';
import type { MessageType } from '@cellwire/core';
import { CellwireError } from '@cellwire/core';

export const MESSAGE_TYPES: readonly MessageType[] = ['targeted', 'broadcast', 'response'];

/** The default name prefix (the reference's `rpc_driver_queue_base` was `cells.intercell`). */
export const DEFAULT_PREFIX = 'cellwire';

/** The broker objects of one cell. */
export interface CellTopology {
  readonly cell: string;
  /** Durable queue per message type. */
  readonly queues: Readonly<Record<MessageType, string>>;
  /** Fanout exchange: every service instance of the cell gets a copy. */
  readonly fanout: string;
  /**
   * Where the cell's listeners put messages they will not run (poison casts, a message that
   * crash-looped, forged or stale casts). Declared the first time one is needed, so a cell
   * that never dead-letters has no such queue.
   */
  readonly dead: string;
}

// Queue names are AMQP short strings (at most 255 bytes). Cell names never hold `!` or `@`
// (routing separators); whitespace and control characters would make unreadable queue names.
const BAD_CELL_NAME = /[!@\s\u0000-\u001f\u007f]/;

/**
 * Names the queues and the fanout exchange of `cell`.
 *
 * @example
 * cellTopology('child-cell1').queues.targeted // 'cellwire.child-cell1.targeted'
 */
export function cellTopology(cell: string, prefix: string = DEFAULT_PREFIX): CellTopology {
  if (cell.length === 0 || Buffer.byteLength(cell) > 200 || BAD_CELL_NAME.test(cell)) {
    throw new CellwireError('invalid_argument', `cell name ${JSON.stringify(cell)} cannot name an AMQP queue`);
  }
  if (prefix.length === 0 || prefix.length > 40 || prefix.startsWith('amq.')) {
    throw new CellwireError('invalid_argument', `queue prefix ${JSON.stringify(prefix)} is not usable`);
  }
  const base = `${prefix}.${cell}`;
  return {
    cell,
    queues: { targeted: `${base}.targeted`, broadcast: `${base}.broadcast`, response: `${base}.response` },
    fanout: `${base}.fanout`,
    dead: `${base}.dead`,
  };
}

/** The fanout exchange is declared by listeners and (idempotently) by senders, with these flags. */
export const FANOUT_EXCHANGE_OPTIONS = { durable: true, autoDelete: false } as const;
export const CELL_QUEUE_OPTIONS = { durable: true, exclusive: false, autoDelete: false } as const;

/**
 * The dead-letter queue: durable, capped at `maxLength` messages (the oldest go first), so a
 * flood of poison cannot fill the broker. A new name with its own arguments: the cell
 * queues themselves are declared exactly as before, so existing queues never trip over
 * PRECONDITION_FAILED.
 */
export function deadQueueOptions(maxLength: number) {
  return { durable: true, exclusive: false, autoDelete: false, arguments: { 'x-max-length': maxLength, 'x-overflow': 'drop-head' } } as const;
}

/**
 * Declares the shared objects of a cell (idempotent) and this service instance's own fanout
 * queue, bound to the cell's fanout exchange. Returns the queues to consume.
 */
export async function declareCellTopology(channel: Channel, topology: CellTopology): Promise<string[]> {
  const queues: string[] = [];
  for (const type of MESSAGE_TYPES) {
    const { queue } = await channel.assertQueue(topology.queues[type], CELL_QUEUE_OPTIONS);
    queues.push(queue);
  }
  await channel.assertExchange(topology.fanout, 'fanout', FANOUT_EXCHANGE_OPTIONS);
  // Server-named (amq.gen-...) so a reconnect never trips over the exclusive queue of a
  // connection the broker has not noticed is dead yet (RESOURCE_LOCKED).
  const { queue: own } = await channel.assertQueue('', { exclusive: true, autoDelete: true, durable: false });
  await channel.bindQueue(own, topology.fanout, '');
  queues.push(own);
  return queues;
}
