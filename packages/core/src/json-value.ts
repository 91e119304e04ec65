/**
 * Is a caller's object JSON? The generated validators take `JsonValue` positions on trust,
 * since what a cell receives comes out of JSON.parse. Objects handed to a client at the
 * origin need not be JSON, so they are walked once here: no allocation unless it fails.
 */

/** The deepest a caller's value may be: receivers refuse messages nested deeper (codec.ts). */
export const MAX_VALUE_DEPTH = 64;
const MAX_DEPTH = MAX_VALUE_DEPTH;

/** Where `value` is not JSON (`args.method_info.method_args.1.x is not JSON: function`), or undefined when it is. */
export function jsonProblem(value: unknown, what = 'args'): string | undefined {
  return isJson(value, 0) ? undefined : (findProblem(value, what, 0) ?? `${what} is not JSON`);
}

// Object properties may be undefined (JSON.stringify drops them; the validators treat them
// as absent), array items may not (they would become null).
function isJson(v: unknown, depth: number): boolean {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(v);
    case 'object': {
      if (v === null) return true;
      if (depth >= MAX_DEPTH) return false;
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) if (!isJson(v[i], depth + 1)) return false;
        return true;
      }
      const o = v as Record<string, unknown>;
      for (const k in o) {
        const x = o[k];
        if (x !== undefined && !isJson(x, depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

function findProblem(v: unknown, path: string, depth: number): string | undefined {
  if (typeof v === 'number' && !Number.isFinite(v)) return `${path} must be a finite number`;
  if (typeof v !== 'object' || v === null) return isJson(v, depth) ? undefined : `${path} is not JSON (${typeof v})`;
  if (depth >= MAX_DEPTH) return `${path} is nested too deeply (or circular)`;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const p = v[i] === undefined ? `${path}.${i} is not JSON (undefined)` : findProblem(v[i], `${path}.${i}`, depth + 1);
      if (p) return p;
    }
    return undefined;
  }
  const o = v as Record<string, unknown>;
  for (const k in o) {
    const x = o[k];
    const p = x === undefined ? undefined : findProblem(x, `${path}.${k}`, depth + 1);
    if (p) return p;
  }
  return undefined;
}

/**
 * Whether JSON text nests arrays and objects deeper than `max`, found in one pass over the
 * characters (brackets inside strings do not count) without building anything.
 */
export function nestingExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \\ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > max) return true;
    } else if (c === 93 /* ] */ || c === 125 /* } */) depth--;
  }
  return false;
}

/**
 * A fresh copy of a JSON value, the same as `JSON.parse(JSON.stringify(value))` gives, made
 * without the text: in-process links (the memory transport) hand receivers such a copy, so
 * a handler never sees or changes the caller's objects, at a fraction of the cost of JSON
 * both ways. Undefined, functions and symbols are dropped from objects and become null in
 * arrays, as JSON does; an object that is not plain (a Date, anything with `toJSON`) goes
 * through JSON itself. Throws a RangeError when the value nests deeper than `maxDepth`
 * (circular values included), and a TypeError for a bigint, as JSON.stringify does.
 *
 * @example
 * const copy = copyJson({ a: [1, { b: 'x' }] }, 100); // a new object, arrays and all
 */
export function copyJson(value: unknown, maxDepth: number): unknown {
  return copyValue(value, 0, maxDepth);
}

/** copyJson of a value found `depth` levels down (codec.ts copies envelopes field by field). */
export function copyValue(v: unknown, depth: number, max: number): unknown {
  switch (typeof v) {
    case 'object':
      break;
    case 'number':
      return Number.isFinite(v) ? v : null;
    case 'bigint':
      throw new TypeError('Do not know how to serialize a BigInt');
    default:
      return v;
  }
  if (v === null) return null;
  if (depth >= max) throw new RangeError(`value is nested deeper than ${max} levels`);
  if (Array.isArray(v)) {
    const n = v.length;
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) {
      const x = copyValue(v[i], depth + 1, max);
      out[i] = x === undefined || typeof x === 'function' || typeof x === 'symbol' ? null : x;
    }
    return out;
  }
  const proto = Object.getPrototypeOf(v);
  if ((proto !== Object.prototype && proto !== null) || typeof (v as { toJSON?: unknown }).toJSON === 'function') {
    const text = JSON.stringify(v);
    if (text === undefined) return undefined;
    if (nestingExceeds(text, max - depth)) throw new RangeError(`value is nested deeper than ${max} levels`);
    return JSON.parse(text);
  }
  const o = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k in o) {
    if (!Object.prototype.hasOwnProperty.call(o, k)) continue;
    const x = copyValue(o[k], depth + 1, max);
    if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
    // As JSON.parse does: an own property named __proto__, never the copy's prototype.
    if (k === '__proto__') Object.defineProperty(out, k, { value: x, enumerable: true, writable: true, configurable: true });
    else out[k] = x;
  }
  return out;
}
