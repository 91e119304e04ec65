/**
 * Precompiled argument validators: ajv standalone code, so a cell compiles nothing at
 * start-up or per message. One exported function per method, named after its wire name.
 */
import AjvImport from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import type { JsonSchema } from './json-schema.js';

const BUNDLE = 'cellwire-validators';

// ajv is CommonJS with a default export; under ESM the class may sit one level down.
const AjvClass: typeof AjvImport = (AjvImport as unknown as { default?: typeof AjvImport }).default ?? AjvImport;

export function createAjv(): InstanceType<typeof AjvImport> {
  return new AjvClass({
    strict: true,
    allowUnionTypes: true,
    allErrors: false,
    inlineRefs: false,
    // ajv's optimizer recounts the names of every enclosing block at each node: quadratic in
    // a module of thousands of validators (33 s of a 1000-method run); the code it saves is small.
    code: { source: true, esm: true, lines: false, optimize: false },
  });
}

/** The schema type that stands for "any JSON value" (`JsonValue` in the schema's types). */
export const JSON_VALUE = 'JsonValue';

/**
 * The validators check data that is JSON already (a cell validates what `JSON.parse` gave
 * it), so the `JsonValue` definition compiles to "anything": every JSON value is one. Its
 * published form (an `anyOf` over arrays, objects and scalars, recursive) compiled by ajv
 * allocates two error objects per scalar and a path string per node, on every message.
 * Caller objects, which need not be JSON, are checked by core's `jsonProblem` walk at the
 * origin. The JSON Schemas in schemas/ keep the full definition.
 */
function relaxJsonValue(definitions: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  const def = definitions?.[JSON_VALUE] as { description?: unknown } | undefined;
  if (!definitions || !def) return definitions;
  return { ...definitions, [JSON_VALUE]: def.description === undefined ? {} : { description: def.description } };
}

/**
 * One module of precompiled validators: each entry of `entries` becomes an export of that
 * name. `definitions` are shared by all of them and compiled once: with inlineRefs off, each
 * shared type (Instance, Service, ...) is one function every validator calls.
 */
export function emitValidators(entries: ReadonlyMap<string, JsonSchema>, definitions: Readonly<Record<string, unknown>>): string {
  const ajv = createAjv();
  ajv.addSchema({ $id: BUNDLE, type: 'object', properties: Object.fromEntries(entries), definitions: relaxJsonValue({ ...definitions }) });
  const refs: Record<string, string> = {};
  for (const name of entries.keys()) refs[name] = `${BUNDLE}#/properties/${name}`;
  const toCode = (standaloneCode as unknown as { default?: typeof standaloneCode }).default ?? standaloneCode;
  const code = toCode(ajv, refs);
  // The standalone output is plain JS; these pragmas let it live in a strict TS project.
  return `/* eslint-disable */\n// @ts-nocheck\n${code}\n`;
}

/** Splits schemas that carry their own `definitions` into bodies and one shared map. */
export function hoistDefinitions(schemas: Iterable<[string, JsonSchema]>): { bodies: Map<string, JsonSchema>; definitions: Record<string, unknown> } {
  const bodies = new Map<string, JsonSchema>();
  const definitions: Record<string, unknown> = {};
  for (const [name, schema] of schemas) {
    const { definitions: defs, ...body } = schema as JsonSchema & { definitions?: Record<string, unknown> };
    Object.assign(definitions, defs ?? {});
    bodies.set(name, body);
  }
  return { bodies, definitions: Object.fromEntries(Object.keys(definitions).sort().map((k) => [k, definitions[k]])) };
}
