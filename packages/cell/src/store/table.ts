/**
 * Row <-> domain mapping and a prepared-statement cache shared by the repositories.
 *
 * A table is described once by a compact column spec: `name:type` with `?` when the
 * domain type allows null (`host:text?`). Types: text, time (ISO 8601 text, normalized to
 * `toISOString()` on write so that text order is time order), int, real, bool (0/1), json.
 * A NULL in a column whose domain field is not nullable is left out of the object, which
 * is how partial instances (a uuid and a few fields) come back as they went in.
 */

/** A prepared statement: the part of better-sqlite3's Statement the store uses. */
export interface SqlStatement<Row = unknown> {
  run(...params: unknown[]): { changes: number; lastInsertRowid: number | bigint };
  get(...params: unknown[]): Row | undefined;
  all(...params: unknown[]): Row[];
}

/** A database: the part of better-sqlite3's Database the store and its migrations use. */
export interface SqlDatabase {
  prepare<Row = unknown>(source: string): SqlStatement<Row>;
  exec(source: string): unknown;
  /** Wraps `fn` in a transaction (a savepoint when nested); a throw rolls it back. */
  transaction<F extends (...args: never[]) => unknown>(fn: F): F;
}

export type ColType = 'text' | 'time' | 'int' | 'real' | 'bool' | 'json';

export interface Column {
  readonly name: string;
  readonly type: ColType;
  /** The domain type allows null. */
  readonly nullable: boolean;
}

/** `"id:int host:text? flavor:json"` -> columns. */
export function columns(spec: string): Column[] {
  return spec
    .split(/\s+/)
    .filter(Boolean)
    .map((part) => {
      const m = /^([a-z_0-9]+):(text|time|int|real|bool|json)(\?)?$/.exec(part);
      if (!m) throw new Error(`bad column spec '${part}'`);
      return { name: m[1] as string, type: m[2] as ColType, nullable: m[3] === '?' };
    });
}

/**
 * Most prepared statements a store keeps. Updates use one statement per table whatever
 * fields they set, but inserts and some queries depend on their input (which fields an
 * instance arrives with), and a cache that only grows is a leak a peer can drive: every
 * statement holds SQLite memory until it is dropped.
 */
export const STATEMENT_CACHE_MAX = 64;

/**
 * Prepares each SQL text once and keeps the `max` most recently used (an LRU); a statement
 * dropped from the cache is finalized when it is garbage-collected.
 */
export class StatementCache {
  private readonly cache = new Map<string, SqlStatement<unknown>>();
  constructor(
    readonly db: SqlDatabase,
    readonly max: number = STATEMENT_CACHE_MAX,
  ) {}

  get<Row = Record<string, unknown>>(sql: string): SqlStatement<Row> {
    let s = this.cache.get(sql);
    if (s) {
      // Most recently used last: a Map iterates in insertion order.
      this.cache.delete(sql);
      this.cache.set(sql, s);
      return s as SqlStatement<Row>;
    }
    s = this.db.prepare(sql);
    this.cache.set(sql, s);
    if (this.cache.size > this.max) this.cache.delete(this.cache.keys().next().value as string);
    return s as SqlStatement<Row>;
  }

  /** Number of prepared statements kept now (at most `max`). */
  get size(): number {
    return this.cache.size;
  }
}

const q = (name: string) => `"${name}"`;

/** One table: typed inserts, updates and row mapping. */
export class Table<T extends object> {
  private readonly byName: Map<string, Column>;
  private updateSql: string | undefined;

  constructor(
    private readonly sql: StatementCache,
    readonly name: string,
    readonly cols: readonly Column[],
  ) {
    this.byName = new Map(cols.map((c) => [c.name, c]));
  }

  /** A row as the domain object. */
  fromRow(row: Record<string, unknown>): T {
    const out: Record<string, unknown> = {};
    for (const c of this.cols) {
      const v = row[c.name];
      if (v === null || v === undefined) {
        if (c.nullable) out[c.name] = null;
        continue;
      }
      switch (c.type) {
        case 'bool':
          out[c.name] = v !== 0;
          break;
        case 'json':
          out[c.name] = JSON.parse(String(v));
          break;
        case 'int':
        case 'real':
          out[c.name] = Number(v);
          break;
        default:
          out[c.name] = String(v);
      }
    }
    return out as T;
  }

