// Vitest config for mutation testing only (packages/core/stryker.config.mjs). Stryker runs the
// tests in a copy of packages/core (its sandbox), where the alias of the repository's
// vitest.shared.ts would point @cellwire/core back at the unmutated sources: here everything
// resolves inside the copy, so the tests see the mutated src, as one module instance.
import { statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { BaseSequencer } from 'vitest/node';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The integration files whose tests take longest (measured: about 170, 180, 280 and 560 ms for
 * the whole file, where every other file takes under 65 ms), in that order. They run last.
 */
const SLOW_LAST = ['runner-paths.test.ts', 'runner-counts.test.ts', 'runner.test.ts', 'reliability.test.ts'];

/**
 * Cheap test files first: the small ones (the unit tests, which kill most mutants in
 * milliseconds) by size, then the slow integration files above. (Vitest's own order runs large
 * files first: here the runner's integration tests, which notice a broken mutant later, often
 * only at the test timeout.) Stryker stops a mutant's run at its first failing test (bail), and
 * runs only the tests that cover the mutant (perTest), so a mutant's run costs the tests before
 * the first one that kills it.
 */
class CheapFilesFirst extends BaseSequencer {
  async sort(files) {
    const rank = (f) => {
      const slow = SLOW_LAST.indexOf(path.basename(f.moduleId));
      return slow < 0 ? statSync(f.moduleId).size : Number.MAX_SAFE_INTEGER - SLOW_LAST.length + slow;
    };
    return [...files].sort((a, b) => rank(a) - rank(b));
  }
}

export default defineConfig({
  root,
  resolve: { alias: { '@cellwire/core': `${root}src/index.ts` } },
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    // No output: Stryker reads results from vitest's state, and nobody reads a mutant run's dots.
    reporters: [{}],
    passWithNoTests: false,
    // The slowest test takes about 110 ms (most take a few). A mutant that leaves a test waiting
    // for an answer fails it here, as killed, instead of as a Stryker timeout that restarts the
    // worker; 600 ms leaves room for a test slowed down by the other runs sharing the cores.
    testTimeout: 600,
    hookTimeout: 600,
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
    sequence: { sequencer: CheapFilesFirst },
  },
});
