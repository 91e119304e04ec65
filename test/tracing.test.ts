/**
 * Tracing across real transports (issue 12, item 1): @cellwire/otel's interceptor on every
 * cell, spans recorded with sdk-trace-base's InMemorySpanExporter. A call is one trace, a
 * span per hop, nested hop by hop, on memory (with and without a reply exchange), HTTP and
 * AMQP, and on one tree that mixes them. Then `cellwire serve`: OpenTelemetry's SDK starts
 * only when OTEL_EXPORTER_OTLP_ENDPOINT is set, and its spans reach an OTLP/HTTP collector.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createClient } from '@cellwire/client';
import { makeContext, serve, silentLogger, startCellNode, type CellNode } from '@cellwire/core';
import { ATTR, tracing, type TracingOptions } from '@cellwire/otel';
import { cellState, cellStateHandlers } from '@cellwire/schema';
import { createAmqpTransport } from '@cellwire/transport-amqp';
import { createHttpTransport } from '@cellwire/transport-http';
import { MemoryNetwork } from '@cellwire/transport-memory';
import { otlpTracesUrl, runCli, startServeTelemetry } from '../packages/cell/src/command-line.js';
import { AMQP_URL, KITS, deleteQueues } from './fixtures/kits.js';
import { REFERENCE_PATHS, REFERENCE_TREE, startTree } from './fixtures/tree.js';
import { testHandlers, testService } from './fixtures/test-service.js';

const ctxt = makeContext({ request_id: 'req-tracing' });
const DEEP = 'api-cell!child-cell2!grandchild-cell1';

function recorder() {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return { tracer: provider.getTracer('cellwire-test'), spans: () => exporter.getFinishedSpans(), reset: () => exporter.reset() };
}

const cellOf = (s: ReadableSpan) => String(s.attributes[ATTR.cell]);
const idOf = (s: ReadableSpan) => s.spanContext().spanId;
const label = (s: ReadableSpan) => `${s.name} @${cellOf(s)}`;

function childrenOf(spans: readonly ReadableSpan[], parent: ReadableSpan | undefined): ReadableSpan[] {
  const ids = new Set(spans.map(idOf));
  const hr = (t: readonly [number, number]) => t[0] * 1e9 + t[1];
  return spans
    .filter((s) => (parent ? s.parentSpanContext?.spanId === idOf(parent) : !s.parentSpanContext || !ids.has(s.parentSpanContext.spanId)))
    .sort((a, b) => hr(a.startTime) - hr(b.startTime) || label(a).localeCompare(label(b)));
}

/** The tree as indented lines: `name @cell [-> neighbour] (kind) outcome [transport]`. */
function render(spans: readonly ReadableSpan[]): string[] {
  const kinds: Record<number, string> = { [SpanKind.INTERNAL]: 'internal', [SpanKind.SERVER]: 'server', [SpanKind.CLIENT]: 'client' };
  const out: string[] = [];
  const walk = (s: ReadableSpan, depth: number) => {
    const n = s.attributes[ATTR.neighbour];
    const t = s.attributes[ATTR.transport];
    const to = n === undefined ? '' : ` ${s.kind === SpanKind.CLIENT ? '->' : '<-'} ${String(n)}`;
    out.push(`${'  '.repeat(depth)}${label(s)}${to} (${kinds[s.kind]}) ${String(s.attributes[ATTR.outcome])}${t === undefined ? '' : ` [${String(t)}]`}`);
    for (const c of childrenOf(spans, s)) walk(c, depth + 1);
  };
  for (const r of childrenOf(spans, undefined)) walk(r, 0);
  return out;
}

function one(spans: readonly ReadableSpan[], name: string, cell: string, neighbour?: string): ReadableSpan {
  const hits = spans.filter((s) => s.name === name && cellOf(s) === cell && (neighbour === undefined || s.attributes[ATTR.neighbour] === neighbour));
  if (hits.length !== 1) throw new Error(`expected one '${name} @${cell}', found ${hits.length}:\n${render(spans).join('\n')}`);
  return hits[0]!;
}