  /** Column values for the keys of `values` this table has (undefined skipped; null kept only where the domain allows it). */
  toColumns(values: Partial<T> | Record<string, unknown>): Map<string, unknown> {
    const out = new Map<string, unknown>();
    for (const [k, v] of Object.entries(values)) {
      const c = this.byName.get(k);
      if (!c || k === 'id' || v === undefined) continue;
      if (v === null) {
        if (c.nullable) out.set(k, null);
        continue;
      }
      switch (c.type) {
        case 'bool':
          out.set(k, v ? 1 : 0);
          break;
        case 'json':
          out.set(k, JSON.stringify(v));
          break;
        case 'int':
          out.set(k, typeof v === 'boolean' ? Number(v) : Math.trunc(Number(v)));
          break;
        case 'real':
          out.set(k, Number(v));
          break;
        case 'time':
          out.set(k, normalizeTime(v));
          break;
        default:
          out.set(k, typeof v === 'string' ? v : String(v));
      }
    }
    return out;
  }

  /** Inserts the given fields (the DB defaults fill the rest); returns the new id. */
  insert(values: Partial<T> | Record<string, unknown>): number {
    const cols = this.toColumns(values);
    const names = [...cols.keys()];
    const sql =
      names.length === 0
        ? `INSERT INTO ${this.name} DEFAULT VALUES`
        : `INSERT INTO ${this.name} (${names.map(q).join(', ')}) VALUES (${names.map((n) => `@${n}`).join(', ')})`;
    const r = this.sql.get(sql).run(Object.fromEntries(cols));
    return Number(r.lastInsertRowid);
  }

  /**
   * Updates the given fields of one row; returns whether a row changed. One statement per
   * table sets every column, each to its new value when given (`@s_col` is 1) and to itself
   * otherwise, so any set of fields uses the same prepared statement.
   */
  updateById(id: number, values: Partial<T> | Record<string, unknown>): boolean {
    const cols = this.toColumns(values);
    if (cols.size === 0) return this.sql.get(`SELECT 1 FROM ${this.name} WHERE id = ?`).get(id) !== undefined;
    const params: Record<string, unknown> = { __id: id };
    for (const c of this.cols) {
      if (c.name === 'id') continue;
      const given = cols.has(c.name);
      params[`s_${c.name}`] = given ? 1 : 0;
      params[`v_${c.name}`] = given ? cols.get(c.name) : null;
    }
    this.updateSql ??= `UPDATE ${this.name} SET ${this.cols
      .filter((c) => c.name !== 'id')
      .map((c) => `${q(c.name)} = CASE WHEN @s_${c.name} THEN @v_${c.name} ELSE ${q(c.name)} END`)
      .join(', ')} WHERE id = @__id`;
    return this.sql.get(this.updateSql).run(params).changes > 0;
  }

  /** Rows matching a WHERE clause (with its ORDER BY / LIMIT), mapped. */
  where(clause: string, ...params: unknown[]): T[] {
    return this.sql.get<Record<string, unknown>>(`SELECT * FROM ${this.name} WHERE ${clause}`).all(...params).map((r) => this.fromRow(r));
  }

  /** The first row matching a WHERE clause, mapped. */
  first(clause: string, ...params: unknown[]): T | undefined {
    const row = this.sql.get<Record<string, unknown>>(`SELECT * FROM ${this.name} WHERE ${clause}`).get(...params);
    return row ? this.fromRow(row) : undefined;
  }

  has(column: string): boolean {
    return this.byName.has(column);
  }
}

/** An ISO 8601 time in the one text form the store keeps (`2019-04-04T12:00:00.000Z`); unparseable text is kept as is. */
export function normalizeTime(v: unknown): string {
  const d = v instanceof Date ? v : new Date(String(v));
  return Number.isNaN(d.getTime()) ? String(v) : d.toISOString();
}
