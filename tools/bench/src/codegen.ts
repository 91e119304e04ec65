/**
 * Code generation timings, each in a fresh process running the generator's command line
 * (`cellwire-codegen`, tools/codegen/src/bin.ts through tsx, as `npm run generate` runs it):
 *
 * - this repository: `npm run generate -- --check` (core's wire schemas and every service of
 *   tools/codegen/src/repo.ts: the same work as `npm run generate`, writing nothing);
 * - its nova_cells service alone: `cellwire-codegen --check` on its methods.ts;
 * - synthetic services of 250, 500 and 1000 methods (writeSyntheticService), generated into a
 *   temp dir: `cellwire-codegen --methods methods.ts --out gen --schemas schemas --tsconfig
 *   tsconfig.base.json` with the temp dir as working directory, as a consumer runs it.
 *
 * Wall time is the whole command (process start to exit); the generator's own time is what
 * the command line prints, `(N ms)`: reading the methods, resolving the types, emitting.
 *
 * `tsx src/codegen.ts [N ...]` runs these timings alone (default sizes 250 500 1000).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '../../..');
/** The tsconfig the synthetic services resolve their types with (`@cellwire/core` via its paths). */
export const TSCONFIG = path.join(repoRoot, 'tsconfig.base.json');
const CLI = path.join(repoRoot, 'tools/codegen/src/bin.ts');
/** tsx by absolute URL: `--import tsx` would be resolved from the temp dir, where there is none. */
const TSX = import.meta.resolve('tsx');

/** One service of this repository, as tools/codegen/src/repo.ts generates it. */
export interface RepoService {
  readonly methods: string;
  readonly out: string;
  readonly schemas: string;
}

/** The services of `npm run generate`, read from repo.ts's SERVICES (its text, not by loading the generator). */
export function repoServices(): RepoService[] {
  const text = fs.readFileSync(path.join(repoRoot, 'tools/codegen/src/repo.ts'), 'utf8');
  const re = /\['--methods', '([^']+)', '--out', '([^']+)', '--schemas', '([^']+)'/g;
  const out = [...text.matchAll(re)].map((m) => ({ methods: m[1]!, out: m[2]!, schemas: m[3]! }));
  if (out.length === 0) throw new Error('tools/codegen/src/repo.ts: no SERVICES entry found');
  return out;
}

export function novaService(): RepoService {
  const s = repoServices().find((x) => x.methods.includes('nova-cells/'));
  if (!s) throw new Error('tools/codegen/src/repo.ts: no nova-cells service');
  return s;
}

/** Methods of a generated service: one JSON Schema per method in its schemas folder, beside openapi.json and asyncapi.json. */
export function methodCount(schemasDir: string): number {
  const dir = path.join(repoRoot, schemasDir);
  if (!fs.existsSync(dir)) return 0;
  return fs.readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'openapi.json' && f !== 'asyncapi.json').length;
}

/**
 * A service `synthetic` of `n` methods over 20 shared types, in `dir`: types.ts, args.ts and
 * methods.ts (`export const service`, `export const methods = { m_0001: method<Args, Result>({...}), ... }`),
 * with the kinds and the shapes of the Nova methods: 60 % targeted calls, 20 % broadcasts,
 * 10 % cast-or-call on a nested target, 10 % targeted-or-broadcast.
 */
export function writeSyntheticService(dir: string, n: number): void {
  fs.mkdirSync(dir, { recursive: true });
  const types: string[] = [
    '/** Synthetic domain for the code generation benchmark. */',
    'export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };',
  ];
  const T = 20;
  for (let t = 0; t < T; t++) {
    types.push(
      '',
      `/** Shared type ${t}. */`,
      `export interface Thing${t} {`,
      '  id: number;',
      '  uuid: string;',
      '  name: string | null;',
      `  state: 'new' | 'active' | 'deleted';`,
      '  tags?: string[];',
      '  extra?: { [key: string]: string };',
      // Chains of at most four types, as in the real schema (Instance -> Flavor, ...).
      t % 4 !== 0 ? `  parent?: Thing${t - 1} | null;` : '  details?: JsonValue;',
      '}',
    );
  }
  const args: string[] = [`import type { ${Array.from({ length: T }, (_, t) => `Thing${t}`).join(', ')} } from './types.js';`];
  const methods: string[] = [
    "import { method } from '@cellwire/core';",
    "import type * as A from './args.js';",
    "import type * as T from './types.js';",
    '',
    '/** Synthetic service for the code generation benchmark. */',
    "export const service = { name: 'synthetic', version: '1.0.0' } as const;",
    '',
    'export const methods = {',
  ];
  const width = Math.max(4, String(n).length);
  for (let i = 0; i < n; i++) {
    const num = String(i + 1).padStart(width, '0');
    const name = `m_${num}`;
    const thing = `Thing${i % T}`;
    const kind = i % 10;
    const pascal = `M${num}Args`;
    const result = [`T.${thing}`, `T.${thing}[]`, 'number', 'null', 'string'][i % 5];
    if (kind < 6) {
      args.push('', `export interface ${pascal} {`, '  cell_name: string;', `  thing: ${thing};`, '  limit?: number;', `  mode?: 'fast' | 'safe';`, '}');
      methods.push(
        `  /** Synthetic targeted call ${i + 1}. */`,
        `  ${name}: method<A.${pascal}, ${result}>({ kind: 'targeted', direction: 'down', needResponse: true, target: { arg: 'cell_name' } }),`,
      );
    } else if (kind < 8) {
      args.push('', `export interface ${pascal} {`, `  filters?: { state?: ${thing}['state']; name?: string } | null;`, '}');
      methods.push(
        `  /** Synthetic broadcast ${i + 1}. */`,
        `  ${name}: method<A.${pascal}, ${result}>({ kind: 'broadcast', direction: 'down', needResponse: true, runLocally: true, target: 'none' }),`,
      );
    } else if (kind < 9) {
      args.push('', `export interface ${pascal} {`, `  thing: ${thing} & { cell_name: string | null };`, '  do_cast?: boolean;', '}');
      methods.push(
        `  /** Synthetic cast-or-call ${i + 1}. */`,
        `  ${name}: method<A.${pascal}, null>({ kind: 'targeted', direction: 'down', needResponse: { arg: 'do_cast', negate: true, default: false }, target: { arg: 'thing.cell_name' } }),`,
      );
    } else {
      args.push('', `export interface ${pascal} {`, '  cell_name?: string;', '  since?: string | null;', '}');
      methods.push(
        `  /** Synthetic targeted-or-broadcast ${i + 1}. */`,
        `  ${name}: method<A.${pascal}, ${result}>({ kind: 'targeted_or_broadcast', direction: 'down', needResponse: true, runLocally: true, target: { arg: 'cell_name', optional: true } }),`,
      );
    }
  }
  methods.push('} as const;');
  fs.writeFileSync(path.join(dir, 'types.ts'), types.join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'args.ts'), args.join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'methods.ts'), methods.join('\n') + '\n');
}

