/**
 * The cell config file (docs/cell-service.md): one JSON object per cell, read once at start
 * and checked field by field, so a mistake is reported as
 * `config error in <file>: <field path>: <what is wrong>` instead of failing later, deep
 * inside a transport.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CellwireError, isValidCellName, type LogLevel } from '@cellwire/core';
import type { Capabilities, Flavor } from '@cellwire/schema';
import type { HostConfig } from './seed.js';

/** URL schemes a cell can listen on or reach a neighbour with; the scheme picks the transport. */
export const SUPPORTED_SCHEMES = ['memory', 'http', 'https', 'amqp', 'amqps'] as const;

/** TLS files (PEM paths, made absolute) for an https listener or link. */
export interface TlsFiles {
  readonly cert?: string;
  readonly key?: string;
  readonly ca?: string;
}

/** One compute host seeded into the cell's store as a compute service and node. */
export type HostSpec = HostConfig;

/** A parent or child, as the config names it. */
export interface NeighbourSpec {
  readonly name: string;
  /** One URL per service instance of that cell. */
  readonly urls: readonly string[];
  /** The link secret, read from `secret_env` / `secret_file` at load time. */
  readonly secret?: string;
  readonly tls?: TlsFiles;
}

/** A checked config, defaults filled in, paths absolute. */
export interface CellConfig {
  readonly name: string;
  /** Where the cell receives messages; the first http(s) URL also serves the HTTP API. */
  readonly listen: readonly string[];
  readonly parents: readonly NeighbourSpec[];
  readonly children: readonly NeighbourSpec[];
  /** How often parents are told our capabilities and capacities (s). */
  readonly updateIntervalS: number;
  /** A child silent this long is mute (s). */
  readonly muteChildIntervalS: number;
  readonly reservePercent: number;
  readonly maxHopCount: number;
  readonly callTimeoutS: number;
  /** `:memory:` or an absolute SQLite file path. */
  readonly store: string;
  readonly capabilities: Capabilities;
  readonly hosts: readonly HostSpec[];
  /** Flavors the capacity units are counted in (default: the handlers' built-in list). */
  readonly flavors?: readonly Flavor[];
  readonly schedulerRetries?: number;
  readonly schedulerRetryDelayS?: number;
  /** Accept unsigned HTTP messages when no link has a secret (development only). */
  readonly allowUnsigned: boolean;
  /** Largest accepted HTTP body (cell messages and the API). */
  readonly maxBodyBytes: number;
  readonly logLevel: LogLevel;
  /** Certificate and key of an https listener. */
  readonly tls?: TlsFiles;
  /** The file this config came from, when it came from one. */
  readonly file?: string;
}

/** A config file that cannot be used. `field` is the path of the offending field (`children[1].url`). */
export class ConfigError extends CellwireError {
  override name = 'ConfigError';
  constructor(
    readonly file: string,
    readonly field: string | undefined,
    problem: string,
  ) {
    super('invalid_argument', `config error in ${file}: ${field ? `${field}: ` : ''}${problem}`, { details: { file, field } });
  }
}

