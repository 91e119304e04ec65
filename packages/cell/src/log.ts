/**
 * Structured logs of a cell: a pino-backed core `Logger` that writes one JSON object per line
 * (or pino-pretty's coloured lines when stderr is a terminal), with the cell's name on every
 * line and, on every line logged while a call is being handled or made here, the call's
 * `request_id`, `trace_id` and `method` (from the call context the cell service's interceptor
 * opens, see observe.ts).
 *
 * ```
 * {"level":"debug","time":"2025-01-01T12:00:00.000Z","cell":"api-cell","request_id":"req-...","trace_id":"4bf9...","method":"get_host_uptime","stage":"handler","path":"api-cell!child-cell1","outcome":"ok","ms":1.2,"msg":"handled get_host_uptime"}
 * ```
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import pino from 'pino';
import type { LogLevel, Logger } from '@cellwire/core';

/** `json` (one object per line), `pretty` (pino-pretty), or `auto`: pretty when stderr is a TTY. */
export type LogFormat = 'json' | 'pretty' | 'auto';

/** What every line logged inside one call carries. */
export interface LogCallFields {
  readonly request_id?: string;
  readonly trace_id?: string;
  readonly method?: string;
}

const callFields = new AsyncLocalStorage<LogCallFields>();

/**
 * Runs `fn` with `fields` attached to every line a cell logger writes until it settles (the
 * handler's own lines, and the runner's while it sends and routes for this call).
 */
export function withLogFields<T>(fields: LogCallFields, fn: () => T): T {
  return callFields.run(fields, fn);
}

/** The fields of the call being run, if any. */
export function currentLogFields(): LogCallFields | undefined {
  return callFields.getStore();
}

/** The trace id of a W3C traceparent (`00-<trace id>-<span id>-<flags>`), or undefined. */
export function traceIdOf(traceparent: string | undefined): string | undefined {
  if (!traceparent) return undefined;
  const parts = traceparent.split('-');
  return parts.length >= 4 && /^[0-9a-f]{32}$/.test(parts[1] ?? '') ? parts[1] : undefined;
}

export interface CellLoggerOptions {
  /** The cell's name, on every line as `cell`. */
  readonly cell: string;
  /** The config's `log_level` (default `info`). */
  readonly level?: LogLevel;
  /** Default `auto`. */
  readonly format?: LogFormat;
  /** Where lines go (default: stderr, written synchronously so nothing is lost at exit). */
  readonly destination?: pino.DestinationStream;
}

/** A core Logger that is also the pino logger behind it. */
export interface CellLogger extends Logger {
  readonly pino: pino.Logger;
}

/**
 * A pino-backed core `Logger` for one cell.
 *
 * @example
 * const logger = createCellLogger({ cell: 'api-cell', level: config.logLevel });
 * logger.warn('link failing', { neighbour: 'child-cell1' });
 */
export function createCellLogger(options: CellLoggerOptions): CellLogger {
  const pretty = options.destination === undefined && wantsPretty(options.format ?? 'auto') ? prettyStream() : undefined;
  const destination = options.destination ?? pretty ?? pino.destination({ dest: 2, sync: true });
  const p = pino(
    {
      level: options.level ?? 'info',
      base: { pid: process.pid, hostname: hostname(), cell: options.cell },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Level names, not numbers, in JSON lines; pino-pretty reads pino's own numbers.
      ...(pretty ? {} : { formatters: { level: (label: string) => ({ level: label }) } }),
      // The call's ids under the fields the line itself gives (those win).
      mixin: () => ({ ...callFields.getStore() }),
    },
    destination,
  );
  const at =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (message: string, fields?: Record<string, unknown>): void => {
      if (fields && Object.keys(fields).length > 0) p[level](fields, message);
      else p[level](message);
    };
  return { pino: p, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

function wantsPretty(format: LogFormat): boolean {
  if (format === 'pretty') return true;
  if (format === 'json') return false;
  return process.stderr.isTTY === true;
}

/** pino-pretty on stderr, when it is installed (it is optional); else undefined (JSON lines). */
function prettyStream(): pino.DestinationStream | undefined {
  try {
    const load = typeof require === 'function' ? require : createRequire(import.meta.url);
    const mod = load('pino-pretty') as PrettyFactory | { default: PrettyFactory };
    const factory = typeof mod === 'function' ? mod : mod.default;
    return factory({ destination: 2, sync: true, colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,cell', messageFormat: '{cell}: {msg}', singleLine: true, errorLikeObjectKeys: ['err'] });
  } catch {
    return undefined;
  }
}

type PrettyFactory = (options: Record<string, unknown>) => pino.DestinationStream;
