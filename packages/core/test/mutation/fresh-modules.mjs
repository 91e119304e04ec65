// A setup file for mutation testing only (test/mutation/vitest.config.mjs). The test files of
// one run share a worker and core's modules (isolate: false); at the first test file of each
// mutant's run they are evaluated afresh, so that state a module keeps (a cache, a pool of
// random bytes) cannot carry one mutant's effect over into another mutant's run.
import { inject, vi } from 'vitest';

const mutant = inject('activeMutant');
const seen = (globalThis.__cellwireMutationRun ??= { mutant: Symbol('none') });
if (seen.mutant !== mutant) {
  seen.mutant = mutant;
  vi.resetModules();
}
