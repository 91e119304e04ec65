/**
 * Targeted calls waiting at the origin for their answer, by message uuid. A waiter ends
 * exactly once, whichever comes first: the answer, the deadline, the caller's abort signal,
 * or the runner closing. Whatever ends it clears its timer and abort listener, so nothing
 * outlives the call.
 */
// @ts-nocheck

import { CellTimeout } from './cell-errors.js';
import { CellwireError } from './errors.js';
import { abortError } from './link-errors.js';
import type { Response } from './response.js';
import type { MethodDescriptor } from './service.js';
import { timerUntil } from './timers.js';

/** One targeted call waiting here. */
export class Waiter {
  constructor(
    /** The target cell's path, to name it in a timeout. */
    readonly target: string,
    /** The method, to check answers against its result schema (undefined: not checked). */
    readonly method: MethodDescriptor | undefined,
    readonly resolve: (r: Response) => void,
    readonly reject: (e: Error) => void,
    readonly timer: NodeJS.Timeout,
    /** Removes the abort listener, when there is one. */
    readonly dispose: () => void,
  ) {}
}

const noop = (): void => undefined;

/** A targeted call that timed out anywhere on its path rejects, rather than resolving with a failure. */
export function isTimeout(r: Response): boolean {
  return r.failure && r.value instanceof CellwireError && r.value.code === 'timeout';
}

export class Waiters {
  private readonly byUuid = new Map<string, Waiter>();

  get size(): number {
    return this.byUuid.size;
  }

  /**
   * Waits for the answer to message `uuid` until `deadline` (then CellTimeout naming
   * `target`) or until `signal` aborts. The waiter is in place when this returns, so the
   * message may be sent right after.
   */
  wait(uuid: string, target: string, method: MethodDescriptor | undefined, deadline: number, signal: AbortSignal | undefined): Promise<Response> {
    return new Promise<Response>((resolve, reject) => {
      const timer = timerUntil(deadline, () => {
        if (this.release(uuid, waiter)) reject(new CellTimeout(target, { cell: target }));
      });
      let dispose = noop;
      if (signal) {
        const onAbort = () => {
          if (this.release(uuid, waiter)) reject(abortError(signal));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        dispose = () => signal.removeEventListener('abort', onAbort);
      }
      const waiter = new Waiter(target, method, resolve, reject, timer, dispose);
      this.byUuid.set(uuid, waiter);
    });
  }

  /** The call waiting for message `uuid`, if it still waits. */
  get(uuid: string): Waiter | undefined {
    return this.byUuid.get(uuid);
  }

  /**
   * Settles `w` with its answer (already checked for the caller): a timeout rejects, any
   * other Response resolves. Does nothing when `w` already ended.
   */
  answer(uuid: string, w: Waiter, r: Response): void {
    if (!this.release(uuid, w)) return;
    if (isTimeout(r)) w.reject(r.value as Error);
    else w.resolve(r);
  }

  /** Rejects every waiting call (the runner is closing). */
  failAll(error: () => Error): void {
    for (const [uuid, w] of this.byUuid) if (this.release(uuid, w)) w.reject(error());
  }

  /** Ends `w` if it is still the waiter of `uuid`; true when this call ended it. */
  private release(uuid: string, w: Waiter): boolean {
    if (this.byUuid.get(uuid) !== w) return false;
    this.byUuid.delete(uuid);
    clearTimeout(w.timer);
    w.dispose();
    return true;
  }
}
