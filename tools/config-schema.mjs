#!/usr/bin/env node
/**
 * The cell config's JSON Schema and its validator, from the TypeScript type of the file:
 *
 *   packages/cell/src/config-file.ts (CellConfigFile)
 *     -> schemas/cell-config.json                   (typescript-json-schema: descriptions, defaults)
 *     -> packages/cell/src/gen/config-validator.ts  (ajv standalone: precompiled, fills defaults)
 *
 * Usage: node tools/config-schema.mjs [--check]
 * `--check` writes nothing and exits 1 naming each file that is stale or missing.
 * Part of `npm run generate` (scripts/generate.sh).
 */
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import AjvModule from 'ajv';
import standaloneModule from 'ajv/dist/standalone/index.js';
import ts from 'typescript';
import * as TJS from 'typescript-json-schema';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE = 'packages/cell/src/config-file.ts';
const TYPE = 'CellConfigFile';
const SCHEMA_FILE = 'schemas/cell-config.json';
const VALIDATOR_FILE = 'packages/cell/src/gen/config-validator.ts';

// ajv is CommonJS with a default export; under ESM it may sit one level down.
const Ajv = AjvModule.default ?? AjvModule;
const standaloneCode = standaloneModule.default ?? standaloneModule;

const SETTINGS = {
  required: true,
  noExtraProps: true,
  strictNullChecks: true,
  ref: true,
  titles: false,
  defaultNumberType: 'number',
  ignoreErrors: false,
};

/** The published schema: draft-07, shared types in `definitions`. */
export function buildSchema() {
  const file = path.join(root, SOURCE);
  const program = TJS.getProgramFromFiles([file], { strict: true, target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', skipLibCheck: true, types: [] }, root);
  const schema = TJS.generateSchema(program, TYPE, SETTINGS);
  if (!schema) throw new Error(`typescript-json-schema found no type ${TYPE} in ${SOURCE}`);
  refineFromSource(schema, program.getSourceFile(file), (name) => TJS.generateSchema(program, name, SETTINGS));
  const { $schema, definitions, ...body } = schema;
  return { $schema, title: 'cellwire cell config', ...body, definitions: sortedKeys(definitions) };
}

/**
 * Two things typescript-json-schema loses, put back from the source's syntax:
 * - a primitive alias with its own annotations (`ConfigUrl`: `@format uri`) is inlined as a
 *   bare `{ type: 'string' }` inside a union or an array: it becomes a `$ref` to a definition
 *   made from the alias, wherever the type names it;
 * - a union of string literals becomes an enum sorted alphabetically: it keeps the order the
 *   type declares (log levels from the most to nothing);
 * - array keywords written on a union (`@minItems 1` on `ConfigUrl | ConfigUrl[]`) go to its
 *   array branch.
 */
function refineFromSource(schema, source, schemaOf) {
  const aliases = new Set();
  const interfaces = new Map();
  for (const st of source.statements) {
    if (ts.isTypeAliasDeclaration(st) && isPrimitive(st.type)) aliases.add(st.name.text);
    if (ts.isInterfaceDeclaration(st)) interfaces.set(st.name.text, st);
  }
  const defs = (schema.definitions ??= {});
  for (const a of aliases) {
    const { $schema, ...def } = schemaOf(a);
    defs[a] = def;
  }
  const refine = (node, type) => {
    if (!node || !type) return node;
    if (ts.isParenthesizedTypeNode(type)) return refine(node, type.type);
    if (ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName) && aliases.has(type.typeName.text)) {
      const { description } = node;
      return { $ref: `#/definitions/${type.typeName.text}`, ...(description !== undefined ? { description } : {}) };
    }
    if (ts.isArrayTypeNode(type) && node.type === 'array') return { ...node, items: refine(node.items, type.elementType) };
    if (ts.isUnionTypeNode(type)) {
      const literals = type.types.map((t) => (ts.isLiteralTypeNode(t) && ts.isStringLiteral(t.literal) ? t.literal.text : undefined));
      if (Array.isArray(node.enum) && literals.every((l) => l !== undefined)) return { ...node, enum: literals };
      if (Array.isArray(node.anyOf)) {
        // Branches in the declared order, each refined from its member of the union.
        const left = [...node.anyOf];
        const anyOf = type.types.map((member) => {
          const want = ts.isArrayTypeNode(member) ? 'array' : 'string';
          const i = left.findIndex((b) => b.type === want);
          if (i < 0) throw new Error(`cannot match union member ${member.getText(source)} to a schema branch`);
          return refine(left.splice(i, 1)[0], member);
        });
        // Array keywords written on the union (`@minItems 1`) belong to its array branch.
        const { minItems, maxItems, uniqueItems, ...rest } = node;
        const arrayKeywords = Object.fromEntries(Object.entries({ minItems, maxItems, uniqueItems }).filter(([, v]) => v !== undefined));
        return { ...rest, anyOf: [...anyOf, ...left].map((b) => (b.type === 'array' ? { ...b, ...arrayKeywords } : b)) };
      }
    }
    return node;
  };
  for (const [name, decl] of interfaces) {
    const target = name === TYPE ? schema : defs[name];
    if (!target?.properties) continue;
    for (const m of decl.members) {
      if (!ts.isPropertySignature(m) || !m.type) continue;
      const key = ts.isIdentifier(m.name) || ts.isStringLiteral(m.name) ? m.name.text : undefined;
      if (key !== undefined && key in target.properties) target.properties[key] = refine(target.properties[key], m.type);
    }
  }
}

function isPrimitive(type) {
  return type.kind === ts.SyntaxKind.StringKeyword || type.kind === ts.SyntaxKind.NumberKeyword || type.kind === ts.SyntaxKind.BooleanKeyword;
}

/**
 * The validator: the schema with every `$ref` inlined (so an error's `parentSchema` is the
 * node that failed, and config.ts can word the error from it), compiled by ajv to standalone
 * code. It fills in defaults (`useDefaults`) and keeps the failing node and value on each
 * error (`verbose`). `format` is documentation only (URLs are checked in config.ts).
 */
export function buildValidator(schema) {
  // Descriptions and titles are for readers of the published schema; the validator needs
  // none of them (its errors are worded by config.ts from the keywords).
  const inlined = strip(inlineRefs(schema), ['description', 'title', '$schema']);
  delete inlined.definitions;
  const ajv = new Ajv({
    strict: true,
    allErrors: false,
    verbose: true,
    useDefaults: true,
    validateFormats: false,
    code: { source: true, esm: true, lines: false, optimize: true },
  });
  const validate = ajv.compile(inlined);
  // minLength counts code points through ajv's runtime helper, which standalone code
  // require()s; the helper is three lines, inlined so that the cell needs no ajv at run time.
  const code = standaloneCode(ajv, validate).replace(
    'require("ajv/dist/runtime/ucs2length").default',
    '((s) => { let n = 0; for (const _ of s) n++; return n; })',
  );
  if (/\brequire\(/.test(code)) throw new Error('the standalone validator needs ajv at run time (a require() in its code); change the schema or the ajv options');
  return [
    `// @generated by tools/config-schema.mjs from ${SOURCE} (${TYPE}). DO NOT EDIT.`,
    '/* eslint-disable */',
    '// @ts-nocheck',
    code,
    '',
  ].join('\n');
}

function inlineRefs(schema) {
  const defs = schema.definitions ?? {};
  const walk = (node, seen) => {
    if (Array.isArray(node)) return node.map((n) => walk(n, seen));
    if (node === null || typeof node !== 'object') return node;
    if (typeof node.$ref === 'string') {
      const name = decodeURIComponent(node.$ref.replace(/^#\/definitions\//, ''));
      if (!(name in defs)) throw new Error(`unresolved $ref ${node.$ref}`);
      if (seen.includes(name)) throw new Error(`recursive type ${name}: cannot inline`);
      const { $ref, ...rest } = node;
      return walk({ ...defs[name], ...rest }, [...seen, name]);
    }
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, k === 'default' || k === 'enum' ? v : walk(v, seen)]));
  };
  return walk(schema, []);
}

function strip(node, keys) {
  if (Array.isArray(node)) return node.map((n) => strip(n, keys));
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      // A property may be named like a keyword (`description`, `$schema`): keep `properties`' keys.
      .filter(([k]) => !keys.includes(k))
      .map(([k, v]) => [k, k === 'properties' ? Object.fromEntries(Object.entries(v).map(([pk, pv]) => [pk, strip(pv, keys)])) : k === 'default' || k === 'enum' ? v : strip(v, keys)]),
  );
}

