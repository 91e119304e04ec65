// @ts-nocheck
import { describe, expect, it } from 'vitest';
import { CellNotFound, DedupeWindow, NeighbourState, hopWaitUntil, resolveDeadline, type Link } from '../src/index.js';

const link = { cell: 'x', send: async () => undefined, close: async () => undefined } as Link;

describe('neighbour state (reference 1.3)', () => {
  it('capabilities: ours plus children that are not mute', () => {
    let now = 1_000_000;
    const s = new NeighbourState('api', { capabilities: { hypervisor: ['kvm'] }, muteChildIntervalMs: 300_000, now: () => now });
    s.add('child', 'c1', link);
    s.add('child', 'c2', link);
    expect(s.updateCellCapabilities('c1', { hypervisor: ['xen', 'kvm'], os: ['linux'] })).toBe(true);
    expect(s.updateCellCapabilities('nobody', { a: ['b'] })).toBe(false);
    expect(s.getOurCapabilities()).toEqual({ hypervisor: ['kvm', 'xen'], os: ['linux'] });
    expect(s.muteChildren()).toEqual(['c2']);
    now += 301_000;
    expect(s.getOurCapabilities()).toEqual({ hypervisor: ['kvm'] });
    expect(s.muteChildren()).toEqual(['c1', 'c2']);
  });

  it('capacities: ours plus the numeric sum over children, mute ones included', () => {
    const ours = { ram_free: { total_mb: 1000, units_by_mb: { '512': 2 } } };
    const s = new NeighbourState('api', { capacities: () => ours });
    s.add('child', 'c1', link);
    s.add('child', 'c2', link);
    s.updateCellCapacities('c1', { ram_free: { total_mb: 500, units_by_mb: { '512': 1, '2048': 0 } } });
    s.updateCellCapacities('c2', { disk_free: { total_mb: 10, units_by_mb: { '1024': 0 } } });
    expect(s.getOurCapacities()).toEqual({
      ram_free: { total_mb: 1500, units_by_mb: { '512': 3, '2048': 0 } },
      disk_free: { total_mb: 10, units_by_mb: { '1024': 0 } },
    });
    expect(ours.ram_free.total_mb).toBe(1000);
    expect(s.getCapacities('c1')).toEqual({ ram_free: { total_mb: 500, units_by_mb: { '512': 1, '2048': 0 } } });
    expect(() => s.getCapacities('nope')).toThrow(CellNotFound);
    expect(s.isTop()).toBe(true);
    s.add('parent', 'p', link);
    expect(s.isTop()).toBe(false);
  });
});

describe('dedupe window', () => {
  it('remembers keys for the window only', () => {
    const d = new DedupeWindow(1000);
    expect(d.firstSeen('a', 0)).toBe(true);
    expect(d.firstSeen('a', 500)).toBe(false);
    expect(d.firstSeen('b', 600)).toBe(true);
    expect(d.firstSeen('a', 1001)).toBe(true);
    expect(d.size).toBe(2);
  });

  it('stays bounded', () => {
    const d = new DedupeWindow(60_000, 100);
    for (let i = 0; i < 1000; i++) d.firstSeen(`k${i}`, 0);
    expect(d.size).toBeLessThanOrEqual(101);
  });

  it('expires in arrival order; a forgotten key seen again keeps its new time', () => {
    const d = new DedupeWindow(1000);
    d.firstSeen('a', 0);
    d.forget('a');
    expect(d.firstSeen('a', 500)).toBe(true);
    // The first entry of 'a' (until 1000) expires; its second (until 1500) does not.
    expect(d.firstSeen('b', 1200)).toBe(true);
    expect(d.firstSeen('a', 1300)).toBe(false);
    expect(d.firstSeen('a', 1501)).toBe(true);
  });
});

describe('deadlines', () => {
  it('resolves a deadline from options', () => {
    expect(resolveDeadline({ timeoutMs: 50 }, 1000, Infinity, 10)).toBe(60);
    expect(resolveDeadline({}, 1000, Infinity, 10)).toBe(1010);
    expect(resolveDeadline({ deadline: new Date(99), timeoutMs: 5 }, 1000, Infinity, 10)).toBe(99);
  });

  it('lets deeper hops stop earlier, never past the deadline', () => {
    const now = 0;
    expect(hopWaitUntil(1000, 1, 250, now)).toBe(1000);
    const h2 = hopWaitUntil(1000, 2, 250, now);
    const h3 = hopWaitUntil(1000, 3, 250, now);
    expect(h2).toBeLessThan(1000);
    expect(h3).toBeLessThan(h2);
    expect(h3).toBeGreaterThanOrEqual(now);
  });
});
