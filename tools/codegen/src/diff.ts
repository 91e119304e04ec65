/**
 * `cellwire-codegen diff OLD NEW` (or `diff --ref GITREF FILE`): every change between two
 * versions of a service's methods.ts, each with its class (docs/upgrades.md):
 *
 * - compatible: cells on either version keep working together (a new method, a new
 *   optional argument, a widened argument or result);
 * - breaking for old senders: something a cell on the old schema sends (arguments as a
 *   caller, an answer as a responder) is refused by a cell on the new one (a new required
 *   argument, a narrowed argument type, an enum value no longer accepted, a removed argument,
 *   a narrowed result);
 * - breaking for old receivers: cells on the old schema cannot take part in the method as it
 *   now is (a removed method, a renamed argument, a result property callers require removed,
 *   a changed kind, direction, need_response or target).
 *
 * The comparison runs on the JSON Schemas the generator builds for each version
 * (buildMethodSchemas) and on the method specs. Exit codes: 0 no breaking change, or the
 * major version went up; 1 a breaking change without a major version bump; 2 bad usage or a
 * methods file that cannot be read.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import ts from 'typescript';
import { buildMethodSchemas, compilerOptionsFor, type JsonSchema, type MethodSchemas } from './json-schema.js';
import type { MethodModel, ServiceModel } from './model.js';
import { readMethods } from './read-methods.js';
import { describe, enumValues, isPureRef, reachableDefinitions, refTarget, relation, type Definitions, type Rooted, type Schema } from './schema-compat.js';

export type ChangeClass = 'compatible' | 'breaking for old senders' | 'breaking for old receivers';

export interface Change {
  /** Wire name of the method, or undefined for a change of the service itself. */
  readonly method: string | undefined;
  readonly class: ChangeClass;
  /** What changed, in one line. */
  readonly what: string;
}

/** One version of a service: its model (specs) and the JSON Schemas the generator builds. */
export interface ServiceSnapshot {
  readonly model: ServiceModel;
  readonly schemas: ReadonlyMap<string, MethodSchemas>;
}

export interface DiffResult {
  readonly before: ServiceSnapshot;
  readonly after: ServiceSnapshot;
  readonly changes: readonly Change[];
  readonly breaking: boolean;
  /** The major version went up: breaking changes are allowed. */
  readonly majorBump: boolean;
  /** Notes that do not change the exit code (a version that did not move, say). */
  readonly warnings: readonly string[];
  /** 1 when a change is breaking and the major version did not go up, else 0. */
  readonly exitCode: 0 | 1;
}

/** Reads a methods file and builds its schemas, as the generator does. */
export function loadService(methodsFile: string, tsconfig?: string): ServiceSnapshot {
  const file = path.resolve(methodsFile);
  const model = readMethods(file);
  const schemas = buildMethodSchemas(model, compilerOptionsFor(file, tsconfig && path.resolve(tsconfig)));
  return { model, schemas };
}