function sortedKeys(o) {
  return o && Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}

export function generate() {
  const schema = buildSchema();
  return new Map([
    [SCHEMA_FILE, `${JSON.stringify(schema, null, 2)}\n`],
    [VALIDATOR_FILE, buildValidator(schema)],
  ]);
}

function main(argv) {
  const check = argv.includes('--check');
  const unknown = argv.filter((a) => a !== '--check');
  if (unknown.length > 0) {
    console.error(`config-schema: unknown argument ${unknown.join(' ')}\nusage: node tools/config-schema.mjs [--check]`);
    return 2;
  }
  const started = performance.now();
  const files = generate();
  const stale = [];
  for (const [rel, content] of files) {
    const file = path.join(root, rel);
    let current;
    try {
      current = readFileSync(file, 'utf8');
    } catch {
      current = undefined;
    }
    if (current === content) continue;
    if (check) {
      stale.push(`${rel} ${current === undefined ? 'is missing' : 'is stale'}`);
    } else {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, content);
      stale.push(rel);
    }
  }
  const ms = Math.round(performance.now() - started);
  if (check) {
    if (stale.length > 0) {
      console.log(`config-schema --check: ${stale.length} file(s) out of date; run npm run generate and commit:`);
      for (const s of stale) console.log(`  ${s}`);
      return 1;
    }
    console.log(`config-schema --check: ${files.size} files up to date (${ms} ms)`);
    return 0;
  }
  console.log(`config-schema: ${files.size} files, ${stale.length} written (${ms} ms)`);
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
