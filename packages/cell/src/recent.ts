/**
 * The last calls a cell made or ran, for `GET /v1/recent` and the live page: a bounded ring
 * buffer, fed by the cell service's runner interceptor (observe.ts).
 */

/** How one Response of a call made here ended. */
export interface RecentResponse {
  /** The answering cell's path, from this cell. */
  readonly cell: string;
  /** `ok`, or the error code. */
  readonly outcome: string;
}

/** One call, as `GET /v1/recent` lists it. */
export interface RecentCall {
  /** When it started (ISO time). */
  readonly at: string;
  /** `origin`: made here; `handler`: run here. */
  readonly stage: 'origin' | 'handler';
  /** Wire name. */
  readonly method: string;
  /** The service the method belongs to (`nova_cells`; `cell_state` for the cells' own reports). */
  readonly service: string;
  /** `targeted`, `broadcast`, `targeted_or_broadcast` or `local`. */
  readonly kind: string;
  readonly direction: 'up' | 'down';
  /**
   * Where it went: at the origin, `api-cell -> api-cell!child-cell1` (targeted),
   * `api-cell -> * down` (broadcast) or `api-cell` (local); at a handler, the routing path it
   * came along (`api-cell!child-cell1`, this cell last).
   */
  readonly route: string;
  readonly request_id: string;
  readonly trace_id?: string;
  /** `ok`, or the error code (at the origin: of the call, or of its first failed Response). */
  readonly outcome: string;
  /** The error's message, when it failed. */
  readonly error?: string;
  readonly ms: number;
  /** At the origin, for a call: every Response, in the order they came. */
  readonly responses?: readonly RecentResponse[];
}

/**
 * A ring buffer of the last `size` calls.
 *
 * @example
 * const recent = new RecentCalls(100);
 * recent.push(call);
 * recent.list(20); // newest first
 */
export class RecentCalls {
  private readonly items: (RecentCall | undefined)[];
  private next = 0;
  private count = 0;

  constructor(readonly size = 100) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`recent calls: size must be a positive integer, got ${size}`);
    this.items = new Array<RecentCall | undefined>(size);
  }

  push(call: RecentCall): void {
    this.items[this.next] = call;
    this.next = (this.next + 1) % this.size;
    this.count = Math.min(this.count + 1, this.size);
  }

  /** The newest first; at most `limit`. */
  list(limit = this.size): RecentCall[] {
    const n = Math.max(0, Math.min(limit, this.count));
    const out: RecentCall[] = [];
    for (let i = 1; i <= n; i++) out.push(this.items[(this.next - i + this.size) % this.size] as RecentCall);
    return out;
  }
}
