/**
 * Input of the API document emitters (emit-openapi.ts, emit-asyncapi.ts), and the one piece
 * both share: turning the service's draft-07 schemas into a document's `components.schemas`.
 */

export type JsonSchema = { [key: string]: unknown };

export interface ApiMethod {
  /** wire name, snake_case, e.g. 'service_get_all' */
  readonly wire: string;
  /** doc comment text */
  readonly doc: string;
  readonly kind: 'targeted' | 'broadcast' | 'targeted_or_broadcast' | 'local';
  readonly direction: 'up' | 'down';
  /** fixed, or read from a boolean argument (negate: true means the argument true = do NOT wait, as `do_cast`) */
  readonly needResponse: boolean | { readonly arg: string; readonly negate?: boolean; readonly default: boolean };
  /** only ever sent by cells to cells, never called through the API */
  readonly internal: boolean;
  /** JSON Schema (draft-07 style) of the arguments object; may hold "$ref": "#/definitions/X" pointing into `definitions` of ApiService */
  readonly args: JsonSchema;
  /** JSON Schema of the result value, same conventions */
  readonly result: JsonSchema;
  /** The message on the wire carries another method's name (spec `sends`): no AMQP message of its own. */
  readonly sends?: string;
  /** Delivered through the cell's fanout exchange to every service instance (spec `fanout`). */
  readonly fanout?: boolean;
}

export interface ApiService {
  /** service name, e.g. 'nova_cells' */
  readonly name: string;
  /** semver, e.g. '1.0.0' */
  readonly version: string;
  readonly methods: readonly ApiMethod[];
  /** shared named schemas referenced as #/definitions/Name by args/result */
  readonly definitions: Readonly<Record<string, JsonSchema>>;
  /** wire schemas: the envelope (one message between cells), a Response, a remote error; self-contained draft-07 schemas possibly with their own `definitions` */
  readonly wire: { readonly envelope: JsonSchema; readonly response: JsonSchema; readonly remoteError: JsonSchema };
}

// ---------------------------------------------------------------------------------------
// Shared by the two emitters
// ---------------------------------------------------------------------------------------

/**
 * `openapi-3.1`: JSON Schema 2020-12, so draft-07 tuples (`items: [...]`) become
 * `prefixItems`. `draft-07`: AsyncAPI 3.0's default schema format, kept as it is.
 */
export type Dialect = 'openapi-3.1' | 'draft-07';

/** The body of every refusal, on HTTP (ApiError) and on an AMQP error reply alike. */
export const ERROR_BODY: JsonSchema = {
  description: 'A refusal: a cellwire error code and a message saying what was wrong.',
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: { description: 'cellwire error code, e.g. `invalid_argument`, `timeout`.', type: 'string' },
        message: { type: 'string' },
        cell: { description: 'Path of the cell that refused, when known.', type: 'string' },
      },
      required: ['code', 'message'],
    },
  },
  required: ['error'],
};

// Component names: the pattern both OpenAPI 3.1 and AsyncAPI 3.0 require of `components` keys.
const NAME_OK = /^[A-Za-z0-9._-]+$/;
// Root keywords that only make sense in a standalone file. `$id` must go: it would make every
// `$ref` inside resolve against https://cellwire.dev/... instead of the document.
const FILE_ONLY = new Set(['$schema', '$id', '$comment', 'definitions']);
// Values that are data, not schemas: a `$ref` key in there must stay as it is.
const DATA_KEYS = new Set(['const', 'enum', 'default', 'examples', 'example']);
const NAME_MAPS = new Set(['properties', 'patternProperties', 'dependencies']);
// Stands for "a component not allocated yet" while deciding which definitions can be shared;
// it can never equal a real component name.
const PENDING = '\u0000';

