/**
 * The cell config file (README, "The config file"): one JSON object per cell, read once at
 * start. Its shape (types, required fields, ranges, unknown fields, defaults) is the JSON
 * Schema generated from `CellConfigFile` (config-file.ts, schemas/cell-config.json), checked
 * by a precompiled ajv validator; what a schema cannot say (URL schemes, names seen twice,
 * link secrets, files to read) is checked here after it. Every mistake is reported as
 * `config error in <file>: <field path>: <what is wrong>` instead of failing later, deep
 * inside a transport.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CellwireError, isValidCellName, type LogLevel } from '@cellwire/core';
import type { Capabilities, Flavor } from '@cellwire/schema';
import type { CellConfigFile, FlavorFile, HostFile, NeighbourFile, TlsFile } from './config-file.js';
import { validate as validateFile } from './gen/config-validator.js';
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
  /** How long a cast made or passed on here lives (s). */
  readonly castTtlS: number;
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
  /** How log lines look (`auto`: pretty on a terminal, else JSON). */
  readonly logFormat: 'auto' | 'json' | 'pretty';
  /** Certificate and key of an https listener. */
  readonly tls?: TlsFiles;
  /** Where the HTTP API listens apart from the cell links; absent: on the first http(s) `listen` URL. */
  readonly apiListen?: string;
  /** The API's bearer token, read from `api_token_env` / `api_token_file` at load time. */
  readonly apiToken?: string;
  /** Callers without a token may use the API, as non-admins. */
  readonly apiAnonymous: boolean;
  /** Names the API accepts in the Host header besides the address a request came in on. */
  readonly apiHosts: readonly string[];
  /** Drop `ctxt.auth_token` from calls made through the API. */
  readonly stripAuthToken: boolean;
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

/** The shortest API token a config may give. */
export const MIN_API_TOKEN_LENGTH = 16;

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
 * `tls`) are taken from `baseDir` (default: the working directory). `raw` is not changed.
 *
 * @example
 * const config = parseConfig({ name: 'solo', listen: 'http://127.0.0.1:0' }, { file: '<inline>' });
 */
export function parseConfig(raw: unknown, options: LoadConfigOptions & { file?: string; baseDir?: string } = {}): CellConfig {
  const file = options.file ?? '<config>';
  // The validator fills in the schema's defaults: on a copy, never on the caller's object.
  let data: unknown;
  try {
    data = structuredClone(raw);
  } catch (e) {
    throw new ConfigError(file, undefined, `not JSON data: ${(e as Error).message}`);
  }
  if (!validate(data)) {
    const { field, problem } = explain(validate.errors ?? []);
    throw new ConfigError(file, field, problem);
  }
  return new Checker(file, options.baseDir ?? process.cwd(), options.env ?? process.env).config(data as Filled);
}

// The file's types must fit what the service takes: an error here means config-file.ts
// drifted from seed.ts, @cellwire/schema's Flavor or core's log levels.
type Fits<A extends B, B> = A;
type ConfigFileFits = [Fits<HostFile, HostConfig>, Fits<FlavorFile, Flavor>, Fits<NonNullable<CellConfigFile['log_level']>, LogLevel>];

/** A config file once the schema's defaults are in. */
type Filled = CellConfigFile &
  Required<
    Pick<
      CellConfigFile,
      | 'parents'
      | 'children'
      | 'update_interval_s'
      | 'mute_child_interval_s'
      | 'reserve_percent'
      | 'max_hop_count'
      | 'call_timeout_s'
      | 'cast_ttl_s'
      | 'store'
      | 'capabilities'
      | 'hosts'
      | 'allow_unsigned'
      | 'max_body_bytes'
      | 'log_level'
      | 'log_format'
      | 'api_anonymous'
      | 'api_hosts'
      | 'strip_auth_token'
    >
  >;

// ---------------------------------------------------------------- the schema's verdict

/** One node of the (inlined) schema, as the validator reports it on an error. */
interface SchemaNode {
  readonly type?: string | readonly string[];
  readonly format?: string;
  readonly minLength?: number;
  readonly items?: SchemaNode;
  readonly anyOf?: readonly SchemaNode[];
  readonly enum?: readonly unknown[];
  readonly properties?: Readonly<Record<string, SchemaNode>>;
}

