/**
 * The interceptor the cell service installs on its runner: around every call made here
 * (`origin`) and every handler run here (`handler`) it counts the call and its duration
 * (metrics.ts), keeps it in the ring buffer of recent calls (recent.ts), logs one line, and
 * gives every line logged while it runs the call's request id, trace id and method (log.ts).
 */
import { CellwireError, Response, type CallContext, type Interceptor, type Logger } from '@cellwire/core';
import { traceIdOf, withLogFields } from './log.js';
import type { CellMetrics } from './metrics.js';
import type { RecentCall, RecentCalls, RecentResponse } from './recent.js';

export interface ObserveOptions {
  readonly metrics?: CellMetrics;
  readonly recent?: RecentCalls;
  readonly logger?: Logger;
}

// A broadcast over a large tree answers with many Responses; the buffer keeps the first ones.
const MAX_RESPONSES_KEPT = 64;

/**
 * The observing interceptor. Put it first (outermost) so it sees what the caller sees.
 *
 * @example
 * const runner = new MessageRunner({ name, services, interceptors: [observeCalls({ metrics, recent, logger })] });
 */
export function observeCalls(options: ObserveOptions): Interceptor {
  return (next) => (call) => {
    const started = performance.now();
    const at = new Date().toISOString();
    const traceId = traceIdOf(call.traceparent);
    const fields = { request_id: call.ctxt.request_id, ...(traceId ? { trace_id: traceId } : {}), method: call.method.name };
    const done = (outcome: string, result: unknown, error: unknown) => {
      const ms = performance.now() - started;
      try {
        record(options, call, { at, ms, outcome, result, error, traceId });
      } catch (e) {
        // Observing must never change what the caller gets.
        options.logger?.warn(`could not record a call: ${(e as Error).message}`, fields);
      }
    };
    let running: Promise<unknown>;
    try {
      running = withLogFields(fields, () => next(call));
    } catch (e) {
      // A handler that throws before its first await throws here, not in a promise.
      running = Promise.reject(e);
    }
    return running.then(
      (result) => {
        done(outcomeOf(result), result, undefined);
        return result;
      },
      (e: unknown) => {
        done(CellwireError.from(e).code, undefined, e);
        throw e;
      },
    );
  };
}

interface Ended {
  readonly at: string;
  readonly ms: number;
  readonly outcome: string;
  readonly result: unknown;
  readonly error: unknown;
  readonly traceId: string | undefined;
}

function record(options: ObserveOptions, call: CallContext, end: Ended): void {
  const m = call.method;
  options.metrics?.observeCall({ stage: call.stage, method: m.name, outcome: end.outcome }, end.ms / 1000);
  const responses = call.stage === 'origin' ? responsesOf(end.result) : undefined;
  const error = errorMessage(end, responses);
  const route = routeOf(call);
  const ms = Math.round(end.ms * 10) / 10;
  const entry: RecentCall = {
    at: end.at,
    stage: call.stage,
    method: m.name,
    service: m.service.name,
    kind: m.kind,
    direction: m.direction,
    route,
    request_id: call.ctxt.request_id,
    ...(end.traceId ? { trace_id: end.traceId } : {}),
    outcome: end.outcome,
    ...(error !== undefined ? { error } : {}),
    ms,
    ...(responses ? { responses: responses.slice(0, MAX_RESPONSES_KEPT) } : {}),
  };
  options.recent?.push(entry);
  const logger = options.logger;
  if (!logger) return;
  const line = {
    request_id: entry.request_id,
    ...(end.traceId ? { trace_id: end.traceId } : {}),
    method: m.name,
    stage: call.stage,
    route,
    outcome: end.outcome,
    ms,
    ...(responses ? { responses: responses.length } : {}),
    ...(error !== undefined ? { error } : {}),
  };
  const what = call.stage === 'origin' ? `called ${m.name}` : `handled ${m.name}`;
  // Every call at debug; a failure at info, an internal error (a bug) at error.
  if (end.outcome === 'ok') logger.debug(what, line);
  else if (end.outcome === 'internal') logger.error(`${what}: ${error ?? end.outcome}`, line);
  else logger.info(`${what}: ${error ?? end.outcome}`, line);
}

/** `ok` when the call resolved with no failed Response; else the first failure's code. */
function outcomeOf(result: unknown): string {
  const list = Array.isArray(result) ? result : [result];
  for (const r of list) if (r instanceof Response && r.failure) return r.error?.code ?? 'remote';
  return 'ok';
}

function responsesOf(result: unknown): RecentResponse[] | undefined {
  if (result instanceof Response) return [responseOf(result)];
  if (Array.isArray(result) && result.every((r) => r instanceof Response)) return result.map(responseOf);
  return undefined;
}

function responseOf(r: Response): RecentResponse {
  return { cell: r.cellName, outcome: r.failure ? (r.error?.code ?? 'remote') : 'ok' };
}

function errorMessage(end: Ended, responses: readonly RecentResponse[] | undefined): string | undefined {
  if (end.error !== undefined) return end.error instanceof Error ? end.error.message : String(end.error);
  if (end.outcome === 'ok') return undefined;
  const list = Array.isArray(end.result) ? end.result : [end.result];
  const failed = list.find((r): r is Response => r instanceof Response && r.failure);
  if (!failed) return undefined;
  const n = responses?.filter((r) => r.outcome !== 'ok').length ?? 1;
  const message = `${failed.cellName}: ${failed.error?.message ?? 'failed'}`;
  return n > 1 ? `${message} (and ${n - 1} more)` : message;
}

/** Where a call goes, as the page and the log show it. */
function routeOf(call: CallContext): string {
  if (call.stage === 'handler') return call.routingPath;
  const m = call.method;
  const target = m.target === 'none' ? undefined : targetOf(m.target.arg, call.args);
  if (m.kind === 'local') return call.cell;
  if (m.kind === 'targeted' || (m.kind === 'targeted_or_broadcast' && target !== undefined)) return `${call.cell} -> ${target ?? '?'}`;
  return `${call.cell} -> * ${m.direction}`;
}

function targetOf(argPath: string, args: Readonly<Record<string, unknown>>): string | undefined {
  let v: unknown = args;
  for (const part of argPath.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}
