/**
 * What lets a cell keep its word across restarts (issue 13): the message uuids it has seen
 * (the runner's dedupe window, so that a redelivered or replayed message does not run again
 * after a restart) and the casts it accepted and could not pass on yet (the runner's outbox,
 * retried until their time to live ends). Both are the storage side of hooks in
 * @cellwire/core (`RunnerOptions.dedupeStore`, `RunnerOptions.castOutbox`), which knows no
 * storage. Tables: `seen_messages` and `cast_outbox` (migration 3).
 *
 * Statements are prepared once here, outside the store's statement cache: they are few,
 * fixed and on every message's path.
 */
import type { CastOutboxStore, DedupeStore, HeldCast, Side, StoredCast } from '@cellwire/core';
import type { SqlDatabase, SqlStatement } from './table.js';

/**
 * The dedupe window's keys. Every `add` is its own autocommit INSERT, done before the message
 * runs: with the store's WAL journal (`synchronous = NORMAL`) a committed row survives the
 * process being killed (an operating system crash or power cut may lose the last commits,
 * which a restart after such a crash would have lost in any case). There is no batching, so
 * no window in which a message ran unrecorded; an append to a table with no index costs about
 * 20 microseconds here (RELIABILITY.md).
 *
 * Rows are appended in expiry order (the window is the same for every key), so expiring them
 * deletes a prefix of the table by rowid; a key seen twice is two rows (loading keeps both;
 * the window holds one).
 */
export class SeenMessageRepo implements DedupeStore {
  private readonly insert: SqlStatement;
  private readonly select: SqlStatement<{ key: string; until: number }>;
  private readonly firstLive: SqlStatement<{ id: number }>;
  private readonly deleteBefore: SqlStatement;
  private readonly deleteAll: SqlStatement;
  private readonly deleteOne: SqlStatement;
  private readonly countAll: SqlStatement<{ n: number }>;

  constructor(db: SqlDatabase) {
    this.insert = db.prepare('INSERT INTO seen_messages (key, until) VALUES (?, ?)');
    this.select = db.prepare('SELECT key, until FROM seen_messages WHERE until > ? ORDER BY id');
    this.firstLive = db.prepare('SELECT id FROM seen_messages WHERE until > ? ORDER BY id LIMIT 1');
    this.deleteBefore = db.prepare('DELETE FROM seen_messages WHERE id < ?');
    this.deleteAll = db.prepare('DELETE FROM seen_messages');
    this.deleteOne = db.prepare('DELETE FROM seen_messages WHERE key = ?');
    this.countAll = db.prepare('SELECT COUNT(*) AS n FROM seen_messages');
  }

  load(now: number): Iterable<readonly [string, number]> {
    return this.select.all(now).map((r) => [r.key, r.until] as const);
  }

  add(key: string, until: number): void {
    this.insert.run(key, until);
  }

  /** Deletes the rows before the first one still live (a range of rowids: no scan past it). */
  expire(now: number): void {
    const live = this.firstLive.get(now);
    if (live) this.deleteBefore.run(live.id);
    else this.deleteAll.run();
  }

  forget(key: string): void {
    this.deleteOne.run(key);
  }

  count(): number {
    return this.countAll.get()?.n ?? 0;
  }
}

interface OutboxRow {
  id: number;
  side: string;
  neighbour: string;
  message_type: string;
  fanout: number;
  data: string;
  until: number;
  uuid: string;
  method: string;
}

/** Casts held for a neighbour that refused them, oldest first per neighbour. */
export class CastOutboxRepo implements CastOutboxStore {
  private readonly insert: SqlStatement;
  private readonly select: SqlStatement<OutboxRow>;
  private readonly deleteOne: SqlStatement;
  private readonly perNeighbour: SqlStatement<{ side: string; neighbour: string; count: number }>;

  constructor(
    db: SqlDatabase,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.insert = db.prepare(
      'INSERT INTO cast_outbox (side, neighbour, message_type, fanout, data, until, uuid, method, held_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.select = db.prepare('SELECT * FROM cast_outbox WHERE side = ? AND neighbour = ? ORDER BY id LIMIT ?');
    this.deleteOne = db.prepare('DELETE FROM cast_outbox WHERE id = ?');
    this.perNeighbour = db.prepare('SELECT side, neighbour, COUNT(*) AS count FROM cast_outbox GROUP BY side, neighbour');
  }

  add(cast: HeldCast): void {
    this.insert.run(cast.side, cast.neighbour, cast.messageType, cast.fanout ? 1 : 0, cast.data, cast.until, cast.uuid, cast.method, this.now().toISOString());
  }

  list(side: Side, neighbour: string, limit: number): StoredCast[] {
    return this.select.all(side, neighbour, limit).map((r) => ({
      id: r.id,
      side: r.side as Side,
      neighbour: r.neighbour,
      messageType: r.message_type as StoredCast['messageType'],
      fanout: r.fanout === 1,
      data: r.data,
      until: r.until,
      uuid: r.uuid,
      method: r.method,
    }));
  }

  remove(id: number): void {
    this.deleteOne.run(id);
  }

  counts(): { side: Side; neighbour: string; count: number }[] {
    return this.perNeighbour.all().map((r) => ({ side: r.side as Side, neighbour: r.neighbour, count: r.count }));
  }

  /** Every held cast, all neighbours (for `GET /v1/health` and tests). */
  count(): number {
    return this.counts().reduce((n, c) => n + c.count, 0);
  }
}
