/**
 * Cell paths at their edges (src/routing.ts): one cell, one hop, an empty name where a
 * separator stands first, and the default of `neighbourOnly`. Each case pins an answer the
 * runner relies on when it names a responder or finds where a message came from.
 */
// @ts-nocheck

import { describe, expect, it } from 'vitest';
import { CellRoutingInconsistency, nextHopName, previousCell, responseCellNameFromPath, splitCellAndItem } from '../src/index.js';
import { firstCell, lastCell } from '../src/routing.js';

describe('responseCellNameFromPath', () => {
  it('names the whole reversed path unless only the neighbour is asked for', () => {
    expect(responseCellNameFromPath('a!b!c')).toBe('c!b!a');
    expect(responseCellNameFromPath('a!b!c!d', false)).toBe('d!c!b!a');
    expect(responseCellNameFromPath('a!b!c!d', true)).toBe('d!c');
  });

  it('answers a one-cell path with the cell itself, whichever is asked', () => {
    expect(responseCellNameFromPath('a')).toBe('a');
    expect(responseCellNameFromPath('a', true)).toBe('a');
  });

  it('reverses a one-hop path, whichever is asked', () => {
    expect(responseCellNameFromPath('a!b')).toBe('b!a');
    expect(responseCellNameFromPath('a!b', true)).toBe('b!a');
  });

  it('keeps an empty first name (a path starting with the separator) in the reversed path', () => {
    expect(responseCellNameFromPath('!b')).toBe('b!');
    expect(responseCellNameFromPath('!a!b')).toBe('b!a!');
    expect(responseCellNameFromPath('!a!b', true)).toBe('b!a');
  });
});

describe('first, last and previous cells of a path', () => {
  it('lastCell is the name after the last separator, or the whole path', () => {
    expect(lastCell('a!b!c')).toBe('c');
    expect(lastCell('a')).toBe('a');
    expect(lastCell('!x')).toBe('x');
    expect(lastCell('a!')).toBe('');
  });

  it('firstCell is the name before the first separator, or the whole path', () => {
    expect(firstCell('a!b!c')).toBe('a');
    expect(firstCell('a')).toBe('a');
    expect(firstCell('!a')).toBe('');
  });

  it('previousCell is the neighbour a message came from, undefined at the origin', () => {
    expect(previousCell('a!b!c')).toBe('b');
    expect(previousCell('a!b')).toBe('a');
    expect(previousCell('a')).toBeUndefined();
    expect(previousCell('!b')).toBe('');
  });
});

describe('nextHopName', () => {
  it('names the next cell, even an empty one, from the path travelled so far', () => {
    expect(nextHopName('api!c1!g1!x', 'api!c1')).toBe('g1');
    expect(nextHopName('api!!x', 'api')).toBe('');
  });

  it('refuses a target shorter than the path travelled, and one beside it', () => {
    expect(() => nextHopName('api!c1', 'api!c1!g1')).toThrow(CellRoutingInconsistency);
    expect(() => nextHopName('api!c2', 'api!c1')).toThrow(/destination is api!c2 but routing_path is api!c1/);
  });
});

describe('splitCellAndItem', () => {
  it('keeps an empty cell before a leading @ rather than reading no cell', () => {
    expect(splitCellAndItem('@host1')).toEqual(['', 'host1']);
    expect(splitCellAndItem('api@')).toEqual(['api', '']);
  });
});
