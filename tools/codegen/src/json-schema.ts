/**
 * JSON Schemas with typescript-json-schema. One TypeScript program is built for the whole
 * schema (an entry file of type aliases, one per method argument and result), so the cost
 * grows with the number of methods, not with their square.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as TJS from 'typescript-json-schema';
import type { SchemaModel } from './model.js';

export type JsonSchema = { [key: string]: unknown };

export interface MethodSchemas {
  readonly args: JsonSchema;
  readonly result: JsonSchema;
}

export interface WireTypes {
  /** Absolute path of the module holding the wire types (without extension). */
  readonly module: string;
  /** Output file stem -> exported type name. */
  readonly types: Readonly<Record<string, string>>;
}

const SETTINGS: TJS.PartialArgs = {
  required: true,
  noExtraProps: true,
  strictNullChecks: true,
  ref: true,
  titles: false,
  defaultNumberType: 'number',
};

export function buildSchemas(model: SchemaModel, wire?: WireTypes) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cellwire-codegen-'));
  const entry = path.join(dir, 'entry.ts');
  const lines = model.imports.map((i) => `import type * as ${i.namespace} from ${JSON.stringify(i.path)};`);
  if (wire) lines.push(`import type * as __W from ${JSON.stringify(wire.module)};`);
  for (const m of model.methods) {
    lines.push(`export type __Args_${m.wire} = ${m.argsType};`);
    lines.push(`export type __Result_${m.wire} = ${m.resultType};`);
  }
  for (const [stem, type] of Object.entries(wire?.types ?? {})) lines.push(`export type __Wire_${safe(stem)} = __W.${type};`);
  fs.writeFileSync(entry, lines.join('\n') + '\n');
  try {
    const program = TJS.getProgramFromFiles([entry], { strict: true, types: [], skipLibCheck: true }, path.dirname(model.file));
    const diagnostics = program.getSemanticDiagnostics(program.getSourceFile(entry));
    if (diagnostics.length > 0) {
      const msgs = diagnostics.map((d) => (typeof d.messageText === 'string' ? d.messageText : d.messageText.messageText));
      throw new Error(`the schema does not type-check:\n  ${msgs.join('\n  ')}`);
    }
    const generator = TJS.buildGenerator(program, SETTINGS);
    if (!generator) throw new Error('typescript-json-schema could not build a generator');
    const methods = new Map<string, MethodSchemas>();
    for (const m of model.methods) {
      methods.set(m.wire, {
        args: clean(generator.getSchemaForSymbol(`__Args_${m.wire}`)),
        result: clean(generator.getSchemaForSymbol(`__Result_${m.wire}`)),
      });
    }
    const wireSchemas = new Map<string, JsonSchema>();
    for (const stem of Object.keys(wire?.types ?? {})) {
      wireSchemas.set(stem, clean(generator.getSchemaForSymbol(`__Wire_${safe(stem)}`)));
    }
    return { methods, wire: wireSchemas };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function safe(stem: string): string {
  return stem.replace(/[^A-Za-z0-9_]/g, '_');
}

/** Drops `$schema` (set once per file) and sorts definitions so output is byte-stable. */
function clean(schema: TJS.Definition): JsonSchema {
  const { $schema: _drop, definitions, ...rest } = schema as JsonSchema & { definitions?: Record<string, unknown> };
  if (!definitions) return rest;
  const sorted = Object.fromEntries(Object.keys(definitions).sort().map((k) => [k, definitions[k]]));
  return { ...rest, definitions: sorted };
}
