/**
 * tracing(): spans per hop and one trace per call, recorded with sdk-trace-base's
 * InMemorySpanExporter over a small tree of runners (direct links; the real transports are
 * covered by test/tracing.test.ts at the repository's root).
 */
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeContext, serve, type Interceptor, type RunnerOptions } from '@cellwire/core';
import { testHandlers } from '../../core/test/helpers/handlers.js';
import { ATTR, contextFromTraceparent, traceparentOf, tracing } from '../src/index.js';
import { cellOf, childrenOf, idOf, one, parentOf, recorder, render, withStackContext } from './helpers/spans.js';
import { createClientForTest, smallTree, testService, type SmallTree } from './helpers/tree.js';

let tree: SmallTree | undefined;
afterEach(() => tree?.close());

describe('a targeted call', () => {
  it('is one trace: call, then per hop a send span and the next cell\'s receive span, nested; the handler last', async () => {
    const rec = recorder();
    tree = smallTree({ top: ['mid'], mid: ['leaf'] }, () => ({ interceptors: [tracing({ tracer: rec.tracer })] }));
    const r = await createClientForTest(tree.cell('top')).echo(makeContext(), { cell_name: 'top!mid!leaf', text: 'x' });
    expect(r.valueOrRaise()).toBe('x@top!mid!leaf');
    const spans = rec.spans();
    expect(render(spans)).toEqual([
      'call echo @top (internal) ok',
      '  send echo @top -> mid (client) ok',
      '    receive echo @mid <- top (server) ok',
      '      send echo @mid -> leaf (client) ok',
      '        receive echo @leaf <- mid (server) ok',
      '          handle echo @leaf (internal) ok',
    ]);
    expect(new Set(spans.map((s) => s.spanContext().traceId)).size).toBe(1);
    const call = one(spans, 'call echo', 'top');
    expect(call.parentSpanContext).toBeUndefined();
    expect(call.attributes).toMatchObject({
      [ATTR.method]: 'echo',
      [ATTR.messageType]: 'targeted',
      [ATTR.direction]: 'down',
      [ATTR.routingPath]: 'top',
      [ATTR.targetCell]: 'top!mid!leaf',
      [ATTR.outcome]: 'ok',
      [ATTR.responses]: 1,
      [ATTR.failures]: 0,
    });
    const send = one(spans, 'send echo', 'mid');
    expect(send.kind).toBe(SpanKind.CLIENT);
    expect(send.attributes).toMatchObject({
      [ATTR.stage]: 'send',
      [ATTR.method]: 'echo',
      [ATTR.messageType]: 'targeted',
      [ATTR.direction]: 'down',
      [ATTR.routingPath]: 'top!mid',
      [ATTR.targetCell]: 'top!mid!leaf',
      [ATTR.hopCount]: 2,
      [ATTR.neighbour]: 'leaf',
      [ATTR.outcome]: 'ok',
    });
    // These links tell no URL: no transport attribute.
    expect(send.attributes[ATTR.transport]).toBeUndefined();
    expect(send.events.map((e) => [e.name, e.attributes?.[ATTR.outcome]])).toEqual([['reply', 'ok']]);
    const receive = one(spans, 'receive echo', 'leaf');
    expect(receive.kind).toBe(SpanKind.SERVER);
    expect(receive.attributes).toMatchObject({ [ATTR.routingPath]: 'top!mid!leaf', [ATTR.hopCount]: 3, [ATTR.neighbour]: 'mid', [ATTR.messageType]: 'targeted' });
    // The message's uuid and request id are on every hop.
    expect(new Set(spans.filter((s) => s.name !== 'call echo').map((s) => s.attributes[ATTR.messageId])).size).toBe(1);
    expect(new Set(spans.map((s) => s.attributes[ATTR.requestId])).size).toBe(1);
  });

  it('continues a trace the caller gives, and carries each hop\'s send span as the traceparent', async () => {
    const rec = recorder();
    tree = smallTree({ top: ['mid'] }, () => ({ interceptors: [tracing({ tracer: rec.tracer })] }));
    const given = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    await createClientForTest(tree.cell('top')).echo(makeContext(), { cell_name: 'top!mid', text: 'x' }, { traceparent: given });
    const spans = rec.spans();
    const call = one(spans, 'call echo', 'top');
    expect(call.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(call.parentSpanContext).toMatchObject({ spanId: '00f067aa0ba902b7', isRemote: true });
    const send = one(spans, 'send echo', 'top');
    const carried = JSON.parse(tree.log[0]![2]).traceparent;
    expect(carried).toBe(traceparentOf(send.spanContext()));
    expect(one(spans, 'receive echo', 'mid').parentSpanContext?.spanId).toBe(idOf(send));
  });

  it('a call made under an active span (the caller gave no traceparent) is its child', async () => {
    const rec = recorder();
    tree = smallTree({ top: ['mid'] }, () => ({ interceptors: [tracing({ tracer: rec.tracer })] }));
    await withStackContext(async () => {
      const outer = rec.tracer.startSpan('request');
      await context.with(trace.setSpan(context.active(), outer), () => createClientForTest(tree!.cell('top')).echo(makeContext(), { cell_name: 'top!mid', text: 'x' }));
      outer.end();
      const spans = rec.spans();
      expect(one(spans, 'call echo', 'top').parentSpanContext?.spanId).toBe(outer.spanContext().spanId);
      expect(new Set(spans.map((s) => s.spanContext().traceId))).toEqual(new Set([outer.spanContext().traceId]));
    });
  });

  it("a message a handler sends with the runner's low-level API joins the handler's trace (with a context manager)", async () => {
    const rec = recorder();
    const relay = (cell: string): Partial<RunnerOptions> => ({
      interceptors: [tracing({ tracer: rec.tracer })],
      services: [
        serve(testService, {
          ...testHandlers(cell),
          // At mid, echo sends one more echo to leaf, through the runner, as cell-state handlers do.
          echo: (ctx, args) =>
            cell === 'mid'
              ? ctx.runner.targeted('echo', ctx.ctxt, { cell_name: 'mid!leaf', text: args.text }, { target: 'mid!leaf', direction: 'down', needResponse: true }).then((r) => r!.valueOrRaise() as string)
              : `${args.text}@${ctx.routingPath}`,
        }),
      ],
    });
    tree = smallTree({ top: ['mid'], mid: ['leaf'] }, relay);
    const client = createClientForTest(tree.cell('top'));
    const expected = [
      'call echo @top (internal) ok',
      '  send echo @top -> mid (client) ok',
      '    receive echo @mid <- top (server) ok',
      '      handle echo @mid (internal) ok',
      '        send echo @mid -> leaf (client) ok',
      '          receive echo @leaf <- mid (server) ok',
      '            handle echo @leaf (internal) ok',
    ];
    await withStackContext(async () => {
      expect((await client.echo(makeContext(), { cell_name: 'top!mid', text: 'x' })).valueOrRaise()).toBe('x@mid!leaf');
    });
    expect(render(rec.spans())).toEqual(expected);
    // Without a context manager the handler's message starts from its own trace context.
    rec.exporter.reset();
    await client.echo(makeContext(), { cell_name: 'top!mid', text: 'x' });
    expect(new Set(rec.spans().map((s) => s.spanContext().traceId)).size).toBe(2);
  });

  it('a self-targeted call has the call and the handler only', async () => {
    const rec = recorder();
    tree = smallTree({ top: ['mid'] }, () => ({ interceptors: [tracing({ tracer: rec.tracer })] }));
    await createClientForTest(tree.cell('top')).echo(makeContext(), { cell_name: 'top', text: 'x' });
    expect(render(rec.spans())).toEqual(['call echo @top (internal) ok', '  handle echo @top (internal) ok']);
  });
});

describe('a broadcast', () => {
  it('fans out: one send span per child under the same parent, a receive and a handler span in each cell', async () => {
    const rec = recorder();
    tree = smallTree({ top: ['a', 'b'], b: ['b1', 'b2'] }, () => ({ interceptors: [tracing({ tracer: rec.tracer })] }));
    const res = await createClientForTest(tree.cell('top')).gather(makeContext(), {});
    expect(res).toHaveLength(5);
    const spans = rec.spans();
    expect(new Set(spans.map((s) => s.spanContext().traceId)).size).toBe(1);
    const call = one(spans, 'call gather', 'top');
    expect(call.attributes).toMatchObject({ [ATTR.messageType]: 'broadcast', [ATTR.responses]: 5, [ATTR.failures]: 0 });
    expect(childrenOf(spans, call).map((s) => `${s.name} @${cellOf(s)} ${String(s.attributes[ATTR.neighbour] ?? '')}`).sort()).toEqual([
      'handle gather @top ',
      'send gather @top a',
      'send gather @top b',
    ]);
    const receiveB = one(spans, 'receive gather', 'b');
    expect(childrenOf(spans, receiveB).map((s) => `${s.name} ${String(s.attributes[ATTR.neighbour] ?? '')}`).sort()).toEqual(['handle gather ', 'send gather b1', 'send gather b2']);
    for (const cell of ['a', 'b', 'b1', 'b2']) {
      const receive = one(spans, 'receive gather', cell);
      expect(receive.kind).toBe(SpanKind.SERVER);
      expect(parentOf(one(spans, 'handle gather', cell))).toBe(idOf(receive));
      // Its parent is the send span to it, in its parent cell.
      const send = spans.find((s) => idOf(s) === parentOf(receive))!;
      expect(send.name).toBe('send gather');
      expect(send.attributes[ATTR.neighbour]).toBe(cell);
    }
  });

  it('answers travelling as response messages are spans too (no reply exchange)', async () => {
    const rec = recorder();
    tree = smallTree({ top: ['mid'], mid: ['leaf'] }, () => ({ interceptors: [tracing({ tracer: rec.tracer })] }), { replies: false });
    const r = await createClientForTest(tree.cell('top')).echo(makeContext(), { cell_name: 'top!mid!leaf', text: 'x' });
    expect(r.valueOrRaise()).toBe('x@top!mid!leaf');
    // The sends of the answer end once the cell they went to has handled them: after the call.
    await vi.waitFor(() => expect(rec.spans()).toHaveLength(10));
    const spans = rec.spans();
    expect(new Set(spans.map((s) => s.spanContext().traceId)).size).toBe(1);
    const lines = render(spans);
    // The answer leaves leaf under its receive span and is received, hop by hop, back at top.
    expect(lines.filter((l) => l.includes('response'))).toEqual([
      '          send response @leaf -> mid (client) ok',
      '            receive response @mid <- leaf (server) ok',
      '              send response @mid -> top (client) ok',
      '                receive response @top <- mid (server) ok',
    ]);
    expect(one(spans, 'send response', 'leaf').attributes).toMatchObject({ [ATTR.messageType]: 'response', [ATTR.direction]: 'up', [ATTR.targetCell]: 'leaf!mid!top' });
  });
});

describe('failures', () => {
  it('a handler that throws: status ERROR and the error code on its spans, up to the call', async () => {
    const rec = recorder();
    tree = smallTree({ top: ['mid'], mid: ['leaf'] }, () => ({ interceptors: [tracing({ tracer: rec.tracer })] }));
    const r = await createClientForTest(tree.cell('top')).echo(makeContext(), { cell_name: 'top!mid!leaf', text: 'x', fail: 'CellwireError' });
    expect(r.error?.code).toBe('failed_precondition');
    const spans = rec.spans();
    expect(render(spans)).toEqual([
      'call echo @top (internal) failed_precondition',
      '  send echo @top -> mid (client) failed_precondition',
      '    receive echo @mid <- top (server) failed_precondition',
      '      send echo @mid -> leaf (client) failed_precondition',
      '        receive echo @leaf <- mid (server) failed_precondition',
      '          handle echo @leaf (internal) failed_precondition',
    ]);
    for (const s of spans) {
      expect(s.status.code).toBe(SpanStatusCode.ERROR);
      expect(s.attributes[ATTR.errorType]).toBe('failed_precondition');
    }
    const handle = one(spans, 'handle echo', 'leaf');
    expect(handle.status.message).toBe('asked to fail');
    expect(handle.events.map((e) => e.name)).toEqual(['exception']);
    expect(one(spans, 'call echo', 'top').status.message).toBe('top!mid!leaf: asked to fail');
  });

  it('a neighbour that cannot be reached: the send span fails with unavailable; a broadcast\'s other hops are ok', async () => {
    const rec = recorder();
    tree = smallTree({ top: ['a', 'b'] }, () => ({ interceptors: [tracing({ tracer: rec.tracer })] }));
    tree.stop('b');
    const res = await createClientForTest(tree.cell('top')).gather(makeContext(), {});
    expect(res.filter((r) => r.failure).map((r) => [r.cellName, r.error?.code])).toEqual([['top!b', 'unavailable']]);
    const spans = rec.spans();
    const toB = spans.find((s) => s.name === 'send gather' && s.attributes[ATTR.neighbour] === 'b')!;
    expect(toB.status.code).toBe(SpanStatusCode.ERROR);
    expect(toB.attributes[ATTR.outcome]).toBe('unavailable');
    const toA = spans.find((s) => s.name === 'send gather' && s.attributes[ATTR.neighbour] === 'a')!;
    expect(toA.status.code).toBe(SpanStatusCode.UNSET);
    expect(one(spans, 'call gather', 'top').attributes).toMatchObject({ [ATTR.outcome]: 'unavailable', [ATTR.responses]: 3, [ATTR.failures]: 1 });
  });

  it('an origin refused before anything is sent: the call span fails with the code', async () => {
    const rec = recorder();
    tree = smallTree({ top: ['mid'] }, () => ({ interceptors: [tracing({ tracer: rec.tracer })] }));
    await expect(createClientForTest(tree.cell('top')).echo(makeContext(), { cell_name: 'top!nowhere', text: 'x' })).resolves.toMatchObject({ failure: true });
    const call = one(rec.spans(), 'call echo', 'top');
    expect(call.attributes[ATTR.outcome]).toBe('routing_inconsistency');
    expect(call.status.code).toBe(SpanStatusCode.ERROR);
  });
});

describe('without an SDK', () => {
  it('spans are no-ops and the trace context travels as the caller gave it', async () => {
    const seen: (string | undefined)[] = [];
    const spy: Interceptor = (next) => (call) => (call.stage === 'handler' && seen.push(call.traceparent), next(call));
    tree = smallTree({ top: ['mid'], mid: ['leaf'] }, () => ({ interceptors: [tracing(), spy] }));
    const given = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const r = await createClientForTest(tree.cell('top')).echo(makeContext(), { cell_name: 'top!mid!leaf', text: 'x' }, { traceparent: given });
    expect(r.valueOrRaise()).toBe('x@top!mid!leaf');
    expect(seen).toEqual([given]);
    expect(tree.log.map(([, , data]) => JSON.parse(data).traceparent)).toEqual([given, given]);
  });
});

describe('trace context helpers', () => {
  it('read and write a W3C traceparent', () => {
    const tp = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const sc = trace.getSpanContext(contextFromTraceparent(tp))!;
    expect(sc).toMatchObject({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1, isRemote: true });
    expect(traceparentOf(sc)).toBe(tp);
    expect(trace.getSpanContext(contextFromTraceparent('00-00000000000000000000000000000000-00f067aa0ba902b7-01'))).toBeUndefined();
    expect(trace.getSpanContext(contextFromTraceparent('garbage'))).toBeUndefined();
    expect(trace.getSpanContext(contextFromTraceparent(undefined))).toBeUndefined();
  });
});
