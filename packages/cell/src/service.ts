/**
 * One running cell (docs/cell-service.md): its store and reference handlers, a message runner
 * linked to every parent and child through the transport each URL's scheme names, listeners
 * on every `listen` URL, the HTTP API (on `api_listen`, or else on the first http(s) `listen`
 * URL), and the periodic report of capabilities and capacities to its parents.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createClient } from '@cellwire/client';
import {
  CellwireError,
  MessageRunner,
  adminContext,
  defaultErrorRegistry,
  serve,
  transportFor,
  type Interceptor,
  type Link,
  type Listener,
  type Logger,
  type RunnerOptions,
  type Side,
  type Transport,
} from '@cellwire/core';
import { MemoryNetwork } from '@cellwire/transport-memory';
import { createHttpTransport, type HttpLink } from '@cellwire/transport-http';
import { createAmqpTransport, type AmqpTransport } from '@cellwire/transport-amqp';
import { cellState, cellStateHandlers, novaCells, type Capabilities, type Capacities, type Instance } from '@cellwire/schema';
import { createApiHandler, createLinkReadHandler, MAX_CALL_TIMEOUT_S, type InstanceSource } from './api.js';
import { isLoopbackHost, isWildcardHost } from './api-door.js';
import { linkReadHeaders, type LinkReadPolicy } from './link-read.js';
import { schemeFamily, type CellConfig, type NeighbourSpec, type TlsFiles } from './config.js';
import { computeCapacities, createHandlers, openStore, registerComputeErrors, seedHosts, type Store } from './compute.js';
import { createCellLogger, type LogFormat } from './log.js';
import { CellMetrics } from './metrics.js';
import { observeCalls } from './observe.js';
import { RecentCalls } from './recent.js';
import { SubtreeReader, type TreeCell, type TreeQuery } from './subtree.js';
import { renderUiPage, uiContentSecurityPolicy, uiMethods } from './ui.js';

export interface CellServiceOptions {
  /** The in-process network for `memory://` URLs; share one to run a tree in one process. */
  readonly network?: MemoryNetwork;
  /**
   * Where the service and its runner log. Default: JSON lines on stderr through pino (pretty
   * when stderr is a terminal, see `logFormat`), from the config's `log_level`, each line with
   * the cell and, inside a call, its request id, trace id and method.
   */
  readonly logger?: Logger;
  /** The default logger's form: `json`, `pretty` (pino-pretty), or `auto` (pretty on a TTY; the default). */
  readonly logFormat?: LogFormat;
  /** How many recent calls `GET /v1/recent` and the page keep (default 200). */
  readonly recentCalls?: number;
  /**
   * More runner interceptors (auth, tracing), run inside the service's own, which counts,
   * logs and keeps every call (metrics, logs, `GET /v1/recent`) as its caller sees it.
   */
  readonly interceptors?: readonly Interceptor[];
  /**
   * The tracing interceptor (`tracing()` of @cellwire/otel; `cellwire serve` installs it when
   * OTEL_EXPORTER_OTLP_ENDPOINT is set). It runs outermost, around the service's own, so that
   * the trace id in the logs and recent calls is the trace's.
   */
  readonly tracing?: Interceptor;
  /** Transports to use instead of the built-in ones for their schemes (tests, custom networks). */
  readonly transports?: readonly Transport[];
  /** Wraps each link to a neighbour, e.g. to trace every message (the demo does). */
  readonly wrapLink?: (link: Link, info: { readonly from: string; readonly to: string; readonly side: Side }) => Link;
  /** Tell parents and ask children at start (default true). Off, call `announce()` yourself. */
  readonly announce?: boolean;
  /** Clock of the handlers (tests). */
  readonly now?: () => Date;
}

/** A neighbour as `GET /v1/state` shows it. */
export interface NeighbourView {
  readonly name: string;
  /** Its URLs, passwords hidden. */
  readonly urls: readonly string[];
  readonly transport: 'memory' | 'http' | 'amqp';
  /** When it last reported its capabilities or capacities (ISO time), or null. */
  readonly last_seen: string | null;
  /** Children only: silent for longer than `mute_child_interval_s`. */
  readonly mute?: boolean;
  readonly capabilities: Capabilities;
  readonly capacities: Capacities;
}

