/**
 * Timers that cannot misfire. Node fires any delay above 2^31-1 ms (about 24.8 days), and
 * any NaN, after 1 ms; `AbortSignal.timeout` throws on fractional or huge values. Every
 * timer in core goes through here.
 */
// @ts-nocheck


/** The longest delay Node's timers take as given. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A delay Node will honour: whole milliseconds in [0, MAX_TIMER_MS]; NaN counts as 0. */
export function safeDelay(ms: number): number {
  if (!(ms > 0)) return 0;
  return ms >= MAX_TIMER_MS ? MAX_TIMER_MS : Math.ceil(ms);
}

/** setTimeout until an absolute time (ms since epoch), clamped. */
export function timerUntil(at: number, fn: () => void, now = Date.now()): NodeJS.Timeout {
  return setTimeout(fn, safeDelay(at - now));
}

/** An AbortSignal that aborts at an absolute time, clamped. */
export function signalAt(at: number, now = Date.now()): AbortSignal {
  return AbortSignal.timeout(safeDelay(at - now));
}
