/**
 * Which values two JSON Schemas accept, compared: `isSubschema(a, b)` is true when every
 * value `a` accepts is accepted by `b`. The check is structural and conservative: it knows
 * the keywords the generator emits (`type`, `enum`, `const`, `$ref`, `anyOf`, `oneOf`,
 * `allOf`, `properties`, `required`, `additionalProperties`, `items`, `additionalItems`,
 * `minItems`, `maxItems`) and the usual bounds; when it cannot prove inclusion it answers
 * false, so a diff may call a change breaking that is not, never the other way round.
 */
import AjvImport from 'ajv';
import type { JsonSchema } from './json-schema.js';

export type Schema = JsonSchema | boolean;
export type Definitions = Readonly<Record<string, Schema>>;

/** One schema with the definitions its `$ref`s point into. */
export interface Rooted {
  readonly schema: Schema;
  readonly definitions: Definitions;
}

/** How the values accepted by `after` relate to those accepted by `before`. */
export type Relation = 'same' | 'wider' | 'narrower' | 'different';

/**
 * `sameNamedRefs`: a `$ref` to a definition of the same name on both sides counts as the same
 * schema (the caller compares changed definitions on their own, once).
 */
export interface CompareOptions {
  readonly sameNamedRefs?: boolean;
}

export function relation(before: Rooted, after: Rooted, options: CompareOptions = {}): Relation {
  const down = isSubschema(before, after, options);
  const up = isSubschema(after, before, options);
  if (down && up) return 'same';
  if (down) return 'wider';
  if (up) return 'narrower';
  return 'different';
}

/** Whether every value `a` accepts is accepted by `b` (false when that cannot be shown). */
export function isSubschema(a: Rooted, b: Rooted, options: CompareOptions = {}): boolean {
  return new Comparer(a.definitions, b.definitions, options.sameNamedRefs ?? false).sub(a.schema, b.schema, 0);
}

/** The root of a method schema: its body, with its own `definitions`. */
export function rooted(schema: JsonSchema): Rooted {
  return { schema, definitions: (schema.definitions ?? {}) as Definitions };
}

/** Keywords that do not restrict values. */
const ANNOTATIONS = new Set(['description', 'title', '$comment', 'default', 'examples', '$schema', '$id', 'definitions', 'deprecated', 'readOnly', 'writeOnly']);
/** Keywords the comparison reads itself. */
const STRUCTURE = new Set(['type', 'enum', 'const', '$ref', 'anyOf', 'oneOf', 'allOf', 'properties', 'required', 'additionalProperties', 'items', 'additionalItems', 'minItems', 'maxItems']);
/** Lower bounds (a narrower schema has a larger one) and upper bounds. */
const LOWER = new Set(['minimum', 'exclusiveMinimum', 'minLength', 'minProperties']);
const UPPER = new Set(['maximum', 'exclusiveMaximum', 'maxLength', 'maxProperties']);

// ajv is CommonJS with a default export; under ESM the class may sit one level down.
const AjvClass: typeof AjvImport = (AjvImport as unknown as { default?: typeof AjvImport }).default ?? AjvImport;

type Node = { readonly [key: string]: unknown };

class Comparer {
  /** Pairs of named definitions being compared: assumed included (recursive types). */
  private readonly assumed = new Set<string>();
  private ajv: InstanceType<typeof AjvImport> | undefined;

  constructor(
    private readonly A: Definitions,
    private readonly B: Definitions,
    private readonly sameNamedRefs: boolean,
  ) {}

