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
    // One worker and one module graph for the test files of a run, rather than new ones per
    // file: a mutant is switched on at run time. Core's modules are evaluated afresh for each
    // mutant's run (fresh-modules.mjs), so no module state (a cache) carries a mutant over.
    isolate: false,
    setupFiles: [fileURLToPath(new URL('./fresh-modules.mjs', import.meta.url))],
    // Without isolation, a test cut off by the test timeout can leave work behind that fails
    // later, in another mutant's run: such errors must not count as killing that mutant. (A
    // mutant whose only effect is an unhandled error is then counted as surviving: the score
    // errs low, never high.)
    dangerouslyIgnoreUnhandledErrors: true,
    sequence: { sequencer: SmallFilesFirst },
  },
});