export interface LoadConfigOptions {
  /** Where `secret_env` is looked up (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * Reads and checks a cell config file.
 *
 * @example
 * const config = loadConfig('cells/api-cell.json');
 * const cell = await startCellService(config);
 */
export function loadConfig(file: string, options: LoadConfigOptions = {}): CellConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(file, undefined, `cannot read the file: ${(e as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(file, undefined, `not valid JSON: ${(e as Error).message}`);
  }
  return parseConfig(raw, { file, baseDir: path.dirname(path.resolve(file)), ...options });
}

/**
 * Checks a config object (already parsed JSON). Relative paths (`store`, `secret_file`,
 * `tls`) are taken from `baseDir` (default: the working directory).
 *
 * @example
 * const config = parseConfig({ name: 'solo', listen: 'http://127.0.0.1:0' }, { file: '<inline>' });
 */
export function parseConfig(raw: unknown, options: LoadConfigOptions & { file?: string; baseDir?: string } = {}): CellConfig {
  const file = options.file ?? '<config>';
  return new Checker(file, options.baseDir ?? process.cwd(), options.env ?? process.env).config(raw);
}

const TOP_LEVEL_KEYS = new Set([
  '$schema',
  'description',
  'name',
  'listen',
  'parents',
  'children',
  'update_interval_s',
  'mute_child_interval_s',
  'reserve_percent',
  'max_hop_count',
  'call_timeout_s',
  'store',
  'capabilities',
  'hosts',
  'flavors',
  'scheduler_retries',
  'scheduler_retry_delay_s',
  'allow_unsigned',
  'max_body_bytes',
  'log_level',
  'tls',
]);
const HOST_KEYS = new Set(['name', 'vcpus', 'memory_mb', 'local_gb', 'hypervisor_type', 'hypervisor_version', 'disabled']);
const NEIGHBOUR_KEYS = new Set(['name', 'url', 'urls', 'secret_env', 'secret_file', 'tls', 'description']);
const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];
const FLAVOR_NUMBERS = ['id', 'memory_mb', 'vcpus', 'root_gb', 'ephemeral_gb', 'swap'] as const;

type Json = Record<string, unknown>;

/** Walks one config; every error names the file and the field. */
class Checker {
  constructor(
    private readonly file: string,
    private readonly baseDir: string,
    private readonly env: Readonly<Record<string, string | undefined>>,
  ) {}

  private fail(field: string | undefined, problem: string): never {
    throw new ConfigError(this.file, field, problem);
  }

  config(raw: unknown): CellConfig {
    const c = this.object(raw, undefined);
    this.noUnknownKeys(c, TOP_LEVEL_KEYS, undefined);
    const name = this.cellName(c.name, 'name');
    const listen = this.urlList(c.listen, 'listen', true);
    const parents = this.neighbours(c.parents, 'parents');
    const children = this.neighbours(c.children, 'children');
    const seen = new Map<string, string>();
    for (const [side, list] of [['parents', parents], ['children', children]] as const) {
      list.forEach((n, i) => {
        const field = `${side}[${i}].name`;
        if (n.name === name) this.fail(field, `'${n.name}' is this cell's own name`);
        const before = seen.get(n.name);
        if (before) this.fail(field, `'${n.name}' is already listed as ${before}`);
        seen.set(n.name, `${side}[${i}]`);
      });
    }
    this.linkSecrets(parents, children, this.boolean(c.allow_unsigned, 'allow_unsigned', false));
    const tls = c.tls === undefined ? undefined : this.tls(c.tls, 'tls');
    if (listen.some((u) => u.startsWith('https:')) && !(tls?.cert && tls.key)) {
      this.fail('tls', 'an https listen URL needs tls.cert and tls.key');
    }
    const config: CellConfig = {
      name,
      listen,
      parents,
      children,
      updateIntervalS: this.number(c.update_interval_s, 'update_interval_s', { min: 0.01, fallback: 60 }),
      muteChildIntervalS: this.number(c.mute_child_interval_s, 'mute_child_interval_s', { min: 0.01, fallback: 300 }),
      reservePercent: this.number(c.reserve_percent, 'reserve_percent', { min: 0, max: 100, fallback: 10, zeroOk: true }),
      maxHopCount: this.number(c.max_hop_count, 'max_hop_count', { min: 1, fallback: 10, integer: true }),
      callTimeoutS: this.number(c.call_timeout_s, 'call_timeout_s', { min: 0.001, fallback: 60 }),
      store: this.store(c.store),
      capabilities: this.capabilities(c.capabilities),
      hosts: this.hosts(c.hosts),
      allowUnsigned: this.boolean(c.allow_unsigned, 'allow_unsigned', false),
      maxBodyBytes: this.number(c.max_body_bytes, 'max_body_bytes', { min: 1, fallback: DEFAULT_MAX_BODY_BYTES, integer: true }),
      logLevel: this.logLevel(c.log_level),
      ...(c.flavors !== undefined ? { flavors: this.flavors(c.flavors) } : {}),
      ...(c.scheduler_retries !== undefined
        ? { schedulerRetries: this.number(c.scheduler_retries, 'scheduler_retries', { min: 0, fallback: 0, integer: true, zeroOk: true }) }
        : {}),
      ...(c.scheduler_retry_delay_s !== undefined
        ? { schedulerRetryDelayS: this.number(c.scheduler_retry_delay_s, 'scheduler_retry_delay_s', { min: 0, fallback: 0, zeroOk: true }) }
        : {}),
      ...(tls ? { tls } : {}),
      ...(this.file !== '<config>' ? { file: this.file } : {}),
    };
    return config;
  }

  // A listener that knows any link secret refuses every unsigned sender, so secrets are all
  // or nothing per transport; and HTTP, unlike a broker, has no login of its own.
  private linkSecrets(parents: NeighbourSpec[], children: NeighbourSpec[], allowUnsigned: boolean): void {
    const all = [...parents.map((n, i) => ({ n, field: `parents[${i}]` })), ...children.map((n, i) => ({ n, field: `children[${i}]` }))];
    for (const family of ['http', 'amqp'] as const) {
      const over = all.filter(({ n }) => schemeFamily(n.urls[0] as string) === family);
      const signed = over.find(({ n }) => n.secret !== undefined);
      const unsigned = over.find(({ n }) => n.secret === undefined);
      if (signed && unsigned) {
        this.fail(unsigned.field, `needs secret_env or secret_file: ${signed.n.name} has a secret, and then the ${family} listener refuses unsigned messages`);
      }
      if (family === 'http' && unsigned && !allowUnsigned) {
        this.fail(unsigned.field, 'an http link needs secret_env or secret_file (or allow_unsigned: true, for development only)');
      }
    }
  }

  private object(v: unknown, field: string | undefined): Json {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) this.fail(field, `must be a JSON object, got ${kind(v)}`);
    return v as Json;
  }

  private noUnknownKeys(o: Json, allowed: ReadonlySet<string>, field: string | undefined): void {
    for (const k of Object.keys(o)) {
      if (allowed.has(k)) continue;
      const where = field ? `${field}.${k}` : k;
      // Secrets in the file itself would end up in backups and version control.
      if (k === 'secret') this.fail(where, 'secrets are never written in the config: use secret_env or secret_file');
      this.fail(where, `unknown field (allowed: ${[...allowed].filter((a) => !a.startsWith('$')).join(', ')})`);
    }
  }

  private cellName(v: unknown, field: string): string {
    if (typeof v !== 'string' || v.length === 0) this.fail(field, `must be a non-empty string, got ${kind(v)}`);
    if (!isValidCellName(v)) this.fail(field, `'${v}' may not contain '!' or '@'`);
    return v;
  }

  private url(v: unknown, field: string): string {
    if (typeof v !== 'string' || v.length === 0) this.fail(field, `must be a URL string, got ${kind(v)}`);
    let u: URL;
    try {
      u = new URL(v);
    } catch {
      return this.fail(field, `not a URL: '${v}'`);
    }
    const scheme = u.protocol.slice(0, -1);
    if (!(SUPPORTED_SCHEMES as readonly string[]).includes(scheme)) {
      this.fail(field, `unsupported scheme '${u.protocol}' (use ${SUPPORTED_SCHEMES.map((s) => `${s}:`).join(', ')})`);
    }
    if (scheme !== 'memory' && u.hostname === '') this.fail(field, `no host in '${v}'`);
    return v;
  }

  private urlList(v: unknown, field: string, required: boolean): string[] {
    if (v === undefined) {
      if (required) this.fail(field, 'is required (a URL, or a list of URLs)');
      return [];
    }
    if (typeof v === 'string') return [this.url(v, field)];
    if (!Array.isArray(v)) this.fail(field, `must be a URL or a list of URLs, got ${kind(v)}`);
    if (v.length === 0) this.fail(field, 'must hold at least one URL');
    return v.map((u, i) => this.url(u, `${field}[${i}]`));
  }

  private neighbours(v: unknown, field: string): NeighbourSpec[] {
    if (v === undefined) return [];
    if (!Array.isArray(v)) this.fail(field, `must be a list, got ${kind(v)}`);
    return v.map((item, i) => this.neighbour(item, `${field}[${i}]`));
  }

  private neighbour(v: unknown, field: string): NeighbourSpec {
    const n = this.object(v, field);
    this.noUnknownKeys(n, NEIGHBOUR_KEYS, field);
    const name = this.cellName(n.name, `${field}.name`);
    if (n.url !== undefined && n.urls !== undefined) this.fail(field, "give 'url' or 'urls', not both");
    if (n.url === undefined && n.urls === undefined) this.fail(`${field}.url`, 'is required (or urls: a list, one per service instance)');
    const urls = n.url !== undefined ? [this.url(n.url, `${field}.url`)] : this.urlList(n.urls, `${field}.urls`, true);
    const families = new Set(urls.map(schemeFamily));
    if (families.size > 1) this.fail(`${field}.urls`, 'all URLs of one cell must use the same transport');
    const secret = this.secret(n, field);
    const tls = n.tls === undefined ? undefined : this.tls(n.tls, `${field}.tls`);
    return { name, urls, ...(secret !== undefined ? { secret } : {}), ...(tls ? { tls } : {}) };
  }

  private secret(n: Json, field: string): string | undefined {
    if (n.secret_env !== undefined && n.secret_file !== undefined) this.fail(field, "give 'secret_env' or 'secret_file', not both");
    if (n.secret_env !== undefined) {
      const f = `${field}.secret_env`;
      if (typeof n.secret_env !== 'string' || n.secret_env === '') this.fail(f, `must be the name of an environment variable, got ${kind(n.secret_env)}`);
      const value = this.env[n.secret_env];
      if (value === undefined || value === '') this.fail(f, `environment variable ${n.secret_env} is not set`);
      return value;
    }
    if (n.secret_file !== undefined) {
      const f = `${field}.secret_file`;
      if (typeof n.secret_file !== 'string' || n.secret_file === '') this.fail(f, `must be a file path, got ${kind(n.secret_file)}`);
      const p = path.resolve(this.baseDir, n.secret_file);
      let value: string;
      try {
        value = readFileSync(p, 'utf8').trim();
      } catch (e) {
        return this.fail(f, `cannot read ${p}: ${(e as Error).message}`);
      }
      if (value === '') this.fail(f, `${p} is empty`);
      return value;
    }
    return undefined;
  }

  private tls(v: unknown, field: string): TlsFiles {
    const t = this.object(v, field);
    this.noUnknownKeys(t, new Set(['cert', 'key', 'ca']), field);
    const out: { cert?: string; key?: string; ca?: string } = {};
    for (const k of ['cert', 'key', 'ca'] as const) {
      const p = t[k];
      if (p === undefined) continue;
      if (typeof p !== 'string' || p === '') this.fail(`${field}.${k}`, `must be a PEM file path, got ${kind(p)}`);
      out[k] = path.resolve(this.baseDir, p);
    }
    if ((out.cert === undefined) !== (out.key === undefined)) this.fail(field, 'needs both cert and key, or neither');
    return out;
  }

  private number(
    v: unknown,
    field: string,
    o: { min: number; max?: number; fallback: number; integer?: boolean; zeroOk?: boolean },
  ): number {
    if (v === undefined) return o.fallback;
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(field, `must be a number, got ${kind(v)}`);
    if (o.integer && !Number.isInteger(v)) this.fail(field, `must be a whole number, got ${v}`);
    if (v < o.min || (v === 0 && !o.zeroOk)) this.fail(field, `must be ${o.zeroOk ? 'at least' : 'greater than'} ${o.zeroOk ? o.min : 0}, got ${v}`);
    if (o.max !== undefined && v > o.max) this.fail(field, `must be at most ${o.max}, got ${v}`);
    return v;
  }

  private boolean(v: unknown, field: string, fallback: boolean): boolean {
    if (v === undefined) return fallback;
    if (typeof v !== 'boolean') this.fail(field, `must be true or false, got ${kind(v)}`);
    return v;
  }

  private store(v: unknown): string {
    if (v === undefined || v === ':memory:') return ':memory:';
    if (typeof v !== 'string' || v === '') this.fail('store', `must be ':memory:' or a file path, got ${kind(v)}`);
    return path.resolve(this.baseDir, v);
  }

  private capabilities(v: unknown): Capabilities {
    if (v === undefined) return {};
    const o = this.object(v, 'capabilities');
    const out: Capabilities = {};
    for (const [k, values] of Object.entries(o)) {
      const field = `capabilities.${k}`;
      if (!Array.isArray(values)) this.fail(field, `must be a list of strings, got ${kind(values)}`);
      values.forEach((x, i) => {
        if (typeof x !== 'string') this.fail(`${field}[${i}]`, `must be a string, got ${kind(x)}`);
      });
      out[k] = values as string[];
    }
    return out;
  }

  private hosts(v: unknown): HostSpec[] {
    if (v === undefined) return [];
    if (!Array.isArray(v)) this.fail('hosts', `must be a list, got ${kind(v)}`);
    const names = new Set<string>();
    return v.map((item, i) => {
      const field = `hosts[${i}]`;
      const h = this.object(item, field);
      if (typeof h.name !== 'string' || h.name === '') this.fail(`${field}.name`, `must be a non-empty string, got ${kind(h.name)}`);
      if (names.has(h.name)) this.fail(`${field}.name`, `host '${h.name}' is listed twice`);
      names.add(h.name);
      for (const k of ['vcpus', 'memory_mb', 'local_gb'] as const) {
        const x = h[k];
        if (typeof x !== 'number' || !Number.isInteger(x) || x <= 0) this.fail(`${field}.${k}`, `must be a positive whole number, got ${kind(x)}`);
      }
      this.noUnknownKeys(h, HOST_KEYS, field);
      if (h.hypervisor_type !== undefined && (typeof h.hypervisor_type !== 'string' || h.hypervisor_type === '')) {
        this.fail(`${field}.hypervisor_type`, `must be a non-empty string, got ${kind(h.hypervisor_type)}`);
      }
      if (h.hypervisor_version !== undefined && !(typeof h.hypervisor_version === 'number' && Number.isInteger(h.hypervisor_version) && h.hypervisor_version >= 0)) {
        this.fail(`${field}.hypervisor_version`, `must be a whole number such as 2011000, got ${kind(h.hypervisor_version)}`);
      }
      if (h.disabled !== undefined && typeof h.disabled !== 'boolean') this.fail(`${field}.disabled`, `must be true or false, got ${kind(h.disabled)}`);
      return h as unknown as HostSpec;
    });
  }

  private flavors(v: unknown): Flavor[] {
    if (!Array.isArray(v)) this.fail('flavors', `must be a list, got ${kind(v)}`);
    return v.map((item, i) => {
      const field = `flavors[${i}]`;
      const f = this.object(item, field);
      for (const k of ['name', 'flavorid'] as const) {
        if (typeof f[k] !== 'string' || f[k] === '') this.fail(`${field}.${k}`, `must be a non-empty string, got ${kind(f[k])}`);
      }
      for (const k of FLAVOR_NUMBERS) {
        const x = f[k];
        if (typeof x !== 'number' || !Number.isInteger(x) || x < 0) this.fail(`${field}.${k}`, `must be a whole number >= 0, got ${kind(x)}`);
      }
      return f as unknown as Flavor;
    });
  }

  private logLevel(v: unknown): LogLevel {
    if (v === undefined) return 'info';
    if (typeof v !== 'string' || !(LOG_LEVELS as readonly string[]).includes(v)) {
      this.fail('log_level', `must be one of ${LOG_LEVELS.join(', ')}, got ${kind(v)}`);
    }
    return v as LogLevel;
  }
}

/** `memory`, `http` (http and https) or `amqp` (amqp and amqps): the transport a URL uses. */
export function schemeFamily(url: string): 'memory' | 'http' | 'amqp' {
  const scheme = url.slice(0, Math.max(0, url.indexOf(':'))).toLowerCase();
  if (scheme === 'http' || scheme === 'https') return 'http';
  if (scheme === 'amqp' || scheme === 'amqps') return 'amqp';
  return 'memory';
}

/** Describes a JSON value in an error message: its type, and short values verbatim. */
function kind(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return v.length <= 40 ? `'${v}'` : 'a long string';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return `a ${typeof v}`;
}
