/**
 * The `cellwire` command line (docs/cell-service.md): serve a cell from its config file, call
 * a method through a cell's HTTP API, draw the tree below a cell, or run the demo. Plain
 * argv parsing: one command, its positionals, and `--flag value` options.
 */
import { readFileSync } from 'node:fs';
import { CellwireError, codeForHttpStatus } from '@cellwire/core';
import type { CellStateView } from './service.js';
import { renderTree, treeFromState } from './tree-view.js';

/** Where the command line writes and what it reads; tests pass their own. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** `serve` stops when this aborts (besides SIGINT and SIGTERM). */
  readonly signal?: AbortSignal;
}

export const USAGE = `Usage: cellwire <command> [options]

Commands:
  serve --config FILE              run one cell from its JSON config file
  call URL METHOD [--args JSON] [--timeout S] [--ctxt JSON]
                                   run METHOD (wire name, e.g. service_get_all) from the cell
                                   whose HTTP API is at URL; prints the JSON result
  tree URL                         draw the tree of cells below the cell at URL, with capacities
  demo                             start the 8-cell reference tree in this process and tour it
  help                             show this text

Exit status: 0 done, 1 failed (a failure Response, an HTTP error, a bad config), 2 bad usage.
`;

class UsageError extends Error {}

interface Parsed {
  readonly positionals: string[];
  readonly flags: Map<string, string>;
}

