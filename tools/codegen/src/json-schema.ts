/**
 * JSON Schemas with typescript-json-schema. One TypeScript program is built for the whole
 * service (an entry file of type aliases, one per method argument and result, read from the
 * `method<Args, Result>` brand of `methods`), so the cost grows with the number of methods,
 * not with their square, and any way of writing the types (imports, inline) works.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import * as TJS from 'typescript-json-schema';
import type { ServiceModel } from './model.js';

export type JsonSchema = { [key: string]: unknown };

export interface MethodSchemas {
  readonly args: JsonSchema;
  readonly result: JsonSchema;
}

const SETTINGS: TJS.PartialArgs = {
  required: true,
  noExtraProps: true,
  strictNullChecks: true,
  ref: true,
  titles: false,
  defaultNumberType: 'number',
  // Only the methods file and the entry must type-check (checked below); the rest of the
  // program (a workspace's other sources, say) is not this generator's business.
  ignoreErrors: true,
};

/**
 * Compiler options for the project that holds `file`: its nearest tsconfig.json (or the one
 * given), so path aliases resolve as they do for its own build; strict, no emit.
 */
export function compilerOptionsFor(file: string, tsconfig?: string): ts.CompilerOptions {
  const config = tsconfig ? path.resolve(tsconfig) : ts.findConfigFile(path.dirname(file), ts.sys.fileExists);
  let options: ts.CompilerOptions = {};
  if (config) {
    const read = ts.readConfigFile(config, ts.sys.readFile);
    if (read.error) throw new Error(`${config}: ${ts.flattenDiagnosticMessageText(read.error.messageText, '\n')}`);
    options = ts.parseJsonConfigFileContent(read.config, ts.sys, path.dirname(config), undefined, config).options;
  }
  const out: ts.CompilerOptions = { ...options, strict: true, noEmit: true, skipLibCheck: true, declaration: false, composite: false, incremental: false };
  // The entry file lives outside the project (a temp folder): no rootDir may exclude it.
  delete out.rootDir;
  delete out.outDir;
  return out;
}

/** Schemas of every method's arguments and result. */
export function buildMethodSchemas(model: ServiceModel, options: ts.CompilerOptions): Map<string, MethodSchemas> {
  const M = '__M';
  const lines = [`import type { methods as ${M} } from ${JSON.stringify(withoutTs(model.file))};`];
  for (const m of model.methods) {
    const entry = `(typeof ${M})[${JSON.stringify(m.wire)}]`;
    lines.push(`export type __Args_${m.wire} = Exclude<${entry}['__args'], undefined>;`);
    lines.push(`export type __Result_${m.wire} = Exclude<${entry}['__result'], undefined>;`);
  }
  const built = withProgram(lines, options, model.file, (generator) => {
    const out = new Map<string, MethodSchemas>();
    for (const m of model.methods) {
      out.set(m.wire, {
        args: clean(generator.getSchemaForSymbol(`__Args_${m.wire}`)),
        result: clean(generator.getSchemaForSymbol(`__Result_${m.wire}`)),
      });
    }
    return out;
  });
  return built;
}

/** Schemas of named exported types of one module (core's wire types). */
export function buildTypeSchemas(module: string, types: Readonly<Record<string, string>>, options: ts.CompilerOptions): Map<string, JsonSchema> {
  const lines = [`import type * as __W from ${JSON.stringify(withoutTs(module))};`];
  for (const [stem, type] of Object.entries(types)) lines.push(`export type __Wire_${safe(stem)} = __W.${type};`);
  return withProgram(lines, options, module, (generator) => {
    const out = new Map<string, JsonSchema>();
    for (const stem of Object.keys(types)) out.set(stem, clean(generator.getSchemaForSymbol(`__Wire_${safe(stem)}`)));
    return out;
  });
}

function withProgram<T>(lines: string[], options: ts.CompilerOptions, near: string, use: (g: TJS.JsonSchemaGenerator) => T): T {
  // The entry sits beside the source, so relative imports and the project's node_modules
  // resolve from where the author wrote them.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cellwire-codegen-'));
  const entry = path.join(dir, 'entry.ts');
  fs.writeFileSync(entry, lines.join('\n') + '\n');
  try {
    // Our own program, not TJS's getProgramFromFiles: that one expects options in tsconfig's
    // JSON form and would misread parsed ones (lib file names, enum values).
    const program = ts.createProgram([entry], options);
    const diagnostics = [...program.getSemanticDiagnostics(program.getSourceFile(entry)), ...program.getSemanticDiagnostics(program.getSourceFile(near))];
    if (diagnostics.length > 0) {
      const msgs = diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      throw new Error(`${near} does not type-check:\n  ${msgs.join('\n  ')}`);
    }
    const generator = TJS.buildGenerator(program, SETTINGS);
    if (!generator) throw new Error('typescript-json-schema could not build a generator');
    return use(generator);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function withoutTs(file: string): string {
  return file.replace(/\.(m|c)?tsx?$/, '');
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
