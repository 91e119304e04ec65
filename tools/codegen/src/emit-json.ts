/** The JSON Schema files: one per method (its arguments and its result), and the wire types. */
import type { JsonSchema, MethodSchemas } from './json-schema.js';
import type { MethodModel } from './model.js';

export const SCHEMA_BASE = 'https://cellwire.dev/schemas/';

export function methodSchemaId(service: string, wire: string): string {
  return `${SCHEMA_BASE}${service}/${wire}.json`;
}

/** One file per method: `{ args, result }`, both with every referenced definition. */
export function methodSchema(service: string, m: MethodModel, s: MethodSchemas, comment: string): JsonSchema {
  const { definitions: argDefs, ...args } = s.args as JsonSchema & { definitions?: Record<string, unknown> };
  const { definitions: resDefs, ...result } = s.result as JsonSchema & { definitions?: Record<string, unknown> };
  const merged = { ...(argDefs ?? {}), ...(resDefs ?? {}) };
  const definitions = Object.fromEntries(Object.keys(merged).sort().map((k) => [k, merged[k]]));
  return {
    $comment: comment,
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: methodSchemaId(service, m.wire),
    title: m.wire,
    description: m.doc,
    type: 'object',
    properties: { args, result },
    required: ['args', 'result'],
    additionalProperties: false,
    ...(Object.keys(definitions).length > 0 ? { definitions } : {}),
  };
}

export function wireSchema(stem: string, s: JsonSchema, comment: string): JsonSchema {
  return { $comment: comment, $schema: 'http://json-schema.org/draft-07/schema#', $id: `${SCHEMA_BASE}wire/${stem}.json`, title: stem, ...s };
}

export function stringify(schema: JsonSchema): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}
