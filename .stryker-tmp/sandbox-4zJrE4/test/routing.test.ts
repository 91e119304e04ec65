// @ts-nocheck
import { describe, expect, it } from 'vitest';
import {
  CellRoutingInconsistency,
  appendHop,
  cellWithItem,
  isValidCellName,
  nextHopName,
  responseCellNameFromPath,
  reversePath,
  splitCellAndItem,
} from '../src/index.js';

describe('routing', () => {
  it('reverses paths and names responders', () => {
    expect(reversePath('a!b!c!d')).toBe('d!c!b!a');
    expect(reversePath('a')).toBe('a');
    expect(responseCellNameFromPath('a!b!c', true)).toBe('c!b');
    expect(appendHop('', 'a')).toBe('a');
    expect(appendHop('a', 'b')).toBe('a!b');
  });

  it('finds the next hop or says why it cannot', () => {
    expect(nextHopName('api!c2!g1', 'api')).toBe('c2');
    expect(nextHopName('api!c2!g1', 'api!c2')).toBe('g1');
    expect(nextHopName('api!c2', 'api!c2')).toBeNull();
    expect(() => nextHopName('api', 'api!c2')).toThrow(/destination is api but routing_path is api!c2/);
    expect(() => nextHopName('other!c2', 'api')).toThrow(CellRoutingInconsistency);
    // A sibling path cannot be routed: the prefix must be the path travelled so far.
    expect(() => nextHopName('c1!api!c2', 'c2')).toThrow(CellRoutingInconsistency);
    // 'api' must not match 'apix!...' by string prefix.
    expect(() => nextHopName('apix!c1', 'api')).toThrow(CellRoutingInconsistency);
  });

  it('splits and joins cell@item (reference 1.4)', () => {
    expect(cellWithItem('api!c1', 'host1')).toBe('api!c1@host1');
    expect(cellWithItem(null, 'host1')).toBe('host1');
    expect(splitCellAndItem('api!c1@host1')).toEqual(['api!c1', 'host1']);
    expect(splitCellAndItem('host1')).toEqual([null, 'host1']);
    expect(splitCellAndItem('a@b@c')).toEqual(['a@b', 'c']);
    const [cell, item] = splitCellAndItem(cellWithItem('x!y', 42));
    expect(cellWithItem(cell, item)).toBe('x!y@42');
  });

  it('validates cell names', () => {
    expect(isValidCellName('child-cell1')).toBe(true);
    expect(isValidCellName('a!b')).toBe(false);
    expect(isValidCellName('a@b')).toBe(false);
    expect(isValidCellName('')).toBe(false);
  });
});
