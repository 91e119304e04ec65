/**
 * Remembers message keys for a while so that a redelivered message is not run twice.
 * Keys are inserted in time order, so expiry only ever looks at the oldest entries.
 */
export class DedupeWindow {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly windowMs = 5 * 60_000,
    private readonly maxEntries = 200_000,
  ) {}

  /** True the first time a key is seen within the window; false for a repeat. */
  firstSeen(key: string, now = Date.now()): boolean {
    this.expire(now);
    if (this.seen.has(key)) return false;
    this.seen.set(key, now + this.windowMs);
    return true;
  }

  /** Forgets a key (a message we refused, so a later retry of it may run). */
  forget(key: string): void {
    this.seen.delete(key);
  }

  get size(): number {
    return this.seen.size;
  }

  private expire(now: number): void {
    for (const [key, until] of this.seen) {
      if (until > now && this.seen.size <= this.maxEntries) break;
      this.seen.delete(key);
    }
  }
}