/** The body of `GET /v1/state`. */
export interface CellStateView {
  readonly name: string;
  readonly is_top: boolean;
  /** Where the HTTP API of this cell answers, when it has one. */
  readonly api_url: string | null;
  readonly listen: readonly string[];
  readonly parents: readonly NeighbourView[];
  readonly children: readonly NeighbourView[];
  /** Ours plus those of children that are not mute. */
  readonly capabilities: Capabilities;
  /** Ours plus the sum over children. */
  readonly capacities: Capacities;
  /** This cell's own hosts only. */
  readonly own_capacities: Capacities;
  readonly mute_children: readonly string[];
  readonly update_interval_s: number;
}

/** One link in `GET /v1/health`. */
export interface LinkHealth {
  readonly name: string;
  readonly side: Side;
  readonly transport: 'memory' | 'http' | 'amqp';
  /** `ok` (the last send went through), `idle` (nothing sent yet), `failing` (the last send failed), or an AMQP link's `connecting` / `reconnecting` / `closed`. */
  readonly state: string;
  readonly sent: number;
  readonly failed: number;
  /** Sends not settled yet (a call's send settles when the neighbour answered on the exchange). */
  readonly in_flight: number;
  /** HTTP: fanouts that reached only some service instances. */
  readonly partial?: number;
  /** The most recent send error, and when it happened (it stays after the link recovers). */
  readonly last_error?: string;
  readonly last_error_at?: string;
  /** When the neighbour last reported its capabilities or capacities. */
  readonly last_seen: string | null;
  /** Children only: silent for longer than `mute_child_interval_s`. */
  readonly mute?: boolean;
  /**
   * The link's measured round-trip time (RFC 6298 smoothed RTT and variance, ms), from the
   * exchanges it made; absent before the first. Calls forwarded to this neighbour tell it
   * how long its answer needs to get home from it (`reply_ms`, docs/wire-format.md).
   */
  readonly latency?: { readonly srtt_ms: number; readonly rttvar_ms: number; readonly samples: number };
}

/** The body of `GET /v1/health`. */
export interface CellHealth {
  /** The cell is running (liveness). */
  readonly ok: boolean;
  /** It has finished starting: every listener is up and the first announcements went out. */
  readonly ready: boolean;
  readonly name: string;
  readonly uptime_s: number;
  readonly links: readonly LinkHealth[];
  readonly brokers?: readonly unknown[];
  readonly runner: MessageRunner['stats'] & { readonly pending: number };
  /** What became of the casts this cell took on (see CastHealth). */
  readonly casts: CastHealth;
}

/**
 * The casts of `GET /v1/health`. `accepted`: casts this cell took on (received from a
 * neighbour, or made here and taken by every next hop). The rest count hand-offs to a next
 * cell: `delivered` (taken, directly or from the outbox), `refused` (made here: the caller
 * got `unavailable`), `held` (put in the outbox past the origin: refused, or queued behind casts
 * held for the same neighbour), `lost`
 * (given up with nobody told: a refusal a retry cannot cure, or a time to live that ran
 * out; each is logged). `outbox`: held now, waiting for their next hop.
 */
export interface CastHealth {
  readonly accepted: number;
  readonly delivered: number;
  readonly refused: number;
  readonly held: number;
  readonly lost: number;
  readonly outbox: number;
}

