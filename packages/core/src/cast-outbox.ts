/**
 * Casts a cell accepted and could not pass on. A cell in the middle of a cast's path has
 * already said yes to the neighbour that sent it (an HTTP 202, an AMQP ack): when its own
 * next hop refuses, nobody upstream can be told any more. Rather than drop the cast, the
 * runner holds it here, per neighbour, and retries it oldest first, backing off while the
 * neighbour keeps refusing, until the cast's time to live (its deadline) ends.
 *
 * Core knows no storage: `CastOutboxStore` is the hook (the cell service keeps held casts
 * in a table of its SQLite store, so they survive a restart; `memoryCastOutbox()` is the
 * in-process one). Without a store the runner logs and counts such a cast as lost.
 *
 * Order: while a neighbour has casts held, new casts for it are held behind them rather than
 * sent past them, and held casts are handed over oldest first, a few at a time (as casts are
 * on a working link, where several are in flight at once): a newer update does not overtake a
 * whole backlog of older ones.
 */
import { CellwireError } from './errors.js';
import { logFields } from './log-fields.js';
import type { Logger } from './logger.js';
import type { Side } from './neighbours.js';
import type { RunnerStats } from './runner-options.js';
import type { Link, SendOptions } from './transport.js';
import type { Envelope } from './wire.js';

/** One cast held for a neighbour. */
export interface HeldCast {
  readonly side: Side;
  /** The neighbour's short name. */
  readonly neighbour: string;
  readonly messageType: 'targeted' | 'broadcast';
  readonly fanout: boolean;
  /** The envelope text, exactly as it was to leave this cell. */
  readonly data: string;
  /** When its time to live ends (ms since epoch): it is given up then. */
  readonly until: number;
  /** For the log lines: the message's uuid and method. */
  readonly uuid: string;
  readonly method: string;
}

/** A held cast as the store returns it. */
export interface StoredCast extends HeldCast {
  /** Increasing in the order casts were held. */
  readonly id: number;
}

/** Where a runner keeps held casts (RunnerOptions.castOutbox). Synchronous: a cast is kept before the cell says it took it. */
export interface CastOutboxStore {
  add(cast: HeldCast): void;
  /** Up to `limit` held casts for one neighbour, oldest first. */
  list(side: Side, neighbour: string, limit: number): StoredCast[];
  remove(id: number): void;
  /** How many casts are held, per neighbour. */
  counts(): Iterable<{ readonly side: Side; readonly neighbour: string; readonly count: number }>;
}

/** An outbox in this process's memory: held casts retried while it runs, gone if it stops. */
export function memoryCastOutbox(): CastOutboxStore {
  let seq = 0;
  const rows: StoredCast[] = [];
  return {
    add: (cast) => void rows.push({ ...cast, id: ++seq }),
    list: (side, neighbour, limit) => rows.filter((r) => r.side === side && r.neighbour === neighbour).slice(0, limit),
    remove: (id) => {
      const i = rows.findIndex((r) => r.id === id);
      if (i >= 0) rows.splice(i, 1);
    },
    counts: () => {
      const by = new Map<string, { side: Side; neighbour: string; count: number }>();
      for (const r of rows) {
        const k = `${r.side}:${r.neighbour}`;
        const c = by.get(k) ?? { side: r.side, neighbour: r.neighbour, count: 0 };
        c.count++;
        by.set(k, c);
      }
      return by.values();
    },
  };
}

/** What the outbox needs of its runner, given once. */
export interface CastOutboxParts {
  readonly store: CastOutboxStore;
  /** The link to a neighbour now, if it is still one. */
  readonly linkOf: (side: Side, neighbour: string) => Link | undefined;
  readonly stats: RunnerStats;
  readonly logger: Logger;
  /** How long one hand-off may take (the runner's call timeout). */
  readonly handoffMs: number;
  readonly retryMs: number;
  readonly retryMaxMs: number;
}

/** Casts read from the store per neighbour and retry round. */
const BATCH = 200;
/** Held casts in flight at once per neighbour while a backlog drains. */
const IN_FLIGHT = 16;

/**
 * Whether a cast refused with `err` may get through later: a neighbour or a broker that is not
 * there (`unavailable`), a hand-off that timed out, or a link that is full for now
 * (`resource_exhausted`). Not: `unauthenticated`, `payload_too_large`, `invalid_argument`...
 */
export function retryLater(err: CellwireError): boolean {
  return err.retryable || err.code === 'resource_exhausted';
}