/** Outcomes along the chain: the call's, the hops' on the way (sends and child-cell2), the target's (its receive and handler). */
interface ChainOutcomes {
  readonly call: string;
  readonly hops: string;
  readonly target: string;
}
const ALL_OK: ChainOutcomes = { call: 'ok', hops: 'ok', target: 'ok' };

/** The chain of one targeted call to grandchild-cell1, as the tests below expect it. */
function expectDeepChain(spans: readonly ReadableSpan[], o: ChainOutcomes, transports: { c2?: string; g1?: string } = {}): void {
  const t = (x: string | undefined) => (x === undefined ? '' : ` [${x}]`);
  const chain = [
    `call echo @api-cell (internal) ${o.call}`,
    `  send echo @api-cell -> child-cell2 (client) ${o.hops}${t(transports.c2)}`,
    `    receive echo @child-cell2 <- api-cell (server) ${o.hops}`,
    `      send echo @child-cell2 -> grandchild-cell1 (client) ${o.hops}${t(transports.g1)}`,
    `        receive echo @grandchild-cell1 <- child-cell2 (server) ${o.target}`,
    `          handle echo @grandchild-cell1 (internal) ${o.target}`,
  ];
  // Over a link with no reply exchange the answer comes back as response messages, under the answering cell's receive span.
  expect(render(spans).filter((l) => !l.includes('response'))).toEqual(chain);
  expect(new Set(spans.map((s) => s.spanContext().traceId)).size).toBe(1);
  expect(one(spans, 'call echo', 'api-cell').parentSpanContext).toBeUndefined();
  for (const s of spans) {
    const outcome = String(s.attributes[ATTR.outcome]);
    expect(s.status.code, label(s)).toBe(outcome === 'ok' ? SpanStatusCode.UNSET : SpanStatusCode.ERROR);
    if (outcome !== 'ok') expect(s.attributes[ATTR.errorType], label(s)).toBe(outcome);
    expect(s.attributes[ATTR.requestId]).toBe('req-tracing');
  }
  expect(one(spans, 'send echo', 'child-cell2').attributes).toMatchObject({
    [ATTR.stage]: 'send',
    [ATTR.method]: 'echo',
    [ATTR.messageType]: 'targeted',
    [ATTR.direction]: 'down',
    [ATTR.routingPath]: 'api-cell!child-cell2',
    [ATTR.targetCell]: DEEP,
    [ATTR.hopCount]: 2,
    [ATTR.neighbour]: 'grandchild-cell1',
  });
  expect(one(spans, 'receive echo', 'grandchild-cell1').attributes).toMatchObject({
    [ATTR.routingPath]: DEEP,
    [ATTR.hopCount]: 3,
    [ATTR.targetCell]: DEEP,
    [ATTR.neighbour]: 'child-cell2',
  });
}

/** Each receive span's parent is the send span to its cell, in its parent cell. */
function expectReceivesUnderSends(spans: readonly ReadableSpan[], method: string): void {
  for (const r of spans.filter((s) => s.name === `receive ${method}`)) {
    const parent = spans.find((s) => idOf(s) === r.parentSpanContext?.spanId);
    expect(parent?.name, label(r)).toBe(`send ${method}`);
    expect(parent?.attributes[ATTR.neighbour]).toBe(cellOf(r));
    expect(String(r.attributes[ATTR.routingPath])).toBe(`${String(parent?.attributes[ATTR.routingPath])}!${cellOf(r)}`);
  }
}

