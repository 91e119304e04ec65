/**
 * Broadcast aggregation at its edges (src/collector.ts): a neighbour that fails on its first
 * word, the origin's caller settled by one failure, a broadcast not run here, and stopping
 * collectors that are gone.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CellwireError, makeContext, Response, type Envelope, type WireResponse } from '../src/index.js';
import { Collectors, type BroadcastCaller } from '../src/collector.js';
import { defaultErrorRegistry } from '../src/remote-error.js';
import { testService } from './service/gen/index.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

const errors = defaultErrorRegistry();

function broadcastAt(path: string, uuid = 'u1'): Envelope {
  return {
    message_type: 'broadcast',
    ctxt: makeContext(),
    method_name: 'gather',
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

const ok = (cell: string, value: unknown): WireResponse => ({ cell_name: cell, value: value as never, failure: false });
const neighbours = (...names: string[]) => names.map((name) => ({ name }));

function origin() {
  const settled: { resolved?: Response[]; rejected?: Error; disposed: number } = { disposed: 0 };
  const caller: BroadcastCaller = {
    resolve: (rs) => void (settled.resolved = rs),
    reject: (e) => void (settled.rejected = e),
    dispose: () => void settled.disposed++,
  };
  return { caller, settled };
}

describe('collectors', () => {
  it('a neighbour that fails at once is answered for with its own error, and the list is done', () => {
    const answers: WireResponse[][] = [];
    const collectors = new Collectors(errors, false, (_env, list) => void answers.push(list));
    collectors.open(broadcastAt('top!mid'), undefined, neighbours('leaf'), false, Date.now() + 1000, undefined);
    collectors.neighbourFailed('u1', 'leaf', new Error('connection refused'));
    expect(answers).toHaveLength(1);
    const [failure] = answers[0]!;
    expect(failure).toMatchObject({ cell_name: 'top!mid!leaf', failure: true, value: { message: 'Cell leaf is unavailable: connection refused' } });
    // A neighbour it was not waiting for is not named.
    collectors.open(broadcastAt('top!mid', 'u2'), undefined, neighbours('leaf'), true, Date.now() + 1000, undefined);
    collectors.neighbourFailed('u2', 'stranger', new Error('x'));
    collectors.neighbourFailed('nope', 'leaf', new Error('x'));
    expect(answers).toHaveLength(1);
    expect(collectors.size).toBe(1);
  });

  it('sends stack lines with the failures it makes only when told to', () => {
    const lists: WireResponse[][] = [];
    const withStacks = new Collectors(errors, true, (_env, list) => void lists.push(list));
    withStacks.open(broadcastAt('top'), undefined, neighbours('a', 'b'), false, Date.now() + 1000, undefined);
    withStacks.neighbourFailed('u1', 'a', new Error('down'));
    vi.advanceTimersByTime(1000);
    const [a, b] = lists[0]!.map((w) => (w.value as { tb: string[] }).tb);
    expect(a!.length).toBeGreaterThan(0);
    expect(b!.length).toBeGreaterThan(0);
  });

  it('at the origin, a broadcast that cannot go on settles the caller with that one failure', () => {
    const collectors = new Collectors(errors, false, () => {
      throw new Error('nothing goes upstream from the origin');
    });
    const { caller, settled } = origin();
    collectors.open(broadcastAt('top'), undefined, neighbours('mid'), true, Date.now() + 1000, caller);
    const failure = Response.failure('top', new CellwireError('unavailable', 'cannot'));
    collectors.failAtOrigin('u1', failure);
    expect(settled.resolved).toEqual([failure]);
    expect(settled.disposed).toBe(1);
    expect(collectors.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    // Nothing is left to settle, or to settle twice.
    collectors.failAtOrigin('u1', failure);
    collectors.failAtOrigin('other', failure);
    expect(settled.disposed).toBe(1);
  });

  it('failAtOrigin leaves a collector that answers upstream alone', () => {
    const answers: WireResponse[][] = [];
    const collectors = new Collectors(errors, false, (_env, list) => void answers.push(list));
    collectors.open(broadcastAt('top!mid'), undefined, neighbours('leaf'), false, Date.now() + 1000, undefined);
    collectors.failAtOrigin('u1', Response.failure('top!mid', new Error('x')));
    expect(collectors.size).toBe(1);
    collectors.arrived('u1', 'leaf', [ok('top!mid!leaf', 'v')]);
    expect(answers).toHaveLength(1);
  });

  it('at the origin, a broadcast not run here settles the caller with the neighbours\' answers only, checked', () => {
    const collectors = new Collectors(errors, false, () => undefined);
    const { caller, settled } = origin();
    collectors.open(broadcastAt('top'), testService.methods.gather, neighbours('mid'), false, Date.now() + 1000, caller);
    collectors.finishIfDone(collectors.open(broadcastAt('top', 'u2'), undefined, [], false, Date.now() + 1000, origin().caller));
    collectors.arrived('u1', 'mid', [ok('top!mid', 'top!mid'), ok('top!mid!leaf', 42)]);
    expect(settled.resolved?.map((r) => [r.cellName, r.failure])).toEqual([
      ['top!mid', false],
      ['top!mid!leaf', true],
    ]);
  });

  it('at the origin, its own answer is checked against the result schema too', () => {
    const collectors = new Collectors(errors, false, () => undefined);
    const { caller, settled } = origin();
    const c = collectors.open(broadcastAt('top'), testService.methods.gather, [], true, Date.now() + 1000, caller);
    collectors.ranLocally(c, Response.success('top', 7));
    expect(settled.resolved).toHaveLength(1);
    expect(settled.resolved![0]!.error?.message).toMatch(/cell top answered gather with a value of the wrong shape/);
  });

  it('dropping or timing out a collector that is gone does nothing', () => {
    const collectors = new Collectors(errors, false, () => undefined);
    expect(() => collectors.drop('nope')).not.toThrow();
    const { caller, settled } = origin();
    collectors.open(broadcastAt('top'), undefined, neighbours('mid'), false, Date.now() + 1000, caller);
    collectors.drop('u1');
    vi.advanceTimersByTime(2000);
    expect(settled).toEqual({ disposed: 1 });
  });

  it('the hop timeout names each silent neighbour with its own path, and leaves a finished handler\'s answer', () => {
    const answers: WireResponse[][] = [];
    const collectors = new Collectors(errors, false, (_env, list) => void answers.push(list));
    const c = collectors.open(broadcastAt('top!mid'), undefined, neighbours('a', 'b'), true, Date.now() + 500, undefined);
    collectors.ranLocally(c, Response.success('top!mid', 'own'));
    vi.advanceTimersByTime(499);
    expect(answers).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(answers[0]!.map((w) => [w.cell_name, w.failure])).toEqual([
      ['top!mid!a', true],
      ['top!mid!b', true],
      ['top!mid', false],
    ]);
    expect((answers[0]![0]!.value as { class: string; message: string }).message).toBe('Timeout waiting for response from cell top!mid!a');
  });
});
