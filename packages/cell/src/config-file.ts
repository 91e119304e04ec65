/**
 * The cell config file as it is written: one JSON object per cell (README, "The config
 * file"). This type is the source of the published JSON Schema, schemas/cell-config.json,
 * and of the precompiled validator in src/gen/ (both written by tools/config-schema.mjs,
 * `npm run generate`): the doc comments become the schema's descriptions, `@default` its
 * defaults, filled in when a config is read. What a schema cannot say (URL schemes, link
 * secrets, names seen twice, files to read) is checked in config.ts.
 *
 * A config file may start with `"$schema": "<path to>/cell-config.json"` for an editor's help.
 */

/**
 * A URL whose scheme picks the transport: `memory://NAME`, `http://HOST:PORT`,
 * `https://HOST:PORT`, `amqp://USER:PASS@HOST:PORT/VHOST` or `amqps://...` (URL-encode the
 * vhost: `%2F` is `/`).
 *
 * @format uri
 * @minLength 1
 */
export type ConfigUrl = string;

/**
 * PEM files, relative to the config file.
 */
export interface TlsFile {
  /**
   * Certificate (PEM file). Needs `key`.
   *
   * @minLength 1
   */
  cert?: string;
  /**
   * Private key of `cert` (PEM file).
   *
   * @minLength 1
   */
  key?: string;
  /**
   * Certificate authority to trust (PEM file), e.g. a private CA.
   *
   * @minLength 1
   */
  ca?: string;
}

/** A parent or a child of this cell. */
export interface NeighbourFile {
  /**
   * The neighbour's short name (no `!` or `@`).
   *
   * @minLength 1
   */
  name: string;
  /** Where the neighbour receives messages. Give `url` or `urls`, not both. */
  url?: ConfigUrl;
  /**
   * One URL per service instance of the neighbour, all on one transport.
   *
   * @minItems 1
   */
  urls?: ConfigUrl[];
  /**
   * Name of an environment variable holding the link's shared secret (HMAC key). Read at
   * start; an unset variable is an error. Secrets are never written in the config itself.
   *
   * @minLength 1
   */
  secret_env?: string;
  /**
   * A file holding the link's shared secret, relative to the config file (trailing
   * whitespace dropped).
   *
   * @minLength 1
   */
  secret_file?: string;
  /** PEM files for an `https` link: a private CA, a client certificate. */
  tls?: TlsFile;
  /** Free text; ignored. */
  description?: string;
}

/** A compute host, seeded into the cell's store as a compute service and node. */
export interface HostFile {
  /**
   * Host name, unique in the cell.
   *
   * @minLength 1
   */
  name: string;
  /**
   * @TJS-type integer
   * @minimum 1
   */
  vcpus: number;
  /**
   * RAM in MB.
   *
   * @TJS-type integer
   * @minimum 1
   */
  memory_mb: number;
  /**
   * Local disk in GB.
   *
   * @TJS-type integer
   * @minimum 1
   */
  local_gb: number;
  /**
   * @minLength 1
   * @default "QEMU"
   */
  hypervisor_type?: string;
  /**
   * One integer, e.g. 2011000 for 2.11.0.
   *
   * @TJS-type integer
   * @minimum 0
   * @default 2011000
   */
  hypervisor_version?: number;
  /**
   * Seed the host's compute service disabled.
   *
   * @default false
   */
  disabled?: boolean;
}

/** A flavor the capacities are counted in. */
export interface FlavorFile {
  /**
   * Database id.
   *
   * @TJS-type integer
   * @minimum 0
   */
  id: number;
  /**
   * The API-visible flavor id.
   *
   * @minLength 1
   */
  flavorid: string;
  /** @minLength 1 */
  name: string;
  /**
   * @TJS-type integer
   * @minimum 0
   */
  memory_mb: number;
  /**
   * @TJS-type integer
   * @minimum 0
   */
  vcpus: number;
  /**
   * Root disk in GB.
   *
   * @TJS-type integer
   * @minimum 0
   */
  root_gb: number;
  /**
   * Ephemeral disk in GB.
   *
   * @TJS-type integer
   * @minimum 0
   */
  ephemeral_gb: number;
  /**
   * Swap in MB.
   *
   * @TJS-type integer
   * @minimum 0
   */
  swap: number;
  rxtx_factor?: number;
  vcpu_weight?: number | null;
  disabled?: boolean;
  is_public?: boolean;
  extra_specs?: { [key: string]: string };
  description?: string | null;
}