describe.each(['memory', 'memory-no-replies', 'http', 'amqp'])('tracing over %s', (kitName) => {
  const rec = recorder();
  let tree: Awaited<ReturnType<typeof startTree>>;

  beforeAll(async () => {
    const kit = KITS[kitName]!();
    tree = await startTree({
      kit,
      services: (cell) => [serve(testService, testHandlers(cell))],
      runner: () => ({ interceptors: [tracing({ tracer: rec.tracer })] }),
    });
  });
  afterAll(() => tree?.close());

  /** Spans stop changing once every hop's send has settled (after the call, without a reply exchange). */
  async function settled(count: number): Promise<ReadableSpan[]> {
    await vi.waitFor(() => expect(rec.spans().length).toBeGreaterThanOrEqual(count), { timeout: 5000 });
    return rec.spans();
  }

  it('a targeted call to a grandchild is one trace: call, send, receive, send, receive, handle', async () => {
    rec.reset();
    const r = await createClient(testService, tree.cell('api-cell')).echo(ctxt, { cell_name: DEEP, text: 'hi' });
    expect(r.valueOrRaise()).toBe(`hi@${DEEP}`);
    const replies = kitName !== 'memory-no-replies';
    const spans = await settled(replies ? 6 : 10);
    // An HTTP link tells its URL: its scheme is the transport.
    const scheme = kitName === 'http' ? 'http' : undefined;
    expectDeepChain(spans, ALL_OK, { c2: scheme, g1: scheme });
    if (replies) {
      // The answer came back on the exchange: a `reply` event on each send span.
      for (const s of spans.filter((x) => x.name === 'send echo')) expect(s.events.map((e) => e.name)).toEqual(['reply']);
    } else {
      expect(render(spans).filter((l) => l.includes('response'))).toEqual([
        '          send response @grandchild-cell1 -> child-cell2 (client) ok',
        '            receive response @child-cell2 <- grandchild-cell1 (server) ok',
        '              send response @child-cell2 -> api-cell (client) ok',
        '                receive response @api-cell <- child-cell2 (server) ok',
      ]);
    }
  });

  it("a broadcast's fan-out: one send span per child under the same parent, a receive and a handler span in every cell", async () => {
    rec.reset();
    const res = await createClient(testService, tree.cell('api-cell')).gather(ctxt, {});
    expect(res.map((r) => r.valueOrRaise()).sort()).toEqual([...REFERENCE_PATHS].sort());
    const spans = await settled(1 + 7 * 3 + 1 + (kitName === 'memory-no-replies' ? 14 : 0));
    expect(new Set(spans.map((s) => s.spanContext().traceId)).size).toBe(1);
    const call = one(spans, 'call gather', 'api-cell');
    expect(call.attributes).toMatchObject({ [ATTR.messageType]: 'broadcast', [ATTR.responses]: 8, [ATTR.failures]: 0, [ATTR.outcome]: 'ok' });
    const fanout = (parent: ReadableSpan) =>
      childrenOf(spans, parent)
        .filter((s) => s.name === 'send gather')
        .map((s) => String(s.attributes[ATTR.neighbour]))
        .sort();
    expect(fanout(call)).toEqual(['child-cell1', 'child-cell2', 'child-cell3', 'child-cell4']);
    expect(fanout(one(spans, 'receive gather', 'child-cell3'))).toEqual(['grandchild-cell2', 'grandchild-cell3']);
    expect(fanout(one(spans, 'receive gather', 'child-cell1'))).toEqual([]);
    for (const p of REFERENCE_PATHS) {
      const cell = p.split('!').at(-1)!;
      const handle = one(spans, 'handle gather', cell);
      if (cell === 'api-cell') {
        expect(handle.parentSpanContext?.spanId).toBe(idOf(call));
        continue;
      }
      const receive = one(spans, 'receive gather', cell);
      expect(receive.kind).toBe(SpanKind.SERVER);
      expect(receive.attributes[ATTR.routingPath]).toBe(p);
      expect(handle.parentSpanContext?.spanId).toBe(idOf(receive));
    }
    expectReceivesUnderSends(spans, 'gather');
  });

  it('a failure: status ERROR and the error code on the handler, each hop and the call', async () => {
    rec.reset();
    const r = await createClient(testService, tree.cell('api-cell')).echo(ctxt, { cell_name: DEEP, text: 'hi', fail: 'TestingException' });
    // An application error (a class the caller does not know): `internal` where it was thrown, `remote` wherever it arrives.
    expect(r.error?.code).toBe('remote');
    const replies = kitName !== 'memory-no-replies';
    const spans = await settled(replies ? 6 : 10);
    const scheme = kitName === 'http' ? 'http' : undefined;
    // With a reply exchange the answer comes back through the sends; without, as response messages.
    expectDeepChain(spans, { call: 'remote', hops: replies ? 'remote' : 'ok', target: 'internal' }, { c2: scheme, g1: scheme });
    if (!replies) {
      expect(render(spans).filter((l) => l.includes('response'))).toEqual([
        '          send response @grandchild-cell1 -> child-cell2 (client) internal',
        '            receive response @child-cell2 <- grandchild-cell1 (server) remote',
        '              send response @child-cell2 -> api-cell (client) remote',
        '                receive response @api-cell <- child-cell2 (server) remote',
      ]);
    }
    const handle = one(spans, 'handle echo', 'grandchild-cell1');
    expect(handle.status.message).toContain('failed in api-cell!child-cell2!grandchild-cell1 as asked');
    expect(handle.events.map((e) => e.name)).toContain('exception');
    expect(one(spans, 'call echo', 'api-cell').status.message).toContain(`${DEEP}:`);
  });
});

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

