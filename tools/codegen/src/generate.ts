/**
 * From a service's methods.ts to every generated file, in memory. Writing and checking are
 * files.ts's business, so `--check` compares exactly what a run would write.
 */
import path from 'node:path';
import type ts from 'typescript';
import { emitDescriptor, namesFor } from './emit-descriptor.js';
import { methodSchema, stringify, wireSchema } from './emit-json.js';
import { emitValidators, hoistDefinitions } from './emit-validators.js';
import { header, jsonHeader } from './header.js';
import { buildMethodSchemas, buildTypeSchemas, compilerOptionsFor, type JsonSchema, type MethodSchemas } from './json-schema.js';
import type { ServiceModel } from './model.js';
import { readMethods } from './read-methods.js';

export interface ServiceOptions {
  /** The project root: paths below are relative to it, and headers name files from it. */
  readonly root: string;
  /** The service's method table. */
  readonly methods: string;
  /** Folder for the TypeScript output (descriptor, validators, schemas module). */
  readonly out: string;
  /** Folder for the JSON Schema files, the OpenAPI and the AsyncAPI documents. */
  readonly schemas: string;
  /** tsconfig.json to resolve the method types with (default: the nearest one). */
  readonly tsconfig?: string;
  /** Import specifier of @cellwire/core in generated code. */
  readonly coreImport?: string;
}

/** Relative path (from root, with `/`) -> file content. */
export type GeneratedFiles = Map<string, string>;

export interface GeneratedService {
  readonly model: ServiceModel;
  readonly files: GeneratedFiles;
  readonly schemas: ReadonlyMap<string, MethodSchemas>;
}

export function generateService(options: ServiceOptions, extra?: (g: Omit<GeneratedService, 'files'>, add: (rel: string, content: string) => void) => void): GeneratedService {
  const methodsFile = path.resolve(options.root, options.methods);
  const model = readMethods(methodsFile);
  const source = rel(options.root, methodsFile);
  const built = buildMethodSchemas(model, compilerOptionsFor(methodsFile, options.tsconfig && path.resolve(options.root, options.tsconfig)));
  const files: GeneratedFiles = new Map();
  const comment = jsonHeader(source);
  const head = header(source);
  const outDir = path.resolve(options.root, options.out);

  const entries: [string, JsonSchema][] = [];
  const perMethod: Record<string, { args: JsonSchema; result: JsonSchema }> = {};
  const optionalArgs = new Set<string>();
  const allDefs: Record<string, unknown> = {};
  for (const m of model.methods) {
    const s = built.get(m.wire);
    if (!s) throw new Error(`no schema built for ${m.wire}`);
    files.set(`${options.schemas}/${m.wire}.json`, stringify(methodSchema(model.name, m, s, comment)));
    entries.push([`${m.wire}_args`, s.args], [`${m.wire}_result`, s.result]);
    const { definitions: a, ...args } = s.args as JsonSchema & { definitions?: Record<string, unknown> };
    const { definitions: r, ...result } = s.result as JsonSchema & { definitions?: Record<string, unknown> };
    Object.assign(allDefs, a ?? {}, r ?? {});
    perMethod[m.wire] = { args, result };
    if (((s.args as { required?: unknown[] }).required ?? []).length === 0) optionalArgs.add(m.wire);
  }
  const { bodies, definitions } = hoistDefinitions(entries);
  files.set(`${options.out}/validators.ts`, `${head}\n${emitValidators(bodies, definitions)}`);
  files.set(`${options.out}/schemas.ts`, `${head}\n${emitSchemasModule(perMethod, sortKeys(allDefs))}`);
  const methodsImport = importPath(outDir, methodsFile);
  // Emitted formatted: running a formatter over it cost a tenth of a large service's time.
  files.set(`${options.out}/descriptor.ts`, `${head}\n${emitDescriptor(model, methodsImport, options.coreImport ?? '@cellwire/core', optionalArgs)}`);
  const n = namesFor(model.name);
  files.set(`${options.out}/index.ts`, `${head}\nexport { ${n.value} } from './descriptor.js';\nexport type { ${n.client}, ${n.handlers} } from './descriptor.js';\n`);
  extra?.({ model, schemas: built }, (p, content) => files.set(p, content));
  return { model, files, schemas: built };
}

