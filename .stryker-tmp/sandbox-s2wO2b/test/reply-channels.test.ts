/**
 * Exchanges held for waiting neighbours (src/reply-channels.ts), alone: each is used once,
 * released empty at its deadline or on close, and a replaced hold's timer does not release
 * its successor.
 */
// @ts-nocheck

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReplyChannels } from '../src/reply-channels.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('reply channels', () => {
  it('are taken once, per message and neighbour', () => {
    const channels = new ReplyChannels();
    const reply = vi.fn();
    channels.hold('u1', 'p1', reply, Date.now() + 1000);
    expect(channels.has('u1', 'p1')).toBe(true);
    expect(channels.has('u1', 'p2')).toBe(false);
    expect(channels.take('u1', 'p2')).toBeUndefined();
    expect(channels.take('u1', 'p1')).toBe(reply);
    expect(channels.take('u1', 'p1')).toBeUndefined();
    expect(channels.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    expect(reply).not.toHaveBeenCalled();
  });

  it('expire at their deadline, released empty', () => {
    const channels = new ReplyChannels();
    const reply = vi.fn();
    channels.hold('u1', 'p1', reply, Date.now() + 1000);
    vi.advanceTimersByTime(999);
    expect(reply).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(reply).toHaveBeenCalledExactlyOnceWith(undefined);
    expect(channels.size).toBe(0);
    expect(channels.take('u1', 'p1')).toBeUndefined();
  });

  it('held again under the same key, expire by the newer deadline only', () => {
    const channels = new ReplyChannels();
    const first = vi.fn();
    const second = vi.fn();
    channels.hold('u1', 'p1', first, Date.now() + 100);
    channels.hold('u1', 'p1', second, Date.now() + 1000);
    vi.advanceTimersByTime(100);
    expect(first).not.toHaveBeenCalled();
    expect(channels.has('u1', 'p1')).toBe(true);
    vi.advanceTimersByTime(900);
    expect(second).toHaveBeenCalledExactlyOnceWith(undefined);
    expect(channels.size).toBe(0);
  });

  it('are all released empty on close', () => {
    const channels = new ReplyChannels();
    const replies = [vi.fn(), vi.fn()];
    channels.hold('u1', 'p1', replies[0]!, Date.now() + 1000);
    channels.hold('u1', 'p2', replies[1]!, Date.now() + 1000);
    channels.releaseAll();
    for (const r of replies) expect(r).toHaveBeenCalledExactlyOnceWith(undefined);
    expect(channels.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
