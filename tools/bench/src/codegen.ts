/**
 * Code generation timings: `npm run generate -- --check` on the real schema (the same work
 * as `npm run generate`, writing nothing), and the generator's `generate()` on synthetic
 * schemas of 250, 500 and 1000 methods (written to a temp dir), each in a fresh process.
 *
 * `tsx src/codegen.ts --synthetic N` is the child: it builds the schema, generates, writes
 * the output to a temp dir and prints one JSON line { methods, generateMs, files, bytes }.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '../../..');

/** A schema folder like tools/codegen/test/fixtures/schema with `n` methods over 20 shared types. */
export function writeSyntheticSchema(dir: string, n: number): void {
  fs.mkdirSync(dir, { recursive: true });
  const types: string[] = [
    '/** Synthetic domain for the code generation benchmark. */',
    'export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };',
    '',
    'export interface RequestContext {',
    '  request_id: string;',
    '  user_id: string | null;',
    '  project_id: string | null;',
    '  roles: string[];',
    '  is_admin: boolean;',
    "  read_deleted: 'no' | 'yes' | 'only';",
    '  timestamp: string;',
    '}',
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
  const methods: string[] = ["import { method } from './define.js';", "import type * as A from './args.js';", "import type * as T from './types.js';", '', 'export const methods = {'];
  for (let i = 0; i < n; i++) {
    const name = `method_${i}`;
    const thing = `Thing${i % T}`;
    const kind = i % 10;
    const pascal = `Method${i}Args`;
    const result = [`T.${thing}`, `T.${thing}[]`, 'number', 'null', 'string'][i % 5];
    if (kind < 6) {
      args.push('', `export interface ${pascal} {`, '  cell_name: string;', `  thing: ${thing};`, '  limit?: number;', `  mode?: 'fast' | 'safe';`, '}');
      methods.push(
        `  /** Synthetic targeted call ${i}. */`,
        `  ${name}: method<A.${pascal}, ${result}>({ kind: 'targeted', direction: 'down', needResponse: true, target: { arg: 'cell_name' } }),`,
      );
    } else if (kind < 8) {
      args.push('', `export interface ${pascal} {`, `  filters?: { state?: ${thing}['state']; name?: string } | null;`, '}');
      methods.push(
        `  /** Synthetic broadcast ${i}. */`,
        `  ${name}: method<A.${pascal}, ${result}>({ kind: 'broadcast', direction: 'down', needResponse: true, runLocally: true, target: 'none' }),`,
      );
    } else if (kind < 9) {
      args.push('', `export interface ${pascal} {`, `  thing: ${thing} & { cell_name: string | null };`, '  do_cast?: boolean;', '}');
      methods.push(
        `  /** Synthetic cast-or-call ${i}. */`,
        `  ${name}: method<A.${pascal}, null>({ kind: 'targeted', direction: 'down', needResponse: { arg: 'do_cast', negate: true, default: false }, target: { arg: 'thing.cell_name' } }),`,
      );
    } else {
      args.push('', `export interface ${pascal} {`, '  cell_name?: string;', '  since?: string | null;', '}');
      methods.push(
        `  /** Synthetic targeted-or-broadcast ${i}. */`,
        `  ${name}: method<A.${pascal}, ${result}>({ kind: 'targeted_or_broadcast', direction: 'down', needResponse: true, runLocally: true, target: { arg: 'cell_name', optional: true } }),`,
      );
    }
  }
  methods.push('} as const;');
  fs.writeFileSync(path.join(dir, 'types.ts'), types.join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'args.ts'), args.join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'methods.ts'), methods.join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'define.ts'), `export * from ${JSON.stringify(path.join(repoRoot, 'packages/schema/src/define.js'))};\n`);
}

export interface CodegenResult {
  readonly label: string;
  readonly methods: number;
  /** Wall time of the whole command (process start to exit). */
  readonly wallMs: number;
  /** Time inside generate() alone, when known. */
  readonly generateMs?: number;
  readonly files?: number;
}

/** Child side: one synthetic run. */
async function child(n: number): Promise<void> {
  const { generate } = await import('../../codegen/src/generate.js');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cellwire-bench-codegen-'));
  try {
    const schemaDir = path.join(tmp, 'schema');
    writeSyntheticSchema(schemaDir, n);
    const t0 = performance.now();
    const files = generate({
      root: path.join(tmp, 'out'),
      methodsFile: path.join(schemaDir, 'methods.ts'),
      schemaImport: './schema',
      coreImport: '@cellwire/core',
      out: { coreGen: 'core', clientGen: 'client', schemas: 'schemas' },
    });
    let bytes = 0;
    for (const [rel, content] of files) {
      const abs = path.join(tmp, 'out', rel);
      fs.mkdirSync(path.dirname(abs), { recursive: true });
      fs.writeFileSync(abs, content);
      bytes += content.length;
    }
    const generateMs = performance.now() - t0;
    process.stdout.write(`${JSON.stringify({ methods: n, generateMs, files: files.size, bytes })}\n`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function run(cmd: string, args: string[], env?: NodeJS.ProcessEnv): Promise<{ wallMs: number; stdout: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = spawn(cmd, args, { cwd: repoRoot, env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('error', reject);
    p.on('exit', (code) => {
      if (code !== 0 && code !== 1) reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${stderr.slice(-500)}`));
      else resolve({ wallMs: performance.now() - t0, stdout, code });
    });
  });
}

/** Parent side: the real schema, then the synthetic sizes, one fresh process each. */
export async function codegenTimings(sizes: readonly number[], log: (s: string) => void): Promise<CodegenResult[]> {
  const out: CodegenResult[] = [];
  const real = await run('npm', ['run', '-s', 'generate', '--', '--check']);
  const m = /(\d+) files up to date \((\d+) ms\)/.exec(real.stdout);
  const methods = fs.readdirSync(path.join(repoRoot, 'schemas/methods')).length;
  out.push({ label: 'real schema (npm run generate -- --check)', methods, wallMs: real.wallMs, ...(m ? { generateMs: Number(m[2]), files: Number(m[1]) } : {}) });
  log(`  codegen real schema: ${Math.round(real.wallMs)} ms${real.code ? ' (generated files are stale)' : ''}`);
  for (const n of sizes) {
    const r = await run(process.execPath, ['--import', 'tsx', path.join(here, 'codegen.ts'), '--synthetic', String(n)]);
    const line = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { generateMs: number; files: number };
    out.push({ label: `synthetic, ${n} methods`, methods: n, wallMs: r.wallMs, generateMs: line.generateMs, files: line.files });
    log(`  codegen synthetic ${n}: ${Math.round(r.wallMs)} ms (generate() ${Math.round(line.generateMs)} ms)`);
  }
  return out;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--synthetic');
  if (i >= 0) await child(Number(process.argv[i + 1]));
  else for (const r of await codegenTimings([250, 500, 1000], console.log)) console.log(r);
}
