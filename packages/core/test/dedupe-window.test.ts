/**
 * The dedupe window (src/dedupe.ts) at its edges: the exact bound, the sender of a first
 * copy, compaction of its queue, and what it asks of a DedupeStore and when.
 */
import { describe, expect, it } from 'vitest';
import { DedupeWindow, type DedupeStore } from '../src/index.js';

/** A store that records every call and loads what it was given. */
function spyStore(loaded: [string, number][] = []) {
  const calls: string[] = [];
  const store: DedupeStore = {
    load: (now) => (calls.push(`load ${now}`), loaded),
    add: (key, until) => void calls.push(`add ${key} ${until}`),
    expire: (now) => void calls.push(`expire ${now}`),
    forget: (key) => void calls.push(`forget ${key}`),
  };
  return { store, calls };
}

describe('dedupe window', () => {
  it('holds at most maxEntries keys besides the one just seen, dropping the oldest', () => {
    const d = new DedupeWindow(60_000, 100);
    for (let i = 0; i < 1000; i++) d.firstSeen(`k${i}`, 0);
    expect(d.size).toBe(101);
    expect(d.firstSeen('k0', 0)).toBe(true);
    expect(d.firstSeen('k999', 0)).toBe(false);
  });

  it('forgets a key at the end of its window, not before', () => {
    const d = new DedupeWindow(1000);
    d.firstSeen('a', 0);
    expect(d.firstSeen('a', 999)).toBe(false);
    expect(d.firstSeen('a', 1000)).toBe(true);
  });

  it('remembers the sender of a first copy until the key is forgotten or expires', () => {
    const d = new DedupeWindow(1000);
    expect(d.firstSeen('a', 0, 'mid1')).toBe(true);
    expect(d.firstSeen('a', 10, 'mid2')).toBe(false);
    expect(d.firstSender('a')).toBe('mid1');
    d.firstSeen('b', 0, 'mid1');
    d.forget('b');
    expect(d.firstSender('b')).toBeUndefined();
    expect(d.firstSeen('b', 20)).toBe(true);
    expect(d.firstSender('b')).toBeUndefined();
    d.firstSeen('c', 2000);
    expect(d.firstSender('a')).toBeUndefined();
  });

  it('expires keys in order after compacting its queue', () => {
    const d = new DedupeWindow(1000);
    for (let i = 0; i < 2000; i++) d.firstSeen(`k${i}`, 0);
    for (let i = 2000; i < 3000; i++) d.firstSeen(`k${i}`, 500 + (i - 2000));
    // At 1000 the first 2000 keys expire: past 1024 entries and half the queue, which is compacted.
    expect(d.firstSeen('k1999', 1000)).toBe(true);
    expect(d.firstSeen('k2000', 1000)).toBe(false);
    // After the compaction each key still expires at its own time.
    expect(d.firstSeen('k2500', 2000)).toBe(true);
    expect(d.firstSeen('k2600', 2000)).toBe(false);
    expect(d.firstSeen('k2999', 2498)).toBe(false);
    expect(d.firstSeen('k2999', 2499)).toBe(true);
  });
});

describe('dedupe window over a store', () => {
  it('loads the keys still remembered, oldest first, and asks the store to expire once made', () => {
    const { store, calls } = spyStore([
      ['late', 5000],
      ['gone', 100],
      ['now', 100],
      ['early', 1000],
    ]);
    const d = new DedupeWindow(1000, undefined, store, 100);
    expect(calls).toEqual(['load 100', 'expire 100']);
    // 'gone' and 'now' end at 100: not remembered.
    expect(d.size).toBe(2);
    // Loaded in expiry order, so that 'late' at the head does not keep 'early' past its time.
    expect(d.firstSeen('early', 2000)).toBe(true);
    expect(d.firstSeen('late', 2000)).toBe(false);
  });

  it('records a key with its expiry once its message was handled, not when first seen, and passes forget on', () => {
    const { store, calls } = spyStore();
    const d = new DedupeWindow(1000, undefined, store, 0);
    calls.length = 0;
    expect(d.firstSeen('a', 50)).toBe(true);
    expect(d.firstSeen('a', 60)).toBe(false);
    // Not yet: a process that dies while the message runs must see its redelivery run again.
    expect(calls).toEqual([]);
    d.handled('a');
    // A key not in the window (never seen, or forgotten) is not recorded.
    d.handled('never-seen');
    d.forget('a');
    expect(calls).toEqual(['add a 1050', 'forget a']);
  });

  it('asks the store to expire its keys every 10 s, not per message', () => {
    const { store, calls } = spyStore();
    const d = new DedupeWindow(60_000, undefined, store, 0);
    for (const t of [1, 5000, 9999, 10_000, 15_000, 19_999, 20_000]) d.firstSeen(`k${t}`, t);
    expect(calls.filter((c) => c.startsWith('expire'))).toEqual(['expire 0', 'expire 10000', 'expire 20000']);
  });

  it('works with a store that cannot forget', () => {
    const { store, calls } = spyStore();
    const d = new DedupeWindow(1000, undefined, { load: store.load, add: store.add, expire: store.expire }, 0);
    d.firstSeen('a', 0);
    d.forget('a');
    expect(d.firstSeen('a', 1)).toBe(true);
    expect(calls).not.toContain('forget a');
  });
});
