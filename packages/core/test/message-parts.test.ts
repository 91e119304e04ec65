/**
 * The parts of the runner that make, check and answer one message, alone: what a neighbour
 * may send (src/peer-checks.ts), the envelopes a cell creates (envelopes.ts), answers as the
 * caller gets them (answers.ts), and running a handler here (local-call.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  CellwireError,
  defineService,
  InvalidArgument,
  makeContext,
  MessageRunner,
  NeighbourState,
  Response,
  serve,
  silentLogger,
  UnknownMethod,
  type Envelope,
  type HandlerContext,
  type Interceptor,
  type Link,
  type CallContext,
} from '../src/index.js';
import { checkedResult, fromWire } from '../src/answers.js';
import { arrive, checkContext, Envelopes } from '../src/envelopes.js';
import { failureHere, LocalCalls } from '../src/local-call.js';
import { checkSender, decodeReply } from '../src/peer-checks.js';
import { ServiceRegistry } from '../src/registry.js';
import { defaultErrorRegistry } from '../src/remote-error.js';
import { testHandlers } from './helpers/handlers.js';
import { testService } from './service/gen/index.js';

const { echo, gather, note } = testService.methods;
const link = { cell: 'x', send: async () => undefined, close: async () => undefined } as Link;
const errors = defaultErrorRegistry();

function envelope(over: Partial<Envelope> = {}): Envelope {
  return {
    message_type: 'targeted',
    ctxt: makeContext({ request_id: 'req-1' }),
    method_name: 'echo',
    method_kwargs: { cell_name: 'top!mid', text: 'hi' },
    direction: 'down',
    need_response: true,
    fanout: false,
    uuid: 'u-1',
    routing_path: 'top!mid',
    hop_count: 2,
    max_hop_count: 10,
    target_cell: 'top!mid',
    ...over,
  };
}

let runners: MessageRunner[] = [];
afterEach(() => {
  for (const r of runners) r.close();
  runners = [];
});

function runner(name: string, extra: object = {}): MessageRunner {
  const r = new MessageRunner({ name, logger: silentLogger, ...extra });
  runners.push(r);
  return r;
}

describe('checkSender', () => {
  const state = new NeighbourState('mid');
  state.add('parent', 'top', link);
  state.add('child', 'leaf', link);

  it('lets a transport that does not know the sender pass anything', () => {
    expect(() => checkSender(envelope({ routing_path: 'elsewhere', direction: 'up' }), undefined, 'mid', state)).not.toThrow();
  });

  it('takes a parent\'s message going down and a child\'s going up, the sender last on the path', () => {
    expect(() => checkSender(envelope({ routing_path: 'top' }), 'top', 'mid', state)).not.toThrow();
    expect(() => checkSender(envelope({ routing_path: 'x!top' }), 'top', 'mid', state)).not.toThrow();
    expect(() => checkSender(envelope({ routing_path: 'leaf', direction: 'up' }), 'leaf', 'mid', state)).not.toThrow();
    // An empty first name before the sender is still a path that ends with it.
    expect(() => checkSender(envelope({ routing_path: '!top' }), 'top', 'mid', state)).not.toThrow();
  });

  it('refuses a sender that is not the last hop, not a neighbour, or sends against the tree', () => {
    const refused = (env: Envelope, from: string) => {
      try {
        checkSender(env, from, 'mid', state);
      } catch (e) {
        return [(e as CellwireError).code, (e as Error).message];
      }
      return undefined;
    };
    expect(refused(envelope({ routing_path: 'top!leaf' }), 'top')).toEqual(['unauthenticated', "cell top sent a message whose last hop is 'leaf'"]);
    expect(refused(envelope({ routing_path: 'other' }), 'top')).toEqual(['unauthenticated', "cell top sent a message whose last hop is 'other'"]);
    expect(refused(envelope({ routing_path: 'stranger' }), 'stranger')).toEqual(['unauthenticated', 'cell stranger is not a neighbour of mid']);
    expect(refused(envelope({ routing_path: 'leaf', direction: 'down' }), 'leaf')).toEqual(['unauthenticated', 'cell leaf is a child: it cannot send a message going down']);
    expect(refused(envelope({ routing_path: 'top', direction: 'up' }), 'top')).toEqual(['unauthenticated', 'cell top is a parent: it cannot send a message going up']);
  });
});

describe('decodeReply', () => {
  const sent = envelope({ uuid: 'u-1', routing_path: 'top' });
  const reply = (over: Record<string, unknown> = {}) =>
    JSON.stringify({ ...envelope({ message_type: 'response', method_name: 'parse_responses', method_kwargs: { responses: [] }, direction: 'up', need_response: false, routing_path: 'mid', target_cell: 'mid!top', response_uuid: 'u-1' }), ...over });

  it('takes the neighbour\'s response to this message', () => {
    expect(decodeReply(reply(), sent, 'mid').response_uuid).toBe('u-1');
    expect(decodeReply(reply({ routing_path: 'leaf!mid' }), sent, 'mid').routing_path).toBe('leaf!mid');
  });

  it('refuses anything else as an unusable reply naming the neighbour, not retryable', () => {
    const why = (text: string) => {
      try {
        decodeReply(text, sent, 'mid');
      } catch (e) {
        expect(e).toBeInstanceOf(InvalidArgument);
        expect(e).toMatchObject({ cell: 'top!mid', retryable: false });
        return (e as Error).message;
      }
      return undefined;
    };
    expect(why(reply({ message_type: 'targeted', method_name: 'echo' }))).toBe('cell mid answered with an unusable reply: expected a response, got a targeted message');
    expect(why(reply({ response_uuid: 'u-9' }))).toBe('cell mid answered with an unusable reply: the reply answers message u-9, not u-1');
    expect(why(reply({ routing_path: 'mid!other' }))).toBe("cell mid answered with an unusable reply: the reply claims to come from 'other'");
    expect(why(reply({ routing_path: 'other' }))).toBe("cell mid answered with an unusable reply: the reply claims to come from 'other'");
    expect(why('{')).toMatch(/^cell mid answered with an unusable reply: message is not JSON/);
  });
});

describe('envelopes made here', () => {
  const registry = new ServiceRegistry();
  registry.add(testService);

  it('checks a request context against the wire schema and for JSON', () => {
    expect(() => checkContext(makeContext())).not.toThrow();
    expect(() => checkContext({ ...makeContext(), is_admin: 'yes' } as never)).toThrow(/^invalid request context: ctxt.is_admin must be boolean$/);
    expect(() => checkContext({ ...makeContext(), extra: { f: () => 1 } } as never)).toThrow('invalid request context: ctxt.extra.f is not JSON (function)');
  });

  it('arrive appends this cell and counts a hop', () => {
    const env = envelope({ routing_path: '', hop_count: 0 });
    arrive(env, 'top');
    arrive(env, 'mid');
    expect([env.routing_path, env.hop_count]).toEqual(['top!mid', 2]);
  });

  it('a request carries the call\'s fields, a fresh uuid, an empty path and the service version', () => {
    const e = new Envelopes(registry, 7, true);
    const ctxt = makeContext();
    const args = { cell_name: 'top!mid', text: 'x' };
    const env = e.request('targeted', echo, ctxt, args, { direction: 'down', needResponse: true }, 1234, {});
    expect(env).toEqual({
      message_type: 'targeted',
      ctxt,
      method_name: 'echo',
      method_kwargs: args,
      direction: 'down',
      need_response: true,
      fanout: false,
      uuid: expect.stringMatching(/^[0-9a-f-]{36}$/),
      routing_path: '',
      hop_count: 0,
      max_hop_count: 7,
      deadline: 1234,
      traceparent: expect.stringMatching(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/),
      service_version: 'test_service@1.0.0',
    });
    expect(e.request('targeted', echo, ctxt, args, { direction: 'down', needResponse: true }, 1, {}).uuid).not.toBe(env.uuid);
    const given = e.request('broadcast', gather, ctxt, {}, { direction: 'up', needResponse: false, fanout: true }, 5, { maxHopCount: 3, traceparent: 'tp' });
    expect(given).toMatchObject({ message_type: 'broadcast', direction: 'up', need_response: false, fanout: true, max_hop_count: 3, traceparent: 'tp' });
    expect(new Envelopes(registry, 7, false).request('targeted', echo, ctxt, args, { direction: 'down', needResponse: true }, 1, {})).not.toHaveProperty('service_version');
  });

  it('a request is refused before it is made when its arguments or context would be refused downstream', () => {
    const e = new Envelopes(registry, 7, true);
    expect(() => e.request('targeted', echo, makeContext(), { cell_name: 'x' }, { direction: 'down', needResponse: true }, 1, {})).toThrow(InvalidArgument);
    expect(() => e.request('targeted', echo, { roles: [] } as never, { cell_name: 'x', text: 't' }, { direction: 'down', needResponse: true }, 1, {})).toThrow(/invalid request context/);
  });

  it('a response goes back the other way, to the origin or to the neighbour only, answering the message', () => {
    const e = new Envelopes(registry, 7, true);
    const env = envelope({ routing_path: 'top!mid!leaf', deadline: 999, traceparent: 'tp', max_hop_count: 4 });
    const responses = [{ cell_name: 'top!mid!leaf', value: 'v', failure: false }];
    const res = e.response(env, responses, false);
    expect(res).toEqual({
      message_type: 'response',
      ctxt: env.ctxt,
      method_name: 'parse_responses',
      method_kwargs: { responses },
      direction: 'up',
      need_response: false,
      fanout: false,
      uuid: expect.stringMatching(/^[0-9a-f-]{36}$/),
      routing_path: '',
      hop_count: 0,
      max_hop_count: 4,
      target_cell: 'leaf!mid!top',
      response_uuid: 'u-1',
      deadline: 999,
      traceparent: 'tp',
      service_version: 'test_service@1.0.0',
    });
    expect(res.uuid).not.toBe(env.uuid);
    expect(e.response(env, [], true).target_cell).toBe('leaf!mid');
    expect(e.response(envelope({ direction: 'up' }), [], true).direction).toBe('down');
    const bare = e.response(envelope({ method_name: 'not_served' }), [], false);
    expect(bare).not.toHaveProperty('deadline');
    expect(bare).not.toHaveProperty('traceparent');
    expect(bare).not.toHaveProperty('service_version');
    expect(new Envelopes(registry, 7, false).response(env, [], false)).not.toHaveProperty('service_version');
  });
});

describe('answers as the caller gets them', () => {
  it('are read from the wire, checked when the method is known', () => {
    expect(fromWire({ cell_name: 'a', value: 42, failure: false }, undefined, errors).value).toBe(42);
    const checked = fromWire({ cell_name: 'a', value: 42, failure: false }, echo, errors);
    expect(checked.failure).toBe(true);
    expect(checked.value).toMatchObject({ message: 'cell a answered echo with a value of the wrong shape: value must be string', cell: 'a', retryable: false, code: 'invalid_argument' });
  });

  it('a valid answer and a failure pass as they are', () => {
    const ok = Response.success('a', 'text');
    expect(checkedResult(ok, echo)).toBe(ok);
    const failed = Response.failure('a', new Error('x'));
    expect(checkedResult(failed, echo)).toBe(failed);
  });
});

describe('running a handler here', () => {
  it('failureHere names the cell when the error does not, and wraps what is not an Error', () => {
    const bare = new InvalidArgument('bad');
    const r = failureHere('top!mid', bare);
    expect(r).toMatchObject({ cellName: 'top!mid', failure: true });
    expect(bare.cell).toBe('top!mid');
    const named = new InvalidArgument('bad', { cell: 'elsewhere' });
    failureHere('top!mid', named);
    expect(named.cell).toBe('elsewhere');
    const odd = failureHere('top', 'a string');
    expect(odd.value).toBeInstanceOf(Error);
    expect((odd.value as Error).message).toBe('a string');
  });

  function calls(name: string, handlers: object, interceptors: Interceptor[] = [], parents = false) {
    const r = runner(name);
    if (parents) r.addNeighbour('parent', 'p', link);
    const registry = new ServiceRegistry();
    registry.add(serve(testService, handlers as never));
    return { r, registry, local: new LocalCalls(r, registry, interceptors) };
  }

  it('answers unknown_method for a method this cell does not know or does not run', async () => {
    const { local } = calls('mid', { echo: testHandlers('mid').echo });
    const unknown = await local.received(envelope({ method_name: 'nope' }), Date.now() + 1000, false);
    expect(unknown.value).toMatchObject({ code: 'unknown_method', message: "Method 'nope' is not known to cell mid", cell: 'top!mid' });
    const notRun = await local.received(envelope({ message_type: 'broadcast', method_name: 'note', method_kwargs: { text: 't' } }), Date.now() + 1000, false);
    expect(notRun.value).toMatchObject({ code: 'unknown_method', message: "Method 'note' is not implemented by cell mid" });
    const wrongType = await local.received(envelope({ message_type: 'broadcast' }), Date.now() + 1000, false);
    expect(wrongType.value).toMatchObject({ code: 'unknown_method', message: "Method 'echo' cannot be sent as a broadcast message" });
  });

  it('checks a received message\'s arguments, but not those made here', async () => {
    const seen: unknown[] = [];
    const { local } = calls('mid', { echo: (_: HandlerContext, a: unknown) => (seen.push(a), 'ok') });
    const bad = envelope({ method_kwargs: { cell_name: 'top!mid' } });
    expect((await local.received(bad, Date.now() + 1000, false)).value).toBeInstanceOf(InvalidArgument);
    expect(seen).toEqual([]);
    expect((await local.received(bad, Date.now() + 1000, true)).value).toBe('ok');
    expect(seen).toEqual([{ cell_name: 'top!mid' }]);
  });

  it('a top-only method answers null below the top without running', async () => {
    const top = defineService({ name: 'tops', version: '1.0.0' }, { t: { ...echo, name: 't', topOnly: true } });
    let ran = 0;
    for (const parents of [false, true]) {
      const r = runner(`c${String(parents)}`);
      if (parents) r.addNeighbour('parent', 'p', link);
      const registry = new ServiceRegistry();
      registry.add(serve(top, { t: () => (++ran, 'ran') } as never));
      const out = await new LocalCalls(r, registry, []).received(envelope({ method_name: 't' }), Date.now() + 1000, false);
      expect(out.value).toBe(parents ? null : 'ran');
    }
    expect(ran).toBe(1);
  });

  it('answers null for a handler that returns nothing, and a failure for one that throws', async () => {
    const { local } = calls('mid', {
      echo: (_: HandlerContext, a: { text: string }) => {
        if (a.text === 'throw') throw new CellwireError('failed_precondition', 'no');
        return undefined;
      },
    });
    expect(await local.received(envelope(), Date.now() + 1000, false)).toMatchObject({ cellName: 'top!mid', value: null, failure: false });
    const failed = await local.received(envelope({ method_kwargs: { cell_name: 'top!mid', text: 'throw' } }), Date.now() + 1000, false);
    expect(failed).toMatchObject({ failure: true, value: { code: 'failed_precondition', cell: 'top!mid' } });
  });

  it('hands the handler interceptors the call, and the handler what they pass on', async () => {
    const seen: CallContext[] = [];
    const got: unknown[] = [];
    const rewrite: Interceptor = (next) => async (call) => {
      seen.push(call);
      const out = await next({ ...call, ctxt: { ...call.ctxt, user_id: 'swapped' }, args: { ...call.args, text: 'changed' } });
      return `${String(out)}!`;
    };
    const { r, local } = calls('mid', { echo: (ctx: HandlerContext, a: { text: string }) => (got.push([ctx.ctxt.user_id, a.text, ctx.routingPath, ctx.deadline]), a.text) }, [rewrite]);
    const deadline = Date.now() + 5000;
    const env = envelope({ traceparent: 'tp' });
    const out = await local.received(env, deadline, false);
    expect(out.value).toBe('changed!');
    expect(got).toEqual([['swapped', 'changed', 'top!mid', deadline]]);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ stage: 'handler', cell: 'mid', method: echo, ctxt: env.ctxt, args: env.method_kwargs, routingPath: 'top!mid', deadline, traceparent: 'tp', message: env });
    expect(seen[0]!.signal?.aborted).toBe(false);
    expect(r.name).toBe('mid');
  });

  it('answers null through interceptors too when the handler returns nothing', async () => {
    const pass: Interceptor = (next) => (call) => next(call);
    const { local } = calls('mid', { note: () => undefined }, [pass]);
    const out = await local.received(envelope({ message_type: 'broadcast', method_name: 'note', method_kwargs: { text: 't' } }), Date.now() + 1000, false);
    expect(out).toMatchObject({ value: null, failure: false });
    expect(note.name).toBe('note');
  });
});