/**
 * Collects the schemas of one document under `components.schemas`, rewriting every
 * `#/definitions/X` to `#/components/schemas/X`. The service's definitions keep their names;
 * a nested `definitions` of a wire or method schema is hoisted, sharing a component when it is
 * identical (envelope's JsonValue = the service's JsonValue), else renamed `<Owner><Name>`
 * (then `…2`, `…3`). Names depend only on the input, so the output is stable.
 *
 * @example
 * const pool = new SchemaPool('openapi-3.1', { Flavor: { type: 'object' } });
 * pool.inline({ $ref: '#/definitions/Flavor' }, 'Resize'); // { $ref: '#/components/schemas/Flavor' }
 */
export class SchemaPool {
  private readonly schemas = new Map<string, JsonSchema>();
  private readonly service: ReadonlyMap<string, string>;

  constructor(
    private readonly dialect: Dialect,
    definitions: Readonly<Record<string, JsonSchema>>,
  ) {
    this.service = this.hoist(definitions, new Map(), '');
  }

  /** `{ $ref }` to a component. */
  static ref(name: string): JsonSchema {
    return { $ref: `#/components/schemas/${name}` };
  }

  /** Adds a self-contained schema (a wire schema) as a component; returns its name. */
  addFile(preferred: string, schema: JsonSchema): string {
    const names = this.hoist(nested(schema), new Map(), preferred);
    const name = this.reserve(preferred, '');
    this.schemas.set(name, this.convert(schema, names, name));
    return name;
  }

  /** Adds a schema written by the emitter (refs already in document form); returns its name. */
  addOwn(preferred: string, schema: JsonSchema): string {
    const name = this.reserve(preferred, '');
    this.schemas.set(name, structuredClone(schema));
    return name;
  }

  /** A method's args or result, ready to inline: refs rewritten, own `definitions` hoisted. */
  inline(schema: JsonSchema, owner: string): JsonSchema {
    const names = this.hoist(nested(schema), this.service, pascal(owner));
    return this.convert(schema, names);
  }

  /** `components.schemas`, sorted by name. */
  toJSON(): Record<string, JsonSchema> {
    return Object.fromEntries([...this.schemas.keys()].sort().map((k) => [k, this.schemas.get(k)!]));
  }

  /** Adds a group of definitions that refer to each other (and to `outer`); returns name -> component. */
  private hoist(defs: Readonly<Record<string, JsonSchema>>, outer: ReadonlyMap<string, string>, owner: string): Map<string, string> {
    const keys = Object.keys(defs).sort();
    // Share X with an existing component of the same name only if it converts to the very same
    // schema; sharing one may depend on sharing another (refs), so drop misfits until none is left.
    const shared = new Set(keys.filter((k) => this.schemas.has(safeName(k))));
    for (let changed = true; changed; ) {
      changed = false;
      const tentative = new Map(outer);
      for (const k of keys) tentative.set(k, shared.has(k) ? safeName(k) : PENDING + k);
      for (const k of [...shared]) {
        if (canonical(this.convert(defs[k]!, tentative)) !== canonical(this.schemas.get(safeName(k)))) {
          shared.delete(k);
          changed = true;
        }
      }
    }
    const names = new Map(outer);
    for (const k of keys) names.set(k, shared.has(k) ? safeName(k) : this.reserve(safeName(k), owner));
    for (const k of keys) if (!shared.has(k)) this.schemas.set(names.get(k)!, this.convert(defs[k]!, names));
    return names;
  }

  /** A free component name: `base`, else `<owner><Base>`, else with a number appended. */
  private reserve(base: string, owner: string): string {
    const first = owner && this.schemas.has(base) ? `${owner}${base.charAt(0).toUpperCase()}${base.slice(1)}` : base;
    let name = first;
    for (let i = 2; this.schemas.has(name); i++) name = `${first}${i}`;
    this.schemas.set(name, {}); // placeholder until the caller stores the schema
    return name;
  }

