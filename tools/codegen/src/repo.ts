/**
 * `npm run generate [-- --check]` in this repository: each service through the published
 * command line, exactly as a consumer runs it, plus core's own wire schemas and validators.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from './cli.js';
import { problems, writeFiles } from './files.js';
import { generateWire, type WireOptions } from './generate.js';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

// The workspace's path aliases map @cellwire/* to sources, so nothing needs building first.
const TSCONFIG = ['--tsconfig', 'tsconfig.base.json'];

/** The cellwire-codegen command lines of this repository's services. */
export const SERVICES: readonly (readonly string[])[] = [
  ['--methods', 'packages/schema/src/nova-cells/methods.ts', '--out', 'packages/schema/src/gen/nova-cells', '--schemas', 'schemas/nova-cells', ...TSCONFIG],
  ['--methods', 'packages/schema/src/cell-state/methods.ts', '--out', 'packages/schema/src/gen/cell-state', '--schemas', 'schemas/cell-state', ...TSCONFIG],
  ['--methods', 'packages/core/test/service/methods.ts', '--out', 'packages/core/test/service/gen', '--schemas', 'packages/core/test/service/gen/schemas', ...TSCONFIG],
  // Two versions of one service, for the mixed-version tree (test/mixed-version.test.ts).
  ['--methods', 'test/versions/v1/methods.ts', '--out', 'test/versions/v1/gen', '--schemas', 'test/versions/v1/gen/schemas', ...TSCONFIG],
  ['--methods', 'test/versions/v2/methods.ts', '--out', 'test/versions/v2/gen', '--schemas', 'test/versions/v2/gen/schemas', ...TSCONFIG],
];

export const WIRE: WireOptions = {
  root,
  module: 'packages/core/src/wire.ts',
  types: {
    envelope: 'Envelope',
    response: 'WireResponse',
    'remote-error': 'RemoteErrorJSON',
    'request-context': 'RequestContext',
    'response-message-args': 'ResponseMessageArgs',
  },
  validators: {
    validateEnvelope: 'envelope',
    validateWireResponse: 'response',
    validateRemoteError: 'remote-error',
    validateRequestContext: 'request-context',
    validateResponseMessageArgs: 'response-message-args',
  },
  validatorsFile: 'packages/core/src/gen/wire.ts',
  schemas: 'schemas/wire',
  codegenModule: 'tools/codegen/src/gen/wire-schemas.ts',
  tsconfig: 'tsconfig.base.json',
};

export function generateRepo(check: boolean, log: (line: string) => void = console.log): number {
  let code = 0;
  const started = performance.now();
  const files = generateWire(WIRE);
  const dirs = [WIRE.schemas, path.posix.dirname(WIRE.validatorsFile), 'tools/codegen/src/gen'];
  if (check) {
    const bad = problems(root, dirs, files);
    for (const b of bad) log(`  ${b}`);
    if (bad.length > 0) code = Math.max(code, 1);
    else log(`wire: ${files.size} files up to date (${Math.round(performance.now() - started)} ms)`);
  } else {
    const [written, removed] = writeFiles(root, dirs, files);
    log(`wire: ${files.size} files, ${written} written, ${removed} removed`);
  }
  // After the wire: the services' types reach core's sources, which import its validators.
  for (const argv of SERVICES) code = Math.max(code, main(check ? [...argv, '--check'] : argv, log, root));
  return code;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = generateRepo(process.argv.includes('--check'));
}
