/**
 * One cell's answer (reference 3.1): the responding cell's path, and a value or an error.
 */
import type { JsonValue, RemoteErrorJSON, WireResponse } from './wire.js';
import { InvalidArgument } from './cell-errors.js';
import { CellwireError } from './errors.js';
import { validateRemoteError } from './gen/wire.js';
import type { ErrorRegistry } from './remote-error.js';

/**
 * @example
 * const [r] = await client.taskLogGetAll(ctxt, { cell_name: 'api!c1', task_name: 'audit', ... });
 * if (r.failure) console.error(r.cellName, r.error?.code);
 * else use(r.valueOrRaise());
 */
export class Response<T = unknown> {
  private constructor(
    /** Path of the responding cell, from the origin's point of view. */
    readonly cellName: string,
    /** The handler's value, or the error when `failure`. */
    readonly value: T | Error,
    readonly failure: boolean,
  ) {}

  static success<T>(cellName: string, value: T): Response<T> {
    return new Response<T>(cellName, value, false);
  }

  static failure<T = never>(cellName: string, error: Error): Response<T> {
    return new Response<T>(cellName, error, true);
  }

  /** The error of a failure as a CellwireError (a plain Error is wrapped as `remote`). */
  get error(): CellwireError | undefined {
    if (!this.failure) return undefined;
    const e = this.value as Error;
    return e instanceof CellwireError ? e : new CellwireError('remote', e.message, { cell: this.cellName, cause: e });
  }

  /** The value, or throws the error this cell answered with. */
  valueOrRaise(): T {
    if (this.failure) throw this.value;
    return this.value as T;
  }

  /** The wire form; failures serialize their error with `registry`. */
  toJSON(registry?: ErrorRegistry, withStack = false): WireResponse {
    if (!this.failure) return { cell_name: this.cellName, value: (this.value ?? null) as JsonValue, failure: false };
    const value = registry
      ? registry.serialize(this.value, this.cellName, withStack)
      : { class: (this.value as Error).name, module: 'builtins', message: (this.value as Error).message, tb: [], args: [], kwargs: { code: 'remote', cell: this.cellName } };
    return { cell_name: this.cellName, value: value as unknown as JsonValue, failure: true };
  }

  /**
   * From the wire form. A failure whose value is not a remote error (a peer's bug, or a
   * hostile one) becomes an `invalid_argument` failure naming the cell, never a throw.
   */
  static fromJSON<T = unknown>(json: WireResponse, registry: ErrorRegistry): Response<T> {
    if (!json.failure) return new Response<T>(json.cell_name, json.value as T, false);
    if (!validateRemoteError(json.value)) {
      const err = new InvalidArgument(`cell ${json.cell_name} answered with a malformed error`, { cell: json.cell_name, retryable: false });
      return new Response<T>(json.cell_name, err, true);
    }
    return new Response<T>(json.cell_name, registry.deserialize(json.value as unknown as RemoteErrorJSON), true);
  }
}