describe('tracing over a tree that mixes transports (api-cell -> child-cell2 over AMQP, child-cell2 -> grandchild-cell1 over HTTP, the rest in memory)', () => {
  const rec = recorder();
  const nodes: CellNode[] = [];
  const prefix = `cwtrace-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    const memory = new MemoryNetwork();
    const secret = randomBytes(16).toString('hex');
    const ports = { c2: await freePort(), g1: await freePort() };
    const url = (cell: string): string => {
      if (cell === 'child-cell2') return AMQP_URL;
      if (cell === 'grandchild-cell1') return `http://127.0.0.1:${ports.g1}`;
      return `memory://${cell}`;
    };
    const parents = new Map<string, string>();
    for (const [p, kids] of Object.entries(REFERENCE_TREE)) for (const k of kids) parents.set(k, p);
    for (const cell of ['api-cell', ...Object.values(REFERENCE_TREE).flat()]) {
      const listen: { url: string; secrets?: Record<string, string> }[] = [{ url: `memory://${cell}` }];
      if (cell === 'child-cell2') {
        listen.push({ url: AMQP_URL });
        listen.push({ url: `http://127.0.0.1:${ports.c2}`, secrets: { 'grandchild-cell1': secret } });
      }
      if (cell === 'grandchild-cell1') listen.push({ url: `http://127.0.0.1:${ports.g1}`, secrets: { 'child-cell2': secret } });
      if (cell === 'api-cell') listen.push({ url: AMQP_URL });
      const parent = parents.get(cell);
      const parentUrl = cell === 'grandchild-cell1' ? `http://127.0.0.1:${ports.c2}` : cell === 'child-cell2' ? AMQP_URL : parent ? `memory://${parent}` : '';
      const neighbours = [...(parent ? [{ name: parent, urls: [parentUrl] }] : []), ...(REFERENCE_TREE[cell] ?? []).map((k) => ({ name: k, urls: [url(k)] }))];
      // As `cellwire serve` does: each neighbour's transport is its URL's scheme.
      const schemes = new Map(neighbours.map((n) => [n.name, n.urls[0]!.slice(0, n.urls[0]!.indexOf(':'))]));
      const options: TracingOptions = { tracer: rec.tracer, transportOf: (send) => schemes.get(send.neighbour) };
      nodes.push(
        await startCellNode({
          name: cell,
          services: [serve(testService, testHandlers(cell)), serve(cellState, cellStateHandlers())],
          interceptors: [tracing(options)],
          logger: silentLogger,
          transports: [memory.transport(), createHttpTransport(), createAmqpTransport({ prefix, log: () => undefined, drainTimeoutMs: 200 })],
          listen,
          parents: parent ? [{ name: parent, urls: [parentUrl], ...(cell === 'grandchild-cell1' ? { secret } : {}) }] : [],
          children: (REFERENCE_TREE[cell] ?? []).map((k) => ({ name: k, urls: [url(k)], ...(k === 'grandchild-cell1' ? { secret } : {}) })),
        }),
      );
    }
  });

  afterAll(async () => {
    await Promise.allSettled(nodes.map((n) => n.close()));
    await deleteQueues(AMQP_URL, ['api-cell', 'child-cell2'].flatMap((c) => ['targeted', 'broadcast', 'response'].map((t) => `${prefix}.${c}.${t}`)));
  });

  it('a targeted call through three cells is one trace, each hop on its own transport', async () => {
    rec.reset();
    const r = await createClient(testService, nodes[0]!.runner).echo(ctxt, { cell_name: DEEP, text: 'hi' }, { timeoutMs: 5000 });
    expect(r.valueOrRaise()).toBe(`hi@${DEEP}`);
    const spans = rec.spans();
    expectDeepChain(spans, ALL_OK, { c2: 'amqp', g1: 'http' });
    // Sample span tree, for the record.
    console.log(`span tree of echo to ${DEEP}:\n${render(spans).join('\n')}`);
  });

  it('a broadcast fans out over every transport, and a failure deep in it is an ERROR on its spans', async () => {
    rec.reset();
    const res = await createClient(testService, nodes[0]!.runner).gather(ctxt, { behaviour: { 'grandchild-cell1': { fail: 'TestingException' } } }, { timeoutMs: 5000 });
    expect(res).toHaveLength(8);
    const failed = res.filter((r) => r.failure);
    expect(failed.map((r) => r.cellName)).toEqual([DEEP]);
    const code = failed[0]!.error!.code;
    expect(code).toBe('remote');
    const spans = rec.spans();
    expect(new Set(spans.map((s) => s.spanContext().traceId)).size).toBe(1);
    const call = one(spans, 'call gather', 'api-cell');
    expect(call.attributes).toMatchObject({ [ATTR.responses]: 8, [ATTR.failures]: 1, [ATTR.outcome]: code });
    expect(call.status.code).toBe(SpanStatusCode.ERROR);
    expect(
      childrenOf(spans, call)
        .filter((s) => s.name === 'send gather')
        .map((s) => `${String(s.attributes[ATTR.neighbour])} ${String(s.attributes[ATTR.transport])}`)
        .sort(),
    ).toEqual(['child-cell1 memory', 'child-cell2 amqp', 'child-cell3 memory', 'child-cell4 memory']);
    expectReceivesUnderSends(spans, 'gather');
    const handle = one(spans, 'handle gather', 'grandchild-cell1');
    expect(handle.status.code).toBe(SpanStatusCode.ERROR);
    expect(handle.attributes[ATTR.outcome]).toBe('internal');
    // The failure is reported on the way back: the sends that carried it, hop by hop.
    expect(one(spans, 'send gather', 'child-cell2', 'grandchild-cell1').attributes[ATTR.outcome]).toBe(code);
    expect(one(spans, 'send gather', 'api-cell', 'child-cell2').attributes[ATTR.outcome]).toBe(code);
    expect(one(spans, 'send gather', 'api-cell', 'child-cell1').attributes[ATTR.outcome]).toBe('ok');
    expect(one(spans, 'handle gather', 'child-cell3').status.code).toBe(SpanStatusCode.UNSET);
  });
});

