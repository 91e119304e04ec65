/**
 * The `cellwire` command line (README, "The command line"): serve a cell from its config
 * file, call a method through a cell's HTTP API, draw the tree below a cell, or run the demo.
 * Each command's options are parsed by node:util's parseArgs (strict: an unknown option or a
 * missing value is a usage error); `cellwire COMMAND --help` shows one command,
 * `cellwire --version` the version. Exit status: 0 done, 1 failed, 2 bad usage.
 */
import { readFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CellwireError, codeForHttpStatus, type Interceptor } from '@cellwire/core';
import { version as VERSION } from '../package.json';
import type { CellConfig } from './config.js';
import type { TreeCell } from './subtree.js';
import { renderTree, treeFromCell } from './tree-view.js';

/** Where the command line writes and what it reads; tests pass their own. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** `serve` stops when this aborts (besides SIGINT and SIGTERM). */
  readonly signal?: AbortSignal;
}

const EXIT_STATUS = 'Exit status: 0 done, 1 failed (a failure Response, an HTTP error, a bad config), 2 bad usage.';

export const USAGE = `Usage: cellwire <command> [options]

Commands:
  serve --config FILE              run one cell from its JSON config file
  call URL METHOD [--args JSON] [--timeout S] [--ctxt JSON] [--token TOKEN]
                                   run METHOD (wire name, e.g. service_get_all) from the cell
                                   whose HTTP API is at URL; prints the JSON result
  tree URL [--token TOKEN]         draw the tree of cells below the cell at URL, with capacities
  demo                             start the 8-cell reference tree in this process and tour it
  help                             show this text

Options:
  -h, --help                       show this text, or one command's (cellwire call --help)
  --version                        show the version

The API token of call and tree: --token TOKEN, --token @FILE, or the environment
variable CELLWIRE_API_TOKEN (which keeps it out of the process list).

${EXIT_STATUS}
`;

type Options = NonNullable<ParseArgsConfig['options']>;

const TOKEN_HELP = "the cell API's bearer token, or @FILE (default: $CELLWIRE_API_TOKEN)";
/** Where `call` and `tree` find the API token when --token is not given. */
export const TOKEN_ENV = 'CELLWIRE_API_TOKEN';

interface Parsed {
  readonly positionals: string[];
  readonly flags: Map<string, string>;
}

interface Command {
  /** The synopsis after `cellwire `. */
  readonly synopsis: string;
  readonly about: string;
  /** `--name VALUE` options: name -> [VALUE, what it is]. */
  readonly options: Readonly<Record<string, readonly [string, string]>>;
  readonly run: (p: Parsed, io: CliIo) => Promise<number>;
}

const COMMANDS: Readonly<Record<string, Command>> = {
  serve: {
    synopsis: 'serve --config FILE',
    about:
      'Runs one cell from its JSON config file (its schema: @cellwire/cell/schemas/cell-config.json).\n' +
      'Prints one line when the cell is ready; closes cleanly on SIGINT or SIGTERM.',
    options: { config: ['FILE', 'the cell config file (required)'] },
    run: (p, io) => serve(p, io),
  },
  call: {
    synopsis: 'call URL METHOD [--args JSON] [--timeout S] [--ctxt JSON] [--token TOKEN]',
    about:
      'Runs METHOD (its wire name, e.g. service_get_all) from the cell whose HTTP API is at URL\n' +
      'and prints the JSON result. Exits 1 when the answer is an HTTP error or holds a failure\n' +
      'Response, with the error on stderr.',
    options: {
      args: ['JSON', 'the arguments: a JSON object, or @FILE to read one from a file'],
      timeout: ['S', 'deadline of the whole call, in seconds'],
      ctxt: ['JSON', 'the request context: a JSON object or @FILE (default: an admin context)'],
      token: ['TOKEN', `${TOKEN_HELP}`],
    },
    run: (p, io) => call(p, io),
  },
  tree: {
    synopsis: 'tree URL [--token TOKEN]',
    about:
      'Draws the tree of cells below the cell whose HTTP API is at URL, with each cell\'s free\n' +
      'capacities. The cell asks each child reached over HTTP for its own tree in turn.',
    options: { token: ['TOKEN', `${TOKEN_HELP}`] },
    run: (p, io) => tree(p, io),
  },
  demo: {
    synopsis: 'demo',
    about: 'Starts the 8-cell tree of the reference test plan in this process, on the memory\ntransport, and tours it.',
    options: {},
    run: async (p, io) => {
      positionals(p, [], 'demo');
      const { runDemo } = await import('./demo.js');
      await runDemo({ print: (line) => io.stdout(`${line}\n`) });
      return 0;
    },
  },
  help: {
    synopsis: 'help',
    about: 'Shows the commands.',
    options: {},
    run: async (p, io) => {
      positionals(p, [], 'help');
      io.stdout(USAGE);
      return 0;
    },
  },
};

