/** Spans recorded in memory (sdk-trace-base's InMemorySpanExporter), and the tree they make. */
import { context, ROOT_CONTEXT, SpanKind, type Context, type ContextManager } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';

export function recorder() {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return { exporter, provider, tracer: provider.getTracer('cellwire-test'), spans: () => exporter.getFinishedSpans() };
}

export const cellOf = (s: ReadableSpan) => String(s.attributes['cellwire.cell']);
export const idOf = (s: ReadableSpan) => s.spanContext().spanId;
export const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;

/** `name @cell`: the short form the assertions use. */
export const label = (s: ReadableSpan) => `${s.name} @${cellOf(s)}`;

/** The spans whose parent is `parent` (none: the roots of the set), ordered by start time then label. */
export function childrenOf(spans: readonly ReadableSpan[], parent: ReadableSpan | undefined): ReadableSpan[] {
  const ids = new Set(spans.map(idOf));
  return spans
    .filter((s) => (parent ? parentOf(s) === idOf(parent) : parentOf(s) === undefined || !ids.has(parentOf(s)!)))
    .sort((a, b) => hr(a.startTime) - hr(b.startTime) || label(a).localeCompare(label(b)));
}

const hr = (t: readonly [number, number]) => t[0] * 1e9 + t[1];

const KIND: Record<number, string> = { [SpanKind.INTERNAL]: 'internal', [SpanKind.SERVER]: 'server', [SpanKind.CLIENT]: 'client', [SpanKind.PRODUCER]: 'producer', [SpanKind.CONSUMER]: 'consumer' };

/** The span tree as indented lines: `name @cell (kind) outcome`, children by start time. */
export function render(spans: readonly ReadableSpan[]): string[] {
  const out: string[] = [];
  const walk = (s: ReadableSpan, depth: number) => {
    const extra = s.attributes['cellwire.neighbour'] !== undefined ? ` ${s.kind === SpanKind.CLIENT ? '->' : '<-'} ${String(s.attributes['cellwire.neighbour'])}` : '';
    out.push(`${'  '.repeat(depth)}${label(s)}${extra} (${KIND[s.kind]}) ${String(s.attributes['cellwire.outcome'])}`);
    for (const c of childrenOf(spans, s)) walk(c, depth + 1);
  };
  for (const r of childrenOf(spans, undefined)) walk(r, 0);
  return out;
}

/** The one span with this label; fails when there are none or several. */
export function one(spans: readonly ReadableSpan[], name: string, cell: string): ReadableSpan {
  const hits = spans.filter((s) => s.name === name && cellOf(s) === cell);
  if (hits.length !== 1) throw new Error(`expected one span '${name} @${cell}', found ${hits.length}:\n${render(spans).join('\n')}`);
  return hits[0]!;
}

/**
 * The smallest context manager, registered for the duration of `fn`: a stack, enough for what
 * runs synchronously inside `context.with` (the start of a call, of a handler).
 */
export async function withStackContext<T>(fn: () => Promise<T>): Promise<T> {
  let current: Context = ROOT_CONTEXT;
  const manager: ContextManager = {
    active: () => current,
    with: (ctx, f, thisArg, ...args) => {
      const before = current;
      current = ctx;
      try {
        return f.call(thisArg, ...args);
      } finally {
        current = before;
      }
    },
    bind: (_ctx, target) => target,
    enable: () => manager,
    disable: () => manager,
  };
  context.setGlobalContextManager(manager);
  try {
    return await fn();
  } finally {
    context.disable();
  }
}