describe('cellwire serve and OpenTelemetry', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'cellwire-tracing-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const recording = () => trace.getTracer('probe').startSpan('probe').isRecording();

  it('decides from the environment: OTEL_EXPORTER_OTLP_ENDPOINT, unless OTEL_SDK_DISABLED', () => {
    expect(otlpTracesUrl({})).toBeUndefined();
    expect(otlpTracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: '' })).toBeUndefined();
    expect(otlpTracesUrl({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/v1/traces' })).toBeUndefined();
    expect(otlpTracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })).toBe('http://127.0.0.1:4318/v1/traces');
    expect(otlpTracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })).toBe('http://collector:4318/v1/traces');
    expect(otlpTracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://t:4318/traces' })).toBe('http://t:4318/traces');
    expect(otlpTracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' })).toBeUndefined();
  });

  it('without OTEL_EXPORTER_OTLP_ENDPOINT, serve starts no SDK', async () => {
    expect(await startServeTelemetry({}, { name: 'x', parents: [], children: [] })).toBeUndefined();
    const file = path.join(dir, 'plain.json');
    writeFileSync(file, JSON.stringify({ name: 'plain', listen: 'memory://plain', log_level: 'error' }));
    const stop = new AbortController();
    let stdout = '';
    let stderr = '';
    const done = runCli(['serve', '--config', file], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: {}, signal: stop.signal });
    await vi.waitFor(() => expect(stdout).toContain('ready'), { timeout: 10_000 });
    expect(recording()).toBe(false);
    stop.abort();
    expect(await done).toBe(0);
    expect(stderr).not.toContain('traces');
  });

  it('with it, serve starts the SDK and sends the cell\'s spans to the collector over OTLP/HTTP', async () => {
    const posts: { path: string; body: string }[] = [];
    const collector = http.createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        posts.push({ path: req.url ?? '', body });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(collector.address() as net.AddressInfo).port}`;
    try {
      const file = path.join(dir, 'traced.json');
      // A parent that is not there: the announcements at start are calls that fail, and are traced.
      writeFileSync(file, JSON.stringify({ name: 'traced', listen: 'memory://traced', parents: [{ name: 'gone', url: 'memory://gone' }], log_level: 'error' }));
      const stop = new AbortController();
      let stdout = '';
      let stderr = '';
      const done = runCli(['serve', '--config', file], {
        stdout: (t) => (stdout += t),
        stderr: (t) => (stderr += t),
        env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint },
        signal: stop.signal,
      });
      await vi.waitFor(() => expect(stdout).toContain('ready'), { timeout: 10_000 });
      expect(stderr).toContain(`cellwire: sending traces to ${endpoint}/v1/traces`);
      expect(recording()).toBe(true);
      stop.abort();
      expect(await done).toBe(0);
      // Stopping flushed the spans, and unregistered the SDK.
      expect(recording()).toBe(false);
      const traces = posts.filter((p) => p.path === '/v1/traces');
      expect(traces.length).toBeGreaterThan(0);
      const sent = traces.map((p) => p.body).join('\n');
      expect(sent).toContain('call tell_parents_our_capabilities');
      expect(sent).toContain('send update_capabilities');
      expect(sent).toContain('"traced"');
      // OTLP/JSON: the cell's name is the service; the handler's own sends join the call's trace
      // (the SDK's context manager carries the handler's span to them).
      interface OtlpSpan {
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        attributes: { key: string; value: { stringValue?: string } }[];
      }
      const bodies = traces.map((p) => JSON.parse(p.body) as { resourceSpans: { resource: { attributes: OtlpSpan['attributes'] }; scopeSpans: { spans: OtlpSpan[] }[] }[] });
      const resources = bodies.flatMap((b) => b.resourceSpans.map((r) => r.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue));
      expect(new Set(resources)).toEqual(new Set(['traced']));
      const spans = bodies.flatMap((b) => b.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((x) => x.spans)));
      const byId = new Map(spans.map((x) => [x.spanId, x]));
      const send = spans.find((x) => x.name === 'send update_capabilities')!;
      expect(send.attributes.find((a) => a.key === ATTR.transport)?.value.stringValue).toBe('memory');
      expect(send.attributes.find((a) => a.key === ATTR.outcome)?.value.stringValue).toBe('unavailable');
      const handle = byId.get(send.parentSpanId!)!;
      expect(handle.name).toBe('handle tell_parents_our_capabilities');
      const call = byId.get(handle.parentSpanId!)!;
      expect(call.name).toBe('call tell_parents_our_capabilities');
      expect(new Set([send.traceId, handle.traceId, call.traceId]).size).toBe(1);
    } finally {
      await new Promise((resolve) => collector.close(resolve));
    }
  });
});
