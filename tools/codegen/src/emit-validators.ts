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
    code: { source: true, esm: true, lines: false, optimize: true },
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
 * `schemas` are the per-method files; each export, named by the wire name, validates that
 * method's `args`. `wire` are the envelope and response schemas, exported as `wireEnvelope`...
 */
export function emitValidators(schemas: ReadonlyMap<string, JsonSchema>, wire: ReadonlyMap<string, JsonSchema> = new Map()): string {
  // One schema holding every definition once: with inlineRefs off, each shared type
  // (Instance, Service, ...) compiles to one function that every method's validator calls,
  // instead of a copy per method.
  const definitions: Record<string, unknown> = {};
  const properties: Record<string, unknown> = {};
  for (const [wireName, schema] of schemas) {
    Object.assign(definitions, schema.definitions ?? {});
    properties[wireName] = (schema.properties as { args: unknown }).args;
  }
  const ajv = createAjv();
  ajv.addSchema({ $id: BUNDLE, type: 'object', properties, definitions: relaxJsonValue(definitions) });
  const refs: Record<string, string> = {};
  for (const wireName of schemas.keys()) refs[wireName] = `${BUNDLE}#/properties/${wireName}`;
  for (const [stem, schema] of wire) {
    const definitions = relaxJsonValue(schema.definitions as Record<string, unknown> | undefined);
    ajv.addSchema(definitions ? { ...schema, definitions } : schema);
    refs[`wire${pascal(stem)}`] = String(schema.$id);
  }
  const toCode = (standaloneCode as unknown as { default?: typeof standaloneCode }).default ?? standaloneCode;
  const code = toCode(ajv, refs);
  // The standalone output is plain JS; these pragmas let it live in a strict TS package.
  return `/* eslint-disable */\n// @ts-nocheck\n${code}\n`;
}

function pascal(stem: string): string {
  return stem.replace(/(^|[-_])([a-z])/g, (_, __, c: string) => c.toUpperCase());
}
