// Sums the JSON reports vitest wrote in each workspace folder into the one line CI reads, and
// says how many test tasks ran and how many nx replayed from its cache. A report whose start
// time is before this `npm test` began (CELLWIRE_TEST_STARTED_MS) was restored from the cache,
// not produced by a run; under CI a replayed test task is an error (the cache must be off).
import fs from 'node:fs';
import path from 'node:path';

const roots = ['packages', 'tools'];
const files = [];
for (const r of roots) {
  if (!fs.existsSync(r)) continue;
  for (const d of fs.readdirSync(r)) files.push(path.join(r, d, '.vitest-result.json'));
}
files.push(path.join('test', '.vitest-result.json'));

const started = Number(process.env.CELLWIRE_TEST_STARTED_MS ?? 0);
let passed = 0;
let failed = 0;
let skipped = 0;
let ran = 0;
const replayed = [];
for (const f of files) {
  if (!fs.existsSync(f)) continue;
  const r = JSON.parse(fs.readFileSync(f, 'utf8'));
  if (started > 0 && typeof r.startTime === 'number' && r.startTime < started) replayed.push(path.dirname(f));
  else ran++;
  passed += r.numPassedTests ?? 0;
  // A file that fails to load has no failed tests but a failed suite: count it too.
  const brokenFiles = (r.testResults ?? []).filter((t) => t.status === 'failed' && (t.assertionResults ?? []).length === 0).length;
  failed += (r.numFailedTests ?? 0) + brokenFiles;
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
}
// Checks run outside vitest (the downstream example), as "passed:failed".
const [extraPassed, extraFailed] = (process.env.CELLWIRE_EXTRA_COUNTS ?? '').split(':').map((n) => Number(n) || 0);
passed += extraPassed ?? 0;
failed += extraFailed ?? 0;
console.log(`test tasks: ${ran} ran, ${replayed.length} replayed from the nx cache${replayed.length ? ` (${replayed.join(', ')})` : ''}`);
if (process.env.CI === 'true' && replayed.length > 0) {
  console.log('CI=true but test results were replayed from a cache: nothing proves these tests pass on this commit.');
  failed += replayed.length;
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