/** Compares two versions of one service. */
export function diffServices(before: ServiceSnapshot, after: ServiceSnapshot): DiffResult {
  const changes: Change[] = [];
  const add = (method: string | undefined, cls: ChangeClass, what: string) => changes.push({ method, class: cls, what });
  if (before.model.name !== after.model.name) {
    add(undefined, 'breaking for old receivers', `service renamed: ${before.model.name} -> ${after.model.name} (service_version names differ, so no cell drops unknown arguments)`);
  }
  const oldMethods = new Map(before.model.methods.map((m) => [m.wire, m]));
  const newMethods = new Map(after.model.methods.map((m) => [m.wire, m]));
  // One program per version, so a definition name means one type in each. A named type
  // used by several methods (Instance, Flavor) is compared once, below, not at every use.
  const ctx: Ctx = { A: defsOf([...before.schemas.values()]), B: defsOf([...after.schemas.values()]) };
  const uses = new Map<string, { args: string[]; result: string[] }>();
  for (const [wire] of oldMethods) {
    if (!newMethods.has(wire)) add(wire, 'breaking for old receivers', 'method removed: cells on the old schema still call it, and cells on the new one answer unknown_method');
  }
  for (const [wire, m] of newMethods) {
    const old = oldMethods.get(wire);
    if (!old) {
      add(wire, 'compatible', `new method (${m.spec.kind} ${m.spec.direction}): cells on the old schema answer unknown_method for themselves and forward it`);
      continue;
    }
    compareSpecs(old, m, (cls, what) => add(wire, cls, what));
    const so = before.schemas.get(wire);
    const sn = after.schemas.get(wire);
    if (!so || !sn) continue;
    // A method whose arguments or result are a named type used elsewhere too (the generator
    // inlines the top level) is compared with that type, once.
    const argsAlias = aliasOf(ctx, so.args, sn.args);
    const resultAlias = aliasOf(ctx, so.result, sn.result);
    if (!argsAlias) compareArgs(ctx, so.args, sn.args, '', (cls, what) => add(wire, cls, what));
    if (!resultAlias) compareResult(ctx, so.result, sn.result, '', (cls, what) => add(wire, cls, what));
    for (const role of ['args', 'result'] as const) {
      const names = reachableDefinitions(so[role], ctx.A);
      reachableDefinitions(sn[role], ctx.B, names);
      const alias = role === 'args' ? argsAlias : resultAlias;
      if (alias) names.add(alias);
      for (const name of names) {
        let u = uses.get(name);
        if (!u) uses.set(name, (u = { args: [], result: [] }));
        u[role].push(wire);
      }
    }
  }
  for (const [name, u] of [...uses].sort(([a], [b]) => a.localeCompare(b))) {
    const o = ctx.A[name];
    const n = ctx.B[name];
    if (o === undefined || n === undefined || same(o, n)) continue;
    if (u.args.length > 0) compareArgs(ctx, o, n, name, (cls, what) => add(undefined, cls, `${what} [type ${name}, in the arguments of ${list(u.args)}]`), 0, true);
    if (u.result.length > 0) compareResult(ctx, o, n, name, (cls, what) => add(undefined, cls, `${what} [type ${name}, in the result of ${list(u.result)}]`), 0, true);
  }
  const vo = parseVersion(before.model.version);
  const vn = parseVersion(after.model.version);
  const breaking = changes.some((c) => c.class !== 'compatible');
  const majorBump = vn.major > vo.major;
  const warnings: string[] = [];
  const cmp = vn.major - vo.major || vn.minor - vo.minor || vn.patch - vo.patch;
  if (cmp < 0) warnings.push(`the version went down: ${before.model.version} -> ${after.model.version}`);
  else if (changes.length > 0 && !breaking && vn.major === vo.major && vn.minor === vo.minor) {
    warnings.push(
      `compatible changes need a higher minor version (${before.model.version} -> ${vo.major}.${vo.minor + 1}.0): cells on ${before.model.version} drop unknown arguments only from a sender on a newer minor version`,
    );
  }
  return { before, after, changes, breaking, majorBump, warnings, exitCode: breaking && !majorBump ? 1 : 0 };
}

/** The report `cellwire-codegen diff` prints. */
export function formatDiff(r: DiffResult, names?: { before: string; after: string }): string[] {
  const lines: string[] = [];
  const b = r.before.model;
  const a = r.after.model;
  lines.push(`cellwire-codegen diff: ${b.name} ${b.version} -> ${a.name} ${a.version}${names ? ` (${names.before} -> ${names.after})` : ''}`);
  const width = Math.max(...r.changes.map((c) => c.class.length), 0);
  for (const c of r.changes) lines.push(`  ${c.class.padEnd(width)}  ${c.method ? `${c.method}: ` : ''}${c.what}`);
  for (const w of r.warnings) lines.push(`  warning: ${w}`);
  const nBreaking = r.changes.filter((c) => c.class !== 'compatible').length;
  const counts = `${r.changes.length} change(s): ${r.changes.length - nBreaking} compatible, ${nBreaking} breaking`;
  if (nBreaking === 0) lines.push(`${counts}. ok`);
  else if (r.majorBump) lines.push(`${counts}; the major version went up (${b.version} -> ${a.version}). ok`);
  else lines.push(`${counts} without a major version bump (${b.version} -> ${a.version}): fix them, or raise the major version`);
  return lines;
}

// ---------------------------------------------------------------------------------------
// Specs
// ---------------------------------------------------------------------------------------

type Report = (cls: ChangeClass, what: string) => void;