  sub(a: Schema | undefined, b: Schema | undefined, depth: number): boolean {
    if (depth > 64) return false;
    if (b === undefined || b === true) return true;
    if (a === undefined || a === true) return isAny(b);
    if (a === false) return true;
    if (b === false) return false;
    const refA = typeof a.$ref === 'string' ? a.$ref : undefined;
    const refB = typeof b.$ref === 'string' ? b.$ref : undefined;
    if (this.sameNamedRefs && refA !== undefined && refA === refB && isPureRef(a) && isPureRef(b) && refTarget(refA, this.A) !== undefined && refTarget(refB, this.B) !== undefined) {
      return true;
    }
    if (refA !== undefined && refB === undefined) {
      // A named type against a union: a branch naming the same type settles it.
      for (const key of ['anyOf', 'oneOf'] as const) {
        const list = b[key];
        if (Array.isArray(list) && list.some((x: Schema) => this.sub(a, merge(b, key, x), depth + 1))) return true;
      }
    }
    if (refA !== undefined || refB !== undefined) {
      const key = `${refA ?? JSON.stringify(a)}\u0000${refB ?? JSON.stringify(b)}`;
      if (this.assumed.has(key)) return true;
      this.assumed.add(key);
      const ok = this.sub(refA !== undefined ? deref(a, this.A) : a, refB !== undefined ? deref(b, this.B) : b, depth + 1);
      if (!ok) this.assumed.delete(key);
      return ok;
    }
    if (isAny(b)) return true;
    if (isAny(a)) return false;
    // a: a union is included when each of its branches is; an intersection when one part is.
    for (const key of ['anyOf', 'oneOf'] as const) {
      const list = a[key];
      if (Array.isArray(list)) return list.every((x: Schema) => this.sub(merge(a, key, x), b, depth + 1));
    }
    if (Array.isArray(a.allOf) && Object.keys(a).every((k) => k === 'allOf' || ANNOTATIONS.has(k))) {
      return (a.allOf as Schema[]).some((x) => this.sub(x, b, depth + 1));
    }
    // a: finitely many values.
    const values = finite(a);
    if (values) return values.every((v) => this.accepts(b, this.B, v));
    // a: one type at a time.
    const types = typesOf(a);
    if (types === undefined) return false;
    if (types.length !== 1) return types.every((t) => this.sub({ ...a, type: t }, b, depth + 1));
    // b: a union includes a when one branch does; an intersection when every part does.
    for (const key of ['anyOf', 'oneOf'] as const) {
      const list = b[key];
      if (Array.isArray(list)) return list.some((x: Schema) => this.sub(a, merge(b, key, x), depth + 1));
    }
    if (Array.isArray(b.allOf)) {
      const { allOf, ...rest } = b;
      return (allOf as Schema[]).every((x) => this.sub(a, x, depth + 1)) && this.sub(a, rest, depth + 1);
    }
    if (b.enum !== undefined || b.const !== undefined) return false;
    const t = types[0]!;
    const tb = typesOf(b);
    if (tb !== undefined && !tb.includes(t) && !(t === 'integer' && tb.includes('number'))) return false;
    if (!this.bounds(a, b)) return false;
    if (t === 'object') return this.objects(a, b, depth);
    if (t === 'array') return this.arrays(a, b, depth);
    return true;
  }

  /** Every other keyword of b must be met by a: the same value, or a tighter bound. */
  private bounds(a: Node, b: Node): boolean {
    for (const [k, v] of Object.entries(b)) {
      if (ANNOTATIONS.has(k) || STRUCTURE.has(k)) continue;
      const mine = a[k];
      if (mine === undefined) return false;
      if (LOWER.has(k) && typeof mine === 'number' && typeof v === 'number') {
        if (mine < v) return false;
      } else if (UPPER.has(k) && typeof mine === 'number' && typeof v === 'number') {
        if (mine > v) return false;
      } else if (JSON.stringify(mine) !== JSON.stringify(v)) return false;
    }
    return true;
  }

  private objects(a: Node, b: Node, depth: number): boolean {
    const pa = (a.properties ?? {}) as Record<string, Schema>;
    const pb = (b.properties ?? {}) as Record<string, Schema>;
    const ra = new Set((a.required ?? []) as string[]);
    for (const r of (b.required ?? []) as string[]) if (!ra.has(r)) return false;
    const moreA = a.additionalProperties as Schema | undefined;
    const moreB = b.additionalProperties as Schema | undefined;
    for (const [k, s] of Object.entries(pb)) {
      if (k in pa) {
        if (!this.sub(pa[k], s, depth + 1)) return false;
      } else if (moreA !== false && !this.sub(moreA, s, depth + 1)) return false;
    }
    for (const [k, s] of Object.entries(pa)) {
      if (!(k in pb) && !this.sub(s, moreB, depth + 1)) return false;
    }
    return moreA === false || this.sub(moreA, moreB, depth + 1);
  }

  private arrays(a: Node, b: Node, depth: number): boolean {
    const minA = typeof a.minItems === 'number' ? a.minItems : 0;
    const minB = typeof b.minItems === 'number' ? b.minItems : 0;
    if (minA < minB) return false;
    if (typeof b.maxItems === 'number' && !(typeof a.maxItems === 'number' && a.maxItems <= b.maxItems)) return false;
    const ia = a.items as Schema | Schema[] | undefined;
    const ib = b.items as Schema | Schema[] | undefined;
    const restA = Array.isArray(ia) ? (a.additionalItems as Schema | undefined) : ia;
    const restB = Array.isArray(ib) ? (b.additionalItems as Schema | undefined) : ib;
    const at = (items: Schema | Schema[] | undefined, rest: Schema | undefined, i: number): Schema | undefined =>
      Array.isArray(items) ? (i < items.length ? items[i] : rest) : items;
    // Positions a never has (past its maxItems) do not matter.
    const maxA = typeof a.maxItems === 'number' ? a.maxItems : Infinity;
    const n = Math.min(maxA, Math.max(Array.isArray(ia) ? ia.length : 0, Array.isArray(ib) ? ib.length : 0));
    for (let i = 0; i < n; i++) if (!this.sub(at(ia, restA, i), at(ib, restB, i), depth + 1)) return false;
    // Past the positional items, a's remaining items against b's.
    return restA === false || maxA <= n || this.sub(restA, restB, depth + 1);
  }

