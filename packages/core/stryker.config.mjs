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
  // Two cores, shared with other engineers.
  concurrency: 2,
  timeoutMS: 3000,
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