  /** Deep copy with refs rewritten (via `names`), file-only keywords dropped, dialect applied. */
  private convert(schema: JsonSchema, names: ReadonlyMap<string, string>, self?: string): JsonSchema {
    const tuples = this.dialect === 'openapi-3.1';
    const walk = (node: unknown, root = false): unknown => {
      if (Array.isArray(node)) return node.map((n) => walk(n));
      if (node === null || typeof node !== 'object') return node;
      const src = node as JsonSchema;
      const out: JsonSchema = {};
      for (const [key, value] of Object.entries(src)) {
        if (root && FILE_ONLY.has(key)) continue;
        if (key === '$ref' && typeof value === 'string') out.$ref = rewriteRef(value, names, self);
        else if (DATA_KEYS.has(key)) out[key] = structuredClone(value);
        // Keys of these are property names, never keywords (a property may be called `enum`).
        else if (NAME_MAPS.has(key) && isPlain(value)) out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]));
        else if (tuples && key === 'items' && Array.isArray(value)) out.prefixItems = walk(value);
        else if (tuples && key === 'additionalItems' && Array.isArray(src.items)) out.items = walk(value);
        else out[key] = walk(value);
      }
      return out;
    };
    return walk(schema, true) as JsonSchema;
  }
}

/**
 * A Response whose `value` is typed: the result when `failure` is false, a remote error when
 * true. `result` undefined leaves the success value as the wire schema has it.
 */
export function typedResponse(response: string, remoteError: string, result?: JsonSchema): JsonSchema {
  const ok: JsonSchema = { properties: { failure: { const: false }, ...(result ? { value: result } : {}) } };
  const failed: JsonSchema = { properties: { failure: { const: true }, value: SchemaPool.ref(remoteError) } };
  return { allOf: [SchemaPool.ref(response)], oneOf: [ok, failed] };
}

/** The API methods of a service in wire-name order; refuses names a document cannot hold. */
export function sortedMethods(service: ApiService): ApiMethod[] {
  const seen = new Set<string>();
  for (const m of service.methods) {
    if (!NAME_OK.test(m.wire)) throw new Error(`method wire name ${JSON.stringify(m.wire)} cannot name a path or message`);
    if (seen.has(m.wire)) throw new Error(`method ${m.wire} is declared twice`);
    seen.add(m.wire);
  }
  return [...service.methods].sort((a, b) => (a.wire < b.wire ? -1 : a.wire > b.wire ? 1 : 0));
}

/** First sentence of a doc comment, on one line, for `summary` (doc comments wrap mid-sentence). */
export function summaryOf(doc: string): string | undefined {
  const text = doc.trim().replace(/\s+/g, ' ');
  if (!text) return undefined;
  // Stop at `.`, `!` or `?` before a space or the end, but not the one in "e.g." or "i.e.".
  return /^.*?(?<!\b(?:e\.g|i\.e))[.!?](?=\s|$)/.exec(text)?.[0] ?? text;
}

/** `service_get_all` -> `ServiceGetAll`: the owner prefix of a renamed hoisted definition. */
function pascal(s: string): string {
  return s.replace(/(?:^|[_\-.])([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function nested(schema: JsonSchema): Readonly<Record<string, JsonSchema>> {
  return (schema.definitions ?? {}) as Record<string, JsonSchema>;
}

// typescript-json-schema names definitions such as `Record<string,string>`; component keys allow less.
function safeName(name: string): string {
  return NAME_OK.test(name) ? name : name.replace(/[^A-Za-z0-9._-]/g, '_');
}

/** `#/definitions/X[/rest]` -> `#/components/schemas/<names(X)>[/rest]`; `#` -> the schema itself. */
function rewriteRef(ref: string, names: ReadonlyMap<string, string>, self: string | undefined): string {
  if (ref === '#' && self) return `#/components/schemas/${self}`;
  const m = /^#\/definitions\/([^/]+)(\/.*)?$/.exec(ref);
  // The definition name is URI-encoded (typescript-json-schema does) and JSON-pointer-escaped.
  const key = m ? decodeURIComponent(m[1]!).replace(/~1/g, '/').replace(/~0/g, '~') : undefined;
  const target = key === undefined ? undefined : names.get(key);
  if (target === undefined) throw new Error(`cannot resolve $ref ${JSON.stringify(ref)} (only #/definitions/<name> of the service or the schema itself)`);
  return `#/components/schemas/${target}${m![2] ?? ''}`;
}

/** JSON with sorted keys: equal schemas give equal strings whatever their key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}