/** An ajv error with `verbose`: the failing keyword, its node and the value. */
interface SchemaError {
  readonly keyword: string;
  readonly instancePath: string;
  readonly schemaPath: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly message?: string;
  readonly parentSchema?: SchemaNode;
  readonly data?: unknown;
}

const validate = validateFile as unknown as { (data: unknown): boolean; errors?: readonly SchemaError[] | null };

/** The validator's errors (it stops at the first; an `anyOf` also lists its branches') as one field and problem. */
function explain(errors: readonly SchemaError[]): { field: string | undefined; problem: string } {
  const e = errors[errors.length - 1];
  if (!e) return { field: undefined, problem: 'does not match the config schema' };
  const node = e.parentSchema ?? {};
  const field = fieldOf(e.instancePath);
  const got = `got ${kind(e.data)}`;
  switch (e.keyword) {
    case 'anyOf': {
      // Report from the branch whose type fits the value (a list that is empty, a list with
      // one bad URL), else say what would fit.
      const branches = errors.slice(0, -1).filter((b) => b.schemaPath.startsWith(`${e.schemaPath}/`));
      const fitting = branches.find((b) => !(b.keyword === 'type' && b.instancePath === e.instancePath));
      if (fitting) return explain(branches.filter((b) => branchOf(b, e) === branchOf(fitting, e)));
      return { field, problem: `must be ${expected(node)}, ${got}` };
    }
    case 'type':
      return { field, problem: `must be ${expected(node)}, ${got}` };
    case 'enum':
      return { field, problem: `must be one of ${(node.enum ?? []).join(', ')}, ${got}` };
    case 'required': {
      const name = String(e.params.missingProperty);
      const child = node.properties?.[name] ?? {};
      // "got nothing" reads oddly for a choice: `listen: is required (a URL string or a list of URLs)`.
      const problem = child.anyOf ? `is required (${expected(child)})` : `must be ${expected(child)}, got nothing`;
      return { field: join(field, name), problem };
    }
    case 'additionalProperties': {
      const name = String(e.params.additionalProperty);
      // Secrets in the file itself would end up in backups and version control.
      if (name === 'secret') return { field: join(field, name), problem: 'secrets are never written in the config: use secret_env or secret_file' };
      const allowed = Object.keys(node.properties ?? {}).filter((k) => !k.startsWith('$'));
      return { field: join(field, name), problem: `unknown field (allowed: ${allowed.join(', ')})` };
    }
    case 'minimum':
      if (node.type === 'integer' && e.params.limit === 1) return { field, problem: `must be a positive whole number, ${got}` };
      return { field, problem: `must be at least ${String(e.params.limit)}, ${got}` };
    case 'exclusiveMinimum':
      return { field, problem: `must be greater than ${String(e.params.limit)}, ${got}` };
    case 'maximum':
      return { field, problem: `must be at most ${String(e.params.limit)}, ${got}` };
    case 'exclusiveMaximum':
      return { field, problem: `must be less than ${String(e.params.limit)}, ${got}` };
    case 'minLength':
      return { field, problem: e.params.limit === 1 ? `must be ${expected(node)}, ${got}` : `must be at least ${String(e.params.limit)} characters long, ${got}` };
    case 'pattern':
      // The only pattern of the schema: a Host header value (api_hosts).
      return { field, problem: `must be a host name or address with an optional :PORT (cells.example.net, cells.example.net:7081, [fd00::5]:7081), ${got}` };
    case 'minItems': {
      const n = Number(e.params.limit);
      return { field, problem: `must hold at least ${n === 1 ? 'one' : n} ${noun(node.items, n !== 1)}` };
    }
    default:
      return { field, problem: `${e.message ?? 'is not valid'} (${e.keyword})` };
  }
}

/** The index of the anyOf branch an error comes from (`#/.../anyOf/1/...` -> `1`). */
function branchOf(b: SchemaError, anyOf: SchemaError): string {
  return b.schemaPath.slice(anyOf.schemaPath.length + 1).split('/')[0] ?? '';
}