function compareSpecs(before: MethodModel, after: MethodModel, report: Report): void {
  const o = before.spec as unknown as Record<string, unknown>;
  const n = after.spec as unknown as Record<string, unknown>;
  const show = (v: unknown) => (v === undefined ? 'unset' : JSON.stringify(v));
  // How the message travels and who answers: old and new cells on one path must agree.
  for (const key of ['kind', 'direction', 'needResponse', 'target']) {
    if (!same(o[key], n[key])) report('breaking for old receivers', `${wireKey(key)} changed: ${show(o[key])} -> ${show(n[key])}`);
  }
  // Read only by the origin (runLocally), carried by the envelope (fanout), or local to the
  // answering cell or the SDK (topOnly, internal): the wire does not change.
  for (const key of ['runLocally', 'fanout', 'topOnly', 'internal']) {
    if (!same(o[key], n[key])) report('compatible', `${wireKey(key)} changed: ${show(o[key])} -> ${show(n[key])}`);
  }
}

function wireKey(key: string): string {
  return { needResponse: 'need_response', runLocally: 'run_locally', topOnly: 'top_only' }[key] ?? key;
}

// ---------------------------------------------------------------------------------------
// Arguments and results
// ---------------------------------------------------------------------------------------

interface Ctx {
  readonly A: Definitions;
  readonly B: Definitions;
}

function defsOf(schemas: readonly MethodSchemas[]): Definitions {
  const out: Record<string, Schema> = {};
  for (const s of schemas) for (const x of [s.args, s.result]) Object.assign(out, (x.definitions ?? {}) as Definitions);
  return out;
}

/** The definition name both versions' top-level schemas are a copy of, if any. */
function aliasOf(ctx: Ctx, before: JsonSchema, after: JsonSchema): string | undefined {
  const { definitions: _a, ...o } = before;
  const { definitions: _b, ...n } = after;
  if (same(o, n)) return undefined;
  for (const name of Object.keys(ctx.A)) {
    const x = ctx.A[name];
    const y = ctx.B[name];
    if (x !== undefined && y !== undefined && same(x, o) && same(y, n)) return name;
  }
  return undefined;
}

/** `a, b, c` or `a, b, c and 4 more`. */
function list(methods: string[]): string {
  const shown = methods.slice(0, 3).join(', ');
  return methods.length > 3 ? `${shown} and ${methods.length - 3} more` : shown;
}

/**
 * Both sides name the same definition: the same schema here (a changed definition is
 * compared once, on its own). `top` is that comparison itself.
 */
function deferred(ctx: Ctx, before: Schema | undefined, after: Schema | undefined, top: boolean): boolean {
  if (top || !isPureRef(before) || !isPureRef(after) || before.$ref !== after.$ref) return false;
  return refTarget(before.$ref, ctx.A) !== undefined && refTarget(after.$ref, ctx.B) !== undefined;
}

type Node = { readonly [key: string]: unknown };

/** A schema with `$ref`s followed (a few levels), for walking into objects and arrays. */
function resolve(s: Schema | undefined, defs: Definitions): Schema | undefined {
  let node = s;
  for (let i = 0; i < 16 && node && typeof node === 'object' && typeof node.$ref === 'string'; i++) {
    const ref = node.$ref as string;
    node = ref.startsWith('#/definitions/') ? defs[ref.slice('#/definitions/'.length)] : undefined;
  }
  return node;
}

/** An object schema with named properties and no union: walked property by property. */
function plainObject(s: Schema | undefined): Node | undefined {
  if (!s || typeof s !== 'object') return undefined;
  if (s.type !== 'object' || s.anyOf || s.oneOf || s.allOf || typeof s.properties !== 'object') return undefined;
  return s;
}

function plainArray(s: Schema | undefined): Node | undefined {
  if (!s || typeof s !== 'object') return undefined;
  if (s.type !== 'array' || s.anyOf || s.oneOf || s.allOf || !s.items || Array.isArray(s.items)) return undefined;
  return s;
}

const MAX_WALK = 12;

