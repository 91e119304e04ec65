import { describe, expect, it } from 'vitest';
import { CellwireError } from '@cellwire/core';
import { cellTopology } from '../src/index.js';

describe('cellTopology', () => {
  it('names one durable queue per message type, a fanout exchange and a dead-letter queue per cell', () => {
    expect(cellTopology('child-cell1')).toEqual({
      cell: 'child-cell1',
      queues: { targeted: 'cellwire.child-cell1.targeted', broadcast: 'cellwire.child-cell1.broadcast', response: 'cellwire.child-cell1.response' },
      fanout: 'cellwire.child-cell1.fanout',
      dead: 'cellwire.child-cell1.dead',
    });
    expect(cellTopology('api', 'cells.intercell').queues.response).toBe('cells.intercell.api.response');
  });

  it('refuses names that cannot be a cell or a queue', () => {
    for (const bad of ['', 'a!b', 'a@b', 'a b', 'x'.repeat(201)]) expect(() => cellTopology(bad)).toThrow(CellwireError);
    expect(() => cellTopology('ok', 'amq.reserved')).toThrow(/prefix/);
  });
});