  /** Whether `schema` accepts one value (for `enum` and `const`), with ajv. */
  private accepts(schema: Schema, definitions: Definitions, value: unknown): boolean {
    this.ajv ??= new AjvClass({ strict: false, allowUnionTypes: true, validateSchema: false });
    const validate = this.ajv.compile(typeof schema === 'boolean' ? schema : { ...schema, definitions });
    return validate(value) === true;
  }
}

function isAny(s: Schema): boolean {
  if (s === true) return true;
  if (s === false) return false;
  return Object.keys(s).every((k) => ANNOTATIONS.has(k));
}

/** A `$ref` and annotations only. */
export function isPureRef(s: Schema | undefined): s is JsonSchema & { $ref: string } {
  return !!s && typeof s === 'object' && typeof s.$ref === 'string' && Object.keys(s).every((k) => k === '$ref' || ANNOTATIONS.has(k));
}

/** The definition a `#/definitions/NAME` reference names, if there is one. */
export function refTarget(ref: string, definitions: Definitions): Schema | undefined {
  return ref.startsWith('#/definitions/') ? definitions[ref.slice('#/definitions/'.length)] : undefined;
}

/** Names of the definitions a schema reaches, through definitions too. */
export function reachableDefinitions(schema: Schema, definitions: Definitions, out = new Set<string>()): Set<string> {
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(visit);
    if (!v || typeof v !== 'object') return;
    for (const [k, x] of Object.entries(v)) {
      if (k === '$ref' && typeof x === 'string' && x.startsWith('#/definitions/')) {
        const name = x.slice('#/definitions/'.length);
        if (!out.has(name)) {
          out.add(name);
          visit(definitions[name]);
        }
      } else if (k !== 'definitions') visit(x);
    }
  };
  visit(schema);
  return out;
}

/** The definition a `$ref` names (unknown refs compare as "anything"). */
function deref(s: Node, definitions: Definitions): Schema {
  const ref = s.$ref as string;
  const { $ref: _ref, ...rest } = s;
  const target = ref.startsWith('#/definitions/') ? definitions[ref.slice('#/definitions/'.length)] : undefined;
  if (target === undefined) return true;
  if (Object.keys(rest).every((k) => ANNOTATIONS.has(k))) return target;
  return { allOf: [target, rest] };
}

/** A branch of a union with the keywords the union node itself carries. */
function merge(parent: Node, key: 'anyOf' | 'oneOf', branch: Schema): Schema {
  const { [key]: _list, ...rest } = parent;
  if (Object.keys(rest).every((k) => ANNOTATIONS.has(k))) return branch;
  if (typeof branch === 'boolean') return branch ? rest : false;
  return { allOf: [rest, branch] };
}

function typesOf(s: Node): string[] | undefined {
  if (typeof s.type === 'string') return [s.type];
  if (Array.isArray(s.type)) return s.type as string[];
  return undefined;
}

/** The values of an `enum` or `const` schema. */
function finite(s: Node): unknown[] | undefined {
  if (s.const !== undefined) return [s.const];
  if (Array.isArray(s.enum)) return s.enum as unknown[];
  return undefined;
}

/** A short description of a schema for messages: `string`, `'a' | 'b'`, `Instance`. */
export function describe(s: Schema | undefined, depth = 0): string {
  if (s === undefined || s === true) return 'any';
  if (s === false) return 'never';
  if (typeof s.$ref === 'string') return s.$ref.replace(/^#\/definitions\//, '');
  const values = finite(s);
  if (values) return values.map((v) => (typeof v === 'string' ? `'${v}'` : JSON.stringify(v))).join(' | ');
  for (const key of ['anyOf', 'oneOf'] as const) {
    const list = s[key];
    if (Array.isArray(list)) return depth > 2 ? 'union' : list.map((x: Schema) => describe(x, depth + 1)).join(' | ');
  }
  const t = typesOf(s);
  if (!t) return isAny(s) ? 'any' : 'schema';
  return t
    .map((x) => {
      if (x === 'array') return `${depth > 2 ? 'any' : describe(s.items as Schema | undefined, depth + 1)}[]`;
      return x;
    })
    .join(' | ');
}

/** The values an enum schema lists, after `$ref`s (undefined when it is not one). */
export function enumValues(s: Schema | undefined, definitions: Definitions): unknown[] | undefined {
  let node = s;
  for (let i = 0; i < 8 && node && typeof node === 'object' && typeof node.$ref === 'string'; i++) node = deref(node, definitions);
  return node && typeof node === 'object' ? finite(node) : undefined;
}