function compareArgs(ctx: Ctx, before: Schema | undefined, after: Schema | undefined, at: string, report: Report, depth = 0, top = false): void {
  if (deferred(ctx, before, after, top)) return;
  const o = resolve(before, ctx.A);
  const n = resolve(after, ctx.B);
  const oo = plainObject(o);
  const no = plainObject(n);
  if (oo && no && depth < MAX_WALK) {
    const po = oo.properties as Record<string, Schema>;
    const pn = no.properties as Record<string, Schema>;
    const ro = new Set((oo.required ?? []) as string[]);
    const rn = new Set((no.required ?? []) as string[]);
    const removed = Object.keys(po).filter((k) => !(k in pn));
    const added = Object.keys(pn).filter((k) => !(k in po));
    if (removed.length > 0 && added.length > 0) {
      report(
        'breaking for old receivers',
        `argument ${names(removed, at)} removed and ${names(added, at)} added (a rename?): cells on the old schema refuse or ignore the new name, cells on the new one refuse the old`,
      );
    } else {
      for (const k of removed) report('breaking for old senders', `argument ${names([k], at)} removed: cells on the new schema refuse it from senders on the old one`);
      for (const k of added) {
        if (rn.has(k)) report('breaking for old senders', `new required argument ${names([k], at)} (${describe(pn[k])}): senders on the old schema do not send it`);
        else report('compatible', `new optional argument ${names([k], at)} (${describe(pn[k])})`);
      }
    }
    for (const k of Object.keys(pn)) {
      if (!(k in po)) continue;
      if (!ro.has(k) && rn.has(k)) report('breaking for old senders', `argument ${names([k], at)} is now required: senders on the old schema may leave it out`);
      if (ro.has(k) && !rn.has(k)) report('compatible', `argument ${names([k], at)} is now optional`);
      compareArgs(ctx, po[k], pn[k], join(at, k), report, depth + 1);
    }
    leaf(ctx, { schema: extra(oo), definitions: ctx.A }, { schema: extra(no), definitions: ctx.B }, `${at ? `argument \`${at}\`` : 'arguments'}: additional properties`, 'args', report);
    return;
  }
  const oa = plainArray(o);
  const na = plainArray(n);
  if (oa && na && depth < MAX_WALK) {
    compareArgs(ctx, oa.items as Schema, na.items as Schema, `${at}[]`, report, depth + 1);
    const { items: _a, ...restO } = oa;
    const { items: _b, ...restN } = na;
    leaf(ctx, { schema: { ...restO, items: true }, definitions: ctx.A }, { schema: { ...restN, items: true }, definitions: ctx.B }, `argument \`${at}\` (length)`, 'args', report);
    return;
  }
  leaf(ctx, { schema: before ?? true, definitions: ctx.A }, { schema: after ?? true, definitions: ctx.B }, at ? `argument \`${at}\`` : 'arguments', 'args', report);
}

function compareResult(ctx: Ctx, before: Schema | undefined, after: Schema | undefined, at: string, report: Report, depth = 0, top = false): void {
  if (deferred(ctx, before, after, top)) return;
  const o = resolve(before, ctx.A);
  const n = resolve(after, ctx.B);
  const oo = plainObject(o);
  const no = plainObject(n);
  const where = at ? `result property \`${at}\`` : 'result';
  if (oo && no && depth < MAX_WALK) {
    const po = oo.properties as Record<string, Schema>;
    const pn = no.properties as Record<string, Schema>;
    const ro = new Set((oo.required ?? []) as string[]);
    const rn = new Set((no.required ?? []) as string[]);
    for (const k of Object.keys(po)) {
      if (k in pn) continue;
      if (ro.has(k)) report('breaking for old receivers', `result property \`${join(at, k)}\` removed: callers on the old schema require it`);
      else report('compatible', `optional result property \`${join(at, k)}\` removed`);
    }
    for (const k of Object.keys(pn)) {
      if (k in po) continue;
      if (rn.has(k)) report('breaking for old senders', `new required result property \`${join(at, k)}\`: cells on the old schema answer without it`);
      else report('compatible', `widened result: new optional property \`${join(at, k)}\` (${describe(pn[k])}); callers on the old schema drop it`);
    }
    for (const k of Object.keys(pn)) {
      if (!(k in po)) continue;
      if (!ro.has(k) && rn.has(k)) report('breaking for old senders', `result property \`${join(at, k)}\` is now required: cells on the old schema may answer without it`);
      if (ro.has(k) && !rn.has(k)) report('breaking for old receivers', `result property \`${join(at, k)}\` is now optional: callers on the old schema require it`);
      compareResult(ctx, po[k], pn[k], join(at, k), report, depth + 1);
    }
    leaf(ctx, { schema: extra(oo), definitions: ctx.A }, { schema: extra(no), definitions: ctx.B }, `${where}: additional properties`, 'result', report);
    return;
  }
  const oa = plainArray(o);
  const na = plainArray(n);
  if (oa && na && depth < MAX_WALK) {
    compareResult(ctx, oa.items as Schema, na.items as Schema, `${at}[]`, report, depth + 1);
    const { items: _a, ...restO } = oa;
    const { items: _b, ...restN } = na;
    leaf(ctx, { schema: { ...restO, items: true }, definitions: ctx.A }, { schema: { ...restN, items: true }, definitions: ctx.B }, `${where} (length)`, 'result', report);
    return;
  }
  leaf(ctx, { schema: before ?? true, definitions: ctx.A }, { schema: after ?? true, definitions: ctx.B }, where, 'result', report);
}

