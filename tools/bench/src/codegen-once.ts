/**
 * One generator run, timed in this process: `tsx tools/bench/src/codegen-once.ts N` for a
 * synthetic service of N methods (codegen.ts's writeSyntheticService), or
 * `tsx tools/bench/src/codegen-once.ts nova` for the Nova cells service of this repository.
 *
 * The timed part is what `cellwire-codegen` does once it is loaded: generateService (read the
 * methods, resolve the types, emit the descriptor, validators, JSON Schemas) with the OpenAPI
 * and AsyncAPI documents, then writing every file. Output goes to a temp dir, removed after
 * (the Nova service too: its generated files in the repository are not touched).
 *
 * Prints `generate N methods: X ms`, the file count, and the process's wall time so far
 * (which adds starting Node and loading TypeScript, ts-morph and ajv).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { apiDocuments } from '../../codegen/src/api-docs.js';
import { writeFiles } from '../../codegen/src/files.js';
import { generateService, type ServiceOptions } from '../../codegen/src/generate.js';
import { novaService, repoRoot, TSCONFIG, writeSyntheticService } from './codegen.js';

const USAGE = 'usage: tsx tools/bench/src/codegen-once.ts <N | nova>   (N: how many synthetic methods)';

function main(arg: string | undefined): number {
  const nova = arg === 'nova';
  const n = nova ? 0 : Number(arg);
  if (!nova && !(Number.isInteger(n) && n > 0)) {
    console.error(USAGE);
    return 2;
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cellwire-codegen-once-'));
  try {
    let options: ServiceOptions;
    if (nova) {
      // Read from the repository, written to the temp dir under the same relative paths.
      const s = novaService();
      options = { root: repoRoot, methods: s.methods, out: s.out, schemas: s.schemas, tsconfig: TSCONFIG };
    } else {
      writeSyntheticService(tmp, n);
      options = { root: tmp, methods: 'methods.ts', out: 'gen', schemas: 'schemas', tsconfig: TSCONFIG };
    }
    const t0 = performance.now();
    const { files, model } = generateService(options, apiDocuments(options));
    const [written] = writeFiles(tmp, [options.out, options.schemas], files);
    const ms = performance.now() - t0;
    const what = nova ? `${model.methods.length} methods (${model.name})` : `${n} methods`;
    let bytes = 0;
    for (const content of files.values()) bytes += Buffer.byteLength(content);
    console.log(`generate ${what}: ${Math.round(ms)} ms`);
    console.log(`files: ${files.size} (${written} written, ${(bytes / 1024).toFixed(0)} KiB)`);
    console.log(`process wall so far: ${Math.round(performance.now())} ms`);
    return 0;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

process.exitCode = main(process.argv[2]);
