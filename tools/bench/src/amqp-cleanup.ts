/** Removes what a bench run declared on the broker (queues and exchanges are durable, or outlive their users). */
import amqp, { type Channel, type ChannelModel } from 'amqplib';

/** Queues and the fanout exchange of cellwire cells under `prefix`. */
export function cellwireObjects(prefix: string, cells: readonly string[]): { queues: string[]; exchanges: string[] } {
  return {
    queues: cells.flatMap((c) => ['targeted', 'broadcast', 'response'].map((t) => `${prefix}.${c}.${t}`)),
    exchanges: cells.map((c) => `${prefix}.${c}.fanout`),
  };
}

/** The exchanges Moleculer's AMQP transporter declares for a namespace (its queues expire by themselves). */
export function moleculerExchanges(namespace: string): string[] {
  return ['DISCOVER', 'DISCONNECT', 'INFO', 'HEARTBEAT', 'PING', 'EVENT'].map((p) => `MOL-${namespace}.${p}`);
}

export async function deleteAmqpObjects(url: string, objects: { queues?: readonly string[]; exchanges?: readonly string[] }): Promise<void> {
  const conn: ChannelModel = await amqp.connect(url);
  try {
    let ch: Channel | undefined;
    // A refused delete closes the channel: each one gets a fresh channel if it has to.
    const run = async (f: (c: Channel) => Promise<unknown>) => {
      try {
        if (!ch) {
          ch = await conn.createChannel();
          ch.on('error', () => undefined);
        }
        await f(ch);
      } catch {
        ch = undefined;
      }
    };
    for (const q of objects.queues ?? []) await run((c) => c.deleteQueue(q));
    for (const x of objects.exchanges ?? []) await run((c) => c.deleteExchange(x));
    await ch?.close().catch(() => undefined);
  } finally {
    await conn.close().catch(() => undefined);
  }
}
