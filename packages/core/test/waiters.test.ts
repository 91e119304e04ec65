/**
 * Targeted calls waiting at the origin (src/waiters.ts), alone: each waiter ends exactly once,
 * by its answer, its deadline, its caller's signal or the runner closing, and leaves nothing.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CellTimeout, CellwireError, Response } from '../src/index.js';
import { isTimeout, Waiter, Waiters } from '../src/waiters.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('waiters', () => {
  it('settle once: the first answer wins, later ones and the deadline are ignored', async () => {
    const waiters = new Waiters();
    const p = waiters.wait('u1', 'a!b', undefined, Date.now() + 1000, undefined);
    expect(waiters.size).toBe(1);
    const w = waiters.get('u1')!;
    expect(w.target).toBe('a!b');
    waiters.answer('u1', w, Response.success('a!b', 'first'));
    waiters.answer('u1', w, Response.success('a!b', 'second'));
    vi.advanceTimersByTime(2000);
    await expect(p).resolves.toMatchObject({ cellName: 'a!b', value: 'first', failure: false });
    expect(waiters.get('u1')).toBeUndefined();
    expect(waiters.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('reject at the deadline with a timeout naming the target, and then ignore the answer', async () => {
    const waiters = new Waiters();
    const p = waiters.wait('u1', 'a!b', undefined, Date.now() + 1000, undefined);
    const w = waiters.get('u1')!;
    vi.advanceTimersByTime(1000);
    await expect(p).rejects.toBeInstanceOf(CellTimeout);
    await expect(p).rejects.toMatchObject({ code: 'timeout', cell: 'a!b' });
    // The deadline ended it: nothing is left waiting, before any answer comes.
    expect(waiters.size).toBe(0);
    expect(waiters.get('u1')).toBeUndefined();
    waiters.answer('u1', w, Response.success('a!b', 'late'));
    expect(waiters.size).toBe(0);
  });

  it('reject when the caller aborts, and remove the abort listener once settled', async () => {
    const waiters = new Waiters();
    const aborted = new AbortController();
    const p = waiters.wait('u1', 'a!b', undefined, Date.now() + 1000, aborted.signal);
    aborted.abort(new Error('user gave up'));
    await expect(p).rejects.toMatchObject({ code: 'aborted', message: 'user gave up' });
    expect(waiters.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);

    const answered = new AbortController();
    const remove = vi.spyOn(answered.signal, 'removeEventListener');
    const q = waiters.wait('u2', 'a!c', undefined, Date.now() + 1000, answered.signal);
    waiters.answer('u2', waiters.get('u2')!, Response.success('a!c', 1));
    expect(remove).toHaveBeenCalledTimes(1);
    answered.abort();
    await expect(q).resolves.toMatchObject({ value: 1 });
  });

  it('turn a timeout answer from anywhere on the path into a rejection; other failures resolve', async () => {
    const waiters = new Waiters();
    const p = waiters.wait('u1', 'a!b!c', undefined, Date.now() + 1000, undefined);
    waiters.answer('u1', waiters.get('u1')!, Response.failure('a!b!c', new CellTimeout('a!b!c')));
    await expect(p).rejects.toBeInstanceOf(CellTimeout);
    const q = waiters.wait('u2', 'a!b', undefined, Date.now() + 1000, undefined);
    waiters.answer('u2', waiters.get('u2')!, Response.failure('a!b', new CellwireError('not_found', 'no such host')));
    await expect(q).resolves.toMatchObject({ failure: true });
    expect(isTimeout(Response.failure('x', new Error('timeout')))).toBe(false);
  });

  it('fail all on close, each with its own error, leaving no timer', async () => {
    const waiters = new Waiters();
    const ps = [1, 2, 3].map((i) => waiters.wait(`u${i}`, `a!c${i}`, undefined, Date.now() + 1000, undefined));
    let made = 0;
    waiters.failAll(() => new CellwireError('unavailable', `closing ${++made}`));
    expect(waiters.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    const outcomes = await Promise.allSettled(ps);
    expect(outcomes.map((o) => (o.status === 'rejected' ? (o.reason as Error).message : 'resolved'))).toEqual(['closing 1', 'closing 2', 'closing 3']);
  });
});

describe('waiters, at their edges', () => {
  it('count as a timeout only a CellwireError failure with the timeout code', () => {
    expect(isTimeout(Response.success('x', { code: 'timeout' }))).toBe(false);
    expect(isTimeout(Response.failure('x', Object.assign(new Error('late'), { code: 'timeout' })))).toBe(false);
    expect(isTimeout(Response.failure('x', new CellTimeout('x')))).toBe(true);
  });

  it('remove their abort listener by its event name once answered', async () => {
    const waiters = new Waiters();
    const c = new AbortController();
    const remove = vi.spyOn(c.signal, 'removeEventListener');
    const p = waiters.wait('u1', 'a!b', undefined, Date.now() + 1000, c.signal);
    waiters.answer('u1', waiters.get('u1')!, Response.success('a!b', 1));
    expect(remove).toHaveBeenCalledWith('abort', expect.any(Function));
    await p;
  });

  it('answering a waiter that already ended leaves the next waiter of the same uuid waiting', async () => {
    const waiters = new Waiters();
    const first = waiters.wait('u1', 'a!b', undefined, Date.now() + 1000, undefined);
    const stale = waiters.get('u1')!;
    waiters.answer('u1', stale, Response.success('a!b', 'first'));
    await first;
    const second = waiters.wait('u1', 'a!b', undefined, Date.now() + 1000, undefined);
    waiters.answer('u1', stale, Response.success('a!b', 'stale'));
    expect(waiters.size).toBe(1);
    waiters.answer('u1', waiters.get('u1')!, Response.success('a!b', 'second'));
    await expect(second).resolves.toMatchObject({ value: 'second' });
  });

  it('answering a waiter that is not the one waiting for that uuid settles nothing and clears nothing', async () => {
    const waiters = new Waiters();
    const waiting = waiters.wait('u1', 'a!b', undefined, Date.now() + 1000, undefined);
    const resolve = vi.fn();
    const reject = vi.fn();
    const dispose = vi.fn();
    const other = new Waiter('a!b', undefined, resolve, reject, setTimeout(() => undefined, 1000), dispose);
    waiters.answer('u1', other, Response.success('a!b', 'not yours'));
    waiters.answer('u1', other, Response.failure('a!b', new CellTimeout('a!b')));
    expect(resolve).not.toHaveBeenCalled();
    expect(reject).not.toHaveBeenCalled();
    expect(dispose).not.toHaveBeenCalled();
    expect(waiters.size).toBe(1);
    waiters.answer('u1', waiters.get('u1')!, Response.success('a!b', 'mine'));
    await expect(waiting).resolves.toMatchObject({ value: 'mine' });
  });
});
