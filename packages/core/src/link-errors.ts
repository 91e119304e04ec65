/**
 * The errors a call gets when something other than the cell it asked ends it: a link that
 * could not deliver, the caller's own abort signal, or this cell shutting down. Shared by
 * targeted calls, broadcasts and their collectors, so that every such failure names the
 * cell it concerns the same way.
 */
import { CellTimeout, CellUnavailable } from './cell-errors.js';
import { CellwireError } from './errors.js';

/**
 * A link failure as a CellwireError that names the cell it could not reach (`path`). A
 * transport's own timeout becomes a CellTimeout, so callers see one kind of timeout.
 */
export function linkError(e: unknown, path: string, neighbour: string): CellwireError {
  if (e instanceof CellwireError) {
    if (e.code === 'timeout' && !(e instanceof CellTimeout)) return new CellTimeout(path, { cause: e });
    e.cell = path;
    return e;
  }
  return new CellUnavailable(neighbour, e instanceof Error ? e.message : String(e), { cell: path, cause: e });
}

/** What a call aborted through its signal rejects with: the signal's reason, when it gave one. */
export function abortError(signal: AbortSignal | undefined): CellwireError {
  const reason = signal?.reason instanceof Error ? signal.reason.message : 'the call was aborted';
  return new CellwireError('aborted', reason);
}

/** What a closing cell refuses new work and fails open calls with. */
export function shuttingDown(cell: string): CellwireError {
  return new CellwireError('unavailable', `cell ${cell} is shutting down`, { cell });
}