export interface CodegenResult {
  readonly label: string;
  readonly methods: number;
  /** Wall time of the whole command (process start to exit). */
  readonly wallMs: number;
  /** The generator's own time, as the command line prints it, when known. */
  readonly generateMs?: number;
  readonly files?: number;
}

function run(cmd: string, args: string[], cwd = repoRoot): Promise<{ wallMs: number; stdout: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = spawn(cmd, args, { cwd, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('error', reject);
    p.on('exit', (code) => {
      // 1 is `--check` finding stale files: the work was done all the same.
      if (code !== 0 && code !== 1) reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${(stdout + stderr).slice(-800)}`));
      else resolve({ wallMs: performance.now() - t0, stdout, code });
    });
  });
}

/** `cellwire-codegen ...` from the sources, in a fresh process. */
function codegenCli(args: string[], cwd: string) {
  return run(process.execPath, ['--import', TSX, CLI, ...args], cwd);
}

/** Sums of the `N files ... (M ms)` lines the generator prints (one per service, and the wire's). */
function parseLines(stdout: string): { files: number; ms: number; parts: number } {
  let files = 0;
  let ms = 0;
  let parts = 0;
  for (const m of stdout.matchAll(/: (\d+) files[^\n]*\((\d+) ms\)/g)) {
    files += Number(m[1]);
    ms += Number(m[2]);
    parts++;
  }
  return { files, ms, parts };
}

/** Generates a synthetic service of `n` methods with the command line, in a temp dir. */
export async function syntheticRun(n: number): Promise<CodegenResult> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cellwire-bench-codegen-'));
  try {
    writeSyntheticService(tmp, n);
    const r = await codegenCli(['--methods', 'methods.ts', '--out', 'gen', '--schemas', 'schemas', '--tsconfig', TSCONFIG], tmp);
    const p = parseLines(r.stdout);
    if (r.code !== 0 || p.parts !== 1) throw new Error(`cellwire-codegen on ${n} synthetic methods: ${r.stdout.trim().slice(-800)}`);
    return { label: `synthetic, ${n} methods`, methods: n, wallMs: r.wallMs, generateMs: p.ms, files: p.files };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** This repository's generation, then nova_cells alone, then the synthetic sizes: one fresh process each. */
export async function codegenTimings(sizes: readonly number[], log: (s: string) => void): Promise<CodegenResult[]> {
  const out: CodegenResult[] = [];
  const stale = (code: number | null) => (code ? ' (generated files are stale: the timing is still that of a full generation)' : '');

  const services = repoServices();
  const repo = await run('npm', ['run', '-s', 'generate', '--', '--check']);
  const rp = parseLines(repo.stdout);
  out.push({
    label: `this repository, wire + ${services.length} services (npm run generate -- --check)`,
    methods: services.reduce((a, s) => a + methodCount(s.schemas), 0),
    wallMs: repo.wallMs,
    ...(rp.parts > 0 ? { generateMs: rp.ms, files: rp.files } : {}),
  });
  log(`  codegen this repository: ${Math.round(repo.wallMs)} ms${rp.parts ? ` (generator ${rp.ms} ms, ${rp.files} files)` : ''}${stale(repo.code)}`);

  const nova = novaService();
  const nr = await codegenCli(['--methods', nova.methods, '--out', nova.out, '--schemas', nova.schemas, '--tsconfig', 'tsconfig.base.json', '--check'], repoRoot);
  const np = parseLines(nr.stdout);
  out.push({ label: 'nova_cells alone (cellwire-codegen --check)', methods: methodCount(nova.schemas), wallMs: nr.wallMs, ...(np.parts > 0 ? { generateMs: np.ms, files: np.files } : {}) });
  log(`  codegen nova_cells: ${Math.round(nr.wallMs)} ms${np.parts ? ` (generator ${np.ms} ms, ${np.files} files)` : ''}${stale(nr.code)}`);

  for (const n of sizes) {
    const r = await syntheticRun(n);
    out.push(r);
    log(`  codegen synthetic ${n}: ${Math.round(r.wallMs)} ms (generator ${r.generateMs} ms, ${r.files} files)`);
  }
  return out;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const sizes = process.argv.slice(2).map(Number).filter((x) => Number.isInteger(x) && x > 0);
  for (const r of await codegenTimings(sizes.length ? sizes : [250, 500, 1000], console.log)) console.log(r);
}
