/**
 * In memory, runners hand each other envelopes as values (Link.sendValue), not JSON text:
 * what that may skip, and what it must not.
 */
import { describe, expect, it } from 'vitest';
import { encodeEnvelope, makeContext, type DedupeStore, type Envelope } from '@cellwire/core';
import { createClient } from '@cellwire/client';
import { startTree } from './fixtures/tree.js';
import { testService, testServices, type Run } from './fixtures/test-service.js';

const ctxt = makeContext({ user_id: 'u1', project_id: 'p1' });

/** A dedupe store that records what a cell keeps: the uuids it would refuse as repeats. */
function recordingStore(): DedupeStore & { readonly kept: string[] } {
  const kept: string[] = [];
  return { kept, load: () => [], add: (key) => void kept.push(key), expire: () => undefined };
}

describe('envelopes as values in memory', () => {
  it('a runner\'s own targeted call keeps no dedupe entry; broadcasts and messages sent as text still do', async () => {
    const store = recordingStore();
    const runs: Run[] = [];
    await using tree = await startTree({ services: testServices(runs), runner: (cell) => (cell === 'child-cell1' ? { dedupeStore: store } : {}) });
    const client = createClient(testService, tree.cell('api-cell'));
    expect((await client.echo(ctxt, { cell_name: 'api-cell!child-cell1', text: 'a' })).valueOrRaise()).toBe('a@api-cell!child-cell1');
    expect(store.kept).toEqual([]);
    // A broadcast can reach a cell by two paths (two parents): its uuid is kept.
    await client.gather(ctxt, {});
    expect(store.kept).toHaveLength(1);
    // Text on the same link can be anyone's, sent any number of times: kept, and a repeat is refused.
    const link = tree.cell('api-cell').state.children.get('child-cell1')!.link;
    const env: Envelope = {
      message_type: 'targeted', ctxt, method_name: 'echo', method_kwargs: { cell_name: 'api-cell!child-cell1', text: 't', call: false },
      direction: 'down', need_response: false, fanout: false, uuid: '7c0c2f56-0000-4000-8000-0000000000aa', routing_path: 'api-cell',
      hop_count: 1, max_hop_count: 10, target_cell: 'api-cell!child-cell1',
    };
    const opts = { messageType: 'targeted', fanout: false, expectReply: false, deadline: Date.now() + 2000, durable: true } as const;
    await link.send(encodeEnvelope(env), opts);
    await link.send(encodeEnvelope(env), opts);
    expect(store.kept).toContain(env.uuid);
    expect(runs.filter((r) => r.method === 'echo' && (r.args as { text: string }).text === 't')).toHaveLength(1);
    expect(tree.cell('child-cell1').stats.duplicates).toBe(1);
  });
});
