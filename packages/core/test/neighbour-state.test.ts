/**
 * What a cell knows of its neighbours (src/neighbours.ts), at the edges: when a child turns
 * mute, the defaults, capabilities and capacities with and without children, and how
 * sumNumeric adds two reports.
 */
import { describe, expect, it } from 'vitest';
import { CellNotFound, NeighbourState, sumNumeric, type Link } from '../src/index.js';

const link = { cell: 'x', send: async () => undefined, close: async () => undefined } as Link;

describe('neighbour state', () => {
  it('a child is mute once it has been silent for longer than the mute interval, not at it', () => {
    let now = 1000;
    const s = new NeighbourState('api', { muteChildIntervalMs: 300, now: () => now });
    const c1 = s.add('child', 'c1', link);
    s.updateCellCapabilities('c1', { hv: ['kvm'] });
    expect(c1.lastSeen).toBe(1000);
    now = 1300;
    expect(s.muteChildren()).toEqual([]);
    expect(s.isMute(c1)).toBe(false);
    expect(s.getOurCapabilities()).toEqual({ hv: ['kvm'] });
    now = 1301;
    expect(s.muteChildren()).toEqual(['c1']);
    expect(s.isMute(c1)).toBe(true);
    expect(s.getOurCapabilities()).toEqual({});
    s.updateCellCapacities('c1', {});
    expect(c1.lastSeen).toBe(1301);
    expect(s.isMute(c1)).toBe(false);
  });

  it('mutes a child after 300 s by default, on the real clock', () => {
    const s = new NeighbourState('api');
    const c1 = s.add('child', 'c1', link);
    s.updateCellCapabilities('c1', {});
    expect(s.isMute(c1)).toBe(false);
    c1.lastSeen = Date.now() - 299_000;
    expect(s.isMute(c1)).toBe(false);
    c1.lastSeen = Date.now() - 301_000;
    expect(s.isMute(c1)).toBe(true);
    expect(s.muteChildren()).toEqual(['c1']);
  });

  it('reports its own capabilities deduplicated and sorted, with or without its children', () => {
    const s = new NeighbourState('api', { capabilities: { hv: ['xen', 'kvm', 'kvm'], os: ['linux'] }, now: () => 5 });
    s.add('child', 'c1', link);
    s.updateCellCapabilities('c1', { hv: ['qemu', 'qemu', 'bhyve'], arch: ['x86'] });
    expect(s.getOurCapabilities(false)).toEqual({ hv: ['kvm', 'xen'], os: ['linux'] });
    expect(s.getOurCapabilities()).toEqual({ hv: ['bhyve', 'kvm', 'qemu', 'xen'], os: ['linux'], arch: ['x86'] });
    expect(s.children.get('c1')?.capabilities).toEqual({ arch: ['x86'], hv: ['bhyve', 'qemu'] });
  });

  it('reports its own capacities without children when asked, and {} when it has none', () => {
    const s = new NeighbourState('api', { capacities: () => ({ ram_free: { total_mb: 10, units_by_mb: {} } }) });
    s.add('child', 'c1', link);
    s.updateCellCapacities('c1', { ram_free: { total_mb: 5, units_by_mb: {} } });
    expect(s.getOurCapacities(false)).toEqual({ ram_free: { total_mb: 10, units_by_mb: {} } });
    expect(s.getOurCapacities()).toEqual({ ram_free: { total_mb: 15, units_by_mb: {} } });
    expect(s.getCapacities()).toEqual({ ram_free: { total_mb: 15, units_by_mb: {} } });
    expect(s.getCapacities('api')).toEqual({ ram_free: { total_mb: 15, units_by_mb: {} } });
    expect(new NeighbourState('x').getOurCapacities()).toEqual({});
  });

  it('keeps a copy of a child\'s capacities, and refuses reports from cells that are not its children', () => {
    const s = new NeighbourState('api');
    s.add('parent', 'p', link);
    const report = { ram_free: { total_mb: 5, units_by_mb: { '512': 1 } } };
    expect(s.updateCellCapacities('p', report)).toBe(false);
    expect(s.updateCellCapabilities('p', { a: ['b'] })).toBe(false);
    expect(s.parents.get('p')).toMatchObject({ capabilities: {}, capacities: {}, lastSeen: 0 });
    s.add('child', 'c1', link);
    expect(s.updateCellCapacities('c1', report)).toBe(true);
    report.ram_free.total_mb = 99;
    expect(s.getCapacities('c1')).toEqual({ ram_free: { total_mb: 5, units_by_mb: { '512': 1 } } });
    expect(() => s.getCapacities('p')).toThrow(CellNotFound);
  });

  it('adds parents and children on their side, and removes a neighbour from both', () => {
    const s = new NeighbourState('api');
    const p = s.add('parent', 'p', link);
    const c = s.add('child', 'c', link);
    expect(p).toMatchObject({ name: 'p', side: 'parent', link });
    expect(c).toMatchObject({ name: 'c', side: 'child', link });
    expect([...s.parents.keys()]).toEqual(['p']);
    expect([...s.children.keys()]).toEqual(['c']);
    expect(s.isTop()).toBe(false);
    s.remove('p');
    s.remove('c');
    expect(s.parents.size + s.children.size).toBe(0);
    expect(s.isTop()).toBe(true);
  });
});

describe('sumNumeric', () => {
  it('adds numbers at the same place, at any depth, counting a missing or non-number one as 0', () => {
    expect(sumNumeric({ a: 1, o: { x: 2 } }, { a: 2, o: { x: 3, y: 4 }, n: 5 })).toEqual({ a: 3, o: { x: 5, y: 4 }, n: 5 });
    expect(sumNumeric({ n: 'text' }, { n: 2 })).toEqual({ n: 2 });
    expect(sumNumeric({ o: 5 }, { o: { a: 1 } })).toEqual({ o: { a: 1 } });
    expect(sumNumeric({ o: 'ab' }, { o: { a: 1 } })).toEqual({ o: { a: 1 } });
  });

  it('keeps the other values of the first record, taking the second\'s only where the first has none', () => {
    expect(sumNumeric({ x: [1], s: 'a', z: null }, { x: [2], s: 'b', y: [3], z: 'c', w: null })).toEqual({ x: [1], s: 'a', z: null, y: [3], w: null });
  });

  it('does not change either record', () => {
    const a = { o: { x: 1 } };
    const b = { o: { x: 2 } };
    sumNumeric(a, b);
    expect(a).toEqual({ o: { x: 1 } });
    expect(b).toEqual({ o: { x: 2 } });
  });
});
