/**
 * Remembers message keys for a while so that a redelivered message is not run twice.
 *
 * In memory by default, so a restart forgets the window. Given a DedupeStore (a cell's
 * database), the window is loaded from it when made, and each key is written to it once its
 * message has been handled (`handled`, when the runner is done with it and the transport
 * acknowledges it): a copy redelivered or replayed after a restart is still a repeat.
 *
 * Why when handled rather than when first seen: while a message runs, a second copy is caught
 * by the window in memory; if the process dies while it runs, the transport redelivers it
 * (AMQP: it was never acknowledged; HTTP: the sender got no answer) and, its key unrecorded, it
 * runs again: at least once, as the transports promise. Recorded before running, that copy
 * would be dropped as a repeat of a message that never finished, and lost.
 *
 * Keys sit in a Map (membership) and in a queue in arrival order (expiry). Expiry pops the
 * queue from its head, so each message costs O(1). (Iterating the Map itself from its oldest
 * entry, as before, had to step over every entry deleted since V8 last compacted the table:
 * once the window was full, tens of thousands of holes per message.)
 */
/**
 * Where a DedupeWindow keeps its keys across restarts (`RunnerOptions.dedupeStore`). Core
 * knows no storage: the cell service backs it with a table of its SQLite store. Calls are
 * synchronous, so a key is recorded before the message it names runs.
 */
export interface DedupeStore {
  /** The keys still remembered at `now`, each with the time it may be forgotten (ms since epoch). */
  load(now: number): Iterable<readonly [key: string, until: number]>;
  /** Records a key whose message was handled; `until`: when it may be forgotten. */
  add(key: string, until: number): void;
  /** Forgets keys whose time has passed (called now and then, not per message). */
  expire(now: number): void;
  /** Forgets one key (a message refused, so that a retry of it may run). */
  forget?(key: string): void;
}

export class DedupeWindow {
  private readonly seen = new Map<string, number>();
  /** Who sent the first copy, for the keys that were given one. */
  private readonly senders = new Map<string, string>();
  /** Keys and their expiry times in insertion order, from `head` on. */
  private keys: string[] = [];
  private untils: number[] = [];
  private head = 0;

  /** When the store was last asked to expire its keys. */
  private storeExpiredAt = 0;

  constructor(
    private readonly windowMs = 5 * 60_000,
    private readonly maxEntries = 200_000,
    private readonly store?: DedupeStore,
    now = Date.now(),
  ) {
    if (!store) return;
    const loaded = [...store.load(now)].filter(([, until]) => until > now).sort((a, b) => a[1] - b[1]);
    for (const [key, until] of loaded) {
      this.seen.set(key, until);
      this.keys.push(key);
      this.untils.push(until);
    }
    this.expireStore(now);
  }

  /**
   * True the first time a key is seen within the window; false for a repeat. `sender`, when
   * given, is remembered with a first copy (see `firstSender`).
   */
  firstSeen(key: string, now = Date.now(), sender?: string): boolean {
    this.expire(now);
    if (this.seen.has(key)) return false;
    const until = now + this.windowMs;
    this.seen.set(key, until);
    if (sender !== undefined) this.senders.set(key, sender);
    this.keys.push(key);
    this.untils.push(until);
    return true;
  }

  /**
   * The message of a first-seen key has been handled: its key goes to the store (if any), so a
   * restart still knows it. Throws what the store throws.
   */
  handled(key: string): void {
    const until = this.seen.get(key);
    if (until !== undefined) this.store?.add(key, until);
  }

  /** Whether keys are kept across restarts (a store was given). */
  get persistent(): boolean {
    return this.store !== undefined;
  }

  /** The sender of the first copy of a key still in the window, when one was given. */
  firstSender(key: string): string | undefined {
    return this.senders.get(key);
  }

  /** Forgets a key (a message we refused, so a later retry of it may run). */
  forget(key: string): void {
    this.seen.delete(key);
    this.senders.delete(key);
    this.store?.forget?.(key);
  }

  get size(): number {
    return this.seen.size;
  }

  /**
   * Forgets the keys whose time has passed. `firstSeen` does this as messages arrive; a cell
   * that stops receiving (a leaf once the load is gone) would otherwise hold its last window's
   * keys until its next message. The runner calls it now and then.
   */
  sweep(now = Date.now()): void {
    this.expire(now);
  }

  private expire(now: number): void {
    const keys = this.keys;
    const untils = this.untils;
    let head = this.head;
    while (head < keys.length) {
      const until = untils[head] as number;
      if (until > now && this.seen.size <= this.maxEntries) break;
      const key = keys[head] as string;
      // A forgotten key may have been seen again since: only its own entry expires it.
      if (this.seen.get(key) === until) {
        this.seen.delete(key);
        this.senders.delete(key);
      }
      head++;
    }
    if (head > 1024 && head * 2 > keys.length) {
      this.keys = keys.slice(head);
      this.untils = untils.slice(head);
      head = 0;
    }
    this.head = head;
    if (this.store && now - this.storeExpiredAt >= STORE_EXPIRY_EVERY_MS) this.expireStore(now);
  }

  private expireStore(now: number): void {
    this.storeExpiredAt = now;
    this.store?.expire(now);
  }
}

/** How often a DedupeStore is asked to drop its expired keys. */
const STORE_EXPIRY_EVERY_MS = 10_000;