/** One command's help: synopsis, what it does, its options. */
export function commandUsage(name: string): string {
  const c = COMMANDS[name];
  if (!c) return USAGE;
  const rows = [...Object.entries(c.options).map(([o, [value, what]]) => [`--${o} ${value}`, what] as const), ['-h, --help', 'show this text'] as const];
  const width = Math.max(...rows.map(([left]) => left.length)) + 3;
  return `Usage: cellwire ${c.synopsis}\n\n${c.about}\n\nOptions:\n${rows.map(([left, what]) => `  ${left.padEnd(width)}${what}`).join('\n')}\n\n${EXIT_STATUS}\n`;
}

class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose usage to show, if one was named. */
    readonly command?: string,
  ) {
    super(message);
  }
}

/** Parses one command's arguments: its `--name value` options and its positionals. */
function parse(args: readonly string[], name: string): Parsed {
  const options: Options = {};
  for (const o of Object.keys(COMMANDS[name]?.options ?? {})) options[o] = { type: 'string' };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...args], options, strict: true, allowPositionals: true });
  } catch (e) {
    throw new UsageError(parseArgsProblem(e as Error & { code?: string }), name);
  }
  const flags = new Map<string, string>();
  for (const [k, v] of Object.entries(parsed.values)) if (typeof v === 'string') flags.set(k, v);
  return { positionals: parsed.positionals, flags };
}

/** parseArgs' error, in this command line's words (`unknown option --conf`, `--config needs a value`). */
function parseArgsProblem(e: Error & { code?: string }): string {
  const option = /'(-{1,2}[^' <]+)/.exec(e.message)?.[1];
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) return `unknown option ${option}`;
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) {
    return /argument missing/.test(e.message) ? `${option} needs a value` : `${option} needs a value (write ${option}=VALUE for one that starts with '-')`;
  }
  return e.message;
}