/** One schema position compared as a whole: widened, narrowed or changed. */
function leaf(ctx: Ctx, before: Rooted, after: Rooted, where: string, role: 'args' | 'result', report: Report): void {
  const rel = relation(before, after, { sameNamedRefs: true });
  if (rel === 'same') return;
  const from = describe(before.schema);
  const to = describe(after.schema);
  const types = from === to ? '' : `: ${from} -> ${to}`;
  const eo = enumValues(before.schema, ctx.A);
  const en = enumValues(after.schema, ctx.B);
  const gone = eo && en ? eo.filter((v) => !en.some((w) => same(v, w))) : [];
  const fmt = (vs: unknown[]) => vs.map((v) => JSON.stringify(v)).join(', ');
  if (role === 'args') {
    if (rel === 'wider') report('compatible', `${where} widened${types}`);
    else if (rel === 'narrower' && gone.length > 0) report('breaking for old senders', `${where} no longer accepts ${fmt(gone)}${types}`);
    else if (rel === 'narrower') report('breaking for old senders', `${where} narrowed${types}: values senders on the old schema may send are refused`);
    else report('breaking for old senders', `${where} changed type${types}: values senders on the old schema may send are refused`);
    return;
  }
  if (rel === 'wider') report('compatible', `${where} widened${types}: callers on the old schema refuse only the new values`);
  else if (rel === 'narrower') report('breaking for old senders', `${where} narrowed${types}${gone.length > 0 ? ` (no longer ${fmt(gone)})` : ''}: cells on the old schema may answer values the new schema refuses`);
  else report('breaking for old receivers', `${where} changed type${types}: callers on the old schema refuse the new answers`);
}

/** The additional-properties part of an object schema, as a schema of its own. */
function extra(o: Node): Schema {
  const more = o.additionalProperties as Schema | undefined;
  return { type: 'object', additionalProperties: more ?? true };
}

function names(keys: string[], at: string): string {
  return keys.map((k) => `\`${join(at, k)}\``).join(', ');
}

function join(at: string, key: string): string {
  return at ? `${at}.${key}` : key;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
  return v;
}

function parseVersion(v: string): { major: number; minor: number; patch: number } {
  const [major = 0, minor = 0, patch = 0] = v.split('.').map(Number);
  return { major, minor, patch };
}

// ---------------------------------------------------------------------------------------
// A methods file at a git ref
// ---------------------------------------------------------------------------------------

/**
 * Writes the methods file at `ref`, and every file it reaches through relative imports at
 * that ref, into a temporary folder laid out as the repository is; returns the copy's path
 * and a cleanup. Non-relative imports (`@cellwire/core`, packages) resolve from the working
 * tree: the copy links the repository's node_modules.
 */
