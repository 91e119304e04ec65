import { InvalidArgument } from './cell-errors.js';

/**
 * One deadline per call instead of a wait per hop: the origin fixes an absolute time, it
 * travels in the envelope, and every hop answers with what it has a little before it.
 */

/** Options accepted by every generated client method. */
export interface CallOptions {
  /** Relative timeout in ms (default: the runner's call timeout, 60 s). */
  readonly timeoutMs?: number;
  /** Absolute deadline (ms since epoch, or a Date); wins over timeoutMs. */
  readonly deadline?: number | Date;
  /** Aborting rejects the call at once and releases its waiter. */
  readonly signal?: AbortSignal;
  /** W3C trace context to carry; one is made when absent. */
  readonly traceparent?: string;
  /** max_hop_count for this message (default: the runner's, 10). */
  readonly maxHopCount?: number;
}

/**
 * The absolute deadline of a new call, at most `maxMs` away: `timeoutMs: Infinity` (or a
 * deadline weeks ahead) means "as long as this cell allows", never a timer that misfires.
 */
export function resolveDeadline(options: CallOptions | undefined, defaultTimeoutMs: number, maxMs = Infinity, now = Date.now()): number {
  const d = options?.deadline;
  let at: number;
  if (d !== undefined) at = typeof d === 'number' ? d : d.getTime();
  else at = now + (options?.timeoutMs ?? defaultTimeoutMs);
  if (Number.isNaN(at)) throw new InvalidArgument('the call deadline or timeout is not a number');
  return Math.min(at, now + maxMs);
}

/**
 * When a hop stops waiting for its neighbours: the deadline less a margin per hop, so that
 * each hop's partial answer still reaches the one before it in time. The margin is a slice
 * of what is left (at most `maxMarginMs`), taken once per hop below the origin. This is the
 * fallback of `replyWaitUntil` (latency.ts) for a hop that was not told how far home is.
 */
export function hopWaitUntil(deadline: number, hopCount: number, maxMarginMs: number, now = Date.now()): number {
  const left = deadline - now;
  if (left <= 0 || hopCount <= 1) return deadline;
  const margin = Math.min(maxMarginMs, left * 0.15);
  return Math.max(now, deadline - margin * Math.min(hopCount - 1, 4));
}
