/**
 * The few parts of better-sqlite3 (v12) the store uses. @types/better-sqlite3 is not
 * installed; this declaration covers exactly what src/store calls.
 */
declare module 'better-sqlite3' {
  namespace Database {
    interface RunResult {
      changes: number;
      lastInsertRowid: number | bigint;
    }

    interface Statement<Row = unknown> {
      run(...params: unknown[]): RunResult;
      get(...params: unknown[]): Row | undefined;
      all(...params: unknown[]): Row[];
      iterate(...params: unknown[]): IterableIterator<Row>;
      readonly reader: boolean;
      readonly source: string;
    }

    interface Options {
      readonly?: boolean;
      fileMustExist?: boolean;
      timeout?: number;
    }
  }

  class Database {
    constructor(filename?: string, options?: Database.Options);
    prepare<Row = unknown>(source: string): Database.Statement<Row>;
    exec(source: string): this;
    /** Wraps `fn` in BEGIN/COMMIT (SAVEPOINT when nested); a throw rolls back. */
    transaction<F extends (...args: never[]) => unknown>(fn: F): F;
    pragma(source: string, options?: { simple?: boolean }): unknown;
    close(): this;
    readonly open: boolean;
    readonly inTransaction: boolean;
    readonly name: string;
    readonly memory: boolean;
  }

  export = Database;
}