export function checkoutAtRef(file: string, ref: string): { file: string; root: string; dispose: () => void } {
  if (!ref || ref.startsWith('-')) throw new Error(`bad git ref '${ref}'`);
  const abs = path.resolve(file);
  const git = (args: string[], cwd: string) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  const top = git(['rev-parse', '--show-toplevel'], path.dirname(abs)).trim();
  const rel = path.relative(top, abs).split(path.sep).join('/');
  const show = (p: string): string | undefined => {
    try {
      return git(['show', `${ref}:${p}`], top);
    } catch {
      return undefined;
    }
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cellwire-diff-'));
  const dispose = () => fs.rmSync(dir, { recursive: true, force: true });
  try {
    const first = show(rel);
    if (first === undefined) throw new Error(`${rel} does not exist at ${ref}`);
    const queue: [string, string][] = [[rel, first]];
    const seen = new Set([rel]);
    while (queue.length > 0) {
      const [p, text] = queue.shift()!;
      const out = path.join(dir, p);
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(out, text);
      for (const imp of ts.preProcessFile(text, true, true).importedFiles) {
        if (!imp.fileName.startsWith('.')) continue;
        const base = path.posix.normalize(path.posix.join(path.posix.dirname(p), imp.fileName));
        const stem = base.replace(/\.(m|c)?jsx?$/, '');
        for (const candidate of [`${stem}.ts`, `${stem}.tsx`, `${stem}.mts`, `${stem}.d.ts`, base, `${stem}/index.ts`]) {
          if (seen.has(candidate)) break;
          const content = show(candidate);
          if (content === undefined) continue;
          seen.add(candidate);
          queue.push([candidate, content]);
          break;
        }
      }
    }
    const modules = path.join(top, 'node_modules');
    if (fs.existsSync(modules)) fs.symlinkSync(modules, path.join(dir, 'node_modules'), 'dir');
    return { file: path.join(dir, rel), root: top, dispose };
  } catch (e) {
    dispose();
    throw e;
  }
}

// ---------------------------------------------------------------------------------------
// The command
// ---------------------------------------------------------------------------------------

export const DIFF_USAGE = `usage: cellwire-codegen diff OLD NEW [--tsconfig FILE]
       cellwire-codegen diff --ref GITREF FILE [--tsconfig FILE]

  OLD NEW          two versions of a service's methods.ts
  --ref GITREF     compare FILE as it is at GITREF (a commit, tag or branch) with the working tree
  --tsconfig FILE  the tsconfig.json to resolve types with (default: the nearest one to each file)

Prints every change with its class (compatible, breaking for old senders, breaking for old
receivers). Exit codes: 0 no breaking change, or the major version went up; 1 a breaking
change without a major version bump; 2 bad usage or a methods file that cannot be read.`;

/** Runs `cellwire-codegen diff` with `argv` (after `diff`); returns the exit code. */
export function diffMain(argv: readonly string[], log: (line: string) => void = console.log, cwd = process.cwd()): number {
  let values: { ref?: string; tsconfig?: string; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      options: { ref: { type: 'string' }, tsconfig: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    }));
  } catch (e) {
    log(`cellwire-codegen diff: ${(e as Error).message}\n${DIFF_USAGE}`);
    return 2;
  }
  if (values.help) {
    log(DIFF_USAGE);
    return 0;
  }
  const want = values.ref !== undefined ? 1 : 2;
  if (positionals.length !== want) {
    log(`cellwire-codegen diff: ${values.ref !== undefined ? '--ref takes one methods file' : 'give two methods files, OLD and NEW'}\n${DIFF_USAGE}`);
    return 2;
  }
  const abs = (p: string) => path.resolve(cwd, p);
  const tsconfig = values.tsconfig ? abs(values.tsconfig) : undefined;
  let result: DiffResult;
  let labels: { before: string; after: string };
  let checkout: ReturnType<typeof checkoutAtRef> | undefined;
  try {
    if (values.ref !== undefined) {
      const file = abs(positionals[0]!);
      checkout = checkoutAtRef(file, values.ref);
      // The copy resolves types with the working tree's tsconfig for that file.
      const config = tsconfig ?? ts.findConfigFile(path.dirname(file), ts.sys.fileExists);
      result = diffServices(loadService(checkout.file, config), loadService(file, tsconfig));
      labels = { before: `${positionals[0]} at ${values.ref}`, after: positionals[0]! };
    } else {
      result = diffServices(loadService(abs(positionals[0]!), tsconfig), loadService(abs(positionals[1]!), tsconfig));
      labels = { before: positionals[0]!, after: positionals[1]! };
    }
  } catch (e) {
    log(`cellwire-codegen diff: ${(e as Error).message}`);
    return 2;
  } finally {
    checkout?.dispose();
  }
  for (const line of formatDiff(result, labels)) log(line);
  return result.exitCode;
}
