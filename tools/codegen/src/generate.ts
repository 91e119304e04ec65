/**
 * From the schema to every generated file, in memory. Writing and checking are the
 * caller's business (main.ts), so `--check` compares exactly what `generate` would write.
 */
import path from 'node:path';
import { emitClient, type StubInfo } from './emit-client.js';
import { emitDispatch } from './emit-dispatch.js';
import { methodSchema, stringify, wireSchema } from './emit-json.js';
import { emitValidators } from './emit-validators.js';
import { formatTs } from './format.js';
import { header, jsonHeader } from './header.js';
import { buildSchemas, type JsonSchema, type WireTypes } from './json-schema.js';
import { readSchema } from './read-schema.js';

export interface GenerateOptions {
  /** Repository root; paths in headers and in the result are relative to it. */
  readonly root: string;
  /** The method table (packages/schema/src/methods.ts). */
  readonly methodsFile: string;
  /** Wire types to publish as schemas/<stem>.json. */
  readonly wire?: WireTypes;
  /** Import specifier of the schema package in generated TypeScript. */
  readonly schemaImport: string;
  /** Import specifier of the core package in generated client code. */
  readonly coreImport: string;
  /** Output folders, relative to root. */
  readonly out: { readonly coreGen: string; readonly clientGen: string; readonly schemas: string };
}

/** Relative path -> file content. */
export type GeneratedFiles = Map<string, string>;

export function generate(options: GenerateOptions): GeneratedFiles {
  const model = readSchema(path.resolve(options.root, options.methodsFile));
  const source = path.relative(options.root, model.file).split(path.sep).join('/');
  const { methods: built, wire } = buildSchemas(model, options.wire);
  const files: GeneratedFiles = new Map();
  const comment = jsonHeader(source);

  const perMethod = new Map<string, JsonSchema>();
  const info = new Map<string, StubInfo>();
  for (const m of model.methods) {
    const s = built.get(m.wire);
    if (!s) throw new Error(`no schema built for ${m.wire}`);
    const schema = methodSchema(m, s, comment);
    perMethod.set(m.wire, schema);
    files.set(`${options.out.schemas}/methods/${m.wire}.json`, stringify(schema));
    const required = (s.args as { required?: unknown[] }).required ?? [];
    info.set(m.wire, { argsOptional: required.length === 0 });
  }
  const wireFiles = new Map<string, JsonSchema>();
  for (const [stem, s] of wire) {
    const schema = wireSchema(stem, s, comment);
    wireFiles.set(stem, schema);
    files.set(`${options.out.schemas}/${stem}.json`, stringify(schema));
  }

  const head = header(source);
  files.set(`${options.out.coreGen}/dispatch.ts`, formatTs(emitDispatch(model, options.schemaImport), head));
  files.set(`${options.out.coreGen}/validators.ts`, `${head}\n${emitValidators(perMethod, wireFiles)}`);
  files.set(
    `${options.out.clientGen}/client.ts`,
    formatTs(emitClient(model, options.schemaImport, options.coreImport, info), head),
  );
  return files;
}
