/**
 * The runner's hop stages that tracing builds on: `send` around each link.send, `receive`
 * around each message handled from a neighbour. Only interceptors that carry the hooks see
 * them; the trace context a hook passes on is what travels, and what the next stages see.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { makeContext, type CallNext, type Interceptor, type ReceiveNext, type SendNext } from '@cellwire/core';
import { createClientForTest, smallTree, type SmallTree } from './helpers/tree.js';

let tree: SmallTree | undefined;
afterEach(() => tree?.close());

const TP = (span: string) => `00-0af7651916cd43dd8448eb211c80319c-${span}-01`;

describe('send and receive hooks', () => {
  it('run only for interceptors that carry them, around each hop, the first outermost', async () => {
    const events: string[] = [];
    const plain: Interceptor = (next) => (call) => (events.push(`plain ${call.stage}@${call.cell}`), next(call));
    const hooked = (tag: string): Interceptor =>
      Object.assign((next: CallNext): CallNext => (call) => next(call), {
        send: (next: SendNext): SendNext => async (s) => {
          events.push(`${tag}>send ${s.cell}->${s.neighbour} ${s.side} ${s.message.message_type} ${s.options.messageType}${s.options.expectReply ? ' reply' : ''}`);
          const reply = await next(s);
          events.push(`${tag}<send ${s.cell}->${s.neighbour}${reply === undefined ? '' : ' replied'}`);
          return reply;
        },
        receive: (next: ReceiveNext): ReceiveNext => async (r) => {
          events.push(`${tag}>receive ${r.cell}<-${r.from} ${r.message.message_type} ${r.message.routing_path} ${r.method?.name ?? '-'}`);
          await next(r);
          events.push(`${tag}<receive ${r.cell}`);
        },
      });
    tree = smallTree({ top: ['mid'], mid: ['leaf'] }, () => ({ interceptors: [plain, hooked('a'), hooked('b')] }));
    const r = await createClientForTest(tree.cell('top')).echo(makeContext(), { cell_name: 'top!mid!leaf', text: 'x' });
    expect(r.valueOrRaise()).toBe('x@top!mid!leaf');
    // Each hop's hooks begin in order, the first outermost; ends settle as answers come back.
    expect(events.filter((e) => !/^[ab]</.test(e))).toEqual([
      'plain origin@top',
      'a>send top->mid child targeted targeted reply',
      'b>send top->mid child targeted targeted reply',
      'a>receive mid<-top targeted top!mid echo',
      'b>receive mid<-top targeted top!mid echo',
      'a>send mid->leaf child targeted targeted reply',
      'b>send mid->leaf child targeted targeted reply',
      'a>receive leaf<-mid targeted top!mid!leaf echo',
      'b>receive leaf<-mid targeted top!mid!leaf echo',
      'plain handler@leaf',
    ]);
    const at = (e: string) => events.indexOf(e);
    for (const hop of ['send top->mid replied', 'receive mid', 'send mid->leaf replied', 'receive leaf']) {
      expect(at(`b<${hop}`)).toBeGreaterThan(at('plain handler@leaf'));
      expect(at(`a<${hop}`)).toBeGreaterThan(at(`b<${hop}`));
    }
    // A forwarding cell's receive ends once the answer it waited for is back.
    expect(at('b<receive mid')).toBeGreaterThan(at('a<send mid->leaf replied'));
    expect(events).toHaveLength(18);
  });

  it('a send hook changes the traceparent that goes out; a receive hook the one this cell uses', async () => {
    const seen: string[] = [];
    let n = 0;
    const retrace: Interceptor = Object.assign((next: CallNext): CallNext => (call) => (seen.push(`${call.stage}@${call.cell} ${call.traceparent}`), next(call)), {
      send: (next: SendNext): SendNext => (s) => {
        const out = TP(`${++n}`.padStart(16, 'a'));
        seen.push(`send ${s.cell}->${s.neighbour} ${s.traceparent} => ${out}`);
        return next({ ...s, traceparent: out });
      },
      receive: (next: ReceiveNext): ReceiveNext => (r) => {
        const out = TP(`${++n}`.padStart(16, 'b'));
        seen.push(`receive ${r.cell} ${r.traceparent} => ${out}`);
        return next({ ...r, traceparent: out });
      },
    });
    tree = smallTree({ top: ['mid'], mid: ['leaf'] }, () => ({ interceptors: [retrace] }));
    await createClientForTest(tree.cell('top')).echo(makeContext(), { cell_name: 'top!mid!leaf', text: 'x' }, { traceparent: TP('0000000000000001') });
    expect(seen).toEqual([
      `origin@top ${TP('0000000000000001')}`,
      `send top->mid ${TP('0000000000000001')} => ${TP('aaaaaaaaaaaaaaa1')}`,
      `receive mid ${TP('aaaaaaaaaaaaaaa1')} => ${TP('bbbbbbbbbbbbbbb2')}`,
      `send mid->leaf ${TP('bbbbbbbbbbbbbbb2')} => ${TP('aaaaaaaaaaaaaaa3')}`,
      `receive leaf ${TP('aaaaaaaaaaaaaaa3')} => ${TP('bbbbbbbbbbbbbbb4')}`,
      `handler@leaf ${TP('bbbbbbbbbbbbbbb4')}`,
    ]);
    // What each link carried: the traceparent the send hook passed on.
    expect(tree.log.map(([from, to, data]) => `${from}->${to} ${JSON.parse(data).traceparent}`)).toEqual([
      `top->mid ${TP('aaaaaaaaaaaaaaa1')}`,
      `mid->leaf ${TP('aaaaaaaaaaaaaaa3')}`,
    ]);
  });

  it('a broadcast copies its envelope per neighbour when a hook changes the traceparent; the origin tells whether the caller gave one', async () => {
    const given: (boolean | undefined)[] = [];
    let n = 0;
    const retrace: Interceptor = Object.assign((next: CallNext): CallNext => (call) => (call.stage === 'origin' && given.push(call.traceparentGiven), next(call)), {
      send: (next: SendNext): SendNext => (s) => next({ ...s, traceparent: TP(`${++n}`.padStart(16, '0')) }),
    });
    tree = smallTree({ top: ['a', 'b', 'c'] }, () => ({ interceptors: [retrace] }));
    const client = createClientForTest(tree.cell('top'));
    const res = await client.gather(makeContext(), {});
    expect(res.map((r) => r.valueOrRaise()).sort()).toEqual(['top', 'top!a', 'top!b', 'top!c']);
    const carried = tree.log.map(([, , data]) => JSON.parse(data).traceparent as string);
    expect(new Set(carried).size).toBe(3);
    await client.gather(makeContext(), {}, { traceparent: TP('00000000000000ff') });
    expect(given).toEqual([false, true]);
  });

  it('a send hook that throws fails that hop like a link would', async () => {
    const refuse: Interceptor = Object.assign((next: CallNext): CallNext => (call) => next(call), {
      send: (next: SendNext): SendNext => (s) => {
        if (s.neighbour === 'b') throw new Error('no sends to b');
        return next(s);
      },
    });
    tree = smallTree({ top: ['a', 'b'] }, () => ({ interceptors: [refuse] }));
    const res = await createClientForTest(tree.cell('top')).gather(makeContext(), {});
    expect(res.map((r) => [r.cellName, r.failure]).sort((x, y) => String(x[0]).localeCompare(String(y[0])))).toEqual([
      ['top', false],
      ['top!a', false],
      ['top!b', true],
    ]);
  });
});
