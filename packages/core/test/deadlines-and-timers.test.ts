/**
 * Deadlines (src/deadline.ts) and the timers that wait for them (src/timers.ts), with exact
 * numbers: the deadline of a call, each hop's share of it, and delays Node will honour.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { hopWaitUntil, InvalidArgument, resolveDeadline } from '../src/index.js';
import { MAX_TIMER_MS, safeDelay, signalAt, timerUntil } from '../src/timers.js';

afterEach(() => vi.useRealTimers());

describe('resolveDeadline', () => {
  it('takes an absolute deadline as a number or a Date, before any timeout', () => {
    expect(resolveDeadline({ deadline: 500, timeoutMs: 5 }, 1000, Infinity, 10)).toBe(500);
    expect(resolveDeadline({ deadline: new Date(700) }, 1000, Infinity, 10)).toBe(700);
  });

  it('counts a timeout, else the default, from now', () => {
    expect(resolveDeadline({ timeoutMs: 50 }, 1000, Infinity, 10)).toBe(60);
    expect(resolveDeadline(undefined, 1000, Infinity, 10)).toBe(1010);
  });

  it('caps the deadline at maxMs from now, a given deadline too', () => {
    expect(resolveDeadline({ timeoutMs: 5000 }, 1000, 2000, 10)).toBe(2010);
    expect(resolveDeadline({ deadline: 9999 }, 1000, 2000, 10)).toBe(2010);
    expect(resolveDeadline({ timeoutMs: Infinity }, 1000, 2000, 10)).toBe(2010);
    expect(resolveDeadline({ timeoutMs: 1500 }, 1000, 2000, 10)).toBe(1510);
  });

  it('counts from the clock when no time is given, without a cap by default', () => {
    const before = Date.now();
    const at = resolveDeadline({ timeoutMs: 40 * 86_400_000 }, 1000);
    expect(at).toBeGreaterThanOrEqual(before + 40 * 86_400_000);
    expect(at).toBeLessThanOrEqual(Date.now() + 40 * 86_400_000);
  });

  it('refuses a deadline or timeout that is not a number', () => {
    expect(() => resolveDeadline({ timeoutMs: Number.NaN }, 1000, Infinity, 10)).toThrow(InvalidArgument);
    expect(() => resolveDeadline({ deadline: new Date('not a date') }, 1000, Infinity, 10)).toThrow(/the call deadline or timeout is not a number/);
  });
});

describe('hopWaitUntil', () => {
  it('keeps back 15% of what is left per hop below the origin, up to four hops', () => {
    expect(hopWaitUntil(1000, 2, 250, 0)).toBe(850);
    expect(hopWaitUntil(1000, 3, 250, 0)).toBe(700);
    expect(hopWaitUntil(1000, 5, 250, 0)).toBe(400);
    expect(hopWaitUntil(1000, 9, 250, 0)).toBe(400);
    // What is left is counted from now.
    expect(hopWaitUntil(2000, 2, 250, 1000)).toBe(1850);
  });

  it('keeps back at most maxMarginMs per hop', () => {
    expect(hopWaitUntil(10_000, 2, 250, 0)).toBe(9750);
    expect(hopWaitUntil(10_000, 3, 250, 0)).toBe(9500);
  });

  it('waits until the deadline itself at the origin, at hop 0, and once it has passed', () => {
    expect(hopWaitUntil(1000, 1, 250, 0)).toBe(1000);
    expect(hopWaitUntil(1000, 0, 250, 0)).toBe(1000);
    expect(hopWaitUntil(1000, 3, 250, 2000)).toBe(1000);
  });

  it('reads the clock when no time is given', () => {
    const deadline = Date.now() + 100_000;
    const at = hopWaitUntil(deadline, 2, 250);
    expect(at).toBe(deadline - 250);
  });
});

describe('safeDelay', () => {
  it('turns what is not a positive number into 0', () => {
    expect(safeDelay(Number.NaN)).toBe(0);
    expect(safeDelay(-5)).toBe(0);
    expect(safeDelay(0)).toBe(0);
  });

  it('rounds up to whole milliseconds and clamps at the longest delay Node takes', () => {
    expect(MAX_TIMER_MS).toBe(2_147_483_647);
    expect(safeDelay(2_147_483_648)).toBe(2_147_483_647);
    expect(safeDelay(1.2)).toBe(2);
    expect(safeDelay(7)).toBe(7);
    expect(safeDelay(MAX_TIMER_MS - 0.5)).toBe(MAX_TIMER_MS);
    expect(safeDelay(2 ** 40)).toBe(MAX_TIMER_MS);
    expect(safeDelay(Infinity)).toBe(MAX_TIMER_MS);
  });
});

describe('timers until an absolute time', () => {
  it('timerUntil fires at that time, counted from now', () => {
    vi.useFakeTimers();
    const fn = vi.fn();
    timerUntil(Date.now() + 100, fn);
    vi.advanceTimersByTime(99);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledOnce();
    const given = vi.fn();
    timerUntil(1100, given, 1000);
    vi.advanceTimersByTime(100);
    expect(given).toHaveBeenCalledOnce();
  });

  it('signalAt aborts at that time, not before, and at once for a time passed', async () => {
    const made = Date.now();
    const later = signalAt(made + 40);
    const given = signalAt(10_000_040, 10_000_000);
    expect(later.aborted).toBe(false);
    expect(given.aborted).toBe(false);
    // When each aborts (-1: not within 500 ms).
    const abortedAt = (s: AbortSignal) =>
      Promise.race([new Promise<number>((r) => s.addEventListener('abort', () => r(Date.now()), { once: true })), new Promise<number>((r) => setTimeout(() => r(-1), 500))]);
    const [laterAt, givenAt] = await Promise.all([abortedAt(later), abortedAt(given)]);
    // Node's timers do not fire early (a millisecond of slack for Date.now's rounding).
    expect(laterAt).toBeGreaterThanOrEqual(made + 39);
    expect(givenAt).toBeGreaterThanOrEqual(made + 39);
    expect(later.aborted).toBe(true);
    expect(given.aborted).toBe(true);
    // A time passed aborts on the next turn of the timers, before a timer of 20 ms set after it.
    const past = signalAt(Date.now() - 1000);
    const first = await Promise.race([abortedAt(past).then(() => 'aborted'), new Promise((r) => setTimeout(() => r('20 ms'), 20))]);
    expect(first).toBe('aborted');
    expect(past.aborted).toBe(true);
  });
});
