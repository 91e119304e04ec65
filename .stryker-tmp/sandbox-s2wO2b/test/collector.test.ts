/**
 * Broadcast aggregation (src/collector.ts), alone: neighbours' lists in arrival order, the
 * cell's own answer last, silent neighbours named at the hop timeout, one answer only, and
 * the origin's caller settled rather than an answer sent upstream.
 */
// @ts-nocheck

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CellUnavailable, CellwireError, makeContext, Response, type Envelope, type WireResponse } from '../src/index.js';
import { Collectors, type BroadcastCaller } from '../src/collector.js';
import { defaultErrorRegistry } from '../src/remote-error.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

const errors = defaultErrorRegistry();

function broadcastAt(path: string, uuid = 'u1'): Envelope {
  return {
    message_type: 'broadcast',
    ctxt: makeContext({ request_id: 'req-c' }),
    method_name: 'echo',
    method_kwargs: {},
    direction: 'down',
    need_response: true,
    fanout: false,
    uuid,
    routing_path: path,
    hop_count: path.split('!').length,
    max_hop_count: 10,
  };
}

const ok = (cell: string, value: string): WireResponse => ({ cell_name: cell, value, failure: false });
const neighbours = (...names: string[]) => names.map((name) => ({ name }));

function upstream() {
  const answers: [Envelope, WireResponse[]][] = [];
  const collectors = new Collectors(errors, false, (env, list) => void answers.push([env, list]));
  return { collectors, answers };
}

describe('collectors', () => {
  it('answer once, with the lists in arrival order and their own answer last', () => {
    const { collectors, answers } = upstream();
    const env = broadcastAt('top!mid');
    const c = collectors.open(env, undefined, neighbours('leaf1', 'leaf2'), true, Date.now() + 1000, undefined);
    expect(collectors.arrived('u1', 'leaf2', [ok('leaf2!mid', 'b')])).toBe(true);
    // The same neighbour again, or one never asked: nothing waits for it.
    expect(collectors.arrived('u1', 'leaf2', [ok('leaf2!mid', 'b again')])).toBe(false);
    expect(collectors.arrived('u1', 'stranger', [])).toBe(false);
    expect(collectors.arrived('u1', 'leaf1', [ok('leaf1!mid', 'a'), ok('deep!leaf1!mid', 'd')])).toBe(true);
    expect(answers).toEqual([]);
    collectors.ranLocally(c, Response.success('top!mid', 'own'));
    expect(answers).toHaveLength(1);
    expect(answers[0]![0]).toBe(env);
    expect(answers[0]![1].map((r) => r.value)).toEqual(['b', 'a', 'd', 'own']);
    // Finished: the timer is gone and nothing answers again.
    vi.advanceTimersByTime(5000);
    collectors.finishIfDone(c);
    expect(answers).toHaveLength(1);
    expect(collectors.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('name silent neighbours and a still-running handler at the hop timeout, then ignore late answers', () => {
    const { collectors, answers } = upstream();
    const c = collectors.open(broadcastAt('top!mid'), undefined, neighbours('leaf1', 'leaf2'), true, Date.now() + 1000, undefined);
    collectors.arrived('u1', 'leaf1', [ok('leaf1!mid', 'a')]);
    vi.advanceTimersByTime(1000);
    expect(answers).toHaveLength(1);
    const list = answers[0]![1];
    expect(list.map((r) => [r.cell_name, r.failure])).toEqual([
      ['leaf1!mid', false],
      ['top!mid!leaf2', true],
      ['top!mid', true],
    ]);
    expect((list[1]!.value as { kwargs: { code: string } }).kwargs.code).toBe('timeout');
    expect(collectors.arrived('u1', 'leaf2', [ok('leaf2!mid', 'late')])).toBe(false);
    collectors.ranLocally(c, Response.success('top!mid', 'late own'));
    expect(answers).toHaveLength(1);
  });

  it('turn a neighbour that cannot be reached into a failure naming it', () => {
    const { collectors, answers } = upstream();
    collectors.open(broadcastAt('top'), undefined, neighbours('mid'), false, Date.now() + 1000, undefined);
    collectors.neighbourFailed('u1', 'mid', new Error('connection refused'));
    collectors.neighbourFailed('u1', 'mid', new Error('twice'));
    expect(answers).toHaveLength(1);
    const [failure] = answers[0]![1];
    expect(failure).toMatchObject({ cell_name: 'top!mid', failure: true });
    expect(errors.deserialize((failure!.value as never))).toBeInstanceOf(CellUnavailable);
  });

  it('at the origin, settle the caller with checked Responses instead of answering upstream', async () => {
    const { collectors, answers } = upstream();
    let settle!: BroadcastCaller;
    const done = new Promise<Response[]>((resolve, reject) => (settle = { resolve, reject, dispose: vi.fn() }));
    const c = collectors.open(broadcastAt('top'), undefined, neighbours('mid'), true, Date.now() + 1000, settle);
    collectors.arrived('u1', 'mid', [ok('top!mid', 'theirs')]);
    collectors.ranLocally(c, Response.success('top', 'ours'));
    const rs = await done;
    expect(rs.map((r) => [r.cellName, r.value])).toEqual([
      ['top!mid', 'theirs'],
      ['top', 'ours'],
    ]);
    expect(rs[0]).toBeInstanceOf(Response);
    expect(settle.dispose).toHaveBeenCalledTimes(1);
    expect(answers).toEqual([]);
  });

  it('at the origin, fail all callers on close and drop one on abort', async () => {
    const { collectors } = upstream();
    const outcomes: string[] = [];
    const caller = (name: string): BroadcastCaller => ({
      resolve: () => void outcomes.push(`${name} resolved`),
      reject: (e) => void outcomes.push(`${name} ${e.message}`),
      dispose: () => void outcomes.push(`${name} disposed`),
    });
    collectors.open(broadcastAt('top', 'u1'), undefined, neighbours('mid'), false, Date.now() + 1000, caller('one'));
    collectors.open(broadcastAt('top', 'u2'), undefined, neighbours('mid'), false, Date.now() + 1000, caller('two'));
    collectors.drop('u1');
    expect(collectors.size).toBe(1);
    collectors.failAll(() => new CellwireError('unavailable', 'closing'));
    expect(outcomes).toEqual(['one disposed', 'two disposed', 'two closing']);
    expect(collectors.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
