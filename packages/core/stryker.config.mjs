// Mutation testing of @cellwire/core (issue 18): `npm run mutate` (root or this package).
// Every module of src is mutated, the runner included; generated validators (src/gen) and the
// export list (src/index.ts) are not. The tests are core's own (test/), run by vitest through
// test/mutation/vitest.config.mjs. test/mutation/run.mjs runs this and writes MUTATION.md.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'test/mutation/vitest.config.mjs', related: false },
  mutate: ['src/**/*.ts', '!src/gen/**', '!src/index.ts'],
  // Each mutant runs only the tests that reach it; code that runs only when a module loads
  // (constant tables, regexps) would need every test per mutant, and is left out.
  coverageAnalysis: 'perTest',
  ignoreStatic: true,
  // Two cores, four test runner processes. Most of a mutant's run is vitest starting a worker
  // thread and loading the test files, plus tests waiting on timers: a process more than there
  // are cores uses those waits (measured on src/json-value.ts and src/dedupe.ts, 310 mutants:
  // 1 min 44 s with three, 1 min 37 s with four).
  concurrency: 4,
  // A larger young generation and no parallel GC threads (four processes share two cores): the
  // short-lived test workers spend less time in GC (the same 310 mutants: 2 min 5 s without
  // these flags, 1 min 44 s with them, three processes).
  testRunnerNodeArgs: ['--max-semi-space-size=64', '--single-threaded-gc'],
  // A mutant that leaves a test waiting fails it at vitest's test timeout (600 ms,
  // test/mutation/vitest.config.mjs); Stryker's own timeout is for a run that hangs past that
  // (an endless loop). It is generous so that a slow run on busy cores is not taken for one.
  timeoutMS: 5000,
  timeoutFactor: 1.5,
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true, reportMutants: false },
  ignorePatterns: ['dist', '.stryker-tmp', 'reports', '.vitest-result.json', 'CHANGELOG.md', 'LICENSE'],
  // The copy sits as deep below the repository root as packages/core does, so that a test
  // reading a root file by relative path (test/codec.test.ts: schemas/wire) finds it there too.
  tempDirName: '../../.stryker-tmp',
  cleanTempDir: 'always',
  // At that depth tsconfig.json's `extends` (../../tsconfig.base.json) already resolves; Stryker's
  // rewrite of it assumes a copy inside packages/core and would break it, so point it at nothing.
  tsconfigFile: 'tsconfig.not-rewritten.json',
  thresholds: { high: 85, low: 80, break: null },
};