/** What a schema node accepts, in words: `a URL string`, `a list of strings`, `true or false`. */
function expected(node: SchemaNode): string {
  if (node.anyOf) return node.anyOf.map(expected).join(' or ');
  if (node.enum) return `one of ${node.enum.join(', ')}`;
  const types = (Array.isArray(node.type) ? node.type : [node.type]) as (string | undefined)[];
  const words = types.filter((t) => t !== 'null').map((t) => {
    switch (t) {
      case 'string':
        return node.format === 'uri' ? 'a URL string' : node.minLength ? 'a non-empty string' : 'a string';
      case 'integer':
        return 'a whole number';
      case 'number':
        return 'a number';
      case 'boolean':
        return 'true or false';
      case 'object':
        return 'a JSON object';
      case 'array':
        return `a list of ${noun(node.items, true)}`;
      default:
        return 'a value';
    }
  });
  if (types.includes('null')) words.push('null');
  return words.join(' or ');
}

/** What a list holds: `URL(s)`, `string(s)`, `object(s)`. */
function noun(items: SchemaNode | undefined, plural: boolean): string {
  const one = items?.type === 'string' ? (items.format === 'uri' ? 'URL' : 'string') : items?.type === 'object' ? 'object' : items?.type === 'integer' || items?.type === 'number' ? 'number' : 'value';
  return plural ? `${one}s` : one;
}

/** `/children/1/url` -> `children[1].url`; undefined for the whole file. */
function fieldOf(pointer: string): string | undefined {
  if (pointer === '') return undefined;
  let out = '';
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(key) ? `[${key}]` : out === '' ? key : `.${key}`;
  }
  return out;
}

function join(field: string | undefined, key: string): string {
  return field ? `${field}.${key}` : key;
}

// ---------------------------------------------------------------- what a schema cannot say

/** Walks one config the schema accepted; every error names the file and the field. */
class Checker {
  constructor(
    private readonly file: string,
    private readonly baseDir: string,
    private readonly env: Readonly<Record<string, string | undefined>>,
  ) {}

  private fail(field: string | undefined, problem: string): never {
    throw new ConfigError(this.file, field, problem);
  }

