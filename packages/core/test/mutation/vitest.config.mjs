// Vitest config for mutation testing only (packages/core/stryker.config.mjs). Stryker runs the
// tests in a copy of packages/core (its sandbox), where the alias of the repository's
// vitest.shared.ts would point @cellwire/core back at the unmutated sources: here everything
// resolves inside the copy, so the tests see the mutated src, as one module instance.
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { BaseSequencer } from 'vitest/node';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Small test files first: they are the unit tests, which kill most mutants in milliseconds.
 * (Vitest's own order runs large files first: here the runner's integration tests, which
 * notice a broken mutant later, often only at the test timeout.) Stryker stops a mutant's run
 * at its first failing test.
 */
class SmallFilesFirst extends BaseSequencer {
  async sort(files) {
    const size = (f) => statSync(f.moduleId).size;
    return [...files].sort((a, b) => size(a) - size(b));
  }
}

export default defineConfig({
  root,
  resolve: { alias: { '@cellwire/core': `${root}src/index.ts` } },
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    reporters: ['dot'],
    passWithNoTests: false,
    // The slowest test takes about 300 ms. A mutant that leaves a test waiting for an answer
    // fails it here, as killed, instead of as a Stryker timeout that restarts the worker.
    testTimeout: 1_500,
    hookTimeout: 1_500,
    // One module graph for every test file of a run: the files import the same src, and a
    // mutant is switched on at run time, so importing it afresh per file only costs time.
    isolate: false,
    sequence: { sequencer: SmallFilesFirst },
  },
});