/**
 * `schemas.ts`: each method's argument and result schemas as values, self-contained (they
 * share one `definitions` object, so the module holds each named type once).
 */
function emitSchemasModule(perMethod: Record<string, { args: JsonSchema; result: JsonSchema }>, definitions: Record<string, unknown>): string {
  // Typed, not `as const`: the literal type of a large schema set is more than the compiler
  // will write into a declaration file.
  const wires = Object.keys(perMethod).map((w) => `'${w}'`).join(' | ') || 'never';
  const lines = [
    'type Schema = { readonly [key: string]: unknown };',
    '',
    `const definitions: Schema = ${JSON.stringify(definitions, null, 2)};`,
    '',
    '/** Per method: the JSON Schemas of its arguments and of its result. */',
    `export const schemas: { readonly [W in ${wires}]: { readonly args: Schema; readonly result: Schema } } = {`,
  ];
  for (const [wire, s] of Object.entries(perMethod)) {
    lines.push(`  ${wire}: {`);
    lines.push(`    args: { ...${JSON.stringify(s.args)}, definitions },`);
    lines.push(`    result: { ...${JSON.stringify(s.result)}, definitions },`);
    lines.push('  },');
  }
  lines.push('};', '');
  return lines.join('\n');
}

export interface WireOptions {
  readonly root: string;
  /** Module holding the wire types (core's wire.ts). */
  readonly module: string;
  /** Output file stem -> exported type name. */
  readonly types: Readonly<Record<string, string>>;
  /** Validator export name -> output file stem. */
  readonly validators: Readonly<Record<string, string>>;
  /** Where the validators module goes (a file path). */
  readonly validatorsFile: string;
  /** Folder for the wire JSON Schemas. */
  readonly schemas: string;
  /** A module the generator itself ships the wire schemas in (for the AsyncAPI documents). */
  readonly codegenModule?: string;
  readonly tsconfig?: string;
}

/** The protocol's own schemas and validators (core's envelope, responses, errors). */
export function generateWire(options: WireOptions): GeneratedFiles {
  const module = path.resolve(options.root, options.module);
  const source = rel(options.root, module);
  const built = buildTypeSchemas(module, options.types, compilerOptionsFor(module, options.tsconfig && path.resolve(options.root, options.tsconfig)));
  const files: GeneratedFiles = new Map();
  for (const [stem, s] of built) files.set(`${options.schemas}/${stem}.json`, stringify(wireSchema(stem, s, jsonHeader(source))));
  const picked: [string, JsonSchema][] = Object.entries(options.validators).map(([name, stem]) => {
    const s = built.get(stem);
    if (!s) throw new Error(`no wire type for ${stem}`);
    return [name, s];
  });
  const { bodies, definitions } = hoistDefinitions(picked);
  files.set(options.validatorsFile, `${header(source)}\n${emitValidators(bodies, definitions)}`);
  if (options.codegenModule) {
    const all = Object.fromEntries([...built].map(([stem, s]) => [stem, s]));
    files.set(options.codegenModule, `${header(source)}\n/** The wire's JSON Schemas, as the generator puts them into AsyncAPI documents. */\nexport const wireSchemas: { readonly [stem: string]: { readonly [key: string]: unknown } } = ${JSON.stringify(all, null, 2)};\n`);
  }
  return files;
}

function sortKeys(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
}

function rel(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join('/');
}

/** A relative ESM import of `file` from `dir`, with the `.js` suffix TypeScript maps back. */
function importPath(dir: string, file: string): string {
  let p = path.relative(dir, file).split(path.sep).join('/').replace(/\.(m|c)?tsx?$/, '.js');
  if (!p.startsWith('.')) p = `./${p}`;
  return p;
}
