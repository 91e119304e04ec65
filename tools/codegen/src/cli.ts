/**
 * `cellwire-codegen`: generates a service's descriptor, handler and client interfaces,
 * validators, JSON Schemas, OpenAPI and AsyncAPI documents from its methods.ts.
 *
 *   cellwire-codegen --methods src/methods.ts --out src/gen --schemas schemas [--check]
 *
 * Exit codes: 0 done (or up to date), 1 `--check` found stale, missing or stray files,
 * 2 bad usage or a methods file that cannot be read.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { problems, writeFiles } from './files.js';
import { generateService, type ServiceOptions } from './generate.js';
import { apiDocuments } from './api-docs.js';
import { diffMain } from './diff.js';

const USAGE = `usage: cellwire-codegen --methods FILE --out DIR --schemas DIR [--check] [--tsconfig FILE] [--core-import SPEC]
       cellwire-codegen diff OLD NEW | diff --ref GITREF FILE   (compatibility of two versions; diff --help)

  --methods FILE   the service's method table (export const service, export const methods)
  --out DIR        where the TypeScript output goes (descriptor.ts, validators.ts, schemas.ts, index.ts)
  --schemas DIR    where the JSON Schemas, openapi.json and asyncapi.json go
  --check          write nothing; exit 1 naming every stale, missing or stray file
  --tsconfig FILE  the tsconfig.json to resolve types with (default: the nearest one)
  --core-import    import specifier of @cellwire/core in generated code (default @cellwire/core)`;

/** Runs the command line with `argv` (without node and script); returns the exit code. */
export function main(argv: readonly string[], log: (line: string) => void = console.log, cwd = process.cwd()): number {
  if (argv[0] === 'diff') return diffMain(argv.slice(1), log, cwd);
  let values: { methods?: string; out?: string; schemas?: string; check?: boolean; tsconfig?: string; 'core-import'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        methods: { type: 'string' },
        out: { type: 'string' },
        schemas: { type: 'string' },
        check: { type: 'boolean' },
        tsconfig: { type: 'string' },
        'core-import': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (e) {
    log(`cellwire-codegen: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    log(USAGE);
    return 0;
  }
  if (!values.methods || !values.out || !values.schemas) {
    log(`cellwire-codegen: --methods, --out and --schemas are required\n${USAGE}`);
    return 2;
  }
  const options: ServiceOptions = {
    root: cwd,
    methods: values.methods,
    out: norm(values.out),
    schemas: norm(values.schemas),
    ...(values.tsconfig ? { tsconfig: values.tsconfig } : {}),
    ...(values['core-import'] ? { coreImport: values['core-import'] } : {}),
  };
  return runService(options, values.check ?? false, log);
}

/** Generates (or checks) one service; the exit code. */
export function runService(options: ServiceOptions, check: boolean, log: (line: string) => void = console.log): number {
  const started = performance.now();
  let files;
  let name: string;
  try {
    const g = generateService(options, apiDocuments(options));
    files = g.files;
    name = g.model.name;
  } catch (e) {
    log(`cellwire-codegen: ${(e as Error).message}`);
    return 2;
  }
  const dirs = [options.out, options.schemas];
  const ms = Math.round(performance.now() - started);
  if (check) {
    const bad = problems(options.root, dirs, files);
    if (bad.length > 0) {
      log(`cellwire-codegen --check: ${bad.length} generated file(s) of service ${name} are out of date; run cellwire-codegen and commit:`);
      for (const b of bad) log(`  ${b}`);
      return 1;
    }
    log(`cellwire-codegen --check: service ${name}: ${files.size} files up to date (${ms} ms)`);
    return 0;
  }
  const [written, removed] = writeFiles(options.root, dirs, files);
  log(`cellwire-codegen: service ${name}: ${files.size} files, ${written} written, ${removed} removed (${ms} ms)`);
  return 0;
}

function norm(dir: string): string {
  return path.normalize(dir).split(path.sep).join('/').replace(/\/$/, '');
}
