/**
 * The exchanges neighbours wait on (HTTP response, AMQP reply-to, a memory promise), held
 * by message uuid and neighbour until this cell's answer for them is ready, so that the
 * answer goes straight back on the same exchange instead of as a new message. Each one is
 * used or released once: taken for the answer, released empty at its deadline, or released
 * empty when the runner closes; a transport must never be left waiting.
 */
import { timerUntil } from './timers.js';
import type { Envelope } from './wire.js';

/** Answers a waiting neighbour: with the reply envelope, or `undefined` for no reply this way. */
export type Reply = (envelope: Envelope | undefined) => void;

interface ReplyChannel {
  readonly reply: Reply;
  readonly timer: NodeJS.Timeout;
}

// One key per message and neighbour: a broadcast reaches a cell once per parent in a graph.
const keyOf = (uuid: string, neighbour: string): string => `${uuid}>${neighbour}`;

export class ReplyChannels {
  private readonly byKey = new Map<string, ReplyChannel>();

  get size(): number {
    return this.byKey.size;
  }

  /** Whether an exchange from `neighbour` for message `uuid` is held. */
  has(uuid: string, neighbour: string): boolean {
    return this.byKey.has(keyOf(uuid, neighbour));
  }

  /**
   * Holds `reply` until it is taken, or until `deadline`, when it is released empty: past
   * the deadline the neighbour stopped waiting, and the exchange must not stay open.
   */
  hold(uuid: string, neighbour: string, reply: Reply, deadline: number): void {
    const key = keyOf(uuid, neighbour);
    const timer = timerUntil(deadline, () => {
      // A later hold of the same key replaced this one: that one's timer decides.
      if (this.byKey.get(key)?.timer !== timer) return;
      this.byKey.delete(key);
      reply(undefined);
    });
    // A held exchange alone must not keep the process alive.
    timer.unref?.();
    this.byKey.set(key, { reply, timer });
  }

  /** The held exchange from `neighbour` for message `uuid`, removed so it is used once. */
  take(uuid: string, neighbour: string): Reply | undefined {
    const key = keyOf(uuid, neighbour);
    const ch = this.byKey.get(key);
    if (!ch) return undefined;
    this.byKey.delete(key);
    clearTimeout(ch.timer);
    return ch.reply;
  }

  /** Releases every held exchange empty (the runner is closing). */
  releaseAll(): void {
    for (const [key, ch] of this.byKey) {
      this.byKey.delete(key);
      clearTimeout(ch.timer);
      ch.reply(undefined);
    }
  }
}