function positionals(p: Parsed, names: readonly string[], command: string): string[] {
  if (p.positionals.length !== names.length) {
    throw new UsageError(`expected ${names.join(' ')}, got ${p.positionals.length === 0 ? 'nothing' : p.positionals.join(' ')}`, command);
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
  const known = command !== undefined && Object.hasOwn(COMMANDS, command) ? command : undefined;
  try {
    if (command === '--version' || command === '-V') {
      if (rest.length > 0) throw new UsageError(`--version takes no arguments, got ${rest.join(' ')}`);
      out.stdout(`cellwire ${VERSION}\n`);
      return 0;
    }
    if (command === '--help' || command === '-h') {
      out.stdout(USAGE);
      return 0;
    }
    // `--help` anywhere after a command shows that command, whatever else is on the line.
    if (known && (rest.includes('--help') || rest.includes('-h'))) {
      out.stdout(commandUsage(known));
      return 0;
    }
    if (command === undefined) throw new UsageError('no command given');
    if (!known) throw new UsageError(`unknown command '${command}'`);
    const c = COMMANDS[known] as Command;
    return await c.run(parse(rest, known), out);
  } catch (e) {
    if (e instanceof UsageError) {
      out.stderr(`cellwire: ${e.message}\n\n${e.command ? commandUsage(e.command) : USAGE}`);
      return 2;
    }
    out.stderr(`cellwire: ${(e as Error)?.message ?? String(e)}\n`);
    return 1;
  }
}

async function serve(p: Parsed, io: CliIo): Promise<number> {
  positionals(p, [], 'serve');
  const file = p.flags.get('config');
  if (!file) throw new UsageError('serve needs --config FILE', 'serve');
  // Loaded here, not at the top: `call` and `tree` need no transport, store or broker client.
  const { loadConfig } = await import('./config.js');
  const { startCellService } = await import('./service.js');
  const config = loadConfig(file, { env: io.env });
  // OpenTelemetry only when asked for (OTEL_EXPORTER_OTLP_ENDPOINT): else no SDK is loaded.
  const telemetry = await startServeTelemetry(io.env, config);
  if (telemetry) io.stderr(`cellwire: sending traces to ${telemetry.url}\n`);
  let cell: Awaited<ReturnType<typeof startCellService>>;
  try {
    cell = await startCellService(config, telemetry ? { tracing: telemetry.interceptor } : {});
  } catch (e) {
    await telemetry?.shutdown();
    throw e;
  }
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
  // Sends the spans still buffered.
  await telemetry?.shutdown();
  return 0;
}

/**
 * Where `cellwire serve` sends its traces (OTLP over HTTP), from the environment:
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as it is, else OTEL_EXPORTER_OTLP_ENDPOINT plus
 * `/v1/traces`. Undefined, and no OpenTelemetry SDK is started, when
 * OTEL_EXPORTER_OTLP_ENDPOINT is not set or OTEL_SDK_DISABLED is true.
 */
export function otlpTracesUrl(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (!base || env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return undefined;
  return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() || `${base.replace(/\/+$/, '')}/v1/traces`;
}

/** OpenTelemetry as `cellwire serve` runs it. */
export interface ServeTelemetry {
  /** Where the spans go. */
  readonly url: string;
  /** The tracing interceptor of @cellwire/otel, for the cell's runner. */
  readonly interceptor: Interceptor;
  /** Sends the spans still buffered, stops the SDK and unregisters it. */
  shutdown(): Promise<void>;
}

/**
 * Starts the OpenTelemetry Node SDK, exporting spans over OTLP/HTTP to `otlpTracesUrl(env)`,
 * and makes the tracing interceptor; undefined (nothing started, nothing loaded) when that
 * is undefined. The service name is OTEL_SERVICE_NAME, else the cell's name.
 */
export async function startServeTelemetry(
  env: Readonly<Record<string, string | undefined>>,
  config: Pick<CellConfig, 'name' | 'parents' | 'children'>,
): Promise<ServeTelemetry | undefined> {
  const url = otlpTracesUrl(env);
  if (url === undefined) return undefined;
  const [api, { NodeSDK }, { OTLPTraceExporter }, { tracing }] = await Promise.all([
    import('@opentelemetry/api'),
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@cellwire/otel'),
  ]);
  const sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME?.trim() || config.name,
    traceExporter: new OTLPTraceExporter({ url }),
    // Traces only: the cell serves its metrics on /metrics and logs through pino.
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  // The link's URL scheme of each neighbour, for the send spans' `cellwire.transport`.
  const schemes = new Map([...config.parents, ...config.children].map((n) => [n.name, (n.urls[0] ?? '').replace(/:.*$/s, '').toLowerCase()]));
  let stopped: Promise<void> | undefined;
  return {
    url,
    interceptor: tracing({ transportOf: (send) => schemes.get(send.neighbour) || undefined }),
    shutdown: () =>
      (stopped ??= sdk.shutdown().finally(() => {
        api.trace.disable();
        api.context.disable();
        api.propagation.disable();
      })),
  };
}

function jsonFlag(p: Parsed, name: string): Record<string, unknown> | undefined {
  const text = p.flags.get(name);
  if (text === undefined) return undefined;
  let v: unknown;
  try {
    // `@file.json` reads the JSON from a file, for arguments too long for a command line.
    v = JSON.parse(text.startsWith('@') ? readFileSync(text.slice(1), 'utf8') : text);
  } catch (e) {
    throw new UsageError(`--${name} is not JSON: ${(e as Error).message}`, 'call');
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new UsageError(`--${name} must be a JSON object`, 'call');
  return v as Record<string, unknown>;
}

async function call(p: Parsed, io: CliIo): Promise<number> {
  const [url, method] = positionals(p, ['URL', 'METHOD'], 'call') as [string, string];
  const args = jsonFlag(p, 'args');
  const ctxt = jsonFlag(p, 'ctxt');
  const timeout = p.flags.get('timeout');
  const timeoutS = timeout === undefined ? undefined : Number(timeout);
  if (timeoutS !== undefined && !(timeoutS > 0)) throw new UsageError('--timeout must be a number of seconds > 0', 'call');
  const token = tokenOf(p, io, 'call');
  const body = JSON.stringify({ ...(ctxt ? { ctxt } : {}), args: args ?? {}, ...(timeoutS !== undefined ? { timeout_s: timeoutS } : {}) });
  const { status, json } = await request(`${baseOf(url, 'call')}/v1/call/${encodeURIComponent(method)}`, { method: 'POST', body, token });
  if (status >= 400) {
    io.stderr(`cellwire: ${errorMessage(json, status, token)}\n`);
    return 1;
  }
  io.stdout(`${JSON.stringify(json, null, 2)}\n`);
  const failures = (Array.isArray(json) ? json : [json]).filter(isFailure);
  for (const f of failures) io.stderr(`cellwire: ${f.cell_name} failed: ${f.value?.message ?? 'unknown error'}\n`);
  return failures.length > 0 ? 1 : 0;
}

async function tree(p: Parsed, io: CliIo): Promise<number> {
  const [url] = positionals(p, ['URL'], 'tree') as [string];
  const token = tokenOf(p, io, 'tree');
  // One request: the cell asks its HTTP children in turn (with their link secret), so the
  // token goes to this cell only.
  const { status, json } = await request(`${baseOf(url, 'tree')}/v1/tree?timeout_ms=10000`, { method: 'GET', token }, 15_000);
  if (status >= 400) {
    io.stderr(`cellwire: ${errorMessage(json, status, token)}\n`);
    return 1;
  }
  io.stdout(`${renderTree(treeFromCell(json as TreeCell)).join('\n')}\n`);
  return 0;
}

/** The API token: --token (a value or @FILE), else $CELLWIRE_API_TOKEN, else none. */
function tokenOf(p: Parsed, io: CliIo, command: string): string | undefined {
  const given = p.flags.get('token');
  let token = given ?? io.env[TOKEN_ENV];
  if (given?.startsWith('@')) {
    try {
      token = readFileSync(given.slice(1), 'utf8').trim();
    } catch (e) {
      throw new UsageError(`--token ${given}: cannot read the file: ${(e as Error).message}`, command);
    }
  }
  if (token === undefined || token === '') return undefined;
  if (!/^[!-~]+$/.test(token)) throw new UsageError(`the API token (${given === undefined ? TOKEN_ENV : '--token'}) must be printable ASCII without spaces`, command);
  return token;
}

function baseOf(url: string, command: string): string {
  try {
    new URL(url);
  } catch {
    throw new UsageError(`'${url}' is not a URL (e.g. http://127.0.0.1:7001)`, command);
  }
  return url.replace(/\/+$/, '');
}

async function request(url: string, init: { method: string; body?: string; token?: string | undefined }, timeoutMs?: number): Promise<{ status: number; json: unknown }> {
  let res: globalThis.Response;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
  try {
    res = await fetch(url, {
      method: init.method,
      headers,
      ...(init.body !== undefined ? { body: init.body } : {}),
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

function errorMessage(json: unknown, status: number, token?: string): string {
  const e = (json as { error?: { code?: string; message?: string } } | null)?.error;
  const text = e?.message ? `${e.message} (HTTP ${status}${e.code ? `, ${e.code}` : ''})` : `HTTP ${status}`;
  if (status === 401 && token === undefined) return `${text}; give --token TOKEN or set ${TOKEN_ENV}`;
  return text;
}

function isFailure(r: unknown): r is { cell_name: string; failure: true; value?: { message?: string } } {
  return r !== null && typeof r === 'object' && (r as { failure?: unknown }).failure === true;
}
