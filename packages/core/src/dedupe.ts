/**
 * Remembers message keys for a while so that a redelivered message is not run twice.
 *
 * Keys sit in a Map (membership) and in a queue in arrival order (expiry). Expiry pops the
 * queue from its head, so each message costs O(1). (Iterating the Map itself from its oldest
 * entry, as before, had to step over every entry deleted since V8 last compacted the table:
 * once the window was full, tens of thousands of holes per message.)
 */
export class DedupeWindow {
  private readonly seen = new Map<string, number>();
  /** Who sent the first copy, for the keys that were given one. */
  private readonly senders = new Map<string, string>();
  /** Keys and their expiry times in insertion order, from `head` on. */
  private keys: string[] = [];
  private untils: number[] = [];
  private head = 0;

  constructor(
    private readonly windowMs = 5 * 60_000,
    private readonly maxEntries = 200_000,
  ) {}

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

  /** The sender of the first copy of a key still in the window, when one was given. */
  firstSender(key: string): string | undefined {
    return this.senders.get(key);
  }

  /** Forgets a key (a message we refused, so a later retry of it may run). */
  forget(key: string): void {
    this.seen.delete(key);
    this.senders.delete(key);
  }

  get size(): number {
    return this.seen.size;
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
  }
}