/** Splits `args` into positionals and the allowed `--flag value` / `--flag=value` options. */
function parseArgs(args: readonly string[], allowed: readonly string[]): Parsed {
  const positionals: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (!a.startsWith('--')) {
      positionals.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
    if (!allowed.includes(name)) throw new UsageError(`unknown option --${name}`);
    let value: string | undefined = eq < 0 ? undefined : a.slice(eq + 1);
    if (value === undefined) {
      value = args[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
    }
    flags.set(name, value);
  }
  return { positionals, flags };
}

function positionals(p: Parsed, names: readonly string[]): string[] {
  if (p.positionals.length !== names.length) {
    throw new UsageError(`expected ${names.join(' ')}, got ${p.positionals.length === 0 ? 'nothing' : p.positionals.join(' ')}`);
  }
  return p.positionals;
}

/**
 * Runs one command line; resolves with the exit status.
 *
 * @example
 * process.exitCode = await runCli(process.argv.slice(2));
 */
export async function runCli(argv: readonly string[], io: Partial<CliIo> = {}): Promise<number> {
  const out: CliIo = {
    stdout: io.stdout ?? ((t) => process.stdout.write(t)),
    stderr: io.stderr ?? ((t) => process.stderr.write(t)),
    env: io.env ?? process.env,
    ...(io.signal ? { signal: io.signal } : {}),
  };
  const [command, ...rest] = argv;
  if (rest.includes('--help')) {
    out.stdout(USAGE);
    return 0;
  }
  try {
    switch (command) {
      case 'serve':
        return await serve(parseArgs(rest, ['config']), out);
      case 'call':
        return await call(parseArgs(rest, ['args', 'timeout', 'ctxt']), out);
      case 'tree':
        return await tree(parseArgs(rest, []), out);
      case 'demo': {
        positionals(parseArgs(rest, []), []);
        const { runDemo } = await import('./demo.js');
        await runDemo({ print: (line) => out.stdout(`${line}\n`) });
        return 0;
      }
      case 'help':
      case '--help':
      case '-h':
        out.stdout(USAGE);
        return 0;
      case undefined:
        throw new UsageError('no command given');
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      out.stderr(`cellwire: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    out.stderr(`cellwire: ${(e as Error)?.message ?? String(e)}\n`);
    return 1;
  }
}

async function serve(p: Parsed, io: CliIo): Promise<number> {
  positionals(p, []);
  const file = p.flags.get('config');
  if (!file) throw new UsageError('serve needs --config FILE');
  // Loaded here, not at the top: `call` and `tree` need no transport, store or broker client.
  const { loadConfig } = await import('./config.js');
  const { startCellService } = await import('./service.js');
  const config = loadConfig(file, { env: io.env });
  const cell = await startCellService(config);
  const where = cell.url ? `HTTP API at ${cell.url}` : 'no HTTP API';
  io.stdout(`cellwire: cell ${cell.name} ready, ${where}; listening on ${cell.urls.join(', ')}\n`);
  let stop = () => {};
  await new Promise<void>((resolve) => {
    stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    io.signal?.addEventListener('abort', stop, { once: true });
    if (io.signal?.aborted) stop();
  });
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  io.stderr(`cellwire: cell ${cell.name} stopping\n`);
  await cell.close();
  return 0;
}

function jsonFlag(p: Parsed, name: string): Record<string, unknown> | undefined {
  const text = p.flags.get(name);
  if (text === undefined) return undefined;
  let v: unknown;
  try {
    // `@file.json` reads the JSON from a file, for arguments too long for a command line.
    v = JSON.parse(text.startsWith('@') ? readFileSync(text.slice(1), 'utf8') : text);
  } catch (e) {
    throw new UsageError(`--${name} is not JSON: ${(e as Error).message}`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new UsageError(`--${name} must be a JSON object`);
  return v as Record<string, unknown>;
}

async function call(p: Parsed, io: CliIo): Promise<number> {
  const [url, method] = positionals(p, ['URL', 'METHOD']) as [string, string];
  const args = jsonFlag(p, 'args');
  const ctxt = jsonFlag(p, 'ctxt');
  const timeout = p.flags.get('timeout');
  const timeoutS = timeout === undefined ? undefined : Number(timeout);
  if (timeoutS !== undefined && !(timeoutS > 0)) throw new UsageError('--timeout must be a number of seconds > 0');
  const body = JSON.stringify({ ...(ctxt ? { ctxt } : {}), args: args ?? {}, ...(timeoutS !== undefined ? { timeout_s: timeoutS } : {}) });
  const { status, json } = await request(`${baseOf(url)}/v1/call/${encodeURIComponent(method)}`, { method: 'POST', body });
  if (status >= 400) {
    io.stderr(`cellwire: ${errorMessage(json, status)}\n`);
    return 1;
  }
  io.stdout(`${JSON.stringify(json, null, 2)}\n`);
  const failures = (Array.isArray(json) ? json : [json]).filter(isFailure);
  for (const f of failures) io.stderr(`cellwire: ${f.cell_name} failed: ${f.value?.message ?? 'unknown error'}\n`);
  return failures.length > 0 ? 1 : 0;
}

async function tree(p: Parsed, io: CliIo): Promise<number> {
  const [url] = positionals(p, ['URL']) as [string];
  const { status, json } = await request(`${baseOf(url)}/v1/state`, { method: 'GET' });
  if (status >= 400) {
    io.stderr(`cellwire: ${errorMessage(json, status)}\n`);
    return 1;
  }
  const fetchState = async (child: string) => {
    try {
      const r = await request(`${baseOf(child)}/v1/state`, { method: 'GET' }, 5000);
      return r.status === 200 ? (r.json as CellStateView) : undefined;
    } catch {
      return undefined;
    }
  };
  const root = await treeFromState(json as CellStateView, fetchState);
  io.stdout(`${renderTree(root).join('\n')}\n`);
  return 0;
}

function baseOf(url: string): string {
  try {
    new URL(url);
  } catch {
    throw new UsageError(`'${url}' is not a URL (e.g. http://127.0.0.1:7001)`);
  }
  return url.replace(/\/+$/, '');
}

async function request(url: string, init: { method: string; body?: string }, timeoutMs?: number): Promise<{ status: number; json: unknown }> {
  let res: globalThis.Response;
  try {
    res = await fetch(url, {
      method: init.method,
      ...(init.body !== undefined ? { body: init.body, headers: { 'content-type': 'application/json' } } : {}),
      ...(timeoutMs !== undefined ? { signal: AbortSignal.timeout(timeoutMs) } : {}),
    });
  } catch (e) {
    const cause = (e as { cause?: { message?: string } }).cause?.message;
    throw new CellwireError('unavailable', `cannot reach ${url}: ${cause ?? (e as Error).message}`);
  }
  const text = await res.text();
  try {
    return { status: res.status, json: text === '' ? null : JSON.parse(text) };
  } catch {
    // Not JSON (a proxy's error page, ...): the code the status stands for.
    return { status: res.status, json: { error: { code: codeForHttpStatus(res.status), message: `HTTP ${res.status}: ${text.slice(0, 200)}` } } };
  }
}

function errorMessage(json: unknown, status: number): string {
  const e = (json as { error?: { code?: string; message?: string } } | null)?.error;
  return e?.message ? `${e.message} (HTTP ${status}${e.code ? `, ${e.code}` : ''})` : `HTTP ${status}`;
}

function isFailure(r: unknown): r is { cell_name: string; failure: true; value?: { message?: string } } {
  return r !== null && typeof r === 'object' && (r as { failure?: unknown }).failure === true;
}