/** One cell's config file. */
export interface CellConfigFile {
  /** The JSON Schema of this file, for editors; ignored. */
  $schema?: string;
  /** Free text; ignored. */
  description?: string;
  /**
   * This cell's short name (no `!` or `@`), unique in the tree.
   *
   * @minLength 1
   */
  name: string;
  /**
   * A URL or a list of URLs this cell receives messages on. The scheme picks the transport;
   * the first `http(s)` URL also serves the HTTP API (port 0 picks a free port); on an
   * `amqp(s)` broker the cell consumes its own queues.
   *
   * @minItems 1
   */
  listen: ConfigUrl | ConfigUrl[];
  /**
   * The cells above this one.
   *
   * @default []
   */
  parents?: NeighbourFile[];
  /**
   * The cells below this one.
   *
   * @default []
   */
  children?: NeighbourFile[];
  /**
   * How often (s) the cell tells its parents its capabilities and capacities (also once at
   * start, when it also asks its children for theirs).
   *
   * @exclusiveMinimum 0
   * @default 60
   */
  update_interval_s?: number;
  /**
   * A child that has not reported for this long (s) is mute: its capabilities are left out
   * and `GET /v1/state` flags it.
   *
   * @exclusiveMinimum 0
   * @default 300
   */
  mute_child_interval_s?: number;
  /**
   * Share of each host's RAM and disk kept out of the capacities (%).
   *
   * @minimum 0
   * @maximum 100
   * @default 10
   */
  reserve_percent?: number;
  /**
   * Hop limit of the messages this cell creates.
   *
   * @TJS-type integer
   * @minimum 1
   * @default 10
   */
  max_hop_count?: number;
  /**
   * Default deadline (s) of a call started here: the whole call, all hops.
   *
   * @exclusiveMinimum 0
   * @default 60
   */
  call_timeout_s?: number;
  /**
   * How long a cast made or passed on here lives (s): a cell that cannot hand it on holds it
   * in its outbox and retries until then.
   *
   * @exclusiveMinimum 0
   * @default 86400
   */
  cast_ttl_s?: number;
  /**
   * `:memory:`, or an SQLite file (relative to the config file) for a cell that keeps its
   * data across restarts.
   *
   * @minLength 1
   * @default ":memory:"
   */
  store?: string;
  /**
   * Capability name to a list of values, e.g. `{ "hypervisor": ["kvm"] }`; merged with the
   * children's on the way up.
   *
   * @default {}
   */
  capabilities?: { [name: string]: string[] };
  /**
   * Compute hosts seeded as compute services and nodes.
   *
   * @default []
   */
  hosts?: HostFile[];
  /** The flavors capacities are counted in (default: the handlers' built-in list). */
  flavors?: FlavorFile[];
  /**
   * Retries of the cells scheduler when no cell fits (default: the handlers').
   *
   * @TJS-type integer
   * @minimum 0
   */
  scheduler_retries?: number;
  /**
   * Delay (s) between the cells scheduler's retries (default: the handlers').
   *
   * @minimum 0
   */
  scheduler_retry_delay_s?: number;
  /**
   * Accept unsigned HTTP messages when no link has a secret. For development only: without
   * it an HTTP link needs `secret_env` or `secret_file`, on both sides, with the same secret.
   *
   * @default false
   */
  allow_unsigned?: boolean;
  /**
   * The largest HTTP body accepted, cell messages and API requests (bytes).
   *
   * @TJS-type integer
   * @minimum 1
   * @default 1048576
   */
  max_body_bytes?: number;
  /**
   * How much the cell logs (to stderr), from the most to nothing.
   *
   * @default "info"
   */
  log_level?: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /**
   * How log lines look: `json` (one JSON object per line), `pretty` (coloured lines for a
   * person), or `auto`: pretty when stderr is a terminal, JSON otherwise.
   *
   * @default "auto"
   */
  log_format?: 'auto' | 'json' | 'pretty';
  /** Certificate and key (PEM files) of an `https` listen URL (and of an `https` `api_listen`). */
  tls?: TlsFile;
  /**
   * Where the HTTP API listens, apart from the cell-link listeners: an `http://HOST:PORT` or
   * `https://HOST:PORT` URL (port 0 picks a free port), e.g. `http://127.0.0.1:7081`. When
   * set, the API is no longer served on the first `http(s)` URL of `listen`. Absent: the API
   * is served there, as before, with a warning at start when that address is not loopback.
   */
  api_listen?: ConfigUrl;
  /**
   * Name of an environment variable holding the API's bearer token. Read at start; an unset
   * variable is an error. Callers send `Authorization: Bearer <token>`; the token grants
   * admin. Tokens are never written in the config itself.
   *
   * @minLength 1
   */
  api_token_env?: string;
  /**
   * A file holding the API's bearer token, relative to the config file (trailing whitespace
   * dropped).
   *
   * @minLength 1
   */
  api_token_file?: string;
  /**
   * Let callers without a token use the API, as non-admins (`is_admin: false`, `roles: []`
   * forced). Without a token and without this, every API request but `GET /v1/health` is
   * refused with 401.
   *
   * @default false
   */
  api_anonymous?: boolean;
  /**
   * Names the API accepts in the `Host` header besides the address a request came in on
   * (`cells.example.net`: any port; `cells.example.net:7081`: that port only), e.g. the name
   * a reverse proxy or a load balancer is reached by. Any other name is refused (421), which
   * stops DNS rebinding.
   *
   * @default []
   */
  api_hosts?: ApiHost[];
  /**
   * Drop `ctxt.auth_token` from calls made through the API: the token of a caller then never
   * travels to other cells (it goes in clear in every envelope otherwise).
   *
   * @default false
   */
  strip_auth_token?: boolean;
}

/**
 * A host name or address, optionally with a port: `cells.example.net`,
 * `cells.example.net:7081`, `10.0.0.5:7081`, `[fd00::5]:7081`.
 *
 * @minLength 1
 * @pattern ^([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?$
 */
export type ApiHost = string;