  config(c: Filled): CellConfig {
    const name = this.cellName(c.name, 'name');
    const listen = typeof c.listen === 'string' ? [this.url(c.listen, 'listen')] : c.listen.map((u, i) => this.url(u, `listen[${i}]`));
    const parents = c.parents.map((n, i) => this.neighbour(n, `parents[${i}]`));
    const children = c.children.map((n, i) => this.neighbour(n, `children[${i}]`));
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
    this.linkSecrets(parents, children, c.allow_unsigned);
    const tls = c.tls === undefined ? undefined : this.tls(c.tls, 'tls');
    if (listen.some((u) => u.startsWith('https:')) && !(tls?.cert && tls.key)) {
      this.fail('tls', 'an https listen URL needs tls.cert and tls.key');
    }
    const apiListen = c.api_listen === undefined ? undefined : this.url(c.api_listen, 'api_listen');
    if (apiListen !== undefined) {
      if (schemeFamily(apiListen) !== 'http') this.fail('api_listen', `must be an http:// or https:// URL, got '${apiListen}'`);
      if (apiListen.startsWith('https:') && !(tls?.cert && tls.key)) this.fail('tls', 'an https api_listen URL needs tls.cert and tls.key');
    }
    const apiToken = this.fileOrEnv({ env: c.api_token_env, file: c.api_token_file }, { env: 'api_token_env', file: 'api_token_file' }, undefined);
    if (apiToken !== undefined) {
      const field = c.api_token_env !== undefined ? 'api_token_env' : 'api_token_file';
      // It travels in an HTTP header, and it opens every method of every cell below.
      if (!/^[!-~]+$/.test(apiToken)) this.fail(field, 'the API token must be printable ASCII without spaces (it travels in an Authorization header)');
      if (apiToken.length < MIN_API_TOKEN_LENGTH) this.fail(field, `the API token is too short: use at least ${MIN_API_TOKEN_LENGTH} characters (e.g. openssl rand -hex 32)`);
    }
    const names = new Set<string>();
    c.hosts.forEach((h, i) => {
      if (names.has(h.name)) this.fail(`hosts[${i}].name`, `host '${h.name}' is listed twice`);
      names.add(h.name);
    });
    return {
      name,
      listen,
      parents,
      children,
      updateIntervalS: c.update_interval_s,
      muteChildIntervalS: c.mute_child_interval_s,
      reservePercent: c.reserve_percent,
      maxHopCount: c.max_hop_count,
      callTimeoutS: c.call_timeout_s,
      castTtlS: c.cast_ttl_s,
      store: c.store === ':memory:' ? ':memory:' : path.resolve(this.baseDir, c.store),
      capabilities: c.capabilities as Capabilities,
      hosts: c.hosts as HostSpec[],
      allowUnsigned: c.allow_unsigned,
      maxBodyBytes: c.max_body_bytes,
      logLevel: c.log_level,
      logFormat: c.log_format,
      ...(c.flavors !== undefined ? { flavors: c.flavors as Flavor[] } : {}),
      ...(c.scheduler_retries !== undefined ? { schedulerRetries: c.scheduler_retries } : {}),
      ...(c.scheduler_retry_delay_s !== undefined ? { schedulerRetryDelayS: c.scheduler_retry_delay_s } : {}),
      ...(tls ? { tls } : {}),
      ...(apiListen !== undefined ? { apiListen } : {}),
      ...(apiToken !== undefined ? { apiToken } : {}),
      apiAnonymous: c.api_anonymous,
      apiHosts: c.api_hosts.map((h) => h.toLowerCase()),
      stripAuthToken: c.strip_auth_token,
      ...(this.file !== '<config>' ? { file: this.file } : {}),
    };
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

  private cellName(v: string, field: string): string {
    if (!isValidCellName(v)) this.fail(field, `'${v}' may not contain '!' or '@'`);
    return v;
  }

  private url(v: string, field: string): string {
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

  private neighbour(n: NeighbourFile, field: string): NeighbourSpec {
    const name = this.cellName(n.name, `${field}.name`);
    if (n.url !== undefined && n.urls !== undefined) this.fail(field, "give 'url' or 'urls', not both");
    if (n.url === undefined && n.urls === undefined) this.fail(`${field}.url`, 'is required (or urls: a list, one per service instance)');
    const urls = n.url !== undefined ? [this.url(n.url, `${field}.url`)] : (n.urls as string[]).map((u, i) => this.url(u, `${field}.urls[${i}]`));
    const families = new Set(urls.map(schemeFamily));
    if (families.size > 1) this.fail(`${field}.urls`, 'all URLs of one cell must use the same transport');
    const secret = this.secret(n, field);
    const tls = n.tls === undefined ? undefined : this.tls(n.tls, `${field}.tls`);
    return { name, urls, ...(secret !== undefined ? { secret } : {}), ...(tls ? { tls } : {}) };
  }

  private secret(n: NeighbourFile, field: string): string | undefined {
    return this.fileOrEnv({ env: n.secret_env, file: n.secret_file }, { env: 'secret_env', file: 'secret_file' }, field);
  }

  /** A secret named by an environment variable or held in a file (link secrets, the API token). */
  private fileOrEnv(from: { env: string | undefined; file: string | undefined }, keys: { env: string; file: string }, field: string | undefined): string | undefined {
    const at = (key: string) => (field ? `${field}.${key}` : key);
    if (from.env !== undefined && from.file !== undefined) this.fail(field ?? keys.file, `give '${keys.env}' or '${keys.file}', not both`);
    if (from.env !== undefined) {
      const value = this.env[from.env];
      if (value === undefined || value === '') this.fail(at(keys.env), `environment variable ${from.env} is not set`);
      return value;
    }
    if (from.file !== undefined) {
      const f = at(keys.file);
      const p = path.resolve(this.baseDir, from.file);
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

  private tls(t: TlsFile, field: string): TlsFiles {
    const out: { cert?: string; key?: string; ca?: string } = {};
    for (const k of ['cert', 'key', 'ca'] as const) {
      const p = t[k];
      if (p !== undefined) out[k] = path.resolve(this.baseDir, p);
    }
    if ((out.cert === undefined) !== (out.key === undefined)) this.fail(field, 'needs both cert and key, or neither');
    return out;
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