/** The runner's outbox: holds casts a next hop refused and hands them over when it takes them again. */
export class CastOutbox {
  private readonly store: CastOutboxStore;
  /** Casts held per neighbour (`side:name`). */
  private readonly held = new Map<string, number>();
  /** Per neighbour: refusals in a row, and when to try again. */
  private readonly backoff = new Map<string, { fails: number; at: number }>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly parts: CastOutboxParts) {
    this.store = parts.store;
    // Held before a restart: retried a first delay after start (the links are up by then).
    for (const c of parts.store.counts()) {
      if (c.count <= 0) continue;
      const k = key(c.side, c.neighbour);
      this.held.set(k, c.count);
      this.backoff.set(k, { fails: 0, at: Date.now() + parts.retryMs });
    }
    if (this.size > 0) this.schedule();
  }

  /** Casts held now. */
  get size(): number {
    let n = 0;
    for (const c of this.held.values()) n += c;
    return n;
  }

  /** Whether casts for this neighbour are held (new ones then queue behind them). */
  holds(side: Side, neighbour: string): boolean {
    return (this.held.get(key(side, neighbour)) ?? 0) > 0;
  }

  /** Holds a cast whose hand-off was refused (or that queues behind held ones). Throws when the store cannot keep it. */
  hold(cast: HeldCast): void {
    this.store.add(cast);
    const k = key(cast.side, cast.neighbour);
    this.held.set(k, (this.held.get(k) ?? 0) + 1);
    this.parts.stats.castsHeld++;
    if (!this.backoff.has(k)) this.backoff.set(k, { fails: 1, at: Date.now() + this.parts.retryMs });
    this.schedule();
  }

  /**
   * One retry round; resolves when it is done, never rejects. `now`: every neighbour with casts
   * held is tried at once, whatever its backoff (an operator, a test); otherwise only those
   * whose turn came.
   */
  flush(now = true): Promise<void> {
    this.running ??= this.round(now)
      .catch((e: unknown) => {
        // The store failed (or closed under a round at shutdown): the casts stay held, the next turn tries again.
        if (!this.closed) this.parts.logger.error(`cast outbox: a retry round failed: ${(e as Error)?.message ?? String(e)}`);
      })
      .finally(() => {
        this.running = undefined;
        if (this.size > 0) this.schedule();
      });
    return this.running;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.closed || this.timer !== undefined) return;
    let at = Infinity;
    for (const k of this.held.keys()) at = Math.min(at, this.backoff.get(k)?.at ?? 0);
    const delay = Math.max(0, Math.min(at - Date.now(), this.parts.retryMaxMs));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush(false);
    }, delay);
    // Held casts are kept (in the store) whether or not this process stays up for them.
    this.timer.unref?.();
  }

  private async round(all: boolean): Promise<void> {
    const now = Date.now();
    const due = [...this.held.entries()].filter(([k, n]) => n > 0 && (all || (this.backoff.get(k)?.at ?? 0) <= now)).map(([k]) => k);
    await Promise.all(due.map((k) => this.retryNeighbour(k)));
  }

  /** Hands a neighbour's held casts over, oldest first, IN_FLIGHT at a time, until one is refused. */
  private async retryNeighbour(k: string): Promise<void> {
    const [side, neighbour] = split(k);
    const { stats, logger } = this.parts;
    const batch = this.store.list(side, neighbour, BATCH);
    let next = 0;
    let refused = false;
    const one = async (cast: StoredCast): Promise<void> => {
      const now = Date.now();
      if (cast.until <= now) {
        this.drop(k, cast);
        stats.castsLost++;
        logger.warn(
          `gave up cast ${cast.method} (${cast.uuid}) to ${neighbour}: its time to live ended at ${new Date(cast.until).toISOString()} before ${neighbour} took it`,
          fieldsOf(cast, { code: 'timeout' }),
        );
        return;
      }
      const link = this.parts.linkOf(side, neighbour);
      if (!link) {
        refused = true;
        return this.failed(k, new CellwireError('unavailable', `${neighbour} is not a ${side} of this cell any more`));
      }
      const options: SendOptions = {
        messageType: cast.messageType,
        fanout: cast.fanout,
        expectReply: false,
        deadline: Math.min(cast.until, now + this.parts.handoffMs),
        durable: true,
      };
      try {
        await link.send(cast.data, options);
      } catch (e) {
        const err = e instanceof CellwireError ? e : CellwireError.from(e, 'unavailable');
        stats.castFailures++;
        if (retryLater(err)) {
          // Still refusing: the rest of the batch waits for the next turn (it stays held).
          if (!refused) this.failed(k, err);
          refused = true;
          return;
        }
        this.drop(k, cast);
        stats.castsLost++;
        logger.warn(`gave up cast ${cast.method} (${cast.uuid}) to ${neighbour}: ${err.message}`, fieldsOf(cast, { code: err.code }));
        return;
      }
      this.drop(k, cast);
      stats.castsDelivered++;
      this.backoff.delete(k);
      logger.debug(`delivered held cast ${cast.method} (${cast.uuid}) to ${neighbour}`, { method: cast.method, uuid: cast.uuid });
    };
    const worker = async (): Promise<void> => {
      while (!refused && !this.closed && next < batch.length) await one(batch[next++] as StoredCast);
    };
    // The first alone: a neighbour still down costs one refused send per turn, not IN_FLIGHT.
    if (batch.length > 0) await one(batch[next++] as StoredCast);
    await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, batch.length - next) }, worker));
  }

  private drop(k: string, cast: StoredCast): void {
    this.store.remove(cast.id);
    const left = (this.held.get(k) ?? 1) - 1;
    if (left > 0) this.held.set(k, left);
    else {
      this.held.delete(k);
      this.backoff.delete(k);
    }
  }

  /** The neighbour still refuses: wait longer before the next try (doubling, up to retryMaxMs). */
  private failed(k: string, err: CellwireError): void {
    const prev = this.backoff.get(k)?.fails ?? 0;
    const fails = prev + 1;
    const wait = Math.min(this.parts.retryMaxMs, this.parts.retryMs * 2 ** Math.min(fails - 1, 20));
    this.backoff.set(k, { fails, at: Date.now() + wait });
    if (fails === 2 || fails % 20 === 0) {
      this.parts.logger.info(`${this.held.get(k) ?? 0} cast(s) held for ${split(k)[1]}, which still refuses them (${err.message}); retrying`);
    }
  }
}

/** The usual fields of a line about a message (request id, trace id, method, uuid), read from the held text. */
function fieldsOf(cast: StoredCast, extra: Record<string, unknown>): Record<string, unknown> {
  try {
    return logFields(JSON.parse(cast.data) as Envelope, extra);
  } catch {
    return { method: cast.method, uuid: cast.uuid, ...extra };
  }
}

function key(side: Side, neighbour: string): string {
  return `${side}:${neighbour}`;
}

function split(k: string): [Side, string] {
  const i = k.indexOf(':');
  return [k.slice(0, i) as Side, k.slice(i + 1)];
}