/** A running cell. */
export interface CellService {
  readonly name: string;
  readonly config: CellConfig;
  readonly runner: MessageRunner;
  readonly store: Store;
  /** The base URL of the HTTP API (`api_listen`, else the first http(s) listener), or undefined. */
  readonly url: string | undefined;
  /** Every address the cell listens on, as bound (real ports, passwords hidden). */
  readonly urls: readonly string[];
  /** Tells parents our capabilities and capacities and asks children for theirs. */
  announce(): Promise<void>;
  state(): CellStateView;
  health(): CellHealth;
  /** The tree below this cell, as `GET /v1/tree` answers (children reached over HTTP asked in turn). */
  tree(query?: TreeQuery): Promise<TreeCell>;
  /** This cell's metrics (`GET /metrics`). */
  readonly metrics: CellMetrics;
  /** The last calls made or run here (`GET /v1/recent`). */
  readonly recent: RecentCalls;
  /** Stops the timer, listeners, links, transports and the store. Idempotent. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Starts one cell from a checked config.
 *
 * @example
 * const cell = await startCellService(loadConfig('api-cell.json'));
 * console.log(`api-cell ready at ${cell.url}`);
 * process.once('SIGTERM', () => void cell.close());
 */
export async function startCellService(config: CellConfig, options: CellServiceOptions = {}): Promise<CellService> {
  const logger = options.logger ?? createCellLogger({ cell: config.name, level: config.logLevel, format: options.logFormat ?? config.logFormat });
  // Every call made here and every handler run here is counted, kept among the recent calls
  // and logged (with its ids on every line logged while it runs).
  const metrics = new CellMetrics(config.name);
  const recent = new RecentCalls(options.recentCalls ?? 200);
  const started = Date.now();
  const cleanups: (() => Promise<void> | void)[] = [];
  const closeAll = async () => {
    // Reverse order of creation: the timer, listeners, runner, links, transports, store.
    for (const c of cleanups.splice(0).reverse()) {
      try {
        await c();
      } catch (e) {
        logger.warn(`while closing: ${(e as Error).message}`);
      }
    }
  };

  try {
    // A durable cell's first start: make the store's directory (SQLite makes only the file).
    if (config.store !== ':memory:') mkdirSync(path.dirname(config.store), { recursive: true });
    const store = openStore(config.store);
    cleanups.push(() => store.close());
    if (config.hosts.length > 0) seedHosts(store, [...config.hosts], options.now ? { now: options.now } : {});
    const capacityOptions = { reservePercent: config.reservePercent, ...(config.flavors ? { flavors: [...config.flavors] } : {}) };
    const handlers = createHandlers({
      store,
      cellName: config.name,
      ...capacityOptions,
      logger,
      ...(options.now ? { now: options.now } : {}),
      ...(config.schedulerRetries !== undefined || config.schedulerRetryDelayS !== undefined
        ? {
            scheduler: {
              ...(config.schedulerRetries !== undefined ? { retries: config.schedulerRetries } : {}),
              ...(config.schedulerRetryDelayS !== undefined ? { retryDelayMs: config.schedulerRetryDelayS * 1000 } : {}),
            },
          }
        : {}),
    });
    const runner = new MessageRunner({
      name: config.name,
      // Nova's methods, and the capabilities and capacities exchange every cell must serve.
      services: [serve(novaCells, handlers), serve(cellState, cellStateHandlers())],
      maxHopCount: config.maxHopCount,
      callTimeoutMs: config.callTimeoutS * 1000,
      capabilities: config.capabilities,
      capacities: () => computeCapacities(store, capacityOptions),
      // The API refuses a longer timeout_s at the door (MAX_CALL_TIMEOUT_S); the runner agrees.
      maxDeadlineMs: MAX_CALL_TIMEOUT_S * 1000,
      muteChildIntervalMs: config.muteChildIntervalS * 1000,
      ...reliabilityOptions(config, store),
      // The handlers' errors (InstanceInvalidState, NoValidHost, ...) cross cells as themselves.
      errors: registerComputeErrors(defaultErrorRegistry()),
      logger,
      interceptors: [...(options.tracing ? [options.tracing] : []), observeCalls({ metrics, recent, logger }), ...(options.interceptors ?? [])],
    });

    const transports = buildTransports(config, options, logger);
    cleanups.push(async () => {
      await Promise.allSettled(transports.map((t) => t.close()));
    });

    // Links first, so a message that arrives the moment we listen can be answered.
    const links = new Map<string, { link: Link; watched: WatchedLink; spec: NeighbourSpec; side: Side }>();
    for (const [side, list] of [['parent', config.parents], ['child', config.children]] as const) {
      for (const n of list) {
        const first = n.urls[0] as string;
        const link = transportFor(transports, first).connect(
          { name: n.name, urls: n.urls, ...(n.secret !== undefined ? { secret: n.secret } : {}), ...(n.tls ? { options: { tls: n.tls } } : {}) },
          { cell: config.name },
        );
        cleanups.push(() => link.close());
        const watched = watchLink(link);
        links.set(n.name, { link, watched, spec: n, side });
        runner.addNeighbour(side, n.name, options.wrapLink ? options.wrapLink(watched, { from: config.name, to: n.name, side }) : watched);
      }
    }

    // Closed after the listeners (nothing new comes in), before the links: open calls fail
    // as `unavailable` rather than with the errors of links closing under them.
    cleanups.push(() => runner.close());

    // State and health read these as they fill in: the API answers from its first request,
    // while the other listeners and the first announcements are still on their way.
    const listeners: Listener[] = [];
    let apiUrl: string | undefined;
    let ready = false;
    const iso = (ms: number) => (ms > 0 ? new Date(ms).toISOString() : null);
    const neighbourView = (side: Side) => (name: string) => {
      const n = (side === 'parent' ? runner.state.parents : runner.state.children).get(name);
      const spec = links.get(name)?.spec;
      const urls = (spec?.urls ?? []).map(redact);
      return {
        name,
        urls,
        transport: schemeFamily(urls[0] ?? 'memory:'),
        last_seen: iso(n?.lastSeen ?? 0),
        ...(side === 'child' && n ? { mute: runner.state.isMute(n) } : {}),
        capabilities: n?.capabilities ?? {},
        capacities: n?.capacities ?? {},
      } satisfies NeighbourView;
    };
    const state = (): CellStateView => ({
      name: config.name,
      is_top: runner.state.isTop(),
      api_url: apiUrl ?? null,
      listen: listeners.flatMap((l) => l.urls).map(redact),
      parents: [...runner.state.parents.keys()].map(neighbourView('parent')),
      children: [...runner.state.children.keys()].map(neighbourView('child')),
      capabilities: runner.state.getOurCapabilities(),
      capacities: runner.state.getOurCapacities(),
      own_capacities: runner.state.getOurCapacities(false),
      mute_children: runner.state.muteChildren(),
      update_interval_s: config.updateIntervalS,
    });
    const health = (): CellHealth => ({
      ok: !runner.isClosed,
      ready: ready && !runner.isClosed,
      name: config.name,
      uptime_s: Math.round((Date.now() - started) / 1000),
      links: [...links.entries()].map(([name, { link, watched, side }]) => linkHealth(name, side, link, watched, runner)),
      ...(transports.some(isAmqp) ? { brokers: transports.filter(isAmqp).flatMap((t) => t.status()) } : {}),
      runner: { ...runner.stats, pending: runner.pendingCount() },
      casts: castHealth(runner),
    });
    metrics.watch(health);
    const childTls = new Map<string, TlsFiles>(config.children.flatMap((c) => (c.tls ? [[c.name, c.tls] as const] : [])));
    const childSecrets = new Map(config.children.map((c) => [c.name, c.secret] as const));
    const subtree = new SubtreeReader({
      state,
      health,
      childTls,
      // Reads of a child's tree are signed with the link secret, like the messages on that link.
      readHeaders: (child, method, pathAndQuery) => linkReadHeaders({ from: config.name, to: child, secret: childSecrets.get(child) }, method, pathAndQuery),
    });
    cleanups.push(() => subtree.close());
    const tree = (query?: TreeQuery) => subtree.read(query);
    const methods = uiMethods(config.name, runner.services().flatMap((s) => Object.values(s.methods)));
    // Parents may read this cell's tree with a request signed with their link secret.
    const linkReads: LinkReadPolicy = {
      cell: config.name,
      parents: new Map(config.parents.filter((p) => schemeFamily(p.urls[0] as string) === 'http').map((p) => [p.name, p.secret] as const)),
      unsigned: config.allowUnsigned && Object.keys(secretsFor(config, 'http')).length === 0,
    };
    const apiDeps = {
      runner,
      instances: instanceSource(store),
      state,
      health,
      tree,
      recent: (limit: number | undefined) => recent.list(limit),
      methods: () => ({ cell: config.name, methods }),
      metrics: async () => ({ contentType: metrics.contentType, text: await metrics.text() }),
      ui: (nonce: string) => ({ html: renderUiPage({ nonce }), csp: uiContentSecurityPolicy(nonce) }),
      maxBodyBytes: config.maxBodyBytes,
      auth: { ...(config.apiToken !== undefined ? { token: config.apiToken } : {}), anonymous: config.apiAnonymous },
      hosts: config.apiHosts,
      stripAuthToken: config.stripAuthToken,
      maxTimeoutS: MAX_CALL_TIMEOUT_S,
      linkReads,
      logger,
    };
    const api = createApiHandler(apiDeps);
    const linkReadsOnly = createLinkReadHandler({ tree, linkReads, logger });

    for (const url of config.listen) {
      const family = schemeFamily(url);
      // Without api_listen, the first http(s) listener serves the API (as before api_listen).
      const servesApi = family === 'http' && config.apiListen === undefined && apiUrl === undefined;
      const listener = await transportFor(transports, url).listen(
        {
          cell: config.name,
          url,
          secrets: secretsFor(config, family),
          options: {
            ...(family === 'http'
              ? {
                  allowUnsigned: config.allowUnsigned,
                  maxBodyBytes: config.maxBodyBytes,
                  ...(config.tls ? { tls: config.tls } : {}),
                  fallback: servesApi ? api : linkReadsOnly,
                }
              : {}),
          },
        },
        runner.receive,
      );
      cleanups.push(() => listener.close());
      listeners.push(listener);
      if (servesApi) apiUrl = listener.urls[0];
    }
    if (config.apiListen !== undefined) {
      const server = await listenApi(config.apiListen, config.tls, (basePath) => (basePath ? createApiHandler({ ...apiDeps, basePath }) : api));
      cleanups.push(() => server.close());
      apiUrl = server.url;
    }
    warnAboutTheApi(config, apiUrl, logger);
    warnAboutUnreachableSides(config, logger);

    const exchange = createClient(cellState, runner);
    const announce = async () => {
      const ctxt = adminContext();
      // Casts: failures are logged by the runner (a neighbour that is not up yet hears from
      // us on the next tick, or asks us itself when it starts).
      await Promise.allSettled([
        exchange.tellParentsOurCapabilities(ctxt),
        exchange.tellParentsOurCapacities(ctxt),
        exchange.askChildrenForCapabilities(ctxt),
        exchange.askChildrenForCapacities(ctxt),
      ]);
    };
    const tick = async () => {
      const ctxt = adminContext();
      await Promise.allSettled([exchange.tellParentsOurCapabilities(ctxt), exchange.tellParentsOurCapacities(ctxt)]);
    };
    const timer = setInterval(() => void tick(), config.updateIntervalS * 1000);
    // The periodic report must not keep a process alive that has nothing else to do.
    timer.unref();
    cleanups.push(() => clearInterval(timer));

    let closing: Promise<void> | undefined;
    const service: CellService = {
      name: config.name,
      config,
      runner,
      store,
      url: apiUrl,
      urls: listeners.flatMap((l) => l.urls).map(redact),
      announce,
      state,
      health,
      tree,
      metrics,
      recent,
      close: () => (closing ??= closeAll()),
      [Symbol.asyncDispose]: () => (closing ??= closeAll()),
    };
    if (options.announce ?? true) await announce();
    ready = true;
    return service;
  } catch (e) {
    await closeAll();
    throw e;
  }
}

/** The built-in transports for the schemes this config uses, unless the caller gave one. */
function buildTransports(config: CellConfig, options: CellServiceOptions, logger: Logger): Transport[] {
  const given = [...(options.transports ?? [])];
  const families = new Set([...config.listen, ...[...config.parents, ...config.children].flatMap((n) => n.urls)].map(schemeFamily));
  const have = (scheme: string) => given.some((t) => t.schemes.includes(scheme));
  const out = [...given];
  if (families.has('memory') && !have('memory')) out.push((options.network ?? new MemoryNetwork()).transport());
  if (families.has('http') && !have('http')) {
    out.push(createHttpTransport({ maxBodyBytes: config.maxBodyBytes, log: (level, message) => logger[level](`http: ${message}`) }));
  }
  if (families.has('amqp') && !have('amqp')) {
    out.push(
      createAmqpTransport({
        log: (level, message, error) => logger[level](`amqp: ${message}${error instanceof Error ? `: ${error.message}` : ''}`),
      }),
    );
  }
  return out;
}

/** The API's own listener (`api_listen`): a plain node:http(s) server, apart from the cell links. */
async function listenApi(
  url: string,
  tls: TlsFiles | undefined,
  handler: (basePath: string) => http.RequestListener,
): Promise<{ url: string; close(): Promise<void> }> {
  const u = new URL(url);
  const secure = u.protocol === 'https:';
  const server = secure
    ? https.createServer({ cert: readFileSync(tls?.cert as string), key: readFileSync(tls?.key as string), ...(tls?.ca ? { ca: readFileSync(tls.ca) } : {}) })
    : http.createServer();
  const basePath = u.pathname.replace(/\/+$/, '');
  server.on('request', handler(basePath));
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = u.port === '' ? (secure ? 443 : 80) : Number(u.port);
  await new Promise<void>((resolve, reject) => {
    const onError = (cause: Error) => reject(new CellwireError('unavailable', `cannot listen on ${url} (api_listen): ${cause.message}`, { cause, retryable: false }));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  // A running server must not take the process down; socket-level errors are per client.
  server.on('error', () => {});
  const bound = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `${u.protocol}//${host.includes(':') ? `[${host}]` : host}:${bound}${basePath}`,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}

/** What an operator must know about where the API is and who can use it, said once at start. */
function warnAboutTheApi(config: CellConfig, apiUrl: string | undefined, logger: Logger): void {
  if (apiUrl === undefined) return;
  const host = new URL(apiUrl).hostname;
  if (config.apiListen === undefined) {
    const fix = 'set api_listen (e.g. "http://127.0.0.1:7081") to serve the API on an address of its own';
    if (isWildcardHost(host)) {
      logger.warn(`the HTTP API (a control plane: every method, as admin with the token) is served on the cell-link listener ${apiUrl}, which listens on EVERY interface (${host}): anyone who can reach this port can knock on it. ${fix}`);
    } else if (!isLoopbackHost(host)) {
      logger.warn(`the HTTP API (a control plane: every method, as admin with the token) is served on the cell-link listener ${apiUrl}, which is not a loopback address: anyone who can reach it can knock on it. ${fix}`);
    }
  }
  if (config.apiToken === undefined && !config.apiAnonymous) {
    logger.warn(`the HTTP API at ${apiUrl} refuses every request but GET /v1/health (401): set api_token_env or api_token_file (or api_anonymous: true, for development)`);
  } else if (config.apiAnonymous && !isLoopbackHost(host)) {
    logger.warn(`api_anonymous is true and the HTTP API at ${apiUrl} is not on a loopback address: anyone who can reach it can run every method (as a non-admin)`);
  }
}

/** A config's cast time to live, once the config has the field (`cast_ttl_s`); undefined: the runner's default, 24 h. */
type WithCastTtl = CellConfig;

/**
 * The runner options that keep a cell's word across restarts: the dedupe window in the
 * store's `seen_messages` (a file store only: a `:memory:` store dies with the process, and
 * the window with it), and the cast outbox in `cast_outbox` (any store: held casts are
 * retried while the cell runs, and after a restart of a file store).
 */
function reliabilityOptions(config: WithCastTtl, store: Store): Pick<RunnerOptions, 'dedupeStore' | 'castOutbox' | 'castTtlMs'> {
  return {
    ...(config.store !== ':memory:' ? { dedupeStore: store.seenMessages } : {}),
    castOutbox: store.castOutbox,
    ...(config.castTtlS !== undefined ? { castTtlMs: config.castTtlS * 1000 } : {}),
  };
}

function castHealth(runner: MessageRunner): CastHealth {
  const s = runner.stats;
  return { accepted: s.castsAccepted, delivered: s.castsDelivered, refused: s.castsRefused, held: s.castsHeld, lost: s.castsLost, outbox: runner.heldCasts() };
}

/** Link secrets for the listener of one transport: only neighbours reached over it. */
function secretsFor(config: CellConfig, family: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of [...config.parents, ...config.children]) {
    if (n.secret !== undefined && schemeFamily(n.urls[0] as string) === family) out[n.name] = n.secret;
  }
  return out;
}

// A neighbour answers over the transport of its own URL, so we must listen on that
// transport too: a child reached over AMQP sends its updates to our queues.
function warnAboutUnreachableSides(config: CellConfig, logger: Logger): void {
  const listening = new Set(config.listen.map(schemeFamily));
  for (const n of [...config.parents, ...config.children]) {
    const family = schemeFamily(n.urls[0] as string);
    if (!listening.has(family)) {
      logger.warn(`${n.name} is reached over ${family} but this cell does not listen on ${family}: messages from ${n.name} cannot reach it`);
    }
  }
}

function instanceSource(store: Store): InstanceSource {
  return {
    list: () => store.instances.list() as Instance[],
    get: (uuid) => (store.instances.get(uuid) ?? undefined) as Instance | undefined,
  };
}

function isAmqp(t: Transport): t is AmqpTransport {
  return typeof (t as Partial<AmqpTransport>).status === 'function' && t.schemes.includes('amqp');
}

/** Counts a link's sends and remembers how the last one went, for `GET /v1/health` and `/metrics`. */
interface WatchedLink extends Link {
  readonly watch: { sent: number; failed: number; inFlight: number; last: 'idle' | 'ok' | 'failing'; lastFailure: number; lastError?: string };
}

function watchLink(link: Link): WatchedLink {
  // The outcome of the last send, kept as such: two sends in one millisecond must not tie.
  const watch: WatchedLink['watch'] = { sent: 0, failed: 0, inFlight: 0, last: 'idle', lastFailure: 0 };
  return {
    cell: link.cell,
    watch,
    send: async (data, options) => {
      watch.inFlight++;
      try {
        const reply = await link.send(data, options);
        watch.sent++;
        watch.last = 'ok';
        return reply;
      } catch (e) {
        watch.failed++;
        watch.last = 'failing';
        watch.lastFailure = Date.now();
        watch.lastError = (e as Error).message;
        throw e;
      } finally {
        watch.inFlight--;
      }
    },
    // The runner reads the link's round-trip time through here (latency.ts).
    ...(link.latency ? { latency: () => link.latency?.() } : {}),
    close: () => link.close(),
  };
}

function linkHealth(name: string, side: Side, link: Link, watched: WatchedLink, runner: MessageRunner): LinkHealth {
  const n = (side === 'parent' ? runner.state.parents : runner.state.children).get(name);
  const w = watched.watch;
  let transport: LinkHealth['transport'] = 'memory';
  let state: string = w.last;
  let partial: number | undefined;
  const http = link as Partial<HttpLink>;
  const amqpState = (link as { state?: unknown }).state;
  if (typeof http.stats === 'function' && Array.isArray(http.urls)) {
    transport = 'http';
    // The HTTP link also counts fanouts that reached only some service instances.
    partial = http.stats().partial;
  } else if (typeof amqpState === 'string') {
    transport = 'amqp';
    // An AMQP link that is not connected says so, whatever the last send did.
    if (amqpState !== 'open') state = amqpState;
  }
  return {
    name,
    side,
    transport,
    state,
    sent: w.sent,
    failed: w.failed,
    in_flight: w.inFlight,
    ...(partial ? { partial } : {}),
    ...(w.lastError !== undefined ? { last_error: w.lastError, last_error_at: new Date(w.lastFailure).toISOString() } : {}),
    last_seen: n && n.lastSeen > 0 ? new Date(n.lastSeen).toISOString() : null,
    ...(side === 'child' && n ? { mute: runner.state.isMute(n) } : {}),
    ...latencyHealth(link),
  };
}

function latencyHealth(link: Link): Pick<LinkHealth, 'latency'> {
  const l = link.latency?.();
  if (!l) return {};
  const ms = (x: number) => Math.round(x * 10) / 10;
  return { latency: { srtt_ms: ms(l.srttMs), rttvar_ms: ms(l.rttvarMs), samples: l.samples } };
}

/** Hides the password of a URL (`amqp://guest:***@host/`). */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (!u.password) return url;
    u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}
